/**
 * The lean writer's XML: the items of a CreateItem request for ContactData / AppointmentData / TaskData written as
 * text, without ews-javascript-api's object model (an object and a property bag per item, its XML writer — about
 * half the engine's busy time in the initial EWS run, issue #17, docs/ARCHITECTURE.md "Performance").
 *
 * It writes what the library wrote through `applyContact` / `applyAppointment` / `setAppointmentZone` and the
 * AbraId stamp (./map-contact.ts, ./map-activity.ts, ./writes.ts): the same elements with the same values, in the
 * order of Microsoft's schema (types.xsd: ItemType's sequence, then ContactItemType's / CalendarItemType's /
 * TaskType's), in both dialects — Exchange2010_SP2 (StartTimeZone/EndTimeZone) and the Exchange 2007 legacy mode
 * (MeetingTimeZone). test/exchange/ews/lean-create.test.ts holds it against the library's own request for a broad
 * set of items (the oracle) and against the XSDs.
 *
 * Every value goes through {@link xmlText} / {@link xmlAttr} (escaped; characters XML 1.0 cannot carry removed —
 * the caller strips them first with the item's note, ./writes.ts). The `t:` / `m:` prefixes are the envelope's
 * (./soap.ts declares them as the library does).
 */
import { SyncError } from '../../shared/errors';
import {
  ABRA_ID_PROPERTY_NAME,
  ABRA_PROPERTY_SET_ID,
  type AppointmentData,
  type ContactData,
  type FolderKind,
  type PostalAddress,
  type TaskData,
} from '../types';
import { xmlAttr, xmlText } from './xml-text';

/** A Windows time zone as the library writes it: its id and its display name (the TimeZoneDefinition's Name). */
export interface ZoneXml {
  id: string;
  name: string;
}

/** What a create request's items depend on besides their data. */
export interface CreateXmlOptions {
  /** The Exchange 2007 legacy mode (RequestServerVersion Exchange2007_SP1). */
  legacy2007: boolean;
  /** The user's zone as the library knows it; null when it does not (then 2010+ writes no zone, 2007 refuses). */
  zone: ZoneXml | null;
}

const SENSITIVITY = new Set(['Normal', 'Personal', 'Private', 'Confidential']);
const SHOW_AS = new Set(['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData']);
/** Exchange 2007's LegacyFreeBusyType has no WorkingElsewhere (its types.xsd). */
const SHOW_AS_2007 = new Set(['Free', 'Tentative', 'Busy', 'OOF', 'NoData']);
const IMPORTANCE = new Set(['Low', 'Normal', 'High']);
const TASK_STATUS = new Set(['NotStarted', 'InProgress', 'Completed', 'WaitingOnOthers', 'Deferred']);

/** `<t:name>value</t:name>`, the value escaped. */
function el(name: string, value: string): string {
  return `<t:${name}>${xmlText(value)}</t:${name}>`;
}

/** Only a non-empty string is written (the library's `setOrClear` on a new item). */
function opt(name: string, value: string | undefined): string {
  return value ? el(name, value) : '';
}

/** An instant as the library writes a DateTime: UTC, milliseconds, `+00:00` (moment's ISO form of a UTC time). */
export function ewsInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new SyncError('validation', `not a valid instant: ${iso}`);
  return `${new Date(ms).toISOString().slice(0, -1)}+00:00`;
}

function enumValue(what: string, allowed: Set<string>, value: string): string {
  if (!allowed.has(value)) throw new SyncError('validation', `unknown ${what}: ${value}`);
  return value;
}

function body(text: string | undefined): string {
  return text ? `<t:Body BodyType="Text">${xmlText(text)}</t:Body>` : '';
}

function categories(list: string[] | undefined): string {
  if (!list?.length) return '';
  let out = '<t:Categories>';
  for (const c of list) out += el('String', c);
  return `${out}</t:Categories>`;
}

/** The AbraId stamp: a named String property of the sync's property set. */
export function abraIdXml(abraId: string): string {
  return `<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="${ABRA_PROPERTY_SET_ID}" PropertyName="${ABRA_ID_PROPERTY_NAME}" PropertyType="String"/>${el('Value', abraId)}</t:ExtendedProperty>`;
}

/** PidTagDisplayNamePrefix (0x3A45 = 14917): the contact's title, as ./map.ts `titleDef`. */
function titleXml(title: string | undefined): string {
  return title
    ? `<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="14917" PropertyType="String"/>${el('Value', title)}</t:ExtendedProperty>`
    : '';
}

const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;
const PHONE_FIELDS: [keyof ContactData, string][] = [
  ['businessPhone', 'BusinessPhone'],
  ['businessPhone2', 'BusinessPhone2'],
  ['mobilePhone', 'MobilePhone'],
  ['homePhone', 'HomePhone'],
  ['businessFax', 'BusinessFax'],
];
/** PhysicalAddressDictionaryEntryType's sequence. */
const ADDRESS_FIELDS: [keyof PostalAddress, string][] = [
  ['street', 'Street'],
  ['city', 'City'],
  ['state', 'State'],
  ['country', 'CountryOrRegion'],
  ['postalCode', 'PostalCode'],
];

function entry(key: string, value: string): string {
  return `<t:Entry Key="${key}">${xmlText(value)}</t:Entry>`;
}

function addressEntry(key: string, a: PostalAddress | undefined): string {
  if (!a) return '';
  let inner = '';
  for (const [field, name] of ADDRESS_FIELDS) inner += opt(name, a[field]);
  return inner ? `<t:Entry Key="${key}">${inner}</t:Entry>` : '';
}

/** A new contact (ContactItemType) with its AbraId stamp. */
export function contactXml(d: ContactData, abraId: string): string {
  let emails = '';
  EMAIL_KEYS.forEach((k, i) => {
    const v = d.emails?.[i];
    if (v) emails += entry(k, v);
  });
  let phones = '';
  for (const [field, key] of PHONE_FIELDS) {
    const v = d[field] as string | undefined;
    if (v) phones += entry(key, v);
  }
  const addresses = addressEntry('Business', d.businessAddress) + addressEntry('Home', d.homeAddress);
  return (
    '<t:Contact>' +
    body(d.notes) +
    categories(d.categories) +
    titleXml(d.title) +
    abraIdXml(abraId) +
    opt('FileAs', d.displayName) +
    opt('DisplayName', d.displayName) +
    opt('GivenName', d.givenName) +
    opt('MiddleName', d.middleName) +
    opt('CompanyName', d.companyName) +
    (emails ? `<t:EmailAddresses>${emails}</t:EmailAddresses>` : '') +
    (addresses ? `<t:PhysicalAddresses>${addresses}</t:PhysicalAddresses>` : '') +
    (phones ? `<t:PhoneNumbers>${phones}</t:PhoneNumbers>` : '') +
    opt('BusinessHomePage', d.webPage) +
    opt('Department', d.department) +
    opt('JobTitle', d.jobTitle) +
    opt('Surname', d.surname) +
    '</t:Contact>'
  );
}

/** The appointment's zone elements: MeetingTimeZone on Exchange 2007, StartTimeZone + EndTimeZone after. */
function zoneXml(o: CreateXmlOptions): string {
  if (o.legacy2007) {
    if (!o.zone)
      throw new SyncError(
        'validation',
        "Exchange 2007 needs the appointment's time zone, and the user's zone is not one the EWS library knows",
      );
    return `<t:MeetingTimeZone TimeZoneName="${xmlAttr(o.zone.id)}"/>`;
  }
  if (!o.zone) return '';
  const attrs = `Name="${xmlAttr(o.zone.name)}" Id="${xmlAttr(o.zone.id)}"`;
  return `<t:StartTimeZone ${attrs}/><t:EndTimeZone ${attrs}/>`;
}

/** A new appointment (CalendarItemType) with its AbraId stamp; never an invitation (the request says SendToNone). */
export function appointmentXml(d: AppointmentData, abraId: string, o: CreateXmlOptions): string {
  if (!d.start || !Number.isFinite(Date.parse(d.start)))
    throw new SyncError('validation', 'appointment without a valid start');
  if (d.end && Date.parse(d.end) < Date.parse(d.start))
    throw new SyncError('validation', 'appointment ends before it starts');
  const end = d.end || d.start;
  let reminder = '';
  if (d.reminderMinutesBeforeStart === null) reminder = el('ReminderIsSet', 'false');
  else if (typeof d.reminderMinutesBeforeStart === 'number')
    reminder =
      el('ReminderIsSet', 'true') + el('ReminderMinutesBeforeStart', String(d.reminderMinutesBeforeStart));
  // fields left undefined are not the caller's to write (./map-activity.ts applyAppointment)
  return (
    '<t:CalendarItem>' +
    el('Subject', d.subject ?? '') +
    el('Sensitivity', enumValue('sensitivity', SENSITIVITY, d.sensitivity ?? 'Normal')) +
    body(d.body) +
    (d.categories !== undefined ? categories(d.categories) : '') +
    reminder +
    abraIdXml(abraId) +
    el('Start', ewsInstant(d.start)) +
    el('End', ewsInstant(end)) +
    (d.isAllDay !== undefined ? el('IsAllDayEvent', d.isAllDay === true ? 'true' : 'false') : '') +
    (d.showAs
      ? el(
          'LegacyFreeBusyStatus',
          enumValue('free/busy status', o.legacy2007 ? SHOW_AS_2007 : SHOW_AS, d.showAs),
        )
      : '') +
    (d.location !== undefined ? opt('Location', d.location) : '') +
    zoneXml(o) +
    '</t:CalendarItem>'
  );
}

/** A new task (TaskType) with its AbraId stamp. */
export function taskXml(d: TaskData, abraId: string): string {
  const status = TASK_STATUS.has(d.status) ? d.status : 'NotStarted';
  const complete =
    d.status === 'Completed' && d.completedAt ? el('CompleteDate', ewsInstant(d.completedAt)) : '';
  const percent =
    typeof d.percentComplete === 'number' && d.status !== 'Completed' && d.status !== 'NotStarted'
      ? el('PercentComplete', String(d.percentComplete))
      : '';
  return (
    '<t:Task>' +
    el('Subject', d.subject ?? '') +
    el('Sensitivity', enumValue('sensitivity', SENSITIVITY, d.sensitivity ?? 'Normal')) +
    body(d.body) +
    (d.categories !== undefined ? categories(d.categories) : '') +
    el('Importance', enumValue('importance', IMPORTANCE, d.importance ?? 'Normal')) +
    abraIdXml(abraId) +
    complete +
    (d.due ? el('DueDate', ewsInstant(d.due)) : '') +
    percent +
    (d.start ? el('StartDate', ewsInstant(d.start)) : '') +
    el('Status', status) +
    '</t:Task>'
  );
}

/** One new item of a folder kind the sync creates in; anything else is refused before a request is made. */
export function newItemXml(kind: FolderKind, data: unknown, abraId: string, o: CreateXmlOptions): string {
  switch (kind) {
    case 'contacts':
      return contactXml(data as ContactData, abraId);
    case 'calendar':
      return appointmentXml(data as AppointmentData, abraId, o);
    case 'tasks':
      return taskXml(data as TaskData, abraId);
    default:
      throw new SyncError('validation', `the sync does not create items in ${kind} folders`);
  }
}

/** True when a CreateItem of this kind needs the TimeZoneContext header, as the library decides it. */
export function createNeedsZoneHeader(kind: FolderKind, o: CreateXmlOptions): boolean {
  // Exchange 2007: always (the library's simplified header); 2010+: tasks (date-only values) always, appointments
  // when they carry no StartTimeZone/EndTimeZone of their own (Task/Appointment.GetIsTimeZoneHeaderRequired)
  if (o.legacy2007) return true;
  if (kind === 'tasks') return true;
  return kind === 'calendar' && !o.zone;
}

/** The m:CreateItem element for these items (their XML from {@link newItemXml}) in the folder with this id. */
export function createItemXml(kind: FolderKind, folderId: string, items: string[]): string {
  const invitations = kind === 'calendar' ? ' SendMeetingInvitations="SendToNone"' : '';
  return `<m:CreateItem${invitations}><m:SavedItemFolderId><t:FolderId Id="${xmlAttr(folderId)}"/></m:SavedItemFolderId><m:Items>${items.join('')}</m:Items></m:CreateItem>`;
}

/**
 * The m:DeleteItem element for these ids, as the library's DeleteItems wrote it: to Deleted Items, a calendar's
 * without cancellations, a task's with all its occurrences.
 */
export function deleteItemXml(kind: FolderKind, ids: string[]): string {
  const extra =
    kind === 'calendar'
      ? ' SendMeetingCancellations="SendToNone"'
      : kind === 'tasks'
        ? ' AffectedTaskOccurrences="AllOccurrences"'
        : '';
  let items = '';
  for (const id of ids) items += `<t:ItemId Id="${xmlAttr(id)}"/>`;
  return `<m:DeleteItem DeleteType="MoveToDeletedItems"${extra}><m:ItemIds>${items}</m:ItemIds></m:DeleteItem>`;
}
