/**
 * One EWS operation sent without the library's object model: the caller writes the operation's element, this file
 * wraps it in the envelope the library would send (its own SOAP header for this service: RequestServerVersion, and
 * the TimeZoneContext where the library sends one), posts it through the session's guarded HTTP layer with the
 * headers the library would set, and hands the answer back as a plain tree (./xml-tree.ts). It runs inside
 * `session.call`, so the sign-in's token renewal, the version redetection, the throttling retries and the
 * transport's error classification work as for a library call; the answer's ServerVersionInfo reaches the session
 * the way the library reports it. Used on the hot paths (docs/ARCHITECTURE.md, performance).
 */
import { SyncError } from '../../shared/errors';
import { parseFault } from './classify';
import { ews } from './ews-lib';
import type { EwsSession } from './session';
import { kindOfResponseCode } from './transport';
import { child, NS_SOAP, parseXml, path, textOf, type XmlElement } from './xml-tree';

const NAMESPACES =
  'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" ' +
  'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';

interface LibraryRequest {
  PropertySet: unknown;
  FolderIds: { Add(id: ews.FolderId): void };
  WriteToXml(writer: unknown): void;
}
interface LibraryWriter {
  GetXML(): string;
}
type Ctor<T> = new (...args: unknown[]) => T;
/** The two members of the library's service used here that its typings leave out or make read-only. */
interface LibraryService {
  PrepareHttpWebRequest(method: string): { url: string; headers?: Record<string, string>; data?: string };
  ServerInfo: ews.ExchangeServerInfo;
}

/** The library's SOAP header per service and per "with time zone", written once by the library itself. */
const headers = new WeakMap<ews.ExchangeService, Map<boolean, string>>();

/**
 * The SOAP header the library sends for this service: RequestServerVersion (its version string), and
 * TimeZoneContext when `withZone` or in the Exchange 2007 dialect (where the library always sends it). Taken from
 * the library's own writer (a GetFolder request it writes but never sends), so the lean requests cannot drift
 * from the library's dialect handling.
 */
export function soapHeader(service: ews.ExchangeService, withZone: boolean): string {
  let perService = headers.get(service);
  const known = perService?.get(withZone);
  if (known !== undefined) return known;
  const lib = ews as unknown as {
    GetFolderRequest: Ctor<LibraryRequest>;
    EwsServiceXmlWriter: Ctor<LibraryWriter>;
  };
  const req = new lib.GetFolderRequest(service, ews.ServiceErrorHandling.ThrowOnError);
  req.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly);
  req.FolderIds.Add(new ews.FolderId(ews.WellKnownFolderName.Inbox));
  Object.defineProperty(req, 'EmitTimeZoneHeader', { get: () => withZone });
  const writer = new lib.EwsServiceXmlWriter(service);
  req.WriteToXml(writer);
  const xml = writer.GetXML();
  const m = /<soap:Header>([\s\S]*)<\/soap:Header>/.exec(xml);
  if (!m) throw new SyncError('validation', 'the EWS library wrote no SOAP header');
  if (!perService) {
    perService = new Map();
    headers.set(service, perService);
  }
  perService.set(withZone, m[1]!);
  return m[1]!;
}

/** The whole request text: the envelope, the library's header, the operation element `body`. */
export function soapEnvelope(service: ews.ExchangeService, body: string, withZone = false): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope ${NAMESPACES}>` +
    `<soap:Header>${soapHeader(service, withZone)}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

export interface SoapOptions {
  /** Send the TimeZoneContext header (the library does for requests whose items carry times). */
  withZone?: boolean;
}

/**
 * Sends `body` (the operation element, written with the `m:` and `t:` prefixes) and gives the operation's response
 * element (`<m:{operation}Response>`) to `read`, whose result is returned. `read` runs inside the session's call:
 * a SyncError it throws (e.g. a throttling answer of a single-message operation) is handled like a library call's
 * error — retried after the server's back-off when throttled, else thrown.
 */
export function soapCall<T>(
  session: EwsSession,
  operation: string,
  body: string,
  read: (response: XmlElement) => T,
  options: SoapOptions = {},
): Promise<T> {
  return session.call(operation, async () => {
    const service = session.service as unknown as LibraryService;
    const request = service.PrepareHttpWebRequest(operation);
    request.data = soapEnvelope(session.service, body, options.withZone === true);
    const res = await session.http.xhr({
      type: 'POST',
      url: request.url,
      headers: request.headers ?? {},
      data: request.data,
    });
    const envelope = parseXml(String(res.responseText ?? ''), `the answer to ${operation}`);
    noteServerVersion(service, envelope);
    return read(operationResponse(envelope, operation, String(res.responseText ?? '')));
  });
}

/** The answer's ServerVersionInfo into the library's service, where the session reads it (as the library does). */
function noteServerVersion(service: LibraryService, envelope: XmlElement): void {
  const info = child(child(envelope, 'Header'), 'ServerVersionInfo');
  if (!info) return;
  const a = info.attrs;
  service.ServerInfo = ews.ExchangeServerInfo.Parse({
    MajorVersion: a.MajorVersion,
    MinorVersion: a.MinorVersion,
    MajorBuildNumber: a.MajorBuildNumber,
    MinorBuildNumber: a.MinorBuildNumber,
    Version: a.Version,
  });
}

/** `<soap:Body><m:{operation}Response>`; a SOAP fault in an answer that reached us is classified like the transport's. */
function operationResponse(envelope: XmlElement, operation: string, text: string): XmlElement {
  if (envelope.name !== 'Envelope' || envelope.ns !== NS_SOAP)
    throw new SyncError('malformed', `Exchange answered ${operation} with something that is not SOAP`);
  const bodyEl = child(envelope, 'Body');
  const response = child(bodyEl, `${operation}Response`);
  if (response) return response;
  if (child(bodyEl, 'Fault')) {
    const f = parseFault(text);
    const code = f.code ?? 'ErrorInternalServerError';
    throw new SyncError(
      kindOfResponseCode(code),
      `${operation}: ${code}${f.message ? ` — ${f.message}` : ''}`,
      {
        code,
        ...(f.backOffMs !== null ? { retryAfterMs: f.backOffMs } : {}),
      },
    );
  }
  throw new SyncError('malformed', `${operation}: the Exchange answer has no ${operation}Response`);
}

/** The response messages of a multi-item operation, in request order. */
export function responseMessages(response: XmlElement): XmlElement[] {
  return child(response, 'ResponseMessages')?.children ?? [];
}

/** True for ResponseClass Success or Warning (as the library counts success). */
export function messageOk(msg: XmlElement): boolean {
  const c = msg.attrs.ResponseClass;
  return c === 'Success' || c === 'Warning';
}

/**
 * A failed response message as the SyncError the library path gives (`responseError` in ./responses.ts): the
 * ResponseCode's kind, "context: Code — MessageText", the BackOffMilliseconds of a throttling answer. Null when
 * the message is a success.
 */
export function messageError(msg: XmlElement, context: string): SyncError | null {
  if (messageOk(msg)) return null;
  const code = textOf(msg, 'ResponseCode')?.trim() || 'ErrorInternalServerError';
  const text = textOf(msg, 'MessageText');
  let retryAfterMs: number | undefined;
  for (const v of path(msg, 'MessageXml')?.children ?? []) {
    if (v.name === 'Value' && v.attrs.Name === 'BackOffMilliseconds' && /^\d+$/.test(v.text.trim()))
      retryAfterMs = Number(v.text.trim());
  }
  return new SyncError(kindOfResponseCode(code), `${context}: ${code}${text ? ` — ${text}` : ''}`, {
    code,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
