/**
 * One EWS session: the library's service, the sign-in (Basic, NTLM, an OAuth token or a token source), the HTTP
 * layer, the EWS URL (Autodiscover on request only) and the EWS dialect — today's, or the Exchange 2007 legacy
 * mode, detected from the server's ServerVersionInfo (the facts in ./version.ts, the decisions here). Every library
 * call goes through {@link EwsSession.call}.
 */
import { SyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import { ianaToWindows, windowsToIana } from '../timezones';
import type { AccessTokenSource, MailboxInfo } from '../types';
import { discoverEwsUrl } from './autodiscover';
import {
  checkEwsUrl,
  type EwsBackendOptions,
  type EwsConnection,
  type EwsSecrets,
  httpLayers,
} from './connection';
import { ews } from './ews-lib';
import { mapError } from './responses';
import { GuardedXhr, runCall, takeTransportError, type XhrLike } from './transport';
import {
  type EwsDialect,
  type EwsServerMode,
  exchange2007Label,
  newLibraryService,
  probeWithoutTimeZoneContext,
  serverInfoOf,
  VERSION_FAULTS,
  versionNumber,
} from './version';

/** Put an OAuth access token into the library's credentials; returns the Authorization header we send ourselves. */
function oauthHeader(service: ews.ExchangeService, token: string): string {
  const bare = token.replace(/^Bearer\s+/i, '');
  try {
    service.Credentials = new ews.OAuthCredentials(bare);
  } catch {
    throw new SyncError('auth', 'the OAuth access token is not a valid JWT: sign in again');
  }
  return `Bearer ${bare}`;
}

export class EwsSession {
  /** The library's service; replaced when the server's version calls for another dialect (see serverMode). */
  service: ews.ExchangeService;
  readonly http: GuardedXhr;
  mode: EwsServerMode;
  /** True once an answer's ServerVersionInfo confirmed the mode in this session's life. */
  versionConfirmed = false;
  private credentials: ews.ExchangeCredentials | null = null;
  /** The TLS version of the last connection made under the admin's legacy-TLS allowance, if any. */
  legacyTlsProtocol: string | null = null;
  readonly windowsZone: string | null;
  private urlResolved = false;
  /** The unguarded HTTP layer (Autodiscover speaks POX, not SOAP) and the header it sends. */
  private readonly inner: XhrLike;
  /** A transport without credentials (Autodiscover's plain-HTTP redirect probe). */
  private readonly anonymous: XhrLike;
  private authorization: string | null = null;
  private readonly tokenSource: AccessTokenSource | null;
  private currentToken: string | null = null;

  constructor(
    readonly conn: EwsConnection,
    secrets: EwsSecrets,
    private readonly o: EwsBackendOptions = {},
  ) {
    const pinned =
      o.serverVersion ??
      (conn.serverVersion && conn.serverVersion !== 'auto' ? conn.serverVersion : undefined);
    const requestVersion = pinned ?? 'Exchange2010_SP2';
    const version = versionNumber(requestVersion);
    if (version === undefined) throw new SyncError('config', `unknown EWS server version ${o.serverVersion}`);
    this.mode = {
      requestVersion,
      legacy2007: version <= ews.ExchangeVersion.Exchange2007_SP1,
      source: pinned ? 'admin' : 'default',
    };
    this.windowsZone = ianaToWindows(conn.timeZone || 'Europe/Prague');
    const service = newLibraryService(version, this.windowsZone, conn.timeZone);
    const layers = httpLayers(conn, secrets.password, o, (protocol) => {
      this.legacyTlsProtocol = protocol;
    });
    this.inner = layers.inner;
    this.anonymous = layers.anonymous;
    this.tokenSource = this.signIn(service, secrets);
    this.http = new GuardedXhr(this.inner, { ...o.transport, ...(o.signal ? { signal: o.signal } : {}) });
    service.XHRApi = this.http as unknown as ews.IXHRApi;
    service.UserAgent = 'ABRA-Gen-Exchange-Sync';
    if (conn.ewsUrl) {
      checkEwsUrl(conn.ewsUrl);
      service.Url = new ews.Uri(conn.ewsUrl);
      this.urlResolved = true;
    }
    this.service = service;
  }

  /** The sign-in: the library's credentials and our own Authorization header; the token source, if any. */
  private signIn(service: ews.ExchangeService, secrets: EwsSecrets): AccessTokenSource | null {
    const auth = this.conn.auth ?? 'basic';
    if (auth === 'oauth') {
      // with a token source, the credentials are set before the first call, from the token source
      if (secrets.tokenSource) return secrets.tokenSource;
      const token = secrets.token?.trim();
      if (!token) throw new SyncError('auth', 'no OAuth access token: sign in again');
      this.authorization = oauthHeader(service, token);
      return null;
    }
    const user = this.conn.user || this.conn.email;
    if (!secrets.password) throw new SyncError('config', 'the Exchange password is missing');
    service.Credentials = new ews.WebCredentials(user, secrets.password);
    this.credentials = service.Credentials;
    if (auth === 'basic')
      this.authorization = `Basic ${Buffer.from(`${user}:${secrets.password}`).toString('base64')}`;
    return null;
  }

  // ---------- the EWS dialect ----------

  /**
   * The 2007 dialect was refused by its schema: Exchange 2007 before SP2 has no TimeZoneContext header, which the
   * library always sends in that dialect (and its "Exchange 2007 compatibility mode" sends Version="Exchange2007",
   * which the 2007 schema's fixed Exchange2007_SP1 refuses too). So one GetFolder written without that header
   * tells: an 8.0/8.1 server gets a clear "unsupported, install SP3" instead of a version error. Writing without
   * the header is no way out: the library then writes no MeetingTimeZone either, and every series would shift at
   * each daylight-saving change.
   */
  private async refuseExchange2007Sp1(): Promise<void> {
    const url = String(this.service.Url?.AbsoluteUri ?? this.service.Url ?? '');
    if (!url) return;
    const info = await probeWithoutTimeZoneContext(this.inner, url, this.authorization);
    // no answer to go by: the version error stands
    if (info?.major !== 8 || info.minor >= 2) return;
    this.mode = { ...this.mode, ...info, source: 'detected' };
    throw new SyncError(
      'config',
      `${exchange2007Label(info.minor)} (${info.build}) is not supported: install Service Pack 3 for Exchange 2007 (the sync needs Exchange 2007 SP2 or later)`,
      { code: 'Exchange2007BeforeSP2', note: note('ews.exchange2007Sp1') },
    );
  }

  /** The server's EWS version as far as known, and the dialect in use. */
  get serverMode(): EwsServerMode {
    return { ...this.mode };
  }

  /** The dialect found in an earlier run: spoken from the first call (an answer saying otherwise corrects it). */
  adoptKnownVersion(ewsVersion: EwsDialect | undefined): void {
    if (ewsVersion && this.mode.source === 'default' && !this.versionConfirmed) {
      this.switchVersion(ewsVersion);
      this.mode.source = 'state';
    }
  }

  /** Switch the library's service to another RequestServerVersion, keeping URL, credentials and HTTP layer. */
  private switchVersion(requestVersion: EwsDialect): void {
    if (this.mode.requestVersion === requestVersion) return;
    const old = this.service;
    const next = newLibraryService(ews.ExchangeVersion[requestVersion], this.windowsZone, this.conn.timeZone);
    if (old.Credentials) next.Credentials = old.Credentials;
    else if (this.credentials) next.Credentials = this.credentials;
    next.XHRApi = this.http as unknown as ews.IXHRApi;
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
    const si = serverInfoOf(this.service);
    if (!si) return 'same';
    this.mode.major = si.major;
    this.mode.minor = si.minor;
    this.mode.build = si.build;
    this.versionConfirmed = true;
    if (this.mode.source === 'admin') return 'same';
    const want = si.major <= 8 ? 'Exchange2007_SP1' : 'Exchange2010_SP2';
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
    const before = this.mode.requestVersion as EwsDialect;
    this.switchVersion('Exchange2007_SP1');
    try {
      await ews.Folder.Bind(
        this.service,
        ews.WellKnownFolderName.Inbox,
        new ews.PropertySet(ews.BasePropertySet.IdOnly),
      );
    } catch (e) {
      const probe = takeTransportError() ?? mapError(e, 'GetFolder');
      this.switchVersion(before);
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

  /** The connection test's account of the server: version, legacy mode, TLS allowance, the user's zone. */
  describeServer(info: MailboxInfo): MailboxInfo {
    const si = serverInfoOf(this.service);
    if (si) info.serverVersion = `${si.build}${si.versionString ? ` (${si.versionString})` : ''}`;
    const tls = this.legacyTlsProtocol;
    if (tls && tls !== 'TLSv1.2' && tls !== 'TLSv1.3') info.legacyTls = tls;
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
  }

  // ---------- calls ----------

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
