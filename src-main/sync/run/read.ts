/**
 * Read both sides: ABRA since its cursor (with rekeys), Exchange since its cursor, what left either side's scope,
 * the items whose change failed last time, and Exchange creates a crash interrupted.
 */
import type { ExchangeItem } from '../../exchange/types';
import type { AbraItem, AbraLoad, ExItem } from '../part';
import { SCOPE_CURSOR, scopeFingerprint } from '../scope';
import type { Link } from '../state/store';
import { type ExchangeRead, readExchange } from './exchange-read';
import type { PartRun } from './types';

export interface SidesRead {
  /** The part's scope now (stored with the cursors); `rescope`: it differs from the one stored. */
  scope: string;
  rescope: boolean;
  /** When ABRA was last compared in full (null: never). */
  lastFullAbra: string | null;
  links: Link[];
  linkByAbra: Map<string, Link>;
  linkByExKey: Map<string, Link>;
  linkByExId: Map<string, Link>;
  abraLoad: AbraLoad;
  abraItems: Map<string, AbraItem>;
  abraDeleted: Set<string>;
  /** Linked ABRA ids that left the filter (after a complete read). */
  abraOutOfScope: Set<string>;
  ex: ExchangeRead;
  /** `ex.items`, with retries and adopted intents added. */
  exItems: Map<string, ExItem>;
  exDeletedKeys: Set<string>;
  /** Linked Exchange keys that left the scope (series occurrence, calendar window). */
  exOutOfScope: Set<string>;
}

/** Where the read stands: while `readingExchange`, a failure may mean the folder vanished. */
export interface ReadStage {
  readingExchange: boolean;
}

export async function readSides(run: PartRun, stage: ReadStage): Promise<SidesRead> {
  const { part, ctx, folder } = run;
  const { state } = ctx;
  ctx.progress({ phase: 'reading', done: 0, total: 0 });
  // The part's scope changed since its cursors were stored (another type, series, filter, direction, ...): both
  // sides are read in full, so every record is judged by the new scope, not only those changed since. The new
  // scope is stored with the cursors once the run applied everything (a dry run stores nothing and shows it all).
  const scope = scopeFingerprint(ctx.config, part.name);
  const storedScope = state.getCursor(part.name, SCOPE_CURSOR);
  const rescope = storedScope !== null && storedScope !== scope;
  const links = state.listLinks(part.name);
  const linkByAbra = new Map(links.map((l) => [l.abraId, l]));
  const linkByExKey = new Map(links.map((l) => [l.exKey, l]));
  const linkByExId = new Map(links.map((l) => [l.exId, l]));

  // A periodic full comparison (hash by hash) catches ABRA changes stamped before the cursor: a server clock
  // stepped back further than the changed-since overlap, a late commit.
  const lastFullAbra = state.getCursor(part.name, 'abraFullAt');
  const fullDue =
    lastFullAbra !== null &&
    ctx.now().getTime() - Date.parse(lastFullAbra) >= ctx.config.safety.abraFullCompareHours * 3_600_000;
  const abraCursor = rescope || fullDue ? null : state.getCursor(part.name, 'abra');
  const abraLoad = await part.loadAbra(ctx, abraCursor, new Map(links.map((l) => [l.abraId, l.exKey])));
  const sides = { links, linkByAbra, linkByExKey, linkByExId };
  applyRekeys(run, abraLoad, sides);
  const abraItems = new Map(abraLoad.items.map((i) => [i.id, i]));
  const abraDeleted = new Set(abraLoad.deleted.filter((id) => !abraItems.has(id)));

  stage.readingExchange = true;
  const ex = await readExchange(
    part,
    ctx,
    folder,
    rescope ? null : state.getCursor(part.name, 'exchange'),
    linkByExId,
  );
  stage.readingExchange = false;
  const exItems = ex.items;
  const exDeletedKeys = new Set<string>();
  for (const id of ex.deletedIds) {
    const l = linkByExId.get(id);
    if (l && !exItems.has(l.exKey)) exDeletedKeys.add(l.exKey);
  }
  // Linked items that left the Exchange scope (a series occurrence or an item now outside the calendar window)
  // are unlinked, never deleted; items missing from a complete read or a complete series were deleted.
  const exOutOfScope = new Set<string>();
  const missingOnExchange = (l: Link) => {
    if (exItems.has(l.exKey)) return;
    if (part.inWindow && !part.inWindow(ctx, l.record)) exOutOfScope.add(l.exKey);
    else exDeletedKeys.add(l.exKey);
  };
  for (const [seriesKey, keys] of ex.seriesSeen) {
    for (const l of state.linksOfSeries(part.name, seriesKey)) if (!keys.has(l.exKey)) missingOnExchange(l);
  }
  if (ex.full) for (const l of links) missingOnExchange(l);
  // Likewise for ABRA: after a complete in-scope read, a linked record that is neither read nor deleted left the filter.
  const abraOutOfScope = new Set<string>();
  if (abraLoad.full) {
    for (const l of links)
      if (!abraItems.has(l.abraId) && !abraDeleted.has(l.abraId)) abraOutOfScope.add(l.abraId);
  }

  const read: SidesRead = {
    scope,
    rescope,
    lastFullAbra,
    ...sides,
    abraLoad,
    abraItems,
    abraDeleted,
    abraOutOfScope,
    ex,
    exItems,
    exDeletedKeys,
    exOutOfScope,
  };
  await readRetries(run, read);
  await adoptExchangeIntents(run, read);
  return read;
}

/** Records that got a new id in ABRA: their links move to it (in the maps, and in the state unless a dry run). */
function applyRekeys(
  run: PartRun,
  abraLoad: AbraLoad,
  {
    links,
    linkByAbra,
    linkByExKey,
    linkByExId,
  }: Pick<SidesRead, 'links' | 'linkByAbra' | 'linkByExKey' | 'linkByExId'>,
): void {
  const { part, ctx, dryRun } = run;
  const { state } = ctx;
  for (const { from, to } of abraLoad.rekeys ?? []) {
    for (const l of links) {
      if (l.abraId !== from && !l.abraId.startsWith(`${from}:`)) continue;
      const moved: Link = { ...l, abraId: to + l.abraId.slice(from.length), abraVersion: null };
      if (linkByAbra.has(moved.abraId)) continue;
      linkByAbra.delete(l.abraId);
      linkByAbra.set(moved.abraId, moved);
      linkByExKey.set(moved.exKey, moved);
      linkByExId.set(moved.exId, moved);
      if (!dryRun) {
        state.transaction(() => {
          state.deleteLink(part.name, l.abraId);
          state.putLink(moved);
        });
      }
    }
  }
}

/** Retries: items whose change failed last time are read again, so nothing is lost while cursors move on. */
async function readRetries(run: PartRun, r: SidesRead): Promise<void> {
  const { part, ctx, folder } = run;
  const retries = ctx.state.listRetries(part.name);
  const abraRetryIds = retries.filter((x) => x.side === 'abra' && !r.abraItems.has(x.id)).map((x) => x.id);
  if (abraRetryIds.length) {
    const got = await part.loadAbraByIds(ctx, abraRetryIds);
    for (const i of got) r.abraItems.set(i.id, i);
    for (const id of abraRetryIds) if (!r.abraItems.has(id) && r.linkByAbra.has(id)) r.abraDeleted.add(id);
  }
  const exRetryKeys = retries.filter((x) => x.side === 'exchange' && !r.exItems.has(x.id)).map((x) => x.id);
  if (exRetryKeys.length) {
    const ids = exRetryKeys.map((k) => r.linkByExKey.get(k)?.exId ?? k);
    const got = await ctx.exchange.getItems<ExchangeItem>(folder, ids);
    for (const it of got) {
      const m = part.fromExchange(ctx, it);
      if (m) r.exItems.set(m.key, m);
    }
    for (const k of exRetryKeys) if (!r.exItems.has(k) && r.linkByExKey.has(k)) r.exDeletedKeys.add(k);
  }
}

/** Creates into Exchange that a crash interrupted: find them by their AbraId stamp and adopt them. */
async function adoptExchangeIntents(run: PartRun, r: SidesRead): Promise<void> {
  const { part, ctx, folder } = run;
  const exIntents = ctx.state.listIntents(part.name, 'exchange');
  if (exIntents.length) {
    const found = await ctx.exchange.findByAbraIds<ExchangeItem>(
      folder,
      exIntents.map((i) => i.sourceKey),
    );
    for (const it of found) {
      const m = part.fromExchange(ctx, it);
      if (m) r.exItems.set(m.key, m);
    }
  }
}
