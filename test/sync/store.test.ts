import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/sync/state/sqlite';
import { StateStore } from '../../src-main/sync/state/store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmpFile(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'abra-state-'));
  dirs.push(d);
  return path.join(d, 'state.sqlite');
}

const link = {
  part: 'addressBook' as const,
  abraId: 'F000000001',
  exId: 'AAMk1',
  exKey: 'AAMk1',
  abraVersion: '3',
  exChangeKey: 'CK1',
  abraHash: 'h1',
  exHash: 'h1',
  record: { name: 'ACME s.r.o.' },
  seriesKey: null,
  name: 'ACME s.r.o.',
};

describe('StateStore', () => {
  it('persists links, cursors and intents across reopen', () => {
    const file = tmpFile();
    const s = StateStore.open(file);
    s.putLink(link);
    s.setCursor('addressBook', 'abra', '2026-11-24T00:00:00.000Z');
    s.addIntent('calendar', 'abra', 'key-1', { subject: 'x' });
    s.close();
    const t = StateStore.open(file);
    expect(t.getLink('addressBook', 'F000000001')).toMatchObject({
      exId: 'AAMk1',
      record: { name: 'ACME s.r.o.' },
    });
    expect(t.getLinkByExKey('addressBook', 'AAMk1')?.abraId).toBe('F000000001');
    expect(t.getCursor('addressBook', 'abra')).toBe('2026-11-24T00:00:00.000Z');
    expect(t.listIntents('calendar')).toHaveLength(1);
    t.close();
  });

  it('an Exchange key belongs to one link only', () => {
    const s = StateStore.open(':memory:');
    s.putLink(link);
    s.putLink({ ...link, abraId: 'F000000002' });
    expect(s.listLinks('addressBook').map((l) => l.abraId)).toEqual(['F000000002']);
    s.close();
  });

  it('rolls a failed transaction back completely', () => {
    const s = StateStore.open(':memory:');
    expect(() =>
      s.transaction(() => {
        s.putLink(link);
        s.setCursor('addressBook', 'abra', 'x');
        throw new Error('crash in the middle');
      }),
    ).toThrow('crash in the middle');
    expect(s.countLinks('addressBook')).toBe(0);
    expect(s.getCursor('addressBook', 'abra')).toBeNull();
    s.close();
  });

  it('records runs, failures, retries and conflict flips', () => {
    const s = StateStore.open(':memory:');
    const runId = s.startRun('calendar', false);
    const counts = { created: 0, updated: 0, deleted: 0 };
    s.finishRun({
      runId,
      part: 'calendar',
      startedAt: 'a',
      finishedAt: '2026-11-24T10:00:00.000Z',
      result: 'partial',
      dryRun: false,
      counts: { abra: counts, exchange: counts, unlinked: 0, conflicts: 0, failed: 1, examined: 1 },
      failures: [{ part: 'calendar', side: 'abra', name: 'Schůzka', reason: 'Period missing', at: 'now' }],
    });
    expect(s.listRuns(5)[0]?.result).toBe('partial');
    expect(s.lastSuccess('calendar')).toBe('2026-11-24T10:00:00.000Z');
    expect(s.listFailures()[0]?.name).toBe('Schůzka');
    s.addRetry('calendar', 'abra', 'A1', 'Schůzka', 'x');
    s.addRetry('calendar', 'abra', 'A1', 'Schůzka', 'y');
    expect(s.listRetries('calendar')).toMatchObject([{ id: 'A1', attempts: 2, reason: 'y' }]);
    const id = s.addConflict({
      part: 'calendar',
      abraId: 'A1',
      exchangeId: 'E1',
      name: 'Schůzka',
      field: 'location',
      abraValue: 'Brno',
      exchangeValue: 'Praha',
      winner: 'abra',
    });
    expect(s.flipConflict(id)).toMatchObject({ side: 'exchange', field: 'location' });
    expect(s.listConflicts()).toHaveLength(0);
    expect(s.listOverrides('calendar')).toHaveLength(1);
    expect(() => s.flipConflict(id)).toThrow(/no open conflict/);
    s.close();
  });

  // issue #17: a link is one INSERT OR REPLACE; clearing retries and intents inside a transaction skips the DELETE
  // when the part has none on that side (looked up once per transaction). What the store holds must not change.
  it('a link written over a stale key keeps one row per key and per ABRA id, with the new values', () => {
    const s = StateStore.open(':memory:');
    s.putLink(link);
    s.putLink({ ...link, abraId: 'F000000002', exId: 'AAMk2', exKey: 'AAMk2' });
    // F..1 moves to F..2's key: F..2's row goes, F..1's row holds the new values
    s.putLink({ ...link, exId: 'AAMk2', exKey: 'AAMk2', exChangeKey: 'CK9', record: { name: 'New' } });
    expect(s.listLinks('addressBook').map((l) => [l.abraId, l.exKey, l.exChangeKey, l.record])).toEqual([
      ['F000000001', 'AAMk2', 'CK9', { name: 'New' }],
    ]);
    s.close();
  });

  it('clears retries and intents inside transactions exactly as outside, also ones added in the same transaction', () => {
    const s = StateStore.open(':memory:');
    s.addRetry('calendar', 'abra', 'A1', 'n', 'r');
    s.addIntent('calendar', 'exchange', 'A1', { subject: 'x' });
    s.transaction(() => {
      // the part has no Exchange-side retries and no ABRA-side intents: nothing to delete, nothing deleted
      s.clearRetry('calendar', 'exchange', 'K1');
      s.removeIntent('calendar', 'abra', 'K1');
      // added in this transaction after the look-up said "none": cleared all the same
      s.addRetry('calendar', 'exchange', 'K2', 'n', 'r');
      s.addIntent('calendar', 'abra', 'K2', { subject: 'y' });
      s.clearRetry('calendar', 'exchange', 'K2');
      s.removeIntent('calendar', 'abra', 'K2');
      // rows from before the transaction
      s.clearRetry('calendar', 'abra', 'A1');
      s.removeIntent('calendar', 'exchange', 'A1');
    });
    expect(s.listRetries('calendar')).toEqual([]);
    expect(s.listIntents('calendar')).toEqual([]);
    // a rolled-back transaction forgets what it looked up: the row added after it is cleared
    expect(() =>
      s.transaction(() => {
        s.clearRetry('calendar', 'abra', 'A2');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    s.addRetry('calendar', 'abra', 'A2', 'n', 'r');
    s.transaction(() => s.clearRetry('calendar', 'abra', 'A2'));
    expect(s.listRetries('calendar')).toEqual([]);
    // another part's rows are not touched
    s.addRetry('tasks', 'abra', 'A3', 'n', 'r');
    s.transaction(() => s.clearRetry('calendar', 'abra', 'A3'));
    expect(s.listRetries('tasks')).toHaveLength(1);
    s.close();
  });

  // issue #17: listLinks reads no record column; a listed link reads its record on first use, and keeps what its
  // row held when listed even when the row is rewritten or deleted after the listing.
  it('a listed link reads its record when used and keeps the listed one across writes to its row', () => {
    const s = StateStore.open(':memory:');
    s.putLink(link);
    s.putLink({ ...link, abraId: 'F000000002', exId: 'AAMk2', exKey: 'AAMk2', record: { name: 'Two' } });
    s.putLink({ ...link, abraId: 'F000000003', exId: 'AAMk3', exKey: 'AAMk3', record: { name: 'Three' } });
    const [one, two, three] = s.listLinks('addressBook');
    // rewritten, displaced (another ABRA id takes its Exchange key), deleted — all before their records were used
    s.putLink({ ...link, record: { name: 'One, renamed' } });
    s.putLink({ ...link, abraId: 'F000000009', exId: 'AAMk2', exKey: 'AAMk2', record: { name: 'Nine' } });
    s.transaction(() => s.deleteLink('addressBook', 'F000000003'));
    expect(one?.record).toEqual({ name: 'ACME s.r.o.' });
    expect(two?.record).toEqual({ name: 'Two' });
    expect(three?.record).toEqual({ name: 'Three' });
    // a copy and the JSON of a listed link carry the record
    const [again] = s.listLinks('addressBook');
    expect({ ...again }.record).toEqual({ name: 'One, renamed' });
    expect(JSON.parse(JSON.stringify(again)).record).toEqual({ name: 'One, renamed' });
    // a listed link written back as it is keeps its record
    s.putLink({ ...(again as NonNullable<typeof again>), exChangeKey: 'CK2' });
    expect(s.getLink('addressBook', 'F000000001')?.record).toEqual({ name: 'One, renamed' });
    s.close();
  });

  it('a link of an older listing whose row was rewritten since fails loudly instead of returning another record', () => {
    const s = StateStore.open(':memory:');
    s.putLink(link);
    const [old] = s.listLinks('addressBook');
    s.listLinks('addressBook'); // a newer listing of the part: the older one is no longer looked after
    s.putLink({ ...link, record: { name: 'Changed' } });
    expect(() => old?.record).toThrow(/changed since it was listed/);
    s.close();
  });

  it('many records used in one run are read at once, each as it was when listed', () => {
    const s = StateStore.open(':memory:');
    const id = (i: number) => `F${String(i).padStart(9, '0')}`;
    const n = 150;
    s.transaction(() => {
      for (let i = 0; i < n; i++)
        s.putLink({ ...link, abraId: id(i), exId: `X${i}`, exKey: `X${i}`, record: { name: `Firm ${i}` } });
    });
    const listed = s.listLinks('addressBook');
    // rows rewritten and deleted after the listing, before their records are used
    s.putLink({ ...link, abraId: id(100), exId: 'X100', exKey: 'X100', record: { name: 'rewritten' } });
    s.deleteLink('addressBook', id(120));
    expect(listed.map((l) => l.record)).toEqual(Array.from({ length: n }, (_, i) => ({ name: `Firm ${i}` })));
    expect(s.getLink('addressBook', id(100))?.record).toEqual({ name: 'rewritten' });
    s.close();
  });

  it('a COMMIT that fails rolls back and leaves the handle usable, nested transactions included', () => {
    const db = openDatabase(':memory:');
    // a deferred foreign key is checked at COMMIT: the way to make a COMMIT fail here
    db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY)');
    db.exec(
      'CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    expect(() => db.transaction(() => db.prepare('INSERT INTO c (id, p) VALUES (1, 42)').run())).toThrow(
      /FOREIGN KEY/,
    );
    expect(db.txnFacts).toBeNull();
    db.transaction(() => {
      db.prepare('INSERT INTO p (id) VALUES (42)').run();
      db.transaction(() => db.prepare('INSERT INTO c (id, p) VALUES (2, 42)').run()); // joins the outer one
    });
    expect(db.prepare('SELECT id FROM c').all()).toEqual([{ id: 2 }]);
    db.close();
  });
});
