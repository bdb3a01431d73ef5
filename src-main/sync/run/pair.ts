/**
 * Pair unlinked items: by the AbraId stamp, then by content keys, then creates into ABRA a crash interrupted (by the
 * record sent, or as a leftover found among the records the app's user made). Records read for pairing are added to
 * `read.abraItems`.
 */
import type { AbraItem, ExItem, TwoWayPart } from '../part';
import type { CommonRecord } from '../record';
import { type Pairing, workItem } from './items';
import { findLeftovers } from './leftovers';
import type { SidesRead } from './read';
import type { PartRun } from './types';

export async function pair(run: PartRun, read: SidesRead): Promise<Pairing> {
  const { ctx } = run;
  const { abraItems, exItems, linkByAbra, linkByExKey } = read;
  ctx.progress({ phase: 'planning', done: 0, total: 0 });
  const p: Pairing = {
    pairs: new Map(),
    pairsByAbra: new Map(),
    pairedAbra: new Set(),
    adopted: new Map(),
    contentPaired: new Set(),
    orphanWork: [],
  };
  const unlinked: Unlinked = {
    abra: [...abraItems.values()].filter((a) => !linkByAbra.has(a.id) && a.inScope),
    ex: [...exItems.values()].filter((e) => !linkByExKey.has(e.key) && e.inScope),
  };
  await pairByStamp(run, read, p, unlinked);
  pairByContent(run, read, p, unlinked);
  await recoverLeftovers(run, read, p);
  p.pairsByAbra = new Map([...p.pairs].map(([k, a]) => [a, k]));
  return p;
}

/** The items not linked yet, in scope: the candidates for pairing. */
interface Unlinked {
  abra: AbraItem[];
  ex: ExItem[];
}

/** Record one pair. */
function take(p: Pairing, exKey: string, abraId: string): void {
  p.pairs.set(exKey, abraId);
  p.pairedAbra.add(abraId);
}

/** 1. By the AbraId stamp (items this app created: after a crash or a lost state file). */
async function pairByStamp(run: PartRun, read: SidesRead, p: Pairing, unlinked: Unlinked): Promise<void> {
  const { part, ctx } = run;
  const { abraItems, linkByAbra } = read;
  const { pairs, pairedAbra } = p;
  const unlinkedAbra = unlinked.abra;
  const unlinkedEx = unlinked.ex;
  const stampedMissing: string[] = [];
  for (const e of unlinkedEx) {
    if (!e.abraId || linkByAbra.has(e.abraId)) continue;
    if (abraItems.has(e.abraId)) {
      if (!pairedAbra.has(e.abraId)) take(p, e.key, e.abraId);
    } else stampedMissing.push(e.abraId);
  }
  if (stampedMissing.length) {
    for (const a of await part.loadAbraByIds(ctx, stampedMissing)) {
      abraItems.set(a.id, a);
      unlinkedAbra.push(a);
    }
    for (const e of unlinkedEx) {
      if (e.abraId && !pairs.has(e.key) && abraItems.has(e.abraId) && !pairedAbra.has(e.abraId))
        take(p, e.key, e.abraId);
    }
  }
}

/**
 * 2. By content keys (first run: the same appointment/contact already exists on both sides), and creates into ABRA
 * a crash interrupted, by the record sent.
 */
function pairByContent(run: PartRun, read: SidesRead, p: Pairing, unlinked: Unlinked): void {
  const { part, ctx } = run;
  const { state } = ctx;
  const { exItems, linkByExKey } = read;
  const { pairs, pairedAbra, adopted, contentPaired } = p;
  const unlinkedAbra = unlinked.abra;
  const unlinkedEx = unlinked.ex;
  const byKey = new Map<string, AbraItem>();
  for (const a of unlinkedAbra) {
    if (pairedAbra.has(a.id)) continue;
    for (const k of part.pairKeys(a.record)) if (!byKey.has(k)) byKey.set(k, a);
  }
  // Creates into ABRA that a crash interrupted: the record ABRA received is the intent's, so the created record
  // is found by it even when the Exchange item was edited while the sync was down; the intent's record is then
  // the common base of both sides, so the edit is applied as a change of the Exchange side.
  for (const i of state.listIntents(part.name, 'abra')) {
    const e = exItems.get(i.sourceKey);
    if (!e?.inScope || linkByExKey.has(e.key) || pairs.has(e.key)) continue;
    for (const k of part.pairKeys(i.payload as CommonRecord)) {
      const a = byKey.get(k);
      if (a && !pairedAbra.has(a.id)) {
        take(p, e.key, a.id);
        adopted.set(e.key, i.payload as CommonRecord);
        break;
      }
    }
  }
  for (const e of unlinkedEx) {
    if (pairs.has(e.key) || e.abraId) continue;
    for (const k of part.pairKeys(e.record)) {
      const a = byKey.get(k);
      if (a && !pairedAbra.has(a.id)) {
        take(p, e.key, a.id);
        contentPaired.add(e.key);
        break;
      }
    }
  }
}

/** 3. Creates into ABRA a crash interrupted that content pairing cannot settle (see `leftovers.ts`). */
async function recoverLeftovers(run: PartRun, read: SidesRead, p: Pairing): Promise<void> {
  const { part, ctx, folder, dryRun, direction } = run;
  const { state } = ctx;
  const { abraItems, exItems, linkByAbra, linkByExKey } = read;
  const { pairs, pairedAbra, adopted } = p;
  // Creates into ABRA that a crash interrupted and whose record was edited in ABRA, or whose Outlook item was
  // deleted, before the restart: found among the records the app's user created around the intent's time.
  const leftovers = await findLeftovers(part, ctx, folder, {
    exItems,
    deletedIds: read.ex.deletedIds,
    seriesSeen: read.ex.seriesSeen,
    linkByAbra,
    linkByExKey,
    pairs,
    pairedAbra,
  });
  for (const l of leftovers.adopt) {
    abraItems.set(l.item.id, l.item);
    take(p, l.exKey, l.item.id);
    adopted.set(l.exKey, l.sent);
  }
  // A leftover whose Outlook item is gone: deleted like the item would have been, never sent back to Outlook.
  for (const o of leftovers.orphans) {
    if (!toAbraDeletes(direction, part)) {
      // Outlook deletions do not reach ABRA in this direction: the record is an ordinary ABRA record now
      if (!dryRun) state.removeIntent(part.name, 'abra', o.exKey);
      continue;
    }
    pairedAbra.add(o.item.id);
    p.orphanWork.push({
      ...workItem(null, o.item.id, o.exKey, o.item, null),
      abraDeleted: false,
      exDeleted: true,
      decision: { action: 'deleteAbra' },
      name: o.item.name,
    });
  }
  if (!dryRun) for (const k of leftovers.settled) state.removeIntent(part.name, 'abra', k);
}

/** Do deletions in Outlook reach ABRA in this direction (for this part)? */
function toAbraDeletes(direction: string, part: TwoWayPart): boolean {
  return (direction === 'both' || direction === 'exchangeToAbra') && !part.protectAbraFromDeletes;
}
