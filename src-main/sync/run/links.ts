/** The write phase's bookkeeping per item: links, retries, failures, progress. */
import { toSyncError } from '../../shared/errors';
import type { Side } from '../api';
import { type CommonRecord, recordHash } from '../record';
import type { FieldOverride } from '../state/store';
import type { WorkItem } from './items';
import type { RunRecorder } from './recorder';
import type { PartRun } from './types';

/** What the write phases share. */
export interface Writer {
  run: PartRun;
  rec: RunRecorder;
  overrideByAbra: Map<string, FieldOverride[]>;
  /** One more item is done (progress). */
  tick(): void;
}

export function writerFor(
  run: PartRun,
  rec: RunRecorder,
  overrideByAbra: Map<string, FieldOverride[]>,
  total: number,
): Writer {
  let done = 0;
  const tick = () => run.ctx.progress({ phase: 'writing', done: ++done, total });
  return { run, rec, overrideByAbra, tick };
}

export function clearRetries(wr: Writer, w: WorkItem): void {
  const { part, ctx } = wr.run;
  if (w.abraId) ctx.state.clearRetry(part.name, 'abra', w.abraId);
  if (w.exKey) ctx.state.clearRetry(part.name, 'exchange', w.exKey);
}

/** The item failed on `side`: recorded, and retried next run from the side whose change was being applied. */
export function fail(wr: Writer, w: WorkItem, side: Side, e: unknown): void {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  const err = toSyncError(e);
  wr.rec.failed(w, side, err, w.exId ?? undefined);
  if (side === 'exchange' && w.abraId) state.addRetry(part.name, 'abra', w.abraId, w.name, err.message);
  else if (w.exKey) state.addRetry(part.name, 'exchange', w.exKey, w.name, err.message);
  else if (w.abraId) state.addRetry(part.name, 'abra', w.abraId, w.name, err.message);
}

/**
 * The link between two items that both exist could not be written (nothing else was): both sides are retried, so
 * the next run re-reads both and pairs them again. Retrying one side only would find the other side's item no more
 * (its cursor moved on with this run) and copy the first as new — a duplicate.
 */
export function failLink(wr: Writer, w: WorkItem, e: unknown): void {
  fail(wr, w, 'exchange', e);
  const { part, ctx } = wr.run;
  if (w.abraId && w.exKey) ctx.state.addRetry(part.name, 'exchange', w.exKey, w.name, toSyncError(e).message);
}

/** The hash of `record`: the one computed when the work item was built from the same record object, else now. */
export function hashOf(w: WorkItem, record: CommonRecord): string {
  if (w.abraReadHash !== undefined && record === w.abra?.record) return w.abraReadHash;
  if (w.exReadHash !== undefined && record === w.ex?.record) return w.exReadHash;
  return recordHash(record);
}

/** Link the item as written (in one transaction with clearing its retries, intent and flips). */
export function linkFrom(
  wr: Writer,
  w: WorkItem,
  record: CommonRecord,
  abraId: string,
  abraVersion: string | null,
  exId: string,
  exKey: string,
  exChangeKey: string | null,
  /** What the Exchange item holds, when it is not `record` (a create into ABRA that filled in fields). */
  exRecord: CommonRecord = record,
): void {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  const abraHash = hashOf(w, record);
  const exHash = exRecord === record ? abraHash : hashOf(w, exRecord);
  state.transaction(() => {
    state.putLink({
      part: part.name,
      abraId,
      exId,
      exKey,
      abraVersion,
      exChangeKey,
      abraHash,
      exHash,
      record,
      seriesKey: w.seriesKey,
      name: part.nameOf(record) || w.name,
    });
    clearRetries(wr, w);
    // a create into ABRA interrupted by a crash and adopted by pairing is settled now
    state.removeIntent(part.name, 'abra', exKey);
    for (const o of wr.overrideByAbra.get(abraId) ?? []) state.clearOverride(part.name, abraId, o.field);
  });
}
