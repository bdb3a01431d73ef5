/**
 * A cancelled request (the user cancelled a connection test, or its deadline passed): every connector fails such a
 * call with this error and does not retry it.
 */
import { SyncError } from './errors';

export const CANCELLED = 'CANCELLED';

export function cancelled(): SyncError {
  return new SyncError('timeout', 'the request was cancelled', { code: CANCELLED });
}

export function isCancelled(e: unknown): boolean {
  return e instanceof SyncError && e.code === CANCELLED;
}

/** Wait `ms`, or less when `signal` aborts (then it rejects with {@link cancelled}). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((r) => setTimeout(r, ms));
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
