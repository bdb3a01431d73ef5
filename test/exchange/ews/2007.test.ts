/**
 * Exchange 2007 legacy mode (#19) against the emulator's Exchange 2007 profiles, whose requests are validated
 * against Exchange 2007's own schema (../shared/ews/schema-2007-sp2plus, schema-2007-sp1; see
 * ../shared/ews/README.md and ../shared/notes/exchange-2007.md) and whose answers are checked against it too.
 * Legacy TLS runs against a loopback TLS 1.0 server and needs no ../shared.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPolicy, NO_POLICY, parsePolicy } from '../../../src-main/app/policy';
import {
  EwsBackend,
  type EwsBackendOptions,
  type EwsConnection,
} from '../../../src-main/exchange/ews/backend';
import { ews } from '../../../src-main/exchange/ews/ews-lib';
import { propsFor } from '../../../src-main/exchange/ews/properties';
import type { CalendarEvent, ContactItem, TaskItem } from '../../../src-main/exchange/types';
import { SyncError } from '../../../src-main/shared/errors';
import { tr } from '../../../src-main/shared/messages';
import { type EwsEmulator, type EwsEmulatorOptions, startEwsEmulator } from '../../emulators/ews/index';
import {
  ews2007SkipReason,
  hasEws2007Schema,
  repoRoot,
  xmllintPath,
  xmllintSkipReason,
} from '../../helpers/env';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are inspected reflectively
type Any = any;

const canRun = hasEws2007Schema && !!xmllintPath;
const skipReason = !hasEws2007Schema ? ews2007SkipReason : xmllintSkipReason;
const SPECIAL = `A & B <c> "d" 'e'`;

const running: { emu: EwsEmulator; b: EwsBackend[] }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    for (const b of r.b) await b.close();
    await r.emu.stop();
  }
});

async function emulator(o: EwsEmulatorOptions): Promise<EwsEmulator> {
  const emu = await startEwsEmulator(o);
  running.push({ emu, b: [] });
  return emu;
}

/** An XhrApi that records the request bodies (the library's real one underneath). */
function spy(sent: string[]) {
  const { XhrApi } = createRequire(import.meta.url)('@ewsjs/xhr') as { XhrApi: new (o: unknown) => Any };
  const real = new XhrApi({ timeout: 30_000 });
  return {
    xhr: (o: { data?: unknown }, p?: unknown) => {
      if (typeof o.data === 'string') sent.push(o.data);
      return real.xhr(o, p);
    },
    xhrStream: (o: unknown, p: unknown) => real.xhrStream(o, p),
    disconnect: () => real.disconnect(),
    apiName: 'spy',
  };
}

function backend(
  emu: EwsEmulator,
  conn: Partial<EwsConnection> = {},
  opts: EwsBackendOptions = {},
  sent?: string[],
): EwsBackend {
  const b = new EwsBackend(
    { email: emu.email, ewsUrl: emu.url, user: emu.user, timeZone: 'Europe/Prague', ...conn },
    { password: emu.password },
    {
      transport: { baseDelayMs: 5, maxBackoffMs: 50, maxRetries: 2 },
      ...opts,
      ...(sent ? { xhr: spy(sent) } : {}),
    },
  );
  running.find((r) => r.emu === emu)?.b.push(b);
  return b;
}

/** Local wall-clock time in Prague (HH:MM) and date of an instant. */
const prague = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Prague',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));

/** POST a raw SOAP envelope to the emulator with Basic authentication. */
async function post(emu: EwsEmulator, xml: string, auth?: string) {
  const r = await fetch(emu.url, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: auth ?? `Basic ${Buffer.from(`${emu.user}:${emu.password}`).toString('base64')}`,
    },
    body: xml,
  });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

const envelope = (header: string, body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
const getInbox =
  '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';

describe.skipIf(!canRun)('Exchange 2007 emulator profile (Microsoft docs cited per behaviour)', () => {
  // https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/requestserverversion:
  // 2007's schema pins Version="Exchange2007_SP1"; responsecode.md: ErrorInvalidServerVersion
  it('RequestServerVersion other than Exchange2007_SP1 → ErrorInvalidServerVersion; Exchange2007_SP1 → ServerVersionInfo 8.3', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3' });
    expect(emu.validatesRequests).toBe(true);
    const bad = await post(emu, envelope('<t:RequestServerVersion Version="Exchange2010_SP2"/>', getInbox));
    expect(bad.status).toBe(500);
    expect(bad.text).toContain(
      '<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorInvalidServerVersion<',
    );
    const ok = await post(emu, envelope('<t:RequestServerVersion Version="Exchange2007_SP1"/>', getInbox));
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/ServerVersionInfo MajorVersion="8" MinorVersion="3"/);
    expect(ok.text).not.toMatch(/ServerVersionInfo[^>]*Version="Exchange/);
  });

  // time-zones-and-ews-in-exchange.md + 2007 schema diff (notes §2): no StartTimeZone, no SyncScope in 2007
  it("2007's schema refuses StartTimeZone and SyncScope (ErrorSchemaValidation)", async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3' });
    const rsv = '<t:RequestServerVersion Version="Exchange2007_SP1"/>';
    const sync = await post(
      emu,
      envelope(
        rsv,
        '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId><m:MaxChangesReturned>10</m:MaxChangesReturned><m:SyncScope>NormalItems</m:SyncScope></m:SyncFolderItems>',
      ),
    );
    expect(sync.status).toBe(500);
    expect(sync.text).toContain('ErrorSchemaValidation');
    const create = await post(
      emu,
      envelope(
        rsv,
        '<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>x</t:Subject><t:Start>2026-03-02T08:00:00Z</t:Start><t:End>2026-03-02T09:00:00Z</t:End><t:StartTimeZone Id="Central Europe Standard Time"/></t:CalendarItem></m:Items></m:CreateItem>',
      ),
    );
    expect(create.status).toBe(500);
    expect(create.text).toContain('ErrorSchemaValidation');
  });

  // ee332397(v=exchg.80): TimeZoneContext "introduced in Exchange Server 2007 Service Pack 2"; absent from SP1's schema
  it('the SP1 profile refuses the TimeZoneContext header, SP3 takes it', async () => {
    const tzc =
      '<t:RequestServerVersion Version="Exchange2007_SP1"/><t:TimeZoneContext><t:TimeZoneDefinition Id="Central Europe Standard Time"/></t:TimeZoneContext>';
    const sp1 = await emulator({ version: 'Exchange2007_SP1' });
    const r1 = await post(sp1, envelope(tzc, getInbox));
    expect(r1.status).toBe(500);
    expect(r1.text).toContain('ErrorSchemaValidation');
    const r1ok = await post(sp1, envelope('<t:RequestServerVersion Version="Exchange2007_SP1"/>', getInbox));
    expect(r1ok.text).toMatch(/MajorVersion="8" MinorVersion="1"/);
    const sp3 = await emulator({ version: 'Exchange2007_SP3' });
    expect((await post(sp3, envelope(tzc, getInbox))).status).toBe(200);
  });

  // authentication-and-ews-in-exchange.md: OAuth is Exchange Online / 2013+; 2007 on premises is NTLM or Basic
  it('Bearer tokens are refused and not offered (Basic/NTLM only)', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3' });
    const r = await post(
      emu,
      envelope('<t:RequestServerVersion Version="Exchange2007_SP1"/>', getInbox),
      `Bearer ${emu.issueToken()}`,
    );
    expect(r.status).toBe(401);
    const challenge = r.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('NTLM');
    expect(challenge).toContain('Basic');
    expect(challenge).not.toContain('Bearer');
  });
});

describe('Exchange 2007 profiles without the schema (no ../shared): the built-in checks', () => {
  it('still refuse newer versions, 2010+ elements and (SP1) the TimeZoneContext header', async () => {
    const rsv = '<t:RequestServerVersion Version="Exchange2007_SP1"/>';
    const sp3 = await emulator({ version: 'Exchange2007_SP3', validateRequests: false });
    expect(sp3.validatesRequests).toBe(false);
    const v = await post(sp3, envelope('<t:RequestServerVersion Version="Exchange2013"/>', getInbox));
    expect(v.text).toContain('ErrorInvalidServerVersion');
    const sync = await post(
      sp3,
      envelope(
        rsv,
        '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId><m:MaxChangesReturned>10</m:MaxChangesReturned><m:SyncScope>NormalItems</m:SyncScope></m:SyncFolderItems>',
      ),
    );
    expect(sync.status).toBe(500);
    expect(sync.text).toContain('ErrorSchemaValidation');
    const field = await post(
      sp3,
      envelope(
        rsv,
        '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:ConversationId"/></t:AdditionalProperties></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>',
      ),
    );
    expect(field.text).toContain('ErrorSchemaValidation');
    expect((await post(sp3, envelope(rsv, getInbox))).status).toBe(200);
    const sp1 = await emulator({ version: 'Exchange2007_SP1', validateRequests: false });
    const tz = await post(
      sp1,
      envelope(
        `${rsv}<t:TimeZoneContext><t:TimeZoneDefinition Id="Central Europe Standard Time"/></t:TimeZoneContext>`,
        getInbox,
      ),
    );
    expect(tz.text).toContain('ErrorSchemaValidation');
  });
});

describe('`npm run emulator -- ews --version 2007sp3`', () => {
  const cli = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'test/emulators/cli.ts', 'ews', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('starts the Exchange 2007 SP3 profile: 8.3 answers, Exchange2010_SP2 refused; an unknown profile is a usage error', async () => {
    const child = cli(['--port', '0', '--size', 'small', '--version', '2007sp3']);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
        setTimeout(() => reject(new Error('no JSON line within 20 s')), 20_000);
      });
      const info = JSON.parse(line) as { url: string; user: string; password: string; version: string };
      expect(info.version).toBe('Exchange2007_SP3');
      const emu = { url: info.url, user: info.user, password: info.password } as EwsEmulator;
      const ok = await post(emu, envelope('<t:RequestServerVersion Version="Exchange2007_SP1"/>', getInbox));
      expect(ok.text).toMatch(/MajorVersion="8" MinorVersion="3"/);
      const bad = await post(emu, envelope('<t:RequestServerVersion Version="Exchange2010_SP2"/>', getInbox));
      expect(bad.text).toContain('ErrorInvalidServerVersion');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    const wrong = cli(['--port', '0', '--version', '2003']);
    let err = '';
    wrong.stderr.on('data', (d) => {
      err += String(d);
    });
    expect(await new Promise((resolve) => wrong.once('exit', resolve))).toBe(2);
    expect(err).toMatch(/emulator: --version must be one of .*2007sp1.*2007sp3.*, got 2003/);
  }, 40_000);
});

describe.skipIf(!canRun)('EWS backend in Exchange 2007 legacy mode', () => {
  it('detects Exchange 2007 SP3 from ServerVersionInfo after one version fault; the connection test names version and mode', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3', checkResponses: true });
    const b = backend(emu);
    const info = await b.testConnection();
    expect(info.serverVersion).toBe('Exchange 2007 SP3 8.3.83.6, legacy mode');
    expect(info.legacyMode).toBe('exchange2007');
    expect(info.unsupported).toBeUndefined();
    expect(b.serverMode).toMatchObject({
      requestVersion: 'Exchange2007_SP1',
      legacy2007: true,
      major: 8,
      minor: 3,
    });
    const faults = emu.log.entries().filter((e) => e.status !== 200);
    expect(faults.map((e) => e.responseCode)).toEqual(['ErrorInvalidServerVersion']);
    // later calls speak 2007 from the start
    emu.log.reset();
    await b.getFolder('calendar');
    expect(emu.log.entries().every((e) => e.status === 200)).toBe(true);
    expect(emu.responseViolations()).toEqual([]);
  });

  it("stays in today's mode against 2010 SP2 and 2016; a 2007 mode remembered in the state goes back at the first answer", async () => {
    for (const version of ['Exchange2010_SP2', 'Exchange2016'] as const) {
      const emu = await emulator({ version });
      const b = backend(emu);
      const info = await b.testConnection();
      expect(info.legacyMode).toBeUndefined();
      expect(b.serverMode.requestVersion).toBe('Exchange2010_SP2');
      expect(emu.log.entries().filter((e) => e.status !== 200)).toEqual([]);
    }
    const emu = await emulator({ version: 'Exchange2016' });
    const b = backend(emu);
    const cal = emu.control.folderId('calendar');
    await b.getFolder('calendar', undefined, {
      known: { id: cal, kind: 'calendar', displayName: 'Calendar', ewsVersion: 'Exchange2007_SP1' },
    });
    expect(b.serverMode).toMatchObject({ requestVersion: 'Exchange2007_SP1', source: 'state' });
    await b.getChanges({ id: cal, kind: 'calendar', displayName: 'Calendar' }, null);
    expect(b.serverMode).toMatchObject({ requestVersion: 'Exchange2010_SP2', legacy2007: false, major: 15 });
  });

  it('the admin may pin the version: Exchange2007_SP1 sends nothing else; Exchange2010_SP2 against 2007 fails clearly, no re-detection', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3' });
    const pinned = backend(emu, { serverVersion: 'Exchange2007_SP1' });
    await pinned.testConnection();
    expect(emu.log.entries().filter((e) => e.status !== 200)).toEqual([]);
    expect(pinned.serverMode.source).toBe('admin');
    emu.log.reset();
    const wrong = backend(emu, { serverVersion: 'Exchange2010_SP2' });
    const err = await wrong.testConnection().catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).code).toBe('ErrorInvalidServerVersion');
    expect(emu.log.entries().map((e) => e.operation)).toEqual(['GetFolder']);
  });

  it('Exchange 2007 SP1 (no TimeZoneContext): the connection test says it is unsupported and to install SP3', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP1' });
    const err = await backend(emu)
      .testConnection()
      .catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).kind).toBe('config');
    expect((err as SyncError).message).toMatch(
      /Exchange 2007 SP1 \(8\.1\.240\.6\) is not supported: install Service Pack 3/,
    );
    expect((err as SyncError).note?.key).toBe('ews.exchange2007Sp1');
    expect(tr('cs', 'ews.exchange2007Sp1')).toContain('Service Pack 3');
  });

  it('every appointment created or updated carries MeetingTimeZone (the user zone), never StartTimeZone/EndTimeZone', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3', checkResponses: true });
    const sent: string[] = [];
    const b = backend(emu, {}, {}, sent);
    const cal = await b.getFolder('calendar');
    const [w] = await b.createItems(cal, [
      {
        abraId: 'CRM-1',
        data: { subject: 'Porada', start: '2026-03-02T08:00:00.000Z', end: '2026-03-02T09:00:00.000Z' },
      },
    ]);
    expect(w?.ok).toBe(true);
    // an update of another field only (times unchanged) still carries the zone
    const [u] = await b.updateItems(cal, [
      {
        id: w?.ok ? w.id : '',
        changeKey: w?.ok ? w.changeKey : '',
        data: {
          subject: 'Porada (přesunuto)',
          start: '2026-03-02T08:00:00.000Z',
          end: '2026-03-02T09:00:00.000Z',
        },
      },
    ]);
    expect(u?.ok).toBe(true);
    const writes = sent.filter((x) => /<m:(CreateItem|UpdateItem)\b/.test(x));
    expect(writes).toHaveLength(2);
    for (const x of writes) {
      expect(x).toContain('RequestServerVersion Version="Exchange2007_SP1"');
      expect(x).toMatch(/MeetingTimeZone TimeZoneName="Central Europe Standard Time"/);
      expect(x).not.toMatch(/StartTimeZone|EndTimeZone/);
      expect(x).toContain('<t:TimeZoneDefinition Id="Central Europe Standard Time"');
    }
    expect(emu.responseViolations()).toEqual([]);
  });

  it('a weekly 09:00 Europe/Prague series created before the DST change is still at 09:00 after it', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3', checkResponses: true });
    const b = backend(emu);
    const cal = await b.getFolder('calendar');
    // the user's series in Outlook: Mondays 09:00 CET from 2026-03-16 (DST starts 2026-03-29)
    emu.control.createAppointment({
      subject: 'Týdenní porada',
      start: '2026-03-16T08:00:00.000Z',
      end: '2026-03-16T09:00:00.000Z',
      timeZone: 'Central Europe Standard Time',
      recurrence: { pattern: 'weekly', interval: 1, days: ['Monday'], numberOfOccurrences: 5 },
    });
    // and the product's own appointments at 09:00 local on both sides of the change
    const made = await b.createItems(cal, [
      {
        abraId: 'A-1',
        data: { subject: 'Před', start: '2026-03-23T08:00:00.000Z', end: '2026-03-23T09:00:00.000Z' },
      },
      {
        abraId: 'A-2',
        data: { subject: 'Po', start: '2026-03-30T07:00:00.000Z', end: '2026-03-30T08:00:00.000Z' },
      },
    ]);
    expect(made.every((r) => r.ok)).toBe(true);
    const page = await b.getChanges<CalendarEvent>(cal, null, {
      window: { start: '2026-03-01T00:00:00.000Z', end: '2026-05-01T00:00:00.000Z' },
    });
    const series = page.changes.find((c) => c.type === 'series');
    expect(
      series && series.type === 'series' ? series.occurrences.map((o) => prague(o.data.start)) : [],
    ).toEqual([
      '2026-03-16 09:00',
      '2026-03-23 09:00',
      '2026-03-30 09:00',
      '2026-04-06 09:00',
      '2026-04-13 09:00',
    ]);
    const singles = page.changes.flatMap((c) => (c.type === 'upsert' ? [c.item as CalendarEvent] : []));
    expect(singles.map((e) => prague(e.data.start)).sort()).toEqual(['2026-03-23 09:00', '2026-03-30 09:00']);
    expect(emu.responseViolations()).toEqual([]);
  });

  it('a task due on 2026-03-30 stays on that date; the AbraId stamp round-trips', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3', checkResponses: true });
    const b = backend(emu);
    const tasks = await b.getFolder('tasks');
    const due = '2026-03-29T22:00:00.000Z'; // midnight 30 March in Prague (CEST)
    const [w] = await b.createItems(tasks, [
      {
        abraId: 'UKOL-30',
        data: { subject: 'Zavolat', due, start: null, completedAt: null, status: 'NotStarted' },
      },
    ]);
    expect(w?.ok).toBe(true);
    const [t] = await b.findByAbraIds<TaskItem>(tasks, ['UKOL-30']);
    expect(t?.abraId).toBe('UKOL-30');
    expect(t?.data.due).toBe(due);
    expect(prague(t!.data.due!).slice(0, 10)).toBe('2026-03-30');
    expect(emu.control.get(t!.id)?.extended).toMatchObject({
      'c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/AbraId': 'UKOL-30',
    });
    expect(emu.responseViolations()).toEqual([]);
  });

  it(`& < > " ' in every text field round-trip (contact, appointment, task)`, async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3', checkResponses: true });
    const b = backend(emu);
    const contacts = await b.getFolder('contacts');
    const cdata = {
      displayName: SPECIAL,
      givenName: SPECIAL,
      middleName: SPECIAL,
      surname: SPECIAL,
      title: SPECIAL,
      companyName: SPECIAL,
      department: SPECIAL,
      jobTitle: SPECIAL,
      emails: ['a&b@example.cz'],
      businessPhone: `+420 ${SPECIAL}`,
      mobilePhone: SPECIAL,
      businessAddress: { street: SPECIAL, city: SPECIAL, postalCode: SPECIAL, country: SPECIAL },
      webPage: `https://example.cz/?a=1&b=<2>`,
      notes: SPECIAL,
      categories: [SPECIAL],
    };
    expect((await b.createItems(contacts, [{ abraId: 'AD-&<>', data: cdata }]))[0]?.ok).toBe(true);
    const [c] = await b.findByAbraIds<ContactItem>(contacts, ['AD-&<>']);
    expect(c?.data).toMatchObject(cdata);
    const cal = await b.getFolder('calendar');
    const adata = {
      subject: SPECIAL,
      location: SPECIAL,
      body: SPECIAL,
      categories: [SPECIAL],
      start: '2026-04-02T08:00:00.000Z',
      end: '2026-04-02T09:00:00.000Z',
    };
    expect((await b.createItems(cal, [{ abraId: `CRM-${SPECIAL}`, data: adata }]))[0]?.ok).toBe(true);
    const [a] = await b.findByAbraIds<CalendarEvent>(cal, [`CRM-${SPECIAL}`]);
    expect(a?.data).toMatchObject(adata);
    const tasks = await b.getFolder('tasks');
    const tdata = {
      subject: SPECIAL,
      body: SPECIAL,
      start: null,
      due: null,
      completedAt: null,
      status: 'NotStarted' as const,
    };
    expect((await b.createItems(tasks, [{ abraId: 'T-&', data: tdata }]))[0]?.ok).toBe(true);
    const [t] = await b.findByAbraIds<TaskItem>(tasks, ['T-&']);
    expect(t?.data).toMatchObject({ subject: SPECIAL, body: SPECIAL });
    expect(
      emu.log.entries().filter((e) => e.status !== 200 && e.responseCode !== 'ErrorInvalidServerVersion'),
    ).toEqual([]);
    expect(emu.responseViolations()).toEqual([]);
  });

  it('mail archive: the MIME of a received message comes back byte for byte', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3', checkResponses: true });
    const mime = [
      'From: Nákup <nakup@zakaznik.cz>',
      `To: ${emu.email}`,
      'Subject: Objednávka & <dotaz>',
      'Message-ID: <e2007-1@zakaznik.cz>',
      'Date: Mon, 02 Mar 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Dobrý den, "A & B" <c>.',
      '',
    ].join('\r\n');
    const delivered = emu.control.deliverMail(mime, 'inbox');
    const b = backend(emu);
    const inbox = await b.getFolder('inbox');
    const page = await b.getChanges(inbox, null);
    expect(page.changes.some((c) => c.type === 'upsert' && c.item.id === delivered.id)).toBe(true);
    expect((await b.getMime(delivered.id)).toString('utf8')).toBe(mime);
    expect(emu.responseViolations()).toEqual([]);
  });

  it('guard: in 2007 mode no property newer than Exchange 2007 SP1 is ever requested', async () => {
    const emu = await emulator({ version: 'Exchange2007_SP3' });
    const b = backend(emu, { serverVersion: 'Exchange2007_SP1' });
    const limit = ews.ExchangeVersion.Exchange2007_SP1;
    for (const kind of ['contacts', 'calendar', 'tasks', 'mail', 'inbox'] as const) {
      for (const withBody of [true, false]) {
        const ps: Any = propsFor(kind, withBody);
        const defs: Any[] = ps.additionalProperties ?? ps.AdditionalProperties ?? [];
        expect(defs.length).toBeGreaterThan(3);
        for (const d of defs) {
          const v = d.Version ?? d.version ?? ews.ExchangeVersion.Exchange2007_SP1;
          expect(v, `${kind}: ${d.Name ?? d.name ?? d.PropertySetId}`).toBeLessThanOrEqual(limit);
        }
      }
    }
    // and the library refuses a newer one locally instead of sending it: EndTimeZone is 2010+
    const appt = new ews.Appointment(b.service);
    expect(() => {
      appt.EndTimeZone = ews.TimeZoneInfo.FindSystemTimeZoneById('Central Europe Standard Time');
    }).toThrow(/valid only for Exchange Exchange2010 or later/);
  });
});

if (!canRun)
  describe('Exchange 2007 schema tests', () => {
    it.skip(`skipped: ${skipReason}`, () => {});
  });

describe('legacy TLS (a loopback server that offers TLS 1.0 only, like a stock Exchange 2007)', () => {
  it('without the admin allowance: refused with a message saying what the admin can do; with it: connected over TLSv1', async () => {
    const emu = await emulator({ version: 'Exchange2016', tls: true, tls10Only: true });
    const conn = { caCertificate: emu.tlsCa, ewsUrl: emu.url.replace('127.0.0.1', 'localhost') };
    const refused = await backend(emu, conn)
      .testConnection()
      .catch((e) => e);
    expect(refused).toBeInstanceOf(SyncError);
    expect((refused as SyncError).kind).toBe('tls');
    expect((refused as SyncError).code).toBe('LegacyTlsOnly');
    expect((refused as SyncError).note?.key).toBe('ews.legacyTlsOnly');
    expect(tr('en', 'ews.legacyTlsOnly')).toMatch(/only an old TLS version.*legacyTlsHost/);
    expect(tr('cs', 'ews.legacyTlsOnly')).toMatch(/starou verzi TLS.*legacyTlsHost/);
    // allowed for another host only: still refused
    const other = await backend(emu, { ...conn, legacyTlsHost: 'mail.example.cz' })
      .testConnection()
      .catch((e) => e);
    expect((other as SyncError).code).toBe('LegacyTlsOnly');
    const allowed = await backend(emu, { ...conn, legacyTlsHost: 'localhost' }).testConnection();
    expect(allowed.legacyTls).toBe('TLSv1');
  });

  it('the allowance counts only from the admin policy, never from the user own settings', () => {
    const user = { exchange: { email: 'a@b.cz', legacyTlsHost: 'mail.firma.cz' } };
    expect(applyPolicy('sync', user, NO_POLICY)).toEqual({ exchange: { email: 'a@b.cz' } });
    const policy = parsePolicy(
      { sync: { exchange: { legacyTlsHost: 'exchange2007.firma.local' } } },
      'policy.json',
    );
    expect(applyPolicy('sync', user, policy)).toEqual({
      exchange: { email: 'a@b.cz', legacyTlsHost: 'exchange2007.firma.local' },
    });
  });
});
