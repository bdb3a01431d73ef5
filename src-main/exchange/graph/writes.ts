/**
 * Writing items over Graph `$batch`: creates (never sent twice: a create that may have run is looked for by its
 * AbraId stamp first), updates (If-Match on the changeKey), deletes (gone counts as done).
 */
import { SyncError } from '../../shared/errors';
import type {
  CreateRequest,
  DeleteResult,
  ExchangeItem,
  FolderRef,
  ItemData,
  UpdateRequest,
  WriteResult,
} from '../types';
import type { BatchRequest, GraphHttp } from './http';
import { collectionPath, gone, itemPath, mapItem, toGraph } from './kinds';
import { ABRA_ID_PROP, type Json } from './map';
import type { GraphBackendOptions } from './options';
import type { GraphReads } from './reads';

export class GraphWrites {
  constructor(
    private readonly http: GraphHttp,
    private readonly reads: GraphReads,
    private readonly opts: GraphBackendOptions,
    private readonly tz: string,
  ) {}

  private async write(
    folder: FolderRef,
    build: () => { reqs: (BatchRequest | SyncError)[] },
  ): Promise<WriteResult[]> {
    const { reqs } = build();
    const live = reqs
      .map((r, i) => ({ r, i }))
      .filter((x): x is { r: BatchRequest; i: number } => !(x.r instanceof SyncError));
    const res = await this.http.batch(live.map((x) => x.r));
    const out: WriteResult[] = reqs.map((r) =>
      r instanceof SyncError
        ? { ok: false, error: r }
        : { ok: false, error: new SyncError('transient', 'not sent') },
    );
    live.forEach((x, k) => {
      const r = res[k]!;
      if (r.error) out[x.i] = { ok: false, error: r.error };
      else {
        const b = r.body as Json;
        const item = mapItem(folder, this.tz, b);
        out[x.i] = { ok: true, id: item.id, changeKey: item.changeKey };
      }
    });
    return out;
  }

  /**
   * Creates in `$batch`. A create whose answer was lost or was an error that can come after the work was done
   * (5xx, 503/504, timeout, dropped connection, unreadable answer) is never simply sent again: the item is first
   * looked for by its AbraId stamp — found, it is the result; not found, it is sent again (at most twice more).
   * So a gateway error after Exchange stored the item never makes a second item with the same stamp.
   */
  async createItems<D extends ItemData>(
    folder: FolderRef,
    requests: CreateRequest<D>[],
  ): Promise<WriteResult[]> {
    const out: WriteResult[] = new Array(requests.length);
    const reqs: (BatchRequest | null)[] = requests.map((r, i) => {
      try {
        if (!r.abraId) throw new SyncError('validation', 'a created item needs its AbraId');
        return {
          method: 'POST',
          url: collectionPath(folder),
          body: toGraph(folder, this.tz, r.data, r.abraId),
        };
      } catch (e) {
        out[i] = { ok: false, error: e instanceof SyncError ? e : new SyncError('validation', String(e)) };
        return null;
      }
    });
    let todo = reqs.flatMap((r, i) => (r ? [i] : []));
    const sent = todo.length;
    let wholeFailure: SyncError | undefined;
    for (let round = 0; todo.length; round++) {
      const res = await this.http.batch(
        todo.map((i) => reqs[i]!),
        { settle: true },
      );
      const unsure: number[] = [];
      wholeFailure = undefined;
      res.forEach((r, k) => {
        const i = todo[k]!;
        if (!r.error) {
          const item = mapItem(folder, this.tz, r.body as Json);
          out[i] = { ok: true, id: item.id, changeKey: item.changeKey };
          return;
        }
        out[i] = { ok: false, error: r.error };
        if (r.status === 0 && !wholeFailure) wholeFailure = r.error;
        if (mayHaveRun(r.error)) unsure.push(i);
      });
      if (!unsure.length || round >= CREATE_RESENDS) break;
      let found: ExchangeItem[];
      try {
        found = await this.reads.findByAbraIds(
          folder,
          unsure.map((i) => requests[i]!.abraId),
        );
      } catch {
        break; // cannot check: the creates stay failed (the next run pairs by AbraId before creating again)
      }
      const byStamp = new Map<string, ExchangeItem>();
      for (const f of found) if (f.abraId && !byStamp.has(f.abraId)) byStamp.set(f.abraId, f);
      todo = [];
      for (const i of unsure) {
        const f = byStamp.get(requests[i]!.abraId);
        if (f) out[i] = { ok: true, id: f.id, changeKey: f.changeKey };
        else todo.push(i);
      }
      if (todo.length) await sleep((this.opts.retryBaseMs ?? 500) * 2 ** round);
    }
    // the whole request failed for every item (e.g. sign-in, outage): the caller gets that failure as before
    if (sent > 0 && wholeFailure && out.every((r) => !r.ok)) throw wholeFailure;
    return out;
  }

  updateItems<D extends ItemData>(folder: FolderRef, requests: UpdateRequest<D>[]): Promise<WriteResult[]> {
    return this.write(folder, () => ({
      reqs: requests.map((r) => {
        try {
          return {
            method: 'PATCH',
            url: itemPath(folder, r.id),
            body: r.data ? toGraph(folder, this.tz, r.data, r.abraId) : stampOnly(r.abraId),
            headers: r.changeKey ? { 'If-Match': `W/"${r.changeKey}"` } : undefined,
          };
        } catch (e) {
          return e instanceof SyncError ? e : new SyncError('validation', String(e));
        }
      }),
    }));
  }

  async deleteItems(folder: FolderRef, ids: string[]): Promise<DeleteResult[]> {
    const res = await this.http.batch(ids.map((id) => ({ method: 'DELETE', url: itemPath(folder, id) })));
    return res.map((r) => (gone(r) || !r.error ? { ok: true } : { ok: false, error: r.error }));
  }
}

/** Sends of a create after a failure that may have come after the work (each after a look-up by the stamp). */
const CREATE_RESENDS = 2;

/** Could the server have done the work before this failure reached us? (A 429 is refused before any work.) */
function mayHaveRun(e: SyncError): boolean {
  if (e.kind === 'throttled') return e.status !== 429;
  return e.kind === 'transient' || e.kind === 'timeout' || e.kind === 'malformed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** PATCH body that writes the AbraId stamp and nothing else. */
function stampOnly(abraId: string | undefined): Json {
  if (!abraId) throw new SyncError('validation', 'an update needs data or an AbraId');
  return { singleValueExtendedProperties: [{ id: ABRA_ID_PROP, value: abraId }] };
}
