/**
 * The backend contract: what every `ExchangeBackend` promises in the header of src-main/exchange/types.ts ("Rules
 * every backend follows" and the method comments), as one suite that runs against each implementation — the
 * in-memory fake the engine tests stand on, EWS against its emulator, and Graph against its emulator. A fake that
 * drifts from the real backends fails here, not silently in the engine tests (vdirsyncer's `StorageTests` habit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AppointmentData,
  CalendarEvent,
  ContactData,
  ContactItem,
  ExchangeBackend,
  ExchangeItem,
  FolderRef,
  ItemChange,
  TaskData,
  TaskItem,
  WriteResult,
} from '../../src-main/exchange/types';

export interface ContractSubject {
  backend: ExchangeBackend;
  /** The mailbox's address as the server knows it. */
  email: string;
  stop(): Promise<void>;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function ok(r: WriteResult | undefined): { id: string; changeKey: string } {
  if (!r) throw new Error('no result for the item');
  if (!r.ok) throw new Error(`write failed: ${r.error.kind} ${r.error.message}`);
  return r;
}

async function readAll<T extends ExchangeItem>(
  b: ExchangeBackend,
  folder: FolderRef,
  cursor: string | null,
): Promise<{ changes: ItemChange<T>[]; cursor: string }> {
  const changes: ItemChange<T>[] = [];
  let c = cursor;
  for (let pages = 0; ; pages++) {
    if (pages > 1000) throw new Error('runaway paging');
    const p = await b.getChanges<T>(folder, c);
    changes.push(...p.changes);
    c = p.cursor;
    if (!p.more) return { changes, cursor: c };
  }
}

type Written = { id: string; changeKey: string };
/** Results typed as present (one per request is the rule under test; a missing one fails where it is used). */
type Got<T> = readonly T[] & { 0: T; 1: T; 2: T };
const got = <T>(xs: readonly T[]): Got<T> => xs as Got<T>;

/** createItems whose every item must succeed. */
async function create(
  b: ExchangeBackend,
  folder: FolderRef,
  requests: { abraId: string; data: ContactData | TaskData | AppointmentData }[],
): Promise<Got<Written>> {
  return got((await b.createItems(folder, requests)).map(ok));
}

const contact = (n: number): ContactData => ({
  displayName: `Novák & syn ${n}`,
  givenName: 'Jan',
  surname: `Novák ${n}`,
  companyName: 'Novák & syn s.r.o.',
  emails: [`jan.novak${n}@novak-syn.cz`],
  businessPhone: `+420 600 000 00${n}`,
});

export function defineBackendContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`ExchangeBackend contract — ${name}`, () => {
    let s: ContractSubject;
    let b: ExchangeBackend;
    let contacts: FolderRef;
    const stamp = (n: number) => `CONTRACT${name.replace(/\W/g, '')}${n}`;

    beforeAll(async () => {
      s = await make();
      b = s.backend;
      contacts = await b.getFolder('contacts');
    });
    afterAll(async () => s?.stop());

    it('testConnection names the mailbox', async () => {
      const info = await b.testConnection();
      expect(info.email.toLowerCase()).toBe(s.email.toLowerCase());
    });

    it('getFolder("contacts") is idempotent: the same folder every time', async () => {
      const again = await b.getFolder('contacts');
      expect(again.id).toBe(contacts.id);
      expect(again.kind).toBe('contacts');
    });

    it('createItems: one result per input in input order; stamp and data read back by id, by stamp and in a complete read', async () => {
      const made = await create(
        b,
        contacts,
        [1, 2, 3].map((n) => ({ abraId: stamp(n), data: contact(n) })),
      );
      expect(new Set(made.map((m) => m.id)).size).toBe(3);
      const byId = got(
        await b.getItems<ContactItem>(
          contacts,
          made.map((m) => m.id),
        ),
      );
      expect(byId.map((i) => [i.id, i.abraId, i.data.surname])).toEqual([
        [made[0].id, stamp(1), 'Novák 1'],
        [made[1].id, stamp(2), 'Novák 2'],
        [made[2].id, stamp(3), 'Novák 3'],
      ]);
      expect(byId[0].data).toMatchObject({
        displayName: 'Novák & syn 1',
        companyName: 'Novák & syn s.r.o.',
        emails: ['jan.novak1@novak-syn.cz'],
      });
      const found = await b.findByAbraIds<ContactItem>(contacts, [stamp(2), 'NOT-THERE']);
      expect(found.map((i) => i.id)).toEqual([made[1].id]);
      const all = await readAll<ContactItem>(b, contacts, null);
      const mine = all.changes.flatMap((c) =>
        c.type === 'upsert' && c.item.abraId?.startsWith(stamp(0).slice(0, -1)) ? [c.item.id] : [],
      );
      expect(mine.sort()).toEqual(made.map((m) => m.id).sort());
    });

    it('updateItems: the current changeKey writes and returns a new one; a stale one is a per-item conflict that fails no other item', async () => {
      const [a, c] = await create(
        b,
        contacts,
        [4, 5].map((n) => ({ abraId: stamp(n), data: contact(n) })),
      );
      const first = ok(
        (
          await b.updateItems(contacts, [
            { id: a.id, changeKey: a.changeKey, data: { ...contact(4), jobTitle: 'jednatel' } },
          ])
        )[0],
      );
      expect(first.changeKey).not.toBe(a.changeKey);
      const results = await b.updateItems(contacts, [
        { id: a.id, changeKey: a.changeKey, data: { ...contact(4), jobTitle: 'stale' } },
        { id: c.id, changeKey: c.changeKey, data: { ...contact(5), jobTitle: 'obchodník' } },
      ]);
      expect(results.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['conflict', 'ok']);
      const [ra, rc] = got(await b.getItems<ContactItem>(contacts, [a.id, c.id]));
      expect(ra.data.jobTitle).toBe('jednatel');
      expect(rc.data.jobTitle).toBe('obchodník');
    });

    it('updateItems without data writes only the AbraId stamp', async () => {
      const [m] = await create(b, contacts, [{ abraId: stamp(6), data: contact(6) }]);
      const r = ok(
        (await b.updateItems(contacts, [{ id: m.id, changeKey: m.changeKey, abraId: stamp(7) }]))[0],
      );
      expect(r.id).toBe(m.id);
      const [item] = got(await b.getItems<ContactItem>(contacts, [m.id]));
      expect(item.abraId).toBe(stamp(7));
      expect(item.data.surname).toBe('Novák 6');
    });

    it('deleteItems: deleted, an already-missing item counts as deleted, getItems leaves missing ids out', async () => {
      const [m, keep] = await create(
        b,
        contacts,
        [8, 9].map((n) => ({ abraId: stamp(n), data: contact(n) })),
      );
      expect(await b.deleteItems(contacts, [m.id])).toEqual([{ ok: true }]);
      expect(await b.deleteItems(contacts, [m.id])).toEqual([{ ok: true }]);
      const left = await b.getItems<ContactItem>(contacts, [m.id, keep.id]);
      expect(left.map((i) => i.id)).toEqual([keep.id]);
    });

    it('getChanges from a cursor reports what changed since: the update as an upsert, the delete as a delete', async () => {
      const [u, d] = await create(
        b,
        contacts,
        [10, 11].map((n) => ({ abraId: stamp(n), data: contact(n) })),
      );
      const { cursor } = await readAll(b, contacts, null);
      ok(
        (
          await b.updateItems(contacts, [
            { id: u.id, changeKey: u.changeKey, data: { ...contact(10), department: 'Prodej' } },
          ])
        )[0],
      );
      await b.deleteItems(contacts, [d.id]);
      const since = await readAll<ContactItem>(b, contacts, cursor);
      const upserts = since.changes.flatMap((c) => (c.type === 'upsert' ? [c.item] : []));
      const deletes = since.changes.flatMap((c) => (c.type === 'delete' ? [c.id] : []));
      expect(upserts.map((i) => [i.id, i.data.department])).toEqual([[u.id, 'Prodej']]);
      expect(deletes).toEqual([d.id]);
    });

    it('appointments: a single appointment round-trips its instants (UTC ISO-8601 with milliseconds) and its stamp', async () => {
      const calendar = await b.getFolder('calendar');
      const data: AppointmentData = {
        subject: 'Schůzka: Novák & syn <obchod>',
        start: '2026-12-14T08:30:00.000Z',
        end: '2026-12-14T09:15:00.000Z',
        body: 'Řádek 1\nŘádek 2',
      };
      const [m] = await create(b, calendar, [{ abraId: stamp(30), data }]);
      const [e] = got(await b.getItems<CalendarEvent>(calendar, [m.id]));
      expect(e.abraId).toBe(stamp(30));
      expect(e.itemType).toBe('Single');
      expect(e.data).toMatchObject({ subject: data.subject, start: data.start, end: data.end });
      expect(e.data.start).toMatch(ISO_MS);
    });

    it('tasks: subject, due date and status round-trip; instants are UTC ISO-8601 with milliseconds', async () => {
      const tasks = await b.getFolder('tasks');
      // midnight of 10 December in the user's zone (Europe/Prague, UTC+1 in winter)
      const data: TaskData = {
        subject: 'Zavolat & poslat nabídku',
        due: '2026-12-09T23:00:00.000Z',
        status: 'NotStarted',
      };
      const [m] = await create(b, tasks, [{ abraId: stamp(20), data }]);
      const [t] = got(await b.getItems<TaskItem>(tasks, [m.id]));
      expect(t.abraId).toBe(stamp(20));
      expect(t.data).toMatchObject({ subject: data.subject, status: 'NotStarted' });
      expect(t.data.due).toMatch(ISO_MS);
      expect(t.data.due).toBe(data.due);
      if (t.lastModified !== undefined) expect(t.lastModified).toMatch(ISO_MS);
    });
  });
}
