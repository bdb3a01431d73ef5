/**
 * Microsoft Graph backend (Exchange Online). The factory in ../index.ts imports this module dynamically:
 *
 *   const backend = createGraphBackend(config.exchange, auth, { tasksList: config.parts.tasks.tasksList });
 *
 * `auth` is normally a {@link GraphSignIn} (MSAL public client, ./auth.ts); tests pass a static token.
 */
import { SyncError } from '../../shared/errors';
import type { ExchangeConnectionConfig } from '../../sync/config';
import type { ExchangeBackend } from '../types';
import { GraphBackend, type GraphBackendOptions } from './backend';
import type { GraphAuth } from './http';

export type { GraphSignInOptions, TokenCacheStore } from './auth';
export { authorityConfig, GRAPH_SCOPES, GraphSignIn } from './auth';
export type { GraphBackendOptions } from './backend';
export { GraphBackend } from './backend';
export type { GraphAuth, GraphHttpOptions } from './http';

export type CreateGraphBackendOptions = Partial<GraphBackendOptions> & {
  /** Token source; overrides the second argument (lets a caller that passes secrets inject the sign-in). */
  auth?: GraphAuth;
};

/**
 * `auth` is a GraphAuth (the shell's GraphSignIn, or a static token in tests). For callers that hand over
 * `{ token }` secrets instead, a static bearer token is accepted; with neither, calls fail with 'auth'.
 */
export function createGraphBackend(
  config: ExchangeConnectionConfig,
  auth: GraphAuth | { token?: string | null; password?: string | null } | null | undefined,
  opts: CreateGraphBackendOptions = {},
): ExchangeBackend {
  return new GraphBackend(config.graphUrl, toAuth(opts.auth ?? auth), {
    timeZone: config.timeZone,
    caCertificate: config.caCertificate,
    ...opts,
  });
}

function toAuth(a: unknown): GraphAuth {
  if (a && typeof (a as GraphAuth).getAccessToken === 'function') return a as GraphAuth;
  const token = (a as { token?: unknown } | null | undefined)?.token;
  if (typeof token === 'string' && token) return { getAccessToken: async () => token };
  return {
    getAccessToken: async () => {
      throw new SyncError('auth', 'Microsoft 365: not signed in — sign in again');
    },
  };
}
