/** Crash recovery of creates into ABRA that content pairing cannot settle (see {@link findLeftovers}). */
import type { ExchangeItem, FolderRef } from '../../exchange/types';
import type { AbraItem, ExItem, TwoWayPart } from '../part';
import type { RunContext } from '../ports';
import type { CommonRecord } from '../record';
import type { Link } from '../state/store';

/**
 * How far apart the intent's time (this computer's clock, just before the create was sent) and the record's
 * `createdat` (ABRA's clock) may be for the record to count as made by that create.
 */
const LEFTOVER_SKEW_MS = 10 * 60_000;

export interface Leftovers {
  /** Outlook item present: adopt `item` (the create's record, edited in ABRA since) with `sent` as the base. */
  adopt: { exKey: string; item: AbraItem; sent: CommonRecord }[];
  /** Outlook item gone: `item` is the half-made record it left. */
  orphans: { exKey: string; item: AbraItem }[];
  /** Outlook item gone and no record fits exactly: nothing to recover, the intent is dropped. */
  settled: string[];
}

/**
 * Crash recovery of creates into ABRA that content pairing cannot settle: the intent's record was edited in ABRA
 * (so it no longer equals the record sent), or the Outlook item was deleted. Candidates are the records of the
 * part's new-item type and series that the app's ABRA user created within {@link LEFTOVER_SKEW_MS} of the intent
 * and that nothing is linked or paired to; one fits when it still agrees with the record sent on an identity field
 * (`part.leftoverFits`). A record is taken only when it is the one candidate that fits its intent and fits no other
 * open intent — when in doubt, nothing is adopted or deleted.
 */
export async function findLeftovers(
  part: TwoWayPart,
  ctx: RunContext,
  folder: FolderRef,
  r: {
    exItems: Map<string, ExItem>;
    deletedIds: Set<string>;
    seriesSeen: Map<string, Set<string>>;
    linkByAbra: Map<string, Link>;
    linkByExKey: Map<string, Link>;
    pairs: Map<string, string>;
    pairedAbra: Set<string>;
  },
): Promise<Leftovers> {
  const out: Leftovers = { adopt: [], orphans: [], settled: [] };
  const fitsRecord = part.leftoverFits;
  if (!part.createdSince || !fitsRecord) return out;
  const open = ctx.state
    .listIntents(part.name, 'abra')
    .filter((i) => !r.linkByExKey.has(i.sourceKey) && !r.pairs.has(i.sourceKey));
  if (!open.length) return out;
  // Where each intent's Outlook item stands: read in this run, gone, or not known (left for a later run).
  const present = new Set<string>();
  const gone = new Set<string>();
  const unread: string[] = [];
  for (const i of open) {
    const k = i.sourceKey;
    const e = r.exItems.get(k);
    if (e) {
      if (e.inScope) present.add(k);
      continue;
    }
    if (r.deletedIds.has(k)) {
      gone.add(k);
      continue;
    }
    const sep = k.lastIndexOf('|');
    if (sep > 0) {
      // an occurrence: gone when its series was listed completely without it
      const seen = r.seriesSeen.get(k.slice(0, sep));
      if (seen && !seen.has(k)) gone.add(k);
      continue;
    }
    unread.push(k);
  }
  if (unread.length) {
    const found = new Set<string>();
    for (const it of await ctx.exchange.getItems<ExchangeItem>(folder, unread)) {
      const m = part.fromExchange(ctx, it);
      if (m) found.add(m.key);
    }
    for (const k of unread) if (!found.has(k)) gone.add(k);
  }
  const relevant = open.filter((i) => present.has(i.sourceKey) || gone.has(i.sourceKey));
  if (!relevant.length) return out;
  const earliest = Math.min(...relevant.map((i) => Date.parse(i.createdAt)));
  const candidates = (
    await part.createdSince(ctx, new Date(earliest - LEFTOVER_SKEW_MS).toISOString())
  ).filter((c) => !r.linkByAbra.has(c.item.id) && !r.pairedAbra.has(c.item.id));
  const fitting = new Map<number, AbraItem[]>();
  const fitsOf = new Map<string, number>();
  for (const i of relevant) {
    const at = Date.parse(i.createdAt);
    const f = candidates
      .filter((c) => Math.abs(Date.parse(c.createdAt) - at) <= LEFTOVER_SKEW_MS)
      .filter((c) => fitsRecord(i.payload, c.item.record))
      .map((c) => c.item);
    fitting.set(i.id, f);
    for (const c of f) fitsOf.set(c.id, (fitsOf.get(c.id) ?? 0) + 1);
  }
  for (const i of relevant) {
    const f = fitting.get(i.id) ?? [];
    const only = f.length === 1 && fitsOf.get(f[0]!.id) === 1 ? f[0]! : null;
    if (present.has(i.sourceKey)) {
      if (only) out.adopt.push({ exKey: i.sourceKey, item: only, sent: i.payload });
    } else if (only) out.orphans.push({ exKey: i.sourceKey, item: only });
    else out.settled.push(i.sourceKey);
  }
  return out;
}
