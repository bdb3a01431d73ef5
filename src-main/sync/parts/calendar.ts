/**
 * Calendar: ABRA activities of the chosen types/series (solver = me by default) inside a time window ⇄
 * appointments in the main calendar. An ABRA activity is one appointment; each occurrence of a recurring Outlook
 * series (exceptions included) is its own activity. The sync never sends an invitation or a cancellation (the
 * backends write with SendToNone).
 */
import type { AppointmentData, CalendarEvent, ExchangeItem } from '../../exchange/types';
import type { CalendarConfig } from '../config';
import type { AbraItem, ExItem, TwoWayPart } from '../part';
import { type AbraRow, abraTimestamp, type RunContext } from '../ports';
import type { CommonRecord } from '../record';
import {
  ACTIVITIES,
  abraPatch,
  activitiesCreatedSince,
  hasOptInCategory,
  isoOrEmpty,
  loadActivities,
  modifiedAtOf,
  newActivityBody,
  recordInstant,
  resolveByEmails,
  sameInstant,
  sameText,
  str,
  versionOf,
} from './activities';

const cfgOf = (ctx: RunContext): CalendarConfig => ctx.config.parts.calendar;

export function calendarWindow(ctx: RunContext): { start: string; end: string } {
  const cfg = cfgOf(ctx);
  const now = ctx.now().getTime();
  return {
    start: new Date(now - cfg.windowPastDays * 86_400_000).toISOString(),
    end: new Date(now + cfg.windowFutureDays * 86_400_000).toISOString(),
  };
}

function within(ctx: RunContext, start: string): boolean {
  if (!start) return false;
  const w = calendarWindow(ctx);
  return start >= w.start && start < w.end;
}

export function activityToAppointment(row: AbraRow): CommonRecord {
  return {
    subject: str(row.subject),
    start: recordInstant(row['sheduledstart$date']),
    end: recordInstant(row['sheduledend$date']) || recordInstant(row['sheduledstart$date']),
    body: str(row.description),
    isPrivate: row.isprivate === true,
  };
}

const TO_ABRA: Record<string, (v: unknown) => [string, unknown][]> = {
  subject: (v) => [['subject', str(v)]],
  start: (v) => [['sheduledstart$date', str(v) || null]],
  end: (v) => [['sheduledend$date', str(v) || null]],
  body: (v) => [['description', str(v)]],
  isPrivate: (v) => [['isprivate', v === true]],
};

export const calendarPart: TwoWayPart = {
  name: 'calendar',
  folderKind: 'calendar',
  direction: (ctx) => cfgOf(ctx).direction,

  loadAbra(ctx, cursor, links) {
    const w = calendarWindow(ctx);
    return loadActivities(ctx, cursor, links, {
      part: 'calendar',
      cfg: cfgOf(ctx),
      fullWhere: `sheduledstart$date ge ${abraTimestamp(w.start)} and sheduledstart$date lt ${abraTimestamp(w.end)}`,
      inRange: (row) => within(ctx, isoOrEmpty(row['sheduledstart$date'])),
      toItem: (row, inScope) => toItem(row, inScope),
    });
  },

  async loadAbraByIds(ctx, ids) {
    const out: AbraItem[] = [];
    for (const id of ids) {
      const row = await ctx.abra.get(ACTIVITIES, id);
      if (row) out.push(toItem(row, within(ctx, isoOrEmpty(row['sheduledstart$date']))));
    }
    return out;
  },

  fromExchange(ctx, item: ExchangeItem): ExItem | null {
    if (item.kind !== 'appointment') return null;
    const ev = item as CalendarEvent;
    if (ev.itemType === 'RecurringMaster') return null; // its occurrences come as a series change
    const d = ev.data;
    const record: CommonRecord = {
      subject: d.subject ?? '',
      start: recordInstant(d.start),
      end: recordInstant(d.end),
      body: (d.body ?? '').trim(),
      isPrivate: d.sensitivity === 'Private',
    };
    const skipPrivate = cfgOf(ctx).privateItems === 'skip' && record.isPrivate === true;
    return {
      key: ev.key,
      id: ev.id,
      changeKey: ev.changeKey,
      record,
      inScope: within(ctx, d.start) && !skipPrivate,
      newInAbra: hasOptInCategory(cfgOf(ctx).newItemsCategory, d.categories),
      name: d.subject || '(no subject)',
      abraId: ev.abraId ?? null,
      seriesKey: ev.seriesKey,
      modifiedAt: ev.lastModified,
      extra: { attendees: (d.attendees ?? []).map((a) => a.address), organizer: d.organizer?.address },
    };
  },

  pairKeys: (r) => [`${str(r.subject).trim().toLowerCase()}|${str(r.start)}|${str(r.end)}`],

  toExchange(_ctx, r): AppointmentData {
    return {
      subject: str(r.subject),
      start: str(r.start),
      end: str(r.end) || str(r.start),
      body: str(r.body),
      sensitivity: r.isPrivate === true ? 'Private' : 'Normal',
    };
  },

  async createAbra(ctx, record, source) {
    const cfg = cfgOf(ctx);
    const body: Record<string, unknown> = {
      ...(await newActivityBody(ctx, cfg, 'calendar')),
      ...abraPatch(record, null, TO_ABRA),
    };
    const emails = [...((source?.extra?.attendees as string[] | undefined) ?? [])];
    const who = await resolveByEmails(ctx, emails);
    if (who.firmId) body.firm_id = who.firmId;
    if (who.personId) body.person_id = who.personId;
    const row = await ctx.abra.create(ACTIVITIES, body);
    return { id: row.id, version: versionOf(row), record: activityToAppointment(row) };
  },

  async updateAbra(ctx, id, record, previous) {
    const row = await ctx.abra.update(ACTIVITIES, id, abraPatch(record, previous, TO_ABRA));
    return { version: versionOf(row) };
  },

  async deleteAbra(ctx, id) {
    await ctx.abra.delete(ACTIVITIES, id);
  },

  createdSince: (ctx, since) =>
    activitiesCreatedSince(ctx, cfgOf(ctx), since, (row) =>
      toItem(row, within(ctx, isoOrEmpty(row['sheduledstart$date']))),
    ),

  leftoverFits: (sent, found) =>
    sameText(sent.subject, found.subject) ||
    (sameInstant(sent.start, found.start) && sameInstant(sent.end, found.end)),

  changeOptions: (ctx) => ({ window: calendarWindow(ctx) }),
  inWindow: (ctx, r) => within(ctx, str(r.start)),
  nameOf: (r) => str(r.subject),
};

function toItem(row: AbraRow, inScope: boolean): AbraItem {
  const record = activityToAppointment(row);
  return {
    id: row.id,
    version: versionOf(row),
    record,
    inScope,
    name: str(row.subject) || row.id,
    modifiedAt: modifiedAtOf(row),
  };
}
