/**
 * Microsoft 365 through the controller: interactive sign-in (MSAL auth code + PKCE against the Graph emulator's
 * identity endpoints; the "browser" follows the authorize redirect to the loopback listener), the token cache kept
 * only as an encrypted-store secret, the Graph backend refreshing through it, sync, revoked grant, sign-out.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../../src-main/app/controller';
import { MemorySecretStore } from '../../src-main/app/secrets';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';
import { type GraphEmulator, startGraphEmulator } from '../emulators/graph';
import { signInController, systemBrowser } from './ms-signin';

let g: GraphEmulator;
let abra: AbraEmulator;
let c: Controller;
const secrets = new MemorySecretStore();
const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-ms-'));
const opened: string[] = [];

const browser = systemBrowser(() => g.tlsCa, opened);

beforeAll(async () => {
  g = await startGraphEmulator({ size: 'small' });
  abra = await startAbraEmulator({ seed: 5, size: 'small' });
  c = await signInController(dir, secrets, browser);
});
afterAll(async () => {
  await c?.dispose();
  await g?.stop();
  await abra?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = () => ({
  abra: { serverUrl: `http://127.0.0.1:${abra.port}`, connection: abra.connection, login: abra.user },
  exchange: {
    kind: 'graph',
    email: g.email,
    tenantId: g.tenantId,
    clientId: g.clientId,
    graphUrl: g.url,
    authorityUrl: g.authorityUrl,
    caCertificate: g.tlsCa,
  },
  parts: { addressBook: { enabled: true } },
});

describe('Microsoft 365 sign-in', () => {
  it('without a client id it says what is missing', async () => {
    const cfg = config();
    const r = await c.signInMicrosoft({ ...cfg, exchange: { ...cfg.exchange, clientId: '' } });
    expect(r).toMatchObject({ ok: false, kind: 'config' });
    expect(r.message).toContain('client');
    expect(opened).toEqual([]);
  });

  it('signs in, keeps the cache as a secret, tests, syncs, notices a revoked grant, signs out', async () => {
    const r = await c.signInMicrosoft(config());
    expect(r).toMatchObject({ ok: true, side: 'exchange' });
    expect(r.message).toMatch(/^Signed in to Microsoft 365 as /);
    expect(opened).toHaveLength(1);
    expect(await secrets.has('graphTokenCache')).toBe(true);
    const cache = (await secrets.get('graphTokenCache'))!;
    const st = await c.getState();
    expect(st.secrets.microsoftSignedIn).toBe(true);
    const refresh = Object.values(JSON.parse(cache).RefreshToken ?? {})[0] as { secret: string } | undefined;
    expect(refresh?.secret).toBeTruthy();
    expect(JSON.stringify(st)).not.toContain(refresh!.secret);
    const t = await c.testConnection('exchange', config());
    expect(t).toMatchObject({ ok: true, side: 'exchange' });
    expect(t.message).toContain(g.email);

    expect((await c.saveSync(config())).ok).toBe(true);
    await c.setSecret('abraPassword', abra.password);
    expect((await c.getState()).problems).toEqual([]);
    const [run] = await c.approve('addressBook');
    expect(run?.failures).toEqual([]);
    expect(run).toMatchObject({ result: 'ok' });
    expect(run!.counts.exchange.created).toBeGreaterThan(0);
    expect(opened).toHaveLength(1); // background work never opens the browser

    g.control.revokeGrants();
    g.control.expireAccessTokens();
    const revoked = await c.testConnection('exchange', config());
    expect(revoked).toMatchObject({ ok: false, kind: 'auth' });
    expect(revoked.message).toBe('The Microsoft 365 sign-in has expired or was revoked. Sign in again.');

    const out = await c.signOutMicrosoft();
    expect(out.secrets.microsoftSignedIn).toBe(false);
    expect(out.problems).toEqual(['Sign in with Microsoft first (Connections → Exchange).']);
  });
});
