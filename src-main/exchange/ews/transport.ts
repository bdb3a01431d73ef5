/**
 * The HTTP layer under ews-javascript-api: wraps `@ewsjs/xhr`'s XhrApi (axios; NTLM; custom CA via its https agent)
 * with what the library lacks:
 * - a small semaphore capping concurrent requests per backend (Exchange throttles `EWSMaxConcurrency` per user);
 * - retries of ErrorServerBusy (waiting the server's BackOffMilliseconds, capped), ErrorExceededConnectionCount,
 *   HTTP 503/502/504 and dropped connections — not for CreateItem/SendItem/MoveItem/CopyItem: a proxy's 502/504,
 *   a 5xx page or a dropped connection may hide a write Exchange completed, and sending it again made a second
 *   item. The backend re-checks such a create by its AbraId stamp before it sends what is really missing
 *   (EwsBackend.createItems);
 * - classification of every transport failure into a {@link SyncError}. The library swallows errors into generic
 *   `SoapFaultDetails` objects, so the classified error is parked in an AsyncLocalStorage slot of the backend call
 *   that is running (see {@link runCall}); the backend rethrows it from there.
 *
 * Nothing here ever puts a password, token or Authorization header into an error or log line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import { CANCELLED, cancelled } from '../../shared/abort';
import { SyncError, type SyncErrorKind, TLS_ERROR_CODES, UNREACHABLE_ERROR_CODES } from '../../shared/errors';
import { note } from '../../shared/messages';
import { Semaphore } from '../../shared/semaphore';
import { isOldTlsRefusal } from './legacy-tls';

export interface XhrOptionsLike {
  type?: string;
  url: string;
  headers?: Record<string, string>;
  data?: unknown;
  [k: string]: unknown;
}

export interface XhrLike {
  xhr(opts: XhrOptionsLike, progress?: (p: unknown) => void): Promise<XhrResponseLike>;
  xhrStream(opts: XhrOptionsLike, progress: (p: unknown) => void): Promise<unknown>;
  disconnect(): void;
  apiName?: string;
}

export interface XhrResponseLike {
  status?: number;
  responseText?: string;
  code?: string;
  message?: string;
  getResponseHeader?: (name: string) => string | string[] | null;
  [k: string]: unknown;
}

export interface TransportOptions {
  /** Concurrent requests per backend (default 4). */
  maxConcurrent?: number;
  /** Retries of a retryable failure (default 4). */
  maxRetries?: number;
  /** Longest server back-off we wait inside one call; longer ones are thrown as `throttled` (default 30 s). */
  maxBackoffMs?: number;
  /** Base of the exponential wait for failures without a server hint (default 500 ms). */
  baseDelayMs?: number;
  /** Injectable sleep (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Aborts every call (a cancelled connection test): nothing is retried, the call fails as cancelled. */
  signal?: AbortSignal;
  /** Called once per retry (diagnostics; never gets secrets). */
  onRetry?: (info: { operation: string; attempt: number; waitMs: number; error: SyncError }) => void;
}

interface CallContext {
  error: SyncError | null;
}

const als = new AsyncLocalStorage<CallContext>();

/** Run one backend call with a slot for the transport's classified error. */
export function runCall<T>(fn: () => Promise<T>): Promise<T> {
  return als.run({ error: null }, fn);
}

/** The classified transport error of the running call, if any (cleared by reading). */
export function takeTransportError(): SyncError | null {
  const ctx = als.getStore();
  if (!ctx) return null;
  const e = ctx.error;
  ctx.error = null;
  return e;
}

/** The classified transport error of the running call, if any, left in place. */
export function peekTransportError(): SyncError | null {
  return als.getStore()?.error ?? null;
}

function park(e: SyncError): void {
  const ctx = als.getStore();
  if (ctx) ctx.error = e;
}

const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_BAD_RESPONSE', 'ECONNABORTED_RESET']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ERR_CANCELED']);

/** Operations that must not be re-sent after a dropped connection (the server may have done them). */
const NOT_REPLAYABLE = new Set(['CreateItem', 'SendItem', 'MoveItem', 'CopyItem']);

export function soapOperation(body: unknown): string {
  if (typeof body !== 'string') return 'unknown';
  const m = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body);
  return m?.[1] ?? 'unknown';
}

function header(r: XhrResponseLike, name: string): string | null {
  try {
    const v = r.getResponseHeader?.(name);
    if (Array.isArray(v)) return v[0] ?? null;
    return v ?? null;
  } catch {
    return null;
  }
}

/** ResponseCode of a SOAP fault body (`<e:ResponseCode>` or the faultcode), and BackOffMilliseconds. */
export function parseFault(xml: string): {
  code: string | null;
  backOffMs: number | null;
  message: string | null;
} {
  const code =
    /<(?:[\w-]+:)?ResponseCode[^>]*>\s*([\w]+)\s*</.exec(xml)?.[1] ??
    /<faultcode[^>]*>\s*(?:[\w-]+:)?([\w]+)\s*</.exec(xml)?.[1] ??
    null;
  const back = /Name="BackOffMilliseconds"[^>]*>\s*(\d+)\s*</.exec(xml)?.[1];
  const message =
    /<(?:[\w-]+:)?Message[^>]*>([^<]*)</.exec(xml)?.[1] ??
    /<faultstring[^>]*>([^<]*)</.exec(xml)?.[1] ??
    null;
  return { code, backOffMs: back ? Number(back) : null, message: message?.trim() || null };
}

/** Map an EWS ResponseCode (fault or response message) to the shared error kinds. */
export function kindOfResponseCode(code: string): SyncErrorKind {
  switch (code) {
    case 'ErrorServerBusy':
    case 'ErrorExceededConnectionCount':
    case 'ErrorExceededSubscriptionCount':
    case 'ErrorExceededFindCountLimit':
    case 'ErrorTooManyObjectsOpened':
      return 'throttled';
    case 'ErrorIrresolvableConflict':
    case 'ErrorChangeKeyRequiredForWriteOperations':
    case 'ErrorStaleObject':
      return 'conflict';
    case 'ErrorItemNotFound':
    // an id the server cannot read (a stored id that got corrupted): the item cannot be reached by it, like a
    // deleted one; the engine finds it again by its AbraId stamp or content
    case 'ErrorInvalidIdMalformed':
    case 'ErrorFolderNotFound':
    case 'ErrorSyncFolderNotFound':
    case 'ErrorNonExistentMailbox':
    case 'ErrorMailboxStoreUnavailable':
    case 'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange':
      return code === 'ErrorMailboxStoreUnavailable' ? 'transient' : 'notFound';
    case 'ErrorInvalidSyncStateData':
    case 'ErrorInvalidWatermark':
      return 'cursorInvalid';
    case 'ErrorAccessDenied':
    case 'ErrorItemSavePropertyError':
      return code === 'ErrorAccessDenied' ? 'forbidden' : 'validation';
    case 'ErrorInvalidRequest':
    case 'ErrorSchemaValidation':
    case 'ErrorInvalidServerVersion':
    case 'ErrorIncorrectSchemaVersion':
    case 'ErrorInvalidPropertySet':
    case 'ErrorInvalidIdEmpty':
    case 'ErrorInvalidExtendedPropertyValue':
    case 'ErrorInvalidPropertyRequest':
    case 'ErrorInvalidPropertyForOperation':
    case 'ErrorObjectTypeChanged':
    case 'ErrorValueOutOfRange':
    case 'ErrorCalendarInvalidRecurrence':
    case 'ErrorCalendarDurationIsTooLong':
    case 'ErrorCalendarEndDateIsEarlierThanStartDate':
    case 'ErrorPropertyValidationFailure':
    case 'ErrorInvalidValueForProperty':
    case 'ErrorMessageSizeExceeded':
    case 'ErrorQuotaExceeded':
    case 'ErrorFolderExists':
    case 'ErrorInvalidRecipients':
      return 'validation';
    case 'ErrorTimeoutExpired':
      return 'timeout';
    case 'ErrorInternalServerError':
    case 'ErrorInternalServerTransientError':
    case 'ErrorConnectionFailed':
    case 'ErrorBatchProcessingStopped':
      return 'transient';
    case 'ErrorNotAuthenticated':
    case 'ErrorInvalidLogonType':
      return 'auth';
    default:
      if (code.startsWith('ErrorInvalid') || code.startsWith('ErrorCannot')) return 'validation';
      return 'transient';
  }
}

export interface Classified {
  error: SyncError;
  /** How long to wait before a retry; null = do not retry. */
  retryAfterMs: number | null;
}

/** Classify a failed XhrApi call (a non-200 response or a network error). */
export function classifyFailure(
  r: XhrResponseLike,
  operation: string,
  attempt: number,
  o: Required<Pick<TransportOptions, 'maxBackoffMs' | 'baseDelayMs'>>,
): Classified {
  const expo = Math.min(o.baseDelayMs * 2 ** attempt, o.maxBackoffMs);
  const status = typeof r.status === 'number' ? r.status : undefined;
  const body = typeof r.responseText === 'string' ? r.responseText : '';
  const code = typeof r.code === 'string' ? r.code : undefined;
  if (status === undefined || status === 0) {
    const msg = typeof r.message === 'string' ? r.message : 'network error';
    if (isOldTlsRefusal(code, msg))
      return {
        error: new SyncError(
          'tls',
          `the Exchange server offers only an old TLS version (1.0 or 1.1), which this app refuses unless the administrator allows it for this server (${code ?? msg})`,
          { code: 'LegacyTlsOnly', note: note('ews.legacyTlsOnly') },
        ),
        retryAfterMs: null,
      };
    if (code && TLS_ERROR_CODES.has(code))
      return {
        error: new SyncError('tls', `the Exchange server's TLS certificate is not trusted (${code})`, {
          code,
        }),
        retryAfterMs: null,
      };
    if (/certificate|self[- ]signed|SSL/i.test(msg))
      return {
        error: new SyncError('tls', `the Exchange server's TLS certificate is not trusted (${msg})`, {
          code,
        }),
        retryAfterMs: null,
      };
    if (code && UNREACHABLE_ERROR_CODES.has(code))
      return {
        error: new SyncError('unreachable', `the Exchange server cannot be reached (${code})`, { code }),
        retryAfterMs: null,
      };
    if ((code && TIMEOUT_CODES.has(code)) || /timeout/i.test(msg))
      return {
        error: new SyncError('timeout', `the Exchange server did not answer in time (${operation})`, {
          code,
        }),
        retryAfterMs: null,
      };
    const dropped = (code && DROPPED_CODES.has(code)) || /socket hang up|aborted|reset/i.test(msg);
    return {
      error: new SyncError(
        'transient',
        `the connection to the Exchange server was dropped (${code ?? msg})`,
        {
          code,
        },
      ),
      retryAfterMs: dropped && !NOT_REPLAYABLE.has(operation) ? expo : null,
    };
  }
  if (status === 401)
    return {
      error: new SyncError(
        'auth',
        'Exchange refused the sign-in (wrong user name/password or expired token)',
        { status, note: { key: 'run.exchangeAuth' } },
      ),
      retryAfterMs: null,
    };
  if (status === 403)
    return {
      error: new SyncError('forbidden', 'Exchange refused access (EWS disabled for this mailbox or app?)', {
        status,
      }),
      retryAfterMs: null,
    };
  if (status === 404)
    return {
      error: new SyncError('config', 'no EWS service at the configured URL (HTTP 404)', { status }),
      retryAfterMs: null,
    };
  if (status === 503 || status === 502 || status === 504 || status === 429) {
    const ra = Number(header(r, 'retry-after'));
    const wait = Number.isFinite(ra) && ra > 0 ? ra * 1000 : expo;
    return {
      error: new SyncError(
        status === 429 ? 'throttled' : 'transient',
        `Exchange is unavailable (HTTP ${status})`,
        {
          status,
          retryAfterMs: wait,
        },
      ),
      // 429 is refused before any work; a gateway's 502/504 or a 503 page may come after the write was done
      retryAfterMs: status === 429 || !NOT_REPLAYABLE.has(operation) ? wait : null,
    };
  }
  if (status === 500 && /Envelope/.test(body)) {
    const f = parseFault(body);
    if (f.code) {
      const kind = kindOfResponseCode(f.code);
      const backOff = f.backOffMs ?? (kind === 'throttled' ? expo : null);
      const err = new SyncError(kind, `Exchange: ${f.code}${f.message ? ` — ${f.message}` : ''}`, {
        code: f.code,
        status,
        retryAfterMs: backOff ?? undefined,
      });
      if (kind === 'throttled') return { error: err, retryAfterMs: backOff };
      return { error: err, retryAfterMs: null };
    }
  }
  if (status >= 500)
    return {
      error: new SyncError('transient', `Exchange failed (HTTP ${status})`, { status }),
      retryAfterMs: NOT_REPLAYABLE.has(operation) ? null : expo,
    };
  return {
    error: new SyncError('malformed', `unexpected HTTP ${status} from Exchange`, { status }),
    retryAfterMs: null,
  };
}

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An XhrApi (@ewsjs/xhr): its axios options are read when a call starts. */
export interface XhrWithOptions extends XhrLike {
  requestOptions: Record<string, unknown>;
}

/**
 * A total deadline per request: axios's `timeout` only limits the wait for each chunk, so a server that drips one
 * byte a second holds a call for as long as it likes. Each call gets its own AbortSignal; @ewsjs/xhr copies
 * `requestOptions` into the axios options synchronously when the call starts, so the signal is swapped in just for
 * that call. An expired call fails as a timeout (ETIMEDOUT).
 *
 * A request that must not be repeated (CreateItem, SendItem, MoveItem, CopyItem: a dropped one is never retried,
 * it may have been applied) goes out on a fresh connection: a pooled keep-alive socket the server closed while idle
 * (after a stall) would fail it with "socket hang up" before it reached the server, and it could not be retried.
 */
export function withDeadline(x: XhrWithOptions, totalMs: number, cancel?: AbortSignal): XhrLike {
  const base = { ...x.requestOptions };
  const pooled = base.httpsAgent as { options?: { ca?: unknown; secureContext?: unknown } } | undefined;
  const fresh = {
    httpAgent: new http.Agent({ keepAlive: false }),
    httpsAgent: new https.Agent({
      keepAlive: false,
      ...(pooled?.options?.ca ? { ca: pooled.options.ca as string | string[] } : {}),
      ...(pooled?.options?.secureContext
        ? { secureContext: pooled.options.secureContext as import('node:tls').SecureContext }
        : {}),
    }),
  };
  return {
    get apiName() {
      return x.apiName;
    },
    async xhr(opts, progress) {
      if (cancel?.aborted) throw { status: 0, code: CANCELLED, message: 'the request was cancelled' };
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), totalMs);
      // a cancel from outside (the connection test's Cancel) aborts the socket at once
      const onCancel = () => ac.abort();
      cancel?.addEventListener('abort', onCancel, { once: true });
      const once = NOT_REPLAYABLE.has(soapOperation(opts.data));
      x.requestOptions = { ...base, ...(once ? fresh : {}), signal: ac.signal };
      let pending: Promise<XhrResponseLike>;
      try {
        pending = x.xhr(opts, progress);
      } finally {
        x.requestOptions = base;
      }
      try {
        return await pending;
      } catch (e) {
        if (cancel?.aborted) throw { status: 0, code: CANCELLED, message: 'the request was cancelled' };
        if (ac.signal.aborted)
          throw {
            status: 0,
            code: 'ETIMEDOUT',
            message: `no complete answer within ${totalMs} ms (timeout)`,
          };
        throw e;
      } finally {
        clearTimeout(timer);
        cancel?.removeEventListener('abort', onCancel);
      }
    },
    xhrStream: (opts, progress) => x.xhrStream(opts, progress),
    disconnect: () => x.disconnect(),
  };
}

/** IXHRApi for ews-javascript-api that guards an inner XhrApi. */
export class GuardedXhr implements XhrLike {
  readonly sem: Semaphore;
  private readonly o: Required<Omit<TransportOptions, 'onRetry' | 'signal'>> &
    Pick<TransportOptions, 'onRetry'>;
  private readonly signal: AbortSignal | undefined;
  /** Requests sent (including retries), for diagnostics and tests. */
  sent = 0;
  retries = 0;

  constructor(
    private readonly inner: XhrLike,
    opts: TransportOptions = {},
  ) {
    this.o = {
      maxConcurrent: opts.maxConcurrent ?? 4,
      maxRetries: opts.maxRetries ?? 4,
      maxBackoffMs: opts.maxBackoffMs ?? 30_000,
      baseDelayMs: opts.baseDelayMs ?? 500,
      sleep: opts.sleep ?? sleepReal,
      onRetry: opts.onRetry,
    };
    this.signal = opts.signal;
    this.sem = new Semaphore(this.o.maxConcurrent);
  }

  /**
   * Whether a call that failed with a throttling answer inside an HTTP 200 response (the library throws those as
   * ServiceResponseException, e.g. ErrorServerBusy on SyncFolderItems) may be repeated, and after how long.
   */
  retryDelay(e: SyncError, attempt: number): number | null {
    if (e.kind !== 'throttled' || attempt >= this.o.maxRetries) return null;
    const wait = e.retryAfterMs ?? Math.min(this.o.baseDelayMs * 2 ** attempt, this.o.maxBackoffMs);
    return wait <= this.o.maxBackoffMs ? wait : null;
  }

  pause(ms: number): Promise<void> {
    return this.o.sleep(ms);
  }

  /**
   * How long to wait before attempt `attempt + 1` of a write the backend re-checks itself (a create whose answer
   * was lost, see EwsBackend.createItems); null when the attempts are used up.
   */
  recheckDelay(e: SyncError, attempt: number): number | null {
    if (attempt >= this.o.maxRetries) return null;
    const wait = e.retryAfterMs ?? Math.min(this.o.baseDelayMs * 2 ** attempt, this.o.maxBackoffMs);
    return Math.min(wait, this.o.maxBackoffMs);
  }

  get apiName(): string {
    return `guarded(${this.inner.apiName ?? 'xhr'})`;
  }

  async xhr(opts: XhrOptionsLike, progress?: (p: unknown) => void): Promise<XhrResponseLike> {
    const operation = soapOperation(opts.data);
    for (let attempt = 0; ; attempt++) {
      if (this.signal?.aborted) {
        park(cancelled());
        throw sanitize({ status: 0, code: CANCELLED });
      }
      const release = await this.sem.acquire();
      let failure: XhrResponseLike | null = null;
      let res: XhrResponseLike | null = null;
      try {
        this.sent++;
        res = await this.inner.xhr(opts, progress);
      } catch (err) {
        failure = (err ?? {}) as XhrResponseLike;
      } finally {
        release();
      }
      if (res) {
        const text = typeof res.responseText === 'string' ? res.responseText : '';
        if (/<(?:[\w-]+:)?Envelope[\s>]/.test(text)) return res;
        park(
          new SyncError('malformed', `Exchange answered ${operation} with something that is not SOAP`, {
            status: res.status,
          }),
        );
        throw sanitize({ status: 0, code: 'malformed' });
      }
      if (this.signal?.aborted) {
        park(cancelled());
        throw sanitize({ status: 0, code: CANCELLED });
      }
      const c = classifyFailure(failure ?? {}, operation, attempt, this.o);
      const canRetry = c.retryAfterMs !== null && attempt < this.o.maxRetries;
      if (canRetry && (c.retryAfterMs ?? 0) <= this.o.maxBackoffMs) {
        this.retries++;
        this.o.onRetry?.({ operation, attempt: attempt + 1, waitMs: c.retryAfterMs ?? 0, error: c.error });
        const sig = this.signal;
        await Promise.race([
          this.o.sleep(c.retryAfterMs ?? 0),
          ...(sig
            ? [new Promise<void>((r) => sig.addEventListener('abort', () => r(), { once: true }))]
            : []),
        ]);
        continue;
      }
      park(c.error);
      // Hand the library something it understands (it reads status/responseText), with no request details.
      throw sanitize(failure ?? {});
    }
  }

  xhrStream(opts: XhrOptionsLike, progress: (p: unknown) => void): Promise<unknown> {
    return this.inner.xhrStream(opts, progress);
  }

  disconnect(): void {
    this.inner.disconnect();
  }
}

/** A copy of a failed response without the axios request config (which holds the Authorization header). */
function sanitize(r: XhrResponseLike): XhrResponseLike {
  const out: XhrResponseLike = {
    status: typeof r.status === 'number' ? r.status : 0,
    responseText: typeof r.responseText === 'string' ? r.responseText : '',
    message: typeof r.code === 'string' ? r.code : 'request failed',
    getResponseHeader: (n: string) => header(r, n),
    getAllResponseHeaders: () => '',
  };
  return out;
}
