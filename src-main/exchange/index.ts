/**
 * One factory for the Exchange side: the EWS backend for on-premises Exchange (and Exchange Online while EWS
 * lasts), the Microsoft Graph backend for Microsoft 365. The Graph module is loaded on demand so that a build
 * without it still runs EWS.
 */
import { SyncError } from '../shared/errors';
import type { ExchangeConnectionConfig } from '../sync/config';
import { EwsBackend, type EwsBackendOptions } from './ews/backend';
import type { ExchangeBackend } from './types';

export interface ExchangeSecrets {
  password?: string | null;
  token?: string | null;
}

export interface CreateBackendOptions {
  ews?: EwsBackendOptions;
  /** Passed through to the Graph backend unchanged. */
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
      // The Graph backend is written separately; until it exists this import fails and is reported below.
      // @ts-expect-error -- the module may be absent from this build
      mod = (await import('./graph')) as Record<string, unknown>;
    } catch (e) {
      throw new SyncError('config', 'the Microsoft 365 backend is not available in this build', { cause: e });
    }
    const create = mod.createGraphBackend as
      | ((
          c: ExchangeConnectionConfig,
          s: ExchangeSecrets,
          o?: Record<string, unknown>,
        ) => ExchangeBackend | Promise<ExchangeBackend>)
      | undefined;
    if (typeof create !== 'function')
      throw new SyncError('config', 'the Microsoft 365 backend is not available in this build');
    return create(config, secrets, opts.graph);
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
    },
    secrets,
    opts.ews,
  );
}

export { EwsBackend } from './ews/backend';
export * from './types';
