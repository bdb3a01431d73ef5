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
import { GraphSignIn } from './auth';
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
  /** Where a refreshed MSAL token cache is written back (SecretSource.set('graphTokenCache', …)). */
  saveTokenCache?: (serialized: string) => Promise<void> | void;
};

/**
 * `auth` is one of:
 * - a GraphAuth (the shell's GraphSignIn; tests: a static token);
 * - `{ token }` where token is the serialized MSAL token cache (the `graphTokenCache` secret): silent sign-in from
 *   that cache, refreshed caches go to `opts.saveTokenCache`; an interactive sign-in is impossible here, so an
 *   expired grant fails with 'auth' "sign in again" (the app's Connections page signs in);
 * - `{ token }` where token is a bare access token (scripts, the emulator);
 * - nothing: every call fails with 'auth'.
 */
export function createGraphBackend(
  config: ExchangeConnectionConfig,
  auth: GraphAuth | { token?: string | null; password?: string | null } | null | undefined,
  opts: CreateGraphBackendOptions = {},
): ExchangeBackend {
  const { auth: injected, saveTokenCache, ...rest } = opts;
  return new GraphBackend(config.graphUrl, toAuth(config, injected ?? auth, saveTokenCache), {
    timeZone: config.timeZone,
    caCertificate: config.caCertificate,
    ...rest,
  });
}

function isMsalCache(s: string): boolean {
  if (!s.trimStart().startsWith('{')) return false;
  try {
    const j = JSON.parse(s) as Record<string, unknown>;
    return 'Account' in j || 'RefreshToken' in j || 'AccessToken' in j;
  } catch {
    return false;
  }
}

function fromCache(
  config: ExchangeConnectionConfig,
  serialized: string,
  save?: (serialized: string) => Promise<void> | void,
): GraphSignIn {
  let current = serialized;
  return new GraphSignIn({
    tenantId: config.tenantId,
    clientId: config.clientId,
    authorityUrl: config.authorityUrl,
    loginHint: config.email,
    caCertificate: config.caCertificate,
    cache: {
      load: async () => current,
      save: async (s) => {
        current = s;
        await save?.(s);
      },
    },
    openBrowser: () => {
      throw new SyncError('auth', 'Microsoft 365: sign in again in the app (Connections)', {
        note: { key: 'graph.auth' },
      });
    },
  });
}

function toAuth(
  config: ExchangeConnectionConfig,
  a: unknown,
  save?: (serialized: string) => Promise<void> | void,
): GraphAuth {
  if (a && typeof (a as GraphAuth).getAccessToken === 'function') {
    const inner = a as GraphAuth;
    if (inner instanceof GraphSignIn) return inner;
    // A token source that hands out the stored secret as is: when that secret is the serialized MSAL cache (the
    // `graphTokenCache` secret), sign in silently from it instead of sending it as a bearer token.
    let signIn: GraphSignIn | null = null;
    return {
      getAccessToken: async () => {
        if (signIn) return signIn.getAccessToken();
        const t = await inner.getAccessToken();
        if (!isMsalCache(t)) return t;
        signIn = fromCache(config, t, save);
        return signIn.getAccessToken();
      },
      invalidate: () => {
        signIn?.invalidate();
        inner.invalidate?.();
      },
    };
  }
  const token = (a as { token?: unknown } | null | undefined)?.token;
  if (typeof token === 'string' && token && isMsalCache(token)) return fromCache(config, token, save);
  if (typeof token === 'string' && token) return { getAccessToken: async () => token };
  return {
    getAccessToken: async () => {
      throw new SyncError('auth', 'Microsoft 365: not signed in — sign in again', {
        note: { key: 'run.notSignedIn' },
      });
    },
  };
}
