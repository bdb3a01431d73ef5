/**
 * "Check against server" (#13 item 5) names the Exchange server's version and the mode the app speaks to it (#19):
 * the real controller over the ABRA emulator and the EWS emulator (real EWS backend over HTTP), as Exchange 2016 and
 * as Exchange 2007 SP3 (legacy mode; Microsoft: "EWS schema versions in Exchange",
 * https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/ews-schema-versions-in-exchange).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../src-main/app/controller';
import type { ServerFlavour } from '../emulators/ews/soap';
import { EXCHANGE_PASSWORD, MAILBOX, startUiBackends, type UiBackends } from '../ui/ui-deps';

describe('checkAgainstServer: the Exchange version line', () => {
  let backends: UiBackends | undefined;
  let c: Controller | undefined;
  afterEach(async () => {
    await c?.dispose();
    await backends?.stop();
    c = undefined;
    backends = undefined;
  });

  const start = async (ewsVersion?: ServerFlavour, exchangePassword = EXCHANGE_PASSWORD) => {
    backends = await startUiBackends({ exchange: 'ews', ...(ewsVersion ? { ewsVersion } : {}) });
    c = await createController(backends.deps());
    const st = await c.saveSync({
      abra: {
        serverUrl: `http://127.0.0.1:${backends.abra.port}`,
        connection: backends.abra.connection,
        login: backends.abra.user,
      },
      exchange: { kind: 'ews', email: MAILBOX.email, ewsUrl: backends.ewsUrl },
      parts: { addressBook: { enabled: true } },
    });
    expect(st).toMatchObject({ ok: true });
    await c.setSecret('abraPassword', backends.abra.password);
    await c.setSecret('exchangePassword', exchangePassword);
    return c;
  };

  it('Exchange 2016: accepted parts and the server version, in English and in Czech', async () => {
    const ctl = await start();
    const r = await ctl.checkAgainstServer();
    expect(r.parts.find((p) => p.part === 'addressBook')?.ok).toBe(true);
    expect(r.exchange).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^15\.\d+\.\d+/) });
    expect(r.exchange?.legacyMode).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.lines[0]).toMatch(/^addressBook: accepted/);
    expect(r.lines.at(-1)).toMatch(
      new RegExp(`^Exchange server 15\\.\\d+\\.\\d+.*: the mailbox ${MAILBOX.email} answers\\.$`),
    );
    await ctl.savePreferences({ startAtLogin: false, language: 'cs', notifications: true });
    const cs = await ctl.checkAgainstServer();
    expect(cs.lines[0]).toMatch(/^addressBook: přijato/);
    expect(cs.lines.at(-1)).toMatch(
      /^Server Exchange 15\.\d+\.\d+.*: schránka jan\.novak@firma\.cz odpovídá\.$/,
    );
  });

  it('Exchange 2007 SP3: the line says legacy mode', async () => {
    const ctl = await start('Exchange2007_SP3');
    const r = await ctl.checkAgainstServer();
    expect(r.exchange).toMatchObject({ ok: true, legacyMode: 'exchange2007' });
    expect(r.exchange?.serverVersion).toMatch(/^Exchange 2007 SP3 8\.3.*legacy mode$/);
    expect(r.lines.at(-1)).toMatch(
      /^Exchange server Exchange 2007 SP3 8\.3.*: the mailbox .* answers\. Exchange 2007: legacy mode/,
    );
  });

  it('a wrong Exchange password: the check is not ok and says why, the ABRA parts still checked', async () => {
    const ctl = await start(undefined, 'wrong-password-1');
    const r = await ctl.checkAgainstServer();
    expect(r.parts.find((p) => p.part === 'addressBook')?.ok).toBe(true);
    expect(r.exchange?.ok).toBe(false);
    expect(r.ok).toBe(false);
    expect(r.lines.at(-1)).toMatch(/^Exchange check failed: /);
  });
});
