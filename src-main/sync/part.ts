/**
 * A two-way part (address book, calendar, tasks) is one small module: how to read ABRA incrementally, how to map both
 * sides to one common record, what is in scope, how to pair on the first run, and how to write ABRA. The generic
 * run (`run/index.ts`) does everything else with the shared decision table. An own-flow part (the e-mail archive)
 * runs its own flow instead.
 */
import type { ExchangeItem, FolderKind, ItemData } from '../exchange/types';
import type { PlanEntry, RunSummary, UnassignedMail } from './api';
import type { Direction, PartName } from './config';
import type { RunContext } from './ports';
import type { CommonRecord } from './record';

export interface AbraItem {
  /** The id the link is keyed by and the AbraId stamp carries (may be composite, e.g. `firmId:personId`). */
  id: string;
  version: string;
  record: CommonRecord;
  inScope: boolean;
  name: string;
  modifiedAt?: string;
}

export interface ExItem {
  /** Stable identity (occurrence key for series occurrences). */
  key: string;
  /** Id to write. */
  id: string;
  changeKey: string;
  record: CommonRecord;
  inScope: boolean;
  name: string;
  abraId?: string | null;
  seriesKey?: string;
  modifiedAt?: string;
  /**
   * false: the item may not become a new ABRA record (it lacks the part's opt-in category); once linked it syncs
   * as usual. Default true.
   */
  newInAbra?: boolean;
  /** Unmapped facts a create into ABRA may use (attendee addresses, ...). Not part of the hash. */
  extra?: Record<string, unknown>;
}

export interface AbraLoad {
  items: AbraItem[];
  /** Ids (as in AbraItem.id) known to be deleted in ABRA. */
  deleted: string[];
  /** Cursor to store once the run applied everything. */
  cursor: string | null;
  /**
   * True when this load read the whole in-scope set (first run / full resync): a linked record that is neither
   * in `items` nor in `deleted` then left the filter and is unlinked.
   */
  full: boolean;
  /** Further cursors to store with the run (e.g. the time of the last deletion scan). */
  extraCursors?: Record<string, string>;
  /**
   * Records that got a new id (ABRA firm "major correction"): links of `from` (and of `from:*`) move to `to`, so the
   * Exchange items stay and are updated instead of being deleted and created again.
   */
  rekeys?: { from: string; to: string }[];
}

export interface TwoWayPart {
  name: PartName;
  folderKind: FolderKind;
  /** Firms and persons are ABRA master data: an Outlook delete never deletes them. */
  protectAbraFromDeletes?: boolean;
  /**
   * The Exchange folder is the sync's own mirror of ABRA (the "ABRA Gen" contacts folder): in ABRA → Exchange mode a
   * record leaving the filter is removed from it instead of being left behind unlinked.
   */
  exchangeIsMirror?: boolean;
  /** The direction this part runs in (from its configuration). */
  direction(ctx: RunContext): Direction;
  /** Read ABRA changes since `cursor` (null = full in-scope load), and deletions when the scan is due. */
  loadAbra(ctx: RunContext, cursor: string | null, links: Map<string, string>): Promise<AbraLoad>;
  /** Re-read specific items (retries, adoptions). Missing ones are left out. */
  loadAbraByIds(ctx: RunContext, ids: string[]): Promise<AbraItem[]>;
  /** Map an Exchange item; null when the part does not handle it. */
  fromExchange(ctx: RunContext, item: ExchangeItem): ExItem | null;
  /** Key for first-run pairing (appointments: subject+start+end; tasks: subject+due; contacts: e-mail, then name+company). */
  pairKeys(record: CommonRecord): string[];
  toExchange(ctx: RunContext, record: CommonRecord): ItemData;
  /** Create in ABRA; returns the new item's id and version. */
  createAbra(
    ctx: RunContext,
    record: CommonRecord,
    source?: ExItem,
  ): Promise<{ id: string; version: string; record?: CommonRecord }>;
  /** Write the fields of `record` that differ from `previous` to ABRA. */
  updateAbra(
    ctx: RunContext,
    id: string,
    record: CommonRecord,
    previous: CommonRecord | null,
  ): Promise<{ version: string }>;
  deleteAbra(ctx: RunContext, id: string): Promise<void>;
  /** Options for Exchange change reads (calendar window). */
  changeOptions?(ctx: RunContext): { window?: { start: string; end: string } };
  /** Calendar: is the record inside the part's time window? An item outside it is unlinked, never deleted. */
  inWindow?(ctx: RunContext, record: CommonRecord): boolean;
  /** Human name of a record, for logs and the UI. */
  nameOf(record: CommonRecord): string;
  /**
   * Crash recovery of creates into ABRA: the records of the part's new-item type and series that the app's ABRA
   * user created after `since` (ISO), with their creation time (ABRA's clock) — the candidates a create cut off by
   * a crash may have left behind. Parts without it recover such creates by content only.
   */
  createdSince?(ctx: RunContext, since: string): Promise<{ item: AbraItem; createdAt: string }[]>;
  /**
   * Could `found` be the record created from `sent`, edited since? True when it still agrees with it on one of the
   * identity fields (appointments: subject, or start + end; tasks: subject, or due).
   */
  leftoverFits?(sent: CommonRecord, found: CommonRecord): boolean;
}

/**
 * A part that does not reconcile two sides but runs its own flow with the same state, scheduler, progress and
 * summaries (the e-mail archive: Exchange → ABRA only, create-only, never deletes).
 */
export interface OwnFlowPart {
  name: PartName;
  run(
    ctx: RunContext,
    opts: { dryRun?: boolean; confirmDeletes?: boolean },
  ): Promise<{ summary: RunSummary; plan: PlanEntry[] }>;
  listUnassigned?(ctx: Pick<RunContext, 'state'>): UnassignedMail[];
  /** How many wait (the status's count, asked on every status: a COUNT, not the list). */
  countUnassigned?(ctx: Pick<RunContext, 'state'>): number;
  /** Take a message off the unassigned queue for good; false when it was not waiting there. */
  ignore?(ctx: Pick<RunContext, 'state'>, id: number): boolean;
  /** The archived text (headers and body) of a message of the queue, read from ABRA. */
  readArchived?(ctx: RunContext, id: number): Promise<string>;
  assign?(
    ctx: RunContext,
    id: number,
    firmId: string,
    personId: string | null,
    applyToAddress: boolean,
  ): Promise<void>;
}

export type AnyPart = TwoWayPart | OwnFlowPart;

export function isOwnFlowPart(p: AnyPart): p is OwnFlowPart {
  return typeof (p as OwnFlowPart).run === 'function';
}
