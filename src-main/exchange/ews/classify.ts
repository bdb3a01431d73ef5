/**
 * Every transport failure of an EWS call as a {@link SyncError}, with how long to wait before a retry (or none):
 * network errors, HTTP statuses, SOAP faults and their ResponseCodes. A write that may have been done (CreateItem,
 * SendItem, MoveItem, CopyItem) is never marked for a blind retry.
 */
import { SyncError, type SyncErrorKind, TLS_ERROR_CODES, UNREACHABLE_ERROR_CODES } from '../../shared/errors';
import { note } from '../../shared/messages';
import { isOldTlsRefusal } from './legacy-tls';
import type { TransportOptions, XhrResponseLike } from './xhr';

const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_BAD_RESPONSE', 'ECONNABORTED_RESET']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ERR_CANCELED']);

/** Operations that must not be re-sent after a dropped connection (the server may have done them). */
export const NOT_REPLAYABLE = new Set(['CreateItem', 'SendItem', 'MoveItem', 'CopyItem']);

export function soapOperation(body: unknown): string {
  if (typeof body !== 'string') return 'unknown';
  const m = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body);
  return m?.[1] ?? 'unknown';
}

export function header(r: XhrResponseLike, name: string): string | null {
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
