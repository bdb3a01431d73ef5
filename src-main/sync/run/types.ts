/** What every phase of one part's run shares: the options, the outcome and the run's fixed facts. */
import type { FolderRef } from '../../exchange/types';
import type { PlanEntry, RunSummary } from '../api';
import type { Direction } from '../config';
import type { TwoWayPart } from '../part';
import type { RunContext } from '../ports';

export interface RunOptions {
  dryRun?: boolean;
  /** The user confirmed a mass delete this part stopped for. */
  confirmDeletes?: boolean;
  /** The user chose to keep the items a mass delete would remove: deletions become unlinks in this run. */
  keepInsteadOfDelete?: boolean;
  /** Exchange write batch size. */
  batchSize?: number;
  /** Internal: this run follows one that found the part's folder gone. */
  afterFolderLoss?: boolean;
}

export interface RunOutcome {
  summary: RunSummary;
  plan: PlanEntry[];
}

/** The fixed facts of one run once its folder is open; every phase takes them. */
export interface PartRun {
  part: TwoWayPart;
  /** The run's context (for a preview before the folder exists: a view whose reads of it return nothing). */
  ctx: RunContext;
  folder: FolderRef;
  dryRun: boolean;
  direction: Direction;
}
