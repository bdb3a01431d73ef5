/**
 * The one small set of error kinds that every connector (ABRA client, EWS and Graph backends) maps its
 * failures to, so that the engine and the UI can act on them without knowing the protocol.
 *
 * This module imports nothing but a type: the engine, the connectors and the renderer may all use it.
 */
import type { Note } from './messages';

export type SyncErrorKind =
  /** Wrong login/password/token, or an expired/revoked grant: the user must fix credentials ("sign in again"). */
  | 'auth'
  /** Authenticated but not allowed (no API rights, EWS disabled for the mailbox, missing Graph consent). */
  | 'forbidden'
  /** The object (or the connection name / mailbox / folder) does not exist. */
  | 'notFound'
  /** The server refused the data (business validation); `message` carries the server's own words. */
  | 'validation'
  /** The item changed on the server since we read it (stale objversion / ChangeKey / ETag). */
  | 'conflict'
  /** Server busy / throttled; `retryAfterMs` says how long the server asked us to wait. */
  | 'throttled'
  /** Server-side failure that may pass (5xx, dropped connection). Retried with back-off. */
  | 'transient'
  /** Name does not resolve, connection refused, no network. Retried with back-off; the scheduler waits. */
  | 'unreachable'
  /** No answer in time. Retried with back-off. */
  | 'timeout'
  /** The TLS certificate is not trusted (self-signed, wrong host, pinned fingerprint mismatch). Never retried. */
  | 'tls'
  /** The answer could not be understood (HTML error page from a proxy, broken JSON/XML). */
  | 'malformed'
  /** An incremental cursor (EWS SyncState, Graph delta link) is no longer accepted: resync from scratch. */
  | 'cursorInvalid'
  /** Our own configuration is wrong (bad URL, invalid filter expression, missing setting). */
  | 'config';

const TRANSIENT: ReadonlySet<SyncErrorKind> = new Set(['throttled', 'transient', 'unreachable', 'timeout']);

export interface SyncErrorOptions {
  /** Plain-language detail for logs and the UI. Never contains a secret. */
  detail?: string;
  /** The server's own error code (ABRA `error_code`, EWS `ResponseCode`, Graph `error.code`). */
  code?: string;
  /** HTTP status, when there was one. */
  status?: number;
  /** Server-requested wait before retrying (EWS BackOffMilliseconds, HTTP Retry-After). */
  retryAfterMs?: number;
  /** The message as a sentence the UI can show in the user's language (when there is one). */
  note?: Note;
  cause?: unknown;
}

export class SyncError extends Error {
  readonly kind: SyncErrorKind;
  readonly code?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly detail?: string;
  readonly note?: Note;

  constructor(kind: SyncErrorKind, message: string, options: SyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyncError';
    this.kind = kind;
    this.code = options.code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.detail = options.detail;
    this.note = options.note;
  }

  /** True for kinds that a later attempt may cure without the user doing anything. */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }

  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      message: this.message,
      code: this.code,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      detail: this.detail,
    };
  }
}

export function isSyncError(e: unknown): e is SyncError {
  return e instanceof SyncError;
}

export function isTransient(e: unknown): boolean {
  return e instanceof SyncError && e.transient;
}

/** Wrap anything thrown into a SyncError (unknown errors become `transient` only if they look like network errors). */
export function toSyncError(e: unknown, fallbackKind: SyncErrorKind = 'transient'): SyncError {
  if (e instanceof SyncError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SyncError(fallbackKind, message, { cause: e });
}

/**
 * A request that got no HTTP answer (axios/Node network error) as a SyncError: tls, unreachable, timeout, else
 * transient. `server` names the host in the messages ("ABRA server abra:443"); the axios config (which carries the
 * Authorization header) is never kept, only the code and message.
 */
export function networkError(e: unknown, host: string, server = host): SyncError {
  const err = e as { code?: string; message?: string; name?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  const safe = { code, cause: { code, message: err?.message } };
  // the sentence the UI shows in the user's language (the English message with Node's words stays for the log)
  const said = (key: 'run.tls' | 'run.unreachable' | 'run.timeout'): Note => ({ key, params: { host } });
  if (TLS_ERROR_CODES.has(code) || /certificate|ssl|tls/i.test(err?.message ?? ''))
    return new SyncError('tls', `TLS problem talking to ${host}: ${err?.message ?? code}`, {
      ...safe,
      note: said('run.tls'),
    });
  if (UNREACHABLE_ERROR_CODES.has(code))
    return new SyncError('unreachable', `${server} is unreachable (${code})`, {
      ...safe,
      note: said('run.unreachable'),
    });
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED' ||
    err?.name === 'TimeoutError' ||
    err?.name === 'CanceledError'
  )
    return new SyncError('timeout', `${server} did not answer in time`, {
      ...safe,
      note: said('run.timeout'),
    });
  return new SyncError('transient', `connection to ${server} failed: ${err?.message ?? code}`, safe);
}

/** Node/OpenSSL error codes of a TLS failure (untrusted, expired or mismatched certificate, not TLS at all). */
export const TLS_ERROR_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ABRA_TLS_PIN_MISMATCH',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Node error codes of a server that cannot be reached at all (name, route, port). */
export const UNREACHABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);
