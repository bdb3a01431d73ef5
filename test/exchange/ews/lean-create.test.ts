/**
 * Issue #17: the lean CreateItem writer (src-main/exchange/ews/item-xml.ts) against its oracle — the request
 * ews-javascript-api writes for the same items through applyContact / applyAppointment / setAppointmentZone and the
 * AbraId stamp (what writes.ts sent before the lean path). For a broad set of items in both dialects
 * (Exchange2010_SP2 and the Exchange 2007 legacy mode) the two m:CreateItem elements are parsed with xml-tree and
 * compared as trees: element names, namespaces, attributes and text, recursively, in order (types.xsd's item types
 * are sequences, so the order is part of the contract). Every lean request is also validated against Microsoft's
 * schema (../shared/ews/schema; Exchange 2007's own schema for the legacy dialect — "CreateItem operation",
 * https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/createitem-operation).
 */
import { describe, expect, it } from 'vitest';
import { ews } from '../../../src-main/exchange/ews/ews-lib';
import {
  appointmentXml,
  type CreateXmlOptions,
  createItemXml,
  createNeedsZoneHeader,
  deleteItemXml,
  ewsInstant,
  newItemXml,
} from '../../../src-main/exchange/ews/item-xml';
import { zoneXmlOf } from '../../../src-main/exchange/ews/lean-zone';
import { abraIdDef } from '../../../src-main/exchange/ews/map';
import { applyAppointment, applyTask } from '../../../src-main/exchange/ews/map-activity';
import { applyContact } from '../../../src-main/exchange/ews/map-contact';
import { soapEnvelope } from '../../../src-main/exchange/ews/soap';
import { newLibraryService } from '../../../src-main/exchange/ews/version';
import { stripXmlForbiddenDeep } from '../../../src-main/exchange/ews/xml-text';
import { child, NS_SOAP, parseXml, type XmlElement } from '../../../src-main/exchange/ews/xml-tree';
import type { AppointmentData, ContactData, FolderKind, TaskData } from '../../../src-main/exchange/types';
import { SyncError } from '../../../src-main/shared/errors';
import { schema2007Dir, validateFragment } from '../../emulators/ews/validate';
import {
  ews2007SkipReason,
  ewsSchemaDir,
  hasEws2007Schema,
  hasShared,
  sharedSkipReason,
  xmllintPath,
  xmllintSkipReason,
} from '../../helpers/env';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are driven reflectively, as writes.ts did
type Any = any;

const PRAGUE = 'Central Europe Standard Time';
const ENVELOPE_NS =
  'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';

interface Req<D> {
  abraId: string;
  data: D;
}

/**
 * The library's request for these new items, as writes.ts built it before the lean path (newItem, apply,
 * SetExtendedProperty(abraIdDef), service.CreateItems with SendToNone for calendars), captured at the HTTP layer.
 */
/** A library service of the dialect whose requests are recorded (and answered with an error) instead of sent. */
function capturingService(
  legacy2007: boolean,
  windowsZone: string | null,
): { service: ews.ExchangeService; sent: string[] } {
  const version = legacy2007 ? ews.ExchangeVersion.Exchange2007_SP1 : ews.ExchangeVersion.Exchange2010_SP2;
  const service = newLibraryService(version, windowsZone, 'test zone');
  service.Url = new ews.Uri('http://127.0.0.1:9/EWS/Exchange.asmx');
  service.Credentials = new ews.WebCredentials('user', 'password');
  const sent: string[] = [];
  service.XHRApi = {
    xhr: async (o: { data?: unknown }) => {
      sent.push(String(o.data));
      throw new Error('captured');
    },
    xhrStream: async () => undefined,
    disconnect: () => undefined,
    apiName: 'capture',
  } as unknown as ews.IXHRApi;
  return { service, sent };
}

async function libraryRequest(
  kind: FolderKind,
  reqs: Req<unknown>[],
  legacy2007: boolean,
  windowsZone: string | null,
): Promise<{ xml: string; service: ews.ExchangeService }> {
  const { service, sent } = capturingService(legacy2007, windowsZone);
  const items = reqs.map((r) => {
    const data = stripXmlForbiddenDeep(r.data).value;
    let item: Any;
    if (kind === 'contacts') {
      item = new ews.Contact(service);
      applyContact(item, data as ContactData, true);
    } else if (kind === 'calendar') {
      const d = data as AppointmentData;
      if (!d.start || !Number.isFinite(Date.parse(d.start)))
        throw new SyncError('validation', 'appointment without a valid start');
      if (d.end && Date.parse(d.end) < Date.parse(d.start))
        throw new SyncError('validation', 'appointment ends before it starts');
      item = new ews.Appointment(service);
      applyAppointment(item, d, true, windowsZone, legacy2007);
    } else {
      item = new ews.Task(service);
      applyTask(item, data as TaskData, true);
    }
    item.SetExtendedProperty(abraIdDef, r.abraId);
    return item;
  });
  await service
    .CreateItems(
      items,
      new ews.FolderId('AAMkFolder=='),
      null as never,
      kind === 'calendar' ? ews.SendInvitationsMode.SendToNone : (null as never),
    )
    .catch(() => undefined);
  if (sent.length !== 1) throw new Error(`the library sent ${sent.length} requests`);
  return { xml: sent[0]!, service };
}

function leanOptions(legacy2007: boolean, windowsZone: string | null): CreateXmlOptions {
  return { legacy2007, zone: zoneXmlOf(windowsZone) };
}

function leanCreate(kind: FolderKind, reqs: Req<unknown>[], o: CreateXmlOptions): string {
  return createItemXml(
    kind,
    'AAMkFolder==',
    reqs.map((r) => newItemXml(kind, stripXmlForbiddenDeep(r.data).value, r.abraId, o)),
  );
}

/** A tree as plain data: what the comparison looks at (names, namespaces, attributes, text, children in order). */
function shape(e: XmlElement): unknown {
  return { name: e.name, ns: e.ns, attrs: e.attrs, text: e.text, children: e.children.map(shape) };
}

function bodyElement(envelope: string): XmlElement {
  const body = child(parseXml(envelope), 'Body');
  const op = body?.children[0];
  if (!op) throw new Error('no operation in the soap:Body');
  return op;
}

function headerOf(envelope: string): XmlElement | undefined {
  const root = parseXml(envelope);
  expect(root.ns).toBe(NS_SOAP);
  return child(root, 'Header');
}

async function expectSame(
  kind: FolderKind,
  reqs: Req<unknown>[],
  legacy2007: boolean,
  windowsZone: string | null = PRAGUE,
): Promise<string> {
  const lib = await libraryRequest(kind, reqs, legacy2007, windowsZone);
  const o = leanOptions(legacy2007, windowsZone);
  const lean = leanCreate(kind, reqs, o);
  expect(
    shape(bodyElement(`<soap:Envelope ${ENVELOPE_NS}><soap:Body>${lean}</soap:Body></soap:Envelope>`)),
  ).toEqual(shape(bodyElement(lib.xml)));
  // the TimeZoneContext header: the library's decision, mirrored by createNeedsZoneHeader; and the whole envelope
  // as soap.ts sends it equals the library's
  expect(!!child(headerOf(lib.xml), 'TimeZoneContext')).toBe(createNeedsZoneHeader(kind, o));
  const sent = soapEnvelope(lib.service, lean, createNeedsZoneHeader(kind, o));
  expect(shape(parseXml(sent))).toEqual(shape(parseXml(lib.xml)));
  return lean;
}

// ---------- the items ----------

const CZECH =
  'Příliš žluťoučký kůň úpěl ďábelské ódy. Ěščřžýáíé ůú ŇŤĎ — „uvozovky“ ‚jednoduché‘ … € § ° ×÷ 😀\n'.repeat(
    60,
  );
const HOSTILE = `Novák & syn <s.r.o.> "uvozovky" 'apostrof' ]]> &amp; \t tab \r\n CRLF \r CR`;
const C0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
const FORBIDDEN = `a${C0}b \uD800 lone \uDC00 \uFFFE \uFFFF z`;

const CONTACT_FULL: ContactData = {
  displayName: 'Ing. Jan Novák',
  givenName: 'Jan',
  middleName: 'Karel',
  surname: 'Novák',
  title: 'Ing.',
  companyName: 'Novák & syn s.r.o.',
  department: 'Obchod <B2B>',
  jobTitle: 'Jednatel "hlavní"',
  emails: ['jan@novak.cz', 'jan.novak@example.com', 'j&n@example.cz'],
  businessPhone: '+420 111 222 333',
  businessPhone2: '+420 111 222 334',
  mobilePhone: '+420 777 888 999',
  homePhone: '+420 222 333 444',
  businessFax: '+420 111 222 335',
  businessAddress: {
    street: 'Hlavní 1',
    city: 'Praha',
    postalCode: '110 00',
    state: 'Hl. m. Praha',
    country: 'Česká republika',
  },
  homeAddress: { street: 'Vedlejší 2', city: 'Brno', postalCode: '602 00', state: 'JMK', country: 'CZ' },
  webPage: 'https://novak.cz/?a=1&b=2',
  notes: `Poznámka\r\nna dva řádky & <tag>`,
  categories: ['ABRA', 'Zákazník & partner'],
};

const CONTACTS: [string, ContactData][] = [
  ['every field set', CONTACT_FULL],
  ['no field at all', {}],
  [
    'every field empty',
    {
      displayName: '',
      givenName: '',
      middleName: '',
      surname: '',
      title: '',
      companyName: '',
      department: '',
      jobTitle: '',
      emails: [],
      businessPhone: '',
      businessPhone2: '',
      mobilePhone: '',
      homePhone: '',
      businessFax: '',
      businessAddress: {},
      homeAddress: { street: '', city: '' },
      webPage: '',
      notes: '',
      categories: [],
    },
  ],
  ['a firm only', { displayName: 'Novák & syn', companyName: 'Novák & syn' }],
  [
    'gaps in the e-mails, one phone, a half address',
    {
      surname: 'Dvořák',
      emails: ['', 'druhy@example.cz', ''],
      mobilePhone: '+420 600 000 000',
      homeAddress: { city: 'Ostrava' },
      businessAddress: { country: 'SK', postalCode: '811 01' },
    },
  ],
  [
    'hostile text everywhere',
    {
      displayName: HOSTILE,
      givenName: `${HOSTILE}</t:GivenName><t:Surname>INJECTED`,
      surname: HOSTILE,
      title: HOSTILE,
      companyName: HOSTILE,
      emails: [`a&b@example.cz`],
      businessAddress: { street: HOSTILE, city: HOSTILE },
      notes: HOSTILE,
      categories: [HOSTILE],
    },
  ],
  [
    'characters XML cannot carry',
    {
      displayName: FORBIDDEN,
      surname: FORBIDDEN,
      notes: FORBIDDEN,
      businessPhone: FORBIDDEN,
      homeAddress: { street: FORBIDDEN },
      categories: [FORBIDDEN],
    },
  ],
  [
    'long Czech text',
    { displayName: 'Žluťoučký kůň', surname: 'Kůň', notes: CZECH, jobTitle: CZECH.slice(0, 200) },
  ],
];

const START = '2026-12-07T08:00:00.000Z';
const END = '2026-12-07T09:30:00.000Z';
const APPOINTMENTS: [string, AppointmentData][] = [
  [
    'every field set',
    {
      subject: 'Porada & plán <Q1>',
      start: START,
      end: END,
      isAllDay: false,
      location: 'Zasedačka "A" & B',
      body: `Program:\r\n1. rozpočet & <výhled>`,
      sensitivity: 'Private',
      showAs: 'Tentative',
      categories: ['ABRA', 'Schůzka'],
      reminderMinutesBeforeStart: 15,
      attendees: [{ address: 'a@example.cz' }],
      organizer: { address: 'o@example.cz', name: 'Organizátor' },
    },
  ],
  ['the least: a subject and a start', { subject: '', start: START, end: '' }],
  [
    'all-day (midnight to midnight in Prague)',
    {
      subject: 'Dovolená',
      start: '2026-12-23T23:00:00.000Z',
      end: '2026-12-26T23:00:00.000Z',
      isAllDay: true,
      showAs: 'OOF',
    },
  ],
  [
    'cleared fields: empty location and categories, reminder off',
    {
      subject: 'Bez připomenutí',
      start: START,
      end: END,
      location: '',
      categories: [],
      reminderMinutesBeforeStart: null,
      sensitivity: 'Confidential',
      showAs: 'Free',
    },
  ],
  [
    'summer time, milliseconds, a zero-length meeting',
    {
      subject: 'Léto',
      start: '2026-07-01T06:15:30.123Z',
      end: '2026-07-01T06:15:30.123Z',
      reminderMinutesBeforeStart: 0,
      showAs: 'NoData',
    },
  ],
  ['working elsewhere', { subject: 'Home office', start: START, end: END, showAs: 'WorkingElsewhere' }],
  [
    'a start given with an offset',
    { subject: 'Offset', start: '2026-12-07T09:00:00+01:00', end: '2026-12-07T10:00:00+01:00' },
  ],
  [
    'hostile text',
    { subject: HOSTILE, start: START, end: END, location: HOSTILE, body: HOSTILE, categories: [HOSTILE] },
  ],
  [
    'characters XML cannot carry',
    { subject: FORBIDDEN, start: START, end: END, body: FORBIDDEN, location: FORBIDDEN },
  ],
  [
    'long Czech body',
    { subject: 'Dlouhé', start: START, end: END, body: CZECH, sensitivity: 'Personal', showAs: 'Busy' },
  ],
];

const TASKS: [string, TaskData][] = [
  [
    'every field set (in progress)',
    {
      subject: 'Zavolat Novák & syn',
      start: '2026-12-06T23:00:00.000Z',
      due: '2026-12-09T23:00:00.000Z',
      completedAt: '2026-12-08T10:00:00.000Z',
      status: 'InProgress',
      importance: 'High',
      percentComplete: 40,
      body: 'Připomenout <nabídku> & "slevu"',
      sensitivity: 'Private',
      categories: ['ABRA', 'Úkol'],
    },
  ],
  ['the least: no dates, not started', { subject: '', status: 'NotStarted' }],
  [
    'completed with its date (percent not written)',
    {
      subject: 'Hotovo',
      start: null,
      due: '2026-12-01T23:00:00.000Z',
      completedAt: '2026-12-02T12:34:56.000Z',
      status: 'Completed',
      percentComplete: 100,
      importance: 'Low',
    },
  ],
  ['completed without a date', { subject: 'Hotovo bez data', status: 'Completed', completedAt: null }],
  [
    'waiting on others, 0 %',
    { subject: 'Čeká', status: 'WaitingOnOthers', percentComplete: 0, due: '2026-12-20T23:00:00.000Z' },
  ],
  [
    'deferred, start only, empty categories',
    { subject: 'Odloženo', status: 'Deferred', start: '2027-01-04T23:00:00.000Z', categories: [] },
  ],
  [
    'not started ignores a percentage and a completion date',
    {
      subject: 'Nezačato',
      status: 'NotStarted',
      percentComplete: 50,
      completedAt: '2026-12-02T12:00:00.000Z',
    },
  ],
  ['an unknown status is written as NotStarted', { subject: 'Divné', status: 'Bogus' as TaskData['status'] }],
  ['hostile text', { subject: HOSTILE, status: 'InProgress', body: HOSTILE, categories: [HOSTILE] }],
  ['characters XML cannot carry', { subject: FORBIDDEN, status: 'NotStarted', body: FORBIDDEN }],
  ['long Czech body', { subject: 'Dlouhý', status: 'NotStarted', body: CZECH }],
];

/** Exchange 2007 has no WorkingElsewhere: that item is refused there (a deliberate difference, tested below). */
const appointmentsFor = (legacy: boolean) =>
  legacy ? APPOINTMENTS.filter(([, d]) => d.showAs !== 'WorkingElsewhere') : APPOINTMENTS;

const DIALECTS = [
  ['Exchange2010_SP2', false],
  ['Exchange2007_SP1 (legacy)', true],
] as const;

describe('lean CreateItem = the library’s CreateItem (oracle, compared as XML trees)', () => {
  for (const [dialect, legacy] of DIALECTS) {
    describe(dialect, () => {
      it.each(CONTACTS)('contact: %s', async (_name, data) => {
        await expectSame('contacts', [{ abraId: 'A-1', data }], legacy);
      });
      it.each(appointmentsFor(legacy))('appointment in Europe/Prague: %s', async (_name, data) => {
        await expectSame('calendar', [{ abraId: 'A-2', data }], legacy);
      });
      it.each(TASKS)('task: %s', async (_name, data) => {
        await expectSame('tasks', [{ abraId: 'A-3', data }], legacy);
      });
      it.each([
        'Pacific Standard Time',
        'UTC',
        'Tokyo Standard Time',
        'GMT Standard Time',
        'E. South America Standard Time',
        'India Standard Time',
      ])('appointments in %s', async (zone) => {
        await expectSame(
          'calendar',
          appointmentsFor(legacy).map(([, data], i) => ({ abraId: `Z-${i}`, data })),
          legacy,
          zone,
        );
      });
      it('a whole batch of each kind in one request, in order, with hostile AbraIds', async () => {
        const ids = (n: number) => Array.from({ length: n }, (_, i) => `ID-${i} & <${i}> "${i}"`);
        await expectSame(
          'contacts',
          CONTACTS.map(([, data], i) => ({ abraId: ids(CONTACTS.length)[i]!, data })),
          legacy,
        );
        await expectSame(
          'tasks',
          TASKS.map(([, data], i) => ({ abraId: ids(TASKS.length)[i]!, data })),
          legacy,
        );
      });
    });
  }

  it('Exchange 2010+: a zone the library does not know — no StartTimeZone/EndTimeZone, the TimeZoneContext header instead', async () => {
    const lean = await expectSame('calendar', [{ abraId: 'N-1', data: APPOINTMENTS[0]![1] }], false, null);
    expect(lean).not.toContain('TimeZone');
  });

  it('Exchange 2007: no zone is refused for appointments before anything is sent (as the library refused it)', () => {
    expect(() =>
      appointmentXml({ subject: 'x', start: START, end: END }, 'A', { legacy2007: true, zone: null }),
    ).toThrow(/Exchange 2007 needs the appointment's time zone/);
  });

  it('invalid appointments are refused as before: no valid start, an end before the start', () => {
    const o = leanOptions(false, PRAGUE);
    for (const d of [
      { subject: 'x', start: '', end: END },
      { subject: 'x', start: 'not a date', end: END },
      { subject: 'x', start: END, end: START },
    ]) {
      let err: unknown;
      try {
        appointmentXml(d, 'A', o);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SyncError);
      expect((err as SyncError).kind).toBe('validation');
    }
  });

  it('instants are written as the library writes them: UTC, milliseconds, +00:00', () => {
    expect(ewsInstant('2026-12-07T09:00:00+01:00')).toBe('2026-12-07T08:00:00.000+00:00');
    expect(ewsInstant('2026-07-01T06:15:30.123Z')).toBe('2026-07-01T06:15:30.123+00:00');
    expect(() => ewsInstant('yesterday')).toThrow(SyncError);
  });

  it('deliberate difference: an unknown enum value is a validation error, not whatever the library made of it', () => {
    // The library set `enum[value]` = undefined for a name it does not know and wrote an element the schema refuses
    // (a whole-batch ErrorSchemaValidation); the types do not allow such values, so the lean writer refuses the item.
    const o = leanOptions(false, PRAGUE);
    expect(() =>
      appointmentXml({ subject: 'x', start: START, end: END, showAs: 'Away' as never }, 'A', o),
    ).toThrow(/unknown free\/busy status: Away/);
    expect(() =>
      newItemXml('tasks', { subject: 'x', status: 'NotStarted', importance: 'Urgent' }, 'A', o),
    ).toThrow(/unknown importance: Urgent/);
    // Exchange 2007's LegacyFreeBusyType has no WorkingElsewhere: the library wrote it and the whole batch failed
    // schema validation (ErrorSchemaValidation); the lean writer refuses that one item instead
    const legacy = leanOptions(true, PRAGUE);
    const we: AppointmentData = { subject: 'x', start: START, end: END, showAs: 'WorkingElsewhere' };
    expect(() => appointmentXml(we, 'A', legacy)).toThrow(/unknown free\/busy status: WorkingElsewhere/);
    expect(appointmentXml(we, 'A', o)).toContain('<t:LegacyFreeBusyStatus>WorkingElsewhere<');
    expect(() => newItemXml('mail', {}, 'A', o)).toThrow(/does not create items in mail folders/);
  });
});

describe('lean DeleteItem = the library’s DeleteItems (oracle: the whole envelope as a tree)', () => {
  // (an empty id is a deliberate difference: the library wrote <t:ItemId/> without the required Id and the whole
  // batch failed schema validation; writes.ts refuses that one id before sending — lean-writes.test.ts)
  const IDS = ['AAMkAGI2TG93AAA=', 'id & <hostile> "quoted"\t\n', 'AAMkAGI2TG93AAB='];
  for (const [dialect, legacy] of DIALECTS) {
    it.each(['contacts', 'calendar', 'tasks'] as const)(`${dialect}: %s`, async (kind) => {
      const { service, sent } = capturingService(legacy, PRAGUE);
      await service
        .DeleteItems(
          IDS.map((id) => new ews.ItemId(id)),
          ews.DeleteMode.MoveToDeletedItems,
          kind === 'calendar' ? ews.SendCancellationsMode.SendToNone : (null as never),
          kind === 'tasks' ? ews.AffectedTaskOccurrence.AllOccurrences : (null as never),
        )
        .catch(() => undefined);
      expect(sent).toHaveLength(1);
      const lean = soapEnvelope(service, deleteItemXml(kind, IDS));
      expect(shape(parseXml(lean))).toEqual(shape(parseXml(sent[0]!)));
    });
  }
});

// ---------- the schema ----------

function envelopeFor(bodyXml: string): string {
  // the fragment validated is the operation element (m:CreateItem, m:DeleteItem) with the namespaces it uses
  return bodyXml.replace(
    /^<m:(\w+)/,
    '<m:$1 xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"',
  );
}

const xsdSkip = !hasShared ? sharedSkipReason : !xmllintPath ? xmllintSkipReason : '';
const xsd2007Skip = !hasEws2007Schema ? ews2007SkipReason : !xmllintPath ? xmllintSkipReason : '';

async function expectValid(body: string, schemaDir: string): Promise<void> {
  const r = await validateFragment(envelopeFor(body), schemaDir, xmllintPath);
  expect(r.errors).toEqual([]);
  expect(r.ok).toBe(true);
}

function allLean(legacy: boolean): [string, string][] {
  const o = leanOptions(legacy, PRAGUE);
  return [
    [
      'contacts',
      leanCreate(
        'contacts',
        CONTACTS.map(([, data], i) => ({ abraId: `C-${i}`, data })),
        o,
      ),
    ],
    [
      'calendar',
      leanCreate(
        'calendar',
        appointmentsFor(legacy).map(([, data], i) => ({ abraId: `E-${i}`, data })),
        o,
      ),
    ],
    [
      'tasks',
      leanCreate(
        'tasks',
        TASKS.map(([, data], i) => ({ abraId: `T-${i}`, data })),
        o,
      ),
    ],
  ];
}

describe.skipIf(!!xsdSkip)(`lean CreateItem requests validate against messages.xsd ${xsdSkip}`, () => {
  it.each(allLean(false))('Exchange2010_SP2: %s', async (_kind, body) => {
    await expectValid(body, ewsSchemaDir);
  });
  it('DeleteItem of each kind', async () => {
    for (const kind of ['contacts', 'calendar', 'tasks'] as const)
      await expectValid(deleteItemXml(kind, ['A=', 'B & <c>']), ewsSchemaDir);
  });
  it('a zone-less 2010 appointment validates too', async () => {
    const o = leanOptions(false, null);
    await expectValid(leanCreate('calendar', [{ abraId: 'Z', data: APPOINTMENTS[0]![1] }], o), ewsSchemaDir);
  });
});

describe.skipIf(!!xsd2007Skip)(
  `lean CreateItem requests validate against Exchange 2007's schema ${xsd2007Skip}`,
  () => {
    for (const variant of ['sp2plus', 'sp1'] as const) {
      it.each(allLean(true))(`Exchange2007_SP1 (${variant} schema): %s`, async (_kind, body) => {
        await expectValid(body, schema2007Dir(variant));
      });
    }
  },
);
