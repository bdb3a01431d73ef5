/** A Microsoft Graph error answer (status, error body, Retry-After) as a SyncError. */
import { SyncError, type SyncErrorKind } from '../../shared/errors';

interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: { code?: string } };
}

const CURSOR_CODES = /^(syncStateNotFound|resyncRequired|syncStateInvalid|ErrorInvalidSyncStateData)$/i;

export function retryAfterMs(h: Record<string, unknown> | undefined): number | undefined {
  const v = h?.['retry-after'] ?? h?.['Retry-After'];
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/** Map a Graph error answer to a SyncError. */
export function graphError(
  status: number,
  body: unknown,
  headers: Record<string, unknown> | undefined,
  where: string,
): SyncError {
  const e = (body as GraphErrorBody | undefined)?.error;
  const code = e?.code ?? '';
  const msg = e?.message || `HTTP ${status}`;
  const ra = retryAfterMs(headers);
  let kind: SyncErrorKind;
  if (CURSOR_CODES.test(code) || CURSOR_CODES.test(e?.innerError?.code ?? '') || status === 410)
    kind = 'cursorInvalid';
  else if (status === 401) kind = 'auth';
  else if (status === 403) kind = 'forbidden';
  else if (status === 404 || code === 'ErrorInvalidIdMalformed') kind = 'notFound';
  else if (status === 409 || status === 412) kind = 'conflict';
  else if (status === 429) kind = 'throttled';
  else if ((status === 503 || status === 504) && ra !== undefined) kind = 'throttled';
  else if (status >= 500) kind = 'transient';
  else if (status === 400 && /^(BadRequest|ErrorInvalidUrlQuery|ErrorInvalidParameter)$/.test(code))
    kind = 'config';
  else kind = 'validation';
  const prefix =
    kind === 'auth'
      ? 'Microsoft 365 rejected the sign-in — sign in again'
      : kind === 'forbidden'
        ? 'Microsoft 365 refused access (missing permission or admin consent)'
        : kind === 'cursorInvalid'
          ? 'Microsoft 365 no longer accepts the saved change position; a full resync follows'
          : kind === 'conflict' && status === 412
            ? 'The item changed in Outlook since it was read'
            : code === 'ErrorInvalidIdMalformed'
              ? 'Microsoft 365 cannot read the stored item id (it is treated as gone)'
              : '';
  return new SyncError(kind, prefix ? `${prefix}: ${msg}` : msg, {
    status,
    code: code || undefined,
    retryAfterMs: ra,
    detail: where,
  });
}
