/**
 * The second half of writing: the Exchange job lists in batches with one result per item — creates, then updates
 * with the AbraId stamps riding on them (and stamp-only writes), then deletes. The results of one batch update their
 * links in ONE transaction (one commit per batch, not per item: the per-item commits were a fifth of the engine's
 * CPU). Crash safety is unchanged: the intents of a batch's creates are committed before the batch is sent, so a
 * crash (or an error) before that transaction commits leaves none of the batch's links and all of its intents, and
 * the next run adopts the created items by their AbraId stamp.
 */
import type { ItemData, UpdateRequest, WriteResult } from '../../exchange/types';
import { SyncError } from '../../shared/errors';
import { recordHash } from '../record';
import { chunks, writeBatch } from './batch';
import type { WorkItem } from './items';
import { clearRetries, fail, linkFrom, type Writer } from './links';
import type { SidesRead } from './read';
import type { ExchangeJob, ExchangeJobs } from './write-abra';

type Written = WriteResult | { ok: false; error: SyncError };

/** One update request and what to do with its result. */
interface UpdateWrite {
  req: UpdateRequest;
  done: (r: Written | undefined) => void;
  /** An item's update (counted), not a stamp-only write. */
  counted: boolean;
}

const noResult = () => new SyncError('transient', 'no result');

export async function writeExchange(
  wr: Writer,
  jobs: ExchangeJobs,
  read: SidesRead,
  batchSize: number,
): Promise<void> {
  await writeCreates(wr, jobs.creates, batchSize);
  const stamps = stampWrites(wr, jobs, read);
  await writeUpdates(wr, [...stamps.writes, ...updateWrites(wr, jobs.updates, stamps.stampOf)], batchSize);
  await writeDeletes(wr, jobs.deletes, batchSize);
}

async function writeCreates(wr: Writer, creates: ExchangeJob[], batchSize: number): Promise<void> {
  const { part, ctx, folder } = wr.run;
  const { state } = ctx;
  for (const batch of chunks(creates, batchSize)) {
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
    linkBatch(wr, () =>
      batch.forEach((c, i) => {
        const r = results[i];
        if (r?.ok) {
          if (c.w.link && c.w.link.exKey !== r.id) state.deleteLink(part.name, c.w.link.abraId);
          linkFrom(wr, c.w, c.record, c.abraId, c.abraVersion, r.id, r.id, r.changeKey);
          state.removeIntent(part.name, 'exchange', c.abraId);
          wr.rec.remark(c.w, r);
          wr.rec.counts.exchange.created++;
        } else {
          state.removeIntent(part.name, 'exchange', c.abraId);
          fail(wr, c.w, 'exchange', r ? r.error : noResult());
        }
        wr.tick();
      }),
    );
  }
}

/**
 * The AbraId stamps of items copied from Outlook to ABRA (this run's and any a crash left pending): a stamp rides
 * on the item's update when it has one (noted in `stampOf`), else it is a stamp-only write. The ChangeKey after the
 * stamp goes into the link, so the stamp is not taken for a user's edit.
 */
function stampWrites(
  wr: Writer,
  jobs: ExchangeJobs,
  read: SidesRead,
): { writes: UpdateWrite[]; stampOf: Map<string, string> } {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  const out: UpdateWrite[] = [];
  const stampOf = new Map<string, string>(); // exKey -> AbraId to stamp with the item's update
  const updating = new Map(jobs.updates.map((u) => [u.w.exKey ?? '', u.abraId]));
  const deleting = new Set(jobs.deletes.map((w) => w.exKey ?? ''));
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
      read.exDeletedKeys.has(st.exKey) ||
      deleting.has(st.exKey)
    ) {
      state.removeStamp(part.name, st.exKey); // unlinked, relinked or deleted since: nothing to stamp
      continue;
    }
    const e = read.exItems.get(st.exKey);
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
    out.push({
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
  return { writes: out, stampOf };
}

function updateWrites(wr: Writer, updates: ExchangeJob[], stampOf: Map<string, string>): UpdateWrite[] {
  const { part, ctx } = wr.run;
  const { state } = ctx;
  return updates.map((u) => {
    const exKey = u.w.exKey ?? '';
    const abraId = stampOf.get(exKey);
    return {
      req: {
        id: u.w.exId ?? '',
        changeKey: u.w.exChangeKey ?? '',
        data: part.toExchange(ctx, u.record) as ItemData,
        ...(abraId ? { abraId } : {}),
      },
      counted: true,
      done: (r: Written | undefined) => {
        if (r?.ok) {
          state.transaction(() => {
            linkFrom(wr, u.w, u.record, u.abraId, u.abraVersion, r.id, exKey || r.id, r.changeKey);
            if (abraId) state.removeStamp(part.name, exKey);
          });
          wr.rec.remark(u.w, r);
          wr.rec.counts.exchange.updated++;
        } else fail(wr, u.w, 'exchange', r ? r.error : noResult());
        wr.tick();
      },
    };
  });
}

async function writeUpdates(wr: Writer, writes: UpdateWrite[], batchSize: number): Promise<void> {
  const { ctx, folder } = wr.run;
  // updates first (their order as before), stamp-only writes after them in the same batches
  writes.sort((a, b) => Number(b.counted) - Number(a.counted));
  for (const batch of chunks(writes, batchSize)) {
    if (ctx.signal?.aborted) break;
    const results = await writeBatch(
      () =>
        ctx.exchange.updateItems(
          folder,
          batch.map((x) => x.req),
        ),
      batch.length,
    );
    linkBatch(wr, () =>
      batch.forEach((x, i) => {
        x.done(results[i]);
      }),
    );
  }
}

/**
 * One batch's results, linked in one transaction: a throw (a full disk, a bug) rolls back every link, retry and
 * intent change of the batch and fails the run; the batch's intents stay, so the next run adopts its items.
 */
function linkBatch(wr: Writer, fn: () => void): void {
  wr.run.ctx.state.transaction(fn);
}

async function writeDeletes(wr: Writer, deletes: WorkItem[], batchSize: number): Promise<void> {
  const { part, ctx, folder } = wr.run;
  const { state } = ctx;
  for (const batch of chunks(deletes, batchSize)) {
    if (ctx.signal?.aborted) break;
    const ids = batch.map((w) => w.exId ?? '');
    const results = await writeBatch(() => ctx.exchange.deleteItems(folder, ids), batch.length);
    linkBatch(wr, () =>
      batch.forEach((w, i) => {
        const r = results[i];
        if (r?.ok) {
          if (w.abraId) {
            state.deleteLink(part.name, w.abraId);
            clearRetries(wr, w);
          }
          wr.rec.counts.exchange.deleted++;
        } else fail(wr, w, 'exchange', r ? r.error : noResult());
        wr.tick();
      }),
    );
  }
}
