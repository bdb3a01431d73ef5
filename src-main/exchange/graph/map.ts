/**
 * Graph JSON ⇄ the backend-neutral item shapes of ../types.ts. Property names are Graph v1.0's (contact, event,
 * todoTask, message). Instants are UTC ISO with milliseconds; all-day events are midnight-to-midnight in the user's
 * zone; To Do dates are dates (midnight in the user's zone).
 */

import { htmlToText } from '../../shared/html';
import {
  ABRA_ID_PROPERTY_NAME,
  ABRA_PROPERTY_SET_ID,
  type AppointmentData,
  type CalendarEvent,
  type ContactData,
  type ContactItem,
  type EmailAddress,
  type Importance,
  type MessageItem,
  type PostalAddress,
  type Sensitivity,
  type ShowAs,
  type TaskData,
  type TaskItem,
  type TaskStatus,
} from '../types';
import { ianaZone, localToUtc, utcToLocal } from './time';

/** `String {guid} Name AbraId` — the same MAPI named property the EWS backend stamps. */
export const ABRA_ID_PROP = `String {${ABRA_PROPERTY_SET_ID}} Name ${ABRA_ID_PROPERTY_NAME}`;
/** PidTagBusinessFaxNumber (Graph v1.0 contact has no fax property). */
export const FAX_PROP = 'String 0x3A24';
/** PidTagMessageClass. */
export const ITEM_CLASS_PROP = 'String 0x001A';
/** PidTagMessageSize. */
export const SIZE_PROP = 'Integer 0x0E08';
/** PidTagSensitivity (0 normal, 1 personal, 2 private, 3 confidential). */
export const SENSITIVITY_PROP = 'Integer 0x0036';

/** An OData string literal: in single quotes, a quote inside doubled (`O'Brien` → `'O''Brien'`). */
export const odataString = (v: string) => `'${v.replace(/'/g, "''")}'`;

export const expandOf = (...ids: string[]) =>
  `singleValueExtendedProperties($filter=${ids.map((i) => `id eq ${odataString(i)}`).join(' or ')})`;

export type Json = Record<string, unknown>;
interface DTZ {
  dateTime?: string;
  timeZone?: string;
}
interface GAddr {
  emailAddress?: { name?: string; address?: string };
}

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function extValue(item: Json, id: string): string | undefined {
  const props = item.singleValueExtendedProperties as { id?: string; value?: string }[] | undefined;
  const want = id.replace(/\s+/g, ' ').toLowerCase();
  return props?.find((p) => p.id?.replace(/\s+/g, ' ').toLowerCase() === want)?.value;
}

/** UTC ISO with ms from a Graph instant text (`2026-11-24T09:00:00Z`, with or without fraction). */
export function iso(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** dateTimeTimeZone → UTC ISO. */
export function fromDtz(v: unknown): string | undefined {
  const d = v as DTZ | null | undefined;
  if (!d?.dateTime) return undefined;
  const t = localToUtc(d.dateTime, d.timeZone ?? 'UTC');
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function toDtz(isoUtc: string): DTZ {
  return { dateTime: new Date(isoUtc).toISOString().replace('Z', '0000'), timeZone: 'UTC' };
}

/** A UTC instant → the date in the user's zone at midnight, as Graph wants for all-day events and To Do dates. */
export function toLocalMidnight(isoUtc: string, tz: string): DTZ {
  return {
    dateTime: `${utcToLocal(Date.parse(isoUtc), ianaZone(tz)).slice(0, 10)}T00:00:00.0000000`,
    timeZone: tz,
  };
}

/** A floating date of an all-day event (any zone label) → midnight in the user's zone as UTC ISO. */
export function floatingToUtc(v: unknown, tz: string): string | undefined {
  const d = v as DTZ | null | undefined;
  if (!d?.dateTime) return undefined;
  const t = localToUtc(`${d.dateTime.slice(0, 10)}T00:00:00`, ianaZone(tz));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function addr(a: unknown): EmailAddress | undefined {
  const e = (a as GAddr | null | undefined)?.emailAddress;
  if (!e?.address) return undefined;
  return e.name && e.name !== e.address ? { address: e.address, name: e.name } : { address: e.address };
}

function addrs(v: unknown): EmailAddress[] {
  return Array.isArray(v) ? v.map(addr).filter((x): x is EmailAddress => !!x) : [];
}

function clean<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out as T;
}

const cap = <T extends string>(v: unknown, all: readonly T[], dflt?: T): T | undefined => {
  const x = typeof v === 'string' ? all.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  return x ?? dflt;
};
const lowerFirst = (v: string) => v.charAt(0).toLowerCase() + v.slice(1);

const SENS: readonly Sensitivity[] = ['Normal', 'Personal', 'Private', 'Confidential'];
const STATUS: readonly TaskStatus[] = [
  'NotStarted',
  'InProgress',
  'Completed',
  'WaitingOnOthers',
  'Deferred',
];
const IMPORTANCE: readonly Importance[] = ['Low', 'Normal', 'High'];
const SHOWAS: Record<string, ShowAs> = {
  free: 'Free',
  tentative: 'Tentative',
  busy: 'Busy',
  oof: 'OOF',
  workingelsewhere: 'WorkingElsewhere',
  unknown: 'NoData',
};

function etagKey(item: Json): string {
  const ck = s(item.changeKey);
  if (ck) return ck;
  const et = s(item['@odata.etag']);
  return et ? et.replace(/^W\//, '').replace(/^"|"$/g, '') : '';
}

export function base(item: Json) {
  return {
    id: String(item.id),
    changeKey: etagKey(item),
    abraId: extValue(item, ABRA_ID_PROP) ?? null,
    lastModified: iso(item.lastModifiedDateTime),
  };
}

// ---- contacts ---------------------------------------------------------------------------------------------------

function postal(a: unknown): PostalAddress | undefined {
  const p = a as Json | null | undefined;
  if (!p) return undefined;
  const out = clean({
    street: s(p.street),
    city: s(p.city),
    postalCode: s(p.postalCode),
    state: s(p.state),
    country: s(p.countryOrRegion),
  });
  return Object.keys(out).length ? out : undefined;
}

function toPostal(a: PostalAddress | undefined): Json {
  return {
    street: a?.street ?? null,
    city: a?.city ?? null,
    postalCode: a?.postalCode ?? null,
    state: a?.state ?? null,
    countryOrRegion: a?.country ?? null,
  };
}

export function contactFromGraph(item: Json, folderId?: string): ContactItem {
  const phones = Array.isArray(item.businessPhones) ? (item.businessPhones as string[]) : [];
  const home = Array.isArray(item.homePhones) ? (item.homePhones as string[]) : [];
  const data: ContactData = clean({
    displayName: s(item.displayName),
    givenName: s(item.givenName),
    middleName: s(item.middleName),
    surname: s(item.surname),
    title: s(item.title),
    companyName: s(item.companyName),
    department: s(item.department),
    jobTitle: s(item.jobTitle),
    emails: (Array.isArray(item.emailAddresses) ? (item.emailAddresses as { address?: string }[]) : [])
      .map((e) => e?.address)
      .filter((a): a is string => !!a)
      .slice(0, 3),
    businessPhone: s(phones[0]),
    businessPhone2: s(phones[1]),
    mobilePhone: s(item.mobilePhone),
    homePhone: s(home[0]),
    businessFax: s(extValue(item, FAX_PROP)),
    businessAddress: postal(item.businessAddress),
    homeAddress: postal(item.homeAddress),
    webPage: s(item.businessHomePage),
    notes: s(item.personalNotes),
    categories: Array.isArray(item.categories) ? (item.categories as string[]) : undefined,
  });
  return { kind: 'contact', ...base(item), folderId: s(item.parentFolderId) ?? folderId, data };
}

/** Full replacement of every mapped field (absent → cleared). */
export function contactToGraph(d: ContactData, abraId?: string): Json {
  const ext = [{ id: FAX_PROP, value: d.businessFax ?? '' }];
  if (abraId !== undefined) ext.push({ id: ABRA_ID_PROP, value: abraId });
  return {
    displayName: d.displayName ?? null,
    fileAs: d.displayName ?? null,
    givenName: d.givenName ?? null,
    middleName: d.middleName ?? null,
    surname: d.surname ?? null,
    title: d.title ?? null,
    companyName: d.companyName ?? null,
    department: d.department ?? null,
    jobTitle: d.jobTitle ?? null,
    emailAddresses: (d.emails ?? []).slice(0, 3).map((a) => ({ address: a, name: a })),
    businessPhones: [d.businessPhone, d.businessPhone2].filter((x): x is string => !!x),
    mobilePhone: d.mobilePhone ?? null,
    homePhones: d.homePhone ? [d.homePhone] : [],
    businessAddress: toPostal(d.businessAddress),
    homeAddress: toPostal(d.homeAddress),
    businessHomePage: d.webPage ?? null,
    personalNotes: d.notes ?? '',
    categories: d.categories ?? [],
    singleValueExtendedProperties: ext,
  };
}

// ---- events -----------------------------------------------------------------------------------------------------

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

// ---- tasks ------------------------------------------------------------------------------------------------------

export function taskFromGraph(item: Json, tz: string, folderId?: string): TaskItem {
  const body = item.body as { content?: string; contentType?: string } | undefined;
  let text = body?.content ?? '';
  if (body?.contentType === 'html') text = htmlToText(text);
  const date = (v: unknown) => {
    const u = fromDtz(v);
    // To Do keeps dates: normalise to midnight in the user's zone
    return u
      ? new Date(
          localToUtc(`${utcToLocal(Date.parse(u), ianaZone(tz)).slice(0, 10)}T00:00:00`, ianaZone(tz)),
        ).toISOString()
      : undefined;
  };
  const data: TaskData = clean({
    subject: String(item.title ?? ''),
    status: cap(item.status, STATUS, 'NotStarted')!,
    importance: cap(item.importance, IMPORTANCE),
    start: date(item.startDateTime),
    due: date(item.dueDateTime),
    completedAt: fromDtz(item.completedDateTime),
    body: s(text.replace(/\r\n/g, '\n').trimEnd()),
    categories: Array.isArray(item.categories) ? (item.categories as string[]) : undefined,
  }) as TaskData;
  if (!data.subject) data.subject = '';
  return { kind: 'task', ...base(item), folderId, data };
}

export function taskToGraph(d: TaskData, tz: string, abraId?: string): Json {
  const out: Json = {
    title: d.subject,
    status: lowerFirst(d.status),
    importance: lowerFirst(d.importance ?? 'Normal'),
    body: { contentType: 'text', content: d.body ?? '' },
    dueDateTime: d.due ? toLocalMidnight(d.due, tz) : null,
    startDateTime: d.start ? toLocalMidnight(d.start, tz) : null,
  };
  // undefined = not the caller's to write (the tasks part does not map categories): left as the user set them
  if (d.categories !== undefined) out.categories = d.categories;
  if (d.status === 'Completed' && d.completedAt) out.completedDateTime = toDtz(d.completedAt);
  if (abraId !== undefined) out.singleValueExtendedProperties = [{ id: ABRA_ID_PROP, value: abraId }];
  return out;
}

// ---- messages ---------------------------------------------------------------------------------------------------

export const MESSAGE_SELECT = [
  'id',
  'changeKey',
  'internetMessageId',
  'subject',
  'from',
  'sender',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'sentDateTime',
  'receivedDateTime',
  'isDraft',
  'hasAttachments',
  'categories',
  'lastModifiedDateTime',
  'parentFolderId',
  'internetMessageHeaders',
];

export function messageFromGraph(item: Json, withBody: boolean, folderId?: string): MessageItem {
  const headers: Record<string, string> = {};
  for (const h of (item.internetMessageHeaders as { name?: string; value?: string }[] | undefined) ?? [])
    if (
      h.name &&
      h.value !== undefined &&
      /^(in-reply-to|references|auto-submitted|x-auto-response-suppress|precedence)$/i.test(h.name)
    )
      headers[h.name] = h.value;
  const sens = Number(extValue(item, SENSITIVITY_PROP) ?? 0);
  const size = extValue(item, SIZE_PROP);
  const body = item.body as { content?: string; contentType?: string } | undefined;
  const m: MessageItem = {
    kind: 'message',
    ...base(item),
    folderId: s(item.parentFolderId) ?? folderId,
    internetMessageId: String(item.internetMessageId ?? ''),
    itemClass: extValue(item, ITEM_CLASS_PROP) ?? 'IPM.Note',
    subject: String(item.subject ?? ''),
    from: addr(item.from),
    sender: addr(item.sender),
    to: addrs(item.toRecipients),
    cc: addrs(item.ccRecipients),
    bcc: addrs(item.bccRecipients),
    sentAt: iso(item.sentDateTime),
    receivedAt: iso(item.receivedDateTime),
    isDraft: item.isDraft === true,
    sensitivity: SENS[sens] ?? 'Normal',
    categories: Array.isArray(item.categories) ? (item.categories as string[]) : [],
    hasAttachments: item.hasAttachments === true,
    size: size !== undefined ? Number(size) : undefined,
    headers: Object.keys(headers).length ? headers : undefined,
  };
  if (withBody && body?.content !== undefined)
    m.bodyText = body.contentType === 'html' ? htmlToText(body.content) : body.content;
  const c = clean(m) as MessageItem;
  c.to = m.to;
  c.cc = m.cc;
  c.subject = m.subject;
  c.internetMessageId = m.internetMessageId;
  return c;
}
