import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CalendarEvent, ContactItem } from '../../src-main/exchange/types';
import { noteText } from '../../src-main/shared/messages';
import type { SyncConfig } from '../../src-main/sync/config';
import { SyncService } from '../../src-main/sync/service';
import { appointment, FakeAbra, FakeExchange, testConfig } from './fakes';

const ME = 'USER000001';
const MEET = 'TYPMEET001';
let dir: string;
let abra: FakeAbra;
let ex: FakeExchange;
let service: SyncService;

function makeService(config: SyncConfig): SyncService {
  return new SyncService({
    config,
    secrets: { get: async () => null },
    dataDir: dir,
    connect: async () => ({ abra, exchange: ex }),
    now: () => new Date('2026-11-24T08:00:00.000Z'),
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'abra-engine-'));
  abra = new FakeAbra(ME);
  ex = new FakeExchange();
});
afterEach(async () => {
  await service?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

function activity(subject: string, start: string, extra: Record<string, unknown> = {}) {
  return abra.insert('crmactivities', {
    subject,
    activitytype_id: MEET,
    actqueue_id: 'QUEUE00001',
    solveruser_id: ME,
    sheduledstart$date: start,
    sheduledend$date: new Date(Date.parse(start) + 3600_000).toISOString(),
    description: '',
    isprivate: false,
    ...extra,
  });
}

const calendarOnly = (direction = 'both', extra: Record<string, unknown> = {}) =>
  testConfig({
    parts: {
      addressBook: { enabled: false },
      tasks: { enabled: false },
      calendar: { direction, ...extra },
    },
  });

describe('calendar part over the runner (fakes)', () => {
  it('creates, stays idle, and propagates edits both ways', async () => {
    const a = activity('Schůzka Kovo Brno', '2026-11-25T09:00:00.000Z');
    activity('Mimo okno', '2028-01-01T09:00:00.000Z'); // outside the 1-year window
    activity('Cizí', '2026-11-26T09:00:00.000Z', { solveruser_id: 'USER000002' }); // not mine
    service = makeService(calendarOnly());
    const [first] = await service.syncNow('calendar');
    expect(first).toMatchObject({ result: 'ok', counts: { exchange: { created: 1 } } });
    const created = ex.inFolder('calendar');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ abraId: a.id, data: { subject: 'Schůzka Kovo Brno' } });

    // echo of our own write and then idle: nothing is written
    const [second] = await service.syncNow('calendar');
    expect(second?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(second?.counts.abra).toEqual({ created: 0, updated: 0, deleted: 0 });
    const [idle] = await service.syncNow('calendar');
    expect(idle?.counts.examined).toBe(0);

    // Outlook edit → ABRA
    const item = created[0] as CalendarEvent;
    ex.put('folder-calendar', { ...item, data: { ...item.data, subject: 'Schůzka Kovo Brno (přesunuto)' } });
    const [r3] = await service.syncNow('calendar');
    expect(r3?.counts.abra.updated).toBe(1);
    expect(abra.coll('crmactivities').get(a.id)?.subject).toBe('Schůzka Kovo Brno (přesunuto)');

    // ABRA edit → Outlook
    abra.edit('crmactivities', a.id, { description: 'Agenda: ceník 2027' });
    const [r4] = await service.syncNow('calendar');
    expect(r4?.counts.exchange.updated).toBe(1);
    expect((ex.inFolder('calendar')[0] as CalendarEvent).data.body).toBe('Agenda: ceník 2027');
  });

  it('a new Outlook appointment becomes an ABRA activity of the configured type and series', async () => {
    ex.put('folder-calendar', appointment('OUT1', 'Oběd s klientem', '2026-11-27T11:00:00.000Z'));
    service = makeService(calendarOnly());
    const [r] = await service.syncNow('calendar');
    expect(r?.counts.abra.created).toBe(1);
    const rows = [...abra.coll('crmactivities').values()];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      subject: 'Oběd s klientem',
      activitytype_id: MEET,
      actqueue_id: 'QUEUE00001',
      solveruser_id: ME,
    });
  });

  it('new activities take solver role and division from the settings, else from the type; without either the run names the missing field (en + cs) and writes nothing', async () => {
    // a real ABRA refuses an activity without SolverRole_ID (810) or Division_ID (824) — ABRA-MobileCRM captures
    ex.put('folder-calendar', appointment('OUT1', 'Oběd s klientem', '2026-11-27T11:00:00.000Z'));
    service = makeService(calendarOnly('both', { newItemSolverRoleId: '', newItemDivisionId: '' }));
    const [r] = await service.syncNow('calendar');
    expect(r?.result).toBe('failed');
    expect(abra.coll('crmactivities').size).toBe(0);
    expect(r?.note?.key).toBe('abra.activity.noSolverRole');
    expect(noteText('en', r?.note)).toContain('SolverRole_ID');
    expect(noteText('cs', r?.note)).toContain('roli řešitele (SolverRole_ID)');
    await service.stop();
    // the type brings its own role, the settings the division
    abra.coll('crmactivitytypes').set(MEET, { id: MEET, solverrole_id: 'ROLEFROMTY', division_id: null });
    service = makeService(calendarOnly('both', { newItemSolverRoleId: '', newItemDivisionId: 'DIVISION02' }));
    const [r2] = await service.syncNow('calendar');
    expect(r2?.counts.abra.created).toBe(1);
    expect([...abra.coll('crmactivities').values()][0]).toMatchObject({
      solverrole_id: 'ROLEFROMTY',
      division_id: 'DIVISION02',
    });
  });

  it('admin-mapped user-defined fields (abraExtraFields) are written on every new activity', async () => {
    ex.put('folder-calendar', appointment('OUT1', 'Oběd s klientem', '2026-11-27T11:00:00.000Z'));
    service = makeService(
      testConfig({
        abraExtraFields: [
          { collection: 'crmactivities', field: 'X_Region', value: 'Morava' },
          { collection: 'firms', field: 'X_Segment', value: 'B2B' },
        ],
        parts: { addressBook: { enabled: false }, tasks: { enabled: false } },
      }),
    );
    const [r] = await service.syncNow('calendar');
    expect(r?.counts.abra.created).toBe(1);
    const row = [...abra.coll('crmactivities').values()][0]!;
    expect(row.X_Region).toBe('Morava');
    expect(row.X_Segment).toBeUndefined();
  });

  it('one-way ABRA→Exchange leaves the user’s own appointments alone and overwrites edits of ours', async () => {
    activity('Servis', '2026-11-25T09:00:00.000Z');
    ex.put('folder-calendar', appointment('OWN1', 'Zubař', '2026-11-25T15:00:00.000Z'));
    service = makeService(calendarOnly('abraToExchange'));
    await service.syncNow('calendar');
    expect(abra.coll('crmactivities').size).toBe(1);
    const ours = ex.inFolder('calendar').find((i) => i.abraId) as CalendarEvent;
    ex.put('folder-calendar', { ...ours, data: { ...ours.data, subject: 'changed in Outlook' } });
    await service.syncNow('calendar');
    expect((ex.items.get(ours.id)!.item as CalendarEvent).data.subject).toBe('Servis');
    expect(ex.inFolder('calendar')).toHaveLength(2);
  });

  it('pairs existing identical items on the first run instead of duplicating', async () => {
    activity('Porada', '2026-11-25T09:00:00.000Z');
    ex.put('folder-calendar', appointment('SAME', 'Porada', '2026-11-25T09:00:00.000Z'));
    service = makeService(calendarOnly());
    const [r] = await service.syncNow('calendar');
    expect(r?.counts.exchange.created).toBe(0);
    expect(r?.counts.abra.created).toBe(0);
    expect(ex.inFolder('calendar')).toHaveLength(1);
    expect(abra.coll('crmactivities').size).toBe(1);
    expect(service.state.countLinks('calendar')).toBe(1);
  });

  // issue #17: the links of paired items are refreshed in one transaction per run of such items; when it fails, it
  // is rolled back and the items are linked one by one, so one bad item is recorded and the others are linked.
  it('links a run of paired items together; a link that cannot be written fails alone and is retried', async () => {
    for (const [i, subject] of ['Porada', 'Školení', 'Oběd'].entries()) {
      const start = `2026-11-25T0${i + 7}:00:00.000Z`;
      activity(subject, start);
      ex.put('folder-calendar', appointment(`SAME${i}`, subject, start));
    }
    service = makeService(calendarOnly());
    const put = service.state.putLink.bind(service.state);
    const spy = vi.spyOn(service.state, 'putLink').mockImplementation((l) => {
      if (l.name === 'Školení') throw new Error('disk says no');
      put(l);
    });
    const [r1] = await service.syncNow('calendar');
    expect(r1?.result).toBe('partial');
    expect(r1?.failures).toMatchObject([
      { name: 'Školení', reason: expect.stringContaining('disk says no') },
    ]);
    expect(service.state.countLinks('calendar')).toBe(2);
    spy.mockRestore();
    const [r2] = await service.syncNow('calendar');
    expect(r2?.result).toBe('ok');
    expect(service.state.countLinks('calendar')).toBe(3);
    expect(abra.coll('crmactivities').size).toBe(3);
    expect(ex.inFolder('calendar')).toHaveLength(3);
  });

  it('an activity whose type changed is unlinked, never deleted', async () => {
    const a = activity('Porada', '2026-11-25T09:00:00.000Z');
    service = makeService(calendarOnly());
    await service.syncNow('calendar');
    await service.syncNow('calendar');
    abra.edit('crmactivities', a.id, { activitytype_id: 'OTHERTYPE1' });
    const [r] = await service.syncNow('calendar');
    expect(r?.counts.unlinked).toBe(1);
    expect(r?.counts.exchange.deleted).toBe(0);
    expect(ex.inFolder('calendar')).toHaveLength(1);
    expect(service.state.countLinks('calendar')).toBe(0);
  });

  it('deletes propagate both ways in two-way mode', async () => {
    const a = activity('A', '2026-11-25T09:00:00.000Z');
    const b = activity('B', '2026-11-25T11:00:00.000Z');
    service = makeService(calendarOnly());
    await service.syncNow('calendar');
    await service.syncNow('calendar');
    // delete B in Outlook → ABRA activity B goes
    const bItem = ex.inFolder('calendar').find((i) => i.abraId === b.id)!;
    ex.drop(bItem.id);
    const [r1] = await service.syncNow('calendar');
    expect(r1?.counts.abra.deleted).toBe(1);
    expect(abra.coll('crmactivities').has(b.id)).toBe(false);
    // delete A in ABRA → found by the deletion scan (a complete run) → appointment goes
    abra.remove('crmactivities', a.id);
    service.state.setCursor('calendar', 'abraDeletionScan', '2000-01-01T00:00:00.000Z');
    const [r2] = await service.syncNow('calendar');
    expect(r2?.counts.exchange.deleted).toBe(1);
    expect(ex.inFolder('calendar')).toHaveLength(0);
  });

  it('with an opt-in category only tagged Outlook appointments become activities; synced ones stay synced', async () => {
    const tagged = (id: string, subject: string, start: string, categories: string[]) => {
      const item = appointment(id, subject, start) as CalendarEvent;
      return { ...item, data: { ...item.data, categories } };
    };
    ex.put('folder-calendar', tagged('O1', 'Zubař', '2026-11-25T07:00:00.000Z', []));
    ex.put('folder-calendar', tagged('O2', 'Návštěva Kovo', '2026-11-25T09:00:00.000Z', ['abra']));
    ex.put('folder-calendar', tagged('O3', 'Oběd', '2026-11-25T11:00:00.000Z', ['Osobní']));
    service = makeService(calendarOnly('both', { newItemsCategory: 'ABRA' }));
    const [first] = await service.syncNow('calendar');
    expect(first).toMatchObject({ result: 'ok', counts: { abra: { created: 1 } } });
    const made = [...abra.coll('crmactivities').values()];
    expect(made.map((r) => r.subject)).toEqual(['Návštěva Kovo']);
    // the synced one loses its tag in Outlook: it stays linked and its edits still reach ABRA
    ex.put('folder-calendar', tagged('O2', 'Návštěva Kovo (přesunuto)', '2026-11-25T10:00:00.000Z', []));
    const [second] = await service.syncNow('calendar');
    expect(second?.counts.abra).toEqual({ created: 0, updated: 1, deleted: 0 });
    expect(abra.coll('crmactivities').get(String(made[0]!.id))?.subject).toBe('Návštěva Kovo (přesunuto)');
    // tagging a new one later brings it over; the untagged stay in Outlook only
    ex.put('folder-calendar', tagged('O3', 'Oběd', '2026-11-25T11:00:00.000Z', ['Osobní', 'ABRA']));
    const [third] = await service.syncNow('calendar');
    expect(third?.counts.abra.created).toBe(1);
    expect([...abra.coll('crmactivities').values()].map((r) => r.subject).sort()).toEqual([
      'Návštěva Kovo (přesunuto)',
      'Oběd',
    ]);
    expect(ex.inFolder('calendar')).toHaveLength(3); // nothing was removed from Outlook
  });

  it('asks ABRA who the login is once, and a restarted engine takes it from its state', async () => {
    activity('Schůzka Kovo', '2026-11-25T09:00:00.000Z');
    const who = vi.spyOn(abra, 'currentUser');
    service = makeService(calendarOnly());
    await service.syncNow('calendar');
    await service.syncNow('calendar');
    expect(who).toHaveBeenCalledTimes(1);
    await service.stop();
    service = makeService(calendarOnly());
    const [r] = await service.syncNow('calendar');
    expect(r?.result).toBe('ok');
    expect(who).toHaveBeenCalledTimes(1);
    // another login is somebody else
    await service.stop();
    const other = calendarOnly();
    other.abra.login = 'jina';
    service = makeService(other);
    await service.syncNow('calendar');
    expect(who).toHaveBeenCalledTimes(2);
  });

  it("writes in calls of the backend's preferred size (Graph: whole $batch requests)", async () => {
    for (let i = 0; i < 7; i++) activity(`Schůzka ${i}`, `2026-11-2${5 + (i % 3)}T0${i}:00:00.000Z`);
    const sizes: number[] = [];
    const create = ex.createItems.bind(ex);
    ex.createItems = async (folder, requests) => {
      sizes.push(requests.length);
      return create(folder, requests);
    };
    Object.assign(ex, { writeBatchSize: 3 });
    service = makeService(calendarOnly());
    const [r] = await service.syncNow('calendar');
    expect(r?.counts.exchange.created).toBe(7);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('stops before a mass delete and goes on only after confirmation', async () => {
    const ids = Array.from(
      { length: 12 },
      (_, i) =>
        activity(`Schůzka ${i}`, `2026-11-${String(25 + (i % 4)).padStart(2, '0')}T0${i % 9}:00:00.000Z`).id,
    );
    service = makeService(calendarOnly());
    await service.syncNow('calendar');
    for (const id of ids.slice(0, 11)) abra.remove('crmactivities', id);
    service.state.setCursor('calendar', 'abraDeletionScan', '2000-01-01T00:00:00.000Z');
    const [r] = await service.syncNow('calendar');
    expect(r?.result).toBe('needsConfirmation');
    expect(ex.inFolder('calendar')).toHaveLength(12);
    // said in words for the log, and as a sentence the UI shows in its language, with the count for the button
    expect(r?.message).toBe(
      'This run would delete 11 of 12 synced items in Exchange. Nothing was changed; confirm to continue.',
    );
    expect(r?.note).toEqual({ key: 'run.massDelete', params: { count: 11, total: 12, side: 'Exchange' } });
    const attention = service.status().parts.find((p) => p.part === 'calendar')?.attention;
    expect(attention).toMatchObject({ kind: 'massDelete', pendingDeletes: 11, side: 'exchange' });
    // why: every one was deleted in ABRA
    expect(r?.pendingDeletes?.byReason).toEqual({ deletedInAbra: 11 });
    expect(attention?.pendingReasons).toEqual(Array(11).fill('deletedInAbra'));
    expect(noteText('cs', attention?.note)).toBe(
      'Tento běh by smazal 11 z 12 synchronizovaných položek v Exchange. Nic se nezměnilo; pro pokračování smazání potvrďte.',
    );
    // the note outlives a restart: it is part of the recorded run
    expect(service.listRuns(1)[0]?.note?.key).toBe('run.massDelete');
    const c = await service.confirmMassDelete('calendar');
    expect(c.counts.exchange.deleted).toBe(11);
    expect(ex.inFolder('calendar')).toHaveLength(1);
  });

  it('a mass delete of ABRA activities says each was deleted in Outlook', async () => {
    const ids = Array.from(
      { length: 12 },
      (_, i) =>
        activity(`Porada ${i}`, `2026-11-${String(25 + (i % 4)).padStart(2, '0')}T0${i % 9}:00:00.000Z`).id,
    );
    service = makeService(calendarOnly());
    await service.syncNow('calendar');
    await service.syncNow('calendar');
    const gone = ex.inFolder('calendar').filter((i) => ids.slice(0, 10).includes(String(i.abraId)));
    for (const i of gone) ex.drop(i.id);
    const [r] = await service.syncNow('calendar');
    expect(r?.result).toBe('needsConfirmation');
    expect(r?.pendingDeletes).toMatchObject({ count: 10, side: 'abra', byReason: { deletedInExchange: 10 } });
    expect(r?.pendingDeletes?.reasons).toEqual(Array(10).fill('deletedInExchange'));
    expect(abra.coll('crmactivities').size).toBe(12);
  });

  it('isolates a failing item, names it, and retries it next run', async () => {
    ex.put('folder-calendar', appointment('O1', 'Dobrá', '2026-11-25T09:00:00.000Z'));
    ex.put('folder-calendar', appointment('O2', 'Špatná', '2026-11-25T10:00:00.000Z'));
    abra.failCreates.add('Špatná');
    service = makeService(calendarOnly());
    const [r1] = await service.syncNow('calendar');
    expect(r1?.result).toBe('partial');
    expect(r1?.failures).toMatchObject([
      { name: 'Špatná', side: 'abra', reason: expect.stringContaining('Period') },
    ]);
    expect(abra.coll('crmactivities').size).toBe(1);
    abra.failCreates.clear();
    const [r2] = await service.syncNow('calendar');
    expect(r2?.result).toBe('ok');
    expect(r2?.counts.abra.created).toBe(1);
    expect(abra.coll('crmactivities').size).toBe(2);
  });

  it('adopts an Exchange item created before a crash instead of creating it twice', async () => {
    const a = activity('Crash', '2026-11-25T09:00:00.000Z');
    // The item exists with our stamp but the state never learned of it (the process died after the create).
    ex.put('folder-calendar', {
      ...appointment('EXCRASH', 'Crash', '2026-11-25T09:00:00.000Z'),
      abraId: a.id,
    });
    service = makeService(calendarOnly('abraToExchange'));
    const [r] = await service.syncNow('calendar');
    expect(r?.counts.exchange.created).toBe(0);
    expect(ex.inFolder('calendar')).toHaveLength(1);
    expect(service.state.getLink('calendar', a.id)?.exId).toBe('EXCRASH');
  });

  it('a dry run plans with names and writes nothing', async () => {
    activity('Plánovaná', '2026-11-25T09:00:00.000Z');
    service = makeService(calendarOnly());
    const { plan, summaries } = await service.preview('calendar');
    expect(plan).toEqual([
      expect.objectContaining({ action: 'create', side: 'exchange', name: 'Plánovaná' }),
    ]);
    expect(summaries[0]?.result).toBe('dryRun');
    expect(ex.inFolder('calendar')).toHaveLength(0);
    expect(service.state.getCursor('calendar', 'abra')).toBeNull();
  });

  it('three-way merge combines edits and records a true conflict the user can flip', async () => {
    const a = activity('Porada', '2026-11-25T09:00:00.000Z', { description: 'v1' });
    service = makeService(calendarOnly());
    await service.syncNow('calendar');
    await service.syncNow('calendar');
    const item = ex.inFolder('calendar')[0] as CalendarEvent;
    abra.edit('crmactivities', a.id, { description: 'ABRA body', subject: 'Porada (ABRA)' });
    ex.put('folder-calendar', { ...item, data: { ...item.data, body: 'Outlook body' } });
    const [r] = await service.syncNow('calendar');
    expect(r?.counts.conflicts).toBe(1);
    const [c] = service.listConflicts();
    expect(c).toMatchObject({ field: 'body', abraValue: 'ABRA body', exchangeValue: 'Outlook body' });
    // the subject changed only in ABRA and reaches Outlook
    expect((ex.items.get(item.id)!.item as CalendarEvent).data.subject).toBe('Porada (ABRA)');
    await service.flipConflict(c!.id);
    await service.syncNow('calendar');
    const loser = c!.winner === 'abra' ? 'Outlook body' : 'ABRA body';
    expect(abra.coll('crmactivities').get(a.id)?.description).toBe(loser);
    expect((ex.items.get(item.id)!.item as CalendarEvent).data.body).toBe(loser);
  });
});

describe('address book part over the runner (fakes)', () => {
  function firm(name: string, extra: Record<string, unknown> = {}) {
    return abra.insert('firms', {
      name,
      hidden: false,
      firm_id: null,
      wwwaddress: 'www.kovo.cz',
      residenceaddress_id: { street: 'Hlavní 1', city: 'Brno', postcode: '602 00', email: 'info@kovo.cz' },
      firmpersons: [],
      ...extra,
    });
  }

  it('ABRA firms and persons become contacts; an Outlook edit is overwritten and a delete re-created', async () => {
    const p = abra.insert('persons', {
      firstname: 'Petra',
      lastname: 'Dvořáková',
      address_id: { email: 'petra@kovo.cz' },
    });
    const f = firm('Kovo Brno s.r.o.', { firmpersons: [{ id: 'FP1', person_id: p.id }] });
    service = makeService(testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } }));
    const [r] = await service.syncNow('addressBook');
    expect(r?.counts.exchange.created).toBe(2);
    const contacts = ex.inFolder('contacts') as ContactItem[];
    const person = contacts.find((c) => c.abraId === `${f.id}:${p.id}`)!;
    expect(person.data).toMatchObject({
      givenName: 'Petra',
      surname: 'Dvořáková',
      companyName: 'Kovo Brno s.r.o.',
      emails: ['petra@kovo.cz'],
      businessAddress: { city: 'Brno' },
    });
    await service.syncNow('addressBook');
    ex.put('folder-contacts', { ...person, data: { ...person.data, surname: 'Nováková' } });
    await service.syncNow('addressBook');
    expect((ex.items.get(person.id)!.item as ContactItem).data.surname).toBe('Dvořáková');
    ex.drop(person.id);
    const [r2] = await service.syncNow('addressBook');
    expect(r2?.counts.exchange.created).toBe(1);
    expect(ex.inFolder('contacts')).toHaveLength(2);
    expect(abra.coll('persons').size).toBe(1);
  });

  it('a firm that becomes hidden leaves the one-way "ABRA Gen" folder; in two-way mode it is only unlinked', async () => {
    const f = firm('Skryje se a.s.');
    const g = firm('Zůstane a.s.');
    service = makeService(testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } }));
    await service.syncNow('addressBook');
    expect(ex.inFolder('contacts')).toHaveLength(2);
    abra.edit('firms', f.id, { hidden: true });
    const [r] = await service.syncNow('addressBook');
    expect(r?.counts.exchange.deleted).toBe(1);
    expect(ex.inFolder('contacts').map((c) => c.abraId)).toEqual([g.id]);
    expect(abra.coll('firms').has(f.id)).toBe(true);

    await service.stop();
    const both = testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } });
    both.parts.addressBook.direction = 'both';
    service = makeService(both);
    abra.edit('firms', g.id, { hidden: true });
    const [r2] = await service.syncNow('addressBook');
    expect(r2?.counts.unlinked).toBe(1);
    expect(r2?.counts.exchange.deleted).toBe(0);
    expect(ex.inFolder('contacts')).toHaveLength(1);
  });

  it('a mass delete records why each contact would go: deleted in ABRA, or no longer matching a narrowed filter', async () => {
    const leaving = Array.from({ length: 6 }, (_, i) =>
      firm(`Jinde ${i} a.s.`, { wwwaddress: 'www.jinde.cz' }),
    );
    const staying = Array.from({ length: 8 }, (_, i) => firm(`Kovo ${i} s.r.o.`));
    const cfg = testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } });
    service = makeService(cfg);
    await service.syncNow('addressBook');
    expect(ex.inFolder('contacts')).toHaveLength(14);
    await service.stop();
    // five firms deleted in ABRA, and the filter narrowed to the kovo.cz firms: 11 of 14 contacts would go
    for (const f of staying.slice(0, 5)) abra.remove('firms', f.id);
    const narrowed = testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } });
    narrowed.parts.addressBook.where = "wwwaddress = 'www.kovo.cz'";
    service = makeService(narrowed);
    const [r] = await service.syncNow('addressBook');
    expect(r?.result).toBe('needsConfirmation');
    const pending = r!.pendingDeletes!;
    expect(pending.count).toBe(11);
    expect(pending.byReason).toEqual({ deletedInAbra: 5, leftFilter: 6 });
    const why = new Map(pending.items!.map((name, i) => [name, pending.reasons![i]]));
    for (const f of leaving) expect(why.get(String(f.name))).toBe('leftFilter');
    for (const f of staying.slice(0, 5)) expect(why.get(String(f.name))).toBe('deletedInAbra');
    // the card gets the same, and it outlives a restart as part of the recorded run
    const attention = service.status().parts.find((p) => p.part === 'addressBook')?.attention;
    expect(attention?.pendingByReason).toEqual({ deletedInAbra: 5, leftFilter: 6 });
    expect(attention?.pendingReasons).toEqual(pending.reasons);
    expect(service.listRuns(1)[0]?.pendingDeletes?.byReason).toEqual({ deletedInAbra: 5, leftFilter: 6 });
    expect(ex.inFolder('contacts')).toHaveLength(14);
  });

  it('the run right after a first run does not scan ABRA for deletions again', async () => {
    for (let i = 0; i < 5; i++) firm(`Firma ${i} s.r.o.`);
    service = makeService(testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } }));
    await service.syncNow('addressBook');
    const listIds = vi.spyOn(abra, 'listIds');
    await service.syncNow('addressBook');
    expect(listIds).not.toHaveBeenCalled();
  });

  it('a major correction moves the contact to the new firm id instead of re-creating it', async () => {
    const f = firm('Stará firma s.r.o.');
    service = makeService(testConfig({ parts: { calendar: { enabled: false }, tasks: { enabled: false } } }));
    await service.syncNow('addressBook');
    const n = firm('Nová firma s.r.o.');
    abra.edit('firms', f.id, { firm_id: n.id });
    const [r] = await service.syncNow('addressBook');
    expect(r?.counts.exchange.created).toBe(0);
    expect(r?.counts.exchange.updated).toBe(1);
    const contacts = ex.inFolder('contacts') as ContactItem[];
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.data.companyName).toBe('Nová firma s.r.o.');
    expect(service.state.getLink('addressBook', n.id)).not.toBeNull();
  });
});
