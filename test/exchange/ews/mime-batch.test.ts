/**
 * The batched MIME read over EWS (src-main/exchange/ews/mime-batch.ts) against the EWS emulator: one GetItem for
 * several messages, the answers in the order of the ItemIds, an item's error kept to that item.
 * GetItem (https://learn.microsoft.com/exchange/client-developer/web-service-reference/getitem-operation): one
 * GetItemResponseMessage per ItemId, in the order requested; an item that cannot be read answers
 * ResponseClass="Error" with its ResponseCode (ErrorItemNotFound) while the others succeed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import { getMimeRequest, MIME_BATCH_MAX } from '../../../src-main/exchange/ews/mime-batch';
import { EwsSession } from '../../../src-main/exchange/ews/session';
import { soapEnvelope } from '../../../src-main/exchange/ews/soap';
import { SyncError } from '../../../src-main/shared/errors';
import { type EwsEmulator, startEwsEmulator } from '../../emulators/ews/index';
import { caught } from '../../helpers/caught';
import { simpleMime } from '../../mail/corpus';
import { canValidateXsd, validateBody, xsdSkipReason } from './xsd';

function backendFor(emu: EwsEmulator): EwsBackend {
  return new EwsBackend(
    { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
    { password: emu.password },
    { transport: { baseDelayMs: 5, maxBackoffMs: 50, maxRetries: 2 } },
  );
}

const mime = (i: number): string =>
  simpleMime({
    messageId: `<batch-${i}@kovo.cz>`,
    from: 'info@kovo.cz',
    to: 'jan@firma.cz',
    subject: `Zpráva ${i}`,
    body: `tělo ${i}`,
    date: 'Mon, 30 Nov 2026 08:00:00 +0100',
  }).toString('utf8');

describe('EWS: the MIME of several messages in one GetItem', () => {
  let emu: EwsEmulator;
  let b: EwsBackend;
  beforeAll(async () => {
    emu = await startEwsEmulator({ size: 'empty' });
  });
  afterAll(async () => {
    await emu.stop();
  });
  beforeEach(() => {
    emu.faults.clear();
    b = backendFor(emu);
  });

  it('one request, each message its own bytes in the order asked (also reversed)', async () => {
    const ids = [0, 1, 2, 3, 4].map((i) => emu.control.deliverMail(mime(i)).id);
    emu.log.reset();
    const got = await b.getMimes(ids);
    expect(emu.log.counts()).toEqual({ GetItem: 1 });
    expect(got.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : x))).toEqual([0, 1, 2, 3, 4].map(mime));
    const rev = await b.getMimes([...ids].reverse());
    expect(rev.map((x) => String(x))).toEqual([4, 3, 2, 1, 0].map(mime));
  });

  it('a message that is gone (ErrorItemNotFound) fails alone, in its place; the others are read', async () => {
    const a = emu.control.deliverMail(mime(10)).id;
    const c = emu.control.deliverMail(mime(12)).id;
    const got = await b.getMimes([a, 'AAMkNoSuchItem', c]);
    expect(String(got[0])).toBe(mime(10));
    expect(got[1]).toBeInstanceOf(SyncError);
    expect((got[1] as SyncError).kind).toBe('notFound');
    expect(String(got[2])).toBe(mime(12));
  });

  it('an injected per-item error (ErrorAccessDenied) stays with its message', async () => {
    const ids = [20, 21, 22].map((i) => emu.control.deliverMail(mime(i)).id);
    emu.faults.itemError('ErrorAccessDenied', { operation: 'GetItem', itemId: ids[1] });
    const got = await b.getMimes(ids);
    expect(Buffer.isBuffer(got[0]) && Buffer.isBuffer(got[2])).toBe(true);
    expect((got[1] as SyncError).code).toBe('ErrorAccessDenied');
  });

  it('every message answered ErrorServerBusy: nothing was read, the request is sent again and read', async () => {
    const ids = [25, 26].map((i) => emu.control.deliverMail(mime(i)).id);
    emu.faults.itemError('ErrorServerBusy', { operation: 'GetItem', itemId: ids[0], times: 1 });
    emu.faults.itemError('ErrorServerBusy', { operation: 'GetItem', itemId: ids[1], times: 1 });
    emu.log.reset();
    const got = await b.getMimes(ids);
    expect(got.map(String)).toEqual([mime(25), mime(26)]);
    expect(emu.log.counts()).toEqual({ GetItem: 2 });
  });

  it('only one of them busy: that one carries its own throttling error (the caller reads it again alone)', async () => {
    const ids = [27, 28].map((i) => emu.control.deliverMail(mime(i)).id);
    emu.faults.itemError('ErrorServerBusy', { operation: 'GetItem', itemId: ids[1], times: 1 });
    const got = await b.getMimes(ids);
    expect(String(got[0])).toBe(mime(27));
    expect((got[1] as SyncError).kind).toBe('throttled');
  });

  it('a refused sign-in rejects the whole read', async () => {
    const id = emu.control.deliverMail(mime(30)).id;
    const bad = new EwsBackend(
      { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
      { password: 'wrong' },
      { transport: { baseDelayMs: 5, maxBackoffMs: 50, maxRetries: 0 } },
    );
    expect((await caught(bad.getMimes([id, id]))).kind).toBe('auth');
  });

  for (const serverVersion of ['Exchange2010_SP2', 'Exchange2007_SP1'] as const)
    it.skipIf(!canValidateXsd)(
      `the request validates against Microsoft's XSD (${serverVersion}) ${xsdSkipReason}`,
      async () => {
        const s = new EwsSession(
          { email: emu.email, ewsUrl: emu.url, auth: 'basic', timeZone: 'Europe/Prague' },
          { password: emu.password },
          { serverVersion },
        );
        const xml = soapEnvelope(s.service, getMimeRequest(['AAMk+/a=', 'AAMk"&<x']));
        expect(await validateBody(xml)).toEqual({ ok: true, errors: [] });
      },
    );

  it(`more than ${MIME_BATCH_MAX} ids are refused before any request`, async () => {
    emu.log.reset();
    const ids = Array.from({ length: MIME_BATCH_MAX + 1 }, (_, i) => `id${i}`);
    expect((await caught(b.getMimes(ids))).kind).toBe('validation');
    expect(emu.log.total()).toBe(0);
  });
});
