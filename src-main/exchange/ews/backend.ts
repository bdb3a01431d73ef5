/**
 * The on-premises Exchange backend: EWS through ews-javascript-api (imported only via ./ews-lib, which installs the
 * Node ≥ 23 polyfill first). See docs/ews-backend.md for the request flow of every method.
 */
import { XhrApi } from '@ewsjs/xhr';
import { SyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import { trustOptions } from '../../shared/tls-trust';
import { ianaToWindows, windowsToIana } from '../timezones';
import {
  ABRA_CONTACT_FOLDER_NAME,
  type AccessTokenSource,
  type CalendarEvent,
  type ChangeOptions,
  type ChangePage,
  type CreateRequest,
  type DeleteResult,
  type ExchangeBackend,
  type ExchangeItem,
  type FolderKind,
  type FolderRef,
  type GetFolderOptions,
  type ItemChange,
  type ItemData,
  type MailboxInfo,
  type TimeWindow,
  type UpdateRequest,
  type WriteResult,
} from '../types';
import { type AutodiscoverOptions, discoverEwsUrl } from './autodiscover';
import { ews } from './ews-lib';
import { LegacyTlsAgent, legacyTlsHostOf } from './legacy-tls';
import {
  abraIdDef,
  applyAppointment,
  applyContact,
  applyTask,
  extended,
  get,
  setAppointmentZone,
  titleDef,
  toContact,
  toEvent,
  toMessage,
  toTask,
} from './map';
import { NtlmAuthProvider } from './ntlm';
import {
  GuardedXhr,
  kindOfResponseCode,
  peekTransportError,
  runCall,
  type TransportOptions,
  takeTransportError,
  withDeadline,
  type XhrLike,
  type XhrWithOptions,
} from './transport';
import { stripXmlForbiddenDeep } from './xml-text';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are handled reflectively
type Any = any;

export interface EwsConnection {
  email: string;
  /**
   * Empty = not known yet: only {@link EwsBackend.ewsUrl} (the app's Autodiscover button) discovers it; every other
   * call refuses with a `config` error, so Autodiscover never runs on a connect.
   */
  ewsUrl?: string;
  auth?: 'basic' | 'ntlm' | 'oauth';
  /** Basic/NTLM user (DOMAIN\\user or UPN); defaults to the e-mail. */
  user?: string;
  domain?: string;
  /** PEM of a custom CA (on-prem servers with an internal CA). */
  caCertificate?: string;
  /** IANA zone of the user (Europe/Prague). */
  timeZone?: string;
  /**
   * The admin's choice of EWS dialect: 'auto' (default) detects it from the server's ServerVersionInfo;
   * 'Exchange2007_SP1' forces the Exchange 2007 legacy mode, 'Exchange2010_SP2' today's mode.
   */
  serverVersion?: 'auto' | 'Exchange2007_SP1' | 'Exchange2010_SP2';
  /** The one host TLS 1.0/1.1 is allowed for, by the admin's policy only (see ./legacy-tls.ts). */
  legacyTlsHost?: string;
}

/** What the backend knows about the server's EWS version (see {@link EwsBackend.serverMode}). */
export interface EwsServerMode {
  /** The RequestServerVersion in use. */
  requestVersion: 'Exchange2007_SP1' | 'Exchange2010_SP2' | string;
  /** True in the Exchange 2007 legacy mode. */
  legacy2007: boolean;
  /** ServerVersionInfo of the last answer, when one was read (e.g. 8.3.83.6). */
  major?: number;
  minor?: number;
  build?: string;
  /** Where the mode came from. */
  source: 'default' | 'admin' | 'detected' | 'state';
}

/** EWS answers that mean "this server does not speak the RequestServerVersion you sent". */
export const VERSION_FAULTS = new Set([
  'ErrorInvalidServerVersion',
  'ErrorIncorrectSchemaVersion',
  'ErrorSchemaValidation',
]);

/** Exchange 2007 service pack from ServerVersionInfo MinorVersion (8.1 = SP1, 8.2 = SP2, 8.3 = SP3). */
export function exchange2007Label(minor: number | undefined): string {
  if (minor === undefined || minor <= 0) return 'Exchange 2007 RTM';
  return `Exchange 2007 SP${minor}`;
}

export interface EwsSecrets {
  password?: string | null;
  /** A fixed OAuth access token (scripts, the CLI's EXCHANGE_TOKEN). */
  token?: string | null;
  /** OAuth tokens that refresh (the app's sign-in); asked before every call, so an expired one is replaced. */
  tokenSource?: AccessTokenSource;
}

export interface EwsBackendOptions {
  /** RequestServerVersion (default Exchange2010_SP2: every server from 2010 SP2 to SE and Exchange Online). */
  serverVersion?: keyof typeof ews.ExchangeVersion;
  /** Total time one HTTP request may take, a slowly dripping answer included (default 100 s, as Exchange's own clients). */
  timeoutMs?: number;
  /** Items per GetItem request (≤ 50; default 50). */
  readBatchSize?: number;
  /** Items per CreateItem/UpdateItem/DeleteItem request (default 50). */
  writeBatchSize?: number;
  /** Default calendar window when getChanges gets none: days back / ahead. */
  defaultWindowDays?: { past: number; future: number };
  transport?: TransportOptions;
  /** Aborts every request of this backend (a cancelled connection test): the socket closes at once. */
  signal?: AbortSignal;
  /** Autodiscover tuning (tests point it at a loopback server). */
  autodiscover?: AutodiscoverOptions;
  /** Replace the HTTP layer (tests); it is still wrapped by the retry/concurrency guard. */
  xhr?: XhrLike;
}

interface Cursor {
  v: 1;
  /** EWS SyncState. */
  s: string;
  /** Calendar: recurring master ItemId → iCalendar UID, to report a deleted master's series. */
  m?: Record<string, string>;
}

const MAX_PAGE = 512;

/** Put an OAuth access token into the library's credentials; returns the Authorization header we send ourselves. */
function oauthHeader(service: Any, token: string): string {
  const bare = token.replace(/^Bearer\s+/i, '');
  try {
    service.Credentials = new ews.OAuthCredentials(bare);
  } catch {
    throw new SyncError('auth', 'the OAuth access token is not a valid JWT: sign in again');
  }
  return `Bearer ${bare}`;
}

function encodeCursor(c: Cursor): string {
  return JSON.stringify(c);
}

function decodeCursor(raw: string | null): Cursor | null {
  if (raw === null) return null;
  try {
    const c = JSON.parse(raw) as Cursor;
    if (c && c.v === 1 && typeof c.s === 'string') return c;
  } catch {
    /* fall through */
  }
  throw new SyncError(
    'cursorInvalid',
    'the saved Exchange sync state is not readable; a full resync is needed',
  );
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function errorCodeName(code: unknown): string {
  if (typeof code === 'string') return code;
  return (ews.ServiceError as Any)[code as number] ?? String(code);
}

/** A per-item ServiceResponse error → SyncError. */
function responseError(resp: Any, context: string): SyncError {
  const code = errorCodeName(get(resp, 'ErrorCode'));
  const kind = kindOfResponseCode(code);
  const msg = get<string>(resp, 'ErrorMessage');
  let retryAfterMs: number | undefined;
  try {
    const d = get(resp, 'ErrorDetails');
    const v = d?.get?.('BackOffMilliseconds');
    if (v) retryAfterMs = Number(v);
  } catch {
    /* none */
  }
  return new SyncError(kind, `${context}: ${code}${msg ? ` — ${msg}` : ''}`, { code, retryAfterMs });
}

function isSuccess(resp: Any): boolean {
  const r = get(resp, 'Result');
  return r === ews.ServiceResult.Success || r === ews.ServiceResult.Warning;
}

/** https only — plain http is accepted for this machine alone (emulators, the demo), never across the network. */
function checkEwsUrl(raw: string): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SyncError('config', `the EWS URL is not valid: ${raw}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(u.hostname);
  if (u.protocol === 'https:' || (u.protocol === 'http:' && loopback)) return;
  throw new SyncError(
    'config',
    `the EWS URL must start with https:// (e.g. https://mail.example.com/EWS/Exchange.asmx), not ${u.protocol}//`,
  );
}

/**
 * One WriteResult per item of a batch, in input order: `index[k]` is the input position of `items[k]`, whose
 * response is `responses[k]`; `idOf` reads the new id/ChangeKey of a successful one.
 */
function collectWriteResults(
  results: WriteResult[],
  index: number[],
  items: Any[],
  responses: Any[],
  op: 'CreateItem' | 'UpdateItem',
  idOf: (response: Any, item: Any) => Any,
): void {
  items.forEach((item, k) => {
    const r = responses[k];
    const at = index[k]!;
    if (r && isSuccess(r)) {
      const id = idOf(r, item);
      results[at] = { ok: true, id: String(id?.UniqueId ?? ''), changeKey: String(id?.ChangeKey ?? '') };
    } else {
      results[at] = {
        ok: false,
        error: r ? responseError(r, op) : new SyncError('malformed', `${op}: no answer for item`),
      };
    }
  });
}

/** True when this write already sets the appointment's zone (the library tracks changed properties). */
function timesSet(item: Any): boolean {
  return item.PropertyBag?.IsPropertyUpdated?.(ews.AppointmentSchema.StartTimeZone) === true;
}

/** Answers that mean the item cannot be reached by this id any more: a delete of it has nothing left to do. */
const GONE = new Set(['ErrorItemNotFound', 'ErrorInvalidIdMalformed']);

/** A failed request whose answer was lost: the server may have carried it out. */
function maybeDone(e: SyncError): boolean {
  return e.kind === 'transient' || e.kind === 'timeout';
}

/** Successful writes that lost characters XML cannot carry get a note saying how many. */
function withNotes(results: WriteResult[], removed: Map<number, number>): WriteResult[] {
  for (const [at, count] of removed) {
    const r = results[at];
    if (r?.ok) results[at] = { ...r, note: note('run.xmlCharsRemoved', { count }) };
  }
  return results;
}

export class EwsBackend implements ExchangeBackend {
  readonly kind = 'ews' as const;
  /** The library's service; replaced when the server's version calls for another dialect (see serverMode). */
  service: Any;
  readonly http: GuardedXhr;
  private mode: EwsServerMode;
  /** True once an answer's ServerVersionInfo confirmed the mode in this backend's life. */
  private versionConfirmed = false;
  private credentials: Any = null;
  /** The TLS version of the last connection made under the admin's legacy-TLS allowance, if any. */
  private legacyTlsProtocol: string | null = null;
  private readonly windowsZone: string | null;
  private readonly readBatch: number;
  private readonly writeBatch: number;
  get writeBatchSize(): number {
    return this.writeBatch;
  }
  private readonly folders = new Map<string, FolderRef>();
  private urlResolved: boolean;
  private readonly o: EwsBackendOptions;
  /** The unguarded HTTP layer (Autodiscover speaks POX, not SOAP) and the header it sends. */
  private readonly inner: XhrLike;
  /** A transport without credentials (Autodiscover's plain-HTTP redirect probe). */
  private readonly anonymous: XhrLike;
  private authorization: string | null;
  private readonly tokenSource: AccessTokenSource | null;
  private currentToken: string | null = null;

  constructor(
    private readonly conn: EwsConnection,
    secrets: EwsSecrets,
    opts: EwsBackendOptions = {},
  ) {
    this.o = opts;
    const pinned =
      opts.serverVersion ??
      (conn.serverVersion && conn.serverVersion !== 'auto' ? conn.serverVersion : undefined);
    const requestVersion = pinned ?? 'Exchange2010_SP2';
    const version = (ews.ExchangeVersion as Any)[requestVersion];
    if (version === undefined)
      throw new SyncError('config', `unknown EWS server version ${opts.serverVersion}`);
    this.mode = {
      requestVersion,
      legacy2007: version <= ews.ExchangeVersion.Exchange2007_SP1,
      source: pinned ? 'admin' : 'default',
    };
    const tz = conn.timeZone || 'Europe/Prague';
    this.windowsZone = ianaToWindows(tz);
    this.readBatch = Math.max(1, Math.min(50, opts.readBatchSize ?? 50));
    this.writeBatch = Math.max(1, opts.writeBatchSize ?? 50);

    const service = this.newService(version);
    const auth = conn.auth ?? 'basic';
    const user = conn.user || conn.email;
    const requestOptions: Record<string, unknown> = { timeout: opts.timeoutMs ?? 100_000 };
    const legacyHost = legacyTlsHostOf(conn.legacyTlsHost);
    // bundled + the system's store + the company CA (shared/tls-trust.ts)
    const trust = trustOptions(conn.caCertificate);
    requestOptions.httpsAgent = new LegacyTlsAgent({ ...trust, keepAlive: true }, legacyHost, (protocol) => {
      this.legacyTlsProtocol = protocol;
    });
    let inner: XhrLike;
    if (opts.xhr) {
      inner = opts.xhr;
      this.anonymous = opts.xhr;
    } else {
      // every request has a total deadline (timeoutMs), not only a per-chunk one
      const totalMs = opts.timeoutMs ?? 100_000;
      this.anonymous = withDeadline(
        new XhrApi(requestOptions as Any) as unknown as XhrWithOptions,
        totalMs,
        opts.signal,
      );
      const x = new XhrApi(requestOptions as Any);
      if (auth === 'ntlm') {
        if (!secrets.password) throw new SyncError('config', 'NTLM sign-in needs a password');
        const ntlmUser =
          conn.domain && !user.includes('\\') && !user.includes('@') ? `${conn.domain}\\${user}` : user;
        x.setAuthProvider(new NtlmAuthProvider(ntlmUser, secrets.password, trust, '.', legacyHost) as Any);
      }
      inner = withDeadline(x as unknown as XhrWithOptions, totalMs, opts.signal);
    }
    let authorization: string | null = null;
    this.tokenSource = auth === 'oauth' ? (secrets.tokenSource ?? null) : null;
    if (auth === 'oauth' && !this.tokenSource) {
      const token = secrets.token?.trim();
      if (!token) throw new SyncError('auth', 'no OAuth access token: sign in again');
      authorization = oauthHeader(service, token);
    } else if (auth === 'oauth') {
      // credentials are set before the first call, from the token source
    } else {
      if (!secrets.password) throw new SyncError('config', 'the Exchange password is missing');
      service.Credentials = new ews.WebCredentials(user, secrets.password);
      this.credentials = service.Credentials;
      if (auth === 'basic')
        authorization = `Basic ${Buffer.from(`${user}:${secrets.password}`).toString('base64')}`;
    }
    this.inner = inner;
    this.authorization = authorization;
    this.http = new GuardedXhr(inner, { ...opts.transport, ...(opts.signal ? { signal: opts.signal } : {}) });
    service.XHRApi = this.http as Any;
    service.UserAgent = 'ABRA-Gen-Exchange-Sync';
    this.urlResolved = false;
    if (conn.ewsUrl) {
      checkEwsUrl(conn.ewsUrl);
      service.Url = new ews.Uri(conn.ewsUrl);
      this.urlResolved = true;
    }
    this.service = service;
  }

  // ---------- plumbing ----------

  /**
   * A library service for this RequestServerVersion. In the Exchange 2007 mode it carries the user's time zone:
   * the library names it in the TimeZoneContext header (2007 SP2+ use it for task dates) and writes it as the
   * MeetingTimeZone of appointments; without it the PC's zone would be sent.
   */
  private newService(version: number): Any {
    if (version > ews.ExchangeVersion.Exchange2007_SP1) return new ews.ExchangeService(version);
    if (!this.windowsZone)
      throw new SyncError(
        'config',
        `the time zone ${this.conn.timeZone} has no Windows equivalent; Exchange 2007 needs one for calendar items`,
      );
    let tz: Any;
    try {
      tz = ews.TimeZoneInfo.FindSystemTimeZoneById(this.windowsZone);
    } catch (e) {
      throw new SyncError('config', `the time zone ${this.windowsZone} is unknown to the EWS library`, {
        cause: e,
      });
    }
    return new ews.ExchangeService(version, tz);
  }

  /**
   * The 2007 dialect was refused by its schema: Exchange 2007 before SP2 has no TimeZoneContext header, which the
   * library always sends in that dialect (and its "Exchange 2007 compatibility mode" sends Version="Exchange2007",
   * which the 2007 schema's fixed Exchange2007_SP1 refuses too). So one GetFolder written here, without that
   * header, tells: an 8.0/8.1 server gets a clear "unsupported, install SP3" instead of a version error. Writing
   * without the header is no way out: the library then writes no MeetingTimeZone either, and every series would
   * shift at each daylight-saving change.
   */
  private async refuseExchange2007Sp1(): Promise<void> {
    const url = String(this.service.Url?.AbsoluteUri ?? this.service.Url ?? '');
    if (!url) return;
    const body =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">' +
      '<soap:Header><t:RequestServerVersion Version="Exchange2007_SP1"/></soap:Header><soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>' +
      '<m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>';
    const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
    if (this.authorization) headers.Authorization = this.authorization;
    let text = '';
    try {
      text = String((await this.inner.xhr({ type: 'POST', url, data: body, headers })).responseText ?? '');
    } catch {
      return; // no answer to go by: the version error stands
    }
    const m =
      /<(?:\w+:)?ServerVersionInfo\b[^>]*\bMajorVersion="(\d+)"[^>]*\bMinorVersion="(\d+)"(?:[^>]*\bMajorBuildNumber="(\d+)")?(?:[^>]*\bMinorBuildNumber="(\d+)")?/.exec(
        text,
      );
    if (!m) return;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    if (major !== 8 || minor >= 2) return;
    this.mode = {
      ...this.mode,
      major,
      minor,
      build: m.slice(1).filter(Boolean).join('.'),
      source: 'detected',
    };
    throw new SyncError(
      'config',
      `${exchange2007Label(minor)} (${this.mode.build}) is not supported: install Service Pack 3 for Exchange 2007 (the sync needs Exchange 2007 SP2 or later)`,
      { code: 'Exchange2007BeforeSP2', note: note('ews.exchange2007Sp1') },
    );
  }

  /** The server's EWS version as far as known, and the dialect in use. */
  get serverMode(): EwsServerMode {
    return { ...this.mode };
  }

  /** Switch the library's service to another RequestServerVersion, keeping URL, credentials and HTTP layer. */
  private switchVersion(requestVersion: 'Exchange2007_SP1' | 'Exchange2010_SP2'): void {
    if (this.mode.requestVersion === requestVersion) return;
    const old = this.service;
    const next = this.newService((ews.ExchangeVersion as Any)[requestVersion]);
    if (old.Credentials) next.Credentials = old.Credentials;
    else if (this.credentials) next.Credentials = this.credentials;
    next.XHRApi = this.http as Any;
    next.UserAgent = old.UserAgent;
    if (this.urlResolved) next.Url = old.Url;
    this.service = next;
    this.mode = {
      ...this.mode,
      requestVersion,
      legacy2007: requestVersion === 'Exchange2007_SP1',
      source: 'detected',
    };
  }

  /**
   * After an answer: read its ServerVersionInfo. Major version 8 is Exchange 2007 (needs the 2007 dialect), 14 and
   * later take today's. With an admin's pinned version nothing changes.
   */
  private noteServerInfo(): 'same' | 'changed' {
    const si = get(this.service, 'ServerInfo');
    const major = Number(si?.MajorVersion);
    if (!si || !Number.isFinite(major) || major <= 0) return 'same';
    this.mode.major = major;
    this.mode.minor = Number(si.MinorVersion);
    this.mode.build = [si.MajorVersion, si.MinorVersion, si.MajorBuildNumber, si.MinorBuildNumber]
      .filter((x: unknown) => x !== undefined && x !== null)
      .join('.');
    this.versionConfirmed = true;
    if (this.mode.source === 'admin') return 'same';
    const want = major <= 8 ? 'Exchange2007_SP1' : 'Exchange2010_SP2';
    if (want === this.mode.requestVersion) {
      this.mode.source = 'detected';
      return 'same';
    }
    this.switchVersion(want);
    return 'changed';
  }

  /**
   * A version fault (ErrorInvalidServerVersion, ErrorIncorrectSchemaVersion; ErrorSchemaValidation while the
   * version is not yet confirmed by an answer): ask the server in the dialect every Exchange from 2007 SP1 on
   * accepts (a GetFolder of the Inbox sent as Exchange2007_SP1) and take the mode its ServerVersionInfo calls
   * for. True when the mode changed, so the failed call is worth repeating.
   */
  private async redetect(err: SyncError): Promise<boolean> {
    if (this.mode.source === 'admin' || !err.code || !VERSION_FAULTS.has(err.code)) return false;
    if (err.code === 'ErrorSchemaValidation' && this.versionConfirmed) return false;
    const before = this.mode.requestVersion;
    this.switchVersion('Exchange2007_SP1');
    try {
      await ews.Folder.Bind(
        this.service,
        ews.WellKnownFolderName.Inbox,
        new ews.PropertySet(ews.BasePropertySet.IdOnly),
      );
    } catch (e) {
      const probe = takeTransportError() ?? this.mapError(e, 'GetFolder');
      this.switchVersion(before as 'Exchange2007_SP1' | 'Exchange2010_SP2');
      if (probe.code === 'ErrorSchemaValidation') await this.refuseExchange2007Sp1();
      return false;
    }
    this.noteServerInfo();
    if (this.mode.requestVersion === before) return false;
    if (this.mode.major === undefined) {
      // an answer without ServerVersionInfo: keep the dialect that worked
      this.mode.source = 'detected';
    }
    return true;
  }

  /** Run one library call chain; whatever it throws comes out as a SyncError. */
  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return runCall(async () => {
      let renewed = false;
      let redetected = false;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.ensureToken();
          await this.ensureUrl();
          const out = await fn();
          this.noteServerInfo();
          return out;
        } catch (e) {
          const fromTransport = takeTransportError();
          if (fromTransport?.kind === 'auth' && this.tokenSource && !renewed) {
            // A token the server no longer takes (revoked, clock skew): once more with a fresh one.
            renewed = true;
            this.tokenSource.invalidate?.();
            continue;
          }
          const err = fromTransport ?? this.mapError(e, what);
          if (!redetected && (await this.redetect(err))) {
            // the server speaks another EWS dialect than the one this call used: once more in the right one
            redetected = true;
            continue;
          }
          if (fromTransport) throw fromTransport; // already retried there
          // Throttling answered inside a response message (HTTP 200): the request did nothing, so repeat the call.
          const wait = this.http.retryDelay(err, attempt);
          if (wait === null) throw err;
          await this.http.pause(wait);
        }
      }
    });
  }

  /** With a token source: the current access token in the library's credentials and our own header. */
  private async ensureToken(): Promise<void> {
    if (!this.tokenSource) return;
    const token = (await this.tokenSource.getAccessToken()).trim();
    if (token === this.currentToken) return;
    this.authorization = oauthHeader(this.service, token);
    this.currentToken = token;
  }

  private async ensureUrl(): Promise<void> {
    if (this.urlResolved) return;
    throw new SyncError(
      'config',
      'no EWS URL is stored: enter it, or find it once with Autodiscover in the app (Connections)',
    );
  }

  /** Autodiscover: find the EWS URL once (the caller stores it). */
  private async discover(): Promise<void> {
    if (this.urlResolved) return;
    await this.ensureToken();
    const url = await discoverEwsUrl(this.conn.email, this.inner, this.authorization, {
      anonymous: this.anonymous,
      ...this.o.autodiscover,
    });
    checkEwsUrl(url);
    this.service.Url = new ews.Uri(url);
    this.urlResolved = true;
  }

  /** The EWS URL in use; when none was configured, found by Autodiscover (the caller stores it). */
  async ewsUrl(): Promise<string> {
    await runCall(() => this.discover());
    return String(this.service.Url?.AbsoluteUri ?? this.service.Url);
  }

  mapError(e: unknown, what: string): SyncError {
    const t = takeTransportError();
    if (t) return t;
    if (e instanceof SyncError) return e;
    const ex = e as Any;
    const name: string = ex?.constructor?.name ?? '';
    if (name === 'ServiceResponseException' || (ex && 'Response' in ex && 'ErrorCode' in ex)) {
      const resp = get(ex, 'Response');
      return resp
        ? responseError(resp, what)
        : new SyncError('transient', `${what}: ${ex?.message ?? 'failed'}`);
    }
    if (name === 'SoapFaultDetails' || (ex && 'HttpStatusCode' in ex && 'ResponseCode' in ex)) {
      const status = Number(ex.HttpStatusCode) || undefined;
      if (status === 401)
        return new SyncError('auth', 'Exchange refused the sign-in', {
          status,
          note: { key: 'run.exchangeAuth' },
        });
      if (status === 403) return new SyncError('forbidden', 'Exchange refused access', { status });
      const code = errorCodeName(ex.ResponseCode);
      if (code && code !== 'NoError' && code !== '0') {
        let retryAfterMs: number | undefined;
        try {
          const v = ex.ErrorDetails?.get?.('BackOffMilliseconds');
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

  private folderId(folder: FolderRef): Any {
    return new ews.FolderId(folder.id);
  }

  private propsFor(kind: FolderKind, withBody = true): Any {
    const S = ews;
    let defs: Any[];
    switch (kind) {
      case 'contacts':
        defs = [
          S.ContactSchema.DisplayName,
          S.ContactSchema.FileAs,
          S.ContactSchema.GivenName,
          S.ContactSchema.MiddleName,
          S.ContactSchema.Surname,
          S.ContactSchema.CompanyName,
          S.ContactSchema.Department,
          S.ContactSchema.JobTitle,
          S.ContactSchema.EmailAddresses,
          S.ContactSchema.PhoneNumbers,
          S.ContactSchema.PhysicalAddresses,
          S.ContactSchema.BusinessHomePage,
          S.ItemSchema.Body,
          S.ItemSchema.Categories,
          S.ItemSchema.LastModifiedTime,
          S.ItemSchema.ParentFolderId,
          S.ItemSchema.ItemClass,
          titleDef,
        ];
        break;
      case 'calendar':
        defs = [
          S.ItemSchema.Subject,
          S.AppointmentSchema.Start,
          S.AppointmentSchema.End,
          S.AppointmentSchema.IsAllDayEvent,
          S.AppointmentSchema.Location,
          S.ItemSchema.Body,
          S.ItemSchema.Sensitivity,
          S.AppointmentSchema.LegacyFreeBusyStatus,
          S.ItemSchema.Categories,
          S.AppointmentSchema.RequiredAttendees,
          S.AppointmentSchema.OptionalAttendees,
          S.AppointmentSchema.Organizer,
          S.ItemSchema.IsReminderSet,
          S.ItemSchema.ReminderMinutesBeforeStart,
          S.AppointmentSchema.AppointmentType,
          S.AppointmentSchema.ICalUid,
          S.AppointmentSchema.OriginalStart,
          S.AppointmentSchema.ICalRecurrenceId,
          S.ItemSchema.LastModifiedTime,
          S.ItemSchema.ParentFolderId,
        ];
        break;
      case 'tasks':
        defs = [
          S.ItemSchema.Subject,
          S.TaskSchema.StartDate,
          S.TaskSchema.DueDate,
          S.TaskSchema.CompleteDate,
          S.TaskSchema.Status,
          S.ItemSchema.Importance,
          S.TaskSchema.PercentComplete,
          S.ItemSchema.Body,
          S.ItemSchema.Sensitivity,
          S.ItemSchema.Categories,
          S.ItemSchema.LastModifiedTime,
          S.ItemSchema.ParentFolderId,
        ];
        break;
      default:
        defs = [
          S.ItemSchema.ItemClass,
          S.ItemSchema.Subject,
          S.EmailMessageSchema.InternetMessageId,
          S.EmailMessageSchema.From,
          S.EmailMessageSchema.Sender,
          S.EmailMessageSchema.ToRecipients,
          S.EmailMessageSchema.CcRecipients,
          S.EmailMessageSchema.BccRecipients,
          S.ItemSchema.DateTimeSent,
          S.ItemSchema.DateTimeReceived,
          S.ItemSchema.IsDraft,
          S.ItemSchema.Sensitivity,
          S.ItemSchema.Categories,
          S.ItemSchema.HasAttachments,
          S.ItemSchema.Attachments,
          S.ItemSchema.Size,
          S.ItemSchema.InReplyTo,
          S.EmailMessageSchema.References,
          S.ItemSchema.LastModifiedTime,
          S.ItemSchema.ParentFolderId,
        ];
        if (withBody) defs.push(S.ItemSchema.Body);
    }
    defs.push(abraIdDef);
    const ps = new ews.PropertySet(ews.BasePropertySet.IdOnly, defs);
    ps.RequestedBodyType = ews.BodyType.Text;
    return ps;
  }

  private convert(kind: FolderKind, item: Any, withBody: boolean): ExchangeItem | null {
    switch (kind) {
      case 'contacts':
        return item instanceof ews.Contact ? toContact(item) : null;
      case 'calendar':
        return item instanceof ews.Appointment ? toEvent(item) : null;
      case 'tasks':
        return item instanceof ews.Task ? toTask(item) : null;
      default:
        return toMessage(item, withBody);
    }
  }

  /** GetItem in batches; missing/invalid ids are left out; other per-item errors throw. */
  private async getRaw(kind: FolderKind, ids: string[], withBody = true): Promise<Map<string, Any>> {
    const out = new Map<string, Any>();
    const ps = this.propsFor(kind, withBody);
    // Batches run in parallel; the transport's semaphore keeps the number of requests in flight small.
    const answers = await Promise.all(
      chunks(ids, this.readBatch).map(async (batch) => ({
        batch,
        res: await this.service.BindToItems(
          batch.map((id) => new ews.ItemId(id)),
          ps,
        ),
      })),
    );
    for (const { batch, res } of answers) {
      const responses: Any[] = res.Responses ?? [];
      responses.forEach((r, i) => {
        if (isSuccess(r)) {
          const item = get(r, 'Item');
          if (item) out.set(batch[i]!, item);
          return;
        }
        const code = errorCodeName(get(r, 'ErrorCode'));
        if (
          code === 'ErrorItemNotFound' ||
          code === 'ErrorInvalidIdMalformed' ||
          code === 'ErrorInvalidIdNotAnItemAttachmentId'
        )
          return;
        throw responseError(r, 'GetItem');
      });
    }
    return out;
  }

  // ---------- ExchangeBackend ----------

  async testConnection(): Promise<MailboxInfo> {
    return this.call('testConnection', async () => {
      await ews.Folder.Bind(
        this.service,
        ews.WellKnownFolderName.Inbox,
        new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.FolderSchema.DisplayName]),
      );
      const info: MailboxInfo = { email: this.conn.email };
      try {
        const names = await this.service.ResolveName(
          this.conn.email,
          ews.ResolveNameSearchLocation.DirectoryOnly,
          false,
        );
        const first = names?.Count > 0 ? names._getItem(0) : null;
        const mb = first ? get(first, 'Mailbox') : null;
        if (mb?.Address) info.email = String(mb.Address);
        if (mb?.Name) info.displayName = String(mb.Name);
      } catch (e) {
        const t = takeTransportError();
        if (
          t &&
          (t.kind === 'auth' || t.kind === 'forbidden' || t.kind === 'tls' || t.kind === 'unreachable')
        )
          throw t;
        void e; // ResolveNames is optional: some servers/policies refuse it
      }
      this.noteServerInfo();
      const si = get(this.service, 'ServerInfo');
      if (si) {
        info.serverVersion = [si.MajorVersion, si.MinorVersion, si.MajorBuildNumber, si.MinorBuildNumber]
          .filter((x: unknown) => x !== undefined && x !== null)
          .join('.');
        if (si.VersionString) info.serverVersion += ` (${si.VersionString})`;
      }
      if (
        this.legacyTlsProtocol &&
        this.legacyTlsProtocol !== 'TLSv1.2' &&
        this.legacyTlsProtocol !== 'TLSv1.3'
      )
        info.legacyTls = this.legacyTlsProtocol;
      if (this.mode.legacy2007) {
        const label = exchange2007Label(this.mode.major === 8 ? this.mode.minor : undefined);
        info.serverVersion = `${label}${info.serverVersion ? ` ${info.serverVersion}` : ''}, legacy mode`;
        info.legacyMode = 'exchange2007';
        // SP1 and older have no TimeZoneContext header, which the library always sends in this mode
        if (this.mode.major === 8 && (this.mode.minor ?? 0) < 2) info.unsupported = 'exchange2007sp1';
      }
      const iana = this.conn.timeZone || (this.windowsZone ? windowsToIana(this.windowsZone) : null);
      if (iana) info.timeZone = iana;
      return info;
    });
  }

  async getFolder(kind: FolderKind, path?: string, options: GetFolderOptions = {}): Promise<FolderRef> {
    const cacheKey = `${kind}|${path ?? ''}`;
    const cached = this.folders.get(cacheKey);
    if (cached) return cached;
    if (!path && options.known?.kind === kind && options.known.id) {
      // the dialect found in an earlier run: spoken from the first call (an answer saying otherwise corrects it)
      if (options.known.ewsVersion && this.mode.source === 'default' && !this.versionConfirmed) {
        this.switchVersion(options.known.ewsVersion);
        this.mode.source = 'state';
      }
      this.folders.set(cacheKey, options.known);
      return options.known;
    }
    const ref = await this.call(`getFolder ${kind}`, async () => {
      switch (kind) {
        case 'contacts':
          return this.findOrCreateContactsFolder(options.create ?? true);
        case 'calendar':
        case 'tasks':
        case 'inbox':
        case 'sentitems': {
          const wk = {
            calendar: ews.WellKnownFolderName.Calendar,
            tasks: ews.WellKnownFolderName.Tasks,
            inbox: ews.WellKnownFolderName.Inbox,
            sentitems: ews.WellKnownFolderName.SentItems,
          }[kind];
          const f = await ews.Folder.Bind(
            this.service,
            wk,
            new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.FolderSchema.DisplayName]),
          );
          return { id: String(f.Id.UniqueId), kind, displayName: String(get(f, 'DisplayName') ?? kind) };
        }
        case 'mail':
          if (!path) throw new SyncError('config', 'a mail folder needs a path such as "Inbox/Customers"');
          return this.resolveMailPath(path);
        default:
          throw new SyncError('config', `unknown folder kind ${String(kind)}`);
      }
    });
    if (this.mode.legacy2007) ref.ewsVersion = 'Exchange2007_SP1';
    this.folders.set(cacheKey, ref);
    return ref;
  }

  private async findChild(parent: Any, name: string): Promise<Any | null> {
    const view = new ews.FolderView(10);
    view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [
      ews.FolderSchema.DisplayName,
      ews.FolderSchema.FolderClass,
    ]);
    const res = await this.service.FindFolders(
      parent,
      new ews.SearchFilter.IsEqualTo(ews.FolderSchema.DisplayName, name),
      view,
    );
    const folders: Any[] = res.Folders ?? [];
    return (
      folders.find((f) => String(get(f, 'DisplayName') ?? '').toLowerCase() === name.toLowerCase()) ?? null
    );
  }

  private async findOrCreateContactsFolder(create: boolean): Promise<FolderRef> {
    const name = ABRA_CONTACT_FOLDER_NAME;
    const parent = new ews.FolderId(ews.WellKnownFolderName.Contacts);
    const ref = (f: Any): FolderRef => ({ id: String(f.Id.UniqueId), kind: 'contacts', displayName: name });
    const found = await this.findChild(parent, name);
    if (found) return ref(found);
    if (!create) throw new SyncError('notFound', `the contacts folder "${name}" does not exist yet`);
    // A generic Folder with the contacts class (what Outlook creates; Exchange answers with the same element).
    const folder = new ews.Folder(this.service);
    folder.DisplayName = name;
    folder.FolderClass = 'IPF.Contact';
    try {
      await folder.Save(parent);
      return ref(folder);
    } catch (e) {
      // ErrorFolderExists (another client created it meanwhile), or an answer the library could not match to the
      // request (servers answer <t:ContactsFolder> or <t:Folder>): the folder is there or it is not — look again.
      const err = this.mapError(e, 'CreateFolder');
      if (err.kind === 'auth' || err.kind === 'forbidden' || err.kind === 'tls' || err.kind === 'unreachable')
        throw err;
      const again = await this.findChild(parent, name);
      if (again) return ref(again);
      throw err;
    }
  }

  private async resolveMailPath(path: string): Promise<FolderRef> {
    const segments = path
      .split('/')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!segments.length) throw new SyncError('config', `empty mail folder path "${path}"`);
    let parent: Any = new ews.FolderId(ews.WellKnownFolderName.MsgFolderRoot);
    let current: Any = null;
    for (const [i, seg] of segments.entries()) {
      current = await this.findChild(parent, seg);
      if (!current && i === 0) {
        const wk = (
          { inbox: ews.WellKnownFolderName.Inbox, 'sent items': ews.WellKnownFolderName.SentItems } as Record<
            string,
            number
          >
        )[seg.toLowerCase()];
        if (wk !== undefined)
          current = await ews.Folder.Bind(
            this.service,
            wk,
            new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.FolderSchema.DisplayName]),
          );
      }
      if (!current)
        throw new SyncError('notFound', `mail folder "${segments.slice(0, i + 1).join('/')}" not found`);
      parent = new ews.FolderId(String(current.Id.UniqueId));
    }
    return {
      id: String(current.Id.UniqueId),
      kind: 'mail',
      displayName: String(get(current, 'DisplayName') ?? segments.at(-1)),
      path: segments.join('/'),
    };
  }

  async listMailFolders(): Promise<FolderRef[]> {
    return this.call('listMailFolders', async () => {
      const all: Any[] = [];
      for (let offset = 0; offset < 100_000; ) {
        const view = new ews.FolderView(500, offset);
        view.Traversal = ews.FolderTraversal.Deep;
        view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [
          ews.FolderSchema.DisplayName,
          ews.FolderSchema.FolderClass,
          ews.FolderSchema.ParentFolderId,
        ]);
        const res = await this.service.FindFolders(
          new ews.FolderId(ews.WellKnownFolderName.MsgFolderRoot),
          view,
        );
        const got: Any[] = res.Folders ?? [];
        all.push(...got);
        if (!res.MoreAvailable || got.length === 0) break;
        offset = typeof res.NextPageOffset === 'number' ? res.NextPageOffset : offset + got.length;
      }
      const byId = new Map<string, { name: string; parent: string | null; cls: string }>();
      for (const f of all) {
        if (f instanceof ews.SearchFolder) continue; // virtual views (AllItems, ...), not places mail lives in
        byId.set(String(f.Id.UniqueId), {
          name: String(get(f, 'DisplayName') ?? ''),
          parent: get(f, 'ParentFolderId')?.UniqueId ? String(get(f, 'ParentFolderId').UniqueId) : null,
          cls: String(get(f, 'FolderClass') ?? ''),
        });
      }
      const pathOf = (id: string): string => {
        const parts: string[] = [];
        let cur: string | null = id;
        for (let guard = 0; cur && guard < 64; guard++) {
          const n = byId.get(cur);
          if (!n) break;
          parts.unshift(n.name);
          cur = n.parent;
        }
        return parts.join('/');
      };
      const out: FolderRef[] = [];
      for (const [id, n] of byId) {
        if (n.cls !== 'IPF.Note' && !n.cls.startsWith('IPF.Note.')) continue;
        out.push({ id, kind: 'mail', displayName: n.name, path: pathOf(id) });
      }
      return out.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
    });
  }

  async getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options: ChangeOptions = {},
  ): Promise<ChangePage<T>> {
    const prev = decodeCursor(cursor);
    const pageSize = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.pageSize ?? MAX_PAGE)));
    return this.readChanges<T>(folder, prev, pageSize, options).catch((e) => {
      // the folder itself is gone (deleted in Outlook): forget it, the next getFolder finds or creates it anew
      if (e instanceof SyncError && e.kind === 'notFound') {
        for (const [k, f] of this.folders) if (f.id === folder.id) this.folders.delete(k);
      }
      throw e;
    });
  }

  private readChanges<T extends ExchangeItem>(
    folder: FolderRef,
    prev: Cursor | null,
    pageSize: number,
    options: ChangeOptions,
  ): Promise<ChangePage<T>> {
    return this.call('getChanges', async () => {
      const res = await this.service.SyncFolderItems(
        this.folderId(folder),
        new ews.PropertySet(ews.BasePropertySet.IdOnly),
        null,
        pageSize,
        ews.SyncFolderItemsScope.NormalItems,
        prev?.s ?? null,
      );
      const order: { id: string; deleted: boolean; known?: boolean }[] = [];
      const seen = new Map<string, number>();
      const count: number = res.Count ?? 0;
      for (let i = 0; i < count; i++) {
        const ch = res._getItem(i);
        const type = (ews.ChangeType as Any)[ch.ChangeType] ?? String(ch.ChangeType);
        const itemId = get(ch, 'ItemId') ?? get(ch, 'Id');
        const id = String(itemId?.UniqueId ?? '');
        if (!id || type === 'ReadFlagChange') continue;
        const entry = { id, deleted: type === 'Delete' };
        // the echo of the caller's own write (same id and ChangeKey): no need to fetch it
        const changeKey = itemId?.ChangeKey ? String(itemId.ChangeKey) : '';
        if (!entry.deleted && changeKey && options.isKnown?.(id, changeKey)) {
          const at = seen.get(id);
          if (at !== undefined) order[at] = { id, deleted: false, known: true };
          continue;
        }
        const at = seen.get(id);
        if (at !== undefined) order[at] = entry;
        else {
          seen.set(id, order.length);
          order.push(entry);
        }
      }
      const masters: Record<string, string> = { ...(prev?.m ?? {}) };
      const wantIds = order.filter((o) => !o.deleted && !o.known).map((o) => o.id);
      const withBody =
        folder.kind === 'contacts' ||
        folder.kind === 'calendar' ||
        folder.kind === 'tasks' ||
        options.withBody === true;
      const raw = await this.getRaw(folder.kind, wantIds, withBody);
      const changes: ItemChange<ExchangeItem>[] = [];
      const seriesMasters: CalendarEvent[] = [];
      for (const o of order) {
        if (o.known) continue;
        const item = o.deleted ? undefined : raw.get(o.id);
        if (!item) {
          const uid = masters[o.id];
          if (uid !== undefined) {
            changes.push({ type: 'series', seriesKey: uid, occurrences: [] });
            delete masters[o.id];
          }
          changes.push({ type: 'delete', id: o.id });
          continue;
        }
        const converted = this.convert(folder.kind, item, withBody);
        if (!converted) continue;
        if (converted.kind === 'appointment' && converted.itemType === 'RecurringMaster') {
          if (converted.seriesKey) {
            masters[o.id] = converted.seriesKey;
            seriesMasters.push(converted);
          }
          continue;
        }
        if (converted.kind === 'message' && options.since) {
          const when = converted.receivedAt ?? converted.sentAt;
          if (when && when < options.since) continue;
        }
        changes.push({ type: 'upsert', item: converted });
      }
      if (seriesMasters.length) {
        const window = options.window ?? this.defaultWindow();
        const series = await this.expandSeries(folder, seriesMasters, window);
        for (const m of seriesMasters) {
          const key = m.seriesKey!;
          changes.push({ type: 'series', seriesKey: key, occurrences: series.get(key) ?? [] });
        }
      }
      const next: Cursor = { v: 1, s: String(res.SyncState ?? '') };
      if (Object.keys(masters).length) next.m = masters;
      return {
        changes: changes as ItemChange<T>[],
        cursor: encodeCursor(next),
        more: res.MoreChangesAvailable === true,
      };
    });
  }

  private defaultWindow(): TimeWindow {
    const d = this.o.defaultWindowDays ?? { past: 30, future: 365 };
    const now = Date.now();
    return {
      start: new Date(now - d.past * 86_400_000).toISOString(),
      end: new Date(now + d.future * 86_400_000).toISOString(),
    };
  }

  /** Occurrences and exceptions of the given series inside the window (CalendarView + GetItem). */
  private async expandSeries(
    folder: FolderRef,
    masters: CalendarEvent[],
    window: TimeWindow,
  ): Promise<Map<string, CalendarEvent[]>> {
    const uids = new Set(masters.map((m) => m.seriesKey!));
    const ids: string[] = [];
    const seenIds = new Set<string>();
    let start = window.start;
    for (let guard = 0; guard < 1000; guard++) {
      const view = new ews.CalendarView(
        new ews.DateTime(Date.parse(start)),
        new ews.DateTime(Date.parse(window.end)),
        1000,
      );
      view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [
        ews.AppointmentSchema.AppointmentType,
        ews.AppointmentSchema.ICalUid,
        ews.AppointmentSchema.Start,
      ]);
      const res = await this.service.FindAppointments(this.folderId(folder), view);
      const items: Any[] = res.Items ?? [];
      let last = start;
      let added = 0;
      for (const it of items) {
        const id = String(it.Id?.UniqueId ?? '');
        const s = get(it, 'Start');
        const iso = s ? new Date(s.TotalMilliSeconds).toISOString() : start;
        if (iso > last) last = iso;
        if (!id || seenIds.has(id)) continue;
        seenIds.add(id);
        added++;
        const uid = String(get(it, 'ICalUid') ?? '');
        const type = (ews.AppointmentType as Any)[get(it, 'AppointmentType') as number];
        if (uids.has(uid) && (type === 'Occurrence' || type === 'Exception')) ids.push(id);
      }
      if (!res.MoreAvailable || added === 0 || last === start) break;
      start = last;
    }
    const raw = await this.getRaw('calendar', ids, true);
    const out = new Map<string, CalendarEvent[]>();
    for (const id of ids) {
      const item = raw.get(id);
      if (!item) continue;
      const ev = toEvent(item);
      const key = ev.seriesKey;
      if (!key || !uids.has(key)) continue;
      const list = out.get(key) ?? [];
      list.push(ev);
      out.set(key, list);
    }
    for (const list of out.values())
      list.sort((a, b) => (a.originalStart ?? '').localeCompare(b.originalStart ?? ''));
    return out;
  }

  async getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]> {
    if (!ids.length) return [];
    return this.call('getItems', async () => {
      const raw = await this.getRaw(folder.kind, ids, true);
      const out: T[] = [];
      for (const id of ids) {
        const item = raw.get(id);
        const c = item ? this.convert(folder.kind, item, true) : null;
        if (c) out.push(c as T);
      }
      return out;
    });
  }

  async findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]> {
    const wanted = [...new Set(abraIds.filter(Boolean))];
    if (!wanted.length) return [];
    return this.call('findByAbraIds', async () => {
      const ids: string[] = [];
      for (const group of chunks(wanted, 50)) {
        const filters = group.map((a) => new ews.SearchFilter.IsEqualTo(abraIdDef, a));
        const filter =
          filters.length === 1
            ? filters[0]
            : new ews.SearchFilter.SearchFilterCollection(ews.LogicalOperator.Or, filters);
        for (let offset = 0; offset < 1_000_000; ) {
          const view = new ews.ItemView(200, offset);
          view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [abraIdDef]);
          const res = await this.service.FindItems(this.folderId(folder), filter, view);
          const items: Any[] = res.Items ?? [];
          for (const it of items) ids.push(String(it.Id.UniqueId));
          if (!res.MoreAvailable || items.length === 0) break;
          offset = typeof res.NextPageOffset === 'number' ? res.NextPageOffset : offset + items.length;
        }
      }
      const raw = await this.getRaw(folder.kind, [...new Set(ids)], true);
      const out: T[] = [];
      for (const item of raw.values()) {
        const c = this.convert(folder.kind, item, true);
        if (c?.abraId && wanted.includes(c.abraId)) out.push(c as T);
      }
      return out;
    });
  }

  private newItem(folder: FolderRef): Any {
    switch (folder.kind) {
      case 'contacts':
        return new ews.Contact(this.service);
      case 'calendar':
        return new ews.Appointment(this.service);
      case 'tasks':
        return new ews.Task(this.service);
      default:
        throw new SyncError('validation', `the sync does not create items in ${folder.kind} folders`);
    }
  }

  private apply(folder: FolderRef, item: Any, data: ItemData, isNew: boolean): void {
    if (folder.kind === 'contacts') applyContact(item, data as Any, isNew);
    else if (folder.kind === 'calendar') {
      const d = data as Any;
      if (!d.start || !Number.isFinite(Date.parse(d.start)))
        throw new SyncError('validation', 'appointment without a valid start');
      if (d.end && Date.parse(d.end) < Date.parse(d.start))
        throw new SyncError('validation', 'appointment ends before it starts');
      applyAppointment(item, d, isNew, this.windowsZone, this.mode.legacy2007);
      // Exchange 2007: every appointment written carries its MeetingTimeZone, also when only other fields changed
      if (this.mode.legacy2007 && !isNew && item.IsDirty && !timesSet(item))
        setAppointmentZone(item, this.windowsZone, true);
    } else if (folder.kind === 'tasks') applyTask(item, data as Any, isNew);
    else throw new SyncError('validation', `the sync does not write items in ${folder.kind} folders`);
  }

  /**
   * The item's data without the characters XML 1.0 cannot carry (the writer would drop them anyway, see
   * ./xml-text.ts); how many were removed is kept per input position for the item's note.
   */
  private xmlSafe<D>(data: D, at: number, removed: Map<number, number>): D {
    const r = stripXmlForbiddenDeep(data);
    if (r.removed) removed.set(at, r.removed);
    else removed.delete(at);
    return r.value;
  }

  private asValidation(e: unknown): SyncError {
    if (e instanceof SyncError) return e;
    return new SyncError('validation', e instanceof Error ? e.message : String(e));
  }

  async createItems<D extends ItemData>(
    folder: FolderRef,
    requests: CreateRequest<D>[],
  ): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(requests.length);
    const removed = new Map<number, number>();
    return this.call('createItems', async () => {
      for (const [bi, batch] of chunks(requests, this.writeBatch).entries()) {
        const base = bi * this.writeBatch;
        let index: number[] = [];
        batch.forEach((r, i) => {
          // The call is repeated as a whole after a renewed token or throttling: what an earlier pass already
          // created (or refused) keeps its result and is not sent again.
          if (results[base + i]) return;
          try {
            if (!r.abraId) throw new SyncError('validation', 'an item created by the sync needs its AbraId');
            this.buildNew(folder, r, base + i, removed);
            index.push(base + i);
          } catch (e) {
            results[base + i] = { ok: false, error: this.asValidation(e) };
          }
        });
        for (let attempt = 0; index.length; attempt++) {
          // built anew for every attempt: the library may have touched the objects of a failed one
          const items = index.map((at) => this.buildNew(folder, requests[at]!, at, removed));
          let res: Any;
          try {
            res = await this.service.CreateItems(
              items,
              this.folderId(folder),
              null,
              folder.kind === 'calendar' ? ews.SendInvitationsMode.SendToNone : null,
            );
          } catch (e) {
            // The answer was lost (a proxy's 502/504, a 5xx page, a dropped connection, no answer in time): Exchange
            // may have created the items all the same. Look for them by their AbraId stamp and send again only
            // those that are not there, so a lost answer never makes a second item.
            const lost = peekTransportError();
            const wait = lost && maybeDone(lost) ? this.http.recheckDelay(lost, attempt) : null;
            if (!lost || wait === null) throw e; // the call's usual handling, with the parked error
            takeTransportError();
            const found = new Map<string, ExchangeItem>();
            let existing: ExchangeItem[];
            try {
              existing = await this.findByAbraIds(
                folder,
                index.map((at) => requests[at]!.abraId),
              );
            } catch (err) {
              // not a kind the call would repeat as a whole: earlier batches of this call are already written
              const why = err instanceof SyncError ? err.message : String(err);
              throw new SyncError(
                'transient',
                `a create's answer was lost and the check for it failed: ${why}`,
                {
                  cause: err,
                },
              );
            }
            for (const it of existing) if (it.abraId && !found.has(it.abraId)) found.set(it.abraId, it);
            index = index.filter((at) => {
              const hit = found.get(requests[at]!.abraId);
              if (!hit) return true;
              results[at] = { ok: true, id: hit.id, changeKey: hit.changeKey };
              return false;
            });
            if (index.length) await this.http.pause(wait);
            continue;
          }
          collectWriteResults(results, index, items, res.Responses ?? [], 'CreateItem', (_r, item) =>
            get(item, 'Id'),
          );
          break;
        }
      }
      return withNotes(results, removed);
    });
  }

  /** A new library item for a create request: the mapped data and the AbraId stamp. */
  private buildNew(folder: FolderRef, r: CreateRequest, at: number, removed: Map<number, number>): Any {
    const item = this.newItem(folder);
    this.apply(folder, item, this.xmlSafe(r.data, at, removed), true);
    item.SetExtendedProperty(abraIdDef, r.abraId);
    return item;
  }

  async updateItems<D extends ItemData>(
    folder: FolderRef,
    requests: UpdateRequest<D>[],
  ): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(requests.length);
    const removed = new Map<number, number>();
    return this.call('updateItems', async () => {
      for (const [bi, batch] of chunks(requests, this.writeBatch).entries()) {
        const base = bi * this.writeBatch;
        const ps = this.propsFor(folder.kind, true);
        const bound = await this.service.BindToItems(
          batch.map((r) => new ews.ItemId(r.id)),
          ps,
        );
        const responses: Any[] = bound.Responses ?? [];
        const toSave: Any[] = [];
        const index: number[] = [];
        batch.forEach((r, i) => {
          const at = base + i;
          const resp = responses[i];
          if (!resp || !isSuccess(resp)) {
            results[at] = {
              ok: false,
              error: resp
                ? responseError(resp, 'UpdateItem')
                : new SyncError('notFound', 'UpdateItem: item not found'),
            };
            return;
          }
          const item = get(resp, 'Item');
          const ck = String(get(item, 'Id')?.ChangeKey ?? '');
          if (r.changeKey && ck && ck !== r.changeKey) {
            results[at] = {
              ok: false,
              error: new SyncError(
                'conflict',
                'the item changed in Exchange since it was read (stale ChangeKey)',
                {
                  code: 'ErrorIrresolvableConflict',
                },
              ),
            };
            return;
          }
          try {
            if (!r.data && !r.abraId) throw new SyncError('validation', 'an update needs data or an AbraId');
            if (r.data) this.apply(folder, item, this.xmlSafe(r.data, at, removed), false);
            if (r.abraId && extended(item, abraIdDef) !== r.abraId)
              item.SetExtendedProperty(abraIdDef, r.abraId);
          } catch (e) {
            results[at] = { ok: false, error: this.asValidation(e) };
            return;
          }
          if (!item.IsDirty) {
            results[at] = { ok: true, id: String(item.Id.UniqueId), changeKey: ck };
            return;
          }
          toSave.push(item);
          index.push(at);
        });
        if (!toSave.length) continue;
        const res = await this.service.UpdateItems(
          toSave,
          null,
          ews.ConflictResolutionMode.NeverOverwrite,
          null,
          folder.kind === 'calendar' ? ews.SendInvitationsOrCancellationsMode.SendToNone : null,
        );
        collectWriteResults(
          results,
          index,
          toSave,
          res.Responses ?? [],
          'UpdateItem',
          (r, item) => get(get(r, 'ReturnedItem'), 'Id') ?? get(item, 'Id'),
        );
      }
      return withNotes(results, removed);
    });
  }

  async deleteItems(folder: FolderRef, ids: string[]): Promise<DeleteResult[]> {
    const results: DeleteResult[] = new Array(ids.length);
    if (!ids.length) return results;
    return this.call('deleteItems', async () => {
      for (const [bi, batch] of chunks(ids, this.writeBatch).entries()) {
        const base = bi * this.writeBatch;
        const res = await this.service.DeleteItems(
          batch.map((id) => new ews.ItemId(id)),
          ews.DeleteMode.MoveToDeletedItems,
          folder.kind === 'calendar' ? ews.SendCancellationsMode.SendToNone : null,
          folder.kind === 'tasks' ? ews.AffectedTaskOccurrence.AllOccurrences : null,
        );
        const rs: Any[] = res.Responses ?? [];
        batch.forEach((_, i) => {
          const r = rs[i];
          if (r && isSuccess(r)) results[base + i] = { ok: true };
          else if (r && GONE.has(errorCodeName(get(r, 'ErrorCode')))) results[base + i] = { ok: true };
          else
            results[base + i] = {
              ok: false,
              error: r
                ? responseError(r, 'DeleteItem')
                : new SyncError('malformed', 'DeleteItem: no answer for item'),
            };
        });
      }
      return results;
    });
  }

  async getMime(id: string): Promise<Buffer> {
    return this.call('getMime', async () => {
      const ps = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.MimeContent]);
      const res = await this.service.BindToItems([new ews.ItemId(id)], ps);
      const r = (res.Responses ?? [])[0];
      if (!r) throw new SyncError('malformed', 'GetItem: no answer');
      if (!isSuccess(r)) throw responseError(r, 'GetItem (MIME)');
      const mime = get(get(r, 'Item'), 'MimeContent');
      const content = mime ? get(mime, 'Content') : undefined;
      if (content === undefined || content === null)
        throw new SyncError('malformed', 'the message has no MIME content');
      if (typeof content === 'string') return Buffer.from(content, 'base64');
      return Buffer.from(content as Uint8Array);
    });
  }

  async close(): Promise<void> {
    try {
      this.http.disconnect();
    } catch {
      /* nothing to release */
    }
  }
}
