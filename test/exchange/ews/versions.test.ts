/**
 * The backend against each server flavour the emulator plays (Exchange 2010 SP2, 2016/2019/SE, Exchange Online):
 * sign-in, version report, a calendar item with explicit time zones and a contact with the AbraId stamp.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import type { CalendarEvent, ContactItem } from '../../../src-main/exchange/types';
import { type EwsEmulator, startEwsEmulator } from '../../emulators/ews/index';

const FLAVOURS = [
  { flavour: 'Exchange2010_SP2', version: /^14\./ },
  { flavour: 'Exchange2016', version: /^15\.[12]\./ },
  { flavour: 'ExchangeOnline', version: /^15\.20\./ },
] as const;

describe.each(FLAVOURS)('EWS backend on $flavour', ({ flavour, version }) => {
  let emu: EwsEmulator;
  let b: EwsBackend;
  beforeAll(async () => {
    emu = await startEwsEmulator({ version: flavour });
    b = new EwsBackend(
      { email: emu.email, ewsUrl: emu.url, user: emu.user, timeZone: 'Europe/Prague' },
      { password: emu.password },
    );
  });
  afterAll(async () => {
    await b.close();
    await emu.stop();
  });

  it('connects and reports the server version', async () => {
    const info = await b.testConnection();
    expect(info.serverVersion).toMatch(version);
  });

  it('writes and reads back an appointment and a contact', async () => {
    const cal = await b.getFolder('calendar');
    const [w] = await b.createItems(cal, [
      {
        abraId: `CRM-${flavour}`,
        data: { subject: 'Návštěva', start: '2026-12-02T08:30:00.000Z', end: '2026-12-02T09:30:00.000Z' },
      },
    ]);
    expect(w?.ok).toBe(true);
    const found = await b.findByAbraIds<CalendarEvent>(cal, [`CRM-${flavour}`]);
    expect(found.map((f) => [f.data.subject, f.data.start, f.data.end])).toEqual([
      ['Návštěva', '2026-12-02T08:30:00.000Z', '2026-12-02T09:30:00.000Z'],
    ]);
    const contacts = await b.getFolder('contacts');
    const [c] = await b.createItems(contacts, [{ abraId: 'AD-1', data: { displayName: 'Firma s.r.o.' } }]);
    expect(c?.ok).toBe(true);
    const got = await b.findByAbraIds<ContactItem>(contacts, ['AD-1']);
    expect(got[0]?.data.displayName).toBe('Firma s.r.o.');
  });
});
