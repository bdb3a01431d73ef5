/**
 * MAPI property tags that ARE standard EWS fields on a real Exchange store: an ExtendedFieldURI with
 * PropertyTag 0x0037 reads and writes the same value as item:Subject, and so on. Exchange keeps one MAPI property
 * per value; EWS's FieldURIs are names for some of them ([MS-OXPROPS]; "Properties and extended properties in EWS in
 * Exchange", https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/properties-and-extended-properties-in-ews-in-exchange).
 * Without this, a title typed in Outlook (CompleteName/Title) was invisible to a client that reads
 * PidTagDisplayNamePrefix (0x3A45), as the product does.
 *
 * Also: a named property addressed by its well-known property set name (DistinguishedPropertySetId="PublicStrings")
 * or by that set's GUID (PropertySetId="00020329-…") is one property ({@link canonicalSet}).
 */
import { el, textEl, type XNode } from './xml';

/** DistinguishedPropertySetId → its GUID ([MS-OXPROPS] 1.3.2; "DistinguishedPropertySetId" in the EWS reference). */
export const PROPERTY_SETS: Record<string, string> = {
  meeting: '6ed8da90-450b-101b-98da-00aa003f1305',
  appointment: '00062002-0000-0000-c000-000000000046',
  common: '00062008-0000-0000-c000-000000000046',
  publicstrings: '00020329-0000-0000-c000-000000000046',
  address: '00062004-0000-0000-c000-000000000046',
  internetheaders: '00020386-0000-0000-c000-000000000046',
  calendarassistant: '11000e07-b51b-40d6-af21-caa85edab1d0',
  unifiedmessaging: '4442858e-a9e3-4e80-b900-317a210cc15b',
  task: '00062003-0000-0000-c000-000000000046',
  sharing: '00062040-0000-0000-c000-000000000046',
};

/** The property set of an ExtendedFieldURI as a lower-case GUID (a distinguished name is replaced by its GUID). */
export function canonicalSet(uri: Record<string, string>): string {
  const d = uri.DistinguishedPropertySetId?.toLowerCase();
  if (d) return PROPERTY_SETS[d] ?? d;
  return (uri.PropertySetId ?? '').toLowerCase();
}

export interface Alias {
  /** The standard field it is. */
  field: string;
  get(props: Map<string, XNode>): string | undefined;
  /** undefined = delete. */
  set(props: Map<string, XNode>, value: string | undefined): void;
}

const simple = (field: string): Alias => ({
  field,
  get: (p) => p.get(field)?.text,
  set: (p, v) => (v === undefined ? p.delete(field) : p.set(field, textEl(field, v))),
});

/** PidTagDisplayNamePrefix: the Title inside CompleteName (Outlook's "Title" box). */
const title: Alias = {
  field: 'CompleteName/Title',
  get: (p) => p.get('CompleteName')?.children.find((c) => c.name === 'Title')?.text,
  set: (p, v) => {
    const others = (p.get('CompleteName')?.children ?? []).filter((c) => c.name !== 'Title');
    const kids = v === undefined || v === '' ? others : [textEl('Title', v), ...others];
    if (kids.length) p.set('CompleteName', el('CompleteName', {}, kids));
    else p.delete('CompleteName');
  },
};

const bool = (field: string): Alias => ({
  field,
  get: (p) => {
    const v = p.get(field)?.text;
    return v === undefined ? undefined : v === 'true' ? 'true' : 'false';
  },
  set: (p, v) => (v === undefined ? p.delete(field) : p.set(field, textEl(field, v === '1' ? 'true' : v))),
});

/** Property tag → the field, for the item elements it applies to (any when `on` is absent). */
const TAGS: Record<number, { alias: Alias; on?: string[] }> = {
  26: { alias: simple('ItemClass') }, // PidTagMessageClass
  55: { alias: simple('Subject') }, // PidTagSubject (PR_SUBJECT)
  3613: { alias: simple('Subject') }, // PidTagNormalizedSubject (no prefix stored by the emulator)
  23: { alias: simple('Importance') }, // PidTagImportance (as EWS's enumeration text)
  54: { alias: simple('Sensitivity') }, // PidTagSensitivity (as EWS's enumeration text)
  12289: { alias: simple('DisplayName'), on: ['Contact', 'DistributionList'] }, // PidTagDisplayName
  14854: { alias: simple('GivenName'), on: ['Contact'] }, // PidTagGivenName
  14865: { alias: simple('Surname'), on: ['Contact'] }, // PidTagSurname
  14916: { alias: simple('MiddleName'), on: ['Contact'] }, // PidTagMiddleName
  14870: { alias: simple('CompanyName'), on: ['Contact'] }, // PidTagCompanyName
  14872: { alias: simple('Department'), on: ['Contact'] }, // PidTagDepartmentName
  14871: { alias: simple('JobTitle'), on: ['Contact'] }, // PidTagTitle (the job title)
  14917: { alias: title, on: ['Contact'] }, // PidTagDisplayNamePrefix (Ing., Dr.)
};

/** Named properties ([MS-OXPROPS]) that are standard fields: `${set GUID}|${LID}`. */
const NAMED: Record<string, { alias: Alias; on?: string[] }> = {
  [`${PROPERTY_SETS.appointment}|${0x8223}`]: { alias: bool('IsRecurring'), on: ['CalendarItem'] }, // PidLidRecurring
  [`${PROPERTY_SETS.appointment}|${0x8215}`]: { alias: bool('IsAllDayEvent'), on: ['CalendarItem'] }, // PidLidAppointmentSubType
  [`${PROPERTY_SETS.appointment}|${0x8208}`]: { alias: simple('Location'), on: ['CalendarItem'] }, // PidLidLocation
};

function tagOf(uri: Record<string, string>): number | undefined {
  const t = uri.PropertyTag;
  if (!t) return undefined;
  const n = Number.parseInt(t, /^0x/i.test(t) ? 16 : 10);
  return Number.isFinite(n) ? n : undefined;
}

/** The standard field an ExtendedFieldURI names on items of `element`, if it is one. */
export function aliasOf(uri: Record<string, string>, element: string): Alias | undefined {
  const t = tagOf(uri);
  let hit: { alias: Alias; on?: string[] } | undefined;
  if (t !== undefined) hit = TAGS[t];
  else if (uri.PropertyId !== undefined) {
    const id = Number.parseInt(uri.PropertyId, /^0x/i.test(uri.PropertyId) ? 16 : 10);
    hit = NAMED[`${canonicalSet(uri)}|${id}`];
  }
  if (!hit || (hit.on && !hit.on.includes(element))) return undefined;
  return hit.alias;
}

/** PR_CONTAINER_CLASS (0x3613) is a folder's FolderClass. */
export function isFolderClassTag(uri: Record<string, string>): boolean {
  return tagOf(uri) === 0x3613;
}
