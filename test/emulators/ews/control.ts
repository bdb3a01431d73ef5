/** Friendly field objects of the control API (acting as the user in Outlook) → stored EWS property elements. */
import { ianaFor, localDate, recurrenceNode } from './recurrence';
import { type ExtProp, ewsDate, extKey, type ItemElement, parseDate } from './store';
import { el, textEl, type XNode } from './xml';

export interface PostalAddressFields {
  street?: string;
  city?: string;
  state?: string;
  country?: string;
  postalCode?: string;
}

export interface ExtendedFieldValue {
  setId: string;
  name: string;
  value: string;
  type?: string;
}

export interface ContactFields {
  displayName?: string;
  givenName?: string;
  middleName?: string;
  surname?: string;
  title?: string;
  companyName?: string;
  department?: string;
  jobTitle?: string;
  emails?: string[];
  businessPhone?: string;
  businessPhone2?: string;
  mobilePhone?: string;
  homePhone?: string;
  businessFax?: string;
  businessAddress?: PostalAddressFields;
  homeAddress?: PostalAddressFields;
  webPage?: string;
  notes?: string;
  categories?: string[];
  extended?: ExtendedFieldValue[];
}

export interface RecurrenceFields {
  pattern: 'daily' | 'weekly' | 'monthly';
  interval?: number;
  /** Weekly: day names (Monday …). */
  days?: string[];
  numberOfOccurrences?: number;
  endDate?: string;
}

export interface AppointmentFields {
  subject?: string;
  start?: string | Date;
  end?: string | Date;
  isAllDay?: boolean;
  location?: string;
  body?: string;
  categories?: string[];
  sensitivity?: string;
  showAs?: string;
  reminderMinutes?: number | null;
  /** Windows time zone id (default Central Europe Standard Time). */
  timeZone?: string;
  attendees?: { address: string; name?: string }[];
  recurrence?: RecurrenceFields;
  folderId?: string;
  extended?: ExtendedFieldValue[];
}

export interface TaskFields {
  subject?: string;
  start?: string | Date | null;
  due?: string | Date | null;
  status?: string;
  importance?: string;
  percentComplete?: number;
  body?: string;
  categories?: string[];
  sensitivity?: string;
  folderId?: string;
  extended?: ExtendedFieldValue[];
}

export type AnyFields = ContactFields & AppointmentFields & TaskFields & Record<string, unknown>;

const PHONE_KEYS: Record<string, string> = {
  businessPhone: 'BusinessPhone',
  businessPhone2: 'BusinessPhone2',
  mobilePhone: 'MobilePhone',
  homePhone: 'HomePhone',
  businessFax: 'BusinessFax',
};

function dt(v: string | Date): string {
  const d = v instanceof Date ? v : parseDate(v);
  if (!d) throw new Error(`not a date: ${String(v)}`);
  return ewsDate(d);
}

function address(key: string, a: PostalAddressFields): XNode {
  const kids: XNode[] = [];
  if (a.street) kids.push(textEl('Street', a.street));
  if (a.city) kids.push(textEl('City', a.city));
  if (a.state) kids.push(textEl('State', a.state));
  if (a.country) kids.push(textEl('CountryOrRegion', a.country));
  if (a.postalCode) kids.push(textEl('PostalCode', a.postalCode));
  return el('Entry', { Key: key }, kids);
}

/**
 * Applies fields onto a property map (set = value, null/'' = delete). Returns extended properties to set.
 * Unknown keys starting with an upper-case letter are taken as EWS element names with a text value.
 */
export function applyFields(element: ItemElement, props: Map<string, XNode>, f: AnyFields): ExtProp[] {
  const setText = (name: string, v: unknown) => {
    if (v === undefined) return;
    if (v === null || v === '') props.delete(name);
    else props.set(name, textEl(name, String(v)));
  };
  const dict = (name: string, key: string, entry: XNode | null) => {
    const cur = props.get(name);
    const entries = (cur?.children ?? []).filter((e) => e.attrs.Key !== key);
    if (entry) entries.push(entry);
    if (entries.length) props.set(name, el(name, {}, entries));
    else props.delete(name);
  };
  if (f.subject !== undefined) setText('Subject', f.subject);
  if (f.body !== undefined)
    f.body ? props.set('Body', textEl('Body', f.body, { BodyType: 'Text' })) : props.delete('Body');
  if (f.notes !== undefined)
    f.notes ? props.set('Body', textEl('Body', f.notes, { BodyType: 'Text' })) : props.delete('Body');
  if (f.categories !== undefined)
    f.categories.length
      ? props.set(
          'Categories',
          el(
            'Categories',
            {},
            f.categories.map((c) => textEl('String', c)),
          ),
        )
      : props.delete('Categories');
  if (f.sensitivity !== undefined) setText('Sensitivity', f.sensitivity);
  if (element === 'Contact') {
    setText('DisplayName', f.displayName);
    setText('GivenName', f.givenName);
    setText('MiddleName', f.middleName);
    setText('Surname', f.surname);
    setText('CompanyName', f.companyName);
    setText('Department', f.department);
    setText('JobTitle', f.jobTitle);
    setText('BusinessHomePage', f.webPage);
    if (f.title !== undefined)
      props.set('CompleteName', el('CompleteName', {}, f.title ? [textEl('Title', f.title)] : []));
    if (f.emails !== undefined) {
      props.delete('EmailAddresses');
      for (const [i, e] of f.emails.slice(0, 3).entries())
        dict('EmailAddresses', `EmailAddress${i + 1}`, el('Entry', { Key: `EmailAddress${i + 1}` }, [], e));
    }
    for (const [k, key] of Object.entries(PHONE_KEYS)) {
      const v = f[k as keyof ContactFields];
      if (v !== undefined) dict('PhoneNumbers', key, v ? el('Entry', { Key: key }, [], String(v)) : null);
    }
    if (f.businessAddress !== undefined)
      dict(
        'PhysicalAddresses',
        'Business',
        f.businessAddress ? address('Business', f.businessAddress) : null,
      );
    if (f.homeAddress !== undefined)
      dict('PhysicalAddresses', 'Home', f.homeAddress ? address('Home', f.homeAddress) : null);
  }
  if (element === 'CalendarItem') {
    if (f.start !== undefined) setText('Start', dt(f.start as string | Date));
    if (f.end !== undefined) setText('End', dt(f.end as string | Date));
    if (f.isAllDay !== undefined) setText('IsAllDayEvent', String(f.isAllDay));
    setText('Location', f.location);
    setText('LegacyFreeBusyStatus', f.showAs);
    if (f.reminderMinutes !== undefined) {
      setText('ReminderIsSet', String(f.reminderMinutes !== null));
      setText('ReminderMinutesBeforeStart', f.reminderMinutes ?? null);
    }
    if (f.timeZone !== undefined || !props.has('StartTimeZone')) {
      const tz = f.timeZone ?? 'Central Europe Standard Time';
      props.set('StartTimeZone', el('StartTimeZone', { Id: tz }));
      props.set('EndTimeZone', el('EndTimeZone', { Id: tz }));
    }
    if (f.attendees !== undefined)
      f.attendees.length
        ? props.set(
            'RequiredAttendees',
            el(
              'RequiredAttendees',
              {},
              f.attendees.map((a) =>
                el('Attendee', {}, [
                  el('Mailbox', {}, [
                    ...(a.name ? [textEl('Name', a.name)] : []),
                    textEl('EmailAddress', a.address),
                  ]),
                ]),
              ),
            ),
          )
        : props.delete('RequiredAttendees');
    if (f.recurrence !== undefined) {
      const start = parseDate(props.get('Start')?.text);
      if (!start) throw new Error('a recurring appointment needs a start');
      const local = localDate(start, ianaFor(props.get('StartTimeZone')?.attrs.Id));
      props.set(
        'Recurrence',
        recurrenceNode(f.recurrence, local, (name, kids = [], text = '') => el(name, {}, kids, text)),
      );
    }
  }
  if (element === 'Task') {
    if (f.start !== undefined) setText('StartDate', f.start === null ? null : dt(f.start));
    if (f.due !== undefined) setText('DueDate', f.due === null ? null : dt(f.due));
    setText('Status', f.status);
    setText('Importance', f.importance);
    if (f.percentComplete !== undefined) setText('PercentComplete', f.percentComplete);
  }
  for (const [k, v] of Object.entries(f))
    if (
      /^[A-Z]/.test(k) &&
      (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null)
    )
      setText(k, v);
  return (f.extended ?? []).map((e) => {
    const uri = { PropertySetId: e.setId, PropertyName: e.name, PropertyType: e.type ?? 'String' };
    return { key: extKey(uri), uri, value: e.value };
  });
}
