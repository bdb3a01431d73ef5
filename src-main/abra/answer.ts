/**
 * What ABRA answered, as a value (keys lower-cased) or a typed SyncError (src-main/shared/errors.ts).
 */
import type { AxiosResponse } from 'axios';
import { SyncError, type SyncErrorKind } from '../shared/errors';

/** Lower-case every key, recursively. */
export function lowerKeys<T = unknown>(v: unknown): T {
  // In place where the keys are lower case already (ABRA's own answers): a page of 500 rows is not copied a second
  // time (memory and CPU of every read, issue #17). Only for what JSON.parse just made and nobody else holds.
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') v[i] = lowerKeys(x);
    }
    return v as T;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // for…in, not Object.keys().every(): no array of keys per row (a JSON.parse object has no inherited keys)
    let lower = true;
    for (const k in o)
      if (k !== k.toLowerCase()) {
        lower = false;
        break;
      }
    if (lower) {
      for (const k in o) {
        const x = o[k];
        if (x !== null && typeof x === 'object') o[k] = lowerKeys(x);
      }
      return o as T;
    }
    const keys = Object.keys(o);
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

/** An answer as the value it carries, or the SyncError its status and error body name. */
export function interpret<T>(res: AxiosResponse<string>, method: string, path: string): T {
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
    throw new SyncError('malformed', `ABRA answered ${where} with something that is not JSON (HTTP ${st})`, {
      status: st,
      detail: title ? `page title: ${title}` : `starts with: ${text.slice(0, 80)}`,
    });
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
