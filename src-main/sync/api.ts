/**
 * What the engine tells the outside world (the CLI, the Electron shell and through it the renderer): run summaries,
 * progress, plans of a dry run, conflicts, the unassigned-mail queue. Plain serialisable data only, so it crosses
 * IPC unchanged. Imports nothing but types.
 */
import type { Note } from '../shared/messages';
import type { Direction, PartName, SyncConfig } from './config';

export type Side = 'abra' | 'exchange';

export interface SideCounts {
  created: number;
  updated: number;
  deleted: number;
}

export interface RunCounts {
  abra: SideCounts;
  exchange: SideCounts;
  unlinked: number;
  conflicts: number;
  failed: number;
  /** Items looked at (changed on either side). */
  examined: number;
}

export type RunResult =
  /** Everything applied. */
  | 'ok'
  /** Applied, but some items failed (listed in `failures`); they are retried next run. */
  | 'partial'
  /** The part could not run (connection, auth, ...); nothing or only part was applied. */
  | 'failed'
  /** Stopped before writing: the run would delete too much; waits for the user's confirmation. */
  | 'needsConfirmation'
  /** A side returned nothing although items were linked: aborted before writing. */
  | 'aborted'
  /** Dry run: nothing was written. */
  | 'dryRun';

export interface ItemFailure {
  part: PartName;
  side: Side;
  /** Human name of the item (firm name, subject, ...). */
  name: string;
  /** Plain-language reason. */
  reason: string;
  abraId?: string;
  exchangeId?: string;
  /** SyncError kind. */
  kind?: string;
  at: string;
}

/** An item that was written, but not exactly as it was given (e.g. characters Exchange cannot store were removed). */
export interface ItemNote {
  part: PartName;
  side: Side;
  name: string;
  /** English (logs and the CLI). */
  message: string;
  /** The same in the user's language. */
  note: Note;
  abraId?: string;
  exchangeId?: string;
  at: string;
}

export interface RunSummary {
  runId: number;
  part: PartName;
  startedAt: string;
  finishedAt: string;
  result: RunResult;
  counts: RunCounts;
  failures: ItemFailure[];
  /** Items written with a remark (absent when there is none). */
  notes?: ItemNote[];
  /** For failed/aborted/needsConfirmation: why, in plain language (English; logs and the CLI). */
  message?: string;
  /** The same as a sentence the UI shows in the user's language, when the engine has one for it. */
  note?: Note;
  /** needsConfirmation: how many deletions wait for the user's decision, on which side, and which (up to 200 names). */
  pendingDeletes?: {
    count: number;
    side: Side;
    items?: string[];
    /** Why each of `items` would go (same order). */
    reasons?: DeleteReason[];
    /** How many of all `count` deletions go for each reason (the card's summary). */
    byReason?: Partial<Record<DeleteReason, number>>;
  };
  errorKind?: string;
  dryRun: boolean;
}

/**
 * Why a run would delete an item (what the decision table knows): its record was deleted in ABRA, its item was deleted
 * in Outlook/Exchange, or (a mirror folder: the address book) its ABRA record no longer matches the part's filter.
 */
export type DeleteReason = 'deletedInAbra' | 'deletedInExchange' | 'leftFilter';

export type PlanAction = 'create' | 'update' | 'delete' | 'unlink' | 'conflict' | 'pair';

export interface PlanEntry {
  part: PartName;
  /** Side that would be written (for `unlink`/`pair`: where the link is recorded: 'abra' by convention). */
  side: Side;
  action: PlanAction;
  name: string;
  abraId?: string;
  exchangeId?: string;
  /** Changed fields, for updates. */
  fields?: string[];
  /** When the item happens (appointment start, task due or start; ISO), so the user recognises it in the preview. */
  when?: string;
  /** The firm it belongs to, when the record names it (contacts: the company). */
  firm?: string;
}

export type Phase = 'connecting' | 'reading' | 'planning' | 'writing' | 'finishing';

export interface ProgressEvent {
  part: PartName;
  phase: Phase;
  done: number;
  total: number;
}

export interface Attention {
  kind: 'massDelete' | 'auth' | 'config' | 'error';
  message: string;
  /** `message` in the user's language (see RunSummary.note). */
  note?: Note;
  /** The SyncError kind behind it, when known. */
  errorKind?: string;
  /** For massDelete: how many deletions wait for confirmation, on which side, and which (up to 200 names). */
  pendingDeletes?: number;
  side?: Side;
  pendingItems?: string[];
  /** Why each of `pendingItems` would go (same order), and how many of all go for each reason. */
  pendingReasons?: DeleteReason[];
  pendingByReason?: Partial<Record<DeleteReason, number>>;
}

export interface PartStatus {
  part: PartName;
  enabled: boolean;
  direction: Direction;
  running: boolean;
  progress?: ProgressEvent;
  lastRun?: RunSummary;
  lastSuccessAt?: string;
  nextRunAt?: string;
  /** Consecutive failed runs (drives back-off). */
  failureStreak: number;
  /** Consecutive runs in which some items failed (2 and more: the tray warns, the user is told once). */
  partialStreak?: number;
  attention?: Attention;
  /**
   * Newly enabled, or its scope changed: the part waits until the user saw the preview and approved the first run
   * (the app only; see SyncService `approval`).
   */
  awaitingApproval?: boolean;
  /** The e-mail archive: how many archived messages wait for the user to pick their firm (the tray counts them). */
  unassigned?: number;
}

export interface SchedulerStatus {
  paused: boolean;
  online: boolean;
  parts: PartStatus[];
}

export interface ConflictRecord {
  id: number;
  part: PartName;
  abraId: string;
  exchangeId: string;
  name: string;
  field: string;
  abraValue: unknown;
  exchangeValue: unknown;
  /** The side whose value was kept. */
  winner: Side;
  at: string;
}

export interface UnassignedMail {
  id: number;
  internetMessageId: string;
  subject: string;
  /** The counterpart address the assignment was tried with. */
  address: string;
  direction: 'received' | 'sent';
  date: string;
  /** The ABRA activity the message was archived as. */
  abraActivityId?: string;
}

export type ServiceEvent =
  | { type: 'progress'; progress: ProgressEvent }
  | { type: 'status'; status: SchedulerStatus }
  | { type: 'run'; summary: RunSummary };

/**
 * The engine as the shell sees it (implemented by `SyncService` in `./service.ts`). One per profile.
 * The CLI uses the same object.
 */
export interface SyncServiceApi {
  /** Start the per-part timers. */
  start(): void;
  /** Stop timers, let a running part finish its current item batch, close the state store. */
  stop(): Promise<void>;
  status(): SchedulerStatus;
  /** Run now (one part or every enabled part); resolves when the runs end. */
  syncNow(part?: PartName): Promise<RunSummary[]>;
  /**
   * Dry run: what would be created/updated/deleted on which side; writes nothing (not even cursors). `draft`:
   * unsaved settings to preview instead of the saved ones (same connections).
   */
  preview(part?: PartName, draft?: SyncConfig): Promise<{ plan: PlanEntry[]; summaries: RunSummary[] }>;
  /** The user approves a waiting part's scope (or every waiting part's) after the preview: runs it at once. */
  approve(part?: PartName): Promise<RunSummary[]>;
  pause(): void;
  resume(): void;
  /** The user confirmed the deletions a run stopped for; runs the part again allowing them once. */
  confirmMassDelete(part: PartName): Promise<RunSummary>;
  /**
   * The user keeps the items a run stopped before deleting: the part runs again and unlinks them instead (they stay
   * where they are, no longer synced); nothing is deleted.
   */
  keepInsteadOfDelete(part: PartName): Promise<RunSummary>;
  listRuns(limit?: number): RunSummary[];
  listFailures(limit?: number): ItemFailure[];
  listConflicts(limit?: number): ConflictRecord[];
  /** Apply the other side's value of a recorded conflict (written on the next run of that part). */
  flipConflict(id: number): Promise<void>;
  listUnassignedMail(): UnassignedMail[];
  /** Take an archived message off the unassigned queue (it stays in ABRA as archived, without a firm). */
  ignoreMail(id: number): void;
  /** The archived text of a message of the queue (sender, recipients, attachments, body), read from ABRA. */
  readUnassignedMail(id: number): Promise<string>;
  /** Assign an archived message to a firm (and person); optionally remember the address for all past and future mail. */
  assignMail(id: number, firmId: string, personId: string | null, applyToAddress: boolean): Promise<void>;
  subscribe(listener: (e: ServiceEvent) => void): () => void;
}
