/**
 * Exchange Server through EWS with OAuth (hybrid modern authentication) in the app: the Microsoft sign-in asks for
 * `https://<EWS host>/EWS.AccessAsUser.All`, the EWS backend takes its tokens from that sign-in before every call and
 * renews a token the server refuses. The Graph emulator stands in for Microsoft Entra (authorize + token endpoints);
 * the EWS emulator accepts its tokens only for its own origin, as an on-premises Exchange registered in Entra does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../src-main/app/controller';
import { appConnect, appExchangeFor, microsoftSignIn } from '../../src-main/app/microsoft';
import { MemorySecretStore } from '../../src-main/app/secrets';
import { FileSettingsStore } from '../../src-main/app/settings';
import { abraClientFor } from '../../src-main/wiring';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';
import { type EwsEmulator, startEwsEmulator } from '../emulators/ews';
import { type GraphEmulator, startGraphEmulator } from '../emulators/graph';

let entra: GraphEmulator;
let ews: EwsEmulator;
let abra: AbraEmulator;
let c: Controller;
const secrets = new MemorySecretStore();
const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-ews-oauth-'));
const opened: string[] = [];
const audiences: string[] = [];

/** The system browser: GET the authorize URL, follow its redirect to the app's loopback listener. */
async function browser(url: string): Promise<void> {
  opened.push(url);
  const location = await new Promise<string>((resolve, reject) => {
    https
      .get(url, { ca: entra.tlsCa }, (res) => {
        res.resume();
        if (res.statusCode === 302 && res.headers.location) resolve(res.headers.location);
        else reject(new Error(`authorize answered ${res.statusCode}`));
      })
      .on('error', reject);
  });
  const loopback = new URL(location);
  if (loopback.hostname === 'localhost') loopback.hostname = '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.get(loopback, (res) => res.resume().on('end', () => resolve())).on('error', reject);
  });
}

beforeAll(async () => {
  entra = await startGraphEmulator({ size: 'empty' });
  ews = await startEwsEmulator({
    mailboxes: [{ email: entra.email, password: 'not-used-with-oauth', displayName: 'Jana Nováková' }],
    trustBearer: (token, origin) => {
      const info = entra.tokenInfo(token);
      if (info?.kind !== 'access') return { error: 'invalid token' };
      if (info.expired) return { error: 'token expired' };
      audiences.push(info.scope);
      if (!info.scope.split(' ').includes(`${origin}/EWS.AccessAsUser.All`))
        return { error: 'the token is for another resource' };
      return { email: entra.email };
    },
  });
  abra = await startAbraEmulator({ seed: 7, size: 'small' });
  c = await createController({
    settings: new FileSettingsStore(path.join(dir, 'settings.json')),
    secrets,
    connect: appConnect(browser),
    abraClientFor,
    exchangeFor: appExchangeFor(browser),
    signInMicrosoft: microsoftSignIn(browser),
    dataDir: path.join(dir, 'state'),
    logFile: path.join(dir, 'app.log'),
    version: 't',
    systemLocale: 'en-US',
    notify: () => undefined,
    openPath: async () => undefined,
    autoStart: false,
  });
}, 60_000);
afterAll(async () => {
  await c?.dispose();
  await ews?.stop();
  await entra?.stop();
  await abra?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = (ewsUrl = ews.url) => ({
  abra: { serverUrl: `http://127.0.0.1:${abra.port}`, connection: abra.connection, login: abra.user },
  exchange: {
    kind: 'ews',
    auth: 'oauth',
    email: entra.email,
    ewsUrl,
    tenantId: entra.tenantId,
    clientId: entra.clientId,
    authorityUrl: entra.authorityUrl,
    caCertificate: entra.tlsCa,
  },
  parts: { addressBook: { enabled: true } },
});

describe('Exchange Server (EWS) with OAuth sign-in', () => {
  it('needs the EWS address before it can ask for a token for it', async () => {
    const r = await c.signInMicrosoft(config(''));
    expect(r).toMatchObject({ ok: false, kind: 'config' });
    expect(r.message).toContain('needs its EWS address');
    expect(opened).toEqual([]);
  });

  it('signs in for the server, tests, syncs, renews a refused token, and asks to sign in again when revoked', async () => {
    const r = await c.signInMicrosoft(config());
    expect(r).toMatchObject({ ok: true, side: 'exchange' });
    expect(opened).toHaveLength(1);
    const origin = new URL(ews.url).origin;
    expect(new URL(opened[0]!).searchParams.get('scope')?.split(' ')).toContain(
      `${origin}/EWS.AccessAsUser.All`,
    );
    expect((await c.getState()).secrets.microsoftSignedIn).toBe(true);

    const t = await c.testConnection('exchange', config());
    expect(t).toMatchObject({ ok: true, side: 'exchange' });
    expect(t.message).toContain(entra.email);
    expect(audiences.length).toBeGreaterThan(0);

    expect((await c.saveSync(config())).ok).toBe(true);
    await c.setSecret('abraPassword', abra.password);
    expect((await c.getState()).problems).toEqual([]);
    const [first] = await c.syncNow('addressBook');
    expect(first).toMatchObject({ result: 'ok', failures: [] });
    expect(first!.counts.exchange.created).toBeGreaterThan(0);
    const folder = ews.control.folders().find((f) => f.displayName === 'ABRA Gen')!.id;
    expect(ews.control.list(folder)).toHaveLength(first!.counts.exchange.created);

    // The server stops taking the cached access token (MSAL still thinks it valid): one 401, a fresh token, done.
    entra.control.expireAccessTokens();
    ews.log.reset();
    const [second] = await c.syncNow('addressBook');
    expect(second).toMatchObject({ result: 'ok' });
    expect(ews.log.entries().filter((e) => e.status === 401)).toHaveLength(1);
    expect(opened).toHaveLength(1); // background work never opens the browser

    entra.control.revokeGrants();
    entra.control.expireAccessTokens();
    const revoked = await c.testConnection('exchange', config());
    expect(revoked).toMatchObject({ ok: false, kind: 'auth' });
    expect(revoked.message).toBe('The Microsoft 365 sign-in has expired or was revoked. Sign in again.');
  });
});
