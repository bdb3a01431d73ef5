/**
 * The record hash is stored in every link of every state file: a change of its definition would make every linked
 * item look changed. Issue #17 made it one-shot (crypto.hash instead of a Hash object per record); these tests pin
 * the values to the definition the stored hashes were made with.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonical, recordHash, sameValue } from '../../src-main/sync/record';

describe('record hash (the definition stored hashes were made with)', () => {
  it('gives the values state files hold (computed by the definition before issue #17)', () => {
    expect(recordHash({ name: 'Novák', email: 'a@b.cz' })).toBe('b8dee82e60874334683da6f91d26375b');
    expect(
      recordHash({
        subject: 'Porada',
        start: '2026-12-07T08:00:00.000Z',
        attendees: [{ email: 'x@y.cz', name: 'Ž' }],
        note: '',
      }),
    ).toBe('46484cdde953f8dbf3437a886b5b3463');
  });

  it('is the first 32 hex digits of SHA-256 over the canonical text, for text of every kind', () => {
    const texts = ['', 'Novák', '\uD800 lone', '\u{1F600}', 'x'.repeat(100_000)];
    for (const t of texts) {
      const r = { t, n: [1, null, ''], o: { b: 2, a: '' } };
      expect(recordHash(r)).toBe(createHash('sha256').update(canonical(r)).digest('hex').slice(0, 32));
    }
  });

  it('does not change with key order or empty values, changes with any mapped field', () => {
    const h = recordHash({ name: 'Novák', email: 'a@b.cz' });
    expect(recordHash({ email: 'a@b.cz', name: 'Novák', note: '', tags: [] })).toBe(h);
    expect(recordHash({ name: 'Novak', email: 'a@b.cz' })).not.toBe(h);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });
});
