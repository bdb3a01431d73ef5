/**
 * "Test / find settings" from e-mail + password (issue #18 item 8): Autodiscover when no EWS URL is set, the
 * server's sign-in methods read from its 401 answer to a request without credentials (WWW-Authenticate, RFC 9110
 * §11.6.1; IIS lists Negotiate, NTLM, Basic and, with modern auth, Bearer — "Authentication and EWS in Exchange",
 * Microsoft Learn), NTLM chosen before Basic, then the ordinary connection test; against the EWS emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverAndTest } from '../../src-main/app/connection-discover';
import { type Controller, createController } from '../../src-main/app/controller';
import { chooseEwsAuth, parseAuthSchemes, probeEwsAuth } from '../../src-main/exchange/ews/auth-probe';
import { MAILBOX, startUiBackends, type UiBackends } from '../ui/ui-deps';
import { EXCHANGE_PASSWORD } from './harness';

let b: UiBackends;
const controllers: Controller[] = [];
beforeAll(async () => {
  b = await startUiBackends({ exchange: 'ews' });
});
afterAll(async () => {
  for (const c of controllers) await c.dispose();
  await b.stop();
});

describe('EWS sign-in methods', () => {
  it('parses the schemes of WWW-Authenticate (one header or several, with auth-params)', () => {
    expect(parseAuthSchemes(['Negotiate', 'NTLM', 'Basic realm="mail.firma.cz"'])).toEqual(['ntlm', 'basic']);
    expect(
      parseAuthSchemes(
        'Basic realm="x", Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token", error_description="a, b"',
      ),
    ).toEqual(['basic', 'oauth']);
    expect(parseAuthSchemes(undefined)).toEqual([]);
  });

  it('chooses NTLM (the password is not sent), then Basic, then Microsoft sign-in', () => {
    expect(chooseEwsAuth(['basic', 'ntlm', 'oauth'])).toBe('ntlm');
    expect(chooseEwsAuth(['oauth', 'basic'])).toBe('basic');
    expect(chooseEwsAuth(['oauth'])).toBe('oauth');
    expect(chooseEwsAuth([])).toBeNull();
  });

  it('the probe reads the emulator’s 401 without sending credentials', async () => {
    const before = b.ews!.log.total();
    const offer = await probeEwsAuth(b.ewsUrl);
    expect(offer.status).toBe(401);
    expect(offer.offered).toEqual(expect.arrayContaining(['ntlm', 'basic']));
    const seen = b.ews!.log.entries().slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((l) => l.status === 401)).toBe(true);
  });
});

describe('discoverExchange', () => {
  it('e-mail + password alone: finds the EWS URL, picks NTLM, and connects', async () => {
    const c = await createController(b.deps({ systemLocale: 'cs-CZ' }));
    controllers.push(c);
    const draft = { exchange: { kind: 'ews', email: MAILBOX.email, ewsUrl: '', auth: 'basic' } };
    await c.setSecret('exchangePassword', EXCHANGE_PASSWORD, draft);
    const r = await c.discoverExchange(draft);
    expect(r.found).toEqual({ ewsUrl: b.ewsUrl, auth: 'ntlm' });
    expect(r.steps).toHaveLength(2);
    expect(r.steps[1]).toContain('NTLM');
    expect(r).toMatchObject({ ok: true, side: 'exchange' });
    expect(r.message).toContain('Jan Novák');
  });

  it('an unknown address stops after Autodiscover with its answer; nothing is tested', async () => {
    const c = await createController(b.deps());
    controllers.push(c);
    const draft = { exchange: { kind: 'ews', email: 'nikdo@jinde.cz', ewsUrl: '' } };
    await c.setSecret('exchangePassword', 'x', draft);
    const r = await c.discoverExchange(draft);
    expect(r.ok).toBe(false);
    expect(r.found).toEqual({});
    expect(r.message).toMatch(/Autodiscover|EWS/);
  });

  it('an auth method locked by the admin is kept; a server offering only Bearer asks for Microsoft sign-in', async () => {
    const tested: unknown[] = [];
    const base = {
      autodiscover: async () => ({
        ok: true,
        url: 'https://mail.firma.cz/EWS/Exchange.asmx',
        message: 'found',
      }),
      probe: async () => ({ status: 401, offered: ['oauth' as const] }),
      test: async (input: unknown) => {
        tested.push(input);
        return { ok: true, side: 'exchange' as const, message: 'ok' };
      },
      say: (k: string) => k,
    };
    const locked = await discoverAndTest(
      { exchange: { email: 'a@firma.cz', auth: 'basic' } },
      { ...base, locked: (p) => p === 'sync.exchange.auth' },
    );
    expect(locked).toMatchObject({ ok: true, found: { ewsUrl: 'https://mail.firma.cz/EWS/Exchange.asmx' } });
    expect(tested).toEqual([
      { exchange: { email: 'a@firma.cz', auth: 'basic', ewsUrl: 'https://mail.firma.cz/EWS/Exchange.asmx' } },
    ]);
    const bearer = await discoverAndTest(
      { exchange: { email: 'a@firma.cz' } },
      { ...base, locked: () => false },
    );
    expect(bearer).toMatchObject({ ok: false, kind: 'auth', message: 'discover.signInMicrosoft' });
    expect(bearer.found.auth).toBe('oauth');
    expect(tested).toHaveLength(1);
  });
});
