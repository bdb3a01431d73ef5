/** Graph event ⇄ AppointmentData/CalendarEvent (see ./map-common.ts for the conventions). */
import { htmlToText } from '../../shared/html';
import type { AppointmentData, CalendarEvent } from '../types';
import {
  ABRA_ID_PROP,
  addr,
  addrs,
  base,
  cap,
  clean,
  type DTZ,
  floatingToUtc,
  fromDtz,
  iso,
  type Json,
  lowerFirst,
  SENS,
  SHOWAS,
  s,
  toDtz,
  toLocalMidnight,
} from './map-common';

export function appointmentFromGraph(item: Json, tz: string): AppointmentData {
  const allDay = item.isAllDay === true;
  const start = allDay ? floatingToUtc(item.start, tz) : fromDtz(item.start);
  const end = allDay ? floatingToUtc(item.end, tz) : fromDtz(item.end);
  const body = item.body as { content?: string; contentType?: string } | undefined;
  let text = body?.content ?? '';
  if (body?.contentType === 'html') text = htmlToText(text);
  const reminder =
    item.isReminderOn === false
      ? null
      : typeof item.reminderMinutesBeforeStart === 'number'
        ? item.reminderMinutesBeforeStart
        : undefined;
  const out = clean({
    subject: String(item.subject ?? ''),
    start: start ?? '',
    end: end ?? start ?? '',
    isAllDay: allDay || undefined,
    location: s((item.location as { displayName?: string } | undefined)?.displayName),
    body: s(text.replace(/\r\n/g, '\n').trimEnd()),
    sensitivity: cap(item.sensitivity, SENS),
    showAs: SHOWAS[String(item.showAs ?? '').toLowerCase()],
    categories: Array.isArray(item.categories) ? (item.categories as string[]) : undefined,
    attendees: addrs(item.attendees),
    organizer: addr(item.organizer),
    reminderMinutesBeforeStart: reminder,
  }) as AppointmentData;
  out.subject = String(item.subject ?? '');
  if (item.isReminderOn === false) out.reminderMinutesBeforeStart = null;
  return out;
}

/** Event body for POST/PATCH: never attendees (no invitations), times in UTC or all-day dates in the user's zone. */
export function appointmentToGraph(d: AppointmentData, tz: string, abraId?: string): Json {
  const out: Json = {
    subject: d.subject,
    body: { contentType: 'text', content: d.body ?? '' },
    start: d.isAllDay ? toLocalMidnight(d.start, tz) : toDtz(d.start),
    end: d.isAllDay ? toLocalMidnight(d.end, tz) : toDtz(d.end),
    sensitivity: lowerFirst(d.sensitivity ?? 'Normal'),
  };
  // Fields the caller leaves undefined are not its to write (ABRA has no location, categories, show-as or all-day
  // flag): left out, Graph keeps what the user set (or its default on create). '' / [] clear them.
  if (d.isAllDay !== undefined) out.isAllDay = d.isAllDay;
  if (d.location !== undefined) out.location = { displayName: d.location };
  if (d.showAs !== undefined)
    out.showAs = d.showAs === 'NoData' ? 'unknown' : lowerFirst(d.showAs).replace(/^oOF$/, 'oof');
  if (d.categories !== undefined) out.categories = d.categories;
  if (d.isAllDay && out.start && out.end && (out.start as DTZ).dateTime === (out.end as DTZ).dateTime) {
    // an all-day item must end after it starts: one day
    const next = new Date(Date.parse(`${(out.start as DTZ).dateTime!.slice(0, 10)}T00:00:00Z`) + 86_400_000);
    out.end = { dateTime: `${next.toISOString().slice(0, 10)}T00:00:00.0000000`, timeZone: tz };
  }
  if (d.reminderMinutesBeforeStart === null) out.isReminderOn = false;
  else if (d.reminderMinutesBeforeStart !== undefined) {
    out.isReminderOn = true;
    out.reminderMinutesBeforeStart = d.reminderMinutesBeforeStart;
  }
  if (abraId !== undefined) out.singleValueExtendedProperties = [{ id: ABRA_ID_PROP, value: abraId }];
  return out;
}

/**
 * A Graph event → CalendarEvent. `seriesKey` is the iCalUId of the series master (occurrences have their own
 * iCalUId in Graph, so the caller passes the master's).
 */
export function eventFromGraph(item: Json, tz: string, seriesKey?: string): CalendarEvent {
  const type = String(item.type ?? 'singleInstance');
  const itemType =
    type === 'occurrence'
      ? 'Occurrence'
      : type === 'exception'
        ? 'Exception'
        : type === 'seriesMaster'
          ? 'RecurringMaster'
          : 'Single';
  const data = appointmentFromGraph(item, tz);
  const ev: CalendarEvent = { kind: 'appointment', ...base(item), key: String(item.id), itemType, data };
  if (itemType === 'Occurrence' || itemType === 'Exception') {
    const originalStart = iso(item.originalStart) ?? data.start;
    ev.originalStart = originalStart;
    ev.seriesKey = seriesKey ?? String(item.seriesMasterId ?? '');
    ev.key = `${ev.seriesKey}|${originalStart}`;
  } else if (itemType === 'RecurringMaster') {
    ev.seriesKey = s(item.iCalUId);
  }
  return ev;
}
