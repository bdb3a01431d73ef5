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
import type { GraphSignIn, GraphSignInOptions } from '../exchange/graph';
import { GRAPH_SCOPES } from '../exchange/graph/scopes';
import type { ExchangeBackend } from '../exchange/types';
import { SyncError } from '../shared/errors';
import { note, tr } from '../shared/messages';
import type { ExchangeConnectionConfig, SecretSource, SyncConfig } from '../sync/config';
import type { Connections } from '../sync/service';
import { connect, exchangeFor, type MicrosoftSignIn } from '../wiring';
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

/**
 * The app's Microsoft sign-in, loaded on first use: the MSAL sign-in (the Graph backend's GraphSignIn) is imported
 * only when a token or a sign-in is asked for, so the app of an EWS user with a password never loads MSAL and the
 * Graph client (issue #17: ≈ 8 MB of the main process at start).
 */
export class LazyGraphSignIn {
  private real: Promise<GraphSignIn> | null = null;

  constructor(private readonly options: GraphSignInOptions) {}

  private get(): Promise<GraphSignIn> {
    this.real ??= import('../exchange/graph').then((graph) => new graph.GraphSignIn(this.options));
    return this.real;
  }

  async getAccessToken(): Promise<string> {
    return (await this.get()).getAccessToken();
  }

  /** Drops the cached token (before a retry with a fresh one); nothing to drop before the first use. */
  invalidate(): void {
    void this.real?.then((s) => s.invalidate());
  }

  async signIn(): ReturnType<GraphSignIn['signIn']> {
    return (await this.get()).signIn();
  }
}

/** The sign-in whose MSAL cache lives in the secret store. */
export function graphSignIn(
  exchange: ExchangeConnectionConfig,
  secrets: SecretSource,
  openBrowser: OpenBrowser,
): LazyGraphSignIn {
  return new LazyGraphSignIn({
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

/** The app's sign-in as the wiring takes it; when it is used is decided there (src-main/wiring/exchange.ts). */
function appSignIn(openBrowser: OpenBrowser): MicrosoftSignIn {
  return (exchange, secrets) => graphSignIn(exchange, secrets, openBrowser);
}

/** Exchange backend for the app: the wiring's, with the refreshing sign-in for Graph and EWS+OAuth. */
export function appExchangeFor(openBrowser: OpenBrowser) {
  const signIn = appSignIn(openBrowser);
  return (
    config: SyncConfig,
    secrets: SecretSource,
    opts: { signal?: AbortSignal } = {},
  ): Promise<ExchangeBackend> => exchangeFor(config, secrets, { microsoftSignIn: signIn, ...opts });
}

/** The engine's `connect` for the app: the wiring's, with the app's sign-in. */
export function appConnect(openBrowser: OpenBrowser) {
  const signIn = appSignIn(openBrowser);
  return (config: SyncConfig, secrets: SecretSource): Promise<Connections> =>
    connect(config, secrets, signIn);
}
