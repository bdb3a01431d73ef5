/**
 * The shared end-to-end scenarios over the Microsoft Graph backend and emulator (Microsoft 365), plus what only
 * Graph has: delta links that expire.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, type World, writes } from '../world/harness';
import { defineRules } from './rules';
import { defineScenarios } from './scenarios';
import { defineScopeChanges } from './scope';

defineScenarios('graph');
defineRules('graph');
defineScopeChanges('graph');

describe('Microsoft Graph only', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld({ exchange: 'graph' });
  });
  afterEach(async () => {
    await w?.stop();
  });

  it('an occurrence cancelled where delta reports only its own removal deletes that one activity, not the series', async () => {
    const s = await w.service();
    await w.run(s, 'calendar');
    const start = new Date(Date.now() + 86400_000);
    start.setUTCHours(8, 0, 0, 0);
    const master = w.outlook.createAppointment({
      subject: 'Porada obchodu',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3600_000).toISOString(),
      weekly: { count: 4, day: '' },
    });
    await w.run(s, 'calendar');
    const acts = () => w.abra.control.list('crmactivities', `subject = 'Porada obchodu'`);
    expect(acts()).toHaveLength(4);
    w.graph!.control.cancelOccurrence(master, 3, { quiet: true });
    const r = (await w.run(s, 'calendar')).calendar!;
    expect(r.counts.abra.deleted).toBe(1);
    expect(acts()).toHaveLength(3);
  });

  it('a delta link that expired (410) → full resync that pairs instead of duplicating', async () => {
    const s = await w.service();
    await w.run(s, 'addressBook');
    await w.run(s, 'calendar');
    const n = w.outlook.contacts().length;
    const m = w.outlook.appointments().length;
    w.graph!.control.expireDeltaTokens();
    const r = await w.run(s, 'addressBook');
    const rc = await w.run(s, 'calendar');
    expect(r.addressBook?.result).toBe('ok');
    expect(rc.calendar?.result).toBe('ok');
    expect(writes(r.addressBook)).toBe(0);
    expect(writes(rc.calendar)).toBe(0);
    expect(w.outlook.contacts()).toHaveLength(n);
    expect(w.outlook.appointments()).toHaveLength(m);
    expect(w.graph!.log.entries().some((e) => e.status === 410)).toBe(true);
  });

  it('the user deletes the "ABRA Gen" To Do list: it is made anew with the tasks, no activity is deleted', async () => {
    const s = await w.service();
    await w.run(s, 'tasks');
    const tasks = w.outlook
      .tasks()
      .map((t) => t.abraId)
      .sort();
    expect(tasks.length).toBeGreaterThan(0);
    const activities = w.abra.control.list('crmactivities').length;
    w.graph!.control.removeTodoList('ABRA Gen');
    const r = (await w.run(s, 'tasks')).tasks!;
    expect(r.result).toBe('ok');
    expect(r.counts.exchange.created).toBe(tasks.length);
    expect(r.counts.abra).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(w.graph!.control.todoListId('ABRA Gen')).toBeTruthy();
    expect(
      w.outlook
        .tasks()
        .map((t) => t.abraId)
        .sort(),
    ).toEqual(tasks);
    expect(w.abra.control.list('crmactivities')).toHaveLength(activities);
  });
});
