/**
 * The lean reader's conversion of one EWS item element (`t:Contact`, `t:CalendarItem`, `t:Task` of a GetItem
 * answer, as a plain tree of ./xml-tree.ts) into the sync's item types — the same values the library path gives
 * (ews-javascript-api's parse, then `convert()` of ./properties.ts with ./map-contact.ts / ./map-activity.ts).
 * `test/exchange/ews/lean-read.test.ts` holds the two paths equal over the recorded Exchange Online answers and the
 * emulator's answers in both dialects.
 *
 * The library's reading rules kept here on purpose (they decide what the sync compares):
 * - an element's text is trimmed (its xml2JsObject trims an element's only text node), and empty text is absent;
 * - a date-time without a zone suffix is UTC (ExchangeServiceBase.ConvertUniversalDateTimeStringToLocalDateTime);
 * - booleans as Convert.toBool (a number ≠ 0, else the text "true" in any case), numbers as Number();
 * - an enumeration value the library does not know is absent;
 * - a dictionary's entry (EmailAddresses, PhoneNumbers, PhysicalAddresses) by its Key; the first of a repeated key;
 * - an extended property matched by its property set id (any case) and name, or by its tag (decimal or 0x…).
 * Deliberately not copied: the library turns whitespace-only text into an object and an empty `t:String` category
 * into "null"; here both are absent (Exchange sends neither for the properties read).
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
  type ExchangeItem,
  type FolderKind,
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
import { child, childrenNamed, type XmlElement } from './xml-tree';

/** PidTagDisplayNamePrefix, the contact's title (./map.ts `titleDef`). */
const TITLE_TAG = 0x3a45;
const ABRA_SET = ABRA_PROPERTY_SET_ID.toLowerCase();

const SENSITIVITY: readonly Sensitivity[] = ['Normal', 'Personal', 'Private', 'Confidential'];
const SHOW_AS: readonly ShowAs[] = ['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData'];
const ITEM_TYPES: readonly CalendarItemType[] = ['Single', 'Occurrence', 'Exception', 'RecurringMaster'];
const TASK_STATUS: readonly TaskStatus[] = [
  'NotStarted',
  'InProgress',
  'Completed',
  'WaitingOnOthers',
  'Deferred',
];
const IMPORTANCE: readonly Importance[] = ['Low', 'Normal', 'High'];

/** The enumerations' value lists as the library knows them (the test holds them equal to ews-javascript-api's). */
export const LEAN_ENUMS = {
  Sensitivity: SENSITIVITY,
  LegacyFreeBusyStatus: SHOW_AS,
  AppointmentType: ITEM_TYPES,
  TaskStatus: TASK_STATUS,
  Importance: IMPORTANCE,
} as const;

// ---------- values ----------

/** The element's text as the library reads it: trimmed; '' → absent. */
function text(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const t = el.text.trim();
  return t === '' ? undefined : t;
}

function textOfChild(el: XmlElement, name: string): string | undefined {
  return text(child(el, name));
}

/** xs:dateTime → UTC ISO with milliseconds; no zone suffix = UTC (as the library). Unreadable → absent. */
export function leanInstant(v: string | undefined): string | undefined {
  if (!v) return undefined;
  let s = v;
  if (!s.toLowerCase().includes('z') && s[19] !== '+' && s[19] !== '-') s += 'Z';
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isNaN(n)) return n !== 0;
  return v.toLowerCase() === 'true';
}

function num(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

function oneOf<T extends string>(list: readonly T[], v: string | undefined): T | undefined {
  return v !== undefined && (list as readonly string[]).includes(v) ? (v as T) : undefined;
}

function prune<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** `t:Body`: its text; an HTML body as text (the request asks for text, a server may still send HTML). */
function body(item: XmlElement): string | undefined {
  const b = child(item, 'Body');
  const t = text(b);
  if (t === undefined || !b) return undefined;
  return b.attrs.BodyType === 'HTML' ? htmlToText(t) : t;
}

function categories(item: XmlElement): string[] | undefined {
  const list: string[] = [];
  for (const s of childrenNamed(child(item, 'Categories'), 'String')) {
    const t = text(s);
    if (t !== undefined) list.push(t);
  }
  return list.length ? list : undefined;
}

/** A `t:Mailbox` (or an element with Name / EmailAddress children) → address; none without an address. */
function mailbox(mb: XmlElement | undefined): EmailAddress | undefined {
  if (!mb) return undefined;
  const address = textOfChild(mb, 'EmailAddress');
  if (!address) return undefined;
  const name = textOfChild(mb, 'Name');
  return name ? { address, name } : { address };
}

function attendees(item: XmlElement, name: string): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const a of childrenNamed(child(item, name), 'Attendee')) {
    const m = mailbox(child(a, 'Mailbox'));
    if (m) out.push(m);
  }
  return out;
}

/** The entries of a dictionary property by Key (first of a repeated key). */
function entries(item: XmlElement, name: string): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  for (const e of childrenNamed(child(item, name), 'Entry')) {
    const key = e.attrs.Key;
    if (key !== undefined && !out.has(key)) out.set(key, e);
  }
  return out;
}

function tagOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** The String-typed extended properties this reader knows: the AbraId stamp and the contact's title. */
function extendedProps(item: XmlElement): { abraId?: string; title?: string } {
  const out: { abraId?: string; title?: string } = {};
  for (const p of childrenNamed(item, 'ExtendedProperty')) {
    const uri = child(p, 'ExtendedFieldURI');
    if (uri?.attrs.PropertyType !== 'String') continue;
    const value = textOfChild(p, 'Value');
    const set = uri.attrs.PropertySetId;
    if (
      set !== undefined &&
      set.replace(/[{}]/g, '').toLowerCase() === ABRA_SET &&
      uri.attrs.PropertyName === ABRA_ID_PROPERTY_NAME &&
      uri.attrs.PropertyTag === undefined &&
      uri.attrs.PropertyId === undefined &&
      uri.attrs.DistinguishedPropertySetId === undefined
    ) {
      if (!('abraId' in out)) out.abraId = value;
    } else if (
      set === undefined &&
      uri.attrs.PropertyName === undefined &&
      uri.attrs.PropertyId === undefined &&
      uri.attrs.DistinguishedPropertySetId === undefined &&
      tagOf(uri.attrs.PropertyTag) === TITLE_TAG
    ) {
      if (!('title' in out)) out.title = value;
    }
  }
  return out;
}

interface Base {
  id: string;
  changeKey: string;
  abraId: string | null;
  lastModified?: string;
  folderId?: string;
}

function base(item: XmlElement, abraId: string | undefined): Base {
  const id = child(item, 'ItemId');
  const out: Base = {
    id: id?.attrs.Id ?? '',
    changeKey: id?.attrs.ChangeKey ?? '',
    abraId: abraId ?? null,
  };
  const lm = leanInstant(textOfChild(item, 'LastModifiedTime'));
  if (lm) out.lastModified = lm;
  const parent = child(item, 'ParentFolderId')?.attrs.Id;
  if (parent) out.folderId = parent;
  return out;
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

function postal(entry: XmlElement | undefined): PostalAddress | undefined {
  if (!entry) return undefined;
  const p = prune<PostalAddress>({
    street: textOfChild(entry, 'Street'),
    city: textOfChild(entry, 'City'),
    postalCode: textOfChild(entry, 'PostalCode'),
    state: textOfChild(entry, 'State'),
    country: textOfChild(entry, 'CountryOrRegion'),
  });
  return Object.keys(p).length ? p : undefined;
}

export function readContact(item: XmlElement): ContactItem {
  const ext = extendedProps(item);
  const emails: string[] = [];
  const ed = entries(item, 'EmailAddresses');
  for (const k of EMAIL_KEYS) {
    const e = ed.get(k);
    // the entry's text is the address (an EmailAddress child, if a server sent one, as the library reads it)
    const a = e ? (text(e) ?? textOfChild(e, 'EmailAddress')) : undefined;
    if (a) emails.push(a);
  }
  const phones = entries(item, 'PhoneNumbers');
  const addrs = entries(item, 'PhysicalAddresses');
  const data = prune<ContactData>({
    displayName: textOfChild(item, 'DisplayName') ?? textOfChild(item, 'FileAs'),
    givenName: textOfChild(item, 'GivenName'),
    middleName: textOfChild(item, 'MiddleName'),
    surname: textOfChild(item, 'Surname'),
    title: ext.title,
    companyName: textOfChild(item, 'CompanyName'),
    department: textOfChild(item, 'Department'),
    jobTitle: textOfChild(item, 'JobTitle'),
    emails: emails.length ? emails : undefined,
    businessAddress: postal(addrs.get('Business')),
    homeAddress: postal(addrs.get('Home')),
    webPage: textOfChild(item, 'BusinessHomePage'),
    notes: body(item),
    categories: categories(item),
  });
  for (const [field, key] of PHONE_FIELDS) {
    const v = text(phones.get(key));
    if (v) (data as Record<string, unknown>)[field] = v;
  }
  return { ...base(item, ext.abraId), kind: 'contact', data };
}

// ---------- appointments ----------

export function readEvent(item: XmlElement): CalendarEvent {
  const b = base(item, extendedProps(item).abraId);
  const itemType: CalendarItemType = oneOf(ITEM_TYPES, textOfChild(item, 'CalendarItemType')) ?? 'Single';
  const start = leanInstant(textOfChild(item, 'Start')) ?? '';
  const uid = textOfChild(item, 'UID');
  const organizer = mailbox(child(child(item, 'Organizer'), 'Mailbox'));
  const att = [...attendees(item, 'RequiredAttendees'), ...attendees(item, 'OptionalAttendees')];
  const showAs = oneOf(SHOW_AS, textOfChild(item, 'LegacyFreeBusyStatus'));
  const reminderSet = bool(textOfChild(item, 'ReminderIsSet'));
  const data = prune<AppointmentData>({
    subject: textOfChild(item, 'Subject') ?? '',
    start,
    end: leanInstant(textOfChild(item, 'End')) ?? start,
    isAllDay: bool(textOfChild(item, 'IsAllDayEvent')) === true ? true : undefined,
    location: textOfChild(item, 'Location'),
    body: body(item),
    sensitivity: oneOf(SENSITIVITY, textOfChild(item, 'Sensitivity')),
    showAs,
    categories: categories(item),
    attendees: att.length ? att : undefined,
    organizer,
    reminderMinutesBeforeStart:
      reminderSet === false ? null : num(textOfChild(item, 'ReminderMinutesBeforeStart')),
  });
  const ev: CalendarEvent = { ...b, kind: 'appointment', key: b.id, itemType, data };
  if (itemType === 'Occurrence' || itemType === 'Exception') {
    const original =
      leanInstant(textOfChild(item, 'OriginalStart')) ??
      leanInstant(textOfChild(item, 'RecurrenceId')) ??
      start;
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

// ---------- tasks ----------

export function readTask(item: XmlElement): TaskItem {
  const data = prune<TaskData>({
    subject: textOfChild(item, 'Subject') ?? '',
    start: leanInstant(textOfChild(item, 'StartDate')) ?? null,
    due: leanInstant(textOfChild(item, 'DueDate')) ?? null,
    completedAt: leanInstant(textOfChild(item, 'CompleteDate')) ?? null,
    status: oneOf(TASK_STATUS, textOfChild(item, 'Status')) ?? 'NotStarted',
    importance: oneOf(IMPORTANCE, textOfChild(item, 'Importance')),
    percentComplete: num(textOfChild(item, 'PercentComplete')),
    body: body(item),
    sensitivity: oneOf(SENSITIVITY, textOfChild(item, 'Sensitivity')),
    categories: categories(item),
  });
  return { ...base(item, extendedProps(item).abraId), kind: 'task', data };
}

// ---------- messages ----------

/** How a mail folder's GetItem was asked and answered: with the body or not, in the Exchange 2007 dialect or not. */
export interface MailShape {
  withBody: boolean;
  /** Exchange2007_SP1: the library does not read an attachment's Size and IsInline in it (Exchange 2010+ only). */
  legacy2007: boolean;
}

/**
 * `t:Attachments` as the library's AttachmentCollection: its FileAttachment and ItemAttachment elements grouped by
 * element name in the order each name first appears (its xml2JsObject gathers same-named children), other kinds
 * (ReferenceAttachment) left out; Size as parseInt (0 when absent), IsInline only when true.
 */
function attachmentInfos(item: XmlElement, legacy2007: boolean): MessageAttachmentInfo[] | undefined {
  const atts = child(item, 'Attachments');
  if (!atts) return undefined;
  const groups = new Map<string, XmlElement[]>();
  for (const a of atts.children) {
    if (a.name !== 'FileAttachment' && a.name !== 'ItemAttachment') continue;
    const g = groups.get(a.name);
    if (g) g.push(a);
    else groups.set(a.name, [a]);
  }
  const out: MessageAttachmentInfo[] = [];
  for (const list of groups.values())
    for (const a of list) {
      const size = textOfChild(a, 'Size');
      out.push(
        prune<MessageAttachmentInfo>({
          name: textOfChild(a, 'Name') ?? '',
          size: legacy2007 || size === undefined ? 0 : Number.parseInt(size, 10),
          contentType: textOfChild(a, 'ContentType'),
          isInline: !legacy2007 && bool(textOfChild(a, 'IsInline')) === true ? true : undefined,
        }),
      );
    }
  return out.length ? out : undefined;
}

/** `t:From` / `t:Sender`: the address of its Mailbox. */
function single(item: XmlElement, name: string): EmailAddress | undefined {
  return mailbox(child(child(item, name), 'Mailbox'));
}

/** `t:ToRecipients` …: the addresses of its Mailbox elements, those without an address left out. */
function recipients(item: XmlElement, name: string): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const mb of childrenNamed(child(item, name), 'Mailbox')) {
    const m = mailbox(mb);
    if (m) out.push(m);
  }
  return out;
}

/**
 * Any item element of a mail folder (`t:Message`, `t:MeetingRequest`, a `t:PostItem` …) as a message — as
 * ./map-message.ts `toMessage(item, withBody)`, key for key.
 */
export function readMessage(item: XmlElement, shape: MailShape): MessageItem {
  const headers: Record<string, string> = {};
  const inReplyTo = textOfChild(item, 'InReplyTo');
  if (inReplyTo) headers['In-Reply-To'] = inReplyTo;
  const refs = textOfChild(item, 'References');
  if (refs) headers.References = refs;
  const bcc = recipients(item, 'BccRecipients');
  return prune<MessageItem>({
    ...base(item, extendedProps(item).abraId),
    kind: 'message',
    internetMessageId: textOfChild(item, 'InternetMessageId') ?? '',
    itemClass: textOfChild(item, 'ItemClass') ?? 'IPM.Note',
    subject: textOfChild(item, 'Subject') ?? '',
    from: single(item, 'From'),
    sender: single(item, 'Sender'),
    to: recipients(item, 'ToRecipients'),
    cc: recipients(item, 'CcRecipients'),
    bcc: bcc.length ? bcc : undefined,
    sentAt: leanInstant(textOfChild(item, 'DateTimeSent')),
    receivedAt: leanInstant(textOfChild(item, 'DateTimeReceived')),
    isDraft: bool(textOfChild(item, 'IsDraft')),
    sensitivity: oneOf(SENSITIVITY, textOfChild(item, 'Sensitivity')),
    categories: categories(item),
    hasAttachments: bool(textOfChild(item, 'HasAttachments')),
    attachments: attachmentInfos(item, shape.legacy2007),
    size: num(textOfChild(item, 'Size')),
    bodyText: shape.withBody ? body(item) : undefined,
    headers: Object.keys(headers).length ? headers : undefined,
  });
}

/** The item element names each kind reads (the library's Contact / Appointment / Task classes). */
const ELEMENT: Partial<Record<FolderKind, string>> = {
  contacts: 'Contact',
  calendar: 'CalendarItem',
  tasks: 'Task',
};

/** The kinds the lean reader handles (mail stays on the library path). */
export function isLeanKind(kind: FolderKind): kind is 'contacts' | 'calendar' | 'tasks' {
  return kind === 'contacts' || kind === 'calendar' || kind === 'tasks';
}

/**
 * One item element of a GetItem answer as the sync's type; null when the folder holds an item of another class
 * (a distribution list in the contacts folder, a message in the tasks folder …), as `convert()`.
 */
export function readItem(kind: 'contacts' | 'calendar' | 'tasks', el: XmlElement): ExchangeItem | null {
  if (el.name !== ELEMENT[kind]) return null;
  switch (kind) {
    case 'contacts':
      return readContact(el);
    case 'calendar':
      return readEvent(el);
    default:
      return readTask(el);
  }
}
