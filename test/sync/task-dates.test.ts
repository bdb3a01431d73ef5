/**
 * Microsoft To Do (Graph) keeps a task's due and start dates without a time of day: `dueDateTime`/`startDateTime`
 * are a date, midnight in the task's zone ("todoTask resource type", learn.microsoft.com/graph/api/resources/todotask;
 * the Graph map normalises them to midnight in the user's zone). An ABRA task at 14:30 must compare equal to the To Do
 * item on the same day (else a re-pairing after a lost state file writes midnight over ABRA's time, issue 15 item 7),
 * and an update from Outlook never replaces ABRA's time of day by midnight: on a new day ABRA's time goes along.
 *
 * The tests run in America/Chicago; the user's zone is the config's Europe/Prague, where midnight of 10 December
 * 2026 is 2026-12-09T23:00:00Z (and 14:30 Prague is 13:30Z).
 */
import { describe, expect, it } from 'vitest';
import type { TaskItem } from '../../src-main/exchange/types';
import { parseConfig } from '../../src-main/sync/config';
import { activityToTask, dayInZone, onDayKeepingTime, tasksPart } from '../../src-main/sync/parts/tasks';
import type { AbraRow, RunContext } from '../../src-main/sync/ports';
import { recordHash } from '../../src-main/sync/record';

const config = parseConfig({
  profile: 'p',
  abra: { serverUrl: 'https://abra.firma.cz:699', connection: 'data', login: 'API' },
  exchange: { email: 'jan.novak@firma.cz', kind: 'graph', tenantId: 't', clientId: 'c' },
  parts: {
    tasks: {
      enabled: true,
      activityTypeIds: ['3000000101'],
      newItemTypeId: '3000000101',
      newItemQueueId: '4000000101',
    },
  },
});

/** An ABRA port holding one activity row; records the patches it is sent. */
function abraWith(row: AbraRow) {
  const patches: Record<string, unknown>[] = [];
  const abra = {
    get: async (_c: string, id: string) => (id === row.id ? { ...row } : null),
    update: async (_c: string, _id: string, patch: Record<string, unknown>) => {
      patches.push(patch);
      Object.assign(row, patch);
      return { ...row, objversion: String(Number(row.objversion ?? 0) + 1) };
    },
  };
  return { abra, patches };
}

const ctxOf = (kind: 'ews' | 'graph', abra: unknown = {}) =>
  ({
    config,
    exchange: { kind },
    abra,
    now: () => new Date('2026-12-01T08:00:00.000Z'),
  }) as unknown as RunContext;

const row: AbraRow = {
  id: 'A200000101',
  objversion: '3',
  subject: 'Zavolat zákazníkovi',
  sheduledstart$date: '2026-12-08T07:15:00.123Z', // 08:15 Prague
  sheduledend$date: '2026-12-10T13:30:00.456Z', // 14:30 Prague
  status: 0,
  priority: 1,
  description: '',
};

/** The To Do item of that task as the Graph map reads it: dates at midnight Prague. */
const todo = (due: string, start: string | null = '2026-12-07T23:00:00.000Z') =>
  ({
    kind: 'task',
    id: 'g1',
    changeKey: 'ck',
    data: {
      subject: 'Zavolat zákazníkovi',
      status: 'NotStarted',
      importance: 'Normal',
      start,
      due,
      body: '',
    },
  }) as unknown as TaskItem;

describe('task dates where the backend keeps days only (To Do over Graph)', () => {
  it('dayInZone: midnight of the day in the user zone, not the test process zone (America/Chicago)', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/Chicago');
    expect(dayInZone('2026-12-10T13:30:00.456Z', 'Europe/Prague')).toBe('2026-12-09T23:00:00.000Z');
    // 23:30Z on the 9th is already the 10th in Prague (00:30), still the 9th in Chicago
    expect(dayInZone('2026-12-09T23:30:00Z', 'Europe/Prague')).toBe('2026-12-09T23:00:00.000Z');
    // 22:59:59Z is the last second of the 9th in Prague
    expect(dayInZone('2026-12-09T22:59:59Z', 'Europe/Prague')).toBe('2026-12-08T23:00:00.000Z');
    // summer time: midnight Prague is 22:00Z
    expect(dayInZone('2026-07-01T12:00:00Z', 'Europe/Prague')).toBe('2026-06-30T22:00:00.000Z');
    expect(dayInZone('', 'Europe/Prague')).toBe('');
    expect(dayInZone(null, 'Europe/Prague')).toBe('');
  });

  it('over Graph an ABRA task at 14:30 and its To Do item on the same day hash alike', () => {
    const ex = tasksPart.fromExchange(ctxOf('graph'), todo('2026-12-09T23:00:00.000Z'))!.record;
    const abra = activityToTask(row, 'Europe/Prague');
    expect(abra.due).toBe('2026-12-09T23:00:00.000Z');
    expect(recordHash(abra)).toBe(recordHash(ex));
    // another day is still a difference
    const moved = tasksPart.fromExchange(ctxOf('graph'), todo('2026-12-10T23:00:00.000Z'))!.record;
    expect(recordHash(abra)).not.toBe(recordHash(moved));
  });

  it('over EWS (full instants kept) the time of day still counts', () => {
    const abra = activityToTask(row);
    expect(abra.due).toBe('2026-12-10T13:30:00.000Z');
    const ex = tasksPart.fromExchange(ctxOf('ews'), todo('2026-12-09T23:00:00.000Z'))!.record;
    expect(recordHash(abra)).not.toBe(recordHash(ex));
  });

  it('the ABRA side of the part is read by day over Graph only', async () => {
    const { abra } = abraWith({ ...row });
    const [g] = await tasksPart.loadAbraByIds(ctxOf('graph', abra), [row.id]);
    const [e] = await tasksPart.loadAbraByIds(ctxOf('ews', abra), [row.id]);
    expect([g!.record.start, g!.record.due]).toEqual([
      '2026-12-07T23:00:00.000Z',
      '2026-12-09T23:00:00.000Z',
    ]);
    expect([e!.record.start, e!.record.due]).toEqual([
      '2026-12-08T07:15:00.000Z',
      '2026-12-10T13:30:00.000Z',
    ]);
  });

  it('an Outlook edit of another field writes that field only: ABRA keeps its times', async () => {
    const { abra, patches } = abraWith({ ...row });
    const ctx = ctxOf('graph', abra);
    const previous = activityToTask(row, 'Europe/Prague');
    await tasksPart.updateAbra(ctx, row.id, { ...previous, subject: 'Zavolat zákazníkovi znovu' }, previous);
    expect(patches).toEqual([{ subject: 'Zavolat zákazníkovi znovu' }]);
  });

  it('Outlook moved the due date: the new day with ABRA’s time of day (14:30 Prague), not midnight', async () => {
    const { abra, patches } = abraWith({ ...row });
    const ctx = ctxOf('graph', abra);
    const previous = activityToTask(row, 'Europe/Prague');
    const ex = tasksPart.fromExchange(ctx, todo('2026-12-11T23:00:00.000Z'))!.record; // 12 December
    await tasksPart.updateAbra(ctx, row.id, ex, previous);
    expect(patches).toEqual([{ sheduledend$date: '2026-12-12T13:30:00.000Z' }]);
    // and the row read back compares equal to the To Do item: nothing more to do on the next run
    expect(recordHash(activityToTask({ ...row, ...patches[0] }, 'Europe/Prague'))).toBe(recordHash(ex));
  });

  it('the time of day is taken in the user zone across a DST change; a cleared date is cleared', () => {
    // ABRA 14:30 Prague in winter (13:30Z) moved to a summer day: 14:30 Prague summer time = 12:30Z
    expect(onDayKeepingTime('2026-06-30T22:00:00.000Z', '2026-12-10T13:30:00Z', 'Europe/Prague')).toBe(
      '2026-07-01T12:30:00.000Z',
    );
    // ABRA had no time: midnight of the new day
    expect(onDayKeepingTime('2026-12-11T23:00:00.000Z', null, 'Europe/Prague')).toBe(
      '2026-12-11T23:00:00.000Z',
    );
  });

  it('Outlook cleared the start date: ABRA’s start is cleared, not moved', async () => {
    const { abra, patches } = abraWith({ ...row });
    const ctx = ctxOf('graph', abra);
    const previous = activityToTask(row, 'Europe/Prague');
    const ex = tasksPart.fromExchange(ctx, todo('2026-12-09T23:00:00.000Z', null))!.record;
    await tasksPart.updateAbra(ctx, row.id, ex, previous);
    expect(patches).toEqual([{ sheduledstart$date: null }]);
  });
});
