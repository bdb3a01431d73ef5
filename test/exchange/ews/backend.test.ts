/**
 * The EWS backend against the stateful EWS emulator (test/emulators/ews) over real HTTP. The emulator validates
 * every request the backend sends against Microsoft's messages.xsd (when ../shared and xmllint exist) and answers
 * ErrorSchemaValidation like a real server, so every test here also proves the requests are schema-valid.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import {
  ABRA_ID_PROPERTY_NAME,
  ABRA_PROPERTY_SET_ID,
  type AppointmentData,
  type CalendarEvent,
  type ContactData,
  type ContactItem,
  type FolderRef,
  type ItemChange,
  type MessageItem,
  type TaskData,
  type TaskItem,
} from '../../../src-main/exchange/types';
import { exchangeConnectionSchema } from '../../../src-main/sync/config';
import { createExchangeBackend } from '../../../src-main/wiring/exchange';
import { type EwsEmulator, startEwsEmulator } from '../../emulators/ews/index';
import { caught } from '../../helpers/caught';
import { hasShared, xmllintPath } from '../../helpers/env';

function backendFor(emu: EwsEmulator, over: { password?: string; maxRetries?: number } = {}): EwsBackend {
  return new EwsBackend(
    { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
    { password: over.password ?? emu.password },
    { transport: { baseDelayMs: 5, maxBackoffMs: 5_000, maxRetries: over.maxRetries ?? 4 } },
  );
}

/** Every change of a folder from a cursor, following `more`. */
async function drain<T extends CalendarEvent | ContactItem | TaskItem | MessageItem>(
  b: EwsBackend,
  folder: FolderRef,
  cursor: string | null,
  opts: Parameters<EwsBackend['getChanges']>[2] = {},
): Promise<{ changes: ItemChange<T>[]; cursor: string; pages: number }> {
  const changes: ItemChange<T>[] = [];
  let c = cursor;
  let pages = 0;
  for (;;) {
    const p = await b.getChanges<T>(folder, c, opts);
    pages++;
    changes.push(...p.changes);
    c = p.cursor;
    if (!p.more) break;
    if (pages > 100) throw new Error('no end');
  }
  return { changes, cursor: c ?? '', pages };
}

describe('EWS backend ↔ EWS emulator', () => {
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

  it('validates our requests against the schema when ../shared and xmllint are there', () => {
    expect(emu.validatesRequests).toBe(hasShared && !!xmllintPath);
  });

  it('testConnection: the mailbox, its name and the server version', async () => {
    const info = await b.testConnection();
    expect(info.email.toLowerCase()).toBe(emu.email.toLowerCase());
    expect(info.serverVersion).toMatch(/^15\.\d+\.\d+/);
    expect(info.timeZone).toBe('Europe/Prague');
  });

  it('the "ABRA Gen" contacts folder is found or created exactly once, even by two clients at the same time', async () => {
    const [f1, f2] = await Promise.all([
      backendFor(emu).getFolder('contacts'),
      backendFor(emu).getFolder('contacts'),
    ]);
    const f3 = await backendFor(emu).getFolder('contacts');
    expect(f1.id).toBe(f2.id);
    expect(f3.id).toBe(f1.id);
    const named = emu.control.folders().filter((f) => f.displayName === 'ABRA Gen');
    expect(named).toHaveLength(1);
    expect(named[0]?.path).toMatch(/ABRA Gen$/);
    expect(named[0]?.parentId).toBe(emu.control.folderId('contacts'));
  });

  it('well-known folders and a mail folder by path; listMailFolders gives paths', async () => {
    const sub = emu.control.createFolder('inbox', 'Zákazníci', 'IPF.Note');
    emu.control.createFolder(sub, 'Velkoodběr', 'IPF.Note');
    expect((await b.getFolder('calendar')).id).toBe(emu.control.folderId('calendar'));
    expect((await b.getFolder('tasks')).id).toBe(emu.control.folderId('tasks'));
    const inbox = await b.getFolder('inbox');
    expect(inbox.id).toBe(emu.control.folderId('inbox'));
    expect((await b.getFolder('sentitems')).id).toBe(emu.control.folderId('sentitems'));
    const byPath = await b.getFolder('mail', `${inbox.displayName}/Zákazníci`);
    expect(byPath.id).toBe(sub);
    expect((await b.getFolder('mail', 'Inbox/Zákazníci/Velkoodběr')).displayName).toBe('Velkoodběr');
    expect((await caught(b.getFolder('mail', 'Inbox/Neexistuje'))).kind).toBe('notFound');
    const list = await b.listMailFolders();
    const paths = list.map((f) => f.path);
    expect(paths).toContain(`${inbox.displayName}/Zákazníci`);
    expect(paths).toContain(`${inbox.displayName}/Zákazníci/Velkoodběr`);
    expect(list.every((f) => f.kind === 'mail')).toBe(true);
    expect(paths.some((p) => /calendar|kalend/i.test(p ?? ''))).toBe(false);
  });

  it('contact create → update → delete, stamped with AbraId and found again by it', async () => {
    const folder = await b.getFolder('contacts');
    const data: ContactData = {
      displayName: 'Novák Jan',
      givenName: 'Jan',
      surname: 'Novák',
      title: 'Ing.',
      companyName: 'Strojírny Brno a.s.',
      jobTitle: 'Nákupčí',
      emails: ['jan.novak@strojirny.cz', 'jan@novak.cz'],
      businessPhone: '+420 541 000 111',
      mobilePhone: '+420 602 000 111',
      businessAddress: {
        street: 'Křenová 12',
        city: 'Brno',
        postalCode: '602 00',
        country: 'Česká republika',
      },
      webPage: 'https://strojirny.cz',
      notes: 'Odběratel od 2019.\nPlatí včas.',
      categories: ['ABRA'],
    };
    const [w] = await b.createItems(folder, [{ abraId: 'AD00000042', data }]);
    expect(w?.ok).toBe(true);
    if (!w?.ok) return;
    expect(emu.control.extendedProperty(w.id, ABRA_PROPERTY_SET_ID, ABRA_ID_PROPERTY_NAME)).toBe(
      'AD00000042',
    );
    const snap = emu.control.get(w.id);
    expect(snap?.fields.GivenName).toBe('Jan');
    expect(snap?.entries.EmailAddress2).toBe('jan@novak.cz');
    expect(snap?.entries['Business.City']).toBe('Brno');

    const [found] = await b.findByAbraIds<ContactItem>(folder, ['AD00000042', 'AD-NOT-THERE']);
    expect(found?.id).toBe(w.id);
    expect(found?.abraId).toBe('AD00000042');
    expect(found?.changeKey).toBe(w.changeKey);
    expect(found?.data).toEqual(data);

    // update: replaced fields; absent ones cleared
    const next: ContactData = {
      displayName: 'Novák Jan',
      givenName: 'Jan',
      surname: 'Novák',
      companyName: 'Strojírny Brno a.s.',
      emails: ['jan.novak@strojirny.cz'],
      mobilePhone: '+420 777 123 456',
      businessAddress: { street: 'Křenová 14', city: 'Brno' },
    };
    const [u] = await b.updateItems(folder, [{ id: w.id, changeKey: w.changeKey, data: next }]);
    expect(u?.ok).toBe(true);
    if (!u?.ok) return;
    expect(u.changeKey).not.toBe(w.changeKey);
    const [again] = await b.getItems<ContactItem>(folder, [w.id]);
    expect(again?.data).toEqual(next);
    expect(again?.changeKey).toBe(u.changeKey);
    expect(again?.abraId).toBe('AD00000042');

    expect(await b.deleteItems(folder, [w.id, w.id])).toEqual([{ ok: true }, { ok: true }]);
    expect(await b.getItems(folder, [w.id])).toEqual([]);
    expect(await b.findByAbraIds(folder, ['AD00000042'])).toEqual([]);
  });

  it('findByAbraIds with many ids (chunked OR restrictions)', async () => {
    const folder = await b.getFolder('contacts');
    const reqs = Array.from({ length: 60 }, (_, i) => ({
      abraId: `AB${String(i).padStart(8, '0')}`,
      data: { displayName: `Firma ${i}` } as ContactData,
    }));
    const res = await b.createItems(folder, reqs);
    expect(res.every((r) => r.ok)).toBe(true);
    const wanted = reqs.filter((_, i) => i % 3 === 0).map((r) => r.abraId);
    const found = await b.findByAbraIds<ContactItem>(folder, wanted);
    expect(found.map((f) => f.abraId).sort()).toEqual([...wanted].sort());
    await b.deleteItems(
      folder,
      res.flatMap((r) => (r.ok ? [r.id] : [])),
    );
  });

  it('getChanges: full read in pages, then only what changed; a lost sync state → cursorInvalid', async () => {
    const folder = await b.getFolder('contacts');
    const made = Array.from({ length: 7 }, (_, i) =>
      emu.control.createContact(folder.id, { givenName: `Osoba${i}`, surname: 'Testová' }),
    );
    const full = await drain<ContactItem>(b, folder, null, { pageSize: 3 });
    expect(full.pages).toBeGreaterThanOrEqual(3);
    const upserts = full.changes.flatMap((c) => (c.type === 'upsert' ? [c.item] : []));
    for (const m of made) expect(upserts.map((u) => u.id)).toContain(m.id);

    const none = await drain<ContactItem>(b, folder, full.cursor);
    expect(none.changes).toEqual([]);

    emu.control.update(made[1]!.id, { givenName: 'Přejmenovaná' });
    emu.control.remove(made[2]!.id);
    const inc = await drain<ContactItem>(b, folder, full.cursor);
    const kinds = inc.changes.map((c) =>
      c.type === 'upsert'
        ? `upsert:${c.item.id}:${c.item.data.givenName}`
        : c.type === 'delete'
          ? `delete:${c.id}`
          : c.type,
    );
    expect(kinds.sort()).toEqual([`delete:${made[2]!.id}`, `upsert:${made[1]!.id}:Přejmenovaná`].sort());

    emu.faults.invalidSyncState(folder.id);
    expect((await caught(b.getChanges(folder, inc.cursor))).kind).toBe('cursorInvalid');
    await b.deleteItems(
      folder,
      made.map((m) => m.id),
    );
  });

  it('calendar: singles as upserts, a series with a modified and a deleted occurrence expanded in the window', async () => {
    const cal = await b.getFolder('calendar');
    const single = emu.control.createAppointment({
      subject: 'Schůzka Brno',
      start: '2026-12-01T09:00:00Z',
      end: '2026-12-01T10:00:00Z',
      location: 'Brno',
    });
    const master = emu.control.createAppointment({
      subject: 'Porada obchodu',
      start: '2026-12-07T08:00:00Z',
      end: '2026-12-07T09:00:00Z',
      recurrence: { pattern: 'weekly', days: ['Monday'], numberOfOccurrences: 5 },
    });
    emu.control.modifyOccurrence(master.id, 2, {
      subject: 'Porada obchodu (přesunuto)',
      start: '2026-12-15T10:00:00Z',
      end: '2026-12-15T11:00:00Z',
    });
    emu.control.deleteOccurrence(master.id, 4);
    const window = { start: '2026-11-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' };
    const read = await drain<CalendarEvent>(b, cal, null, { window });
    const singles = read.changes.flatMap((c) => (c.type === 'upsert' ? [c.item] : []));
    expect(singles.map((s) => s.id)).toContain(single.id);
    const s = singles.find((x) => x.id === single.id)!;
    expect(s.itemType).toBe('Single');
    expect(s.data).toMatchObject({
      subject: 'Schůzka Brno',
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
      location: 'Brno',
    });
    const series = read.changes.filter((c) => c.type === 'series');
    expect(series).toHaveLength(1);
    const sr = series[0];
    if (sr?.type !== 'series') return;
    expect(sr.occurrences.map((o) => o.originalStart)).toEqual([
      '2026-12-07T08:00:00.000Z',
      '2026-12-14T08:00:00.000Z',
      '2026-12-21T08:00:00.000Z',
      '2027-01-04T08:00:00.000Z',
    ]);
    const moved = sr.occurrences[1]!;
    expect(moved.itemType).toBe('Exception');
    expect(moved.data.subject).toBe('Porada obchodu (přesunuto)');
    expect(moved.data.start).toBe('2026-12-15T10:00:00.000Z');
    expect(moved.key).toBe(`${sr.seriesKey}|2026-12-14T08:00:00.000Z`);
    expect(sr.occurrences.filter((o) => o.itemType === 'Occurrence')).toHaveLength(3);
    expect(new Set(sr.occurrences.map((o) => o.key)).size).toBe(4);

    // an occurrence edited in Outlook surfaces as a change of the master → the series again, with the same keys
    emu.control.modifyOccurrence(master.id, 1, { subject: 'První porada' });
    const inc = await drain<CalendarEvent>(b, cal, read.cursor, { window });
    const again = inc.changes.find((c) => c.type === 'series');
    expect(again?.type).toBe('series');
    if (again?.type !== 'series') return;
    expect(again.occurrences.map((o) => o.key)).toEqual(sr.occurrences.map((o) => o.key));
    expect(again.occurrences[0]?.data.subject).toBe('První porada');

    // the master deleted in Outlook: the series is reported empty (every occurrence gone) and the master deleted
    emu.control.remove(master.id);
    const gone = await drain<CalendarEvent>(b, cal, inc.cursor, { window });
    expect(gone.changes).toContainEqual({ type: 'series', seriesKey: sr.seriesKey, occurrences: [] });
    expect(gone.changes).toContainEqual({ type: 'delete', id: master.id });
    await b.deleteItems(cal, [single.id]);
  });

  it('calendar writes: no invitations, explicit Windows time zone, all-day, private; stale ChangeKey → conflict', async () => {
    const cal = await b.getFolder('calendar');
    const data: AppointmentData = {
      subject: 'Návštěva zákazníka',
      start: '2026-12-03T13:00:00.000Z',
      end: '2026-12-03T14:30:00.000Z',
      location: 'Ostrava',
      body: 'Prezentace nové řady.',
      sensitivity: 'Private',
      showAs: 'Busy',
      reminderMinutesBeforeStart: 30,
    };
    const [w] = await b.createItems(cal, [{ abraId: 'CRM0000001', data }]);
    expect(w?.ok).toBe(true);
    if (!w?.ok) return;
    const snap = emu.control.get(w.id);
    expect(snap?.fields.Subject).toBe('Návštěva zákazníka');
    const [got] = await b.getItems<CalendarEvent>(cal, [w.id]);
    expect(got?.data).toMatchObject(data);
    expect(got?.abraId).toBe('CRM0000001');

    const allDay: AppointmentData = {
      subject: 'Veletrh',
      start: '2026-12-09T23:00:00.000Z',
      end: '2026-12-10T23:00:00.000Z',
      isAllDay: true,
    };
    const [a] = await b.createItems(cal, [{ abraId: 'CRM0000002', data: allDay }]);
    expect(a?.ok).toBe(true);
    if (a?.ok) {
      const [ad] = await b.getItems<CalendarEvent>(cal, [a.id]);
      expect(ad?.data).toMatchObject(allDay);
    }

    // the user edits it in Outlook; our update with the old ChangeKey is a conflict and changes nothing
    emu.control.update(w.id, { subject: 'Návštěva zákazníka (upraveno)' });
    const [c] = await b.updateItems(cal, [
      { id: w.id, changeKey: w.changeKey, data: { ...data, subject: 'Naše verze' } },
    ]);
    expect(c?.ok).toBe(false);
    if (c && !c.ok) expect(c.error.kind).toBe('conflict');
    expect(emu.control.get(w.id)?.fields.Subject).toBe('Návštěva zákazníka (upraveno)');

    const [fresh] = await b.getItems<CalendarEvent>(cal, [w.id]);
    const [ok] = await b.updateItems(cal, [
      {
        id: w.id,
        changeKey: fresh!.changeKey,
        data: { ...data, subject: 'Naše verze', location: '' },
      },
    ]);
    expect(ok?.ok).toBe(true);
    const [after] = await b.getItems<CalendarEvent>(cal, [w.id]);
    expect(after?.data.subject).toBe('Naše verze');
    expect(after?.data.location).toBeUndefined();
    // the same data again: nothing to change, nothing sent, the ChangeKey stays
    const updatesBefore = emu.log.counts().UpdateItem ?? 0;
    const [same] = await b.updateItems(cal, [{ id: w.id, changeKey: after!.changeKey, data: after!.data }]);
    expect(same).toEqual({ ok: true, id: w.id, changeKey: after!.changeKey });
    expect(emu.log.counts().UpdateItem ?? 0).toBe(updatesBefore);
    expect(await b.deleteItems(cal, [w.id, ...(a?.ok ? [a.id] : [])])).toEqual([{ ok: true }, { ok: true }]);
  });

  it('an update without data writes the AbraId stamp alone (items created in Outlook); the new ChangeKey is returned', async () => {
    const cal = await b.getFolder('calendar');
    const tasks = await b.getFolder('tasks');
    const appt = emu.control.createAppointment({
      subject: 'Oběd z Outlooku',
      start: '2026-12-03T11:00:00.000Z',
      end: '2026-12-03T12:00:00.000Z',
      location: 'U Fleků',
    });
    const appt2 = emu.control.createAppointment({
      subject: 'Porada z Outlooku',
      start: '2026-12-04T08:00:00.000Z',
      end: '2026-12-04T09:00:00.000Z',
    });
    const task = emu.control.createTask({ subject: 'Úkol z Outlooku', due: null });
    const [before] = await b.getItems<CalendarEvent>(cal, [appt.id]);
    expect(before?.abraId ?? null).toBeNull();
    const updates = emu.log.counts().UpdateItem ?? 0;
    const [s1, s2] = await b.updateItems(cal, [
      { id: appt.id, changeKey: before!.changeKey, abraId: 'CRM0000900' },
      { id: appt2.id, changeKey: '', abraId: 'CRM0000902' },
    ]);
    expect(emu.log.counts().UpdateItem ?? 0).toBe(updates + 1); // one batch
    expect(s1?.ok && s2?.ok).toBe(true);
    const [s3] = await b.updateItems(tasks, [{ id: task.id, changeKey: '', abraId: 'CRM0000901' }]);
    expect(s3?.ok).toBe(true);
    const [after] = await b.getItems<CalendarEvent>(cal, [appt.id]);
    expect(after?.abraId).toBe('CRM0000900');
    if (s1?.ok) expect(after?.changeKey).toBe(s1.changeKey);
    expect(after?.changeKey).not.toBe(before!.changeKey);
    expect(after?.data).toEqual(before?.data);
    const [t] = await b.getItems<TaskItem>(tasks, [task.id]);
    expect(t?.abraId).toBe('CRM0000901');
    expect(t?.data.subject).toBe('Úkol z Outlooku');
    // neither data nor a stamp: refused before anything is sent
    const [bad] = await b.updateItems(cal, [{ id: appt.id, changeKey: '' }]);
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.error.kind).toBe('validation');
  });

  it('tasks: create, read, update to completed, delete', async () => {
    const tasks = await b.getFolder('tasks');
    const data: TaskData = {
      subject: 'Zavolat ohledně nabídky',
      start: '2026-12-01T23:00:00.000Z',
      due: '2026-12-04T23:00:00.000Z',
      status: 'InProgress',
      importance: 'High',
      percentComplete: 50,
      body: 'Nabídka č. 2026/118',
    };
    const [w] = await b.createItems(tasks, [{ abraId: 'TASK000001', data }]);
    expect(w?.ok).toBe(true);
    if (!w?.ok) return;
    const [t] = await b.getItems<TaskItem>(tasks, [w.id]);
    expect(t?.data).toMatchObject({
      subject: data.subject,
      status: 'InProgress',
      importance: 'High',
      body: data.body,
    });
    expect(t?.data.due?.slice(0, 10)).toBe('2026-12-04');
    const [u] = await b.updateItems(tasks, [
      {
        id: w.id,
        changeKey: w.changeKey,
        data: { ...data, status: 'Completed', completedAt: '2026-12-03T10:00:00.000Z' },
      },
    ]);
    expect(u?.ok).toBe(true);
    const [t2] = await b.getItems<TaskItem>(tasks, [w.id]);
    expect(t2?.data.status).toBe('Completed');
    expect(await b.deleteItems(tasks, [w.id])).toEqual([{ ok: true }]);
  });

  it('per-item errors inside a batch: the failing item only', async () => {
    const folder = await b.getFolder('contacts');
    const res = await b.createItems(folder, [
      { abraId: 'P1', data: { displayName: 'Dobrý 1' } },
      { abraId: 'P2', data: { displayName: 'Dobrý 2' } },
    ]);
    const ids = res.flatMap((r) => (r.ok ? [r.id] : []));
    expect(ids).toHaveLength(2);
    emu.faults.itemError('ErrorItemNotFound', { operation: 'GetItem', itemId: ids[1] });
    const got = await b.getItems<ContactItem>(folder, ids);
    expect(got.map((g) => g.id)).toEqual([ids[0]]);
    emu.faults.clear();
    emu.faults.itemError('ErrorQuotaExceeded', { operation: 'UpdateItem', itemId: ids[0] });
    const upd = await b.updateItems(folder, [
      {
        id: ids[0]!,
        changeKey: (res[0] as { changeKey: string }).changeKey,
        data: { displayName: 'Změna 1' },
      },
      {
        id: ids[1]!,
        changeKey: (res[1] as { changeKey: string }).changeKey,
        data: { displayName: 'Změna 2' },
      },
    ]);
    expect(upd.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['validation', 'ok']);
    emu.faults.clear();
    await b.deleteItems(folder, ids);
  });

  it('ErrorServerBusy with BackOffMilliseconds is waited out and retried; 503 too', async () => {
    const folder = await b.getFolder('contacts');
    emu.log.reset();
    emu.faults.serverBusy(40, 1);
    const t0 = Date.now();
    await b.getChanges(folder, null);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    const sync = emu.log.entries().filter((e) => e.operation === 'SyncFolderItems');
    expect(sync.map((e) => e.status)).toEqual([500, 200]);
    emu.faults.http(503, 1);
    await b.getChanges(folder, null);
  });

  it('more concurrent requests than the server allows: the cap keeps us under it', async () => {
    const folder = await b.getFolder('contacts');
    emu.faults.maxConcurrent(4);
    const ids = Array.from(
      { length: 12 },
      (_, i) => emu.control.createContact(folder.id, { givenName: `Par${i}` }).id,
    );
    emu.faults.setLatency(20);
    const all = await Promise.all(ids.map((id) => b.getItems(folder, [id])));
    expect(all.flat()).toHaveLength(12);
    expect(emu.log.entries().some((e) => e.responseCode === 'ErrorExceededConnectionCount')).toBe(false);
    emu.faults.setLatency(0);
    emu.faults.maxConcurrent(1000);
    await b.deleteItems(folder, ids);
  });

  it('wrong password → auth; OAuth token accepted, then expired → auth', async () => {
    const e = await caught(backendFor(emu, { password: 'spatne-heslo' }).testConnection());
    expect(e.kind).toBe('auth');
    expect(JSON.stringify(e.toJSON())).not.toContain('spatne-heslo');
    const token = emu.issueToken();
    const oauth = new EwsBackend({ email: emu.email, ewsUrl: emu.url, auth: 'oauth' }, { token });
    expect((await oauth.testConnection()).email.toLowerCase()).toBe(emu.email.toLowerCase());
    emu.faults.expireTokens();
    expect((await caught(oauth.getFolder('inbox'))).kind).toBe('auth');
    expect(
      (
        await caught(
          Promise.resolve().then(
            () =>
              new EwsBackend({ email: emu.email, ewsUrl: emu.url, auth: 'oauth' }, { token: 'not-a-jwt' }),
          ),
        )
      ).kind,
    ).toBe('auth');
  });

  it('a token refused between two write batches: renewed, and the batch already created is not sent again', async () => {
    // A proxy in front of the emulator answers the second CreateItem with 401, as Exchange does for a token that
    // expired mid-call; the backend renews the token and repeats the call, which must not re-create batch one.
    let creates = 0;
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.includes('CreateItem') && ++creates === 2) {
          res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
          return;
        }
        const up = http.request(
          emu.url,
          { method: req.method, headers: { ...req.headers, host: new URL(emu.url).host } },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.end(body);
      });
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
    try {
      const { port } = proxy.address() as AddressInfo;
      let invalidated = 0;
      const oauth = new EwsBackend(
        { email: emu.email, ewsUrl: `http://127.0.0.1:${port}${new URL(emu.url).pathname}`, auth: 'oauth' },
        {
          tokenSource: {
            getAccessToken: async () => emu.issueToken(),
            invalidate: () => {
              invalidated++;
            },
          },
        },
        { writeBatchSize: 2, transport: { baseDelayMs: 5, maxRetries: 0 } },
      );
      const folder = await oauth.getFolder('contacts');
      const res = await oauth.createItems(
        folder,
        ['R1', 'R2', 'R3', 'R4'].map((abraId) => ({ abraId, data: { displayName: `Obnova ${abraId}` } })),
      );
      expect(res.every((r) => r.ok)).toBe(true);
      expect(invalidated).toBe(1);
      const stamped = emu.control
        .list(folder.id)
        .map((i) => i.extended[`${ABRA_PROPERTY_SET_ID}/${ABRA_ID_PROPERTY_NAME}`])
        .filter((a) => a?.startsWith('R'));
      expect(stamped.sort()).toEqual(['R1', 'R2', 'R3', 'R4']);
    } finally {
      await new Promise((ok) => proxy.close(ok));
    }
  });

  it('NTLM sign-in (DOMAIN\\user) is accepted by the emulator; a wrong password → auth', async () => {
    const ntlm = (password: string) =>
      new EwsBackend(
        { email: emu.email, ewsUrl: emu.url, auth: 'ntlm', user: emu.user.split('@')[0], domain: 'EXAMPLE' },
        { password },
        { transport: { maxRetries: 0 } },
      );
    expect((await ntlm(emu.password).getFolder('inbox')).id).toBe(emu.control.folderId('inbox'));
    expect((await caught(ntlm('spatne-heslo').getFolder('inbox'))).kind).toBe('auth');
  });

  it('mail: delivered messages as summaries (since, body), MIME bytes exactly as delivered', async () => {
    const inbox = await b.getFolder('inbox');
    const base = await drain<MessageItem>(b, inbox, null);
    const mime = [
      'From: "Petra Malá" <petra.mala@zakaznik.cz>',
      'To: "Obchodník" <sales@example.cz>',
      'Cc: info@zakaznik.cz',
      'Subject: =?UTF-8?B?UG9wdMOhdmthIMSNLiAxMg==?=',
      'Date: Tue, 24 Nov 2026 09:15:00 +0100',
      'Message-ID: <poptavka-12@zakaznik.cz>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Dobrý den, posílám poptávku.',
      '',
    ].join('\r\n');
    const delivered = emu.control.deliverMail(mime);
    const inc = await drain<MessageItem>(b, inbox, base.cursor, {
      withBody: true,
      since: '2000-01-01T00:00:00.000Z',
    });
    const msgs = inc.changes.flatMap((c) => (c.type === 'upsert' ? [c.item] : []));
    const m = msgs.find((x) => x.id === delivered.id);
    expect(m).toBeDefined();
    expect(m?.internetMessageId).toBe('<poptavka-12@zakaznik.cz>');
    expect(m?.subject).toBe('Poptávka č. 12');
    expect(m?.from?.address).toBe('petra.mala@zakaznik.cz');
    expect(m?.to.map((t) => t.address)).toEqual(['sales@example.cz']);
    expect(m?.cc.map((t) => t.address)).toEqual(['info@zakaznik.cz']);
    expect(m?.itemClass).toBe('IPM.Note');
    expect(m?.sentAt).toBe('2026-11-24T08:15:00.000Z');
    expect(m?.bodyText).toContain('posílám poptávku');
    const raw = await b.getMime(delivered.id);
    expect(raw.equals(Buffer.from(mime, 'utf8'))).toBe(true);

    // a reply with an attachment: names/sizes and the reply headers in the summary
    const pdf = Buffer.from('%PDF-1.4 nabídka '.repeat(40), 'utf8');
    const reply = [
      'From: sales@example.cz',
      'To: petra.mala@zakaznik.cz',
      'Subject: Re: Poptavka',
      'Date: Wed, 25 Nov 2026 10:00:00 +0100',
      'Message-ID: <odpoved-1@example.cz>',
      'In-Reply-To: <poptavka-12@zakaznik.cz>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'V příloze nabídka.',
      '--b1',
      'Content-Type: application/pdf; name="nabidka.pdf"',
      'Content-Disposition: attachment; filename="nabidka.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const sentItems = await b.getFolder('sentitems');
    const sentBase = await drain<MessageItem>(b, sentItems, null);
    const sent = emu.control.sendMail(reply);
    const sentRead = await drain<MessageItem>(b, sentItems, sentBase.cursor, { withBody: true });
    const r = sentRead.changes
      .flatMap((c) => (c.type === 'upsert' ? [c.item] : []))
      .find((x) => x.id === sent.id);
    expect(r?.hasAttachments).toBe(true);
    expect(r?.attachments?.map((a) => [a.name, a.size])).toEqual([['nabidka.pdf', pdf.length]]);
    expect(r?.headers?.['In-Reply-To']).toBe('<poptavka-12@zakaznik.cz>');
    expect(r?.folderId).toBe(sentItems.id);

    // since in the future: nothing
    emu.control.deliverMail(mime.replace('poptavka-12', 'poptavka-13'));
    const later = await drain<MessageItem>(b, inbox, inc.cursor, { since: '2999-01-01T00:00:00.000Z' });
    expect(later.changes.filter((c) => c.type === 'upsert')).toEqual([]);
    expect((await caught(b.getMime('AAMkNoSuchItem'))).kind).toBe('notFound');
  });

  it('the factory builds the EWS backend from the validated config, and the Graph backend from a token', async () => {
    const cfg = exchangeConnectionSchema.parse({ email: emu.email, ewsUrl: emu.url, user: emu.user });
    const viaFactory = await createExchangeBackend(cfg, { password: emu.password });
    expect(viaFactory.kind).toBe('ews');
    expect((await viaFactory.getFolder('inbox')).id).toBe(emu.control.folderId('inbox'));
    expect((await caught(createExchangeBackend(cfg, {}))).kind).toBe('config');
    const graphCfg = exchangeConnectionSchema.parse({ email: emu.email, kind: 'graph' });
    const g = await createExchangeBackend(graphCfg, { token: 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2ln' });
    expect(g.kind).toBe('graph');
    await g.close();
    expect((await caught(createExchangeBackend(graphCfg, {}))).kind).toBe('auth');
  });
});
