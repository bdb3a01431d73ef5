/**
 * Conversions between ews-javascript-api objects and the backend-neutral item types of `../types.ts`.
 * Reads are defensive: a property the server did not return reads as absent (the library throws on unloaded
 * properties). Writes set every mapped field that is present and clear the ones that are absent.
 */

import { htmlToText } from '../../shared/html';
import {
  ABRA_ID_PROPERTY_NAME,
  ABRA_PROPERTY_SET_ID,
  type AppointmentData,
  type CalendarEvent,
  type CalendarItemType,
  type ContactData,
  type ContactItem,
  type EmailAddress,
  type Importance,
  type MessageAttachmentInfo,
  type MessageItem,
  type PostalAddress,
  type Sensitivity,
  type ShowAs,
  type TaskData,
  type TaskItem,
  type TaskStatus,
} from '../types';
import { ews } from './ews-lib';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are read reflectively
type Any = any;

export const abraIdDef = new ews.ExtendedPropertyDefinition(
  new ews.Guid(ABRA_PROPERTY_SET_ID),
  ABRA_ID_PROPERTY_NAME,
  ews.MapiPropertyType.String,
);
/** PidTagDisplayNamePrefix (0x3A45): the contact's title ("Ing.", "Dr."), not exposed by EWS as a field. */
export const titleDef = new ews.ExtendedPropertyDefinition(0x3a45, ews.MapiPropertyType.String);

/** Read a property without the library's "not loaded" exception. */
export function get<T = Any>(obj: Any, name: string): T | undefined {
  try {
    const v = obj?.[name];
    return v === null ? undefined : (v as T);
  } catch {
    return undefined;
  }
}

export function extended(item: Any, def: Any): string | undefined {
  try {
    const out: { outValue: Any } = { outValue: null };
    if (item.ExtendedProperties?.TryGetValue(def, out) && out.outValue != null) return String(out.outValue);
  } catch {
    /* not loaded */
  }
  return undefined;
}

export function toIso(dt: Any): string | undefined {
  if (dt == null) return undefined;
  try {
    const ms =
      typeof dt === 'object' && 'TotalMilliSeconds' in dt ? dt.TotalMilliSeconds : Date.parse(String(dt));
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
    return new Date(ms).toISOString();
  } catch {
    return undefined;
  }
}

export function toEwsDate(iso: string): Any {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`not a valid instant: ${iso}`);
  return new ews.DateTime(ms);
}

function enumName(enumObj: Any, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  return enumObj[v as number] as string | undefined;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

function bodyText(item: Any): string | undefined {
  const b = get(item, 'Body');
  if (!b) return undefined;
  const text = str(b.Text ?? b.text);
  if (text === undefined) return undefined;
  const type = enumName(ews.BodyType, b.BodyType);
  return type === 'HTML' ? htmlToText(text) : text;
}

function categories(item: Any): string[] | undefined {
  const c = get(item, 'Categories');
  if (!c) return undefined;
  const items: unknown[] =
    c.items ?? c.Items ?? (typeof c.GetEnumerator === 'function' ? c.GetEnumerator() : []);
  const list = items.map(String).filter(Boolean);
  return list.length ? list : undefined;
}

function address(a: Any): EmailAddress | undefined {
  if (!a) return undefined;
  const addr = str(a.Address);
  if (!addr) return undefined;
  const name = str(a.Name);
  return name ? { address: addr, name } : { address: addr };
}

function addressList(c: Any): EmailAddress[] {
  if (!c) return [];
  const items: Any[] = c.items ?? c.Items ?? (typeof c.GetEnumerator === 'function' ? c.GetEnumerator() : []);
  return items.map(address).filter((x): x is EmailAddress => !!x);
}

function base(item: Any): {
  id: string;
  changeKey: string;
  abraId: string | null;
  lastModified?: string;
  folderId?: string;
} {
  const id = get(item, 'Id');
  const parent = get(item, 'ParentFolderId');
  const out: {
    id: string;
    changeKey: string;
    abraId: string | null;
    lastModified?: string;
    folderId?: string;
  } = {
    id: String(id?.UniqueId ?? ''),
    changeKey: String(id?.ChangeKey ?? ''),
    abraId: extended(item, abraIdDef) ?? null,
  };
  const lm = toIso(get(item, 'LastModifiedTime'));
  if (lm) out.lastModified = lm;
  if (parent?.UniqueId) out.folderId = String(parent.UniqueId);
  return out;
}

function prune<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

// ---------- contacts ----------

const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;
const PHONE_FIELDS: [keyof ContactData, string][] = [
  ['businessPhone', 'BusinessPhone'],
  ['businessPhone2', 'BusinessPhone2'],
  ['mobilePhone', 'MobilePhone'],
  ['homePhone', 'HomePhone'],
  ['businessFax', 'BusinessFax'],
];

function dictGet(dict: Any, key: number): Any {
  if (!dict) return undefined;
  try {
    const out: { outValue: Any } = { outValue: null };
    return dict.TryGetValue(key, out) ? out.outValue : undefined;
  } catch {
    return undefined;
  }
}

function postal(entry: Any): PostalAddress | undefined {
  if (!entry) return undefined;
  const p = prune<PostalAddress>({
    street: str(get(entry, 'Street')),
    city: str(get(entry, 'City')),
    postalCode: str(get(entry, 'PostalCode')),
    state: str(get(entry, 'State')),
    country: str(get(entry, 'CountryOrRegion')),
  });
  return Object.keys(p).length ? p : undefined;
}

export function toContact(item: Any): ContactItem {
  const emails: string[] = [];
  const ed = get(item, 'EmailAddresses');
  for (const k of EMAIL_KEYS) {
    const e = dictGet(ed, ews.EmailAddressKey[k]);
    const a = str(e?.Address);
    if (a) emails.push(a);
  }
  const phones = get(item, 'PhoneNumbers');
  const addrs = get(item, 'PhysicalAddresses');
  const data = prune<ContactData>({
    displayName: str(get(item, 'DisplayName')) ?? str(get(item, 'FileAs')),
    givenName: str(get(item, 'GivenName')),
    middleName: str(get(item, 'MiddleName')),
    surname: str(get(item, 'Surname')),
    title: extended(item, titleDef),
    companyName: str(get(item, 'CompanyName')),
    department: str(get(item, 'Department')),
    jobTitle: str(get(item, 'JobTitle')),
    emails: emails.length ? emails : undefined,
    businessAddress: postal(dictGet(addrs, ews.PhysicalAddressKey.Business)),
    homeAddress: postal(dictGet(addrs, ews.PhysicalAddressKey.Home)),
    webPage: str(get(item, 'BusinessHomePage')),
    notes: bodyText(item),
    categories: categories(item),
  });
  for (const [field, key] of PHONE_FIELDS) {
    const v = str(dictGet(phones, (ews.PhoneNumberKey as Any)[key]));
    if (v) (data as Record<string, unknown>)[field] = v;
  }
  return { ...base(item), kind: 'contact', data };
}

function setOrClear(item: Any, name: string, value: unknown, isNew: boolean): void {
  const has = value !== undefined && value !== null && value !== '';
  const cur = isNew ? undefined : get(item, name);
  if (has) {
    if (cur === undefined || String(cur) !== String(value)) item[name] = value;
  } else if (cur !== undefined && cur !== '') item[name] = null;
}

function setBody(item: Any, text: string | undefined, isNew: boolean): void {
  const cur = isNew ? undefined : bodyText(item);
  if (text) {
    if (cur !== text) item.Body = new ews.MessageBody(ews.BodyType.Text, text);
  } else if (cur) item.Body = new ews.MessageBody(ews.BodyType.Text, '');
}

function setCategories(item: Any, cats: string[] | undefined, isNew: boolean): void {
  if (!isNew && JSON.stringify(categories(item) ?? []) === JSON.stringify(cats ?? [])) return;
  if (cats?.length) {
    const sl = new ews.StringList();
    for (const c of cats) sl.Add(c);
    item.Categories = sl;
  } else if (!isNew && categories(item)) {
    item.Categories = new ews.StringList();
  }
}

function setExtended(item: Any, def: Any, value: string | undefined, isNew: boolean): void {
  if (value) {
    if (isNew || extended(item, def) !== value) item.SetExtendedProperty(def, value);
  } else if (!isNew && extended(item, def) !== undefined) item.RemoveExtendedProperty(def);
}

export function applyContact(item: Any, d: ContactData, isNew: boolean): void {
  setOrClear(item, 'DisplayName', d.displayName, isNew);
  setOrClear(item, 'FileAs', d.displayName, isNew);
  setOrClear(item, 'GivenName', d.givenName, isNew);
  setOrClear(item, 'MiddleName', d.middleName, isNew);
  setOrClear(item, 'Surname', d.surname, isNew);
  setOrClear(item, 'CompanyName', d.companyName, isNew);
  setOrClear(item, 'Department', d.department, isNew);
  setOrClear(item, 'JobTitle', d.jobTitle, isNew);
  setOrClear(item, 'BusinessHomePage', d.webPage, isNew);
  setExtended(item, titleDef, d.title, isNew);
  setBody(item, d.notes, isNew);
  setCategories(item, d.categories, isNew);

  const ed = item.EmailAddresses;
  EMAIL_KEYS.forEach((k, i) => {
    const key = ews.EmailAddressKey[k];
    const v = d.emails?.[i];
    const cur = dictGet(ed, key);
    if (v) {
      if (str(cur?.Address) !== v) ed._setItem(key, new ews.EmailAddress(v));
    } else if (cur) ed._setItem(key, null);
  });
  const phones = item.PhoneNumbers;
  for (const [field, key] of PHONE_FIELDS) {
    const k = (ews.PhoneNumberKey as Any)[key];
    const v = d[field] as string | undefined;
    const cur = str(dictGet(phones, k));
    if (v) {
      if (cur !== v) phones._setItem(k, v);
    } else if (cur !== undefined) phones._setItem(k, null);
  }
  const addrs = item.PhysicalAddresses;
  for (const [field, key] of [
    ['businessAddress', ews.PhysicalAddressKey.Business],
    ['homeAddress', ews.PhysicalAddressKey.Home],
  ] as const) {
    const v = d[field];
    const cur = dictGet(addrs, key);
    const has = v && Object.values(v).some((x) => x);
    if (has) {
      const entry = cur ?? new ews.PhysicalAddressEntry();
      const want: [string, string | undefined][] = [
        ['Street', v.street],
        ['City', v.city],
        ['PostalCode', v.postalCode],
        ['State', v.state],
        ['CountryOrRegion', v.country],
      ];
      let changed = false;
      for (const [p, val] of want) {
        if ((str(get(entry, p)) ?? undefined) === (val || undefined)) continue;
        entry[p] = val || null;
        changed = true;
      }
      if (!cur) addrs._setItem(key, entry);
      else if (changed) {
        // The library does not propagate a change inside an entry it loaded: mark the entry and the dictionary.
        addrs.EntryChanged?.(cur);
        addrs.Changed();
      }
    } else if (cur) addrs._setItem(key, null);
  }
}

// ---------- appointments ----------

const SHOW_AS: ShowAs[] = ['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData'];

export function toEvent(item: Any): CalendarEvent {
  const b = base(item);
  const typeName = (enumName(ews.AppointmentType, get(item, 'AppointmentType')) ??
    'Single') as CalendarItemType;
  const itemType: CalendarItemType = ['Single', 'Occurrence', 'Exception', 'RecurringMaster'].includes(
    typeName,
  )
    ? typeName
    : 'Single';
  const start = toIso(get(item, 'Start')) ?? '';
  const uid = str(get(item, 'ICalUid'));
  const organizer = address(get(item, 'Organizer'));
  const attendees = [
    ...addressList(get(item, 'RequiredAttendees')),
    ...addressList(get(item, 'OptionalAttendees')),
  ];
  const showAs = enumName(ews.LegacyFreeBusyStatus, get(item, 'LegacyFreeBusyStatus')) as ShowAs | undefined;
  const reminderSet = get<boolean>(item, 'IsReminderSet');
  const data = prune<AppointmentData>({
    subject: str(get(item, 'Subject')) ?? '',
    start,
    end: toIso(get(item, 'End')) ?? start,
    isAllDay: get<boolean>(item, 'IsAllDayEvent') === true ? true : undefined,
    location: str(get(item, 'Location')),
    body: bodyText(item),
    sensitivity: enumName(ews.Sensitivity, get(item, 'Sensitivity')) as Sensitivity | undefined,
    showAs: showAs && SHOW_AS.includes(showAs) ? showAs : undefined,
    categories: categories(item),
    attendees: attendees.length ? attendees : undefined,
    organizer,
    reminderMinutesBeforeStart:
      reminderSet === false ? null : (get<number>(item, 'ReminderMinutesBeforeStart') ?? undefined),
  });
  const ev: CalendarEvent = { ...b, kind: 'appointment', key: b.id, itemType, data };
  if (itemType === 'Occurrence' || itemType === 'Exception') {
    const original = toIso(get(item, 'OriginalStart')) ?? toIso(get(item, 'ICalRecurrenceId')) ?? start;
    ev.originalStart = original;
    if (uid) {
      ev.seriesKey = uid;
      ev.key = `${uid}|${original}`;
    }
  } else if (itemType === 'RecurringMaster' && uid) {
    ev.seriesKey = uid;
  }
  return ev;
}

/** Set a property only when it differs from what the item has (an unchanged update sends nothing). */
function put(
  item: Any,
  name: string,
  value: unknown,
  isNew: boolean,
  same?: (cur: unknown) => boolean,
): void {
  if (!isNew) {
    const cur = get(item, name);
    if (same ? same(cur) : cur !== undefined && cur === value) return;
  }
  item[name] = value;
}

const sameInstant = (iso: string) => (cur: unknown) => toIso(cur) === new Date(Date.parse(iso)).toISOString();

function putEnum(item: Any, name: string, enumObj: Any, value: string, isNew: boolean): void {
  put(item, name, enumObj[value], isNew, (cur) => enumName(enumObj, cur) === value);
}

/** The library's TimeZoneInfo for a Windows zone id, or null when the library does not know it. */
export function libraryZone(windowsZone: string | null): Any | null {
  if (!windowsZone) return null;
  try {
    return ews.TimeZoneInfo.FindSystemTimeZoneById(windowsZone);
  } catch {
    return null;
  }
}

/**
 * Exchange 2007 (RequestServerVersion Exchange2007_SP1) knows only `MeetingTimeZone`, which the library writes
 * for `StartTimeZone`; `EndTimeZone` does not exist there (the library throws at assignment). An appointment
 * written without it becomes a UTC series on 2007 and moves by an hour at every daylight-saving change, so in
 * that mode a missing zone is an error, never skipped.
 */
export function setAppointmentZone(item: Any, windowsZone: string | null, legacy2007: boolean): void {
  const tz = libraryZone(windowsZone);
  if (legacy2007) {
    if (!tz)
      throw new Error(
        `Exchange 2007 needs the appointment's time zone, and ${windowsZone ?? 'none'} is not one the EWS library knows`,
      );
    item.StartTimeZone = tz;
    return;
  }
  // Exchange 2010+: without a zone the times are still exact UTC instants (only a series' local time needs it)
  if (!tz) return;
  item.StartTimeZone = tz;
  item.EndTimeZone = tz;
}

export function applyAppointment(
  item: Any,
  d: AppointmentData,
  isNew: boolean,
  windowsZone: string | null,
  legacy2007 = false,
): void {
  put(item, 'Subject', d.subject ?? '', isNew, (cur) => (str(cur) ?? '') === (d.subject ?? ''));
  const end = d.end || d.start;
  const timesChanged =
    isNew || !sameInstant(d.start)(get(item, 'Start')) || !sameInstant(end)(get(item, 'End'));
  if (timesChanged) {
    setAppointmentZone(item, windowsZone, legacy2007);
    item.Start = toEwsDate(d.start);
    item.End = toEwsDate(end);
  }
  // Fields the caller leaves undefined are not its to write (ABRA has no location, categories or all-day flag):
  // they stay as the user set them in Outlook. '' / [] clear them.
  if (d.isAllDay !== undefined)
    put(item, 'IsAllDayEvent', d.isAllDay === true, isNew, (cur) => (cur === true) === (d.isAllDay === true));
  if (d.location !== undefined) setOrClear(item, 'Location', d.location, isNew);
  setBody(item, d.body, isNew);
  putEnum(item, 'Sensitivity', ews.Sensitivity, d.sensitivity ?? 'Normal', isNew);
  if (d.showAs) putEnum(item, 'LegacyFreeBusyStatus', ews.LegacyFreeBusyStatus, d.showAs, isNew);
  if (d.categories !== undefined) setCategories(item, d.categories, isNew);
  if (d.reminderMinutesBeforeStart === null) put(item, 'IsReminderSet', false, isNew);
  else if (typeof d.reminderMinutesBeforeStart === 'number') {
    put(item, 'IsReminderSet', true, isNew);
    put(item, 'ReminderMinutesBeforeStart', d.reminderMinutesBeforeStart, isNew);
  }
}

// ---------- tasks ----------

const TASK_STATUS: TaskStatus[] = ['NotStarted', 'InProgress', 'Completed', 'WaitingOnOthers', 'Deferred'];

export function toTask(item: Any): TaskItem {
  const status = enumName(ews.TaskStatus, get(item, 'Status')) as TaskStatus | undefined;
  const data = prune<TaskData>({
    subject: str(get(item, 'Subject')) ?? '',
    start: toIso(get(item, 'StartDate')) ?? null,
    due: toIso(get(item, 'DueDate')) ?? null,
    completedAt: toIso(get(item, 'CompleteDate')) ?? null,
    status: status && TASK_STATUS.includes(status) ? status : 'NotStarted',
    importance: enumName(ews.Importance, get(item, 'Importance')) as Importance | undefined,
    percentComplete: get<number>(item, 'PercentComplete'),
    body: bodyText(item),
    sensitivity: enumName(ews.Sensitivity, get(item, 'Sensitivity')) as Sensitivity | undefined,
    categories: categories(item),
  });
  return { ...base(item), kind: 'task', data };
}

export function applyTask(item: Any, d: TaskData, isNew: boolean): void {
  put(item, 'Subject', d.subject ?? '', isNew, (cur) => (str(cur) ?? '') === (d.subject ?? ''));
  for (const [field, prop] of [
    ['start', 'StartDate'],
    ['due', 'DueDate'],
  ] as const) {
    const v = d[field];
    if (v) put(item, prop, toEwsDate(v), isNew, sameInstant(v));
    else if (!isNew && get(item, prop) !== undefined) item[prop] = null;
  }
  putEnum(item, 'Status', ews.TaskStatus, TASK_STATUS.includes(d.status) ? d.status : 'NotStarted', isNew);
  if (d.status === 'Completed' && d.completedAt)
    put(item, 'CompleteDate', toEwsDate(d.completedAt), isNew, sameInstant(d.completedAt));
  if (typeof d.percentComplete === 'number' && d.status !== 'Completed' && d.status !== 'NotStarted')
    put(item, 'PercentComplete', d.percentComplete, isNew);
  putEnum(item, 'Importance', ews.Importance, d.importance ?? 'Normal', isNew);
  setBody(item, d.body, isNew);
  // undefined = not the caller's to write (the tasks part maps neither): left as the user set it
  if (d.sensitivity !== undefined || isNew)
    putEnum(item, 'Sensitivity', ews.Sensitivity, d.sensitivity ?? 'Normal', isNew);
  if (d.categories !== undefined) setCategories(item, d.categories, isNew);
}

// ---------- messages ----------

function attachmentInfos(item: Any): MessageAttachmentInfo[] | undefined {
  const atts = get(item, 'Attachments');
  if (!atts) return undefined;
  const list: Any[] =
    atts.Items ?? atts.items ?? (typeof atts.GetEnumerator === 'function' ? atts.GetEnumerator() : []);
  const out = list.map((a) =>
    prune<MessageAttachmentInfo>({
      name: str(get(a, 'Name')) ?? '',
      size: Number(get(a, 'Size') ?? 0),
      contentType: str(get(a, 'ContentType')),
      isInline: get<boolean>(a, 'IsInline') === true ? true : undefined,
    }),
  );
  return out.length ? out : undefined;
}

export function toMessage(item: Any, withBody: boolean): MessageItem {
  const headers: Record<string, string> = {};
  const inReplyTo = str(get(item, 'InReplyTo'));
  if (inReplyTo) headers['In-Reply-To'] = inReplyTo;
  const refs = str(get(item, 'References'));
  if (refs) headers.References = refs;
  const bcc = addressList(get(item, 'BccRecipients'));
  const msg = prune<MessageItem>({
    ...base(item),
    kind: 'message',
    internetMessageId: str(get(item, 'InternetMessageId')) ?? '',
    itemClass: str(get(item, 'ItemClass')) ?? 'IPM.Note',
    subject: str(get(item, 'Subject')) ?? '',
    from: address(get(item, 'From')),
    sender: address(get(item, 'Sender')),
    to: addressList(get(item, 'ToRecipients')),
    cc: addressList(get(item, 'CcRecipients')),
    bcc: bcc.length ? bcc : undefined,
    sentAt: toIso(get(item, 'DateTimeSent')),
    receivedAt: toIso(get(item, 'DateTimeReceived')),
    isDraft: get<boolean>(item, 'IsDraft'),
    sensitivity: enumName(ews.Sensitivity, get(item, 'Sensitivity')) as Sensitivity | undefined,
    categories: categories(item),
    hasAttachments: get<boolean>(item, 'HasAttachments'),
    attachments: attachmentInfos(item),
    size: get<number>(item, 'Size'),
    bodyText: withBody ? bodyText(item) : undefined,
    headers: Object.keys(headers).length ? headers : undefined,
  });
  return msg;
}
