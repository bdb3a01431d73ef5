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
 *
 * The classification is ./classify.ts, the total deadline and the fresh connection of a write ./deadline.ts, the
 * XhrApi's shapes ./xhr.ts; this file keeps the call slot and the guard (semaphore, retries), and re-exports them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CANCELLED, cancelled } from '../../shared/abort';
import { SyncError } from '../../shared/errors';
import { Semaphore } from '../../shared/semaphore';
import { classifyFailure, header, soapOperation } from './classify';
import type { TransportOptions, XhrLike, XhrOptionsLike, XhrResponseLike } from './xhr';

export {
  type Classified,
  classifyFailure,
  kindOfResponseCode,
  parseFault,
  soapOperation,
} from './classify';
export { withDeadline } from './deadline';
export type { TransportOptions, XhrLike, XhrOptionsLike, XhrResponseLike, XhrWithOptions } from './xhr';

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

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
