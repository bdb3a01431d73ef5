/** Exchange writes in batches, and which errors stop the whole part. */
import { SyncError, toSyncError } from '../../shared/errors';

export function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** A whole-call failure of a batch becomes one failed result per item (the run goes on with the others). */
export async function writeBatch<R>(
  fn: () => Promise<R[]>,
  n: number,
): Promise<(R | { ok: false; error: SyncError })[]> {
  try {
    return await fn();
  } catch (e) {
    if (isFatal(e)) throw e;
    const error = toSyncError(e);
    return Array.from({ length: n }, () => ({ ok: false as const, error }));
  }
}

/** Errors that stop the whole part: nothing else can succeed either. */
export function isFatal(e: unknown): boolean {
  return e instanceof SyncError && ['auth', 'forbidden', 'tls', 'unreachable', 'config'].includes(e.kind);
}
