import { describe, expect, it } from 'vitest';
import type { ConflictPolicy, Direction } from '../../src-main/sync/config';
import {
  type DecideInput,
  type Decision,
  decide,
  mergeRecords,
  type SideState,
} from '../../src-main/sync/reconcile';
import { type CommonRecord, recordHash } from '../../src-main/sync/record';

const base: CommonRecord = { subject: 'Meeting', start: '2026-11-24T09:00:00.000Z', location: 'Praha' };
const present = (
  record: CommonRecord,
  extra: Partial<Extract<SideState, { kind: 'present' }>> = {},
): SideState => ({
  kind: 'present',
  record,
  hash: recordHash(record),
  changed: true,
  inScope: true,
  ...extra,
});
const none: SideState = { kind: 'none' };
const deleted: SideState = { kind: 'deleted' };
const run = (p: Partial<DecideInput>): Decision =>
  decide({ link: { record: base }, abra: none, exchange: none, direction: 'both', policy: 'merge', ...p });

describe('decision table', () => {
  const aEdit = { ...base, subject: 'Meeting (moved)' };
  const eEdit = { ...base, location: 'Brno' };

  it.each<[Direction, string]>([
    ['abraToExchange', 'createExchange'],
    ['both', 'createExchange'],
    ['exchangeToAbra', 'nothing'],
  ])('new ABRA item, %s → %s', (direction, action) => {
    expect(run({ link: null, abra: present(base), direction }).action).toBe(action);
  });

  it.each<[Direction, string]>([
    ['exchangeToAbra', 'createAbra'],
    ['both', 'createAbra'],
    ['abraToExchange', 'nothing'],
  ])('new Exchange item, %s → %s (the user’s own items are left alone one-way)', (direction, action) => {
    expect(run({ link: null, exchange: present(base), direction }).action).toBe(action);
  });

  it('an item that left the filter is unlinked, never deleted', () => {
    expect(run({ abra: present(aEdit, { inScope: false }) }).action).toBe('unlink');
    expect(run({ exchange: present(eEdit, { inScope: false }), direction: 'abraToExchange' }).action).toBe(
      'unlink',
    );
  });

  it('deletes propagate per direction', () => {
    expect(run({ abra: deleted, direction: 'abraToExchange' }).action).toBe('deleteExchange');
    expect(run({ abra: deleted, direction: 'both' }).action).toBe('deleteExchange');
    expect(run({ abra: deleted, direction: 'exchangeToAbra' })).toEqual({
      action: 'createAbra',
      record: base,
    });
    expect(run({ exchange: deleted, direction: 'both' }).action).toBe('deleteAbra');
    expect(run({ exchange: deleted, direction: 'exchangeToAbra' }).action).toBe('deleteAbra');
    // one-way ABRA→Exchange: a contact deleted in Outlook is re-created
    expect(run({ exchange: deleted, direction: 'abraToExchange' })).toEqual({
      action: 'createExchange',
      record: base,
    });
    expect(run({ abra: deleted, exchange: deleted }).action).toBe('dropLink');
  });

  it('a one-way mirror folder loses the items that left the ABRA filter; ABRA and two-way parts are untouched', () => {
    const left = present(aEdit, { inScope: false });
    expect(run({ abra: left, direction: 'abraToExchange', exchangeIsMirror: true }).action).toBe(
      'deleteExchange',
    );
    expect(run({ abra: left, direction: 'both', exchangeIsMirror: true }).action).toBe('unlink');
    expect(run({ abra: left, direction: 'abraToExchange' }).action).toBe('unlink');
    // the Exchange item already gone: nothing to remove, the link is dropped by the unlink
    expect(
      run({ abra: left, exchange: deleted, direction: 'abraToExchange', exchangeIsMirror: true }).action,
    ).toBe('unlink');
    // an Outlook-side scope change is never a reason to delete
    expect(
      run({
        exchange: present(eEdit, { inScope: false }),
        direction: 'abraToExchange',
        exchangeIsMirror: true,
      }).action,
    ).toBe('unlink');
  });

  it('a change beats a delete on the other side in two-way mode', () => {
    expect(run({ abra: deleted, exchange: present(eEdit) })).toEqual({ action: 'createAbra', record: eEdit });
    expect(run({ abra: present(aEdit), exchange: deleted })).toEqual({
      action: 'createExchange',
      record: aEdit,
    });
  });

  it('a part that protects ABRA re-creates the Exchange item instead of deleting the ABRA record', () => {
    expect(run({ exchange: deleted, protectAbraFromDeletes: true }).action).toBe('createExchange');
    expect(run({ exchange: deleted, direction: 'exchangeToAbra', protectAbraFromDeletes: true }).action).toBe(
      'unlink',
    );
  });

  it('one-way keeps the target equal to the source: an Outlook edit is overwritten', () => {
    expect(run({ exchange: present(eEdit), direction: 'abraToExchange' })).toMatchObject({
      action: 'update',
      record: base,
      writeExchange: true,
      writeAbra: false,
    });
    expect(run({ abra: present(aEdit), direction: 'exchangeToAbra' })).toMatchObject({
      action: 'update',
      record: base,
      writeAbra: true,
      writeExchange: false,
    });
  });

  it('a one-sided change flows to the other side', () => {
    expect(run({ abra: present(aEdit) })).toMatchObject({
      action: 'update',
      record: aEdit,
      writeExchange: true,
    });
    expect(run({ exchange: present(eEdit) })).toMatchObject({
      action: 'update',
      record: eEdit,
      writeAbra: true,
    });
  });

  it('a reported but unchanged item only refreshes the link (no ping-pong)', () => {
    expect(run({ abra: present(base, { changed: false }) }).action).toBe('refreshLink');
    expect(run({}).action).toBe('nothing');
  });

  it('identical edits on both sides just refresh the link', () => {
    expect(run({ abra: present(aEdit), exchange: present(aEdit) }).action).toBe('refreshLink');
  });

  it.each<[ConflictPolicy, CommonRecord]>([
    ['abraWins', { ...base, subject: 'A', location: 'Brno' }],
    ['exchangeWins', { ...base, subject: 'E', location: 'Brno' }],
  ])('conflict policy %s', (policy, expected) => {
    const a = { ...base, subject: 'A', location: 'Brno' };
    const e = { ...base, subject: 'E', location: 'Brno' };
    const d = run({ abra: present(a), exchange: present(e), policy });
    expect(d).toMatchObject({ action: 'update', record: expected });
  });

  it('newest wins compares modification times', () => {
    const a = { ...base, subject: 'A' };
    const e = { ...base, subject: 'E' };
    const d = run({
      abra: present(a, { modifiedAt: '2026-11-24T10:00:00Z' }),
      exchange: present(e, { modifiedAt: '2026-11-24T11:00:00Z' }),
      policy: 'newestWins',
    });
    expect(d).toMatchObject({ action: 'update', record: e, writeAbra: true, writeExchange: false });
  });

  it('three-way merge takes one-sided field changes from each side and reports true conflicts', () => {
    const a = { ...base, subject: 'From ABRA', location: 'Ostrava' };
    const e = { ...base, location: 'Brno', body: 'agenda' };
    const d = run({
      abra: present(a, { modifiedAt: '2026-11-24T12:00:00Z' }),
      exchange: present(e, { modifiedAt: '2026-11-24T11:00:00Z' }),
    });
    expect(d.action).toBe('update');
    if (d.action !== 'update') return;
    expect(d.record).toEqual({ ...base, subject: 'From ABRA', location: 'Ostrava', body: 'agenda' });
    expect(d.writeAbra).toBe(true);
    expect(d.writeExchange).toBe(true);
    expect(d.conflicts).toEqual([
      { field: 'location', abraValue: 'Ostrava', exchangeValue: 'Brno', winner: 'abra' },
    ]);
  });

  it('pairing without a base fills empty fields and does not report conflicts', () => {
    const { record, conflicts } = mergeRecords(
      null,
      { name: 'ACME s.r.o.', phone: '' },
      { name: 'ACME', phone: '+420 123' },
      'abra',
    );
    expect(record).toEqual({ name: 'ACME s.r.o.', phone: '+420 123' });
    expect(conflicts).toEqual([]);
  });

  it('equal unlinked items pair silently on the first run', () => {
    expect(run({ link: null, abra: present(base), exchange: present(base) }).action).toBe('refreshLink');
  });

  it('empty values and key order do not count as a change', () => {
    expect(recordHash({ a: 1, b: '' })).toBe(recordHash({ a: 1 }));
    expect(recordHash({ a: 1, c: [1] })).toBe(recordHash({ c: [1], a: 1 }));
  });
});
