/**
 * After a lost state file the next run pairs every item again (by its AbraId stamp or by content). An item that did
 * not change on either side must come out of that re-pairing untouched: no ABRA write (its objversion stays), no
 * ABRA write (its objversion stays) — the outside review saw unchanged activities rewritten because their times
 * compared unequal (an ABRA row keeps milliseconds, Exchange whole seconds). Tasks over Graph too: Microsoft To Do
 * keeps a task's dates without a time of day, so the tasks part compares ABRA's task times by their day in the user's
 * zone there, and an ABRA task at 14:30 stays at 14:30 (see docs/sync-engine.md, "Task dates over Graph").
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../world/harness';

function stateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? stateFiles(path.join(dir, e.name))
      : e.name.includes('.sqlite')
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe.each(['ews', 'graph'] as const)('re-pairing after a lost state file over %s', (kind) => {
  let w: World;
  afterEach(async () => {
    await w?.stop();
  });
  const at = (days: number, hour: number, min = 0) => {
    const d = new Date();
    d.setUTCDate(d.getUTCDate() + days);
    d.setUTCHours(hour, min, 0, 0);
    return d.toISOString();
  };
  it('unchanged activities: nothing is written to ABRA, no activity or item is created', async () => {
    w = await startWorld({ exchange: kind, abraSize: 'small', exchangeSize: 'empty' });
    let s = await w.service();
    w.outlook.createAppointment({ subject: 'Z Outlooku', start: at(3, 9, 30), end: at(3, 10, 15) });
    w.outlook.createTask({ subject: 'Úkol z Outlooku', due: at(4, 0) });
    // an ABRA task with a time of day (To Do holds only its day)
    const timed = w.abra.control.insert('crmactivities', {
      subject: 'Úkol z ABRY s časem',
      description: '',
      activitytype_id: w.ids.ukol,
      actqueue_id: w.ids.qUko,
      solveruser_id: w.ids.me,
      solverrole_id: w.ids.role,
      division_id: w.ids.division,
      status: 0,
      sheduledstart$date: at(5, 8, 15),
      sheduledend$date: at(6, 13, 30),
    });
    await w.run(s);
    await w.run(s);
    const versions = new Map(w.abra.control.list('crmactivities').map((a) => [a.id, a.objversion]));
    await s.stop();
    for (const f of stateFiles(w.dataDir)) rmSync(f);
    s = await w.service();
    const again = await w.run(s);
    for (const part of ['calendar', 'tasks']) {
      expect(again[part]?.counts, part).toMatchObject({
        abra: { created: 0, updated: 0, deleted: 0 },
        exchange: { created: 0, deleted: 0 },
      });
    }
    const types = [w.ids.sch, w.ids.ukol];
    const changed = w.abra.control
      .list('crmactivities')
      .filter((a) => types.includes(String(a.activitytype_id)) && versions.get(a.id) !== a.objversion)
      .map((a) => [a.subject, a['sheduledstart$date'], a['sheduledend$date']]);
    expect(changed).toEqual([]);
    const row = w.abra.control.list('crmactivities').find((a) => a.id === timed.id);
    expect([row?.['sheduledstart$date'], row?.['sheduledend$date']]).toEqual([at(5, 8, 15), at(6, 13, 30)]);
  }, 60_000);
});
