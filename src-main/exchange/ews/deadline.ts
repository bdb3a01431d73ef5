import http from 'node:http';
import https from 'node:https';
import { CANCELLED } from '../../shared/abort';
import { NOT_REPLAYABLE, soapOperation } from './classify';
import type { XhrLike, XhrResponseLike, XhrWithOptions } from './xhr';

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
