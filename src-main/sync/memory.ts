/**
 * Give the JS heap's empty pages back to the system after a run. The engine runs all day in the tray app; a big run
 * (the initial sync, a large change) grows V8's heap to a few hundred MB of committed pages, and V8 keeps them after
 * its ordinary collections — the live data after a run is under 45 MB, the rest stayed resident all day (bench:
 * resident RSS 419 MB with 39 MB used of 175 MB committed). A memory-reducing ("last resort") full collection hands
 * those pages back. It costs tens of ms of CPU, so it runs only when the committed heap is over {@link BIG_HEAP_BYTES}
 * — after the runs that grew it, not after every idle one (the collection shrinks it well below that).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (opts?: {
  type?: 'major' | 'minor';
  execution?: 'sync' | 'async';
  flavor?: 'regular' | 'last-resort';
}) => void;

/** A committed heap this big is returned after the run (the live data after a run is 40–50 MB). */
export const BIG_HEAP_BYTES = 96 * 1024 * 1024;

let gcFn: Gc | null | undefined;

/** V8's `gc` (exposed by `--expose-gc`, or fetched once through the flag), or null where the runtime refuses. */
function gcFunction(): Gc | null {
  if (gcFn !== undefined) return gcFn;
  gcFn = null;
  try {
    const own = (globalThis as { gc?: Gc }).gc;
    if (typeof own === 'function') gcFn = own;
    else {
      setFlagsFromString('--expose-gc');
      const fetched = runInNewContext('gc') as unknown;
      if (typeof fetched === 'function') gcFn = fetched as Gc;
    }
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/**
 * How far V8 lets the old generation grow past the live data before its next full collection, in percent. V8's own
 * factor is dynamic, up to 4× the live size when collections are fast — for the engine's big runs that is a few
 * hundred MB of garbage at the peak (EWS initial run: 387–397 MB peak RSS for < 55 MB of live data; 51 000 contacts:
 * 618 MB). 60 % caps it: 295 and 403 MB in the same runs, without measurable CPU cost; 30 % gave 280–290 and 376 MB
 * but +25 % CPU for the 51 000 contacts (docs/ARCHITECTURE.md, performance). A flag that V8 reads each time it sets
 * the next limit, so it works when set at run time — unlike the young generation's size (`--max-semi-space-size`),
 * which only a command-line flag at the process start sets.
 */
export const HEAP_GROWING_PERCENT = 60;

let tuned = false;

/**
 * Sets the engine's heap growth ({@link HEAP_GROWING_PERCENT}) for this process, once: at the start of every
 * process that runs the engine (the Electron main process, the bench's engine host, the CLI) — the same setting for
 * all, so the bench measures what ships. Returns whether V8 took the flag (false where the runtime refuses).
 */
export function tuneHeapForEngine(): boolean {
  if (tuned) return true;
  try {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    tuned = true;
  } catch {
    tuned = false;
  }
  return tuned;
}

/** After a run: return the heap's empty pages when there are many. Returns whether it collected. */
export function releaseHeapAfterRun(): boolean {
  // not "committed minus used": used counts the run's garbage until a collection
  if (getHeapStatistics().total_heap_size < BIG_HEAP_BYTES) return false;
  const gc = gcFunction();
  if (!gc) return false;
  try {
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    // V8 before 12 (Node 20) ignores that call; there a plain full collection returns the pages
    if (getHeapStatistics().total_heap_size >= BIG_HEAP_BYTES) gc();
    return true;
  } catch {
    return false;
  }
}
