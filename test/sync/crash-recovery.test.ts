/**
 * Crash recovery of creates into ABRA and the AbraId stamp written back on Outlook-created items (engine level,
 * fakes). A crash between "the create reached ABRA" and "the link was saved" is reproduced exactly: the intent the
 * runner records before it sends the create, and the record ABRA made from it, with no link.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CalendarEvent, TaskItem } from '../../src-main/exchange/types';
import type { SyncConfig } from '../../src-main/sync/config';
import { SyncService } from '../../src-main/sync/service';
import { appointment, FakeAbra, FakeExchange, testConfig } from './fakes';

const ME = 'USER000001';
const MEET = 'TYPMEET001';
const TASK = 'TYPTASK001';
const QUEUE = 'QUEUE00001';
const NOW = '2026-11-24T08:00:00.000Z';
let dirs: string[] = [];
let abra: FakeAbra;
let ex: FakeExchange;
let services: SyncService[] = [];

/** The app (again): a new engine over a state folder (a fresh one = the state file was lost). */
function start(config: SyncConfig, dir?: string): SyncService {
  const d = dir ?? mkdtempSync(path.join(os.tmpdir(), 'abra-crash-'));
  if (!dir) dirs.push(d);
  const s = new SyncService({
    config,
    secrets: { get: async () => null },
    dataDir: d,
    connect: async () => ({ abra, exchange: ex }),
    now: () => new Date(NOW),
  });
  services.push(s);
  return s;
}

beforeEach(() => {
  abra = new FakeAbra(ME);
  ex = new FakeExchange();
});
afterEach(async () => {
  for (const s of services) await s.stop().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  services = [];
  dirs = [];
});

const only = (part: 'calendar' | 'tasks', direction = 'both') =>
  testConfig({
    parts: {
      addressBook: { enabled: false },
      calendar: part === 'calendar' ? { direction } : { enabled: false },
      tasks: part === 'tasks' ? { direction } : { enabled: false },
    },
  });

const START = '2026-11-27T11:00:00.000Z';
const END = '2026-11-27T12:00:00.000Z';

/**
 * What a run killed right after its create reached ABRA leaves behind: the Outlook item (read by that run, so
 * its cursor did not move past it), the intent with the record sent, and the activity ABRA made from it.
 */
function crashAfterCreate(s: SyncService, subject = 'Oběd s klientem') {
  const item = ex.put('folder-calendar', appointment('OUT1', subject, START));
  const sent = { subject, start: START, end: END, body: '', isPrivate: false };
  s.state.addIntent('calendar', 'abra', 'OUT1', sent, NOW);
  const row = meeting(subject, ME);
  return { item, row };
}

/** A meeting in ABRA at START–END, entered by `by` (the sync's own login when given), else by someone else. */
function meeting(subject: string, by?: string) {
  const row = {
    subject,
    description: '',
    isprivate: false,
    activitytype_id: MEET,
    actqueue_id: QUEUE,
    solveruser_id: ME,
    sheduledstart$date: START,
    sheduledend$date: END,
  };
  return by ? abra.insert('crmactivities', row, by) : abra.insert('crmactivities', row);
}

const activities = () => [...abra.coll('crmactivities').values()];
const writes = (r: { counts: { abra: object; exchange: object } } | undefined) =>
  Object.values({ ...r?.counts.abra }).reduce((n: number, v) => n + Number(v), 0) +
  Object.values({ ...r?.counts.exchange }).reduce((n: number, v) => n + Number(v), 0);

describe('AbraId stamp on items created in Outlook', () => {
  it('is written back in the same run, in one batch, and is not taken for an Outlook edit next run', async () => {
    ex.put('folder-calendar', appointment('OUT1', 'Oběd s klientem', START));
    ex.put('folder-calendar', appointment('OUT2', 'Porada', '2026-11-28T09:00:00.000Z'));
    const s = start(only('calendar'));
    const callsBefore = ex.requests;
    const [r] = await s.syncNow('calendar');
    expect(r).toMatchObject({ result: 'ok', counts: { abra: { created: 2 } } });
    const byId = new Map(activities().map((a) => [a.subject, a.id]));
    for (const it of ex.inFolder('calendar')) {
      expect(it.abraId).toBe(byId.get((it as CalendarEvent).data.subject));
      // the link holds the ChangeKey after the stamp
      expect(s.state.getLinkByExKey('calendar', it.id)?.exChangeKey).toBe(it.changeKey);
    }
    // two stamp-only writes, one updateItems call; the stamp is not a change of the user's data
    expect(ex.updates.map((u) => ({ id: u.id, abraId: u.abraId, data: u.data }))).toEqual([
      { id: 'OUT1', abraId: byId.get('Oběd s klientem'), data: undefined },
      { id: 'OUT2', abraId: byId.get('Porada'), data: undefined },
    ]);
    expect(r?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(ex.requests - callsBefore).toBe(1 /* folder */ + 1 /* changes */ + 1 /* updateItems */);
    expect(s.state.listStamps('calendar')).toEqual([]);
    // the ABRA side is not touched by the stamp
    expect(activities().map((a) => a.objversion)).toEqual([1, 1]);

    const [again] = await s.syncNow('calendar');
    expect(writes(again)).toBe(0);
    expect(ex.updates).toHaveLength(2);
    expect(activities().map((a) => a.objversion)).toEqual([1, 1]);
  });

  it('after a lost state file the item is paired by its stamp, even when its content no longer matches', async () => {
    ex.put('folder-calendar', appointment('OUT1', 'Oběd s klientem', START));
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    const [act] = activities();
    // both sides edited differently while the state is lost: content pairing could not find the pair
    const it = ex.items.get('OUT1')!.item as CalendarEvent;
    ex.put('folder-calendar', {
      ...it,
      data: { ...it.data, subject: 'Oběd (přesunut)', start: '2026-11-27T12:00:00.000Z', end: END },
    });
    await s.stop();
    const lost = start(only('calendar')); // a new, empty state folder
    const [r] = await lost.syncNow('calendar');
    expect(r?.result).toBe('ok');
    expect(r?.counts.abra.created).toBe(0);
    expect(r?.counts.exchange.created).toBe(0);
    expect(activities()).toHaveLength(1);
    expect(ex.inFolder('calendar')).toHaveLength(1);
    expect(lost.state.getLinkByExKey('calendar', 'OUT1')?.abraId).toBe(act!.id);
    expect(abra.coll('crmactivities').get(act!.id)?.subject).toBe('Oběd (přesunut)');
  });

  it('an Outlook item paired by content on the first run is stamped too, so a later state loss pairs it by stamp', async () => {
    // the same meeting on both sides before the first run (e.g. entered twice by hand)
    const row = meeting('Porada Kovo');
    ex.put('folder-calendar', appointment('OUT9', 'Porada Kovo', START));
    const s = start(only('calendar'));
    const [first] = await s.syncNow('calendar');
    expect(first?.counts.abra.created).toBe(0);
    expect(first?.counts.exchange.created).toBe(0);
    expect(ex.items.get('OUT9')?.item.abraId).toBe(row.id);
    const [quiet] = await s.syncNow('calendar');
    expect(quiet?.counts.exchange).toEqual({ created: 0, updated: 0, deleted: 0 });
    // both sides renamed while the state is lost: only the stamp can pair them now
    abra.edit('crmactivities', row.id, { subject: 'Porada Kovo (ABRA)' });
    const it = ex.items.get('OUT9')!.item as CalendarEvent;
    ex.put('folder-calendar', { ...it, data: { ...it.data, subject: 'Porada Kovo (Outlook)' } });
    await s.stop();
    const lost = start(only('calendar'));
    const [r] = await lost.syncNow('calendar');
    expect(r?.counts.abra.created).toBe(0);
    expect(r?.counts.exchange.created).toBe(0);
    expect(activities()).toHaveLength(1);
    expect(ex.inFolder('calendar')).toHaveLength(1);
  });

  it('tasks created in Outlook are stamped too', async () => {
    ex.put('folder-tasks', {
      kind: 'task',
      id: 'T1',
      changeKey: '',
      data: { subject: 'Zavolat', due: '2026-11-30T00:00:00.000Z', status: 'NotStarted' },
    } satisfies TaskItem);
    const s = start(only('tasks'));
    const [r] = await s.syncNow('tasks');
    expect(r?.counts.abra.created).toBe(1);
    const [act] = activities();
    expect(act?.activitytype_id).toBe(TASK);
    expect(ex.items.get('T1')!.item.abraId).toBe(act!.id);
    const [again] = await s.syncNow('tasks');
    expect(writes(again)).toBe(0);
  });

  it('a stamp a crash left unwritten is written on the next run', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    ex.put('folder-calendar', appointment('OUT1', 'Oběd s klientem', START));
    // the run creates in ABRA and links, then dies before its batch of stamps
    const updateItems = ex.updateItems.bind(ex);
    ex.updateItems = async () => {
      throw new Error('killed');
    };
    await s.syncNow('calendar');
    ex.updateItems = updateItems;
    expect(ex.items.get('OUT1')!.item.abraId).toBeFalsy();
    expect(s.state.listStamps('calendar')).toHaveLength(1);
    const [r] = await s.syncNow('calendar');
    expect(writes(r)).toBe(0);
    expect(ex.items.get('OUT1')!.item.abraId).toBe(activities()[0]!.id);
    expect(s.state.listStamps('calendar')).toEqual([]);
    const [again] = await s.syncNow('calendar');
    expect(writes(again)).toBe(0);
    expect(activities()).toHaveLength(1);
  });
});

describe('a create into ABRA cut off by a crash', () => {
  it('edited in ABRA before the restart: adopted (not created twice), the edit reaches Outlook, stamped', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    const { row } = crashAfterCreate(s);
    abra.edit('crmactivities', row.id, { subject: 'Oběd s klientem – Kovo' });
    ex.updates = [];
    const [r] = await s.syncNow('calendar');
    expect(r?.result).toBe('ok');
    expect(r?.counts.abra.created).toBe(0);
    expect(activities()).toHaveLength(1);
    expect(ex.inFolder('calendar')).toHaveLength(1);
    const it = ex.items.get('OUT1')!.item as CalendarEvent;
    expect(it.data.subject).toBe('Oběd s klientem – Kovo');
    expect(it.abraId).toBe(row.id);
    // the stamp rode on the update: one request for the item
    expect(ex.updates.map((u) => [u.id, u.abraId, !!u.data])).toEqual([['OUT1', row.id, true]]);
    expect(s.state.listIntents('calendar')).toEqual([]);
    const [again] = await s.syncNow('calendar');
    expect(writes(again)).toBe(0);
  });

  it('a task edited in ABRA (its due date) is adopted by its subject', async () => {
    const s = start(only('tasks'));
    await s.syncNow('tasks');
    const due = '2026-11-30T00:00:00.000Z';
    ex.put('folder-tasks', {
      kind: 'task',
      id: 'T1',
      changeKey: '',
      data: { subject: 'Zavolat', due, status: 'NotStarted' },
    } satisfies TaskItem);
    s.state.addIntent(
      'tasks',
      'abra',
      'T1',
      { subject: 'Zavolat', start: '', due, status: 'NotStarted', importance: 'Normal', body: '' },
      NOW,
    );
    const row = abra.insert(
      'crmactivities',
      {
        subject: 'Zavolat',
        activitytype_id: TASK,
        actqueue_id: QUEUE,
        solveruser_id: ME,
        sheduledstart$date: due,
        sheduledend$date: due,
        status: 0,
        priority: 1,
        description: '',
      },
      ME,
    );
    abra.edit('crmactivities', row.id, { sheduledend$date: '2026-12-02T00:00:00.000Z' });
    const [r] = await s.syncNow('tasks');
    expect(r?.counts.abra.created).toBe(0);
    expect(activities()).toHaveLength(1);
    expect((ex.items.get('T1')!.item as TaskItem).data.due).toBe('2026-12-02T00:00:00.000Z');
    expect(ex.items.get('T1')!.item.abraId).toBe(row.id);
  });

  it('an activity the user made by hand is not taken for the leftover when two candidates fit', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    const { row } = crashAfterCreate(s);
    abra.edit('crmactivities', row.id, { subject: 'Oběd – upraveno' });
    // same login, same type and series, same time: two records fit the intent, none is adopted
    const byHand = meeting('Jiná schůzka', ME);
    await s.syncNow('calendar');
    expect(abra.coll('crmactivities').get(byHand.id)?.subject).toBe('Jiná schůzka');
    expect(s.state.getLinkByExKey('calendar', 'OUT1')?.abraId).not.toBe(byHand.id);
    expect(s.state.getLinkByExKey('calendar', 'OUT1')?.abraId).not.toBe(row.id);
    expect(s.state.getLink('calendar', byHand.id)?.exKey).not.toBe('OUT1');
  });

  it('a record another user created is never a candidate', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    const { row } = crashAfterCreate(s);
    abra.edit('crmactivities', row.id, { subject: 'Oběd – upraveno' });
    const other = meeting('Jiná schůzka'); // created in the ABRA desktop client by someone else
    const [r] = await s.syncNow('calendar');
    expect(r?.counts.abra.created).toBe(0);
    expect(s.state.getLinkByExKey('calendar', 'OUT1')?.abraId).toBe(row.id);
    expect(s.state.getLink('calendar', other.id)?.exKey).not.toBe('OUT1');
  });

  it('Outlook item deleted before the restart: the half-made activity is deleted, not sent to Outlook', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    const { row } = crashAfterCreate(s);
    ex.drop('OUT1');
    const [r] = await s.syncNow('calendar');
    expect(r?.result).toBe('ok');
    expect(r?.counts.abra.deleted).toBe(1);
    expect(r?.counts.exchange.created).toBe(0);
    expect(abra.coll('crmactivities').has(row.id)).toBe(false);
    expect(ex.inFolder('calendar')).toHaveLength(0);
    expect(s.state.listIntents('calendar')).toEqual([]);
    const [again] = await s.syncNow('calendar');
    expect(writes(again)).toBe(0);
  });

  it('…also when it was edited in ABRA too', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    const { row } = crashAfterCreate(s);
    abra.edit('crmactivities', row.id, { subject: 'Oběd – upraveno' });
    ex.drop('OUT1');
    const [r] = await s.syncNow('calendar');
    expect(r?.counts.abra.deleted).toBe(1);
    expect(activities()).toHaveLength(0);
    expect(ex.inFolder('calendar')).toHaveLength(0);
  });

  it('Outlook item deleted, direction ABRA → Exchange: Outlook deletions never reach ABRA, the activity stays', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    const { row } = crashAfterCreate(s);
    ex.drop('OUT1');
    await s.stop();
    const oneWay = start(only('calendar', 'abraToExchange'), dirs[0]);
    const [r] = await oneWay.syncNow('calendar');
    expect(r?.counts.abra.deleted).toBe(0);
    expect(abra.coll('crmactivities').has(row.id)).toBe(true);
    // an ordinary ABRA activity now: shown in Outlook like any other
    expect(ex.inFolder('calendar').map((i) => i.abraId)).toEqual([row.id]);
    expect(oneWay.state.listIntents('calendar')).toEqual([]);
  });

  it('Outlook item deleted and the create never reached ABRA: nothing is deleted, the intent is dropped', async () => {
    const s = start(only('calendar'));
    await s.syncNow('calendar');
    ex.put('folder-calendar', appointment('OUT1', 'Oběd s klientem', START));
    s.state.addIntent(
      'calendar',
      'abra',
      'OUT1',
      { subject: 'Oběd s klientem', start: START, end: END, body: '', isPrivate: false },
      NOW,
    );
    ex.drop('OUT1');
    const other = meeting('Oběd s klientem'); // a colleague's activity of the same name: not ours to delete
    const [r] = await s.syncNow('calendar');
    expect(r?.counts.abra.deleted).toBe(0);
    expect(abra.coll('crmactivities').has(other.id)).toBe(true);
    expect(s.state.listIntents('calendar')).toEqual([]);
  });
});

describe('one transaction per Exchange write batch', () => {
  it('a failure while linking a batch leaves none of its links; the next run adopts them by stamp, no duplicates', async () => {
    for (let i = 1; i <= 3; i++) meeting(`Schůzka ${i}`, ME);
    const s = start(only('calendar'));
    // the third link of the batch fails (as a full disk would): the batch's transaction is rolled back
    const putLink = s.state.putLink.bind(s.state);
    let calls = 0;
    s.state.putLink = (l) => {
      if (++calls === 3) throw new Error('disk full');
      putLink(l);
    };
    const [r] = await s.syncNow('calendar');
    expect(r?.result).toBe('failed');
    expect(ex.inFolder('calendar')).toHaveLength(3); // the batch reached Exchange
    expect(s.state.listLinks('calendar')).toEqual([]); // …but none of its links was committed
    expect(s.state.listIntents('calendar')).toHaveLength(3); // the intents written before the batch stay

    s.state.putLink = putLink;
    const [again] = await s.syncNow('calendar');
    expect(again?.result).toBe('ok');
    expect(again?.counts.exchange.created).toBe(0);
    expect(ex.inFolder('calendar')).toHaveLength(3); // adopted by the AbraId stamp, not created twice
    const links = s.state.listLinks('calendar');
    expect(links.map((l) => l.abraId).sort()).toEqual(
      activities()
        .map((a) => a.id)
        .sort(),
    );
    expect(s.state.listIntents('calendar')).toEqual([]);
  });
});
