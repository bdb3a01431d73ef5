/**
 * The work list: one item per ABRA record / Exchange item (linked, paired or alone) with what both sides hold and
 * what the shared decision table says to do, flips of conflicts applied.
 */
import type { ConflictPolicy } from '../config';
import type { AbraItem, ExItem } from '../part';
import { type Decision, decide, type SideState } from '../reconcile';
import { recordHash } from '../record';
import type { FieldOverride, Link } from '../state/store';
import type { Pairing } from './pair';
import type { SidesRead } from './read';
import type { PartRun } from './types';

export interface WorkItem {
  link: Link | null;
  abraId: string | null;
  exKey: string | null;
  abra: AbraItem | null;
  abraDeleted: boolean;
  ex: ExItem | null;
  exDeleted: boolean;
  decision: Decision;
  name: string;
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
    const outOfScope = (l: Link, hash: string): SideState => ({
      kind: 'present',
      record: l.record,
      hash,
      changed: false,
      inScope: false,
    });
    const base = !link && exKey && pairs.get(exKey) === abraId ? adopted.get(exKey) : undefined;
    const baseHash = base ? recordHash(base) : '';
    const abraState: SideState = a
      ? {
          kind: 'present',
          record: a.record,
          hash: recordHash(a.record),
          changed: link
            ? a.version !== link.abraVersion && recordHash(a.record) !== link.abraHash
            : !base || recordHash(a.record) !== baseHash,
          inScope: a.inScope,
          modifiedAt: a.modifiedAt,
        }
      : aDel
        ? { kind: 'deleted' }
        : link && abraOutOfScope.has(link.abraId)
          ? outOfScope(link, link.abraHash)
          : { kind: 'none' };
    const exState: SideState = e
      ? {
          kind: 'present',
          record: e.record,
          hash: recordHash(e.record),
          changed: link
            ? e.changeKey !== link.exChangeKey && recordHash(e.record) !== link.exHash
            : !base || recordHash(e.record) !== baseHash,
          inScope: e.inScope,
          modifiedAt: e.modifiedAt,
        }
      : eDel
        ? { kind: 'deleted' }
        : link && exOutOfScope.has(link.exKey)
          ? outOfScope(link, link.exHash)
          : { kind: 'none' };
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
    work.push({ link, abraId, exKey, abra: a, abraDeleted: aDel, ex: e, exDeleted: eDel, decision, name });
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
    (decision.action === 'nothing' || decision.action === 'relink' || decision.action === 'update')
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
