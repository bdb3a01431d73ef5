/**
 * One EWS session: the library's service, the sign-in (Basic, NTLM, an OAuth token or a token source), the HTTP
 * layer, the EWS URL (Autodiscover on request only) and the EWS dialect — today's, or the Exchange 2007 legacy
 * mode, detected from the server's ServerVersionInfo. Every library call goes through {@link EwsSession.call}.
 */
import { XhrApi } from '@ewsjs/xhr';
import { SyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import { ianaToWindows } from '../timezones';
import type { AccessTokenSource } from '../types';
import { type AutodiscoverOptions, discoverEwsUrl } from './autodiscover';
import { ews } from './ews-lib';
import { LegacyTlsAgent, legacyTlsHostOf } from './legacy-tls';
import { get } from './map';
import { NtlmAuthProvider } from './ntlm';
import { mapError } from './responses';
import {
  GuardedXhr,
  runCall,
  type TransportOptions,
  takeTransportError,
  withDeadline,
  type XhrLike,
  type XhrWithOptions,
} from './transport';

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
  /** Autodiscover tuning (tests point it at a loopback server). */
  autodiscover?: AutodiscoverOptions;
  /** Replace the HTTP layer (tests); it is still wrapped by the retry/concurrency guard. */
  xhr?: XhrLike;
}

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

export class EwsSession {
  /** The library's service; replaced when the server's version calls for another dialect (see serverMode). */
  service: Any;
  readonly http: GuardedXhr;
  mode: EwsServerMode;
  /** True once an answer's ServerVersionInfo confirmed the mode in this session's life. */
  versionConfirmed = false;
  private credentials: Any = null;
  /** The TLS version of the last connection made under the admin's legacy-TLS allowance, if any. */
  legacyTlsProtocol: string | null = null;
  readonly windowsZone: string | null;
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
    readonly conn: EwsConnection,
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

    const service = this.newService(version);
    const auth = conn.auth ?? 'basic';
    const user = conn.user || conn.email;
    const requestOptions: Record<string, unknown> = { timeout: opts.timeoutMs ?? 100_000 };
    const legacyHost = legacyTlsHostOf(conn.legacyTlsHost);
    if (conn.caCertificate || legacyHost) {
      requestOptions.httpsAgent = new LegacyTlsAgent(
        { ...(conn.caCertificate ? { ca: conn.caCertificate } : {}), keepAlive: true },
        legacyHost,
        (protocol) => {
          this.legacyTlsProtocol = protocol;
        },
      );
    }
    let inner: XhrLike;
    if (opts.xhr) {
      inner = opts.xhr;
      this.anonymous = opts.xhr;
    } else {
      // every request has a total deadline (timeoutMs), not only a per-chunk one
      const totalMs = opts.timeoutMs ?? 100_000;
      this.anonymous = withDeadline(new XhrApi(requestOptions as Any) as unknown as XhrWithOptions, totalMs);
      const x = new XhrApi(requestOptions as Any);
      if (auth === 'ntlm') {
        if (!secrets.password) throw new SyncError('config', 'NTLM sign-in needs a password');
        const ntlmUser =
          conn.domain && !user.includes('\\') && !user.includes('@') ? `${conn.domain}\\${user}` : user;
        x.setAuthProvider(
          new NtlmAuthProvider(ntlmUser, secrets.password, conn.caCertificate, '.', legacyHost) as Any,
        );
      }
      inner = withDeadline(x as unknown as XhrWithOptions, totalMs);
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
    this.http = new GuardedXhr(inner, opts.transport);
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
  newService(version: number): Any {
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

  /** The dialect found in an earlier run: spoken from the first call (an answer saying otherwise corrects it). */
  adoptKnownVersion(ewsVersion: 'Exchange2007_SP1' | 'Exchange2010_SP2' | undefined): void {
    if (ewsVersion && this.mode.source === 'default' && !this.versionConfirmed) {
      this.switchVersion(ewsVersion);
      this.mode.source = 'state';
    }
  }

  /** Switch the library's service to another RequestServerVersion, keeping URL, credentials and HTTP layer. */
  switchVersion(requestVersion: 'Exchange2007_SP1' | 'Exchange2010_SP2'): void {
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
  noteServerInfo(): 'same' | 'changed' {
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
      const probe = takeTransportError() ?? mapError(e, 'GetFolder');
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
  call<T>(what: string, fn: () => Promise<T>): Promise<T> {
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
          const err = fromTransport ?? mapError(e, what);
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
}
