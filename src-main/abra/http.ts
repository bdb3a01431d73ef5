/**
 * The ABRA client's transport (axios): the connection name, the Authorization header, the https agents (a company
 * CA, a pinned certificate: ./tls-pin.ts), one call with its error mapping (./answer.ts) and its retries.
 * Credentials are only ever put into the Authorization header; they never appear in errors or logs.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { abortableSleep, cancelled } from '../shared/abort';
import { networkError, SyncError } from '../shared/errors';
import { Semaphore } from '../shared/semaphore';
import { trustOptions } from '../shared/tls-trust';
import { interpret } from './answer';
import { agentForPin, normFp } from './tls-pin';

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

/** The transport every ABRA call goes through; ./reads.ts and ./writes.ts send through it. */
export class AbraHttp {
  readonly stats = { requests: 0, retries: 0, failures: 0 };
  private readonly http: AxiosInstance;
  private readonly sem: Semaphore;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  readonly pageSize: number;
  private readonly basePath: string;
  private pinnedAgent: Promise<https.Agent> | null = null;
  /**
   * The server's clock as the `Date` header of its latest answer gave it (epoch ms, whole seconds: RFC 9110 §6.6.1
   * "Date"), or null when no answer carried one. Changed-since reads compare their mark with it.
   */
  serverDate: number | null = null;

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

  private async send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    params?: Record<string, string | number | undefined>,
    data?: unknown,
  ): Promise<AxiosResponse<string>> {
    let httpsAgent: https.Agent | undefined;
    if (this.opts.tls?.fingerprint256 && this.opts.baseUrl.startsWith('https:')) {
      if (!this.pinnedAgent) {
        this.pinnedAgent = agentForPin(
          this.opts.baseUrl,
          this.opts.tls.fingerprint256,
          this.opts.timeoutMs ?? 30_000,
          this.opts.signal,
        );
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
        return interpret<T>(res, method, path);
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

  private mapTransportError(e: unknown): SyncError {
    const { host } = new URL(this.opts.baseUrl);
    return networkError(e, host, `ABRA server ${host}`);
  }
}

export function seg(s: string): string {
  if (!s || s.includes('/') || s === '.' || s === '..')
    throw new SyncError('config', `invalid ABRA path segment ${JSON.stringify(s)}`);
  return encodeURIComponent(s);
}
