/**
 * Reading the library's answers: success of one response message, a per-item error, a thrown library error — each
 * comes out as a SyncError of the shared vocabulary.
 */
import { SyncError } from '../../shared/errors';
import { ews } from './ews-lib';
import { get } from './map';
import { kindOfResponseCode, takeTransportError } from './transport';

/** What the library's exceptions carry (ServiceResponseException, SoapFaultDetails …), read by name. */
interface LibraryFault {
  message?: string;
  Response?: ews.ServiceResponse;
  ErrorCode?: unknown;
  HttpStatusCode?: unknown;
  ResponseCode?: unknown;
  ErrorDetails?: { get?(key: string): unknown };
}

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export function errorCodeName(code: unknown): string {
  if (typeof code === 'string') return code;
  return ews.ServiceError[code as ews.ServiceError] ?? String(code);
}

/** A per-item ServiceResponse error → SyncError. */
export function responseError(resp: ews.ServiceResponse, context: string): SyncError {
  const code = errorCodeName(get(resp, 'ErrorCode'));
  const kind = kindOfResponseCode(code);
  const msg = get<string>(resp, 'ErrorMessage');
  let retryAfterMs: number | undefined;
  try {
    const d = get<LibraryFault['ErrorDetails']>(resp, 'ErrorDetails');
    const v = d?.get?.('BackOffMilliseconds');
    if (v) retryAfterMs = Number(v);
  } catch {
    /* none */
  }
  return new SyncError(kind, `${context}: ${code}${msg ? ` — ${msg}` : ''}`, { code, retryAfterMs });
}

export function isSuccess(resp: ews.ServiceResponse): boolean {
  const r = get(resp, 'Result');
  return r === ews.ServiceResult.Success || r === ews.ServiceResult.Warning;
}

/** Whatever a library call threw (or the transport parked) → SyncError. */
export function mapError(e: unknown, what: string): SyncError {
  const t = takeTransportError();
  if (t) return t;
  if (e instanceof SyncError) return e;
  const ex = typeof e === 'object' && e !== null ? (e as LibraryFault) : undefined;
  const name: string = (typeof e === 'object' && e?.constructor?.name) || '';
  if (name === 'ServiceResponseException' || (ex && 'Response' in ex && 'ErrorCode' in ex)) {
    const resp = get<ews.ServiceResponse>(ex, 'Response');
    return resp
      ? responseError(resp, what)
      : new SyncError('transient', `${what}: ${ex?.message ?? 'failed'}`);
  }
  if (name === 'SoapFaultDetails' || (ex && 'HttpStatusCode' in ex && 'ResponseCode' in ex)) {
    const status = Number(ex?.HttpStatusCode) || undefined;
    if (status === 401)
      return new SyncError('auth', 'Exchange refused the sign-in', {
        status,
        note: { key: 'run.exchangeAuth' },
      });
    if (status === 403) return new SyncError('forbidden', 'Exchange refused access', { status });
    const code = errorCodeName(ex?.ResponseCode);
    if (code && code !== 'NoError' && code !== '0') {
      let retryAfterMs: number | undefined;
      try {
        const v = ex?.ErrorDetails?.get?.('BackOffMilliseconds');
        if (v) retryAfterMs = Number(v);
      } catch {
        /* none */
      }
      return new SyncError(kindOfResponseCode(code), `${what}: ${code}`, { code, status, retryAfterMs });
    }
    return new SyncError('malformed', `${what}: the Exchange answer could not be read`, { status });
  }
  if (name === 'ServiceRequestException' || name === 'ServiceXmlDeserializationException')
    return new SyncError('malformed', `${what}: the Exchange answer could not be read`);
  if (
    name === 'ServiceValidationException' ||
    name === 'ArgumentException' ||
    name === 'ArgumentNullException'
  )
    return new SyncError('validation', `${what}: ${ex?.message ?? 'invalid request'}`);
  const message = e instanceof Error ? e.message : String(e);
  return new SyncError('transient', `${what}: ${message}`);
}
