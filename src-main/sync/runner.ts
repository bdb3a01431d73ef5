/**
 * One run of one part: read what changed on both sides, pair, decide with the shared table, check the safety
 * rules, then write — per item isolated — and only then advance the cursors. Used by every part, by the scheduler,
 * the CLI and the dry run ("preview").
 */
import type { ExchangeItem, FolderRef, ItemData, UpdateRequest, WriteResult } from '../exchange/types';
import { SyncError, toSyncError } from '../shared/errors';
import { failureNote, type Note, note, tr, wordsOf } from '../shared/messages';
import type { ItemFailure, ItemNote, PlanEntry, RunCounts, RunSummary, Side } from './api';
import { recordHash } from './hash';
import type { AbraItem, ExItem, PartModule } from './part';
import type { RunContext } from './ports';
import { type Decision, decide, type SideState } from './reconcile';
import { SCOPE_CURSOR, scopeFingerprint } from './scope';
import type { CommonRecord, Link } from './state/store';

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

interface WorkItem {
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

const emptyCounts = (): RunCounts => ({
  abra: { created: 0, updated: 0, deleted: 0 },
  exchange: { created: 0, updated: 0, deleted: 0 },
  unlinked: 0,
  conflicts: 0,
  failed: 0,
  examined: 0,
});

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** The backend as seen through a folder that does not exist yet: reads return nothing (dry runs only). */
function emptyFolderView(exchange: RunContext['exchange'], none: FolderRef): RunContext['exchange'] {
  return new Proxy(exchange, {
    get(target, prop, receiver) {
      if (prop === 'getChanges')
        return async (f: FolderRef, ...rest: unknown[]) =>
          f === none
            ? { changes: [], cursor: '', more: false }
            : (target.getChanges as (...a: unknown[]) => unknown)(f, ...rest);
      if (prop === 'getItems' || prop === 'findByAbraIds')
        return async (f: FolderRef, ...rest: unknown[]) =>
          f === none ? [] : (target[prop] as (...a: unknown[]) => unknown).call(target, f, ...rest);
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export async function runPart(part: PartModule, ctx: RunContext, opts: RunOptions = {}): Promise<RunOutcome> {
  const { state } = ctx;
  const dryRun = opts.dryRun ?? false;
  const batchSize = opts.batchSize ?? ctx.exchange.writeBatchSize ?? 50;
  const startedAt = ctx.now().toISOString();
  const runId = dryRun ? 0 : state.startRun(part.name, false);
  const counts = emptyCounts();
  const failures: ItemFailure[] = [];
  const notes: ItemNote[] = [];
  const plan: PlanEntry[] = [];
  const direction = part.direction(ctx);
  const partCfg = ctx.config.parts[part.name];
  const policy = 'conflictPolicy' in partCfg ? partCfg.conflictPolicy : 'merge';

  /** `said`: the English words, or a note (its English text is derived); `why`: the note beside given words. */
  const finish = (
    result: RunSummary['result'],
    said?: string | Note,
    errorKind?: string,
    why?: Note,
    extra: Partial<RunSummary> = {},
  ): RunOutcome => {
    const summary: RunSummary = {
      runId,
      part: part.name,
      startedAt,
      finishedAt: ctx.now().toISOString(),
      result,
      counts,
      failures,
      ...(notes.length ? { notes } : {}),
      ...wordsOf(said, why),
      errorKind,
      dryRun,
      ...extra,
    };
    if (!dryRun) state.finishRun(summary);
    return { summary, plan };
  };

  let folderId = '';
  let readingExchange = false;
  try {
    ctx.progress({ phase: 'connecting', done: 0, total: 0 });
    let folder: FolderRef;
    const stored = parseFolderRef(state.getCursor(part.name, 'exFolder'));
    try {
      folder = await ctx.exchange.getFolder(part.folderKind, undefined, {
        create: !dryRun,
        ...(!dryRun && stored?.kind === part.folderKind ? { known: stored } : {}),
      });
    } catch (e) {
      if (!(dryRun && e instanceof SyncError && e.kind === 'notFound')) throw e;
      // A preview before the first real run: the part's own folder does not exist yet. It is empty, and a dry run
      // does not create it.
      folder = { id: '', kind: part.folderKind, displayName: '(not created yet)' };
      ctx = { ...ctx, exchange: emptyFolderView(ctx.exchange, folder) };
    }
    // The part's folder was made anew (the user deleted the "ABRA Gen" contacts folder or To Do list): the links
    // point into a folder that is gone and the Exchange cursor belongs to it. Nothing is deleted anywhere: the links
    // are dropped and the new folder is filled again (items found there are paired by stamp or content first).
    folderId = folder.id;
    if (!dryRun && folder.id) {
      const known = stored?.id ?? null;
      if (known !== folder.id) {
        const ref = JSON.stringify(folder);
        state.transaction(() => {
          if (known) {
            for (const l of state.listLinks(part.name)) state.deleteLink(part.name, l.abraId);
            // both sides are read in full again: every ABRA record in scope goes into the new folder
            state.setCursor(part.name, 'exchange', null);
            state.setCursor(part.name, 'abra', null);
          }
          state.setCursor(part.name, 'exFolder', ref);
        });
      }
    }

    // ---------- read ----------
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
    const abraItems = new Map(abraLoad.items.map((i) => [i.id, i]));
    const abraDeleted = new Set(abraLoad.deleted.filter((id) => !abraItems.has(id)));

    readingExchange = true;
    const ex = await readExchange(
      part,
      ctx,
      folder,
      rescope ? null : state.getCursor(part.name, 'exchange'),
      linkByExId,
    );
    readingExchange = false;
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

    // Retries: items whose change failed last time are read again, so nothing is lost while cursors move on.
    const retries = state.listRetries(part.name);
    const abraRetryIds = retries.filter((r) => r.side === 'abra' && !abraItems.has(r.id)).map((r) => r.id);
    if (abraRetryIds.length) {
      const got = await part.loadAbraByIds(ctx, abraRetryIds);
      for (const i of got) abraItems.set(i.id, i);
      for (const id of abraRetryIds) if (!abraItems.has(id) && linkByAbra.has(id)) abraDeleted.add(id);
    }
    const exRetryKeys = retries.filter((r) => r.side === 'exchange' && !exItems.has(r.id)).map((r) => r.id);
    if (exRetryKeys.length) {
      const ids = exRetryKeys.map((k) => linkByExKey.get(k)?.exId ?? k);
      const got = await ctx.exchange.getItems<ExchangeItem>(folder, ids);
      for (const it of got) {
        const m = part.fromExchange(ctx, it);
        if (m) exItems.set(m.key, m);
      }
      for (const k of exRetryKeys) if (!exItems.has(k) && linkByExKey.has(k)) exDeletedKeys.add(k);
    }

    // Creates into Exchange that a crash interrupted: find them by their AbraId stamp and adopt them.
    const exIntents = state.listIntents(part.name, 'exchange');
    if (exIntents.length) {
      const found = await ctx.exchange.findByAbraIds<ExchangeItem>(
        folder,
        exIntents.map((i) => i.sourceKey),
      );
      for (const it of found) {
        const m = part.fromExchange(ctx, it);
        if (m) exItems.set(m.key, m);
      }
    }

    // ---------- pair ----------
    ctx.progress({ phase: 'planning', done: 0, total: 0 });
    const pairs = new Map<string, string>(); // exKey -> abraId for unlinked pairs
    const pairedAbra = new Set<string>();
    const unlinkedAbra = [...abraItems.values()].filter((a) => !linkByAbra.has(a.id) && a.inScope);
    const unlinkedEx = [...exItems.values()].filter((e) => !linkByExKey.has(e.key) && e.inScope);
    // 1. by the AbraId stamp (items this app created: after a crash or a lost state file)
    const stampedMissing: string[] = [];
    for (const e of unlinkedEx) {
      if (!e.abraId || linkByAbra.has(e.abraId)) continue;
      if (abraItems.has(e.abraId)) {
        if (!pairedAbra.has(e.abraId)) {
          pairs.set(e.key, e.abraId);
          pairedAbra.add(e.abraId);
        }
      } else stampedMissing.push(e.abraId);
    }
    if (stampedMissing.length) {
      for (const a of await part.loadAbraByIds(ctx, stampedMissing)) {
        abraItems.set(a.id, a);
        unlinkedAbra.push(a);
      }
      for (const e of unlinkedEx) {
        if (e.abraId && !pairs.has(e.key) && abraItems.has(e.abraId) && !pairedAbra.has(e.abraId)) {
          pairs.set(e.key, e.abraId);
          pairedAbra.add(e.abraId);
        }
      }
    }
    // 2. by content keys (first run: the same appointment/contact already exists on both sides)
    const byKey = new Map<string, AbraItem>();
    for (const a of unlinkedAbra) {
      if (pairedAbra.has(a.id)) continue;
      for (const k of part.pairKeys(a.record)) if (!byKey.has(k)) byKey.set(k, a);
    }
    // Creates into ABRA that a crash interrupted: the record ABRA received is the intent's, so the created record
    // is found by it even when the Exchange item was edited while the sync was down; the intent's record is then
    // the common base of both sides, so the edit is applied as a change of the Exchange side.
    const adopted = new Map<string, CommonRecord>(); // exKey -> record sent to ABRA
    for (const i of state.listIntents(part.name, 'abra')) {
      const e = exItems.get(i.sourceKey);
      if (!e?.inScope || linkByExKey.has(e.key) || pairs.has(e.key)) continue;
      for (const k of part.pairKeys(i.payload as CommonRecord)) {
        const a = byKey.get(k);
        if (a && !pairedAbra.has(a.id)) {
          pairs.set(e.key, a.id);
          pairedAbra.add(a.id);
          adopted.set(e.key, i.payload as CommonRecord);
          break;
        }
      }
    }
    const contentPaired = new Set<string>(); // exKey: paired by content, so it carries no stamp yet
    for (const e of unlinkedEx) {
      if (pairs.has(e.key) || e.abraId) continue;
      for (const k of part.pairKeys(e.record)) {
        const a = byKey.get(k);
        if (a && !pairedAbra.has(a.id)) {
          pairs.set(e.key, a.id);
          pairedAbra.add(a.id);
          contentPaired.add(e.key);
          break;
        }
      }
    }

    // Creates into ABRA that a crash interrupted and whose record was edited in ABRA, or whose Outlook item was
    // deleted, before the restart: found among the records the app's user created around the intent's time.
    const leftovers = await findLeftovers(part, ctx, folder, {
      exItems,
      deletedIds: ex.deletedIds,
      seriesSeen: ex.seriesSeen,
      linkByAbra,
      linkByExKey,
      pairs,
      pairedAbra,
    });
    for (const l of leftovers.adopt) {
      abraItems.set(l.item.id, l.item);
      pairs.set(l.exKey, l.item.id);
      pairedAbra.add(l.item.id);
      adopted.set(l.exKey, l.sent);
    }
    // A leftover whose Outlook item is gone: deleted like the item would have been, never sent back to Outlook.
    const orphanWork: WorkItem[] = [];
    for (const o of leftovers.orphans) {
      if (!toAbraDeletes(direction, part)) {
        // Outlook deletions do not reach ABRA in this direction: the record is an ordinary ABRA record now
        if (!dryRun) state.removeIntent(part.name, 'abra', o.exKey);
        continue;
      }
      pairedAbra.add(o.item.id);
      orphanWork.push({
        link: null,
        abraId: o.item.id,
        exKey: o.exKey,
        abra: o.item,
        abraDeleted: false,
        ex: null,
        exDeleted: true,
        decision: { action: 'deleteAbra' },
        name: o.item.name,
      });
    }
    if (!dryRun) for (const k of leftovers.settled) state.removeIntent(part.name, 'abra', k);

    const pairsByAbra = new Map([...pairs].map(([k, a]) => [a, k]));

    // ---------- decide ----------
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
      // A flipped conflict: the user chose the other side's value for a field; write it to both sides.
      const flips = link ? overrideByAbra.get(link.abraId) : undefined;
      if (
        link &&
        flips?.length &&
        (decision.action === 'nothing' || decision.action === 'relink' || decision.action === 'update')
      ) {
        const basis = decision.action === 'nothing' ? link.record : decision.record;
        const record = { ...basis };
        for (const f of flips) record[f.field] = f.value;
        decision = {
          action: 'update',
          record,
          writeAbra: direction !== 'abraToExchange',
          writeExchange: direction !== 'exchangeToAbra',
          conflicts: [],
        };
      }
      const name =
        a?.name || e?.name || link?.name || part.nameOf(a?.record ?? e?.record ?? link?.record ?? {});
      work.push({ link, abraId, exKey, abra: a, abraDeleted: aDel, ex: e, exDeleted: eDel, decision, name });
    };
    for (const w of orphanWork) {
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
    counts.examined = work.length;

    for (const w of work) {
      const d = w.decision;
      const rec = w.abra?.record ?? w.ex?.record ?? w.link?.record ?? {};
      const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      const when = text(rec.start) ?? text(rec.due);
      const firm = text(rec.companyName);
      const entry = (side: Side, action: PlanEntry['action'], fields?: string[]) =>
        plan.push({
          part: part.name,
          side,
          action,
          name: w.name,
          abraId: w.abraId ?? undefined,
          exchangeId: w.ex?.id ?? w.link?.exId,
          fields,
          ...(when ? { when } : {}),
          ...(firm ? { firm } : {}),
        });
      switch (d.action) {
        case 'createExchange':
          entry('exchange', 'create');
          break;
        case 'createAbra':
          entry('abra', 'create');
          break;
        case 'deleteExchange':
          entry('exchange', 'delete');
          break;
        case 'deleteAbra':
          entry('abra', 'delete');
          break;
        case 'unlink':
          entry('abra', 'unlink');
          break;
        case 'update': {
          const prevA = w.abra?.record ?? w.link?.record ?? {};
          const prevE = w.ex?.record ?? w.link?.record ?? {};
          if (d.writeAbra) entry('abra', 'update', changedFields(prevA, d.record));
          if (d.writeExchange) entry('exchange', 'update', changedFields(prevE, d.record));
          for (const c of d.conflicts) entry(c.winner, 'conflict', [c.field]);
          break;
        }
        case 'relink':
          if (!w.link) entry('abra', 'pair');
          break;
        default:
          break;
      }
    }

    // The user keeps what the run stopped before deleting: every linked item it would delete is unlinked instead.
    if (opts.keepInsteadOfDelete) {
      for (const w of work) {
        const a = w.decision.action;
        if ((a === 'deleteExchange' || a === 'deleteAbra') && w.link) w.decision = { action: 'unlink' };
      }
      for (const e of plan)
        if (e.action === 'delete' && e.abraId && linkByAbra.has(e.abraId)) {
          e.action = 'unlink';
          e.side = 'abra';
        }
    }

    // ---------- safety ----------
    const linkCount = links.length;
    // (not after the user changed the part's scope: a new filter may well match nothing; what it would delete still
    // goes through the mass-delete question, and the app showed it in the preview first)
    if (linkCount > 0 && abraLoad.full && !rescope && abraLoad.items.filter((i) => i.inScope).length === 0) {
      return finish('aborted', note('run.abraEmpty', { count: linkCount }));
    }
    if (linkCount > 0 && ex.full && [...exItems.values()].filter((i) => i.inScope).length === 0) {
      return finish('aborted', note('run.exchangeEmpty', { count: linkCount }));
    }
    const { massDeleteRatio, massDeleteMin } = ctx.config.safety;
    for (const side of ['exchange', 'abra'] as const) {
      const n = work.filter(
        (w) => w.decision.action === (side === 'exchange' ? 'deleteExchange' : 'deleteAbra'),
      ).length;
      if (!opts.confirmDeletes && n >= massDeleteMin && n > massDeleteRatio * linkCount) {
        const why = note('run.massDelete', {
          count: n,
          total: linkCount,
          side: side === 'exchange' ? 'Exchange' : 'ABRA',
        });
        const items = work
          .filter((w) => w.decision.action === (side === 'exchange' ? 'deleteExchange' : 'deleteAbra'))
          .slice(0, 200)
          .map((w) => w.name);
        return finish('needsConfirmation', why, undefined, undefined, {
          pendingDeletes: { count: n, side, items },
        });
      }
    }

    if (dryRun) return finish('dryRun');

    // ---------- write ----------
    ctx.progress({ phase: 'writing', done: 0, total: work.length });
    // Outlook items whose interrupted create into ABRA is adopted, and items paired by content, now get their AbraId
    // stamp like fresh creates, so a later loss of the state file pairs them by stamp (dropped again below if the
    // pairing does not end in a link).
    for (const w of work) {
      const a = w.decision.action;
      if (w.link || !w.exKey || !w.abraId || (a !== 'relink' && a !== 'update')) continue;
      if (!adopted.has(w.exKey) && !contentPaired.has(w.exKey)) continue;
      if (w.ex && w.ex.id === w.exKey && w.ex.abraId !== w.abraId)
        state.addStamp(part.name, w.exKey, w.abraId);
    }
    let done = 0;
    const tick = () => ctx.progress({ phase: 'writing', done: ++done, total: work.length });
    /** A written item's remark from the backend (see WriteResult.note). */
    const remark = (w: WorkItem, r: WriteResult) => {
      if (!r.ok || !r.note) return;
      notes.push({
        part: part.name,
        side: 'exchange',
        name: w.name,
        message: tr('en', r.note.key, r.note.params),
        note: r.note,
        abraId: w.abraId ?? undefined,
        exchangeId: r.id,
        at: ctx.now().toISOString(),
      });
    };
    const fail = (w: WorkItem, side: Side, e: unknown) => {
      const err = toSyncError(e);
      counts.failed++;
      failures.push({
        part: part.name,
        side,
        name: w.name,
        reason: err.message,
        kind: err.kind,
        abraId: w.abraId ?? undefined,
        exchangeId: w.ex?.id ?? w.link?.exId,
        at: ctx.now().toISOString(),
      });
      // Retry next run from the side whose change was being applied.
      if (side === 'exchange' && w.abraId) state.addRetry(part.name, 'abra', w.abraId, w.name, err.message);
      else if (w.exKey) state.addRetry(part.name, 'exchange', w.exKey, w.name, err.message);
      else if (w.abraId) state.addRetry(part.name, 'abra', w.abraId, w.name, err.message);
    };
    const clearRetries = (w: WorkItem) => {
      if (w.abraId) state.clearRetry(part.name, 'abra', w.abraId);
      if (w.exKey) state.clearRetry(part.name, 'exchange', w.exKey);
    };
    const linkFrom = (
      w: WorkItem,
      record: CommonRecord,
      abraId: string,
      abraVersion: string | null,
      exId: string,
      exKey: string,
      exChangeKey: string | null,
      /** What the Exchange item holds, when it is not `record` (a create into ABRA that filled in fields). */
      exRecord: CommonRecord = record,
    ) =>
      state.transaction(() => {
        state.putLink({
          part: part.name,
          abraId,
          exId,
          exKey,
          abraVersion,
          exChangeKey,
          abraHash: recordHash(record),
          exHash: recordHash(exRecord),
          record,
          seriesKey: w.ex?.seriesKey ?? w.link?.seriesKey ?? null,
          name: part.nameOf(record) || w.name,
        });
        clearRetries(w);
        // a create into ABRA interrupted by a crash and adopted by pairing is settled now
        state.removeIntent(part.name, 'abra', exKey);
        for (const o of overrideByAbra.get(abraId) ?? []) state.clearOverride(part.name, abraId, o.field);
      });

    const exCreates: { w: WorkItem; record: CommonRecord; abraId: string; abraVersion: string | null }[] = [];
    const exUpdates: { w: WorkItem; record: CommonRecord; abraId: string; abraVersion: string | null }[] = [];
    const exDeletes: WorkItem[] = [];

    for (const w of work) {
      if (ctx.signal?.aborted) break;
      const d = w.decision;
      try {
        switch (d.action) {
          case 'nothing':
            tick();
            break;
          case 'relink': {
            const abraId = w.abraId ?? w.link?.abraId;
            const exKey = w.exKey ?? w.link?.exKey;
            if (!abraId || !exKey) break;
            const exId = w.ex?.id ?? w.link?.exId ?? exKey;
            state.transaction(() => {
              state.putLink({
                part: part.name,
                abraId,
                exId,
                exKey,
                abraVersion: w.abra?.version ?? w.link?.abraVersion ?? null,
                exChangeKey: w.ex?.changeKey ?? w.link?.exChangeKey ?? null,
                abraHash: w.abra ? recordHash(w.abra.record) : (w.link?.abraHash ?? recordHash(d.record)),
                exHash: w.ex ? recordHash(w.ex.record) : (w.link?.exHash ?? recordHash(d.record)),
                record: d.record,
                seriesKey: w.ex?.seriesKey ?? w.link?.seriesKey ?? null,
                name: w.name,
              });
              clearRetries(w);
              state.removeIntent(part.name, 'exchange', abraId);
              state.removeIntent(part.name, 'abra', exKey);
            });
            tick();
            break;
          }
          case 'unlink':
          case 'dropLink':
            if (w.link) {
              const l = w.link;
              state.transaction(() => {
                state.deleteLink(part.name, l.abraId);
                clearRetries(w);
              });
              if (d.action === 'unlink') counts.unlinked++;
            }
            tick();
            break;
          case 'createExchange': {
            const abraId = w.abraId ?? w.link?.abraId;
            if (!abraId) break;
            // A stale link (its Exchange item is gone) is replaced when the new item is linked.
            exCreates.push({
              w,
              record: d.record,
              abraId,
              abraVersion: w.abra?.version ?? w.link?.abraVersion ?? null,
            });
            break;
          }
          case 'deleteExchange':
            exDeletes.push(w);
            break;
          case 'createAbra': {
            const exKey = w.exKey ?? w.link?.exKey;
            if (!exKey) break;
            state.addIntent(part.name, 'abra', exKey, d.record, ctx.now().toISOString());
            let created: Awaited<ReturnType<PartModule['createAbra']>>;
            try {
              created = await part.createAbra(ctx, d.record, w.ex ?? undefined);
            } catch (e) {
              // ABRA refused the create (it answered, nothing was made): there is nothing a crash could leave
              if (e instanceof SyncError && REFUSED.includes(e.kind))
                state.removeIntent(part.name, 'abra', exKey);
              throw e;
            }
            const record = created.record ?? d.record;
            const exId = w.ex?.id ?? w.link?.exId ?? exKey;
            state.transaction(() => {
              if (w.link && w.link.abraId !== created.id) state.deleteLink(part.name, w.link.abraId);
              // the item came from Outlook: stamp it with its AbraId (below, batched with the other updates)
              if (exId === exKey) state.addStamp(part.name, exKey, created.id);
              linkFrom(
                w,
                record,
                created.id,
                created.version,
                exId,
                exKey,
                w.ex?.changeKey ?? w.link?.exChangeKey ?? null,
                w.ex?.record ?? record,
              );
              state.removeIntent(part.name, 'abra', exKey);
            });
            counts.abra.created++;
            tick();
            break;
          }
          case 'deleteAbra': {
            const abraId = w.abraId ?? w.link?.abraId;
            if (!abraId) break;
            let gone = false;
            try {
              await part.deleteAbra(ctx, abraId);
            } catch (e) {
              // Already gone (deleted by a run a crash cut off before it dropped the link, or in ABRA meanwhile):
              // the delete has reached its goal, as Exchange deletes of missing items do.
              if (!(e instanceof SyncError && e.kind === 'notFound')) throw e;
              gone = true;
            }
            state.transaction(() => {
              state.deleteLink(part.name, abraId);
              clearRetries(w);
              // the half-made record of a create a crash interrupted, whose Outlook item is gone
              if (w.exKey && !w.link) state.removeIntent(part.name, 'abra', w.exKey);
            });
            if (!gone) counts.abra.deleted++;
            tick();
            break;
          }
          case 'update': {
            const abraId = w.abraId ?? w.link?.abraId;
            const exKey = w.exKey ?? w.link?.exKey;
            if (!abraId || !exKey) break;
            let abraVersion = w.abra?.version ?? w.link?.abraVersion ?? null;
            if (d.writeAbra) {
              const r = await part.updateAbra(
                ctx,
                abraId,
                d.record,
                w.abra?.record ?? w.link?.record ?? null,
              );
              abraVersion = r.version;
              counts.abra.updated++;
            }
            if (d.conflicts.length && w.link) {
              for (const c of d.conflicts) {
                state.addConflict({
                  part: part.name,
                  abraId,
                  exchangeId: w.ex?.id ?? w.link.exId,
                  name: w.name,
                  field: c.field,
                  abraValue: c.abraValue,
                  exchangeValue: c.exchangeValue,
                  winner: c.winner,
                });
                counts.conflicts++;
              }
            }
            if (d.writeExchange) exUpdates.push({ w, record: d.record, abraId, abraVersion });
            else {
              linkFrom(
                w,
                d.record,
                abraId,
                abraVersion,
                w.ex?.id ?? w.link?.exId ?? exKey,
                exKey,
                w.ex?.changeKey ?? w.link?.exChangeKey ?? null,
              );
              tick();
            }
            break;
          }
        }
      } catch (e) {
        fail(
          w,
          d.action === 'createAbra' || d.action === 'deleteAbra' || d.action === 'update'
            ? 'abra'
            : 'exchange',
          e,
        );
        if (isFatal(e)) throw e;
        tick();
      }
    }

    // Exchange writes in batches, one result per item.
    for (const batch of chunks(exCreates, batchSize)) {
      if (ctx.signal?.aborted) break;
      state.transaction(() => {
        for (const c of batch) state.addIntent(part.name, 'exchange', c.abraId, c.record);
      });
      const results = await writeBatch(
        () =>
          ctx.exchange.createItems(
            folder,
            batch.map((c) => ({ abraId: c.abraId, data: part.toExchange(ctx, c.record) as ItemData })),
          ),
        batch.length,
      );
      batch.forEach((c, i) => {
        const r = results[i];
        if (r?.ok) {
          state.transaction(() => {
            if (c.w.link && c.w.link.exKey !== r.id) state.deleteLink(part.name, c.w.link.abraId);
            linkFrom(c.w, c.record, c.abraId, c.abraVersion, r.id, r.id, r.changeKey);
            state.removeIntent(part.name, 'exchange', c.abraId);
          });
          remark(c.w, r);
          counts.exchange.created++;
        } else {
          state.removeIntent(part.name, 'exchange', c.abraId);
          fail(c.w, 'exchange', r ? r.error : new SyncError('transient', 'no result'));
        }
        tick();
      });
    }
    // Updates, and the AbraId stamps of items copied from Outlook to ABRA (this run's and any a crash left
    // pending), in the same batches: a stamp rides on the item's update when it has one, else it is a stamp-only
    // write. The ChangeKey after the stamp goes into the link, so the stamp is not taken for a user's edit.
    type Written = WriteResult | { ok: false; error: SyncError };
    const exWrites: { req: UpdateRequest; done: (r: Written | undefined) => void; counted: boolean }[] = [];
    const stampOf = new Map<string, string>(); // exKey -> AbraId to stamp with the item's update
    const updating = new Map(exUpdates.map((u) => [u.w.exKey ?? u.w.link?.exKey ?? '', u.abraId]));
    const deleting = new Set(exDeletes.map((w) => w.exKey ?? w.link?.exKey ?? ''));
    for (const st of ctx.signal?.aborted ? [] : state.listStamps(part.name)) {
      if (updating.get(st.exKey) === st.abraId) {
        stampOf.set(st.exKey, st.abraId); // linked once the update is written
        continue;
      }
      const l = state.getLinkByExKey(part.name, st.exKey);
      if (
        !l ||
        l.abraId !== st.abraId ||
        l.exId !== st.exKey ||
        exDeletedKeys.has(st.exKey) ||
        deleting.has(st.exKey)
      ) {
        state.removeStamp(part.name, st.exKey); // unlinked, relinked or deleted since: nothing to stamp
        continue;
      }
      const e = exItems.get(st.exKey);
      // the version read in this run, when it holds what the link holds (a stamp that reached Exchange before a
      // crash, or a server's cosmetic rewrite): the write is checked against it
      const readSame = e && e.changeKey !== l.exChangeKey && recordHash(e.record) === l.exHash ? e : null;
      if (e?.abraId === st.abraId) {
        state.transaction(() => {
          if (readSame) state.putLink({ ...l, exChangeKey: readSame.changeKey });
          state.removeStamp(part.name, st.exKey);
        });
        continue;
      }
      if (updating.has(st.exKey)) continue; // updated as another record's item: stamped if that ends linked
      exWrites.push({
        req: { id: l.exId, changeKey: readSame?.changeKey ?? l.exChangeKey ?? '', abraId: st.abraId },
        counted: false,
        done: (r) => {
          if (r?.ok) {
            state.transaction(() => {
              const cur = state.getLinkByExKey(part.name, st.exKey);
              if (cur) state.putLink({ ...cur, exId: r.id, exChangeKey: r.changeKey });
              state.removeStamp(part.name, st.exKey);
            });
          } else if (r?.error.kind === 'notFound') state.removeStamp(part.name, st.exKey);
          // else (an edit since the read, a server error): tried again on the next run, after that edit is read
        },
      });
    }
    for (const u of exUpdates) {
      const exKey = u.w.exKey ?? u.w.link?.exKey ?? '';
      const abraId = stampOf.get(exKey);
      exWrites.push({
        req: {
          id: u.w.ex?.id ?? u.w.link?.exId ?? '',
          changeKey: u.w.ex?.changeKey ?? u.w.link?.exChangeKey ?? '',
          data: part.toExchange(ctx, u.record) as ItemData,
          ...(abraId ? { abraId } : {}),
        },
        counted: true,
        done: (r) => {
          if (r?.ok) {
            state.transaction(() => {
              linkFrom(u.w, u.record, u.abraId, u.abraVersion, r.id, exKey || r.id, r.changeKey);
              if (abraId) state.removeStamp(part.name, exKey);
            });
            remark(u.w, r);
            counts.exchange.updated++;
          } else fail(u.w, 'exchange', r ? r.error : new SyncError('transient', 'no result'));
          tick();
        },
      });
    }
    // updates first (their order as before), stamp-only writes after them in the same batches
    exWrites.sort((a, b) => Number(b.counted) - Number(a.counted));
    for (const batch of chunks(exWrites, batchSize)) {
      if (ctx.signal?.aborted) break;
      const results = await writeBatch(
        () =>
          ctx.exchange.updateItems(
            folder,
            batch.map((x) => x.req),
          ),
        batch.length,
      );
      batch.forEach((x, i) => {
        x.done(results[i]);
      });
    }
    for (const batch of chunks(exDeletes, batchSize)) {
      if (ctx.signal?.aborted) break;
      const ids = batch.map((w) => w.ex?.id ?? w.link?.exId ?? '');
      const results = await writeBatch(() => ctx.exchange.deleteItems(folder, ids), batch.length);
      batch.forEach((w, i) => {
        const r = results[i];
        if (r?.ok) {
          const abraId = w.abraId ?? w.link?.abraId;
          if (abraId) {
            state.transaction(() => {
              state.deleteLink(part.name, abraId);
              clearRetries(w);
            });
          }
          counts.exchange.deleted++;
        } else fail(w, 'exchange', r ? r.error : new SyncError('transient', 'no result'));
        tick();
      });
    }

    if (ctx.signal?.aborted) {
      // Cursors stay where they were: the next run reads the same changes again; links make that idempotent.
      return finish(failures.length ? 'partial' : 'failed', note('run.stopped'));
    }

    // ---------- commit cursors: everything read was applied or is queued for retry ----------
    ctx.progress({ phase: 'finishing', done: work.length, total: work.length });
    state.transaction(() => {
      if (abraLoad.cursor !== null) state.setCursor(part.name, 'abra', abraLoad.cursor);
      if (abraLoad.full || lastFullAbra === null)
        state.setCursor(part.name, 'abraFullAt', ctx.now().toISOString());
      for (const [k, v] of Object.entries(abraLoad.extraCursors ?? {})) state.setCursor(part.name, k, v);
      state.setCursor(part.name, 'exchange', ex.cursor);
      state.setCursor(part.name, SCOPE_CURSOR, scope);
      // Intents of creates that failed outright are dropped above; any left belong to items we linked.
    });
    return finish(failures.length ? 'partial' : 'ok');
  } catch (e) {
    const err = toSyncError(e);
    // The folder vanished under a cached reference (deleted in Outlook since the last run): when it resolves to a new
    // one now, this run says so and the part runs again at once over it rather than fail until the next interval.
    if (readingExchange && err.kind === 'notFound' && !dryRun && !opts.afterFolderLoss && folderId) {
      const again = await ctx.exchange
        .getFolder(part.folderKind, undefined, { create: true })
        .catch(() => null);
      if (again && again.id !== folderId) {
        finish('failed', note('run.folderGone'), err.kind);
        return runPart(part, ctx, { ...opts, afterFolderLoss: true });
      }
    }
    return finish('failed', err.message, err.kind, err.note ?? failureNote(err.kind));
  }
}

/** The part's folder as the last run resolved it (kept in the state: a new process need not look it up again). */
function parseFolderRef(text: string | null): FolderRef | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<FolderRef>;
    return typeof v.id === 'string' && v.id && typeof v.kind === 'string'
      ? {
          id: v.id,
          kind: v.kind,
          displayName: String(v.displayName ?? ''),
          ...(v.ewsVersion === 'Exchange2007_SP1' ? { ewsVersion: v.ewsVersion } : {}),
        }
      : null;
  } catch {
    return null;
  }
}

/** Error kinds of a create that ABRA answered with a refusal: nothing was created. */
const REFUSED = ['validation', 'auth', 'forbidden', 'config'];

/** Do deletions in Outlook reach ABRA in this direction (for this part)? */
function toAbraDeletes(direction: string, part: PartModule): boolean {
  return (direction === 'both' || direction === 'exchangeToAbra') && !part.protectAbraFromDeletes;
}

/**
 * How far apart the intent's time (this computer's clock, just before the create was sent) and the record's
 * `createdat` (ABRA's clock) may be for the record to count as made by that create.
 */
const LEFTOVER_SKEW_MS = 10 * 60_000;

interface Leftovers {
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
async function findLeftovers(
  part: PartModule,
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

/** A whole-call failure of a batch becomes one failed result per item (the run goes on with the others). */
async function writeBatch<R>(
  fn: () => Promise<R[]>,
  n: number,
): Promise<(R | { ok: false; error: SyncError })[]> {
  try {
    return await fn();
  } catch (e) {
    if (isFatal(e)) throw e;
    const error = toSyncError(e);
    return Array.from({ length: n }, () => ({ ok: false as const, error }));
  }
}

/** Errors that stop the whole part: nothing else can succeed either. */
function isFatal(e: unknown): boolean {
  return e instanceof SyncError && ['auth', 'forbidden', 'tls', 'unreachable', 'config'].includes(e.kind);
}

function changedFields(prev: CommonRecord, next: CommonRecord): string[] {
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  return [...keys].filter((k) => JSON.stringify(prev[k] ?? null) !== JSON.stringify(next[k] ?? null)).sort();
}

interface ExchangeRead {
  items: Map<string, ExItem>;
  deletedIds: Set<string>;
  /** Series whose occurrences were listed completely: key → occurrence keys seen. */
  seriesSeen: Map<string, Set<string>>;
  cursor: string;
  full: boolean;
}

async function readExchange(
  part: PartModule,
  ctx: RunContext,
  folder: FolderRef,
  cursor: string | null,
  linkByExId: Map<string, Link>,
): Promise<ExchangeRead> {
  const options = { pageSize: 512, ...(part.changeOptions?.(ctx) ?? {}) };
  const attempt = async (start: string | null): Promise<ExchangeRead> => {
    const items = new Map<string, ExItem>();
    const deletedIds = new Set<string>();
    const seriesSeen = new Map<string, Set<string>>();
    let c = start;
    // An incremental read may skip the echo of our own writes (same id and ChangeKey as the link holds); a complete
    // read must see every item, since what it does not see counts as gone.
    const readOptions = {
      ...options,
      isKnown:
        start === null
          ? undefined
          : (id: string, changeKey: string) => linkByExId.get(id)?.exChangeKey === changeKey,
    };
    for (let page = 0; page < 100000; page++) {
      const p = await ctx.exchange.getChanges<ExchangeItem>(folder, c, readOptions);
      for (const ch of p.changes) {
        if (ch.type === 'delete') {
          deletedIds.add(ch.id);
          // a deleted series master: every linked occurrence of it is gone
          const l = linkByExId.get(ch.id);
          if (l?.seriesKey) seriesSeen.set(l.seriesKey, seriesSeen.get(l.seriesKey) ?? new Set());
        } else if (ch.type === 'upsert') {
          const m = part.fromExchange(ctx, ch.item);
          if (m) {
            items.set(m.key, m);
            deletedIds.delete(m.id);
          }
        } else {
          const seen = new Set<string>();
          for (const o of ch.occurrences) {
            const m = part.fromExchange(ctx, o);
            if (m) {
              items.set(m.key, m);
              seen.add(m.key);
            }
          }
          seriesSeen.set(ch.seriesKey, seen);
        }
      }
      c = p.cursor;
      ctx.progress({ phase: 'reading', done: items.size, total: 0 });
      if (!p.more) break;
    }
    return { items, deletedIds, seriesSeen, cursor: c ?? '', full: start === null };
  };
  try {
    return await attempt(cursor);
  } catch (e) {
    if (cursor !== null && e instanceof SyncError && e.kind === 'cursorInvalid') {
      // The server forgot our sync state: read everything again; links and pairing prevent duplicates.
      return attempt(null);
    }
    throw e;
  }
}
