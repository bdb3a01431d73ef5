/**
 * The work list: one item per ABRA record / Exchange item (linked, paired or alone) with what both sides hold and
 * what the shared decision table says to do, flips of conflicts applied.
 */
import type { ConflictPolicy } from '../config';
import type { AbraItem, ExItem } from '../part';
import { type Decision, decide, type SideState } from '../reconcile';
import { type CommonRecord, recordHash } from '../record';
import type { FieldOverride, Link } from '../state/store';
import type { SidesRead } from './read';
import type { PartRun } from './types';

/**
 * One item of the work list. The ids and versions are resolved once, when the item is built: what this run read of
 * a side, else what its link holds — the write phases never look into the link for them.
 */
export interface WorkItem {
  link: Link | null;
  /** The ABRA id (the link's when linked; the paired record's when paired). */
  abraId: string | null;
  /** The Exchange identity (the link's when linked; the paired item's when paired). */
  exKey: string | null;
  /** The Exchange id to write, and its ChangeKey. */
  exId: string | null;
  exChangeKey: string | null;
  abraVersion: string | null;
  seriesKey: string | null;
  /** What each side holds: as read in this run, else as last synced. */
  abraRecord: CommonRecord | null;
  exRecord: CommonRecord | null;
  abra: AbraItem | null;
  abraDeleted: boolean;
  ex: ExItem | null;
  exDeleted: boolean;
  decision: Decision;
  name: string;
  /**
   * The hashes of `abra.record` / `ex.record` as computed when the work item was built: the write phase links
   * these same record objects and does not hash them again (issue #17). Records are never changed after mapping.
   */
  abraReadHash?: string;
  exReadHash?: string;
}

/** The resolved part of a work item: ids, versions and records from what was read, else from the link. */
export function workItem(
  link: Link | null,
  abraId: string | null,
  exKey: string | null,
  abra: AbraItem | null,
  ex: ExItem | null,
): Pick<
  WorkItem,
  | 'link'
  | 'abraId'
  | 'exKey'
  | 'abra'
  | 'ex'
  | 'exId'
  | 'exChangeKey'
  | 'abraVersion'
  | 'seriesKey'
  | 'abraRecord'
  | 'exRecord'
> {
  return {
    link,
    abraId,
    exKey,
    abra,
    ex,
    exId: ex?.id ?? link?.exId ?? null,
    exChangeKey: ex?.changeKey ?? link?.exChangeKey ?? null,
    abraVersion: abra?.version ?? link?.abraVersion ?? null,
    seriesKey: ex?.seriesKey ?? link?.seriesKey ?? null,
    abraRecord: abra?.record ?? link?.record ?? null,
    exRecord: ex?.record ?? link?.record ?? null,
  };
}

/** What pairing found (pair.ts), the input of {@link buildWork} beside what was read. */
export interface Pairing {
  /** exKey → abraId for unlinked pairs. */
  pairs: Map<string, string>;
  /** abraId → exKey, the same pairs. */
  pairsByAbra: Map<string, string>;
  pairedAbra: Set<string>;
  /** exKey → the record sent to ABRA by a create a crash interrupted (the common base of the pair). */
  adopted: Map<string, CommonRecord>;
  /** exKey: paired by content, so it carries no stamp yet. */
  contentPaired: Set<string>;
  /** Half-made ABRA records of interrupted creates whose Outlook item is gone: deleted. */
  orphanWork: WorkItem[];
}

export interface Work {
  items: WorkItem[];
  /** The user's flipped conflicts, by ABRA id (cleared once the item is linked again). */
  overrideByAbra: Map<string, FieldOverride[]>;
}

export function buildWork(run: PartRun, read: SidesRead, pairing: Pairing, policy: ConflictPolicy): Work {
  const { part, ctx, direction } = run;
  const { state } = ctx;
  const { linkByAbra, linkByExKey, abraItems, abraDeleted, exItems, exDeletedKeys } = read;
  const { abraOutOfScope, exOutOfScope } = read;
  const { pairs, pairsByAbra, adopted } = pairing;
  const work: WorkItem[] = [];
  const seenAbra = new Set<string>();
  const seenEx = new Set<string>();
  const overrides = state.listOverrides(part.name);
  const overrideByAbra = new Map<string, typeof overrides>();
  for (const o of overrides) overrideByAbra.set(o.abraId, [...(overrideByAbra.get(o.abraId) ?? []), o]);

  const addWork = (abraId: string | null, exKey: string | null) => {
    let link: Link | null = null;
    if (abraId) link = linkByAbra.get(abraId) ?? null;
    if (!link && exKey) link = linkByExKey.get(exKey) ?? null;
    if (link) {
      abraId = link.abraId;
      exKey = link.exKey;
    } else if (exKey && !abraId && pairs.has(exKey)) abraId = pairs.get(exKey) ?? null;
    else if (abraId && !exKey && pairsByAbra.has(abraId)) exKey = pairsByAbra.get(abraId) ?? null;
    if (abraId && seenAbra.has(abraId)) return;
    if (exKey && seenEx.has(exKey)) return;
    if (abraId) seenAbra.add(abraId);
    if (exKey) seenEx.add(exKey);
    const a = abraId ? (abraItems.get(abraId) ?? null) : null;
    const e = exKey ? (exItems.get(exKey) ?? null) : null;
    const aDel = !!abraId && abraDeleted.has(abraId);
    const eDel = !!exKey && exDeletedKeys.has(exKey);
    const base = !link && exKey && pairs.get(exKey) === abraId ? adopted.get(exKey) : undefined;
    const baseHash = base ? recordHash(base) : null;
    const abraState = sideState(
      a,
      aDel,
      link && { record: link.record, version: link.abraVersion, hash: link.abraHash },
      !!link && abraOutOfScope.has(link.abraId),
      baseHash,
    );
    const exState = sideState(
      e && { ...e, version: e.changeKey },
      eDel,
      link && { record: link.record, version: link.exChangeKey, hash: link.exHash },
      !!link && exOutOfScope.has(link.exKey),
      baseHash,
    );
    let decision = decide({
      link: link ? { record: link.record } : base ? { record: base } : null,
      abra: abraState,
      exchange: exState,
      direction,
      policy,
      protectAbraFromDeletes: part.protectAbraFromDeletes,
      exchangeIsMirror: part.exchangeIsMirror,
    });
    // An Outlook item without the part's opt-in category stays Outlook-only until the user tags it.
    if (decision.action === 'createAbra' && e?.newInAbra === false) decision = { action: 'nothing' };
    decision = applyFlips(run, link ? overrideByAbra.get(link.abraId) : undefined, link, decision);
    const name =
      a?.name || e?.name || link?.name || part.nameOf(a?.record ?? e?.record ?? link?.record ?? {});
    work.push({
      ...workItem(link, abraId, exKey, a, e),
      abraDeleted: aDel,
      exDeleted: eDel,
      decision,
      name,
      ...(a && abraState.kind === 'present' ? { abraReadHash: abraState.hash } : {}),
      ...(e && exState.kind === 'present' ? { exReadHash: exState.hash } : {}),
    });
  };
  for (const w of pairing.orphanWork) {
    if (w.abraId) seenAbra.add(w.abraId);
    if (w.exKey) seenEx.add(w.exKey);
    work.push(w);
  }
  for (const id of abraItems.keys()) addWork(id, null);
  for (const id of abraDeleted) addWork(id, null);
  for (const k of exItems.keys()) addWork(null, k);
  for (const k of exDeletedKeys) addWork(null, k);
  for (const id of abraOutOfScope) addWork(id, null);
  for (const k of exOutOfScope) addWork(null, k);
  for (const [abraId] of overrideByAbra)
    if (!seenAbra.has(abraId) && linkByAbra.has(abraId)) addWork(abraId, null);
  return { items: work, overrideByAbra };
}

/**
 * One side of a work item as the decision table sees it. Read in this run: changed when its version moved and its
 * hash differs from the link's (unlinked: from the adopted base's, or always when there is none). Else deleted, or
 * (linked and out of scope) present as last synced, or nothing.
 */
function sideState(
  read: { record: CommonRecord; version: string; inScope: boolean; modifiedAt?: string } | null,
  deleted: boolean,
  last: { record: CommonRecord; version: string | null; hash: string } | null,
  outOfScope: boolean,
  baseHash: string | null,
): SideState {
  if (read) {
    const hash = recordHash(read.record);
    return {
      kind: 'present',
      record: read.record,
      hash,
      changed: last
        ? read.version !== last.version && hash !== last.hash
        : baseHash === null || hash !== baseHash,
      inScope: read.inScope,
      modifiedAt: read.modifiedAt,
    };
  }
  if (deleted) return { kind: 'deleted' };
  if (last && outOfScope)
    return { kind: 'present', record: last.record, hash: last.hash, changed: false, inScope: false };
  return { kind: 'none' };
}

/** A flipped conflict: the user chose the other side's value for a field; write it to both sides. */
function applyFlips(
  run: PartRun,
  flips: FieldOverride[] | undefined,
  link: Link | null,
  decision: Decision,
): Decision {
  if (
    link &&
    flips?.length &&
    (decision.action === 'nothing' || decision.action === 'refreshLink' || decision.action === 'update')
  ) {
    const basis = decision.action === 'nothing' ? link.record : decision.record;
    const record = { ...basis };
    for (const f of flips) record[f.field] = f.value;
    return {
      action: 'update',
      record,
      writeAbra: run.direction !== 'abraToExchange',
      writeExchange: run.direction !== 'exchangeToAbra',
      conflicts: [],
    };
  }
  return decision;
}
