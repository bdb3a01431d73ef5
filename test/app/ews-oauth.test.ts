/**
 * Exchange Server through EWS with OAuth (hybrid modern authentication) in the app: the Microsoft sign-in asks for
 * `https://<EWS host>/EWS.AccessAsUser.All`, the EWS backend takes its tokens from that sign-in before every call and
 * renews a token the server refuses. The Graph emulator stands in for Microsoft Entra (authorize + token endpoints);
 * the EWS emulator accepts its tokens only for its own origin, as an on-premises Exchange registered in Entra does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../src-main/app/controller';
import { MemorySecretStore } from '../../src-main/app/secrets';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';
import { type EwsEmulator, startEwsEmulator } from '../emulators/ews';
import { type GraphEmulator, startGraphEmulator } from '../emulators/graph';
import { signInController, systemBrowser } from './ms-signin';

let entra: GraphEmulator;
let ews: EwsEmulator;
let abra: AbraEmulator;
let c: Controller;
const secrets = new MemorySecretStore();
const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-ews-oauth-'));
const opened: string[] = [];
const audiences: string[] = [];

const browser = systemBrowser(() => entra.tlsCa, opened);

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
  c = await signInController(dir, secrets, browser);
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
    const [first] = await c.approve('addressBook');
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
