/**
 * Hangs (security review, item 6): a part run that never ends is stopped by the per-run watchdog (its signal is
 * aborted and the connection dropped), and stop() — what the app's quit waits for — returns within its bound even
 * when a run ignores the signal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OwnFlowPart } from '../../src-main/sync/part';
import { SyncService } from '../../src-main/sync/service';
import { FakeAbra, FakeExchange, testConfig } from './fakes';

const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-watchdog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function service(sub: string, part: OwnFlowPart, over: { runWatchdogMs?: number; stopWaitMs?: number }) {
  const exchange = new FakeExchange();
  let closed = 0;
  exchange.close = async () => {
    closed++;
  };
  const s = new SyncService({
    config: testConfig(),
    secrets: { get: async () => 'x' },
    dataDir: path.join(dir, sub),
    connect: async () => ({ abra: new FakeAbra(), exchange }),
    extraParts: [part],
    ...over,
  });
  return { s, closed: () => closed };
}

const summary = (result: 'ok' | 'aborted') => ({
  runId: 0,
  part: 'addressBook' as const,
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
  result,
  counts: {
    abra: { created: 0, updated: 0, deleted: 0 },
    exchange: { created: 0, updated: 0, deleted: 0 },
    unlinked: 0,
    conflicts: 0,
    failed: 0,
    examined: 0,
  },
  failures: [],
  dryRun: false,
});

describe('watchdog', () => {
  it('a run that does not end by itself is stopped when its time is up; the connection is dropped', async () => {
    const hanging: OwnFlowPart = {
      name: 'addressBook',
      run: (ctx) =>
        new Promise((resolve) => {
          ctx.signal?.addEventListener('abort', () => resolve({ summary: summary('aborted'), plan: [] }));
        }),
    };
    const { s, closed } = service('a', hanging, { runWatchdogMs: 200 });
    const r = await s.syncNow('addressBook');
    expect(r[0]?.result).toBe('aborted');
    expect(closed()).toBeGreaterThanOrEqual(1);
    await s.stop();
  });

  it('stop() returns within its bound even when a run ignores the signal', async () => {
    let release!: () => void;
    const deaf: OwnFlowPart = {
      name: 'addressBook',
      run: () =>
        new Promise((resolve) => {
          release = () => resolve({ summary: summary('ok'), plan: [] });
        }),
    };
    const { s } = service('b', deaf, { stopWaitMs: 300 });
    const running = s.syncNow('addressBook').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = await Promise.race([
      s.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('still waiting'), 5000)),
    ]);
    expect(stopped).toBe('stopped');
    release();
    await running;
  });
});
