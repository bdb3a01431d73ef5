/**
 * MSAL sign-in end to end against the Graph emulator's identity endpoints: authorization code + PKCE through a
 * simulated browser (GET authorize → 302 to the loopback redirect with a code), tokens into the persisted cache,
 * silent use after a restart, silent refresh, 401 → refresh → retry, revoked grant → 'auth' "sign in again".
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBackend, GraphSignIn, type TokenCacheStore } from '../../../src-main/exchange/graph';
import { SyncError } from '../../../src-main/shared/errors';
import { parseConfig } from '../../../src-main/sync/config';
import { createExchangeBackend } from '../../../src-main/wiring/exchange';
import { type GraphEmulator, startGraphEmulator } from '../../emulators/graph/index';

let emu: GraphEmulator;

beforeAll(async () => {
  emu = await startGraphEmulator({ size: 'empty' });
});
afterAll(async () => emu.stop());

function get(url: string, ca: string): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    mod
      .get(u, u.protocol === 'https:' ? { ca } : {}, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      })
      .on('error', reject);
  });
}

function post(
  url: string,
  form: Record<string, string>,
  ca: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const data = new URLSearchParams(form).toString();
    const req = https.request(
      new URL(url),
      {
        method: 'POST',
        ca,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(data),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The "system browser": follows the authorize URL to the loopback redirect. */
function browser(opened: string[]) {
  return async (url: string) => {
    opened.push(url);
    const r = await get(url, emu.tlsCa);
    expect(r.status).toBe(302);
    const back = new URL(r.location!);
    expect(back.hostname).toBe('localhost');
    back.hostname = '127.0.0.1';
    const page = await get(back.toString(), emu.tlsCa);
    expect(page.status).toBe(200);
  };
}

function memoryCache(): TokenCacheStore & { value: string | null; saves: number } {
  const c = {
    value: null as string | null,
    saves: 0,
    load: async () => c.value,
    save: async (s: string) => {
      c.value = s;
      c.saves++;
    },
  };
  return c;
}

const tokenPosts = () => emu.log.entries().filter((e) => e.path.endsWith('/oauth2/v2.0/token')).length;

describe('MSAL sign-in against the emulator', () => {
  const cache = memoryCache();
  const opened: string[] = [];
  let signIn: GraphSignIn;

  it('interactive: code + PKCE via the loopback redirect → tokens in the persisted cache', async () => {
    signIn = new GraphSignIn({
      tenantId: emu.tenantId,
      clientId: emu.clientId,
      authorityUrl: emu.authorityUrl,
      cache,
      openBrowser: browser(opened),
      caCertificate: emu.tlsCa,
      loginHint: emu.user,
    });
    const account = await signIn.signIn();
    expect(account.username).toBe(emu.user);
    expect(opened).toHaveLength(1);
    const auth = new URL(opened[0]!);
    expect(auth.pathname).toBe(`/${emu.tenantId}/oauth2/v2.0/authorize`);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get('scope')).toContain('Contacts.ReadWrite');
    expect(auth.searchParams.get('scope')).toContain('offline_access');
    expect(auth.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/);
    expect(cache.saves).toBeGreaterThan(0);
    expect(cache.value).toContain('RefreshToken');
    // no discovery call went anywhere: only authorize + token hit the identity endpoints
    expect(
      emu.log
        .entries()
        .filter((e) => !e.path.startsWith('/me') && !e.path.startsWith('/$batch'))
        .map((e) => e.path.split('/').pop()),
    ).toEqual(['authorize', 'token']);

    const backend = new GraphBackend(emu.url, signIn, { timeZone: 'Europe/Prague' });
    expect((await backend.testConnection()).email).toBe(emu.email);
  });

  it('after a restart the cached sign-in is used silently (no browser)', async () => {
    const again = new GraphSignIn({
      tenantId: emu.tenantId,
      clientId: emu.clientId,
      authorityUrl: emu.authorityUrl,
      cache,
      openBrowser: () => {
        throw new Error('must not open a browser');
      },
      caCertificate: emu.tlsCa,
    });
    const before = tokenPosts();
    const t = await again.getAccessToken();
    expect(t.length).toBeGreaterThan(20);
    expect(tokenPosts()).toBe(before); // from the cache
    const backend = new GraphBackend(emu.url, again, { timeZone: 'UTC' });
    expect((await backend.testConnection()).email).toBe(emu.email);
  });

  it('the factory builds a silent sign-in from the graphTokenCache secret and writes refreshed caches back', async () => {
    const saved: string[] = [];
    const config = parseConfig({
      abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'x' },
      exchange: {
        kind: 'graph',
        email: emu.email,
        graphUrl: emu.url,
        authorityUrl: emu.authorityUrl,
        tenantId: emu.tenantId,
        clientId: emu.clientId,
        caCertificate: emu.tlsCa,
      },
    }).exchange;
    const b = await createExchangeBackend(
      config,
      { token: cache.value },
      { graph: { saveTokenCache: (x) => void saved.push(x) } },
    );
    expect((await b.testConnection()).email).toBe(emu.email);
    emu.control.expireAccessTokens();
    expect((await b.testConnection()).email).toBe(emu.email);
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.at(-1)).not.toBe(cache.value);
    // the same when the secret comes as a token source that hands out the stored cache as is
    const saved2: string[] = [];
    const viaFactory = await createExchangeBackend(
      config,
      {},
      {
        graphAuth: { getAccessToken: async () => cache.value ?? '' },
        graph: { saveTokenCache: (x: string) => void saved2.push(x) },
      },
    );
    expect((await viaFactory.testConnection()).email).toBe(emu.email);
    emu.control.expireAccessTokens();
    expect((await viaFactory.testConnection()).email).toBe(emu.email);
    expect(saved2.length).toBeGreaterThan(0);
    // nothing usable → auth
    await expect(createExchangeBackend(config, { token: null })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('silent refresh: an expired access token → 401 → refresh token grant → retried call succeeds', async () => {
    const backend = new GraphBackend(emu.url, signIn, { timeZone: 'UTC' });
    const first = await signIn.getAccessToken();
    emu.control.expireAccessTokens();
    const before = tokenPosts();
    expect((await backend.testConnection()).email).toBe(emu.email);
    expect(tokenPosts()).toBe(before + 1);
    const second = await signIn.getAccessToken();
    expect(second).not.toBe(first);
  });

  it('revoked grant → SyncError auth "sign in again"; a new interactive sign-in recovers', async () => {
    emu.control.revokeGrants();
    emu.control.expireAccessTokens();
    const backend = new GraphBackend(emu.url, signIn, { timeZone: 'UTC' });
    let e: unknown;
    try {
      await backend.testConnection();
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SyncError);
    expect((e as SyncError).kind).toBe('auth');
    expect((e as SyncError).message).toMatch(/sign in again/);
    expect(JSON.stringify((e as SyncError).toJSON())).not.toMatch(/eyJ|0\.ARwA/);
    await signIn.signIn();
    expect((await backend.testConnection()).email).toBe(emu.email);
  });

  it('no saved sign-in → auth; sign out clears the cache', async () => {
    const empty = new GraphSignIn({
      tenantId: emu.tenantId,
      clientId: emu.clientId,
      authorityUrl: emu.authorityUrl,
      cache: memoryCache(),
      openBrowser: () => {},
      caCertificate: emu.tlsCa,
    });
    await expect(empty.getAccessToken()).rejects.toMatchObject({ kind: 'auth' });
    await signIn.signOut();
    await expect(signIn.getAccessToken()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('wrong client id → config error; http authority → config error', async () => {
    const wrong = new GraphSignIn({
      tenantId: emu.tenantId,
      clientId: '00000000-0000-0000-0000-000000000000',
      authorityUrl: emu.authorityUrl,
      cache: memoryCache(),
      openBrowser: async (url) => {
        const r = await get(url, emu.tlsCa);
        expect(r.status).toBe(400);
        throw new SyncError('config', `authorize refused: ${JSON.parse(r.body).error}`);
      },
      caCertificate: emu.tlsCa,
      signInTimeoutMs: 2000,
    });
    await expect(wrong.signIn()).rejects.toMatchObject({ kind: 'config' });
    expect(
      () =>
        new GraphSignIn({
          tenantId: 't',
          clientId: 'c',
          authorityUrl: 'http://login.example',
          cache: memoryCache(),
          openBrowser: () => {},
        }),
    ).toThrow(/https/);
  });

  it('the emulator publishes its OpenID configuration', async () => {
    const r = await get(
      `${emu.authorityUrl}/${emu.tenantId}/v2.0/.well-known/openid-configuration`,
      emu.tlsCa,
    );
    expect(r.status).toBe(200);
    const j = JSON.parse(r.body) as Record<string, string>;
    expect(j.token_endpoint).toBe(`${emu.authorityUrl}/${emu.tenantId}/oauth2/v2.0/token`);
    expect(j.authorization_endpoint).toBe(`${emu.authorityUrl}/${emu.tenantId}/oauth2/v2.0/authorize`);
  });

  it('the emulator verifies PKCE: a wrong code_verifier is refused', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = 'http://localhost:9';
    const q = new URLSearchParams({
      client_id: emu.clientId,
      response_type: 'code',
      redirect_uri: redirect,
      scope: 'openid offline_access https://graph.microsoft.com/User.Read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const a = await get(`${emu.authorityUrl}/${emu.tenantId}/oauth2/v2.0/authorize?${q}`, emu.tlsCa);
    const code = new URL(a.location!).searchParams.get('code')!;
    const tokenUrl = `${emu.authorityUrl}/${emu.tenantId}/oauth2/v2.0/token`;
    const bad = await post(
      tokenUrl,
      {
        client_id: emu.clientId,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirect,
        code_verifier: `${verifier}x`,
      },
      emu.tlsCa,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_grant');
    // codes are single-use even after a failed redemption
    const again = await post(
      tokenUrl,
      {
        client_id: emu.clientId,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirect,
        code_verifier: verifier,
      },
      emu.tlsCa,
    );
    expect(again.status).toBe(400);
    // a fresh code with the right verifier works
    const a2 = await get(`${emu.authorityUrl}/${emu.tenantId}/oauth2/v2.0/authorize?${q}`, emu.tlsCa);
    const code2 = new URL(a2.location!).searchParams.get('code')!;
    const good = await post(
      tokenUrl,
      {
        client_id: emu.clientId,
        grant_type: 'authorization_code',
        code: code2,
        redirect_uri: redirect,
        code_verifier: verifier,
      },
      emu.tlsCa,
    );
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ token_type: 'Bearer' });
    expect(typeof good.body.refresh_token).toBe('string');
  });
});
