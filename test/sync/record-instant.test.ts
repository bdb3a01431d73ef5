/**
 * The record hash must be the same for the record the engine sent to ABRA, ABRA's stored row and the Outlook item,
 * whatever sub-second part one side keeps: an ABRA `$date` is an ISO string with milliseconds
 * (../shared/notes/abra-gen-api.md §7, "ISO-8601 strings in UTC with milliseconds"), Exchange keeps appointment and
 * task times to the second. Otherwise a re-pairing (lost state file, crash-interrupted create) takes the two sides
 * for different and rewrites ABRA (security review, issue 15 item 7).
 */
import { describe, expect, it } from 'vitest';
import type { CalendarEvent, TaskItem } from '../../src-main/exchange/types';
import { parseConfig } from '../../src-main/sync/config';
import { recordInstant } from '../../src-main/sync/parts/activities';
import { activityToAppointment, calendarPart } from '../../src-main/sync/parts/calendar';
import { activityToTask, tasksPart } from '../../src-main/sync/parts/tasks';
import type { RunContext } from '../../src-main/sync/ports';
import { recordHash } from '../../src-main/sync/record';

const config = parseConfig({
  profile: 'p',
  abra: { serverUrl: 'https://abra.firma.cz:699', connection: 'data', login: 'API' },
  exchange: { email: 'jan.novak@firma.cz', ewsUrl: 'https://mail.firma.cz/EWS/Exchange.asmx' },
  parts: {
    calendar: {
      enabled: true,
      activityTypeIds: ['1000000101'],
      newItemTypeId: '1000000101',
      newItemQueueId: '2000000101',
    },
    tasks: {
      enabled: true,
      activityTypeIds: ['3000000101'],
      newItemTypeId: '3000000101',
      newItemQueueId: '4000000101',
    },
  },
});
const ctx = { config, now: () => new Date('2026-12-01T08:00:00.000Z') } as unknown as RunContext;

describe('record times cut to the whole second', () => {
  it('recordInstant: milliseconds dropped (never rounded up), any ISO form accepted, empty stays empty', () => {
    expect(recordInstant('2026-12-30T12:37:26.999Z')).toBe('2026-12-30T12:37:26.000Z');
    expect(recordInstant('2026-12-30T13:37:26+01:00')).toBe('2026-12-30T12:37:26.000Z');
    expect(recordInstant('1969-12-31T23:59:59.500Z')).toBe('1969-12-31T23:59:59.000Z');
    expect(recordInstant('')).toBe('');
    expect(recordInstant(null)).toBe('');
    expect(recordInstant('not a date')).toBe('');
  });

  it('an ABRA activity with milliseconds and its Outlook appointment (whole seconds) hash alike', () => {
    const row = {
      id: 'A100000101',
      subject: 'Telefonát – reklamace',
      sheduledstart$date: '2026-12-30T12:37:26.015Z',
      sheduledend$date: '2026-12-30T13:37:26.015Z',
      description: 'Poznámka',
      isprivate: false,
    };
    const ev = {
      kind: 'appointment',
      id: 'x',
      key: 'x',
      changeKey: 'c',
      itemType: 'Single',
      data: {
        subject: 'Telefonát – reklamace',
        start: '2026-12-30T12:37:26Z',
        end: '2026-12-30T13:37:26.000Z',
        body: 'Poznámka',
        sensitivity: 'Normal',
      },
    } as unknown as CalendarEvent;
    const fromOutlook = calendarPart.fromExchange(ctx, ev)!.record;
    expect(recordHash(activityToAppointment(row))).toBe(recordHash(fromOutlook));
    // and the pairing key (content pairing after a lost state file) agrees too
    expect(calendarPart.pairKeys(activityToAppointment(row))).toEqual(calendarPart.pairKeys(fromOutlook));
  });

  it('a task: the record sent (from Outlook) and the row ABRA stored with milliseconds hash alike', () => {
    const t = {
      kind: 'task',
      id: 't',
      changeKey: 'c',
      data: { subject: 'Úkol', start: '2026-12-11T19:48:48.616Z', due: '2026-12-11T20:18:48.616Z', body: '' },
    } as unknown as TaskItem;
    const sent = tasksPart.fromExchange(ctx, t)!.record;
    const row = {
      id: 'A200000101',
      subject: 'Úkol',
      sheduledstart$date: '2026-12-11T19:48:48.000Z',
      sheduledend$date: '2026-12-11T20:18:48.000Z',
      status: 0,
      priority: 1,
      description: '',
    };
    expect(recordHash(activityToTask(row))).toBe(recordHash(sent));
  });
});
