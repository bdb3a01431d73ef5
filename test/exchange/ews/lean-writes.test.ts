/**
 * Issue #17: CreateItem through the lean writer (writes.ts → item-xml.ts → soap.ts), end to end.
 * - The answer is read per response message, in request order ("CreateItem operation", "ResponseMessages":
 *   https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/createitem-operation): ids and
 *   ChangeKeys from each message's item, Warning counted as success (as the library did), a message missing from
 *   the answer is that item's failure, never another item's id.
 * - DeleteItem ("DeleteItem operation"): an item already gone (ErrorItemNotFound, ErrorInvalidIdMalformed) counts as
 *   deleted, as before; an empty id is refused before sending (the library wrote an ItemId without its required Id).
 * - A server found to speak the Exchange 2007 dialect only when the first CreateItem is refused
 *   (ErrorInvalidServerVersion, then 2007's schema refusing StartTimeZone with ErrorSchemaValidation —
 *   https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/time-zones-and-ews-in-exchange)
 *   gets the appointments written again in its dialect (MeetingTimeZone), each made once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import type { AppointmentData, FolderRef } from '../../../src-main/exchange/types';
import { type EwsEmulator, startEwsEmulator } from '../../emulators/ews/index';
import { ews2007SkipReason, hasEws2007Schema, xmllintPath, xmllintSkipReason } from '../../helpers/env';
import { type EwsStub, operationOf, soapOk, startStub, stubBackend } from './stub';

const M = 'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"';
const T = 'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';
const created = (id: string, cls = 'Success') =>
  `<m:CreateItemResponseMessage ResponseClass="${cls}">${cls === 'Warning' ? '<m:MessageText>warned</m:MessageText>' : ''}<m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Task><t:ItemId Id="${id}" ChangeKey="CK-${id}"/></t:Task></m:Items></m:CreateItemResponseMessage>`;

describe('lean CreateItem answers (loopback stub)', () => {
  let stub: EwsStub;
  afterEach(() => stub.stop());
  const tasks: FolderRef = { id: 'TASKS1', kind: 'tasks', displayName: 'Tasks' };

  it('ids in request order, a Warning is a success, a message missing from the answer fails only its item', async () => {
    stub = await startStub();
    const backend = stubBackend(stub);
    stub.push(
      soapOk(
        `<m:CreateItemResponse ${M} ${T}><m:ResponseMessages>${created('N1')}${created('N2', 'Warning')}</m:ResponseMessages></m:CreateItemResponse>`,
      ),
    );
    const res = await backend.createItems(tasks, [
      { abraId: 'A1', data: { subject: 'jedna', status: 'NotStarted' } },
      { abraId: 'A2', data: { subject: 'dva', status: 'InProgress', percentComplete: 10 } },
      { abraId: 'A3', data: { subject: 'tři', status: 'Completed' } },
    ]);
    expect(res[0]).toEqual({ ok: true, id: 'N1', changeKey: 'CK-N1' });
    expect(res[1]).toEqual({ ok: true, id: 'N2', changeKey: 'CK-N2' });
    expect(res[2]?.ok).toBe(false);
    if (res[2] && !res[2].ok) {
      expect(res[2].error.kind).toBe('malformed');
      expect(res[2].error.message).toBe('CreateItem: no answer for item');
    }
    // one request; tasks carry the TimeZoneContext header, as the library's did
    expect(stub.requests.map((r) => r.operation)).toEqual(['CreateItem']);
    expect(stub.requests[0]!.body).toContain('<t:TimeZoneContext>');
    await backend.close();
  });

  it('an answer that is not XML fails the call as malformed; nothing is re-sent', async () => {
    stub = await startStub();
    const backend = stubBackend(stub);
    stub.push({
      body: '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>',
    });
    await expect(
      backend.createItems(tasks, [{ abraId: 'A1', data: { subject: 'x', status: 'NotStarted' } }]),
    ).rejects.toMatchObject({ kind: 'malformed' });
    expect(stub.requests.map((r) => operationOf(r.body))).toEqual(['CreateItem']);
    await backend.close();
  });

  it('DeleteItem: one request per batch, gone counts as deleted, other codes fail their item, an empty id is not sent', async () => {
    stub = await startStub();
    const backend = stubBackend(stub);
    const msg = (cls: string, code: string) =>
      `<m:DeleteItemResponseMessage ResponseClass="${cls}">${cls === 'Error' ? `<m:MessageText>${code}!</m:MessageText>` : ''}<m:ResponseCode>${code}</m:ResponseCode></m:DeleteItemResponseMessage>`;
    stub.push(
      soapOk(
        `<m:DeleteItemResponse ${M} ${T}><m:ResponseMessages>${msg('Success', 'NoError')}${msg('Error', 'ErrorItemNotFound')}${msg('Error', 'ErrorInvalidIdMalformed')}${msg('Error', 'ErrorAccessDenied')}</m:ResponseMessages></m:DeleteItemResponse>`,
      ),
    );
    const res = await backend.deleteItems(tasks, ['D1', 'D2', '', 'D3', 'D4', 'D5']);
    expect(res.slice(0, 2)).toEqual([{ ok: true }, { ok: true }]);
    expect(res[2]).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(res[3]).toEqual({ ok: true });
    expect(res[4]).toMatchObject({ ok: false, error: { kind: 'forbidden', code: 'ErrorAccessDenied' } });
    // no message for the last id: its failure, nobody else's
    expect(res[5]).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(stub.requests).toHaveLength(1);
    const body = stub.requests[0]!.body;
    expect(body).toContain('AffectedTaskOccurrences="AllOccurrences"');
    expect(body.match(/<t:ItemId /g)).toHaveLength(5);
    expect(await backend.deleteItems(tasks, [])).toEqual([]);
    expect(stub.requests).toHaveLength(1);
    await backend.close();
  });

  it('invalid items get their validation error and are not sent; the valid ones are', async () => {
    stub = await startStub();
    const backend = stubBackend(stub);
    const cal: FolderRef = { id: 'CAL1', kind: 'calendar', displayName: 'Calendar' };
    stub.push(
      soapOk(
        `<m:CreateItemResponse ${M} ${T}><m:ResponseMessages>${created('E1')}</m:ResponseMessages></m:CreateItemResponse>`,
      ),
    );
    const res = await backend.createItems<AppointmentData>(cal, [
      { abraId: 'B1', data: { subject: 'bez začátku', start: '', end: '' } },
      {
        abraId: 'B2',
        data: { subject: 'ok', start: '2026-12-07T08:00:00.000Z', end: '2026-12-07T09:00:00.000Z' },
      },
      {
        abraId: 'B3',
        data: { subject: 'pozpátku', start: '2026-12-07T09:00:00.000Z', end: '2026-12-07T08:00:00.000Z' },
      },
    ]);
    expect(res.map((r) => r.ok)).toEqual([false, true, false]);
    expect(res[1]).toEqual({ ok: true, id: 'E1', changeKey: 'CK-E1' });
    const body = stub.requests[0]!.body;
    expect(body.match(/<t:CalendarItem>/g)).toHaveLength(1);
    expect(body).toContain('SendMeetingInvitations="SendToNone"');
    await backend.close();
  });
});

const canRun2007 = hasEws2007Schema && !!xmllintPath;
const skip2007 = !hasEws2007Schema ? ews2007SkipReason : xmllintSkipReason;

describe.skipIf(!canRun2007)(
  `lean CreateItem against the Exchange 2007 profile ${canRun2007 ? '' : skip2007}`,
  () => {
    let emu: EwsEmulator | null = null;
    const backends: EwsBackend[] = [];
    afterEach(async () => {
      for (const b of backends.splice(0)) await b.close();
      await emu?.stop();
      emu = null;
    });
    const backendFor = (e: EwsEmulator) => {
      const b = new EwsBackend(
        { email: e.email, ewsUrl: e.url, user: e.user, timeZone: 'Europe/Prague' },
        { password: e.password },
        { transport: { baseDelayMs: 5, maxBackoffMs: 50, maxRetries: 2 } },
      );
      backends.push(b);
      return b;
    };

    it('a session that meets Exchange 2007 on its first CreateItem rewrites the appointments in the 2007 dialect, each made once', async () => {
      emu = await startEwsEmulator({ version: 'Exchange2007_SP3' });
      const cal = await backendFor(emu).getFolder('calendar');
      expect(cal.ewsVersion).toBe('Exchange2007_SP1');
      emu.log.reset();
      // a new session that does not know the dialect yet (the folder without its remembered version)
      const fresh = backendFor(emu);
      const { ewsVersion: _, ...unversioned } = cal;
      const reqs = ['09:00', '13:30'].map((hm, i) => ({
        abraId: `LEGACY-${i}`,
        data: {
          subject: `Schůzka ${i} & <spol.>`,
          start: `2026-12-07T${hm}:00.000+01:00`,
          end: `2026-12-07T${hm.replace(/^(\d\d)/, (h) => String(Number(h) + 1).padStart(2, '0'))}:00.000+01:00`,
          reminderMinutesBeforeStart: 15,
        } satisfies AppointmentData,
      }));
      const res = await fresh.createItems(unversioned, reqs);
      expect(res.every((r) => r.ok)).toBe(true);
      expect(fresh.serverMode.legacy2007).toBe(true);
      const log = emu.log.entries().map((e) => `${e.operation}:${e.responseCode ?? e.status}`);
      // refused in 2010's dialect, the probe, refused by 2007's schema (StartTimeZone), then written in 2007's
      expect(log.filter((l) => l.startsWith('CreateItem'))).toHaveLength(3);
      expect(log.at(-1)).toMatch(/^CreateItem:(NoError|200)$/);
      const items = emu.control.list(cal.id);
      for (const r of reqs) {
        const made = items.filter((it) =>
          Object.entries(it.extended).some(([k, v]) => k.endsWith('/AbraId') && v === r.abraId),
        );
        expect(made).toHaveLength(1);
        expect(made[0]!.fields.Subject).toBe(r.data.subject);
        expect(Date.parse(made[0]!.fields.Start!)).toBe(Date.parse(r.data.start));
      }
    });
  },
);
