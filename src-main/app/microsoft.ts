/**
 * Microsoft sign-in in the app: the MSAL sign-in (Graph backend's GraphSignIn) with its token cache kept as the
 * secret `graphTokenCache` (encrypted by the SecretStore), and the app's `connect`/`exchangeFor`, which give the
 * backend that refreshing sign-in instead of a static token. Two uses:
 * - Microsoft 365 through Microsoft Graph (Graph scopes);
 * - Exchange Server through EWS with OAuth (hybrid modern authentication): a Microsoft Entra token whose audience is
 *   the server's own URL, scope `https://<EWS host>/EWS.AccessAsUser.All` (for Exchange Online's EWS that is
 *   `https://outlook.office365.com/…`, the same rule).
 * Electron-free: the browser opener is injected.
 */
import { createExchangeBackend } from '../exchange';
import { GRAPH_SCOPES, GraphSignIn } from '../exchange/graph';
import type { ExchangeBackend } from '../exchange/types';
import { SyncError } from '../shared/errors';
import { note, tr } from '../shared/messages';
import type { ExchangeConnectionConfig, SecretSource, SyncConfig } from '../sync/config';
import type { Connections } from '../sync/service';
import { abraClientFor, abraPortOf, exchangeFor as wiringExchangeFor } from '../wiring';
import type { ControllerDeps } from './controller';

export type OpenBrowser = (url: string) => Promise<unknown> | unknown;

/** What the sign-in asks for: Graph's permissions, or EWS on the configured server. */
export function signInScopes(exchange: ExchangeConnectionConfig): string[] {
  if (exchange.kind === 'graph') return GRAPH_SCOPES;
  let origin: string;
  try {
    origin = new URL(exchange.ewsUrl).origin;
  } catch {
    throw new SyncError('config', tr('en', 'ews.oauthNeedsUrl'), { note: note('ews.oauthNeedsUrl') });
  }
  return [`${origin}/EWS.AccessAsUser.All`];
}

/** The sign-in whose MSAL cache lives in the secret store. */
export function graphSignIn(
  exchange: ExchangeConnectionConfig,
  secrets: SecretSource,
  openBrowser: OpenBrowser,
) {
  return new GraphSignIn({
    tenantId: exchange.tenantId,
    clientId: exchange.clientId,
    authorityUrl: exchange.authorityUrl,
    caCertificate: exchange.caCertificate,
    loginHint: exchange.email,
    scopes: signInScopes(exchange),
    openBrowser: async (url) => {
      await openBrowser(url);
    },
    cache: {
      load: () => secrets.get('graphTokenCache'),
      save: async (serialized) => {
        if (!secrets.set) throw new Error('the secret store cannot save the Microsoft 365 sign-in');
        await secrets.set('graphTokenCache', serialized);
      },
    },
  });
}

/** The controller's `signInMicrosoft`: interactive sign-in in the system browser; the cache lands in the secrets. */
export function microsoftSignIn(openBrowser: OpenBrowser): NonNullable<ControllerDeps['signInMicrosoft']> {
  return async (exchange, secrets) => {
    const account = await graphSignIn(exchange, secrets, openBrowser).signIn();
    return { username: account.username, name: account.name };
  };
}

function usesMicrosoftSignIn(config: SyncConfig): boolean {
  return config.exchange.kind === 'graph' || config.exchange.auth === 'oauth';
}

/** Exchange backend for the app: Graph or EWS+OAuth with the refreshing sign-in, else EWS as the wiring builds it. */
export function appExchangeFor(openBrowser: OpenBrowser) {
  return async (
    config: SyncConfig,
    secrets: SecretSource,
    opts: { signal?: AbortSignal } = {},
  ): Promise<ExchangeBackend> => {
    if (!usesMicrosoftSignIn(config)) return wiringExchangeFor(config, secrets, opts);
    const signIn = graphSignIn(config.exchange, secrets, openBrowser);
    const signal = opts.signal ? { signal: opts.signal } : {};
    return createExchangeBackend(
      config.exchange,
      {},
      config.exchange.kind === 'graph'
        ? { graphAuth: signIn, graph: { tasksList: config.parts.tasks.tasksList, ...signal } }
        : { ewsAuth: signIn, ews: signal },
    );
  };
}

/** The engine's `connect` for the app. */
export function appConnect(openBrowser: OpenBrowser) {
  const exchangeFor = appExchangeFor(openBrowser);
  return async (config: SyncConfig, secrets: SecretSource): Promise<Connections> => {
    const client = await abraClientFor(config, secrets);
    const exchange = await exchangeFor(config, secrets);
    return { abra: abraPortOf(client), exchange };
  };
}
