import { describe, expect, it } from 'vitest';
import { lowerKeys } from '../../src-main/abra/client';

// ABRA Gen Web API answers with lower-case property names; the client lower-cases them anyway (a server or proxy
// that answers `ID` / `Firm_ID` must read the same), now in place when there is nothing to change (issue #17).
describe('lowerKeys', () => {
  it('lower-cases mixed-case keys at every depth, in arrays too', () => {
    const parsed = JSON.parse(
      '[{"ID":"1","Firm_ID":{"Name":"A","Lines":[{"X":1}]}},{"id":"2","firm_id":null,"Nested":{"ok":true}}]',
    );
    expect(lowerKeys(parsed)).toEqual([
      { id: '1', firm_id: { name: 'A', lines: [{ x: 1 }] } },
      { id: '2', firm_id: null, nested: { ok: true } },
    ]);
  });

  it('keeps values as they are (strings are not lower-cased, scalars and null pass)', () => {
    expect(lowerKeys({ Name: 'ABC', n: 1, b: false, z: null })).toEqual({
      name: 'ABC',
      n: 1,
      b: false,
      z: null,
    });
    expect(lowerKeys('X')).toBe('X');
    expect(lowerKeys(null)).toBe(null);
  });

  it('an answer already in lower case is returned without a copy, with the same content', () => {
    const page = JSON.parse('[{"id":"1","address_id":{"email":"a@b.cz"}},{"id":"2","address_id":null}]');
    const out = lowerKeys<unknown[]>(page);
    expect(out).toBe(page);
    expect(out).toEqual([
      { id: '1', address_id: { email: 'a@b.cz' } },
      { id: '2', address_id: null },
    ]);
  });

  it('an own "__proto__" key in an answer stays data and changes no prototype', () => {
    const out = lowerKeys<Record<string, unknown>>(JSON.parse('{"__proto__":{"polluted":1},"ID":"7"}'));
    expect(out.id).toBe('7');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
