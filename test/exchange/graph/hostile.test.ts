/**
 * Hostile values and ids through the real Graph backend to the emulator over HTTP (issue 12, the Graph half of
 * "escape every value"): ids carrying '/', '+' and '=' go into URLs as one percent-encoded segment (the emulator
 * refuses an id sent as it is or encoded twice); `$filter` literals with quotes are OData literals (a quote doubled);
 * names and stamps with & < > " ' # ? % / + and non-ASCII text arrive exactly as sent; and a create that failed
 * after Exchange stored it (502 after storing, a dropped connection) never makes a second item with the same stamp.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphBackend } from '../../../src-main/exchange/graph';
import type {
  AppointmentData,
  CalendarEvent,
  ContactData,
  ContactItem,
  TaskData,
  TaskItem,
} from '../../../src-main/exchange/types';
import { type GraphEmulator, mimeMessage } from '../../emulators/graph/index';
import { drain, graphPair } from './testkit';

let emu: GraphEmulator;
let backend: GraphBackend;
let stop: () => Promise<void>;

/** Every character the issue names, a quote pair, percent sequences and non-ASCII (Czech, emoji, RTL). */
const NASTY = `Novák & syn <s.r.o.> "uvozovky" 'apostrof' O''Brien #kotva ?dotaz %20 %2F %zz a/b+c=d ž 😀 שלום \\ ;,`;

beforeAll(async () => {
  ({ emu, backend, stop } = await graphPair({ size: 'empty', seed: 11 }));
});
afterAll(async () => stop());
afterEach(() => emu.faults.clear());

const ok = <T extends { ok: boolean }>(r: T | undefined): Extract<T, { ok: true }> => {
  if (!r?.ok) throw new Error(`write failed: ${JSON.stringify((r as { error?: unknown })?.error)}`);
  return r as Extract<T, { ok: true }>;
};

function other(folderName: string): GraphBackend {
  return new GraphBackend(
    emu.url,
    { getAccessToken: async () => emu.token },
    { timeZone: 'Europe/Prague', folderName, retryBaseMs: 20 },
  );
}

describe('names and values with hostile characters', () => {
  it('a contact folder / To Do list named with them is found again by name ($filter literal), never made twice', async () => {
    const name = `ABRA ' Gen & <x> "y" #1 ?% + ž`;
    const a = other(name);
    const f1 = await a.getFolder('contacts');
    const t1 = await a.getFolder('tasks');
    expect(f1.displayName).toBe(name);
    expect(t1.displayName).toBe(name);
    const b = other(name);
    const f2 = await b.getFolder('contacts', undefined, { create: false });
    const t2 = await b.getFolder('tasks', undefined, { create: false });
    expect(f2.id).toBe(f1.id);
    expect(t2.id).toBe(t1.id);
    expect(emu.log.counts()['POST /me/contactFolders']).toBe(1);
    await a.close();
    await b.close();
  });

  it('contacts, events and tasks store every hostile value exactly as sent and find it by a hostile stamp', async () => {
    const folder = await backend.getFolder('contacts');
    const stamp = `A'B&C#D?E%F/G+H=I <ž> "😀"`;
    const data: ContactData = {
      displayName: NASTY,
      companyName: NASTY,
      notes: `${NASTY}\n${'x'.repeat(10_000)}`,
      emails: ['novak+test@firma.cz'],
      categories: [NASTY],
    };
    const [c] = await backend.createItems(folder, [{ abraId: stamp, data }]);
    const id = ok(c).id;
    const [got] = await backend.getItems<ContactItem>(folder, [id]);
    expect(got?.data.displayName).toBe(NASTY);
    expect(got?.data.companyName).toBe(NASTY);
    expect(got?.data.notes).toBe(data.notes);
    expect(got?.data.categories).toEqual([NASTY]);
    expect(got?.abraId).toBe(stamp);
    expect(emu.control.get(id)?.displayName).toBe(NASTY);
    const found = await backend.findByAbraIds<ContactItem>(folder, [
      stamp,
      `A'B&C#D?E%F/G+H=I <ž> "😀`,
      "A''B",
    ]);
    expect(found.map((f) => f.id)).toEqual([id]);

    const cal = await backend.getFolder('calendar');
    const ev: AppointmentData = {
      subject: NASTY,
      location: NASTY,
      body: NASTY,
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-01T10:00:00.000Z',
    };
    const [e] = await backend.createItems(cal, [{ abraId: stamp, data: ev }]);
    const [gotEv] = await backend.getItems<CalendarEvent>(cal, [ok(e).id]);
    expect(gotEv?.data.subject).toBe(NASTY);
    expect(gotEv?.data.location).toBe(NASTY);
    expect((await backend.findByAbraIds<CalendarEvent>(cal, [stamp])).map((x) => x.id)).toEqual([ok(e).id]);

    const tasks = await backend.getFolder('tasks');
    const td: TaskData = { subject: NASTY, body: NASTY, status: 'NotStarted' };
    const [t] = await backend.createItems(tasks, [{ abraId: stamp, data: td }]);
    const [gotT] = await backend.getItems<TaskItem>(tasks, [ok(t).id]);
    expect(gotT?.data.subject).toBe(NASTY);
    expect((await backend.findByAbraIds<TaskItem>(tasks, [stamp])).map((x) => x.id)).toEqual([ok(t).id]);
  });

  it("a mail folder path with & ' # ? % + and non-ASCII resolves, and its messages are read by delta and MIME", async () => {
    const path = `Inbox/Zákazníci & 'partneři' #1 ?%+ 😀`;
    emu.control.addMailFolder(path);
    const f = await backend.getFolder('mail', path);
    expect(f.path).toBe(path);
    const { id } = emu.control.deliver(
      mimeMessage({
        from: 'a@b.cz',
        to: [emu.email],
        subject: NASTY,
        date: new Date('2026-11-20T10:00:00Z'),
        messageId: '<hostile-1@b.cz>',
        body: 'tělo',
      }),
      emu.control.mailFolderId(path),
    );
    const all = await drain((c) => backend.getChanges(f, c), null);
    expect(all.changes.flatMap((x) => (x.type === 'upsert' ? [x.item.id] : []))).toContain(id);
    expect((await backend.getMime(id)).toString('utf8')).toContain('tělo');
  });
});

describe("the backend over https (Microsoft's SDKs send a token over https only)", () => {
  it('pages and delta links come back on https and the same port, so the backend follows them', async () => {
    const tls = new GraphBackend(
      emu.httpsUrl,
      { getAccessToken: async () => emu.token },
      { timeZone: 'Europe/Prague', caCertificate: emu.tlsCa, defaultPageSize: 3, retryBaseMs: 20 },
    );
    try {
      const folder = await tls.getFolder('contacts');
      const res = await tls.createItems(
        folder,
        Array.from({ length: 7 }, (_, i) => ({ abraId: `TLS-${i}`, data: { displayName: `Přes TLS ${i}` } })),
      );
      expect(res.every((r) => r.ok)).toBe(true);
      const first = await drain((c) => tls.getChanges<ContactItem>(folder, c), null);
      expect(first.pages).toBeGreaterThan(2);
      const names = first.changes.flatMap((c) => (c.type === 'upsert' ? [c.item.data.displayName] : []));
      for (let i = 0; i < 7; i++) expect(names).toContain(`Přes TLS ${i}`);
      const again = await drain((c) => tls.getChanges<ContactItem>(folder, c), first.cursor);
      expect(again.changes).toEqual([]);
    } finally {
      await tls.close();
    }
  });
});

describe('$batch items with a body always carry Content-Type (https://learn.microsoft.com/graph/json-batching)', () => {
  it('whatever headers the caller gives (none, only If-Match, a lower-case content-type), the batch is accepted', async () => {
    const folder = await backend.getFolder('contacts');
    const [c] = await backend.createItems(folder, [{ abraId: 'CT-1', data: { displayName: 'Hlavička' } }]);
    const id = encodeURIComponent(ok(c).id);
    const res = await backend.http.batch([
      { method: 'PATCH', url: `/me/contacts/${id}`, body: { jobTitle: 'a' } },
      { method: 'PATCH', url: `/me/contacts/${id}`, body: { jobTitle: 'b' }, headers: { 'If-Match': '*' } },
      {
        method: 'PATCH',
        url: `/me/contacts/${id}`,
        body: { jobTitle: 'c' },
        headers: { 'content-type': 'application/json' },
      },
    ]);
    expect(res.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe("ids with '/', '+' and '='", () => {
  it('every id reaches its item in reads, updates, deletes and delta, one percent-encoding each', async () => {
    const folder = await backend.getFolder('contacts');
    const res = await backend.createItems(
      folder,
      Array.from({ length: 24 }, (_, i) => ({ abraId: `ID-${i}`, data: { displayName: `Id ${i}` } })),
    );
    const ids = res.map((r) => ok(r).id);
    expect(ids.some((x) => x.includes('/'))).toBe(true);
    expect(ids.some((x) => x.includes('+'))).toBe(true);
    expect(ids.every((x) => x.endsWith('='))).toBe(true);
    const got = await backend.getItems<ContactItem>(folder, ids);
    expect(got.map((g) => g.id).sort()).toEqual([...ids].sort());
    const upd = await backend.updateItems<ContactData>(
      folder,
      got.map((g) => ({
        id: g.id,
        changeKey: g.changeKey,
        abraId: g.abraId ?? undefined,
        data: { displayName: `${g.data.displayName}!` },
      })),
    );
    expect(upd.every((u) => u.ok)).toBe(true);
    expect(emu.control.get(ids[0]!)?.displayName).toBe('Id 0!');
    const del = await backend.deleteItems(folder, ids.slice(0, 12));
    expect(del.every((d) => d.ok)).toBe(true);
    for (const x of ids.slice(0, 12)) expect(emu.control.get(x)).toBeUndefined();
    for (const x of ids.slice(12)) expect(emu.control.get(x)).toBeDefined();
    // the emulator logged no malformed id and no 404: each id arrived as the item's id
    expect(emu.log.entries().filter((e) => e.status === 400 || e.status === 404)).toEqual([]);
  });

  it('a series whose master and occurrence ids carry them is read completely', async () => {
    const cal = await backend.getFolder('calendar');
    const s = emu.control.createWeeklySeries({
      subject: 'Porada',
      start: '2026-12-07T08:00:00.000Z',
      count: 3,
      abraId: 'SER-1',
    });
    const window = { start: '2026-12-01T00:00:00.000Z', end: '2027-01-31T00:00:00.000Z' };
    const all = await drain((c) => backend.getChanges<CalendarEvent>(cal, c, { window }), null);
    const series = all.changes.find((x) => x.type === 'series');
    expect(series?.type === 'series' && series.occurrences.map((o) => o.id).sort()).toEqual(
      [...s.occurrenceIds].sort(),
    );
  });

  it('a corrupt stored id (not an Exchange id at all) counts as gone, not as a failure of the whole read', async () => {
    const folder = await backend.getFolder('contacts');
    const [c] = await backend.createItems(folder, [{ abraId: 'CORRUPT-1', data: { displayName: 'Živý' } }]);
    const id = ok(c).id;
    const got = await backend.getItems<ContactItem>(folder, [id, 'not an id at all', `${id}%`]);
    expect(got.map((g) => g.id)).toEqual([id]);
    const [u] = await backend.updateItems<ContactData>(folder, [
      { id: 'not an id at all', changeKey: 'x', data: { displayName: 'x' } },
    ]);
    expect(u).toMatchObject({ ok: false, error: { kind: 'notFound', code: 'ErrorInvalidIdMalformed' } });
  });
});

describe('a create that may have run is never made twice (fault: 502 after storing)', () => {
  const stamped = (folderId: string, a: string) =>
    emu.control.list('contact', folderId).filter((x) => emu.control.abraIdOf(String(x.id)) === a);

  it('a $batch item answered 502 after Exchange stored it: found by its stamp, not sent again', async () => {
    const folder = await backend.getFolder('contacts');
    emu.faults.inject({
      status: 502,
      afterProcessing: true,
      method: 'POST',
      path: '/contacts',
      scope: 'batch',
    });
    const res = await backend.createItems(folder, [
      { abraId: 'DUP-1', data: { displayName: 'Jednou' } },
      { abraId: 'DUP-2', data: { displayName: 'Také jednou' } },
    ]);
    expect(res.every((r) => r.ok)).toBe(true);
    expect(stamped(folder.id, 'DUP-1')).toHaveLength(1);
    expect(stamped(folder.id, 'DUP-2')).toHaveLength(1);
    const one = stamped(folder.id, 'DUP-1')[0]!;
    expect(ok(res[0]).id).toBe(one.id);
  });

  it('the whole $batch answered 502 (or 504 with Retry-After) after storing, or its connection reset: still one each', async () => {
    const folder = await backend.getFolder('contacts');
    const cases = [
      { status: 502 },
      { status: 504, retryAfterSec: 0 },
      { status: 503, retryAfterSec: 0 },
      { reset: true },
    ];
    for (const [k, f] of cases.entries()) {
      emu.faults.inject({ ...f, afterProcessing: true, path: '/$batch', scope: 'top' });
      const stamps = [`W-${k}-a`, `W-${k}-b`, `W-${k}-c`];
      const res = await backend.createItems(
        folder,
        stamps.map((a) => ({ abraId: a, data: { displayName: a } })),
      );
      expect(
        res.every((r) => r.ok),
        JSON.stringify(f),
      ).toBe(true);
      for (const a of stamps) expect(stamped(folder.id, a), `${JSON.stringify(f)} ${a}`).toHaveLength(1);
    }
  });

  it('a 502 before anything was stored: looked for, not found, sent again — one item', async () => {
    const folder = await backend.getFolder('contacts');
    emu.faults.inject({ status: 502, method: 'POST', path: '/contacts', scope: 'batch' });
    const [r] = await backend.createItems(folder, [{ abraId: 'DUP-3', data: { displayName: 'Znovu' } }]);
    expect(ok(r).id).toBe(String(stamped(folder.id, 'DUP-3')[0]!.id));
    expect(stamped(folder.id, 'DUP-3')).toHaveLength(1);
  });

  it('a 429 inside the batch is retried without a look-up (Graph throttles before it runs anything)', async () => {
    const folder = await backend.getFolder('contacts');
    emu.faults.inject({ status: 429, retryAfterSec: 0, method: 'POST', path: '/contacts', scope: 'batch' });
    emu.log.reset();
    const [r] = await backend.createItems(folder, [{ abraId: 'DUP-4', data: { displayName: 'Po 429' } }]);
    expect(r?.ok).toBe(true);
    expect(stamped(folder.id, 'DUP-4')).toHaveLength(1);
    expect(emu.log.entries().filter((e) => e.inBatch && e.method === 'GET')).toEqual([]);
  });

  it('when the look-up itself fails, the create stays failed rather than risk a second item', async () => {
    const folder = await backend.getFolder('contacts');
    emu.faults.inject({
      status: 502,
      afterProcessing: true,
      method: 'POST',
      path: '/contacts',
      scope: 'batch',
    });
    emu.faults.inject({ status: 500, method: 'GET', path: '/contacts', scope: 'batch', times: 100 });
    const [r] = await backend.createItems(folder, [{ abraId: 'DUP-5', data: { displayName: 'Nejisté' } }]);
    expect(r).toMatchObject({ ok: false, error: { kind: 'transient', status: 502 } });
    expect(stamped(folder.id, 'DUP-5')).toHaveLength(1);
  });
});
