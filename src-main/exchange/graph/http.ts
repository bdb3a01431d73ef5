/**
 * Microsoft Graph transport (axios): bearer token per request, at most N requests in flight per mailbox (Outlook
 * allows 4), retries of 429/503/504 honouring Retry-After (capped) and of other transient failures with back-off,
 * `$batch` of up to 20 with per-item results in input order, and the mapping of every failure to a SyncError.
 * Tokens and Authorization headers never reach an error message or a log line.
 * The batching is ./batch.ts, the mapping of an error answer ./errors.ts.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { abortableSleep, cancelled } from '../../shared/abort';
import { networkError, SyncError } from '../../shared/errors';
import { Semaphore } from '../../shared/semaphore';
import { trustOptions } from '../../shared/tls-trust';
import { type BatchRequest, type BatchResponse, runBatch } from './batch';
import { graphError } from './errors';

export type { BatchRequest, BatchResponse } from './batch';
export { graphError, retryAfterMs } from './errors';

export interface GraphAuth {
  getAccessToken(): Promise<string>;
  /** Drop a cached token (called after a 401, before one retry with a fresh token). */
  invalidate?(): void;
}

export interface GraphHttpOptions {
  /** Parallel HTTP requests per mailbox (default 4, Outlook's limit). */
  concurrency?: number;
  /** Retries of throttled/transient failures (default 4). */
  maxRetries?: number;
  /** Longest wait honoured for a Retry-After (default 120 s); longer asks fail as `throttled`. */
  maxRetryAfterMs?: number;
  /** First back-off delay without Retry-After, doubled per retry (default 500 ms). */
  retryBaseMs?: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
  /** PEM of an extra CA (TLS-inspecting proxies). */
  caCertificate?: string;
  /** Aborts every request (a cancelled connection test): the socket closes at once and nothing is retried. */
  signal?: AbortSignal;
  /** Request log without secrets. */
  onRequest?: (e: {
    method: string;
    path: string;
    status: number | null;
    ms: number;
    attempt: number;
  }) => void;
}

export class GraphHttp {
  readonly stats = { requests: 0, retries: 0 };
  private readonly http: AxiosInstance;
  private readonly sem: Semaphore;
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  readonly retryBaseMs: number;
  private readonly timeoutMs: number;
  readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly auth: GraphAuth,
    private readonly opts: GraphHttpOptions = {},
  ) {
    try {
      this.base = new URL(baseUrl.replace(/\/+$/, ''));
    } catch {
      throw new SyncError('config', `Graph URL is not a valid URL: ${baseUrl}`);
    }
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:')
      throw new SyncError('config', 'Graph URL must start with https://');
    this.sem = new Semaphore(Math.max(1, opts.concurrency ?? 4));
    this.maxRetries = opts.maxRetries ?? 4;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
    this.retryBaseMs = opts.retryBaseMs ?? 500;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.http = axios.create({
      validateStatus: () => true,
      maxRedirects: 0,
      proxy: false,
      responseType: 'arraybuffer',
      transformResponse: [(d) => d],
      // the body is always JSON text made by send(): axios's default parses a JSON string again to check it (a
      // second parse of every request body, issue #17) and trims it (JSON.stringify's text has nothing to trim)
      transformRequest: [(d) => d],
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 4 }),
      httpsAgent: new https.Agent({
        keepAlive: true,
        maxSockets: opts.concurrency ?? 4,
        // bundled + the system's store + the company CA (shared/tls-trust.ts)
        ...trustOptions(opts.caCertificate),
      }),
    });
  }

  /** Absolute URL for a path below the base (`/me/...`) or an absolute nextLink/deltaLink. */
  url(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) {
      const u = new URL(pathOrUrl);
      if (u.origin !== this.base.origin)
        throw new SyncError('malformed', `Graph returned a link to another host (${u.host})`);
      return pathOrUrl;
    }
    return `${this.base.toString().replace(/\/+$/, '')}${pathOrUrl}`;
  }

  private describe(url: string): string {
    const u = new URL(url);
    return u.pathname.replace(this.base.pathname, '').replace(/\/[A-Za-z0-9_=%+-]{40,}/g, '/{id}');
  }

  /**
   * One Graph call with retries. Returns the parsed JSON (or the raw bytes with `raw: true`; undefined for 204).
   * `retryable`: may it be repeated after it reached the server (POST creates: no unless throttled before running).
   */
  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    pathOrUrl: string,
    o: {
      body?: unknown;
      headers?: Record<string, string>;
      raw?: boolean;
      prefer?: string[];
      /** Safe to repeat after it reached the server (default: every method but POST). */
      idempotent?: boolean;
    } = {},
  ): Promise<T> {
    const url = this.url(pathOrUrl);
    const where = `${method} ${this.describe(url)}`;
    let authRetried = false;
    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      let status: number | null = null;
      try {
        if (this.opts.signal?.aborted) throw cancelled();
        const res = await this.send(method, url, o);
        status = res.status;
        if (res.status >= 200 && res.status < 300) {
          if (o.raw) return bytes(res.data) as T;
          return this.parse(res, where) as T;
        }
        const body = this.tryParse(res);
        throw graphError(res.status, body, res.headers as Record<string, unknown>, where);
      } catch (e) {
        if (this.opts.signal?.aborted) throw cancelled();
        const err = e instanceof SyncError ? e : this.mapTransport(e);
        if (err.kind === 'auth' && err.status === 401 && !authRetried && this.auth.invalidate) {
          authRetried = true;
          this.auth.invalidate();
          continue;
        }
        if (!this.shouldRetry(err, attempt, o.idempotent ?? method !== 'POST')) throw err;
        this.stats.retries++;
        await abortableSleep(this.delay(err, attempt), this.opts.signal);
      } finally {
        this.opts.onRequest?.({
          method,
          path: this.describe(url),
          status,
          ms: Date.now() - started,
          attempt,
        });
      }
    }
  }

  private shouldRetry(err: SyncError, attempt: number, idempotent: boolean): boolean {
    if (attempt >= this.maxRetries) return false;
    // A POST that may have run on the server is not repeated here (it would create twice): only a 429 (Graph
    // throttles before it runs anything) or a connection never made. A 503/504, a 5xx, a timeout or a dropped
    // connection may come after the work was done; the caller re-checks (createItems looks for the AbraId stamp).
    if (err.kind === 'throttled')
      return (idempotent || err.status === 429) && (err.retryAfterMs ?? 0) <= this.maxRetryAfterMs;
    if (err.kind === 'unreachable') return true;
    if (err.kind === 'transient' || err.kind === 'timeout') return idempotent;
    return false;
  }

  private delay(err: SyncError, attempt: number): number {
    const backoff = this.retryBaseMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    return Math.min(
      Math.max(err.retryAfterMs ?? 0, err.retryAfterMs !== undefined ? 0 : backoff),
      this.maxRetryAfterMs,
    );
  }

  private async send(
    method: string,
    url: string,
    o: { body?: unknown; headers?: Record<string, string>; prefer?: string[] },
  ): Promise<AxiosResponse<ArrayBuffer>> {
    return this.sem.run(async () => {
      const token = await this.auth.getAccessToken().catch((e) => {
        throw e instanceof SyncError
          ? e
          : new SyncError('auth', 'sign in again: no access token', { cause: e });
      });
      this.stats.requests++;
      const prefer = ['outlook.timezone="UTC"', ...(o.prefer ?? [])].join(', ');
      return this.http.request<ArrayBuffer>({
        method,
        url,
        data: o.body === undefined ? undefined : JSON.stringify(o.body),
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          Prefer: prefer,
          ...(o.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(o.headers ?? {}),
        },
        timeout: this.timeoutMs,
        signal: this.opts.signal
          ? AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.opts.signal])
          : AbortSignal.timeout(this.timeoutMs),
      });
    });
  }

  private tryParse(res: AxiosResponse<ArrayBuffer>): unknown {
    try {
      return JSON.parse(bytes(res.data).toString('utf8'));
    } catch {
      return undefined;
    }
  }

  private parse(res: AxiosResponse<ArrayBuffer>, where: string): unknown {
    if (res.status === 204) return undefined;
    const text = bytes(res.data).toString('utf8');
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
      throw new SyncError('malformed', `Graph answered ${where} with something that is not JSON`, {
        status: res.status,
        detail: title ? `page title: ${title}` : `starts with: ${text.slice(0, 80)}`,
      });
    }
  }

  private mapTransport(e: unknown): SyncError {
    return networkError(e, this.base.host);
  }

  /** `$batch` of the requests (./batch.ts). */
  batch(requests: BatchRequest[], o: { prefer?: string[]; settle?: boolean } = {}): Promise<BatchResponse[]> {
    return runBatch(this, requests, o);
  }

  /** GET a collection, following @odata.nextLink. */
  async getAll<T>(pathOrUrl: string, o: { prefer?: string[] } = {}): Promise<T[]> {
    const all: T[] = [];
    let next: string | undefined = pathOrUrl;
    for (let i = 0; next && i < 100_000; i++) {
      const page: { value?: T[]; '@odata.nextLink'?: string } = await this.request('GET', next, o);
      all.push(...(page?.value ?? []));
      next = page?.['@odata.nextLink'];
    }
    return all;
  }

  inFlight(): number {
    return this.sem.inUse;
  }
}

/**
 * The answer's bytes. axios hands a Buffer on Node (responseType 'arraybuffer'); Buffer.from(buffer) would copy every
 * answer once more (issue #17), Buffer.from(arrayBuffer) shares it.
 */
function bytes(d: ArrayBuffer | Buffer | undefined | null): Buffer {
  return Buffer.isBuffer(d) ? d : Buffer.from(d ?? new ArrayBuffer(0));
}
