/**
 * ABRA Gen Web API client (axios). See docs/abra-api.md for how it uses the API and what is assumed.
 *
 * - Every response key is lower-cased on read (current servers send lowercase, older ones PascalCase).
 * - Every failure is a `SyncError` (src-main/shared/errors.ts). Transient ones are retried with back-off.
 * - Credentials are only ever put into the Authorization header; they never appear in errors or logs.
 */
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { abortableSleep, cancelled } from '../shared/abort';
import { type AbraRow, and, inList, or, ts } from '../shared/abra-where';
import { networkError, SyncError, type SyncErrorKind } from '../shared/errors';
import { Semaphore } from '../shared/semaphore';
import { trustOptions } from '../shared/tls-trust';
import type { AbraCrmActivityQueue, AbraCrmActivityType, AbraCurrentUser, AbraSecurityUser } from './model';

export type { AbraRow } from '../shared/abra-where';

export interface AbraClientOptions {
  /** `http(s)://host:port/<connection>` */
  baseUrl: string;
  login: string;
  password?: string;
  /** User token; used instead of the password when given (`login:token`). */
  token?: string;
  /** Per-request timeout incl. the body (default 30 s). */
  timeoutMs?: number;
  /** Retries of transient failures (default 3). */
  maxRetries?: number;
  /** Parallel requests (default 4). */
  concurrency?: number;
  /** First back-off delay, doubled per retry with jitter (default 500 ms). */
  retryBaseMs?: number;
  /** Page size for paged reads (default 500). */
  pageSize?: number;
  /**
   * TLS for https: `ca` = PEM of a custom CA (added to the system CAs); `fingerprint256` = pinned SHA-256 fingerprint of
   * a certificate of the chain the server presents: its own certificate (accepted exactly, whoever issued it; the
   * host name is then not checked) or an issuing CA (verification and the host-name check stay on with that CA as
   * the only anchor). Verification is never switched off otherwise.
   */
  tls?: { ca?: string; fingerprint256?: string };
  /**
   * Aborts every request of this client (a cancelled connection test): the socket is closed at once, nothing is
   * retried, and calls fail with a `timeout` SyncError whose code is `CANCELLED`.
   */
  signal?: AbortSignal;
  /** Optional request log (method, path, status, ms) — never contains credentials. */
  onRequest?: (e: {
    method: string;
    path: string;
    status: number | null;
    ms: number;
    attempt: number;
  }) => void;
}

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

export interface ValidationResult {
  ok: boolean;
  errors: { field: string; message: string; code?: number; label?: string }[];
  warnings: { field: string; message: string; code?: number }[];
  /** The would-be object as the server computed it (nothing stored). */
  object: Record<string, unknown>;
}

/** Lower-case every key, recursively. */
export function lowerKeys<T = unknown>(v: unknown): T {
  // In place where the keys are lower case already (ABRA's own answers): a page of 500 rows is not copied a second
  // time (memory and CPU of every read, issue #17). Only for what JSON.parse just made and nobody else holds.
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = lowerKeys(v[i]);
    return v as T;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.every((k) => k === k.toLowerCase())) {
      for (const k of keys) o[k] = lowerKeys(o[k]);
      return o as T;
    }
    const out: Record<string, unknown> = {};
    // defineProperty: a key "__proto__" stays data, as JSON.parse made it, and sets no prototype
    for (const k of keys)
      Object.defineProperty(out, k.toLowerCase(), {
        value: lowerKeys(o[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out as T;
  }
  return v as T;
}

function normFp(fp: string): string {
  return fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export class AbraClient {
  readonly stats = { requests: 0, retries: 0, failures: 0 };
  private readonly http: AxiosInstance;
  private readonly sem: Semaphore;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly pageSize: number;
  private readonly basePath: string;
  private pinnedAgent: Promise<https.Agent> | null = null;
  /**
   * The server's clock as the `Date` header of its latest answer gave it (epoch ms, whole seconds: RFC 9110 §6.6.1
   * "Date"), or null when no answer carried one. Changed-since reads compare their mark with it.
   */
  private serverDate: number | null = null;

  constructor(private readonly opts: AbraClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new SyncError('config', 'ABRA server URL is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new SyncError('config', 'ABRA server URL must start with http:// or https://');
    const conn = url.pathname.replace(/^\/+|\/+$/g, '');
    if (!conn || conn.includes('/'))
      throw new SyncError(
        'config',
        'ABRA server URL must end with the connection name, e.g. https://abra:699/data',
      );
    if (!opts.login || opts.login.includes(':'))
      throw new SyncError('config', 'ABRA login is empty or contains ":"');
    if (opts.tls?.fingerprint256 && normFp(opts.tls.fingerprint256).length !== 64)
      throw new SyncError(
        'config',
        'pinned certificate fingerprint must be a SHA-256 fingerprint (64 hex digits)',
      );
    this.basePath = `/${conn}`;
    this.maxRetries = opts.maxRetries ?? 3;
    this.retryBaseMs = opts.retryBaseMs ?? 500;
    this.pageSize = opts.pageSize ?? 500;
    this.sem = new Semaphore(Math.max(1, opts.concurrency ?? 4));
    const secret = opts.token ?? opts.password ?? '';
    const auth = `Basic ${Buffer.from(`${opts.login}:${secret}`, 'utf8').toString('base64')}`;
    const isHttps = url.protocol === 'https:';
    this.http = axios.create({
      baseURL: `${url.protocol}//${url.host}${this.basePath}`,
      headers: { Authorization: auth, Accept: 'application/json' },
      responseType: 'text',
      transformResponse: [(d) => d],
      validateStatus: () => true,
      maxRedirects: 0,
      proxy: false,
      httpAgent: new http.Agent({ keepAlive: true }),
      ...(isHttps && !opts.tls?.fingerprint256
        ? {
            httpsAgent: new https.Agent({
              keepAlive: true,
              // bundled + the system's store + the company CA (shared/tls-trust.ts)
              ...trustOptions(opts.tls?.ca),
            }),
          }
        : {}),
    });
    if (isHttps && opts.tls?.fingerprint256) this.pinnedAgent = null; // built lazily on first request
  }

  /** Requests sent so far, including retries (for the benchmark). */
  requestCount(): number {
    return this.stats.requests;
  }

  // ---- transport -------------------------------------------------------------------------------------------

  /**
   * For a pinned fingerprint: read the certificate chain the server presents once (nothing is sent), find the pinned
   * certificate in it, then build the agent every request uses (see {@link pinnedAgent}). Refused with
   * `ABRA_TLS_PIN_MISMATCH` when no certificate of the chain has the fingerprint.
   */
  private async agentForPin(): Promise<https.Agent> {
    const pin = normFp(this.opts.tls!.fingerprint256!);
    const url = new URL(this.opts.baseUrl);
    const timeout = this.opts.timeoutMs ?? 30_000;
    const chain = await new Promise<tls.DetailedPeerCertificate[]>((resolve, reject) => {
      const s = tls.connect({
        host: url.hostname,
        port: Number(url.port || 443),
        servername: isIP(url.hostname) ? undefined : url.hostname,
        rejectUnauthorized: false, // only to read the chain; closed before anything is sent
      });
      s.setTimeout(timeout, () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      s.once('secureConnect', () => {
        const got = peerChain(s.getPeerCertificate(true));
        s.end();
        resolve(got);
      });
      s.once('error', reject);
      const sig = this.opts.signal;
      if (sig?.aborted) s.destroy(cancelled());
      sig?.addEventListener('abort', () => s.destroy(cancelled()), { once: true });
    });
    return pinnedAgent(chain, pin, timeout);
  }

  private async send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    params?: Record<string, string | number | undefined>,
    data?: unknown,
  ): Promise<AxiosResponse<string>> {
    let httpsAgent: https.Agent | undefined;
    if (this.opts.tls?.fingerprint256 && this.opts.baseUrl.startsWith('https:')) {
      if (!this.pinnedAgent) {
        this.pinnedAgent = this.agentForPin();
        this.pinnedAgent.catch(() => {
          this.pinnedAgent = null;
        });
      }
      httpsAgent = await this.pinnedAgent;
    }
    const timeout = this.opts.timeoutMs ?? 30_000;
    const cleanParams: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') cleanParams[k] = v;
    return this.http.request<string>({
      method,
      url: path,
      params: cleanParams,
      paramsSerializer: {
        serialize: (p) => new URLSearchParams(p as Record<string, string>).toString().replace(/\+/g, '%20'),
      },
      data: data === undefined ? undefined : JSON.stringify(data),
      headers: data === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
      timeout,
      signal: this.opts.signal
        ? AbortSignal.any([AbortSignal.timeout(timeout), this.opts.signal])
        : AbortSignal.timeout(timeout),
      ...(httpsAgent ? { httpsAgent } : {}),
    });
  }

  /**
   * One API call with error mapping and retries. `retryable`: may a failure after the request reached the server be
   * retried (reads, PUT, DELETE: yes; POST create: only if the connection was refused).
   */
  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    opts: { params?: Record<string, string | number | undefined>; data?: unknown; retryable?: boolean } = {},
  ): Promise<T> {
    const retryable = opts.retryable ?? method !== 'POST';
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      let status: number | null = null;
      try {
        if (this.opts.signal?.aborted) throw cancelled();
        const res = await this.sem.run(() => {
          this.stats.requests++;
          return this.send(method, path, opts.params, opts.data);
        });
        status = res.status;
        const date = Date.parse(String(res.headers.date ?? ''));
        if (!Number.isNaN(date)) this.serverDate = date;
        return this.interpret<T>(res, method, path);
      } catch (e) {
        const err = this.opts.signal?.aborted
          ? cancelled()
          : e instanceof SyncError
            ? e
            : this.mapTransportError(e);
        const again =
          err.code !== 'CANCELLED' &&
          attempt < this.maxRetries &&
          (err.transient || (err.kind === 'malformed' && (err.status ?? 0) >= 500)) &&
          (retryable || err.kind === 'unreachable');
        if (!again) {
          this.stats.failures++;
          throw err;
        }
        this.stats.retries++;
        const backoff = Math.max(
          err.retryAfterMs ?? 0,
          this.retryBaseMs * 2 ** attempt * (0.75 + Math.random() * 0.5),
        );
        await abortableSleep(Math.min(backoff, 60_000), this.opts.signal);
      } finally {
        this.opts.onRequest?.({ method, path, status, ms: Date.now() - started, attempt });
      }
    }
  }

  private interpret<T>(res: AxiosResponse<string>, method: string, path: string): T {
    const st = res.status;
    const ctype = String(res.headers['content-type'] ?? '');
    const text = typeof res.data === 'string' ? res.data : '';
    const retryAfter = res.headers['retry-after'];
    const retryAfterMs =
      retryAfter !== undefined && /^\d+$/.test(String(retryAfter)) ? Number(retryAfter) * 1000 : undefined;
    if (st === 204 || (st < 300 && text === '')) return undefined as T;
    let body: unknown;
    let parsed = false;
    if (!/html/i.test(ctype) && !/^\s*</.test(text)) {
      try {
        body = JSON.parse(text);
        parsed = true;
      } catch {
        parsed = false;
      }
    }
    const where = `${method} ${path}`;
    if (!parsed) {
      const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
      throw new SyncError(
        'malformed',
        `ABRA answered ${where} with something that is not JSON (HTTP ${st})`,
        {
          status: st,
          detail: title ? `page title: ${title}` : `starts with: ${text.slice(0, 80)}`,
        },
      );
    }
    if (st >= 200 && st < 300) return lowerKeys<T>(body);
    const eb = lowerKeys<{
      title?: string;
      description?: string;
      exception_class?: string;
      error_code?: number;
    }>(body ?? {});
    const msg = eb.description || eb.title || `HTTP ${st}`;
    const o = {
      status: st,
      code: eb.error_code !== undefined ? String(eb.error_code) : undefined,
      detail: eb.exception_class,
      retryAfterMs,
    };
    let kind: SyncErrorKind;
    if (st === 401) kind = 'auth';
    else if (st === 403) kind = 'forbidden';
    else if (st === 404) kind = 'notFound';
    else if (st === 409) kind = 'conflict';
    else if (st === 429) kind = 'throttled';
    else if (st === 400) kind = method === 'GET' || path.endsWith('/query') ? 'config' : 'validation';
    else if (st === 503 && retryAfterMs !== undefined) kind = 'throttled';
    else if (st >= 500) kind = 'transient';
    else kind = 'validation';
    const prefix =
      kind === 'auth'
        ? 'ABRA rejected the login or password/token'
        : kind === 'forbidden'
          ? 'The ABRA user may not use the Web API'
          : kind === 'notFound'
            ? `Not found in ABRA (${where})`
            : '';
    throw new SyncError(kind, prefix ? `${prefix}: ${msg}` : msg, {
      ...o,
      ...(kind === 'auth' ? { note: { key: 'run.abraAuth' as const } } : {}),
    });
  }

  private mapTransportError(e: unknown): SyncError {
    const { host } = new URL(this.opts.baseUrl);
    return networkError(e, host, `ABRA server ${host}`);
  }

  // ---- reads ---------------------------------------------------------------------------------------------------

  private params(q: ReadQuery): Record<string, string | number | undefined> {
    return {
      select: Array.isArray(q.select) ? q.select.join(',') : q.select,
      where: q.where,
      orderby: q.orderby,
      expand: q.expand,
      skip: q.skip,
      take: q.take,
    };
  }

  /** One page (GET with query string). */
  async list(collection: string, q: ReadQuery = {}): Promise<AbraRow[]> {
    const rows = await this.request<AbraRow[]>('GET', `/${seg(collection)}`, { params: this.params(q) });
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
    const take = this.pageSize;
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
    const rows = await this.request<AbraRow[]>('POST', `/${seg(collection)}/query`, {
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
      return await this.request<AbraRow>('GET', `/${seg(collection)}/${seg(id)}`, { params: this.params(q) });
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
    this.serverDate = null;
    let rows = await read(from);
    let serverNow = this.serverDate as number | null;
    // The server's clock is behind the mark (the Date header has whole seconds): it was set back. Read again from
    // the server's clock, so what was stamped since the step is read.
    const setBack = from !== null && serverNow !== null && serverNow + 1000 < from;
    if (setBack) {
      rows = await read(serverNow);
      serverNow = this.serverDate ?? serverNow;
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

  // ---- writes --------------------------------------------------------------------------------------------------

  async create(
    collection: string,
    body: Record<string, unknown>,
    q: { select?: string[] } = {},
  ): Promise<AbraRow> {
    return this.request<AbraRow>('POST', `/${seg(collection)}`, {
      data: body,
      params: { select: q.select?.join(',') },
    });
  }

  /** Partial update: send only the changed fields. */
  async update(
    collection: string,
    id: string,
    patch: Record<string, unknown>,
    q: { select?: string[] } = {},
  ) {
    return this.request<AbraRow>('PUT', `/${seg(collection)}/${seg(id)}`, {
      data: patch,
      params: { select: q.select?.join(',') },
    });
  }

  async delete(collection: string, id: string): Promise<void> {
    await this.request('DELETE', `/${seg(collection)}/${seg(id)}`);
  }

  async listOwned(
    collection: string,
    parentId: string,
    owned: string,
    q: ReadQuery = {},
  ): Promise<AbraRow[]> {
    return this.request<AbraRow[]>('GET', `/${seg(collection)}/${seg(parentId)}/${seg(owned)}`, {
      params: this.params(q),
    });
  }
  async createOwned(collection: string, parentId: string, owned: string, body: Record<string, unknown>) {
    return this.request<AbraRow>('POST', `/${seg(collection)}/${seg(parentId)}/${seg(owned)}`, {
      data: body,
    });
  }
  async updateOwned(
    collection: string,
    parentId: string,
    owned: string,
    rowId: string,
    patch: Record<string, unknown>,
  ) {
    return this.request<AbraRow>('PUT', `/${seg(collection)}/${seg(parentId)}/${seg(owned)}/${seg(rowId)}`, {
      data: patch,
    });
  }
  async deleteOwned(collection: string, parentId: string, owned: string, rowId: string): Promise<void> {
    await this.request('DELETE', `/${seg(collection)}/${seg(parentId)}/${seg(owned)}/${seg(rowId)}`);
  }

  /** Dry run (`?validation=true`): POST for a new record, PUT when `id` is given. Nothing is stored. */
  async validate(collection: string, body: Record<string, unknown>, id?: string): Promise<ValidationResult> {
    const res = await this.request<Record<string, unknown>>(
      id ? 'PUT' : 'POST',
      id ? `/${seg(collection)}/${seg(id)}` : `/${seg(collection)}`,
      { data: body, params: { validation: 'true' }, retryable: true },
    );
    const meta = (res['@meta'] ?? {}) as {
      validation?: { errors?: { values?: unknown[] }; warnings?: { values?: unknown[] } };
    };
    const flat = (vals: unknown[] | undefined) =>
      (vals ?? []).flatMap((v) =>
        Object.entries(v as Record<string, Record<string, unknown>>).map(([field, d]) => ({
          field,
          message: String(d?.['@description'] ?? ''),
          code: typeof d?.['@code'] === 'number' ? (d['@code'] as number) : undefined,
          label: typeof d?.['@displaylabel'] === 'string' ? (d['@displaylabel'] as string) : undefined,
        })),
      );
    const errors = flat(meta.validation?.errors?.values);
    const object = { ...res };
    delete object['@meta'];
    return { ok: errors.length === 0, errors, warnings: flat(meta.validation?.warnings?.values), object };
  }

  // ---- settings pickers ----------------------------------------------------------------------------------------

  async currentUser(): Promise<AbraCurrentUser> {
    return this.request<AbraCurrentUser>('GET', '/currentuser');
  }
  /** Activity types for the pickers (hidden ones excluded unless asked). */
  async activityTypes(includeHidden = false): Promise<AbraCrmActivityType[]> {
    return (await this.queryAll('crmactivitytypes', {
      select: ['id', 'code', 'name', 'hidden', 'objversion'],
      where: includeHidden ? undefined : 'hidden = false',
      orderby: 'code',
    })) as unknown as AbraCrmActivityType[];
  }
  /** Activity series (queues). */
  async activityQueues(includeHidden = false): Promise<AbraCrmActivityQueue[]> {
    return (await this.queryAll('crmactivityqueues', {
      select: ['id', 'code', 'name', 'hidden', 'objversion'],
      where: includeHidden ? undefined : 'hidden = false',
      orderby: 'code',
    })) as unknown as AbraCrmActivityQueue[];
  }
  /**
   * Solver roles for new activities (a real ABRA requires SolverRole_ID, error 810). Roles have `shortname`, not
   * `code` (real securityroles rows, ../shared/notes/abra-fields-audit.md); shown as the code.
   */
  async solverRoles(includeHidden = false): Promise<{ id: string; code: string; name: string }[]> {
    const rows = await this.queryAll('securityroles', {
      select: ['id', 'shortname', 'name', 'hidden'],
      where: includeHidden ? undefined : 'hidden = false',
      orderby: 'name',
    });
    return rows.map((r) => ({ id: r.id, code: String(r.shortname ?? ''), name: String(r.name ?? '') }));
  }
  /** Divisions for new activities (Division_ID is required, error 824). Only id, code, name: no field list is published. */
  async divisions(): Promise<{ id: string; code: string; name: string }[]> {
    const rows = await this.queryAll('divisions', { select: ['id', 'code', 'name'], orderby: 'code' });
    return rows.map((r) => ({ id: r.id, code: String(r.code ?? ''), name: String(r.name ?? '') }));
  }
  /**
   * The own e-mail accounts (`emailaccounts`) for the e-mail archive's picker: id, address as the code, name. The
   * address and name API names are not proven (UI "E-mailová adresa", "Název účtu"); a server that refuses them
   * still gets a list by id and display name.
   */
  async emailAccounts(): Promise<{ id: string; code: string; name: string }[]> {
    try {
      const rows = await this.queryAll('emailaccounts', { select: ['id', 'emailaddress', 'name'] });
      return rows.map((r) => ({ id: r.id, code: String(r.emailaddress ?? ''), name: String(r.name ?? '') }));
    } catch (e) {
      if (!(e instanceof SyncError) || e.kind !== 'config') throw e;
      const rows = await this.queryAll('emailaccounts', { select: ['id', 'displayname'] });
      return rows.map((r) => ({ id: r.id, code: '', name: String(r.displayname ?? '') }));
    }
  }
  /** ABRA users (for solver/responsible pickers); locked users excluded unless asked. */
  async users(includeLocked = false): Promise<AbraSecurityUser[]> {
    return (await this.queryAll('securityusers', {
      select: ['id', 'loginname', 'name', 'shortname', 'locked', 'address_id.email as email', 'objversion'],
      where: includeLocked ? undefined : 'locked = false',
      orderby: 'name',
    })) as unknown as AbraSecurityUser[];
  }
}

/** The chain a TLS peer presented, leaf first, walked up `issuerCertificate` until it ends or repeats. */
export function peerChain(
  leaf: tls.PeerCertificate | tls.DetailedPeerCertificate,
): tls.DetailedPeerCertificate[] {
  const out: tls.DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let c = leaf as tls.DetailedPeerCertificate | undefined;
  while (c?.raw && c.fingerprint256 && !seen.has(c.fingerprint256)) {
    out.push(c);
    seen.add(c.fingerprint256);
    c = c.issuerCertificate;
  }
  return out;
}

const pinMismatch = (said: string) => Object.assign(new Error(said), { code: 'ABRA_TLS_PIN_MISMATCH' });
const NO_PIN_IN_CHAIN =
  'server certificate does not match the pinned fingerprint: none of the certificates the server presented (its own or an issuing CA) has it';

/**
 * The agent for a pinned fingerprint, given the chain the server presented (leaf first):
 * - the pin is the server's own certificate: exactly that certificate is accepted, whoever issued it (a self-signed
 *   one or one from an internal CA this computer does not trust) and whatever host name it names; every new
 *   connection is checked before the request is handed to it, so nothing is sent to another certificate;
 * - the pin is a CA of the chain: normal verification stays on with that CA (and what it presented above it) as the
 *   only trust anchors, the host name is checked, and the pinned CA must be in every connection's chain.
 * Works the same on Node 20 and later (no `allowPartialTrustChain`, which exists only from Node 22.9).
 */
export function pinnedAgent(
  chain: readonly tls.DetailedPeerCertificate[],
  pin: string,
  timeoutMs: number,
): https.Agent {
  const at = chain.findIndex((c) => normFp(c.fingerprint256 ?? '') === pin);
  if (at < 0) throw pinMismatch(NO_PIN_IN_CHAIN);
  if (at === 0) return new LeafPinAgent(pin, timeoutMs);
  const pem = (c: tls.DetailedPeerCertificate) => new X509Certificate(c.raw).toString();
  return new https.Agent({
    keepAlive: true,
    ca: chain.slice(at).map(pem),
    checkServerIdentity: (host, cert) => {
      const wrongHost = tls.checkServerIdentity(host, cert);
      if (wrongHost) return wrongHost;
      return peerChain(cert).some((c) => normFp(c.fingerprint256 ?? '') === pin)
        ? undefined
        : pinMismatch(NO_PIN_IN_CHAIN);
    },
  });
}

/**
 * A pinned server certificate (the leaf): the chain is not verified (an internal CA's leaf cannot be a trust anchor
 * on Node 20), the certificate itself must be exactly the pinned one. Each socket is handed to the request only
 * after its handshake showed that certificate, so a request (and its Authorization header) never goes to another.
 */
class LeafPinAgent extends https.Agent {
  constructor(
    private readonly pin: string,
    private readonly timeoutMs: number,
  ) {
    super({ keepAlive: true, maxCachedSessions: 0 });
  }
  override createConnection(
    options: https.RequestOptions,
    done?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const s = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    s.setTimeout(this.timeoutMs, () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    const fail = (e: Error) => {
      s.destroy();
      done?.(e, s);
    };
    s.once('error', fail);
    s.once('secureConnect', () => {
      s.off('error', fail);
      s.setTimeout(0);
      if (normFp(s.getPeerCertificate().fingerprint256 ?? '') !== this.pin)
        return fail(
          pinMismatch(
            'server certificate does not match the pinned fingerprint (another certificate than the pinned one)',
          ),
        );
      done?.(null, s);
    });
    return undefined;
  }
}

function seg(s: string): string {
  if (!s || s.includes('/') || s === '.' || s === '..')
    throw new SyncError('config', `invalid ABRA path segment ${JSON.stringify(s)}`);
  return encodeURIComponent(s);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0) || 0;
}
