/**
 * Microsoft 365 in the app: the MSAL sign-in (Graph backend's GraphSignIn) with its token cache kept as the secret
 * `graphTokenCache` (encrypted by the SecretStore), and the app's `connect`/`exchangeFor`, which give the Graph backend
 * that refreshing sign-in instead of a static token. Electron-free: the browser opener is injected.
 */
import { createExchangeBackend } from '../exchange';
import { GraphSignIn } from '../exchange/graph';
import type { ExchangeBackend } from '../exchange/types';
import type { ExchangeConnectionConfig, SecretSource, SyncConfig } from '../sync/config';
import type { Connections } from '../sync/service';
import { abraClientFor, abraPortOf, exchangeFor as wiringExchangeFor } from '../wiring';
import type { ControllerDeps } from './controller';

export type OpenBrowser = (url: string) => Promise<unknown> | unknown;

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
  return config.exchange.kind === 'graph';
}

/** Exchange backend for the app: Graph with the refreshing sign-in, EWS as the wiring builds it. */
export function appExchangeFor(openBrowser: OpenBrowser) {
  return async (config: SyncConfig, secrets: SecretSource): Promise<ExchangeBackend> => {
    if (!usesMicrosoftSignIn(config)) return wiringExchangeFor(config, secrets);
    return createExchangeBackend(
      config.exchange,
      {},
      {
        graphAuth: graphSignIn(config.exchange, secrets, openBrowser),
        graph: { tasksList: config.parts.tasks.tasksList },
      },
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
