/**
 * The first half of writing: item by item, each isolated — links refreshed or dropped, ABRA created, deleted and
 * updated one by one. What goes to Exchange is collected into job lists for the batched writes after it.
 */
import { SyncError } from '../../shared/errors';
import type { TwoWayPart } from '../part';
import type { Decision } from '../reconcile';
import { type CommonRecord, recordHash } from '../record';
import { isFatal } from './batch';
import type { Pairing, WorkItem } from './items';
import { clearRetries, fail, failLink, hashOf, linkFrom, type Writer } from './links';
import type { PartRun } from './types';

/** A create or update of one Exchange item, written in a batch. */
export interface ExchangeJob {
  w: WorkItem;
  record: CommonRecord;
  abraId: string;
  abraVersion: string | null;
}

export interface ExchangeJobs {
  creates: ExchangeJob[];
  updates: ExchangeJob[];
  deletes: WorkItem[];
}

type Of<A extends Decision['action']> = Extract<Decision, { action: A }>;

/** Error kinds of a create that ABRA answered with a refusal: nothing was created. */
const REFUSED = ['validation', 'auth', 'forbidden', 'config'];

/**
 * Outlook items whose interrupted create into ABRA is adopted, and items paired by content, now get their AbraId
 * stamp like fresh creates, so a later loss of the state file pairs them by stamp (dropped again in the Exchange
 * writes if the pairing does not end in a link).
 */
export function stampPaired(run: PartRun, work: WorkItem[], pairing: Pairing): void {
  const { part, ctx } = run;
  for (const w of work) {
    const a = w.decision.action;
    if (w.link || !w.exKey || !w.abraId || (a !== 'refreshLink' && a !== 'update')) continue;
    if (!pairing.adopted.has(w.exKey) && !pairing.contentPaired.has(w.exKey)) continue;
    if (w.ex && w.ex.id === w.exKey && w.ex.abraId !== w.abraId)
      ctx.state.addStamp(part.name, w.exKey, w.abraId);
  }
}

export async function writeItems(wr: Writer, work: WorkItem[]): Promise<ExchangeJobs> {
  const { ctx } = wr.run;
  const jobs: ExchangeJobs = { creates: [], updates: [], deletes: [] };
  for (let i = 0; i < work.length; i++) {
    if (ctx.signal?.aborted) break;
    const w = work[i] as WorkItem;
    const d = w.decision;
    if (d.action === 'refreshLink') {
      // a run of links to refresh (nothing to send anywhere): one transaction for up to 500 of them
      let j = i + 1;
      while (j < work.length && j - i < 500 && work[j]?.decision.action === 'refreshLink') j++;
      refreshLinks(wr, work.slice(i, j));
      i = j - 1;
      continue;
    }
    try {
      switch (d.action) {
        case 'nothing':
          wr.tick();
          break;
        case 'unlink':
        case 'dropLink':
          unlink(wr, w, d.action);
          break;
        case 'createExchange': {
          if (!w.abraId) break;
          // A stale link (its Exchange item is gone) is replaced when the new item is linked.
          jobs.creates.push({ w, record: d.record, abraId: w.abraId, abraVersion: w.abraVersion });
          break;
        }
        case 'deleteExchange':
          jobs.deletes.push(w);
          break;
        case 'createAbra':
          await createAbra(wr, w, d);
          break;
        case 'deleteAbra':
          await deleteAbra(wr, w);
          break;
        case 'update':
          await update(wr, w, d, jobs);
          break;
      }
    } catch (e) {
      fail(
        wr,
        w,
        d.action === 'createAbra' || d.action === 'deleteAbra' || d.action === 'update' ? 'abra' : 'exchange',
        e,
      );
      if (isFatal(e)) throw e;
      wr.tick();
    }
  }
  return jobs;
}

/**
 * Links refreshed (both sides agree; versions and hashes move on) in one transaction: one commit per run of such
 * items instead of one per item (issue #17). When the transaction fails, it is rolled back and the items are done
 * one by one, each in its own transaction, as before: one bad item is recorded and retried, the others go on.
 */
function refreshLinks(wr: Writer, items: WorkItem[]): void {
  const { ctx } = wr.run;
  let ticks = 0;
  try {
    ctx.state.transaction(() => {
      for (const w of items) {
        if (ctx.signal?.aborted) break;
        if (refreshLinkRows(wr, w, w.decision as Of<'refreshLink'>)) ticks++;
      }
    });
  } catch {
    for (const w of items) {
      if (ctx.signal?.aborted) break;
      try {
        if (ctx.state.transaction(() => refreshLinkRows(wr, w, w.decision as Of<'refreshLink'>))) wr.tick();
      } catch (e) {
        failLink(wr, w, e);
        if (isFatal(e)) throw e;
        wr.tick();
      }
    }
    return;
  }
  for (let k = 0; k < ticks; k++) wr.tick();
}

/** The rows of one refreshed link; false when the item has no pair to link (nothing written, no progress). */
function refreshLinkRows(wr: Writer, w: WorkItem, d: Of<'refreshLink'>): boolean {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  const { abraId, exKey } = w;
  if (!abraId || !exKey) return false;
  const exId = w.exId ?? exKey;
  state.putLink({
    part: part.name,
    abraId,
    exId,
    exKey,
    abraVersion: w.abraVersion,
    exChangeKey: w.exChangeKey,
    abraHash: w.abra ? hashOf(w, w.abra.record) : (w.link?.abraHash ?? recordHash(d.record)),
    exHash: w.ex ? hashOf(w, w.ex.record) : (w.link?.exHash ?? recordHash(d.record)),
    record: d.record,
    seriesKey: w.seriesKey,
    name: w.name,
  });
  clearRetries(wr, w);
  state.removeIntent(part.name, 'exchange', abraId);
  state.removeIntent(part.name, 'abra', exKey);
  return true;
}

function unlink(wr: Writer, w: WorkItem, action: 'unlink' | 'dropLink'): void {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  if (w.link) {
    const l = w.link;
    state.transaction(() => {
      state.deleteLink(part.name, l.abraId);
      clearRetries(wr, w);
    });
    if (action === 'unlink') wr.rec.counts.unlinked++;
  }
  wr.tick();
}

async function createAbra(wr: Writer, w: WorkItem, d: Of<'createAbra'>): Promise<void> {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  const { exKey } = w;
  if (!exKey) return;
  state.addIntent(part.name, 'abra', exKey, d.record, ctx.now().toISOString());
  let created: Awaited<ReturnType<TwoWayPart['createAbra']>>;
  try {
    created = await part.createAbra(ctx, d.record, w.ex ?? undefined);
  } catch (e) {
    // ABRA refused the create (it answered, nothing was made): there is nothing a crash could leave
    if (e instanceof SyncError && REFUSED.includes(e.kind)) state.removeIntent(part.name, 'abra', exKey);
    throw e;
  }
  const record = created.record ?? d.record;
  const exId = w.exId ?? exKey;
  state.transaction(() => {
    if (w.link && w.link.abraId !== created.id) state.deleteLink(part.name, w.link.abraId);
    // the item came from Outlook: stamp it with its AbraId (below, batched with the other updates)
    if (exId === exKey) state.addStamp(part.name, exKey, created.id);
    linkFrom(wr, w, record, created.id, created.version, exId, exKey, w.exChangeKey, w.ex?.record ?? record);
    state.removeIntent(part.name, 'abra', exKey);
  });
  wr.rec.counts.abra.created++;
  wr.tick();
}

async function deleteAbra(wr: Writer, w: WorkItem): Promise<void> {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  const { abraId } = w;
  if (!abraId) return;
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
    clearRetries(wr, w);
    // the half-made record of a create a crash interrupted, whose Outlook item is gone
    if (w.exKey && !w.link) state.removeIntent(part.name, 'abra', w.exKey);
  });
  if (!gone) wr.rec.counts.abra.deleted++;
  wr.tick();
}

async function update(wr: Writer, w: WorkItem, d: Of<'update'>, jobs: ExchangeJobs): Promise<void> {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  const { counts } = wr.rec;
  const { abraId, exKey } = w;
  if (!abraId || !exKey) return;
  let abraVersion = w.abraVersion;
  if (d.writeAbra) {
    const r = await part.updateAbra(ctx, abraId, d.record, w.abraRecord);
    abraVersion = r.version;
    counts.abra.updated++;
  }
  if (d.conflicts.length && w.link) {
    for (const c of d.conflicts) {
      state.addConflict({
        part: part.name,
        abraId,
        exchangeId: w.exId ?? '', // linked: the item's id or the link's, never null
        name: w.name,
        field: c.field,
        abraValue: c.abraValue,
        exchangeValue: c.exchangeValue,
        winner: c.winner,
      });
      counts.conflicts++;
    }
  }
  if (d.writeExchange) jobs.updates.push({ w, record: d.record, abraId, abraVersion });
  else {
    linkFrom(wr, w, d.record, abraId, abraVersion, w.exId ?? exKey, exKey, w.exChangeKey);
    wr.tick();
  }
}
