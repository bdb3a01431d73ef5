/**
 * Sign-in to Microsoft 365 for the Graph backend: MSAL public client (no secret), authorization code + PKCE through
 * the system browser with a loopback redirect (a one-shot listener on 127.0.0.1 receives the code), silent refresh,
 * and the token cache persisted through a plugin (the shell encrypts it with safeStorage). An expired or revoked
 * grant becomes SyncError('auth', '… sign in again'), never a silent stop.
 *
 * MSAL never contacts login.microsoftonline.com for discovery: the authority's metadata is built locally from the
 * well-known v2.0 endpoint layout (`knownAuthorities` + `authorityMetadata` + `cloudDiscoveryMetadata`), so the
 * same code signs in against Entra ID and against the test emulator.
 *
 * Nothing here logs or throws a token.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import {
  type AccountInfo,
  AuthError,
  type AuthenticationResult,
  CryptoProvider,
  type ICachePlugin,
  type INetworkModule,
  InteractionRequiredAuthError,
  type NetworkRequestOptions,
  type NetworkResponse,
  PublicClientApplication,
  type TokenCacheContext,
} from '@azure/msal-node';
import { SyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import { trustOptions } from '../../shared/tls-trust';
import type { GraphAuth } from './http';

import { GRAPH_SCOPES } from './scopes';

export { GRAPH_SCOPES };

/** Where the serialized MSAL cache lives (the shell: encrypted with safeStorage in the profile's secret store). */
export interface TokenCacheStore {
  load(): Promise<string | null>;
  save(serialized: string): Promise<void>;
}

export interface GraphSignInOptions {
  tenantId: string;
  clientId: string;
  /** e.g. `https://login.microsoftonline.com` (the tenant is appended). */
  authorityUrl: string;
  cache: TokenCacheStore;
  /** Opens the URL in the system browser (Electron: shell.openExternal). */
  openBrowser: (url: string) => Promise<void> | void;
  /** Preferred account (login hint; picks the cached account with this user name). */
  loginHint?: string;
  scopes?: string[];
  /** Extra CA (PEM) for the authority's TLS (a TLS-inspecting proxy, the test emulator). */
  caCertificate?: string;
  /** Host in the redirect URI; the app registration lists `http://localhost` (default `localhost`). */
  redirectHost?: 'localhost' | '127.0.0.1';
  /** How long the browser sign-in may take (default 5 minutes). */
  signInTimeoutMs?: number;
}

/** Node https transport for MSAL with an optional extra CA; bodies are never logged. */
class NodeNetwork implements INetworkModule {
  private readonly agent: https.Agent;
  constructor(ca?: string) {
    this.agent = new https.Agent({ keepAlive: false, ...trustOptions(ca) });
  }
  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }
  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }
  private send<T>(
    method: string,
    url: string,
    o?: NetworkRequestOptions,
    timeout = 30_000,
  ): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const mod = u.protocol === 'http:' ? http : https;
      const body = o?.body ?? '';
      const req = mod.request(
        u,
        {
          method,
          agent: u.protocol === 'https:' ? this.agent : undefined,
          headers: {
            ...(o?.headers ?? {}),
            ...(method === 'POST' ? { 'Content-Length': Buffer.byteLength(body) } : {}),
          },
          timeout,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              parsed = { error: 'malformed', error_description: `not JSON (HTTP ${res.statusCode})` };
            }
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              headers[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
            resolve({ headers, body: parsed as T, status: res.statusCode ?? 0 });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (method === 'POST') req.write(body);
      req.end();
    });
  }
}

/** Authority metadata of the v2.0 endpoint layout, so MSAL needs no discovery call. */
export function authorityConfig(authorityUrl: string, tenantId: string) {
  const base = authorityUrl.replace(/\/+$/, '');
  let host: string;
  try {
    const u = new URL(base);
    if (u.protocol !== 'https:') throw new Error('not https');
    host = u.host;
  } catch {
    throw new SyncError(
      'config',
      'the sign-in authority must be an https:// URL, e.g. https://login.microsoftonline.com',
    );
  }
  const authority = `${base}/${tenantId}`;
  return {
    authority,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    }),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    }),
  };
}

function mapMsalError(e: unknown, action: string): SyncError {
  if (e instanceof SyncError) return e;
  const code = (e as { errorCode?: string }).errorCode ?? (e as { code?: string }).code ?? '';
  const sub = (e as { subError?: string }).subError;
  const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  if (
    e instanceof InteractionRequiredAuthError ||
    /invalid_grant|interaction_required|login_required|consent_required|no_tokens_found|no_account/i.test(
      code,
    )
  )
    return new SyncError('auth', 'Microsoft 365 sign-in expired or was revoked — sign in again', {
      note: note('graph.auth'),
      code: code || undefined,
      detail: [sub, msg].filter(Boolean).join(': '),
    });
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(`${code} ${msg}`))
    return new SyncError('unreachable', `the Microsoft sign-in service is unreachable (${action})`, {
      detail: msg,
    });
  if (/ETIMEDOUT|timeout/i.test(`${code} ${msg}`))
    return new SyncError('timeout', `the Microsoft sign-in service did not answer in time (${action})`, {
      detail: msg,
    });
  if (/certificate|self.signed|CERT_/i.test(msg))
    return new SyncError('tls', `TLS problem at the sign-in service: ${msg}`);
  if (/unauthorized_client|invalid_client|invalid_tenant|invalid_request/i.test(`${code} ${msg}`))
    return new SyncError(
      'config',
      `Microsoft 365 sign-in is misconfigured (tenant / client id / redirect): ${msg}`,
      {
        code: code || undefined,
      },
    );
  if (e instanceof AuthError)
    return new SyncError('auth', `Microsoft 365 sign-in failed — sign in again: ${msg}`, {
      code,
      note: note('graph.auth'),
    });
  return new SyncError('transient', `Microsoft 365 sign-in failed (${action}): ${msg}`);
}

export class GraphSignIn implements GraphAuth {
  readonly pca: PublicClientApplication;
  private readonly scopes: string[];
  private forceRefresh = false;
  private pending: Promise<string> | null = null;

  constructor(private readonly o: GraphSignInOptions) {
    if (!o.clientId) throw new SyncError('config', 'Microsoft 365: the application (client) id is not set');
    if (!o.tenantId) throw new SyncError('config', 'Microsoft 365: the tenant id is not set');
    const plugin: ICachePlugin = {
      beforeCacheAccess: async (ctx: TokenCacheContext) => {
        const s = await o.cache.load();
        if (s) ctx.tokenCache.deserialize(s);
      },
      afterCacheAccess: async (ctx: TokenCacheContext) => {
        if (ctx.cacheHasChanged) await o.cache.save(ctx.tokenCache.serialize());
      },
    };
    const a = authorityConfig(o.authorityUrl, o.tenantId);
    this.scopes = o.scopes ?? GRAPH_SCOPES;
    this.pca = new PublicClientApplication({
      auth: {
        clientId: o.clientId,
        authority: a.authority,
        knownAuthorities: a.knownAuthorities,
        authorityMetadata: a.authorityMetadata,
        cloudDiscoveryMetadata: a.cloudDiscoveryMetadata,
      },
      cache: { cachePlugin: plugin },
      system: {
        networkClient: new NodeNetwork(o.caCertificate),
        loggerOptions: { piiLoggingEnabled: false },
      },
    });
  }

  /** The cached account to use (the login hint's, else the only one). */
  async account(): Promise<AccountInfo | null> {
    const all = await this.pca.getTokenCache().getAllAccounts();
    const hint = this.o.loginHint?.toLowerCase();
    return (hint ? all.find((a) => a.username.toLowerCase() === hint) : undefined) ?? all[0] ?? null;
  }

  /**
   * Interactive sign-in: opens the system browser at the authorize URL, receives the code on a loopback listener,
   * redeems it with the PKCE verifier. Resolves with the signed-in account (tokens are in the cache).
   */
  async signIn(): Promise<AccountInfo> {
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const state = randomBytes(16).toString('base64url');
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as net.AddressInfo).port;
    const redirectUri = `http://${this.o.redirectHost ?? 'localhost'}:${port}`;
    try {
      const codePromise = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new SyncError('auth', 'Microsoft 365 sign-in was not completed in the browser — sign in again'),
            ),
          this.o.signInTimeoutMs ?? 300_000,
        );
        server.on('request', (req, res) => {
          const u = new URL(req.url ?? '/', 'http://127.0.0.1');
          const code = u.searchParams.get('code');
          const error = u.searchParams.get('error');
          if (!code && !error) {
            res.writeHead(404).end();
            return;
          }
          const okState = u.searchParams.get('state') === state;
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
          res.end(
            `<!doctype html><meta charset="utf-8"><title>ABRA Gen Exchange Sync</title><p>${
              code && okState
                ? 'Přihlášení proběhlo. Toto okno můžete zavřít. / Signed in — you can close this window.'
                : 'Přihlášení se nezdařilo. / Sign-in failed.'
            }</p>`,
          );
          clearTimeout(timer);
          if (error)
            reject(
              new SyncError('auth', `Microsoft 365 sign-in was refused: ${error}`, {
                code: error,
                detail: u.searchParams.get('error_description') ?? undefined,
              }),
            );
          else if (!okState)
            reject(new SyncError('auth', 'Microsoft 365 sign-in answer did not match the request'));
          else resolve(code!);
        });
      });
      codePromise.catch(() => {});
      const url = await this.pca
        .getAuthCodeUrl({
          scopes: this.scopes,
          redirectUri,
          codeChallenge: challenge,
          codeChallengeMethod: 'S256',
          state,
          prompt: 'select_account',
          ...(this.o.loginHint ? { loginHint: this.o.loginHint } : {}),
        })
        .catch((e) => {
          throw mapMsalError(e, 'authorize URL');
        });
      await this.o.openBrowser(url);
      const code = await codePromise;
      let result: AuthenticationResult;
      try {
        result = await this.pca.acquireTokenByCode({
          code,
          scopes: this.scopes,
          redirectUri,
          codeVerifier: verifier,
        });
      } catch (e) {
        throw mapMsalError(e, 'redeem code');
      }
      if (!result.account)
        throw new SyncError('auth', 'Microsoft 365 sign-in returned no account — sign in again');
      this.forceRefresh = false;
      return result.account;
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  /** A valid access token from the cache, refreshed silently when needed; no saved sign-in → 'auth'. */
  getAccessToken(): Promise<string> {
    if (!this.pending) {
      this.pending = this.silent().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  private async silent(): Promise<string> {
    const account = await this.account();
    if (!account) throw new SyncError('auth', 'Microsoft 365: not signed in — sign in again');
    try {
      const r = await this.pca.acquireTokenSilent({
        account,
        scopes: this.scopes,
        forceRefresh: this.forceRefresh,
      });
      this.forceRefresh = false;
      if (!r?.accessToken)
        throw new SyncError('auth', 'Microsoft 365 returned no access token — sign in again');
      return r.accessToken;
    } catch (e) {
      throw mapMsalError(e, 'refresh');
    }
  }

  /** After a 401: the next token is fetched from the token endpoint, not the cache. */
  invalidate(): void {
    this.forceRefresh = true;
  }

  async signOut(): Promise<void> {
    const cache = this.pca.getTokenCache();
    for (const a of await cache.getAllAccounts()) await cache.removeAccount(a);
  }
}
