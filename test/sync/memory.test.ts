/**
 * memory.ts: after a big run the long-running engine gives V8's empty heap pages back (a memory-reducing full GC),
 * and does nothing after a small one. V8 documents the `gc` extension's options (type / execution / flavor
 * 'last-resort' = CollectAllAvailableGarbage) in src/extensions/gc-extension.cc.
 */
import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { BIG_HEAP_BYTES, releaseHeapAfterRun } from '../../src-main/sync/memory';
import { repoRoot } from '../helpers/env';

describe('releaseHeapAfterRun', () => {
  it('after much garbage, collects and the committed heap shrinks to near what is used', () => {
    let garbage: { i: number; s: string }[] | null = [];
    for (let i = 0; i < 2_000_000; i++) garbage.push({ i, s: `item ${i}` });
    const grown = getHeapStatistics().total_heap_size;
    expect(grown).toBeGreaterThan(BIG_HEAP_BYTES);
    garbage = null;
    expect(releaseHeapAfterRun()).toBe(true);
    const after = getHeapStatistics();
    // the garbage's pages are handed back: what stays committed is close to what is used
    expect(after.total_heap_size).toBeLessThan(grown / 2);
    expect(after.total_heap_size).toBeLessThan(BIG_HEAP_BYTES);
  });

  it('with a small heap, does nothing', () => {
    releaseHeapAfterRun();
    expect(releaseHeapAfterRun()).toBe(false);
  });
});

/**
 * A fresh process that holds some live data and promotes much garbage to the old generation (what a big run does):
 * how many full (major) collections ran and the largest committed heap seen, with or without the engine's heap
 * growth set first.
 */
function oldGeneration(tuned: boolean): { majorGcs: number; maxMB: number } {
  const script = `
    const v8 = await import('node:v8');
    const { PerformanceObserver, constants } = await import('node:perf_hooks');
    const memory = await import('./src-main/sync/memory.ts');
    if (${tuned}) memory.tuneHeapForEngine();
    let majorGcs = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
    }).observe({ entryTypes: ['gc'] });
    const live = [];
    for (let i = 0; i < 300000; i++) live.push({ i, s: 'live ' + i });
    const ring = new Array(200000).fill(null);
    let max = 0;
    for (let k = 0; k < 3000000; k++) {
      ring[k % ring.length] = { k, s: 'garbage ' + k, a: [k, k + 1] };
      if ((k & 4095) === 0) max = Math.max(max, v8.getHeapStatistics().total_heap_size);
    }
    await new Promise((r) => setTimeout(r, 50));
    console.log(JSON.stringify({ majorGcs, maxMB: max / 1048576, live: live.length }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { majorGcs: number; maxMB: number };
}

describe('tuneHeapForEngine', () => {
  // V8's --heap-growing-percent (src/flags/flag-definitions.h: "specifies heap growing factor as
  // (1 + heap_growing_percent/100)"), read whenever V8 sets the next old-generation limit — so it takes effect when
  // set at run time. If a V8 update renamed or ignored it, the engine would silently lose its cap: this notices.
  it('caps how far the old generation grows past the live data (set at run time, in a running process)', () => {
    const untuned = oldGeneration(false);
    const tuned = oldGeneration(true);
    // collected more often, so it never grew as far (Node 24: 3 → 5 full collections, 358 → 253 MB)
    expect(tuned.majorGcs).toBeGreaterThan(untuned.majorGcs);
    expect(tuned.maxMB).toBeLessThan(untuned.maxMB * 0.9);
  }, 60_000);
});
