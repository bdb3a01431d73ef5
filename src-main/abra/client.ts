/**
 * ABRA Gen Web API client (axios). See docs/abra-api.md for how it uses the API and what is assumed.
 *
 * - Every response key is lower-cased on read (current servers send lowercase, older ones PascalCase).
 * - Every failure is a `SyncError` (src-main/shared/errors.ts). Transient ones are retried with back-off.
 * - Credentials are only ever put into the Authorization header; they never appear in errors or logs.
 */
import { createHash, X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { networkError, SyncError, type SyncErrorKind } from '../shared/errors';
import { Semaphore } from '../shared/semaphore';
import type { AbraCrmActivityQueue, AbraCrmActivityType, AbraCurrentUser, AbraSecurityUser } from './model';
import { and, inList, or, ts } from './query';

export type AbraRow = Record<string, unknown> & { id: string };

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
   * the server certificate (for self-signed on-prem servers: the certificate must match exactly; the host name is
   * then not checked). Verification is never switched off otherwise.
   */
  tls?: { ca?: string; fingerprint256?: string };
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
   * Safety overlap subtracted from `since` (default 61 s: a real ABRA answers an activity's createdat$date on the full
   * minute, so a record created late in a minute can carry a stamp up to 59 s older than the mark). Rows read again
   * are dropped by id + objversion (`known`) or found unchanged by the engine.
   */
  overlapMs?: number;
  /** Rows already known with this objversion (or newer) are dropped from `rows` (high-water still counts them). */
  known?: ReadonlyMap<string, number>;
}

export interface ChangedSinceResult {
  rows: AbraRow[];
  /** Max of createdat$date/correctedat$date over the rows read (server time), or null when nothing came back. */
  highWater: string | null;
}

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
              ...(opts.tls?.ca ? { ca: [...tls.rootCertificates, opts.tls.ca] } : {}),
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
   * For a pinned fingerprint: fetch the server certificate once, compare it with the pin, then trust exactly that
   * certificate (as the only CA) and re-check the fingerprint on every connection. Nothing is sent before the check.
   */
  private async agentForPin(): Promise<https.Agent> {
    const pin = normFp(this.opts.tls!.fingerprint256!);
    const url = new URL(this.opts.baseUrl);
    const pem = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({
        host: url.hostname,
        port: Number(url.port || 443),
        servername: url.hostname,
        rejectUnauthorized: false, // only to read the certificate; we close before sending anything
      });
      s.setTimeout(this.opts.timeoutMs ?? 30_000, () =>
        s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      );
      s.once('secureConnect', () => {
        const raw = s.getPeerCertificate().raw;
        s.end();
        if (!raw)
          return reject(Object.assign(new Error('no certificate'), { code: 'ABRA_TLS_PIN_MISMATCH' }));
        const fp = createHash('sha256').update(raw).digest('hex').toUpperCase();
        if (fp !== pin)
          return reject(
            Object.assign(new Error('server certificate does not match the pinned fingerprint'), {
              code: 'ABRA_TLS_PIN_MISMATCH',
            }),
          );
        resolve(new X509Certificate(raw).toString());
      });
      s.once('error', reject);
    });
    return new https.Agent({
      keepAlive: true,
      ca: [pem],
      checkServerIdentity: (_host, cert) =>
        normFp(cert.fingerprint256 ?? '') === pin
          ? undefined
          : Object.assign(new Error('server certificate does not match the pinned fingerprint'), {
              code: 'ABRA_TLS_PIN_MISMATCH',
            }),
    });
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
      signal: AbortSignal.timeout(timeout),
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
        const res = await this.sem.run(() => {
          this.stats.requests++;
          return this.send(method, path, opts.params, opts.data);
        });
        status = res.status;
        return this.interpret<T>(res, method, path);
      } catch (e) {
        const err = e instanceof SyncError ? e : this.mapTransportError(e);
        const again =
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
        await new Promise((r) => setTimeout(r, Math.min(backoff, 60_000)));
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
   * `since` null = everything matching `where`. The high-water mark comes from the data (server clock).
   */
  async changedSince(
    collection: string,
    since: string | null,
    opts: ChangedSinceOptions | string = {},
  ): Promise<ChangedSinceResult> {
    const o: ChangedSinceOptions = typeof opts === 'string' ? { where: opts } : opts;
    let where = o.where;
    if (since !== null) {
      const t = new Date(since).getTime();
      if (Number.isNaN(t)) throw new SyncError('config', `invalid changed-since mark ${since}`);
      const x = ts(new Date(t - (o.overlapMs ?? 61_000)));
      where = and(or(`createdat$date gt ${x}`, `correctedat$date gt ${x}`), o.where);
    }
    const select = o.select?.length
      ? [...new Set([...o.select, 'id', 'objversion', 'createdat$date', 'correctedat$date'])]
      : undefined;
    const rows = await this.queryAll(collection, { where, select, expand: o.expand });
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

function seg(s: string): string {
  if (!s || s.includes('/') || s === '.' || s === '..')
    throw new SyncError('config', `invalid ABRA path segment ${JSON.stringify(s)}`);
  return encodeURIComponent(s);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0) || 0;
}
