/**
 * A part's scheduler state and the pure decisions after a run: the failed-run summary, what needs the user's
 * attention, when the part runs next.
 */
import { type SyncError, toSyncError } from '../../shared/errors';
import { failureNote } from '../../shared/messages';
import type { Attention, PartStatus, RunSummary } from '../api';
import type { PartName, SyncConfig } from '../config';
import type { StateStore } from '../state/store';

const MAX_BACKOFF_MS = 4 * 60 * 60_000;

export interface PartRuntime {
  running: Promise<RunSummary> | null;
  timer: ReturnType<typeof setTimeout> | null;
  nextRunAt: number | null;
  failureStreak: number;
  /** Consecutive runs that applied everything but some items (which keep failing). */
  partialStreak: number;
  progress?: PartStatus['progress'];
  attention?: Attention;
}

export function newRuntime(): PartRuntime {
  return { running: null, timer: null, nextRunAt: null, failureStreak: 0, partialStreak: 0 };
}

/** The summary of a run that failed before the runner could record one (connecting, the preflight gate). */
export function failedSummary(part: PartName, err: SyncError, now: Date): RunSummary {
  const at = now.toISOString();
  const zero = { created: 0, updated: 0, deleted: 0 };
  return {
    runId: 0,
    part,
    startedAt: at,
    finishedAt: at,
    result: 'failed',
    counts: { abra: zero, exchange: { ...zero }, unlinked: 0, conflicts: 0, failed: 0, examined: 0 },
    failures: [],
    message: err.message,
    ...(err.note || failureNote(err.kind) ? { note: err.note ?? failureNote(err.kind) } : {}),
    errorKind: err.kind,
    dryRun: false,
  };
}

/** What of a run's outcome waits for the user (a mass delete to confirm, a sign-in, settings, an error), if anything. */
export function attentionAfter(s: RunSummary): Attention | undefined {
  const said = {
    message: s.message ?? '',
    ...(s.note ? { note: s.note } : {}),
    ...(s.errorKind ? { errorKind: s.errorKind } : {}),
  };
  if (s.result === 'needsConfirmation') {
    const pending = s.pendingDeletes;
    return {
      kind: 'massDelete',
      ...said,
      ...(pending
        ? {
            pendingDeletes: pending.count,
            side: pending.side,
            ...(pending.items ? { pendingItems: pending.items } : {}),
            ...(pending.reasons ? { pendingReasons: pending.reasons } : {}),
            ...(pending.byReason ? { pendingByReason: pending.byReason } : {}),
          }
        : {}),
    };
  }
  if (s.result === 'failed' && s.errorKind === 'auth') return { kind: 'auth', ...said };
  if (s.result === 'failed' && s.errorKind === 'config') return { kind: 'config', ...said };
  if (s.result === 'failed' || s.result === 'aborted') return { kind: 'error', ...said };
  return undefined;
}

/** Next run: the interval; after failures an exponential back-off (sooner for network trouble, capped). */
export function delayAfter(intervalMinutes: number, streak: number, s: RunSummary): number {
  const interval = intervalMinutes * 60_000;
  if (streak === 0 || s.result === 'needsConfirmation') return interval;
  const base = s.errorKind === 'unreachable' || s.errorKind === 'timeout' ? 60_000 : interval;
  return Math.min(base * 2 ** (streak - 1), Math.max(MAX_BACKOFF_MS, interval));
}

/**
 * Runs `fn` under a run signal that aborts when the service stops or when `limit` ms pass; then `onExpire` gets the
 * run's controller (it aborts it and drops the connection).
 */
export async function withWatchdog<T>(
  limit: number,
  stop: AbortSignal,
  onExpire: (run: AbortController) => void,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const run = new AbortController();
  const onStop = () => run.abort();
  stop.addEventListener('abort', onStop);
  const watchdog = setTimeout(() => onExpire(run), limit);
  try {
    return await fn(run.signal);
  } finally {
    clearTimeout(watchdog);
    stop.removeEventListener('abort', onStop);
  }
}

/** One part's line of the scheduler status. */
export function partStatus(
  name: PartName,
  r: PartRuntime,
  config: SyncConfig,
  state: StateStore,
  is: { available: boolean; awaitingApproval: boolean; unassigned: () => number },
): PartStatus {
  const cfg = config.parts[name];
  return {
    part: name,
    enabled: cfg.enabled && is.available,
    direction: cfg.direction,
    running: r.running !== null,
    progress: r.progress,
    lastRun: state.listRuns(1, name)[0],
    lastSuccessAt: state.lastSuccess(name) ?? undefined,
    nextRunAt: r.nextRunAt ? new Date(r.nextRunAt).toISOString() : undefined,
    failureStreak: r.failureStreak,
    partialStreak: r.partialStreak,
    attention: r.attention,
    awaitingApproval: is.awaitingApproval,
    ...(name === 'mail' && cfg.enabled ? { unassigned: is.unassigned() } : {}),
  };
}

/** Waits until the promises settle or `ms` pass (then `late` is called); never rejects. */
export async function settleWithin(
  running: (Promise<unknown> | null)[],
  ms: number,
  late: () => void,
): Promise<void> {
  let waited: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.allSettled(running),
    new Promise<void>((resolve) => {
      waited = setTimeout(() => {
        late();
        resolve();
      }, ms);
    }),
  ]);
  clearTimeout(waited);
}

/** The delay of a part's first run after a start: the interval since its last run (not everything at once). */
export function firstDelay(state: StateStore, part: PartName, intervalMinutes: number, now: Date): number {
  const last = state.listRuns(1, part)[0];
  if (!last) return 0;
  const due = Date.parse(last.finishedAt) + intervalMinutes * 60_000;
  return Math.max(0, due - now.getTime());
}

/**
 * Runs `fn` as the part's one run: waits while another run of the part is under way, marks the part running (its
 * `running` promise resolves with the run's summary, or a failed summary when `fn` throws) and clears it after.
 */
export async function runExclusive<T extends { summary: RunSummary }>(
  r: PartRuntime,
  part: PartName,
  now: () => Date,
  emitStatus: () => void,
  fn: () => Promise<T>,
): Promise<T> {
  while (r.running) await r.running.catch(() => undefined);
  let resolveSummary!: (s: RunSummary) => void;
  r.running = new Promise<RunSummary>((res) => {
    resolveSummary = res;
  });
  emitStatus();
  try {
    const out = await fn();
    resolveSummary(out.summary);
    return out;
  } catch (e) {
    const err = toSyncError(e);
    const s = failedSummary(part, err, now());
    resolveSummary(s);
    throw e;
  } finally {
    r.running = null;
    r.progress = undefined;
  }
}
