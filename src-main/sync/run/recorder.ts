/**
 * The bookkeeping of one run: its row in the run history, the counts, the item failures and notes, the plan, and
 * the summary it ends with. (The e-mail archive, `parts/mail.ts`, still keeps its own copy of this; sharing it is
 * left for when that part has moved into its own folder.)
 */
import type { WriteResult } from '../../exchange/types';
import type { SyncError } from '../../shared/errors';
import { type Note, tr, wordsOf } from '../../shared/messages';
import type { ItemFailure, ItemNote, PlanEntry, RunCounts, RunSummary, Side } from '../api';
import type { PartName } from '../config';
import type { RunContext } from '../ports';
import type { RunOutcome } from './types';

/** A run's counts before anything happened (two-way parts and the e-mail archive alike). */
export const emptyCounts = (): RunCounts => ({
  abra: { created: 0, updated: 0, deleted: 0 },
  exchange: { created: 0, updated: 0, deleted: 0 },
  unlinked: 0,
  conflicts: 0,
  failed: 0,
  examined: 0,
});

/** Which item a failure or note is about. */
export interface ItemRef {
  name: string;
  abraId: string | null;
}

export class RunRecorder {
  readonly counts: RunCounts = emptyCounts();
  readonly failures: ItemFailure[] = [];
  readonly notes: ItemNote[] = [];
  readonly plan: PlanEntry[] = [];
  readonly runId: number;
  private readonly startedAt: string;

  constructor(
    private readonly part: PartName,
    private readonly ctx: Pick<RunContext, 'state' | 'now'>,
    private readonly dryRun: boolean,
  ) {
    this.startedAt = ctx.now().toISOString();
    this.runId = dryRun ? 0 : ctx.state.startRun(part, false);
  }

  /** `said`: the English words, or a note (its English text is derived); `why`: the note beside given words. */
  finish(
    result: RunSummary['result'],
    said?: string | Note,
    errorKind?: string,
    why?: Note,
    extra: Partial<RunSummary> = {},
  ): RunOutcome {
    const summary: RunSummary = {
      runId: this.runId,
      part: this.part,
      startedAt: this.startedAt,
      finishedAt: this.ctx.now().toISOString(),
      result,
      counts: this.counts,
      failures: this.failures,
      ...(this.notes.length ? { notes: this.notes } : {}),
      ...wordsOf(said, why),
      errorKind,
      dryRun: this.dryRun,
      ...extra,
    };
    if (!this.dryRun) this.ctx.state.finishRun(summary);
    return { summary, plan: this.plan };
  }

  /** One item failed on `side`: counted and listed. */
  failed(item: ItemRef, side: Side, err: SyncError, exchangeId: string | undefined): void {
    this.counts.failed++;
    this.failures.push({
      part: this.part,
      side,
      name: item.name,
      reason: err.message,
      kind: err.kind,
      abraId: item.abraId ?? undefined,
      exchangeId,
      at: this.ctx.now().toISOString(),
    });
  }

  /** A written item's remark from the backend (see WriteResult.note). */
  remark(item: ItemRef, r: WriteResult): void {
    if (!r.ok || !r.note) return;
    this.notes.push({
      part: this.part,
      side: 'exchange',
      name: item.name,
      message: tr('en', r.note.key, r.note.params),
      note: r.note,
      abraId: item.abraId ?? undefined,
      exchangeId: r.id,
      at: this.ctx.now().toISOString(),
    });
  }
}
