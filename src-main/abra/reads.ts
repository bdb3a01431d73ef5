/**
 * The ABRA client's reads: one page, every page, a JSON query, one record, the deletion scan (ids), the changed-since
 * read with its high-water mark from the server's clock, and the firms' major corrections. See docs/abra-api.md.
 */
import { type AbraRow, and, inList, or, ts } from '../shared/abra-where';
import { SyncError } from '../shared/errors';
import { type AbraHttp, seg } from './http';

export interface ReadQuery {
  select?: string[] | string;
  where?: string;
  orderby?: string;
  expand?: string;
  skip?: number;
  take?: number;
}

export interface ChangedSinceOptions {
  where?: string;
  select?: string[];
  /** `expand` of the list read, e.g. `firmpersons(person_id,address_id.email)`. */
  expand?: string;
  /**
   * Safety overlap subtracted from `since` (default {@link CHANGED_SINCE_OVERLAP_MS}, 15 min: a real ABRA answers an
   * activity's createdat$date on the full minute, so a record created late in a minute can carry a stamp up to 59 s
   * older than the mark; a transaction committed late or a server clock corrected by a few minutes stamps rows
   * before the mark too). Rows read again are dropped by id + objversion (`known`) or found unchanged by the engine.
   */
  overlapMs?: number;
  /** Rows already known with this objversion (or newer) are dropped from `rows` (high-water still counts them). */
  known?: ReadonlyMap<string, number>;
}

export interface ChangedSinceResult {
  rows: AbraRow[];
  /**
   * The next mark, in the server's time: the max of createdat$date/correctedat$date over the rows read, never later
   * than the server's clock (its `Date` header); null when nothing came back and the mark may stay. When the server's
   * clock is behind the mark (set back), the mark is pulled back to the server's clock.
   */
  highWater: string | null;
}

/** Default overlap of a changed-since read (see {@link ChangedSinceOptions.overlapMs}). */
export const CHANGED_SINCE_OVERLAP_MS = 15 * 60_000;

/** The query string of a read. */
export function queryParams(q: ReadQuery): Record<string, string | number | undefined> {
  return {
    select: Array.isArray(q.select) ? q.select.join(',') : q.select,
    where: q.where,
    orderby: q.orderby,
    expand: q.expand,
    skip: q.skip,
    take: q.take,
  };
}

export class AbraReader {
  constructor(private readonly http: AbraHttp) {}

  /** One page (GET with query string). */
  async list(collection: string, q: ReadQuery = {}): Promise<AbraRow[]> {
    const rows = await this.http.request<AbraRow[]>('GET', `/${seg(collection)}`, { params: queryParams(q) });
    if (!Array.isArray(rows)) throw new SyncError('malformed', `ABRA list of ${collection} is not an array`);
    return rows;
  }

  /** All rows: pages of `take` with increasing `skip` until a short page (ordered by id unless `orderby` given). */
  async queryAll(
    collection: string,
    q: Omit<ReadQuery, 'skip' | 'take'> = {},
    maxRows = 1_000_000,
  ): Promise<AbraRow[]> {
    const out: AbraRow[] = [];
    const take = this.http.pageSize;
    for (let skip = 0; skip < maxRows; skip += take) {
      const page = await this.list(collection, { ...q, orderby: q.orderby ?? 'id', skip, take });
      out.push(...page);
      if (page.length < take) break;
    }
    return out;
  }

  /** POST /{coll}/query with a JSON query (select may contain nested `{name, value}` objects). */
  async queryJson(
    collection: string,
    query: Record<string, unknown>,
    page?: { skip?: number; take?: number },
  ) {
    const rows = await this.http.request<AbraRow[]>('POST', `/${seg(collection)}/query`, {
      data: query,
      params: { skip: page?.skip, take: page?.take },
      retryable: true,
    });
    if (!Array.isArray(rows)) throw new SyncError('malformed', `ABRA query of ${collection} is not an array`);
    return rows;
  }

  /** One record, or null when it does not exist. */
  async get(
    collection: string,
    id: string,
    q: Pick<ReadQuery, 'select' | 'expand'> = {},
  ): Promise<AbraRow | null> {
    try {
      return await this.http.request<AbraRow>('GET', `/${seg(collection)}/${seg(id)}`, {
        params: queryParams(q),
      });
    } catch (e) {
      if (e instanceof SyncError && e.kind === 'notFound') return null;
      throw e;
    }
  }

  /** IDs of every row matching `where`: the cheap deletion scan (`select=id`, paged). */
  async listIds(collection: string, where?: string): Promise<string[]> {
    const rows = await this.queryAll(collection, { select: ['id'], where });
    return rows.map((r) => r.id);
  }

  /**
   * Rows created or corrected after `since` (minus the overlap): `createdat$date gt X or correctedat$date gt X`.
   * `since` null = everything matching `where`. The high-water mark comes from the data and the server's own clock
   * (its `Date` header), never from this computer's clock: when the server's clock is behind `since` (it was set
   * back), the read starts from the server's clock instead, so rows stamped after the step are not lost.
   */
  async changedSince(
    collection: string,
    since: string | null,
    opts: ChangedSinceOptions | string = {},
  ): Promise<ChangedSinceResult> {
    const o: ChangedSinceOptions = typeof opts === 'string' ? { where: opts } : opts;
    let from: number | null = null;
    if (since !== null) {
      from = new Date(since).getTime();
      if (Number.isNaN(from)) throw new SyncError('config', `invalid changed-since mark ${since}`);
    }
    const overlap = o.overlapMs ?? CHANGED_SINCE_OVERLAP_MS;
    const select = o.select?.length
      ? [...new Set([...o.select, 'id', 'objversion', 'createdat$date', 'correctedat$date'])]
      : undefined;
    const read = (mark: number | null) => {
      let where = o.where;
      if (mark !== null) {
        const x = ts(new Date(mark - overlap));
        where = and(or(`createdat$date gt ${x}`, `correctedat$date gt ${x}`), o.where);
      }
      return this.queryAll(collection, { where, select, expand: o.expand });
    };
    this.http.serverDate = null;
    let rows = await read(from);
    let serverNow = this.http.serverDate as number | null;
    // The server's clock is behind the mark (the Date header has whole seconds): it was set back. Read again from
    // the server's clock, so what was stamped since the step is read.
    const setBack = from !== null && serverNow !== null && serverNow + 1000 < from;
    if (setBack) {
      rows = await read(serverNow);
      serverNow = this.http.serverDate ?? serverNow;
    }
    const best = new Map<string, AbraRow>();
    let high: string | null = null;
    for (const r of rows) {
      for (const k of ['createdat$date', 'correctedat$date']) {
        const v = r[k];
        if (typeof v === 'string' && (high === null || Date.parse(v) > Date.parse(high))) high = v;
      }
      const prev = best.get(r.id);
      if (!prev || num(r.objversion) > num(prev.objversion)) best.set(r.id, r);
    }
    if (serverNow !== null) {
      // a stamp ahead of the server's clock (a clock that ran fast and was corrected) must not hold the mark there
      if (high !== null && Date.parse(high) > serverNow + 1000) high = new Date(serverNow).toISOString();
      // nothing read, and the clock went back: the mark follows it, so later reads start from the server's time
      if (high === null && setBack) high = new Date(serverNow).toISOString();
    }
    const out = [...best.values()].filter((r) => {
      const k = o.known?.get(r.id);
      return k === undefined || num(r.objversion) > k;
    });
    return { rows: out, highWater: high };
  }

  /** Newest version of a firm after major corrections (follows `firm_id`); null when the firm does not exist. */
  async resolveFirm(id: string): Promise<string | null> {
    const seen = new Set<string>();
    let cur = id;
    for (let hops = 0; hops < 50; hops++) {
      const f = await this.get('firms', cur, { select: ['id', 'firm_id'] });
      if (!f) return hops === 0 ? null : cur;
      const next = f.firm_id;
      if (typeof next !== 'string' || next === '' || next === '0000000000') return cur;
      if (seen.has(next)) return cur;
      seen.add(cur);
      cur = next;
    }
    return cur;
  }

  /** For many firm IDs at once: map old ID → newest ID for those that were major-corrected (batched `in` queries). */
  async followFirms(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let frontier = new Map<string, string>(ids.map((i) => [i, i])); // current id → original id
    for (let hop = 0; hop < 50 && frontier.size; hop++) {
      const next = new Map<string, string>();
      const keys = [...frontier.keys()];
      for (let i = 0; i < keys.length; i += 100) {
        const chunk = keys.slice(i, i + 100);
        const rows = await this.queryAll('firms', {
          select: ['id', 'firm_id'],
          where: and(inList('id', chunk), 'firm_id <> null'),
        });
        for (const r of rows) {
          const orig = frontier.get(r.id)!;
          const to = r.firm_id as string;
          out.set(orig, to);
          if (!out.has(to) && to !== orig) next.set(to, orig);
        }
      }
      frontier = next;
    }
    return out;
  }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0) || 0;
}
