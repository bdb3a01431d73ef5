/**
 * The app after its state file was found damaged (security review, item 7): the engine keeps the damaged file aside
 * and starts anew (test/sync/state-corrupt.test.ts); the app says which file, where the copy is and that the next
 * runs re-pair without duplicates — on the overview, in the user's language, not only in the log.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createController } from '../../src-main/app/controller';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('damaged state file', () => {
  it('the app names the file and the kept copy among its problems, in Czech too, and the engine runs', async () => {
    const c1 = await createController({ ...h.deps, autoStart: false });
    expect((await c1.saveSync(h.validConfig())).ok).toBe(true);
    expect((await c1.getState()).problems.join(' ')).not.toMatch(/damaged/);
    await c1.dispose();
    const file = path.join(h.deps.dataDir, 'default.sqlite');
    writeFileSync(file, Buffer.from('not an SQLite database '.repeat(300)));

    const c2 = await createController({ ...h.deps, autoStart: false });
    expect(c2.service()).not.toBeNull();
    const kept = readdirSync(h.deps.dataDir).find((f) => f.startsWith('default.sqlite.damaged-'))!;
    expect(kept).toBeTruthy();
    const st = await c2.getState();
    expect(st.problems[0]).toContain(`The sync's state file ${file} was damaged and was kept as`);
    expect(st.problems[0]).toContain(path.join(h.deps.dataDir, kept));
    await c2.savePreferences({ startAtLogin: true, language: 'cs', notifications: true });
    expect((await c2.getState()).problems[0]).toMatch(/^Soubor se stavem synchronizace .* byl poškozen/);
    await c2.dispose();

    // the next start opens the new state: nothing to report any more
    const c3 = await createController({ ...h.deps, autoStart: false });
    expect((await c3.getState()).problems.join(' ')).not.toMatch(/damaged|poškozen/);
    await c3.dispose();
  });
});
