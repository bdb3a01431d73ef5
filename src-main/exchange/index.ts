/**
 * One factory for the Exchange side: the EWS backend for on-premises Exchange (and Exchange Online while EWS
 * lasts), the Microsoft Graph backend for Microsoft 365. The Graph module is loaded on demand, so a build or a
 * test run without it still has EWS, and says precisely what is missing when Graph is chosen.
 */
import { SyncError } from '../shared/errors';
import { note, tr } from '../shared/messages';
import type { ExchangeConnectionConfig } from '../sync/config';
import { EwsBackend, type EwsBackendOptions } from './ews/backend';
import type { AccessTokenSource, ExchangeBackend } from './types';

export interface ExchangeSecrets {
  /** EWS Basic/NTLM password. */
  password?: string | null;
  /** OAuth access token (EWS OAuth, or a static Graph token for scripts and tests). */
  token?: string | null;
}

export type { AccessTokenSource } from './types';

export interface CreateBackendOptions {
  ews?: EwsBackendOptions;
  /** Graph: a refreshing token source (the app's MSAL sign-in); without it `secrets.token` is used as is. */
  graphAuth?: AccessTokenSource;
  /** EWS with OAuth: a refreshing token source (the app's MSAL sign-in for the server's own URL). */
  ewsAuth?: AccessTokenSource;
  /** Passed to the Graph backend unchanged (e.g. `tasksList`). */
  graph?: Record<string, unknown>;
}

export async function createExchangeBackend(
  config: ExchangeConnectionConfig,
  secrets: ExchangeSecrets,
  opts: CreateBackendOptions = {},
): Promise<ExchangeBackend> {
  if (config.kind === 'graph') {
    let mod: Record<string, unknown>;
    try {
      mod = (await import('./graph')) as Record<string, unknown>;
    } catch (e) {
      throw new SyncError('config', 'the Microsoft 365 backend is not available in this build', { cause: e });
    }
    const create = mod.createGraphBackend as
      | ((c: ExchangeConnectionConfig, a: AccessTokenSource, o?: Record<string, unknown>) => ExchangeBackend)
      | undefined;
    if (typeof create !== 'function')
      throw new SyncError('config', 'the Microsoft 365 backend is not available in this build');
    const token = secrets.token?.trim();
    const auth: AccessTokenSource | undefined =
      opts.graphAuth ?? (token ? { getAccessToken: async () => token } : undefined);
    if (!auth) throw new SyncError('auth', tr('en', 'run.notSignedIn'), { note: note('run.notSignedIn') });
    return create(config, auth, opts.graph);
  }
  return new EwsBackend(
    {
      email: config.email,
      ewsUrl: config.ewsUrl,
      auth: config.auth,
      user: config.user,
      domain: config.domain,
      caCertificate: config.caCertificate,
      timeZone: config.timeZone,
      serverVersion: config.serverVersion,
      legacyTlsHost: config.legacyTlsHost,
    },
    opts.ewsAuth ? { ...secrets, tokenSource: opts.ewsAuth } : secrets,
    opts.ews,
  );
}

export { EwsBackend } from './ews/backend';
export * from './types';
