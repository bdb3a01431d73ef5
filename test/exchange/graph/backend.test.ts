/**
 * The Graph backend against the Graph emulator over real HTTP: folders, contacts/events/tasks roundtrips with the
 * AbraId stamp, findByAbraIds, delta paging and @removed, recurring series, mail delta + since + MIME.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphBackend } from '../../../src-main/exchange/graph';
import type {
  AppointmentData,
  CalendarEvent,
  ContactData,
  ContactItem,
  ItemChange,
  MessageItem,
  TaskData,
  TaskItem,
} from '../../../src-main/exchange/types';
import { ABRA_ID_PROP, type GraphEmulator, mimeMessage } from '../../emulators/graph/index';
import { drain, graphPair } from './testkit';

let emu: GraphEmulator;
let backend: GraphBackend;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ emu, backend, stop } = await graphPair({ size: 'small', seed: 7 }));
});
afterAll(async () => stop());

const ok = <T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> => {
  if (!r.ok) throw new Error(`write failed: ${JSON.stringify((r as { error?: unknown }).error)}`);
  return r as Extract<T, { ok: true }>;
};

describe('connection and folders', () => {
  it('testConnection names the mailbox', async () => {
    const info = await backend.testConnection();
    expect(info.email).toBe(emu.email);
    expect(info.serverVersion).toMatch(/Graph/);
  });

  it('"ABRA Gen" contact folder: created once, found afterwards (idempotent, also across instances)', async () => {
    expect(emu.control.contactFolderId('ABRA Gen')).toBeUndefined();
    const a = await backend.getFolder('contacts');
    expect(a.displayName).toBe('ABRA Gen');
    const { backend: other, stop: s2 } = await (async () => {
      const { GraphBackend } = await import('../../../src-main/exchange/graph');
      const b = new GraphBackend(
        emu.url,
        { getAccessToken: async () => emu.token },
        { timeZone: 'Europe/Prague' },
      );
      return { backend: b, stop: () => b.close() };
    })();
    const b = await other.getFolder('contacts');
    await s2();
    expect(b.id).toBe(a.id);
    expect(emu.log.counts()['POST /me/contactFolders']).toBe(1);
  });

  it('a contact folder deleted in Outlook: notFound once, then found/created anew', async () => {
    const { GraphBackend } = await import('../../../src-main/exchange/graph');
    const b = new GraphBackend(
      emu.url,
      { getAccessToken: async () => emu.token },
      { timeZone: 'UTC', folderName: 'Dočasná' },
    );
    const f = await b.getFolder('contacts');
    const r = await b.getChanges(f, null);
    emu.control.removeContactFolder('Dočasná');
    await expect(b.getChanges(f, r.cursor)).rejects.toMatchObject({ kind: 'notFound' });
    const f2 = await b.getFolder('contacts');
    expect(f2.id).not.toBe(f.id);
    expect(emu.control.contactFolderId('Dočasná')).toBe(f2.id);
  });

  it('To Do list "ABRA Gen" is created when missing; "default" uses the default list', async () => {
    const t = await backend.getFolder('tasks');
    expect(t.displayName).toBe('ABRA Gen');
    expect(emu.control.todoListId('ABRA Gen')).toBe(t.id);
    const { GraphBackend } = await import('../../../src-main/exchange/graph');
    const d = new GraphBackend(
      emu.url,
      { getAccessToken: async () => emu.token },
      { timeZone: 'UTC', tasksList: 'default' },
    );
    expect((await d.getFolder('tasks')).id).toBe(emu.control.todoListId('default'));
  });

  it('mail folders: well-known inbox/sent and paths of subfolders', async () => {
    const inbox = await backend.getFolder('inbox');
    expect(inbox.id).toBe(emu.control.mailFolderId('inbox'));
    const all = await backend.listMailFolders();
    const paths = all.map((f) => f.path);
    expect(paths).toContain('Inbox/Customers');
    expect(paths).toContain('Inbox/Customers/Archive 2025');
    expect(paths).toContain('Sent Items');
    const c = await backend.getFolder('mail', 'Inbox/Customers');
    expect(c.id).toBe(emu.control.mailFolderId('Inbox/Customers'));
    await expect(backend.getFolder('mail', 'Inbox/Nope')).rejects.toMatchObject({ kind: 'notFound' });
  });
});

describe('contacts', () => {
  const full: ContactData = {
    displayName: 'Alfa Stroj s.r.o.',
    givenName: 'Petr',
    middleName: 'J.',
    surname: 'Dvořák',
    title: 'Ing.',
    companyName: 'Alfa Stroj s.r.o.',
    department: 'Nákup',
    jobTitle: 'Ředitel',
    emails: ['petr@alfastroj.cz', 'info@alfastroj.cz'],
    businessPhone: '+420 111 222 333',
    businessPhone2: '+420 111 222 334',
    mobilePhone: '+420 777 888 999',
    homePhone: '+420 222 333 444',
    businessFax: '+420 111 222 335',
    businessAddress: {
      street: 'Průmyslová 12',
      city: 'Brno',
      postalCode: '602 00',
      country: 'Česká republika',
    },
    homeAddress: { city: 'Tišnov' },
    webPage: 'https://alfastroj.cz',
    notes: 'Řádek 1\nŘádek 2',
    categories: ['ABRA'],
  };

  it('create → delta → update → delta → delete → delta, with the AbraId stamp', async () => {
    const folder = await backend.getFolder('contacts');
    const first = await drain((c) => backend.getChanges<ContactItem>(folder, c), null);
    expect(first.changes).toEqual([]);
    const [created] = await backend.createItems(folder, [{ abraId: 'FIRM000001', data: full }]);
    const w = ok(created!);
    expect(emu.control.abraIdOf(w.id)).toBe('FIRM000001');
    const second = await drain((c) => backend.getChanges<ContactItem>(folder, c), first.cursor);
    expect(second.changes).toHaveLength(1);
    const up = second.changes[0] as Extract<ItemChange<ContactItem>, { type: 'upsert' }>;
    expect(up.type).toBe('upsert');
    expect(up.item.abraId).toBe('FIRM000001');
    expect(up.item.changeKey).toBe(w.changeKey);
    expect(up.item.data).toEqual(full);

    // partial-free update: absent fields are cleared
    const [u] = await backend.updateItems(folder, [
      { id: w.id, changeKey: w.changeKey, data: { displayName: 'Alfa Stroj a.s.', emails: ['x@alfa.cz'] } },
    ]);
    const w2 = ok(u!);
    expect(w2.changeKey).not.toBe(w.changeKey);
    const third = await drain((c) => backend.getChanges<ContactItem>(folder, c), second.cursor);
    const item = (third.changes[0] as Extract<ItemChange<ContactItem>, { type: 'upsert' }>).item;
    expect(item.data).toEqual({ displayName: 'Alfa Stroj a.s.', emails: ['x@alfa.cz'] });
    expect(item.abraId).toBe('FIRM000001');

    // Outlook user edits; the change shows up
    emu.control.update(w.id, { jobTitle: 'Jednatel' });
    const fourth = await drain((c) => backend.getChanges<ContactItem>(folder, c), third.cursor);
    expect(
      (fourth.changes[0] as Extract<ItemChange<ContactItem>, { type: 'upsert' }>).item.data.jobTitle,
    ).toBe('Jednatel');

    const [d] = await backend.deleteItems(folder, [w.id]);
    expect(d).toEqual({ ok: true });
    const fifth = await drain((c) => backend.getChanges<ContactItem>(folder, c), fourth.cursor);
    expect(fifth.changes).toEqual([{ type: 'delete', id: w.id }]);
    // already deleted counts as deleted
    expect(await backend.deleteItems(folder, [w.id])).toEqual([{ ok: true }]);
  });

  it('findByAbraIds finds stamped items (more than one $batch chunk) and nothing else', async () => {
    const folder = await backend.getFolder('contacts');
    const reqs = Array.from({ length: 25 }, (_, i) => ({
      abraId: `P${String(i).padStart(9, '0')}`,
      data: { displayName: `Osoba ${i}`, emails: [`o${i}@x.cz`] } as ContactData,
    }));
    const res = await backend.createItems(folder, reqs);
    expect(res.every((r) => r.ok)).toBe(true);
    emu.control.createContact('ABRA Gen', { displayName: 'Nestampovaný' });
    const want = [...reqs.map((r) => r.abraId).filter((_, i) => i % 2 === 0), 'NOPE', "O'Brien"];
    const found = await backend.findByAbraIds<ContactItem>(folder, want);
    expect(found.map((f) => f.abraId).sort()).toEqual(want.filter((a) => a.startsWith('P')).sort());
    expect(found.every((f) => f.kind === 'contact')).toBe(true);
    // getItems: missing ids are left out
    const ids = res.map((r) => (r.ok ? r.id : '')).slice(0, 3);
    const got = await backend.getItems<ContactItem>(folder, [...ids, 'AAMkAGmissing=']);
    expect(got.map((g) => g.id)).toEqual(ids);
  });

  it('delta pages with a small page size and reports @removed', async () => {
    const folder = await backend.getFolder('contacts');
    const base = await drain((c) => backend.getChanges<ContactItem>(folder, c), null);
    const total = base.changes.length;
    expect(total).toBeGreaterThan(20);
    const paged = await drain((c) => backend.getChanges<ContactItem>(folder, c, { pageSize: 7 }), null);
    expect(paged.pages).toBe(Math.ceil(total / 7));
    expect(new Set(paged.changes.map((c) => (c.type === 'upsert' ? c.item.id : ''))).size).toBe(total);
    expect(emu.log.entries().some((e) => /delta/.test(e.path))).toBe(true);
    const victim = paged.changes[0]!;
    const vid = victim.type === 'upsert' ? victim.item.id : '';
    emu.control.remove(vid);
    const next = await drain(
      (c) => backend.getChanges<ContactItem>(folder, c, { pageSize: 7 }),
      paged.cursor,
    );
    expect(next.changes).toEqual([{ type: 'delete', id: vid }]);
  });
});

describe('the echo of our own writes', () => {
  it('an incremental read leaves out what the caller holds at that changeKey, and reads nothing more for it', async () => {
    const window = { start: '2026-11-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' };
    const contacts = await backend.getFolder('contacts');
    const cal = await backend.getFolder('calendar');
    const c0 = await drain((c) => backend.getChanges<ContactItem>(contacts, c), null);
    const e0 = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), null);
    const mine = new Map<string, string>();
    const made = [
      ...(
        await backend.createItems(contacts, [
          { abraId: 'P-ECHO-1', data: { displayName: 'Echo Jedna', givenName: 'Echo', surname: 'Jedna' } },
          { abraId: 'P-ECHO-2', data: { displayName: 'Echo Dva', givenName: 'Echo', surname: 'Dva' } },
        ])
      ).map(ok),
      ...(
        await backend.createItems(cal, [
          {
            abraId: 'A-ECHO-1',
            data: {
              subject: 'Echo schůzka',
              start: '2026-12-10T09:00:00.000Z',
              end: '2026-12-10T10:00:00.000Z',
            },
          },
        ])
      ).map(ok),
    ];
    for (const w of made) mine.set(w.id, w.changeKey);
    // the user then changes one of the contacts in Outlook
    const touched = made[1]!.id;
    emu.control.update(touched, { jobTitle: 'nákupčí' });
    const isKnown = (id: string, changeKey: string) => mine.get(id) === changeKey;

    emu.log.reset();
    const c1 = await drain((c) => backend.getChanges<ContactItem>(contacts, c, { isKnown }), c0.cursor);
    expect(c1.changes.map((c) => (c.type === 'upsert' ? c.item.id : c.type))).toEqual([touched]);
    const e1 = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window, isKnown }), e0.cursor);
    expect(e1.changes).toEqual([]);
    // the single appointment is not re-read for its stamp: delta requests only
    expect(emu.log.entries().filter((e) => !/delta/.test(e.path))).toEqual([]);

    // without isKnown (or on a complete read) they all come, as before
    const c2 = await drain((c) => backend.getChanges<ContactItem>(contacts, c), c0.cursor);
    expect(c2.changes).toHaveLength(2);
    const e2 = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), e0.cursor);
    expect(e2.changes.map((c) => (c.type === 'upsert' ? c.item.abraId : c.type))).toEqual(['A-ECHO-1']);
    await backend.deleteItems(
      contacts,
      made.slice(0, 2).map((w) => w.id),
    );
    await backend.deleteItems(cal, [made[2]!.id]);
  });
});

describe('calendar', () => {
  const window = { start: '2026-11-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' };

  it('single event roundtrip with the stamp, never attendees, all-day in the user zone', async () => {
    const cal = await backend.getFolder('calendar');
    const first = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), null);
    const before = first.changes.length;
    const data: AppointmentData = {
      subject: 'Návštěva Alfa',
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-01T10:30:00.000Z',
      location: 'Brno',
      body: 'Program: nabídka',
      sensitivity: 'Private',
      showAs: 'Busy',
      categories: ['ABRA'],
      reminderMinutesBeforeStart: 30,
    };
    const allDay: AppointmentData = {
      subject: 'Veletrh',
      start: '2026-12-02T23:00:00.000Z', // 3 Dec midnight in Prague
      end: '2026-12-03T23:00:00.000Z',
      isAllDay: true,
      showAs: 'Free',
    };
    const res = await backend.createItems(cal, [
      { abraId: 'ACT0000001', data },
      { abraId: 'ACT0000002', data: allDay },
    ]);
    const [a, b] = res.map(ok);
    const stored = emu.control.get(a!.id)!;
    expect(stored.attendees).toEqual([]);
    expect(emu.control.abraIdOf(a!.id)).toBe('ACT0000001');
    expect((emu.control.get(b!.id)!.start as { dateTime: string }).dateTime).toMatch(/^2026-12-03T00:00:00/);

    const second = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), first.cursor);
    const ups = second.changes
      .filter((c) => c.type === 'upsert')
      .map((c) => (c as { item: CalendarEvent }).item);
    const ea = ups.find((e) => e.id === a!.id)!;
    expect(ea.key).toBe(a!.id);
    expect(ea.itemType).toBe('Single');
    expect(ea.abraId).toBe('ACT0000001');
    expect(ea.data).toMatchObject(data);
    const eb = ups.find((e) => e.id === b!.id)!;
    expect(eb.data).toMatchObject(allDay);

    const [u] = await backend.updateItems(cal, [
      {
        id: a!.id,
        changeKey: a!.changeKey,
        data: {
          ...data,
          subject: 'Návštěva Alfa (přesunuto)',
          start: '2026-12-01T11:00:00.000Z',
          end: '2026-12-01T12:00:00.000Z',
        },
      },
    ]);
    ok(u!);
    const third = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), second.cursor);
    const moved = third.changes.find((c) => c.type === 'upsert') as { item: CalendarEvent };
    expect(moved.item.data.start).toBe('2026-12-01T11:00:00.000Z');

    // moved out of the window by the user: still exists → upsert (engine sees it out of scope), not a delete
    emu.control.update(a!.id, {
      start: { dateTime: '2028-01-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2028-01-01T10:00:00', timeZone: 'UTC' },
    });
    const fourth = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), third.cursor);
    expect(fourth.changes).toHaveLength(1);
    expect(fourth.changes[0]).toMatchObject({
      type: 'upsert',
      item: { id: a!.id, data: { start: '2028-01-01T09:00:00.000Z' } },
    });

    await backend.deleteItems(cal, [b!.id]);
    const fifth = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), fourth.cursor);
    // (a delete makes the backend re-read every series in the window: only the delete matters here)
    expect(fifth.changes.filter((c) => c.type !== 'series')).toEqual([{ type: 'delete', id: b!.id }]);
    expect(before).toBeGreaterThanOrEqual(0);
  });

  it('weekly series with a modified and a cancelled occurrence → complete series changes keyed by iCalUId|originalStart', async () => {
    const cal = await backend.getFolder('calendar');
    const base = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), null);
    const s = emu.control.createWeeklySeries({
      subject: 'Týdenní porada',
      start: '2026-11-02T08:00:00.000Z', // Monday 09:00 Prague
      durationMinutes: 60,
      count: 10,
    });
    const mod = emu.control.modifyOccurrence(s.masterId, 2, {
      subject: 'Týdenní porada (posunuto)',
      start: { dateTime: '2026-11-16T13:00:00', timeZone: 'Europe/Prague' },
      end: { dateTime: '2026-11-16T14:00:00', timeZone: 'Europe/Prague' },
    });
    const cancelled = emu.control.cancelOccurrence(s.masterId, 4);
    const r1 = await drain(
      (c) => backend.getChanges<CalendarEvent>(cal, c, { window, pageSize: 3 }),
      base.cursor,
    );
    const series = r1.changes.filter((c) => c.type === 'series') as Extract<
      ItemChange<CalendarEvent>,
      { type: 'series' }
    >[];
    expect(series.length).toBeGreaterThan(0);
    const last = series.filter((x) => x.seriesKey === s.iCalUId).pop()!;
    expect(last.seriesKey).toBe(s.iCalUId);
    expect(last.occurrences).toHaveLength(9);
    const keys = last.occurrences.map((o) => o.key);
    expect(keys[0]).toBe(`${s.iCalUId}|2026-11-02T08:00:00.000Z`);
    expect(keys).not.toContain(`${s.iCalUId}|2026-11-30T08:00:00.000Z`);
    const ex = last.occurrences.find((o) => o.id === mod)!;
    expect(ex.itemType).toBe('Exception');
    expect(ex.key).toBe(`${s.iCalUId}|2026-11-16T08:00:00.000Z`);
    expect(ex.data.start).toBe('2026-11-16T12:00:00.000Z');
    expect(ex.data.subject).toBe('Týdenní porada (posunuto)');
    expect(last.occurrences.filter((o) => o.itemType === 'Occurrence')).toHaveLength(8);
    expect(last.occurrences.every((o) => o.seriesKey === s.iCalUId)).toBe(true);
    // the cancelled occurrence may also come as a delete of its id — never as an item
    expect(r1.changes.some((c) => c.type === 'upsert')).toBe(false);
    void cancelled;

    // the user cancels one more: the next series change leaves it out
    emu.control.cancelOccurrence(s.masterId, 6);
    const r2 = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), r1.cursor);
    const s2 = r2.changes.filter((c) => c.type === 'series' && c.seriesKey === s.iCalUId).pop() as Extract<
      ItemChange<CalendarEvent>,
      { type: 'series' }
    >;
    expect(s2.occurrences).toHaveLength(8);

    // a cancellation that delta reports only as the removed occurrence id: the series is still read completely
    emu.control.cancelOccurrence(s.masterId, 7, { quiet: true });
    const rq = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), r2.cursor);
    expect(rq.changes.filter((c) => c.type === 'delete')).toHaveLength(1);
    const sq = rq.changes.find((c) => c.type === 'series' && c.seriesKey === s.iCalUId) as Extract<
      ItemChange<CalendarEvent>,
      { type: 'series' }
    >;
    expect(sq?.seriesKey).toBe(s.iCalUId);
    expect(sq.occurrences).toHaveLength(7);

    // the sync edits an occurrence (becomes an exception carrying the stamp)
    const occ = s2.occurrences.find((o) => o.itemType === 'Occurrence')!;
    const [w] = await backend.updateItems(cal, [
      {
        id: occ.id,
        changeKey: occ.changeKey,
        data: { ...occ.data, subject: 'Porada – ABRA' },
        abraId: 'ACT0000099',
      },
    ]);
    ok(w!);
    const got = await backend.getItems<CalendarEvent>(cal, [occ.id]);
    void rq;
    expect(got[0]).toMatchObject({
      itemType: 'Exception',
      key: occ.key,
      abraId: 'ACT0000099',
      data: { subject: 'Porada – ABRA' },
    });
    expect((await backend.findByAbraIds<CalendarEvent>(cal, ['ACT0000001'])).map((e) => e.abraId)).toEqual([
      'ACT0000001',
    ]);

    // the whole series is deleted: every occurrence id comes as a delete
    emu.control.remove(s.masterId);
    const r3 = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), rq.cursor);
    const dels = r3.changes.filter((c) => c.type === 'delete').map((c) => (c as { id: string }).id);
    expect(dels).toContain(occ.id);
    expect(r3.changes.some((c) => c.type === 'series' && c.seriesKey === s.iCalUId)).toBe(false);
  });

  it('a far-moved window makes the cursor invalid (full re-read)', async () => {
    const cal = await backend.getFolder('calendar');
    const r = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), null);
    await expect(
      backend.getChanges(cal, r.cursor, {
        window: { start: '2027-06-01T00:00:00.000Z', end: '2027-12-01T00:00:00.000Z' },
      }),
    ).rejects.toMatchObject({ kind: 'cursorInvalid' });
  });
});

describe('the stamp written back on items created in Outlook', () => {
  it('an update without data PATCHes the AbraId alone, in one $batch; the new changeKey is returned', async () => {
    const cal = await backend.getFolder('calendar');
    const list = await backend.getFolder('tasks');
    const ev = emu.control.createEvent({
      subject: 'Oběd z Outlooku',
      start: { dateTime: '2026-12-03T11:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-03T12:00:00', timeZone: 'UTC' },
      location: { displayName: 'U Fleků' },
    });
    const task = emu.control.createTask(list.displayName, { title: 'Úkol z Outlooku' });
    const [before] = await backend.getItems<CalendarEvent>(cal, [String(ev.id)]);
    expect(before?.abraId).toBeNull();
    const batches = emu.log.entries().filter((e) => e.path.startsWith('/$batch')).length;
    const [e1] = await backend.updateItems(cal, [
      { id: String(ev.id), changeKey: before!.changeKey, abraId: 'ACT0000900' },
    ]);
    const [t1] = await backend.updateItems(list, [
      { id: String(task.id), changeKey: '', abraId: 'ACT0000901' },
    ]);
    expect(emu.log.entries().filter((e) => e.path.startsWith('/$batch')).length).toBe(batches + 2);
    const w = ok(e1!);
    expect(w.changeKey).not.toBe(before!.changeKey);
    ok(t1!);
    expect(emu.control.abraIdOf(String(ev.id))).toBe('ACT0000900');
    expect(emu.control.abraIdOf(String(task.id))).toBe('ACT0000901');
    const [after] = await backend.getItems<CalendarEvent>(cal, [String(ev.id)]);
    expect(after?.changeKey).toBe(w.changeKey);
    // nothing else was written
    expect(after?.data).toEqual(before?.data);
    // neither data nor a stamp: refused before anything is sent
    const [bad] = await backend.updateItems(cal, [{ id: String(ev.id), changeKey: '' }]);
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.error.kind).toBe('validation');
  });
});

describe('tasks (To Do)', () => {
  it('create → delta → update → complete → delete with the stamp', async () => {
    const list = await backend.getFolder('tasks');
    const first = await drain((c) => backend.getChanges<TaskItem>(list, c), null);
    const data: TaskData = {
      subject: 'Zavolat Alfa',
      status: 'InProgress',
      importance: 'High',
      start: '2026-11-30T23:00:00.000Z', // 1 Dec in Prague
      due: '2026-12-04T23:00:00.000Z',
      body: 'Ohledně nabídky',
      categories: ['ABRA'],
    };
    const [c] = await backend.createItems(list, [{ abraId: 'ACT0000200', data }]);
    const w = ok(c!);
    const second = await drain((x) => backend.getChanges<TaskItem>(list, x), first.cursor);
    const t = (second.changes[0] as { item: TaskItem }).item;
    expect(t.abraId).toBe('ACT0000200');
    expect(t.data).toEqual(data);
    const [u] = await backend.updateItems(list, [
      {
        id: w.id,
        changeKey: t.changeKey,
        data: { ...data, status: 'Completed', completedAt: '2026-12-02T10:00:00.000Z' },
      },
    ]);
    ok(u!);
    const third = await drain((x) => backend.getChanges<TaskItem>(list, x), second.cursor);
    const t2 = (third.changes[0] as { item: TaskItem }).item;
    expect(t2.data.status).toBe('Completed');
    expect(t2.data.completedAt).toBe('2026-12-02T10:00:00.000Z');
    for (const st of ['NotStarted', 'WaitingOnOthers', 'Deferred'] as const) {
      const [r] = await backend.createItems(list, [
        { abraId: `S-${st}`, data: { subject: st, status: st, importance: 'Low' } },
      ]);
      ok(r!);
    }
    const found = await backend.findByAbraIds<TaskItem>(list, ['S-Deferred', 'ACT0000200']);
    expect(found.map((f) => f.data.status).sort()).toEqual(['Completed', 'Deferred']);
    await backend.deleteItems(list, [w.id]);
    const fourth = await drain((x) => backend.getChanges<TaskItem>(list, x), third.cursor);
    expect(fourth.changes.filter((x) => x.type === 'delete')).toEqual([{ type: 'delete', id: w.id }]);
  });
});

describe('mail', () => {
  it('delta of a folder with since, summaries, getMime bytes, incremental delivery', async () => {
    const inbox = await backend.getFolder('inbox');
    const all = await drain((c) => backend.getChanges<MessageItem>(inbox, c), null);
    expect(all.changes.length).toBeGreaterThan(0);
    const since = '2026-11-20T00:00:00.000Z';
    const mime = mimeMessage({
      from: '"Petr Dvořák" <petr@alfastroj.cz>',
      to: [emu.email],
      cc: ['"Eva" <eva@alfastroj.cz>'],
      subject: 'Objednávka 42',
      date: new Date('2026-11-24T08:00:00Z'),
      messageId: '<obj42@alfastroj.cz>',
      inReplyTo: '<nab41@firma.cz>',
      body: 'Dobrý den,\r\nobjednáváme.',
    });
    emu.control.deliver(mime, 'inbox', new Date('2026-11-24T08:00:05Z'));
    emu.control.deliver(
      mimeMessage({
        from: 'a@b.cz',
        to: [emu.email],
        subject: 'Staré',
        date: new Date('2026-10-01T08:00:00Z'),
        messageId: '<old@b.cz>',
        body: 'x',
      }),
      'inbox',
      new Date('2026-10-01T08:00:00Z'),
    );
    const first = await drain(
      (c) => backend.getChanges<MessageItem>(inbox, c, { since, withBody: true, pageSize: 2 }),
      null,
    );
    const items = first.changes.map((c) => (c as { item: MessageItem }).item);
    expect(items.every((m) => (m.receivedAt ?? '') >= since)).toBe(true);
    const m = items.find((x) => x.internetMessageId === '<obj42@alfastroj.cz>')!;
    expect(m).toMatchObject({
      kind: 'message',
      itemClass: 'IPM.Note',
      subject: 'Objednávka 42',
      from: { address: 'petr@alfastroj.cz', name: 'Petr Dvořák' },
      to: [{ address: emu.email }],
      cc: [{ address: 'eva@alfastroj.cz', name: 'Eva' }],
      sentAt: '2026-11-24T08:00:00.000Z',
      receivedAt: '2026-11-24T08:00:05.000Z',
      isDraft: false,
      hasAttachments: false,
      headers: { 'In-Reply-To': '<nab41@firma.cz>' },
    });
    expect(m.bodyText).toContain('objednáváme');
    expect(m.size).toBe(Buffer.byteLength(mime));
    const raw = await backend.getMime(m.id);
    expect(raw.equals(Buffer.from(mime, 'utf8'))).toBe(true);

    emu.control.deliver(
      mimeMessage({
        from: 'c@d.cz',
        to: [emu.email],
        subject: 'Nová',
        date: new Date(),
        messageId: '<new@d.cz>',
        body: 'y',
      }),
    );
    const next = await drain(
      (c) => backend.getChanges<MessageItem>(inbox, c, { since, withBody: true }),
      first.cursor,
    );
    expect(next.changes.map((c) => (c as { item: MessageItem }).item.internetMessageId)).toEqual([
      '<new@d.cz>',
    ]);
    const sent = await backend.getFolder('sentitems');
    emu.control.send(
      mimeMessage({
        from: emu.email,
        to: ['x@y.cz'],
        subject: 'Odeslaná',
        date: new Date(),
        messageId: '<sent1@firma.cz>',
        body: 'z',
      }),
    );
    const s = await drain((c) => backend.getChanges<MessageItem>(sent, c, { since }), null);
    expect(
      s.changes.some((c) => (c as { item: MessageItem }).item.internetMessageId === '<sent1@firma.cz>'),
    ).toBe(true);
  });

  it('the stamp property id is the EWS one', () => {
    expect(ABRA_ID_PROP).toBe('String {c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1} Name AbraId');
  });
});
