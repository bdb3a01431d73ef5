/**
 * Secrets bound to the server they were entered for (security review, renderer-exfil and autodiscover-leak
 * probes): a URL named later — by a typo, or by a compromised renderer through IPC — never receives a stored
 * password or the Microsoft token; a changed server needs the secret entered again or the user's yes in main's own
 * dialog. Autodiscover sends the password only for the domain it was entered for, and follows a redirect to another
 * host only after the user confirmed that host (remembered).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Controller, type ControllerDeps, createController } from '../../src-main/app/controller';
import { AUTODISCOVER_CONFIRM } from '../../src-main/exchange/ews/autodiscover';
import { SyncError } from '../../src-main/shared/errors';
import type { SecretSource } from '../../src-main/sync/config';
import { EXCHANGE_PASSWORD, type Harness, startHarness } from './harness';

let h: Harness;
let c: Controller | null = null;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await c?.dispose();
  c = null;
  h.reset();
});
afterAll(async () => {
  await c?.dispose();
  await h?.stop();
});

const make = async (over: Partial<ControllerDeps> = {}) => {
  c = await createController({ ...h.deps, autoStart: false, ...over });
  return c;
};

describe('a stored secret goes only to the server it was entered for', () => {
  it('ABRA: testConnection with another URL gets nothing; the engine after a URL change neither, unless confirmed', async () => {
    const seen: (string | null)[] = [];
    const abraClientFor: ControllerDeps['abraClientFor'] = async (cfg, s) => {
      seen.push(await s.get('abraPassword'));
      return h.deps.abraClientFor(cfg, s);
    };
    const asked: string[] = [];
    let answer = false;
    const ctl = await make({
      abraClientFor,
      confirm: async (q) => {
        asked.push(q.message);
        return answer;
      },
    });
    const cfg = h.validConfig();
    await ctl.setSecret('abraPassword', h.abra.password, cfg);
    expect((await ctl.testConnection('abra', cfg)).ok).toBe(true);
    expect(seen).toEqual([h.abra.password]);

    // a renderer names another server: refused before any client is built
    const evil = { ...cfg, abra: { ...(cfg.abra as object), serverUrl: 'https://abra.evil.example' } };
    const r = await ctl.testConnection('abra', evil);
    expect(r).toMatchObject({ ok: false, kind: 'auth' });
    expect(r.message).toContain('abra.evil.example');
    expect(seen).toHaveLength(1);

    // saved with the other server: the user is asked in main's dialog; "no" = the password counts as not stored
    expect((await ctl.saveSync(cfg)).ok).toBe(true);
    const saved = await ctl.saveSync(evil);
    expect(saved.ok).toBe(true);
    expect(asked).toEqual([
      'The saved ABRA password was entered for another server. Use it for abra.evil.example too? Agree only if you trust abra.evil.example.',
    ]);
    if (!saved.ok) return;
    expect(saved.state.secrets.abraPassword).toBe(false);
    expect(saved.state.problems).toContain('The ABRA password is not stored yet (Connections → ABRA).');

    // "yes": bound to the new server too
    answer = true;
    const again = await ctl.saveSync({
      ...evil,
      parts: { addressBook: { enabled: true, intervalMinutes: 30 } },
    });
    expect(again.ok && again.state.secrets.abraPassword).toBe(true);
    expect(asked).toHaveLength(2);
  });

  it('the Microsoft token never goes to a graphUrl other than the one signed in for', async () => {
    const got: (string | null)[] = [];
    const exchangeFor: ControllerDeps['exchangeFor'] = async (_cfg, s: SecretSource) => {
      got.push(await s.get('graphTokenCache'));
      throw new SyncError('unreachable', 'not in this test');
    };
    const ctl = await make({
      exchangeFor,
      signInMicrosoft: async (_x, secrets) => {
        await secrets.set('graphTokenCache', '{"refresh":"RT-secret"}');
        return { username: 'jan.novak@firma.cz' };
      },
    });
    const graph = h.validConfig({
      exchange: { kind: 'graph', email: 'jan.novak@firma.cz', clientId: 'c1' },
    });
    expect((await ctl.signInMicrosoft(graph)).ok).toBe(true);
    await ctl.testConnection('exchange', graph);
    expect(got).toEqual(['{"refresh":"RT-secret"}']);
    const evil = h.validConfig({
      exchange: {
        kind: 'graph',
        email: 'jan.novak@firma.cz',
        clientId: 'c1',
        graphUrl: 'https://graph.evil.example/v1.0',
      },
    });
    const r = await ctl.testConnection('exchange', evil);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('graph.evil.example');
    expect(got).toHaveLength(1);
  });
});

describe('Autodiscover from the app', () => {
  it('the password entered for firma.cz is not sent to Autodiscover of a mistyped domain', async () => {
    const calls: string[] = [];
    const ctl = await make({
      autodiscover: async (email, _x, s: SecretSource) => {
        calls.push(`${email} ${await s.get('exchangePassword')}`);
        return 'https://mail.firma.cz/EWS/Exchange.asmx';
      },
    });
    await ctl.setSecret('exchangePassword', EXCHANGE_PASSWORD, h.validConfig());
    const typo = await ctl.autodiscover('jan.novak@exmaple.cz');
    expect(typo).toEqual({
      ok: false,
      message:
        'The saved Exchange password was entered for another address. Enter the password for jan.novak@exmaple.cz again, then try again.',
    });
    expect(calls).toEqual([]);
    expect((await ctl.autodiscover('jan.novak@firma.cz')).ok).toBe(true);
    expect(calls).toEqual([`jan.novak@firma.cz ${EXCHANGE_PASSWORD}`]);
  });

  it('a redirect to another host: asked with the host shown, remembered when confirmed, refused when not', async () => {
    const trustedSeen: string[][] = [];
    const autodiscover: ControllerDeps['autodiscover'] = async (_email, _x, _s, trusted) => {
      trustedSeen.push(trusted);
      if (!trusted.includes('autodiscover-s.outlook.com'))
        throw new SyncError('config', 'needs confirmation', {
          code: AUTODISCOVER_CONFIRM,
          detail: 'autodiscover-s.outlook.com',
        });
      return 'https://outlook.office365.com/EWS/Exchange.asmx';
    };
    const asked: string[] = [];
    let answer = false;
    const ctl = await make({
      autodiscover,
      confirm: async (q) => {
        asked.push(q.message);
        return answer;
      },
    });
    await ctl.setSecret('exchangePassword', EXCHANGE_PASSWORD, h.validConfig());
    const no = await ctl.autodiscover('jan.novak@firma.cz');
    expect(no.ok).toBe(false);
    expect(no.message).toMatch(/points to the server autodiscover-s\.outlook\.com, which was not confirmed/);
    expect(asked[0]).toMatch(/Send your Exchange sign-in to autodiscover-s\.outlook\.com\?/);
    answer = true;
    const yes = await ctl.autodiscover('jan.novak@firma.cz');
    expect(yes).toMatchObject({ ok: true, url: 'https://outlook.office365.com/EWS/Exchange.asmx' });
    // remembered: the next run does not ask again
    asked.length = 0;
    expect((await ctl.autodiscover('jan.novak@firma.cz')).ok).toBe(true);
    expect(asked).toEqual([]);
    expect(trustedSeen.at(-1)).toEqual(['autodiscover-s.outlook.com']);
    expect(JSON.stringify(h.settings.load().autodiscoverHosts)).toBe('["autodiscover-s.outlook.com"]');
    // the URL it found may receive the password (bound), without entering it again
    const found = h.validConfig({
      exchange: {
        kind: 'ews',
        email: 'jan.novak@firma.cz',
        ewsUrl: 'https://outlook.office365.com/EWS/Exchange.asmx',
      },
    });
    const saved = await ctl.saveSync(found);
    expect(saved.ok && saved.state.secrets.exchangePassword).toBe(true);
  });
});
