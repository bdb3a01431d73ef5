/**
 * What an EWS session is built from: the connection settings, the secrets, the options, and the HTTP layers they
 * make (TLS with the admin's CA or legacy-TLS allowance, NTLM, a total deadline per request).
 */
import { XhrApi } from '@ewsjs/xhr';
import { SyncError } from '../../shared/errors';
import { isLoopbackHost } from '../../shared/net';
import { trustOptions } from '../../shared/tls-trust';
import type { AccessTokenSource } from '../types';
import type { AutodiscoverOptions } from './autodiscover';
import type { ews } from './ews-lib';
import { LegacyTlsAgent, legacyTlsHostOf } from './legacy-tls';
import { NtlmAuthProvider } from './ntlm';
import { type TransportOptions, withDeadline, type XhrLike, type XhrWithOptions } from './transport';

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

/** https only — plain http is accepted for this machine alone (emulators, the demo), never across the network. */
export function checkEwsUrl(raw: string): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SyncError('config', `the EWS URL is not valid: ${raw}`);
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname))) return;
  throw new SyncError(
    'config',
    `the EWS URL must start with https:// (e.g. https://mail.example.com/EWS/Exchange.asmx), not ${u.protocol}//`,
  );
}

/** The two HTTP layers of a session: `inner` signs in (NTLM when asked), `anonymous` sends no credentials. */
export function httpLayers(
  conn: EwsConnection,
  password: string | null | undefined,
  opts: EwsBackendOptions,
  onLegacyTls: (protocol: string) => void,
): { inner: XhrLike; anonymous: XhrLike } {
  if (opts.xhr) return { inner: opts.xhr, anonymous: opts.xhr };
  const requestOptions: Record<string, unknown> = { timeout: opts.timeoutMs ?? 100_000 };
  const legacyHost = legacyTlsHostOf(conn.legacyTlsHost);
  // bundled + the system's store + the company CA (shared/tls-trust.ts)
  const trust = trustOptions(conn.caCertificate);
  requestOptions.httpsAgent = new LegacyTlsAgent({ ...trust, keepAlive: true }, legacyHost, onLegacyTls);
  // every request has a total deadline (timeoutMs), not only a per-chunk one; a cancel aborts it at once
  const totalMs = opts.timeoutMs ?? 100_000;
  const anonymous = withDeadline(
    new XhrApi(requestOptions) as unknown as XhrWithOptions,
    totalMs,
    opts.signal,
  );
  const x = new XhrApi(requestOptions);
  if ((conn.auth ?? 'basic') === 'ntlm') {
    if (!password) throw new SyncError('config', 'NTLM sign-in needs a password');
    const user = conn.user || conn.email;
    const ntlmUser =
      conn.domain && !user.includes('\\') && !user.includes('@') ? `${conn.domain}\\${user}` : user;
    x.setAuthProvider(
      new NtlmAuthProvider(ntlmUser, password, trust, '.', legacyHost) as unknown as Parameters<
        XhrApi['setAuthProvider']
      >[0],
    );
  }
  return { inner: withDeadline(x as unknown as XhrWithOptions, totalMs, opts.signal), anonymous };
}
