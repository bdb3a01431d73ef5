/**
 * A damaged state file (security review, faults probe: the engine stopped with SQLite's words only): the engine says
 * which file and what happened, keeps the damaged file beside it, and starts a new state that the next runs rebuild
 * by pairing (duplicate-free by design: e2e crash test "state file lost").
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncService } from '../../src-main/sync/service';
import { FakeAbra, FakeExchange, testConfig } from './fakes';

const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-corrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('damaged state file', () => {
  it('is kept aside with a sentence naming it; the engine starts on a new state', async () => {
    const data = path.join(dir, 'a');
    mkdirSync(data, { recursive: true });
    const file = path.join(data, 'default.sqlite');
    const garbage = Buffer.from('this is not an SQLite database at all '.repeat(200));
    writeFileSync(file, garbage);
    const warnings: string[] = [];
    const s = new SyncService({
      config: testConfig(),
      secrets: { get: async () => 'x' },
      dataDir: data,
      connect: async () => ({ abra: new FakeAbra(), exchange: new FakeExchange() }),
      log: (level, m) => {
        if (level === 'warn') warnings.push(m);
      },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`the state file ${file} is damaged (SQLite: `);
    const kept = readdirSync(data).find((f) => f.startsWith('default.sqlite.damaged-'));
    expect(kept).toBeTruthy();
    expect(warnings[0]).toContain(path.join(data, kept!));
    expect(readFileSync(path.join(data, kept!))).toEqual(garbage); // the damaged file is kept as it was
    expect(existsSync(file)).toBe(true);
    expect(s.listRuns(10)).toEqual([]); // a new, empty state
    await s.stop();
  });
});
