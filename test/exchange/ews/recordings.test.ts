/**
 * The EWS backend against real Exchange responses (../shared/ews/recordings, recorded from Exchange Online and
 * Exchange 2019 by Garethp/php-ews): each test serves recorded responses in order from a loopback stub, drives the
 * backend method that sends the matching request, and checks the parsed values against the recording. Every
 * request the backend sent is validated against Microsoft's messages.xsd.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EwsBackend } from '../../../src-main/exchange/ews/backend';
import type { CalendarEvent, ContactItem, FolderRef, MessageItem } from '../../../src-main/exchange/types';
import {
  ewsRecordingsDir,
  ewsSchemaDir,
  hasShared,
  sharedSkipReason,
  xmllintPath,
  xmllintSkipReason,
} from '../../helpers/env';
import { type EwsStub, schemaErrors, soapOk, startStub, stubBackend } from './stub';

interface Recorded {
  statusCode: number;
  body: string;
}

function rec(file: string): Recorded[] {
  return JSON.parse(readFileSync(path.join(ewsRecordingsDir, file), 'utf8')) as Recorded[];
}

function bodyOf(file: string, i: number): string {
  const r = rec(file)[i];
  if (!r) throw new Error(`${file} has no response ${i}`);
  return r.body;
}

/** The `<t:Items>` children of a recorded FindItem/SyncFolderItems response, re-wrapped as a GetItem response. */
function asGetItemResponse(items: string[]): string {
  const msgs = items
    .map(
      (x) =>
        `<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>${x}</m:Items></m:GetItemResponseMessage>`,
    )
    .join('');
  return `<m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>${msgs}</m:ResponseMessages></m:GetItemResponse>`;
}

function calendarItems(xml: string): string[] {
  return [...xml.matchAll(/<t:CalendarItem>[\s\S]*?<\/t:CalendarItem>/g)].map((m) => m[0]);
}

function attr(xml: string, re: RegExp): string {
  const m = re.exec(xml);
  if (!m?.[1]) throw new Error(`not found: ${re}`);
  return m[1];
}

const d = describe.skipIf(!hasShared);
if (!hasShared) console.warn(`recordings tests skipped: ${sharedSkipReason}`);

d('EWS backend parses real Exchange responses', () => {
  let stub: EwsStub;
  let backend: EwsBackend;
  const allRequests: { test: string; op: string; body: string }[] = [];
  let current = '';

  beforeEach(async (ctx) => {
    current = ctx.task.name;
    stub = await startStub();
    backend = stubBackend(stub);
  });
  afterEach(async () => {
    for (const r of stub.requests) allRequests.push({ test: current, op: r.operation, body: r.body });
    await backend.close();
    await stub.stop();
  });

  const contacts: FolderRef = { id: 'AAMkContactsFolder', kind: 'contacts', displayName: 'ABRA Gen' };
  const calendar: FolderRef = { id: 'AAMkCalendarFolder', kind: 'calendar', displayName: 'Calendar' };
  const inbox: FolderRef = { id: 'AAMkInboxFolder', kind: 'inbox', displayName: 'Inbox' };

  it('GetFolder by distinguished id: the Inbox id and name (APITest.testGetFolderByDistinguishedId)', async () => {
    const body = bodyOf('APITest.testGetFolderByDistinguishedId.json', 0);
    stub.push({ body });
    const f = await backend.getFolder('inbox');
    expect(f.id).toBe(attr(body, /<t:FolderId Id="([^"]+)"/));
    expect(f.displayName).toBe(attr(body, /<t:DisplayName>([^<]+)</));
    expect(stub.requests[0]?.operation).toBe('GetFolder');
    expect(stub.requests[0]?.body).toContain('DistinguishedFolderId Id="inbox"');
  });

  it('find-or-create "ABRA Gen": FindFolder without a match, then CreateFolder (APITest.testCreateFolders)', async () => {
    const file = 'APITest.testCreateFolders.json';
    stub.push({ body: bodyOf(file, 1) }, { body: bodyOf(file, 2) });
    const f = await backend.getFolder('contacts');
    expect(f).toEqual({
      id: attr(bodyOf(file, 2), /<t:FolderId Id="([^"]+)"/),
      kind: 'contacts',
      displayName: 'ABRA Gen',
    });
    expect(stub.requests.map((r) => r.operation)).toEqual(['FindFolder', 'CreateFolder']);
    expect(stub.requests[0]?.body).toMatch(/<t:IsEqualTo>.*FieldURI="folder:DisplayName".*ABRA Gen/);
    expect(stub.requests[1]?.body).toMatch(
      /<t:Folder><t:FolderClass>IPF.Contact<\/t:FolderClass><t:DisplayName>ABRA Gen<\/t:DisplayName>/,
    );
    // cached: a second call does not go to the server
    await backend.getFolder('contacts');
    expect(stub.requests).toHaveLength(2);
  });

  it('listMailFolders: every IPF.Note folder of a deep FindFolder, with paths (APITest.testGetFolderByDisplayName)', async () => {
    const body = bodyOf('APITest.testGetFolderByDisplayName.json', 0);
    stub.push({ body });
    const folders = await backend.listMailFolders();
    const recorded = [...body.matchAll(/<t:Folder>([\s\S]*?)<\/t:Folder>/g)]
      .map((m) => m[1] ?? '')
      .filter((x) => /<t:FolderClass>IPF\.Note(\.[^<]*)?<\/t:FolderClass>/.test(x))
      .map((x) => attr(x, /<t:DisplayName>([^<]*)</));
    expect(recorded.length).toBeGreaterThan(0);
    expect(folders.map((f) => f.displayName).sort()).toEqual([...recorded].sort());
    expect(folders.every((f) => f.kind === 'mail' && typeof f.path === 'string' && f.path.length > 0)).toBe(
      true,
    );
    expect(stub.requests[0]?.body).toContain('Traversal="Deep"');
  });

  it('contact create → get → delete (ContactsAPITest.testCreateContact)', async () => {
    const file = 'Contacts/ContactsAPITest.testCreateContact.json';
    stub.push({ body: bodyOf(file, 2) });
    const created = await backend.createItems(contacts, [
      { abraId: 'AD00000001', data: { displayName: 'John Smith', givenName: 'John', surname: 'Smith' } },
    ]);
    const recordedId = attr(bodyOf(file, 2), /<t:ItemId Id="([^"]+)"/);
    expect(created).toEqual([
      { ok: true, id: recordedId, changeKey: attr(bodyOf(file, 2), /ChangeKey="([^"]+)"/) },
    ]);
    const sent = stub.requests[0]?.body ?? '';
    expect(sent).toContain('PropertySetId="c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1" PropertyName="AbraId"');
    expect(sent).toContain('<t:Value>AD00000001</t:Value>');

    stub.push({ body: bodyOf(file, 3) });
    const [got] = await backend.getItems<ContactItem>(contacts, [recordedId]);
    expect(got?.kind).toBe('contact');
    expect(got?.id).toBe(recordedId);
    expect(got?.data.displayName).toBe('John Smith');
    expect(got?.data.givenName).toBe('John');
    expect(got?.data.surname).toBe('Smith');
    expect(got?.data.emails).toEqual(['john.smith@gmail.com']);
    expect(got?.data.homePhone).toBe('000');
    expect(got?.lastModified).toBe('2020-09-10T14:15:18.000Z');

    stub.push({ body: bodyOf(file, 4) });
    expect(await backend.deleteItems(contacts, [recordedId])).toEqual([{ ok: true }]);
    expect(stub.requests[2]?.body).toContain('DeleteType="MoveToDeletedItems"');
  });

  it('contact update sends the bound ChangeKey with NeverOverwrite (ContactsAPITest.testUpdateContact)', async () => {
    const file = 'Contacts/ContactsAPITest.testUpdateContact.json';
    const getBody = bodyOf(file, 4);
    const id = attr(getBody, /<t:ItemId Id="([^"]+)"/);
    const ck = attr(getBody, /<t:ItemId Id="[^"]+" ChangeKey="([^"]+)"/);
    stub.push({ body: getBody }, { body: bodyOf(file, 3) });
    const res = await backend.updateItems(contacts, [
      { id, changeKey: ck, data: { displayName: 'Jana Nováková', givenName: 'Jana', surname: 'Nováková' } },
    ]);
    const newCk = attr(bodyOf(file, 3), /<t:ItemId Id="[^"]+" ChangeKey="([^"]+)"/);
    expect(res).toEqual([{ ok: true, id: expect.any(String), changeKey: newCk }]);
    const upd = stub.requests[1]?.body ?? '';
    expect(stub.requests[1]?.operation).toBe('UpdateItem');
    expect(upd).toContain('ConflictResolution="NeverOverwrite"');
    expect(upd).toContain(`ChangeKey="${ck}"`);
    expect(upd).toContain('Nováková');
  });

  it('a stale ChangeKey is a per-item conflict and nothing is sent (ContactsAPITest.testUpdateContact)', async () => {
    const file = 'Contacts/ContactsAPITest.testUpdateContact.json';
    const getBody = bodyOf(file, 4);
    const id = attr(getBody, /<t:ItemId Id="([^"]+)"/);
    stub.push({ body: getBody });
    const [r] = await backend.updateItems(contacts, [{ id, changeKey: 'STALE', data: { displayName: 'X' } }]);
    expect(r?.ok).toBe(false);
    if (r && !r.ok) expect(r.error.kind).toBe('conflict');
    expect(stub.requests.map((q) => q.operation)).toEqual(['GetItem']);
  });

  it('deleting an already deleted item counts as deleted (APITest.testDeleteItemsFail: ErrorItemNotFound)', async () => {
    const file = 'APITest.testDeleteItemsFail.json';
    expect(bodyOf(file, 2)).toContain('ErrorItemNotFound');
    stub.push({ body: bodyOf(file, 1) }, { body: bodyOf(file, 2) });
    expect(await backend.deleteItems(contacts, ['AAMkA1'])).toEqual([{ ok: true }]);
    expect(await backend.deleteItems(contacts, ['AAMkA1'])).toEqual([{ ok: true }]);
  });

  it('SyncFolderItems from scratch, then no changes; the cursor carries the SyncState (APITest.testListItemChanges)', async () => {
    const file = 'APITest.testListItemChanges.json';
    const first = bodyOf(file, 2);
    const items = calendarItems(first);
    expect(items).toHaveLength(1);
    stub.push({ body: first }, soapOk(asGetItemResponse(items)));
    const page = await backend.getChanges<CalendarEvent>(calendar, null, { pageSize: 100 });
    expect(page.more).toBe(false);
    expect(page.changes).toHaveLength(1);
    const ch = page.changes[0];
    expect(ch?.type).toBe('upsert');
    if (ch?.type === 'upsert') {
      expect(ch.item.data.subject).toBe('Test Sync Item Changes');
      expect(ch.item.itemType).toBe('Single');
      expect(ch.item.key).toBe(ch.item.id);
      expect(ch.item.data.start).toBe('2020-09-10T14:15:11.000Z');
      expect(ch.item.data.end).toBe('2020-09-10T15:00:00.000Z');
      expect(ch.item.data.reminderMinutesBeforeStart).toBe(15);
    }
    const syncReq = stub.requests[0]?.body ?? '';
    expect(syncReq).toContain('<t:BaseShape>IdOnly</t:BaseShape>');
    expect(syncReq).toContain('<m:MaxChangesReturned>100</m:MaxChangesReturned>');
    expect(syncReq).not.toContain('<m:SyncState>');

    stub.push({ body: bodyOf(file, 3) });
    const next = await backend.getChanges(calendar, page.cursor);
    expect(next.changes).toEqual([]);
    expect(stub.requests[2]?.body).toContain(
      `<m:SyncState>${attr(first, /<m:SyncState>([^<]+)</)}</m:SyncState>`,
    );
  });

  it('a recurring master becomes a series of its occurrences in the window (CalendarTest.testRecurringEventSupport)', async () => {
    const file = 'Calendar/CalendarTest.testRecurringEventSupport.json';
    const master = bodyOf(file, 4);
    const masterId = attr(master, /<t:ItemId Id="([^"]+)"/);
    const uid = attr(master, /<t:UID>([^<]+)</);
    const view = bodyOf(file, 5);
    const occurrences = calendarItems(view).filter((x) => x.includes(uid));
    expect(occurrences).toHaveLength(4);
    const sync = soapOk(
      `<m:SyncFolderItemsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>H4sIAAAAAAAEAGNg</m:SyncState><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange><m:Changes><t:Create><t:CalendarItem><t:ItemId Id="${masterId}" ChangeKey="DwAAAB"/></t:CalendarItem></t:Create></m:Changes></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>`,
    );
    stub.push(sync, { body: master }, { body: view }, soapOk(asGetItemResponse(occurrences)));
    const page = await backend.getChanges<CalendarEvent>(calendar, null, {
      window: { start: '2025-06-01T00:00:00.000Z', end: '2025-09-01T00:00:00.000Z' },
    });
    expect(stub.requests.map((r) => r.operation)).toEqual([
      'SyncFolderItems',
      'GetItem',
      'FindItem',
      'GetItem',
    ]);
    expect(stub.requests[2]?.body).toMatch(/<m:CalendarView [^>]*StartDate="2025-06-01T00:00:00/);
    expect(page.changes).toHaveLength(1);
    const s = page.changes[0];
    expect(s?.type).toBe('series');
    if (s?.type !== 'series') return;
    expect(s.seriesKey).toBe(uid);
    expect(s.occurrences.map((o) => o.originalStart)).toEqual([
      '2025-07-02T10:00:00.000Z',
      '2025-07-09T10:00:00.000Z',
      '2025-07-16T10:00:00.000Z',
      '2025-07-23T10:00:00.000Z',
    ]);
    for (const o of s.occurrences) {
      expect(o.itemType).toBe('Occurrence');
      expect(o.key).toBe(`${uid}|${o.originalStart}`);
      expect(o.data.subject).toBe('Weekly Team Meeting');
      expect(o.data.location).toBe('Conference Room A');
      expect(o.data.showAs).toBe('Busy');
    }
    // the master's id is remembered in the cursor: deleting the master reports the whole series as gone
    const del = soapOk(
      `<m:SyncFolderItemsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>H4sIAAAAAAAEAGNh</m:SyncState><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange><m:Changes><t:Delete><t:ItemId Id="${masterId}" ChangeKey="DwAAAC"/></t:Delete></m:Changes></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>`,
    );
    stub.push(del);
    const after = await backend.getChanges<CalendarEvent>(calendar, page.cursor);
    expect(after.changes).toEqual([
      { type: 'series', seriesKey: uid, occurrences: [] },
      { type: 'delete', id: masterId },
    ]);
  });

  it('a recurring master read by id says RecurringMaster with its UID (CalendarTest.testRecurringEventSupport)', async () => {
    const master = bodyOf('Calendar/CalendarTest.testRecurringEventSupport.json', 4);
    stub.push({ body: master });
    const [ev] = await backend.getItems<CalendarEvent>(calendar, ['x']);
    expect(ev?.itemType).toBe('RecurringMaster');
    expect(ev?.seriesKey).toBe(attr(master, /<t:UID>([^<]+)</));
    expect(ev?.data.organizer).toEqual({ address: 'user@test.user.com', name: 'test.user' });
  });

  it('international characters survive (CalendarTest.testRecurringEventSupport FindItem → GetItem)', async () => {
    const view = bodyOf('Calendar/CalendarTest.testRecurringEventSupport.json', 5);
    const single = calendarItems(view).find((x) => x.includes('<t:CalendarItemType>Single<'));
    expect(single).toBeDefined();
    stub.push(soapOk(asGetItemResponse([single!])));
    const [ev] = await backend.getItems<CalendarEvent>(calendar, ['x']);
    expect(ev?.data.subject).toBe('Réunion équipe - Café & Discusion');
    expect(ev?.data.location).toBe('Salle de réunion #1');
    expect(ev?.itemType).toBe('Single');
  });

  it('a mail message summary: Message-ID, class, dates, HTML body as text (MailAPITest.testGetSingleMailItem)', async () => {
    const body = bodyOf('Mail/MailAPITest.testGetSingleMailItem.json', 9);
    stub.push({ body });
    const [m] = await backend.getItems<MessageItem>(inbox, ['x']);
    expect(m?.kind).toBe('message');
    expect(m?.internetMessageId).toBe(
      '<DU7PPFC05AD3D4A844B0C3566527EDA9154EE05A@DU7PPFC05AD3D4A.EURP251.PROD.OUTLOOK.COM>',
    );
    expect(m?.itemClass).toBe('IPM.Note');
    expect(m?.subject).toBe('Test Message');
    expect(m?.receivedAt).toBe('2025-08-30T18:10:41.000Z');
    expect(m?.sentAt).toBe('2025-08-30T18:10:41.000Z');
    expect(m?.size).toBe(1958);
    expect(m?.hasAttachments).toBe(false);
    expect(m?.bodyText).toBe('Test Draft Body');
  });

  afterAll(() => {
    if (!xmllintPath) {
      console.warn(`request schema validation skipped: ${xmllintSkipReason}`);
      return;
    }
    const bad = allRequests
      .map((r) => ({ ...r, errors: schemaErrors(r.body, ewsSchemaDir, xmllintPath!) }))
      .filter((r) => r.errors.length);
    expect(allRequests.length).toBeGreaterThan(10);
    expect(bad.map((b) => `${b.test} ${b.op}: ${b.errors.slice(0, 3).join(' | ')}`)).toEqual([]);
  });
});
