/** The wiring's choices that the scenarios do not reach: missing secrets and the EWS OAuth limitation. */
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../src-main/shared/errors';
import { parseConfig, type SecretSource } from '../../src-main/sync/config';
import { abraClientFor, exchangeFor } from '../../src-main/wiring';

const base = {
  abra: { serverUrl: 'https://abra.example.cz:8443', connection: 'firma', login: 'jan' },
  exchange: { email: 'jan@example.cz', ewsUrl: 'https://mail.example.cz/EWS/Exchange.asmx' },
};
const secrets = (v: Record<string, string>): SecretSource => ({ get: async (n) => v[n] ?? null });

describe('wiring', () => {
  it('a missing ABRA password or token is a configuration error naming what to enter', async () => {
    await expect(abraClientFor(parseConfig(base), secrets({}))).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining('ABRA Gen password'),
    });
    const tokenCfg = parseConfig({ ...base, abra: { ...base.abra, authMode: 'token' } });
    await expect(abraClientFor(tokenCfg, secrets({ abraPassword: 'x' }))).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining('token'),
    });
  });

  it('EWS needs the stored Exchange password', async () => {
    const err = await exchangeFor(parseConfig(base), secrets({})).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(err.kind).toBe('config');
  });

  it('EWS with OAuth (headless) refuses the app’s sign-in cache instead of sending it as a bearer token', async () => {
    const cfg = parseConfig({ ...base, exchange: { ...base.exchange, auth: 'oauth' } });
    const cache = JSON.stringify({ Account: {}, RefreshToken: {}, AccessToken: {} });
    const err = await exchangeFor(cfg, secrets({ graphTokenCache: cache })).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(err.kind).toBe('config');
    expect(err.message).toContain('give an EWS access token in EXCHANGE_TOKEN');
  });
});
