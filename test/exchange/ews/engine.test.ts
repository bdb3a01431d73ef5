/**
 * The sync engine (SyncService + calendar/tasks/address book parts) over the real EWS backend and the EWS
 * emulator, with the in-memory ABRA of the engine tests: proves that the backend's change pages, series, keys,
 * ChangeKeys and AbraId stamps have the semantics the engine relies on (idempotent re-runs, Outlook edits back to
 * ABRA, an edited occurrence staying the same activity, a deleted occurrence deleting its activity).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import { ABRA_ID_PROPERTY_NAME, ABRA_PROPERTY_SET_ID } from '../../../src-main/exchange/types';
import { SyncService } from '../../../src-main/sync/service';
import { type EwsEmulator, startEwsEmulator } from '../../emulators/ews/index';
import { FakeAbra, testConfig } from '../../sync/fakes';

const ME = 'USER000001';
const NOW = new Date('2026-11-24T08:00:00.000Z');

describe('engine ↔ EWS backend ↔ EWS emulator', () => {
  let emu: EwsEmulator;
  let dir: string;
  let abra: FakeAbra;
  let service: SyncService | null = null;

  beforeAll(async () => {
    emu = await startEwsEmulator({ size: 'empty' });
  });
  afterAll(async () => {
    await emu.stop();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ews-engine-'));
    abra = new FakeAbra(ME);
  });
  afterEach(async () => {
    await service?.stop().catch(() => undefined);
    service = null;
    rmSync(dir, { recursive: true, force: true });
  });

  function start(parts: Record<string, unknown>): SyncService {
    const config = testConfig({
      exchange: { email: emu.email, ewsUrl: emu.url, user: emu.user },
      parts,
    });
    service = new SyncService({
      config,
      secrets: { get: async () => null },
      dataDir: dir,
      connect: async () => ({
        abra,
        exchange: new EwsBackend(
          { email: emu.email, ewsUrl: emu.url, user: emu.user, timeZone: 'Europe/Prague' },
          { password: emu.password },
        ),
      }),
      now: () => NOW,
    });
    return service;
  }

  const calendarOnly = { addressBook: { enabled: false }, tasks: { enabled: false }, calendar: {} };

  it('calendar both ways: ABRA → Outlook, idle re-run, Outlook edit → ABRA, a series → one activity per occurrence', async () => {
    const a = abra.insert('crmactivities', {
      subject: 'Schůzka Kovo Brno',
      activitytype_id: 'TYPMEET001',
      actqueue_id: 'QUEUE00001',
      solveruser_id: ME,
      sheduledstart$date: '2026-11-25T09:00:00.000Z',
      sheduledend$date: '2026-11-25T10:00:00.000Z',
      description: 'Ceník 2027',
      isprivate: false,
    });
    const s = start(calendarOnly);
    const [first] = await s.syncNow('calendar');
    expect(first?.result).toBe('ok');
    expect(first?.counts.exchange.created).toBe(1);
    const cal = emu.control.folderId('calendar');
    const items = emu.control.list(cal);
    expect(items).toHaveLength(1);
    const ours = items[0]!;
    expect(ours.fields.Subject).toBe('Schůzka Kovo Brno');
    expect(emu.control.extendedProperty(ours.id, ABRA_PROPERTY_SET_ID, ABRA_ID_PROPERTY_NAME)).toBe(a.id);

    const [second] = await s.syncNow('calendar');
    expect(second?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(second?.counts.abra).toEqual({ created: 0, updated: 0, deleted: 0 });

    emu.control.update(ours.id, { subject: 'Schůzka Kovo Brno (přesunuto)' });
    const [third] = await s.syncNow('calendar');
    expect(third?.counts.abra.updated).toBe(1);
    expect(abra.coll('crmactivities').get(a.id)?.subject).toBe('Schůzka Kovo Brno (přesunuto)');

    // a weekly series created in Outlook: each occurrence in the window becomes its own activity
    const master = emu.control.createAppointment({
      subject: 'Porada obchodu',
      start: '2026-11-30T08:00:00Z',
      end: '2026-11-30T09:00:00Z',
      recurrence: { pattern: 'weekly', days: ['Monday'], numberOfOccurrences: 3 },
    });
    const [fourth] = await s.syncNow('calendar');
    expect(fourth?.result).toBe('ok');
    expect(fourth?.counts.abra.created).toBe(3);
    const porady = () =>
      [...abra.coll('crmactivities').values()].filter((r) => String(r.subject).startsWith('Porada obchodu'));
    expect(porady()).toHaveLength(3);

    // one occurrence edited in Outlook: the same activity is updated, not a new one created
    emu.control.modifyOccurrence(master.id, 2, { subject: 'Porada obchodu (jiná místnost)' });
    const [fifth] = await s.syncNow('calendar');
    expect(fifth?.counts.abra.created).toBe(0);
    expect(fifth?.counts.abra.updated).toBe(1);
    expect(
      porady()
        .map((r) => r.subject)
        .sort(),
    ).toEqual(['Porada obchodu', 'Porada obchodu', 'Porada obchodu (jiná místnost)']);

    // one occurrence deleted in Outlook: its activity goes (both-way calendar)
    emu.control.deleteOccurrence(master.id, 3);
    const [sixth] = await s.syncNow('calendar');
    expect(sixth?.result).toBe('ok');
    expect(sixth?.counts.abra.deleted).toBe(1);
    expect(porady()).toHaveLength(2);

    const [idle] = await s.syncNow('calendar');
    expect(idle?.counts.abra).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(idle?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
  });
  it('address book and tasks: contacts in "ABRA Gen" with the stamp, re-runs idle, an Outlook edit overwritten', async () => {
    const p = abra.insert('persons', {
      firstname: 'Petra',
      lastname: 'Dvořáková',
      address_id: { email: 'petra@kovo.cz' },
    });
    const f = abra.insert('firms', {
      name: 'Kovo Brno s.r.o.',
      hidden: false,
      firm_id: null,
      wwwaddress: 'www.kovo.cz',
      residenceaddress_id: { street: 'Hlavní 1', city: 'Brno', postcode: '602 00', email: 'info@kovo.cz' },
      firmpersons: [{ id: 'FP1', person_id: p.id }],
    });
    abra.insert('crmactivities', {
      subject: 'Poslat nabídku',
      activitytype_id: 'TYPTASK001',
      actqueue_id: 'QUEUE00001',
      solveruser_id: ME,
      sheduledstart$date: '2026-11-25T08:00:00.000Z',
      sheduledend$date: '2026-11-27T08:00:00.000Z',
      description: '',
      isprivate: false,
    });
    const s = start({ calendar: { enabled: false } });
    const [book] = await s.syncNow('addressBook');
    expect(book?.result).toBe('ok');
    expect(book?.counts.exchange.created).toBe(2);
    const folder = emu.control.folders().find((x) => x.displayName === 'ABRA Gen')!;
    const contacts = emu.control.list(folder.id);
    expect(contacts).toHaveLength(2);
    const person = contacts.find(
      (c) =>
        emu.control.extendedProperty(c.id, ABRA_PROPERTY_SET_ID, ABRA_ID_PROPERTY_NAME) === `${f.id}:${p.id}`,
    )!;
    expect(person.fields.Surname).toBe('Dvořáková');
    expect(person.entries.EmailAddress1).toBe('petra@kovo.cz');
    const [again] = await s.syncNow('addressBook');
    expect(again?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
    emu.control.update(person.id, { surname: 'Nováková' });
    await s.syncNow('addressBook');
    expect(emu.control.get(person.id)?.fields.Surname).toBe('Dvořáková');

    const [tasks] = await s.syncNow('tasks');
    expect(tasks?.result).toBe('ok');
    expect(tasks?.counts.exchange.created).toBe(1);
    const t = emu.control.list(emu.control.folderId('tasks'));
    expect(t.map((x) => x.fields.Subject)).toEqual(['Poslat nabídku']);
    const [tIdle] = await s.syncNow('tasks');
    expect(tIdle?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(tIdle?.counts.abra).toEqual({ created: 0, updated: 0, deleted: 0 });
  });
  // ../shared/probes/security/soap-ctl.ts as a test: ABRA text that XML cannot carry, and XML's special characters,
  // in one batch. Before, one such value failed the whole EWS batch on every run.
  it('activities with control characters and <&>"\' in one batch: all written, the stripped ones noted, re-runs idle', async () => {
    // the emulator is shared: clear the calendar of earlier tests (their AbraIds repeat in a new FakeAbra)
    for (const it of emu.control.list(emu.control.folderId('calendar'))) emu.control.remove(it.id);
    const subjects = [
      'Schůzka \u0001 SOH',
      'Ceník\u000bvložený z Excelu',
      'A <b> & "c" \'d\' ]]>',
      'Novák & syn s.r.o.',
    ];
    const ids = subjects.map(
      (subject, i) =>
        abra.insert('crmactivities', {
          subject,
          activitytype_id: 'TYPMEET001',
          actqueue_id: 'QUEUE00001',
          solveruser_id: ME,
          sheduledstart$date: `2026-11-2${5 + i}T09:00:00.000Z`,
          sheduledend$date: `2026-11-2${5 + i}T10:00:00.000Z`,
          description: `Popis ${subject}`,
          isprivate: false,
        }).id,
    );
    const s = start(calendarOnly);
    const [first] = await s.syncNow('calendar');
    expect(first?.result).toBe('ok');
    expect(first?.failures).toEqual([]);
    expect(first?.counts.exchange.created).toBe(4);
    const stored = emu.control.list(emu.control.folderId('calendar'));
    const byAbra = new Map(
      stored.map((i) => [emu.control.extendedProperty(i.id, ABRA_PROPERTY_SET_ID, ABRA_ID_PROPERTY_NAME), i]),
    );
    expect(ids.map((id) => byAbra.get(id)?.fields.Subject)).toEqual([
      'Schůzka  SOH',
      'Cenikvložený z Excelu'.replace('Cenik', 'Ceník'),
      'A <b> & "c" \'d\' ]]>',
      'Novák & syn s.r.o.',
    ]);
    // the two items that lost a character each (subject and description) carry the run's note
    expect(first?.notes?.map((n) => [n.abraId, n.note.key, n.note.params?.count])).toEqual([
      [ids[0], 'run.xmlCharsRemoved', 2],
      [ids[1], 'run.xmlCharsRemoved', 2],
    ]);
    expect(first?.notes?.[0]?.message).toContain('2 characters that Exchange cannot store');
    // the run after: nothing to do on either side (no loop between the stripped and the original text)
    const [second] = await s.syncNow('calendar');
    expect(second?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(second?.counts.abra).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(second?.failures).toEqual([]);
  });
});
