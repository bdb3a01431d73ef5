/**
 * The app when another engine holds its state file (security review, item 2): the tray app next to a CLI on the same
 * data folder does not become a second writer; the reason is the first problem the app shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createController } from '../../src-main/app/controller';
import { StateLock } from '../../src-main/sync/state/lock';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('state held by another engine', () => {
  it('the app says so and runs no engine; once the other one is gone it starts', async () => {
    const c1 = await createController({ ...h.deps, autoStart: false });
    expect((await c1.saveSync(h.validConfig())).ok).toBe(true);
    await c1.dispose();
    // another engine (the CLI) holds default.sqlite
    const held = StateLock.acquire(`${h.deps.dataDir}/default.sqlite`);
    const c2 = await createController({ ...h.deps, autoStart: false });
    const st = await c2.getState();
    expect(st.problems[0]).toMatch(
      /^Another copy of the sync \(the app or the command line\) is already working with default\.sqlite/,
    );
    expect(c2.service()).toBeNull();
    await c2.dispose();
    held.release();
    const c3 = await createController({ ...h.deps, autoStart: false });
    expect(c3.service()).not.toBeNull();
    await c3.dispose();
  });
});
