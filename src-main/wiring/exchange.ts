/**
 * How to connect to Exchange — decided here and nowhere else: EWS with the stored password, EWS with OAuth (a fixed
 * access token, or the app's refreshing Microsoft sign-in), or Microsoft 365 through Graph (the app's sign-in, a
 * stored MSAL token cache signed in silently, or a bare access token for scripts and the emulators). The
 * connectors (src-main/exchange/) know nothing of the configuration; the mapping from it is here.
 *
 * Each backend's module is loaded on first use (a dynamic import, which the bundle keeps as a lazily initialised
 * module): a Microsoft 365 user never loads ews-javascript-api (and its xmldom, moment-timezone and time-zone
 * tables — ≈ 37 MB of a resident process), an EWS user never loads @azure/msal-node and the Graph client. A build
 * or a test run without the Graph module still has EWS, and says precisely what is missing when Graph is chosen.
 */
import type { EwsBackend, EwsBackendOptions, EwsConnection } from '../exchange/ews/backend';
import type { GraphAuth, GraphBackendOptions, GraphSignIn } from '../exchange/graph';
import type { AccessTokenSource, ExchangeBackend } from '../exchange/types';
import { SyncError } from '../shared/errors';
import { note, tr } from '../shared/messages';
import type { ExchangeConnectionConfig, SecretSource, SyncConfig } from '../sync/config';

export type { AccessTokenSource } from '../exchange/types';

export interface ExchangeSecrets {
  /** EWS Basic/NTLM password. */
  password?: string | null;
  /**
   * OAuth access token (EWS OAuth, or a static Graph token for scripts and tests); for Graph also the serialized
   * MSAL token cache (the `graphTokenCache` secret), signed in from silently.
   */
  token?: string | null;
}

export interface GraphWiring extends Partial<Omit<GraphBackendOptions, 'timeZone' | 'caCertificate'>> {
  /** Where a refreshed MSAL token cache is written back (SecretSource.set('graphTokenCache', …)). */
  saveTokenCache?: (serialized: string) => Promise<void> | void;
}

export interface CreateBackendOptions {
  ews?: EwsBackendOptions;
  /** Graph: a refreshing token source (the app's MSAL sign-in); without it `secrets.token` is used. */
  graphAuth?: AccessTokenSource;
  /** EWS with OAuth: a refreshing token source (the app's MSAL sign-in for the server's own URL). */
  ewsAuth?: AccessTokenSource;
  /** Graph backend options (e.g. `tasksList`) and where a refreshed token cache goes. */
  graph?: GraphWiring;
}

/**
 * The app's Microsoft sign-in for a configuration (MSAL, its cache in the secret store): injected by the shell,
 * which owns the browser; the CLI has none and signs in silently from the stored cache (Graph) or a token (EWS).
 */
export type MicrosoftSignIn = (
  exchange: ExchangeConnectionConfig,
  secrets: SecretSource,
) => AccessTokenSource;

export interface ExchangeForOptions {
  /** The app's Microsoft sign-in (Graph, EWS with OAuth); the CLI has none. */
  microsoftSignIn?: MicrosoftSignIn;
  /** Aborts every request of the backend (a cancelled connection test). */
  signal?: AbortSignal;
}

/** The EWS connection settings of a configuration. */
export function ewsConnectionOf(x: ExchangeConnectionConfig): EwsConnection {
  return {
    email: x.email,
    ewsUrl: x.ewsUrl,
    auth: x.auth,
    user: x.user,
    domain: x.domain,
    caCertificate: x.caCertificate,
    timeZone: x.timeZone,
    serverVersion: x.serverVersion,
    legacyTlsHost: x.legacyTlsHost,
  };
}

/** The EWS backend's module, loaded on first use (see the top of this file). */
function loadEws(): Promise<typeof import('../exchange/ews/backend')> {
  return import('../exchange/ews/backend');
}

/** The EWS backend of a configuration (also the app's Autodiscover, which needs the EWS backend itself). */
export async function ewsBackendFor(
  config: ExchangeConnectionConfig,
  secrets: ExchangeSecrets,
  opts: Pick<CreateBackendOptions, 'ews' | 'ewsAuth'> = {},
): Promise<EwsBackend> {
  const { EwsBackend } = await loadEws();
  return new EwsBackend(
    ewsConnectionOf(config),
    opts.ewsAuth ? { ...secrets, tokenSource: opts.ewsAuth } : secrets,
    opts.ews,
  );
}

async function loadGraph(): Promise<typeof import('../exchange/graph')> {
  try {
    return await import('../exchange/graph');
  } catch (e) {
    throw new SyncError('config', 'the Microsoft 365 backend is not available in this build', { cause: e });
  }
}

export async function createExchangeBackend(
  config: ExchangeConnectionConfig,
  secrets: ExchangeSecrets,
  opts: CreateBackendOptions = {},
): Promise<ExchangeBackend> {
  if (config.kind !== 'graph') return ewsBackendFor(config, secrets, opts);
  const graph = await loadGraph();
  const { saveTokenCache, ...rest } = opts.graph ?? {};
  const token = secrets.token?.trim();
  if (!opts.graphAuth && !token)
    throw new SyncError('auth', tr('en', 'run.notSignedIn'), { note: note('run.notSignedIn') });
  const auth = graphAuthOf(
    graph,
    config,
    opts.graphAuth ?? { getAccessToken: async () => token ?? '' },
    saveTokenCache,
  );
  return new graph.GraphBackend(config.graphUrl, auth, {
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

/** A silent sign-in from a serialized MSAL cache: it can refresh, but an expired grant needs the app's sign-in. */
function fromCache(
  graph: typeof import('../exchange/graph'),
  config: ExchangeConnectionConfig,
  serialized: string,
  save?: (serialized: string) => Promise<void> | void,
): GraphSignIn {
  let current = serialized;
  return new graph.GraphSignIn({
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

/**
 * Graph's token source: the app's sign-in as is; a source that hands out the stored secret is looked at once —
 * when that secret is the serialized MSAL cache (the `graphTokenCache` secret), the backend signs in silently
 * from it instead of sending it as a bearer token.
 */
function graphAuthOf(
  graph: typeof import('../exchange/graph'),
  config: ExchangeConnectionConfig,
  inner: AccessTokenSource,
  save?: (serialized: string) => Promise<void> | void,
): GraphAuth {
  if (inner instanceof graph.GraphSignIn) return inner;
  let signIn: GraphSignIn | null = null;
  return {
    getAccessToken: async () => {
      if (signIn) return signIn.getAccessToken();
      const t = await inner.getAccessToken();
      if (!isMsalCache(t)) return t;
      signIn = fromCache(graph, config, t, save);
      return signIn.getAccessToken();
    },
    invalidate: () => {
      signIn?.invalidate();
      inner.invalidate?.();
    },
  };
}

function usesMicrosoftSignIn(x: ExchangeConnectionConfig): boolean {
  return x.kind === 'graph' || x.auth === 'oauth';
}

/**
 * The Exchange backend for the configuration. With the app's {@link MicrosoftSignIn}: Graph, or EWS with OAuth,
 * on its refreshing sign-in. Otherwise EWS with the stored password, or Microsoft 365 signing in silently from the
 * stored MSAL token cache (refreshed caches are written back to the secret store; an expired grant is an 'auth'
 * error that asks the user to sign in again in the app).
 */
export async function exchangeFor(
  config: SyncConfig,
  secrets: SecretSource,
  opts: ExchangeForOptions = {},
): Promise<ExchangeBackend> {
  const x = config.exchange;
  // a cancelled connection test aborts every request of the backend (app/connection-cancel.ts)
  const signal = opts.signal ? { signal: opts.signal } : {};
  const graphOptions = { tasksList: config.parts.tasks.tasksList, ...signal };
  if (opts.microsoftSignIn && usesMicrosoftSignIn(x)) {
    const signIn = opts.microsoftSignIn(x, secrets);
    return createExchangeBackend(
      x,
      {},
      x.kind === 'graph' ? { graphAuth: signIn, graph: graphOptions } : { ewsAuth: signIn, ews: signal },
    );
  }
  if (x.kind === 'ews' && x.auth !== 'oauth') {
    const password = await secrets.get('exchangePassword');
    if (password === null)
      throw new SyncError('config', tr('en', 'run.noExchangePassword'), {
        note: note('run.noExchangePassword'),
      });
    return createExchangeBackend(x, { password }, { ews: signal });
  }
  const token = await secrets.get('graphTokenCache');
  if (x.kind === 'ews' && token?.trimStart().startsWith('{'))
    // The stored secret is a Microsoft 365 sign-in (MSAL cache with Graph permissions), not an EWS access token.
    throw new SyncError('config', tr('en', 'run.ewsOauthCli'), {
      note: note('run.ewsOauthCli'),
    });
  return createExchangeBackend(
    x,
    { token },
    {
      graph: {
        ...graphOptions,
        saveTokenCache: (serialized: string) => secrets.set?.('graphTokenCache', serialized),
      },
    },
  );
}
