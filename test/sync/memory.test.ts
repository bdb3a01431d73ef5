/**
 * memory.ts: after a big run the long-running engine gives V8's empty heap pages back (a memory-reducing full GC),
 * and does nothing after a small one. V8 documents the `gc` extension's options (type / execution / flavor
 * 'last-resort' = CollectAllAvailableGarbage) in src/extensions/gc-extension.cc.
 */
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { BIG_HEAP_BYTES, releaseHeapAfterRun } from '../../src-main/sync/memory';

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
