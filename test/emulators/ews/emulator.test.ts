/**
 * The EWS emulator over raw SOAP/HTTP: folders, contacts CRUD, batches, ChangeKey conflicts, extended properties,
 * SyncFolderItems semantics. Every 200 response body is validated against Microsoft's messages.xsd (when
 * ../shared and xmllint exist).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canValidateXsd, validateBody, xsdSkipReason } from '../../exchange/ews/xsd';
import { attrs, RawEws, text, texts } from './client';
import { type EwsEmulator, startEwsEmulator } from './index';

const SET = 'c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1';
const ABRA = `<t:ExtendedFieldURI PropertySetId="${SET}" PropertyName="AbraId" PropertyType="String"/>`;

let emu: EwsEmulator;
let ews: RawEws;

async function call(body: string, opts: { version?: string } = {}): Promise<string> {
  const r = await ews.post(body, opts);
  expect(r.status, r.body.slice(0, 500)).toBe(200);
  expect(r.headers.get('content-type')).toContain('text/xml');
  if (canValidateXsd) {
    const v = await validateBody(r.body);
    expect(v.errors, r.body.slice(0, 2000)).toEqual([]);
    expect(v.ok).toBe(true);
  }
  return r.body;
}

const idOnly = '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>';

function contactXml(given: string, sur: string, email: string, abraId?: string): string {
  return (
    '<t:Contact>' +
    (abraId ? `<t:ExtendedProperty>${ABRA}<t:Value>${abraId}</t:Value></t:ExtendedProperty>` : '') +
    `<t:GivenName>${given}</t:GivenName><t:CompanyName>Strojírny Vysočina s.r.o.</t:CompanyName>` +
    `<t:EmailAddresses><t:Entry Key="EmailAddress1">${email}</t:Entry></t:EmailAddresses>` +
    '<t:PhysicalAddresses><t:Entry Key="Business"><t:Street>Hlavní 1</t:Street><t:City>Jihlava</t:City></t:Entry></t:PhysicalAddresses>' +
    '<t:PhoneNumbers><t:Entry Key="BusinessPhone">+420 567 123 456</t:Entry></t:PhoneNumbers>' +
    `<t:Surname>${sur}</t:Surname></t:Contact>`
  );
}

async function createContacts(folderXml: string, contacts: string[]): Promise<{ id: string; ck: string }[]> {
  const body = await call(
    `<m:CreateItem><m:SavedItemFolderId>${folderXml}</m:SavedItemFolderId><m:Items>${contacts.join('')}</m:Items></m:CreateItem>`,
  );
  const ids = attrs(body, 'ItemId', 'Id');
  const cks = attrs(body, 'ItemId', 'ChangeKey');
  return ids.map((id, i) => ({ id, ck: cks[i] ?? '' }));
}

beforeAll(async () => {
  emu = await startEwsEmulator({ seed: 3 });
  ews = RawEws.basic(emu.url, emu.user, emu.password);
});
afterAll(async () => {
  await emu?.stop();
});

describe.skipIf(!canValidateXsd)('XSD availability', () => {
  it('validates requests by default when ../shared and xmllint exist', () => {
    expect(emu.validatesRequests).toBe(true);
  });
});
describe.skipIf(canValidateXsd)(`XSD checks skipped: ${xsdSkipReason}`, () => {
  it('runs without validation', () => expect(emu.validatesRequests).toBe(false));
});

describe('EWS emulator: folders', () => {
  it('GetFolder by distinguished id answers the well-known folder with ServerVersionInfo', async () => {
    const body = await call(
      '<m:GetFolder><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="contacts"/><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>',
    );
    expect(body).toContain('<h:ServerVersionInfo MajorVersion="15" MinorVersion="2"');
    expect(texts(body, 'DisplayName')).toEqual(['Contacts', 'Calendar']);
    expect(body).toContain('<t:ContactsFolder>');
    expect(body).toContain('<t:CalendarFolder>');
    expect(attrs(body, 'FolderId', 'Id')[0]).toBe(emu.control.folderId('contacts'));
  });

  it('GetFolder for an unknown FolderId → per-item ErrorFolderNotFound; an unreadable one → ErrorInvalidIdMalformed', async () => {
    // an id of the shape the store issues, of no folder
    const unknown = Buffer.concat([Buffer.from('AAMkAD'), Buffer.alloc(34, 7)]).toString('base64');
    const body = await call(
      `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id="${unknown}"/><t:FolderId Id="AAMkADbm9uZXhpc3RlbnQ="/></m:FolderIds></m:GetFolder>`,
    );
    expect(body).toContain('ResponseClass="Error"');
    // ResponseCode (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode):
    // ErrorInvalidIdMalformed "the request contains an invalid ID"; ErrorFolderNotFound for a valid id of no folder
    expect(texts(body, 'ResponseCode')).toEqual(['ErrorFolderNotFound', 'ErrorInvalidIdMalformed']);
  });

  it('CreateFolder, duplicate → ErrorFolderExists, FindFolder with a DisplayName restriction finds it', async () => {
    const create = (name: string) =>
      call(
        `<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderId><m:Folders><t:ContactsFolder><t:DisplayName>${name}</t:DisplayName></t:ContactsFolder></m:Folders></m:CreateFolder>`,
      );
    const first = await create('ABRA Gen');
    expect(text(first, 'ResponseCode')).toBe('NoError');
    const id = attrs(first, 'FolderId', 'Id')[0];
    expect(id).toBeTruthy();
    const dup = await create('ABRA Gen');
    expect(text(dup, 'ResponseCode')).toBe('ErrorFolderExists');
    const found = await call(
      '<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>' +
        '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURIOrConstant><t:Constant Value="ABRA Gen"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>' +
        '<m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindFolder>',
    );
    expect(attrs(found, 'RootFolder', 'TotalItemsInView')).toEqual(['1']);
    expect(attrs(found, 'FolderId', 'Id')).toEqual([id]);
    const none = await call(
      '<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>' +
        '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURIOrConstant><t:Constant Value="Nothing"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>' +
        '<m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindFolder>',
    );
    expect(attrs(none, 'RootFolder', 'TotalItemsInView')).toEqual(['0']);
  });

  it('FindFolder Deep with paging walks the whole tree', async () => {
    const page = (offset: number) =>
      call(
        `<m:FindFolder Traversal="Deep"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:IndexedPageFolderView MaxEntriesReturned="4" Offset="${offset}" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>`,
      );
    const seen: string[] = [];
    let offset = 0;
    for (let i = 0; i < 10; i++) {
      const b = await page(offset);
      seen.push(...attrs(b, 'FolderId', 'Id'));
      if (attrs(b, 'RootFolder', 'IncludesLastItemInRange')[0] === 'true') break;
      offset = Number(attrs(b, 'RootFolder', 'IndexedPagingOffset')[0]);
    }
    const total = emu.control
      .folders()
      .filter((f) => f.path !== '' && !f.path.startsWith('Recoverable')).length;
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
  });

  it('SyncFolderHierarchy reports new folders as Create, then nothing', async () => {
    const first = await call(
      '<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape></m:SyncFolderHierarchy>',
    );
    const state = text(first, 'SyncState') ?? '';
    expect(texts(first, 'DisplayName')).toContain('Inbox');
    emu.control.createFolder('inbox', 'Dodavatelé');
    const second = await call(
      `<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:SyncState>${state}</m:SyncState></m:SyncFolderHierarchy>`,
    );
    expect(texts(second, 'DisplayName')).toContain('Dodavatelé');
    expect(second).toContain('<t:Create><t:Folder>');
  });
});

describe('EWS emulator: contacts', () => {
  it('CreateItem batch → one response message per item; GetItem returns fields and the AbraId property', async () => {
    const created = await createContacts('<t:DistinguishedFolderId Id="contacts"/>', [
      contactXml('Jan', 'Novák', 'jan.novak@vysocina.cz', 'AD-1'),
      contactXml('Jana', 'Dvořáková', 'jana@vysocina.cz', 'AD-2'),
    ]);
    expect(created).toHaveLength(2);
    const body = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:AdditionalProperties>${ABRA}</t:AdditionalProperties></m:ItemShape><m:ItemIds>${created
        .map((c) => `<t:ItemId Id="${c.id}"/>`)
        .join('')}</m:ItemIds></m:GetItem>`,
    );
    expect(texts(body, 'ResponseCode')).toEqual(['NoError', 'NoError']);
    expect(texts(body, 'DisplayName')).toEqual(['Jan Novák', 'Jana Dvořáková']);
    expect(texts(body, 'Value')).toEqual(['AD-1', 'AD-2']);
    expect(texts(body, 'Entry')).toContain('jan.novak@vysocina.cz');
    expect(texts(body, 'City')).toEqual(['Jihlava', 'Jihlava']);
    expect(emu.control.extendedProperty(created[0]?.id ?? '', SET, 'AbraId')).toBe('AD-1');
    // IdOnly + AdditionalProperties: only the id and the asked properties
    const slim = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="contacts:Surname"/>${ABRA}</t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${created[0]?.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(texts(slim, 'Surname')).toEqual(['Novák']);
    expect(slim).not.toContain('GivenName');
    expect(texts(slim, 'Value')).toEqual(['AD-1']);
  });

  it('UpdateItem: Set/Append/Delete incl. indexed and extended fields; new ChangeKey; LastModifiedTime', async () => {
    const [c] = await createContacts('<t:DistinguishedFolderId Id="contacts"/>', [
      contactXml('Petr', 'Svoboda', 'petr@x.cz'),
    ]);
    if (!c) throw new Error('no contact');
    emu.control.clock.advance(60_000);
    const body = await call(
      `<m:UpdateItem ConflictResolution="NeverOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${c.id}" ChangeKey="${c.ck}"/><t:Updates>` +
        '<t:SetItemField><t:FieldURI FieldURI="contacts:JobTitle"/><t:Contact><t:JobTitle>jednatel</t:JobTitle></t:Contact></t:SetItemField>' +
        '<t:SetItemField><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress2"/><t:Contact><t:EmailAddresses><t:Entry Key="EmailAddress2">petr2@x.cz</t:Entry></t:EmailAddresses></t:Contact></t:SetItemField>' +
        '<t:SetItemField><t:IndexedFieldURI FieldURI="contacts:PhysicalAddress:City" FieldIndex="Business"/><t:Contact><t:PhysicalAddresses><t:Entry Key="Business"><t:City>Brno</t:City></t:Entry></t:PhysicalAddresses></t:Contact></t:SetItemField>' +
        '<t:DeleteItemField><t:IndexedFieldURI FieldURI="contacts:PhoneNumber" FieldIndex="BusinessPhone"/></t:DeleteItemField>' +
        `<t:SetItemField>${ABRA}<t:Contact><t:ExtendedProperty>${ABRA}<t:Value>AD-77</t:Value></t:ExtendedProperty></t:Contact></t:SetItemField>` +
        '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>',
    );
    expect(text(body, 'ResponseCode')).toBe('NoError');
    expect(text(body, 'Count')).toBe('0');
    const newCk = attrs(body, 'ItemId', 'ChangeKey')[0];
    expect(newCk).not.toBe(c.ck);
    const snap = emu.control.get(c.id);
    expect(snap?.changeKey).toBe(newCk);
    expect(snap?.fields.JobTitle).toBe('jednatel');
    expect(snap?.entries.EmailAddress2).toBe('petr2@x.cz');
    expect(snap?.entries['Business.City']).toBe('Brno');
    expect(snap?.entries['Business.Street']).toBe('Hlavní 1');
    expect(snap?.entries.BusinessPhone).toBeUndefined();
    expect(snap?.extended[`${SET}/AbraId`]).toBe('AD-77');
    expect(Date.parse(snap?.lastModified ?? '')).toBeGreaterThan(Date.parse(snap?.created ?? ''));
  });

  it('stale ChangeKey: NeverOverwrite → ErrorIrresolvableConflict (nothing changed); AlwaysOverwrite applies', async () => {
    const [c] = await createContacts('<t:DistinguishedFolderId Id="contacts"/>', [
      contactXml('Hana', 'Marek', 'h@x.cz'),
    ]);
    if (!c) throw new Error('no contact');
    emu.control.update(c.id, { jobTitle: 'changed in Outlook' });
    const upd = (mode: string) =>
      call(
        `<m:UpdateItem ConflictResolution="${mode}"><m:ItemChanges><t:ItemChange><t:ItemId Id="${c.id}" ChangeKey="${c.ck}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="contacts:JobTitle"/><t:Contact><t:JobTitle>from sync</t:JobTitle></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
      );
    const never = await upd('NeverOverwrite');
    expect(text(never, 'ResponseCode')).toBe('ErrorIrresolvableConflict');
    expect(emu.control.get(c.id)?.fields.JobTitle).toBe('changed in Outlook');
    const always = await upd('AlwaysOverwrite');
    expect(text(always, 'ResponseCode')).toBe('NoError');
    expect(emu.control.get(c.id)?.fields.JobTitle).toBe('from sync');
  });

  it('UpdateItem without a ChangeKey → ErrorChangeKeyRequiredForWriteOperations', async () => {
    const [c] = await createContacts('<t:DistinguishedFolderId Id="contacts"/>', [
      contactXml('Karel', 'Horák', 'k@x.cz'),
    ]);
    const body = await call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${c?.id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="contacts:JobTitle"/><t:Contact><t:JobTitle>x</t:JobTitle></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    expect(text(body, 'ResponseCode')).toBe('ErrorChangeKeyRequiredForWriteOperations');
  });

  it('DeleteItem batch: existing ones deleted, a missing id → ErrorItemNotFound in its own slot', async () => {
    const cs = await createContacts('<t:DistinguishedFolderId Id="contacts"/>', [
      contactXml('A', 'B', 'a@b.cz'),
      contactXml('C', 'D', 'c@d.cz'),
    ]);
    const gone = cs[0]?.id ?? '';
    emu.control.remove(gone);
    const body = await call(
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${gone}"/><t:ItemId Id="${cs[1]?.id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(texts(body, 'ResponseCode')).toEqual(['ErrorItemNotFound', 'NoError']);
    expect(emu.control.get(cs[1]?.id ?? '')).toBeUndefined();
  });

  it('DeleteItem MoveToDeletedItems moves the contact into Deleted Items', async () => {
    const [c] = await createContacts('<t:DistinguishedFolderId Id="contacts"/>', [
      contactXml('M', 'N', 'm@n.cz'),
    ]);
    await call(
      `<m:DeleteItem DeleteType="MoveToDeletedItems"><m:ItemIds><t:ItemId Id="${c?.id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(emu.control.get(c?.id ?? '')?.folderId).toBe(emu.control.folderId('deleteditems'));
  });

  it('FindItem with a restriction on the AbraId named property, and IndexedPageItemView paging', async () => {
    const folder = emu.control.createFolder('contacts', 'Paging test', 'IPF.Contact');
    const fx = `<t:FolderId Id="${folder}"/>`;
    await createContacts(
      fx,
      Array.from({ length: 7 }, (_, i) => contactXml(`P${i}`, `S${i}`, `p${i}@x.cz`, `AB-${i}`)),
    );
    const find = (restriction: string, view: string) =>
      call(
        `<m:FindItem Traversal="Shallow">${idOnly.replace('</m:ItemShape>', `<t:AdditionalProperties>${ABRA}</t:AdditionalProperties></m:ItemShape>`)}${view}${restriction}<m:ParentFolderIds>${fx}</m:ParentFolderIds></m:FindItem>`,
      );
    const one = await find(
      `<m:Restriction><t:IsEqualTo>${ABRA}<t:FieldURIOrConstant><t:Constant Value="AB-4"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>`,
      '<m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>',
    );
    expect(texts(one, 'Value')).toEqual(['AB-4']);
    const or = await find(
      `<m:Restriction><t:Or><t:IsEqualTo>${ABRA}<t:FieldURIOrConstant><t:Constant Value="AB-1"/></t:FieldURIOrConstant></t:IsEqualTo><t:And><t:IsGreaterThanOrEqualTo>${ABRA}<t:FieldURIOrConstant><t:Constant Value="AB-5"/></t:FieldURIOrConstant></t:IsGreaterThanOrEqualTo><t:IsEqualTo><t:FieldURI FieldURI="item:ItemClass"/><t:FieldURIOrConstant><t:Constant Value="IPM.Contact"/></t:FieldURIOrConstant></t:IsEqualTo></t:And></t:Or></m:Restriction>`,
      '',
    );
    expect(texts(or, 'Value').sort()).toEqual(['AB-1', 'AB-5', 'AB-6']);
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const b = await find(
        '',
        `<m:IndexedPageItemView MaxEntriesReturned="3" Offset="${offset}" BasePoint="Beginning"/>`,
      );
      seen.push(...texts(b, 'Value'));
      expect(attrs(b, 'RootFolder', 'TotalItemsInView')).toEqual(['7']);
      if (attrs(b, 'RootFolder', 'IncludesLastItemInRange')[0] === 'true') break;
      offset = Number(attrs(b, 'RootFolder', 'IndexedPagingOffset')[0]);
    }
    expect(seen.sort()).toEqual(['AB-0', 'AB-1', 'AB-2', 'AB-3', 'AB-4', 'AB-5', 'AB-6']);
  });
});

describe('EWS emulator: SyncFolderItems', () => {
  const sync = (folderXml: string, state: string | undefined, max: number, shape = idOnly) =>
    call(
      `<m:SyncFolderItems>${shape}<m:SyncFolderId>${folderXml}</m:SyncFolderId>${state ? `<m:SyncState>${state}</m:SyncState>` : ''}<m:MaxChangesReturned>${max}</m:MaxChangesReturned></m:SyncFolderItems>`,
    );
  const changes = (b: string) =>
    [...b.matchAll(/<t:(Create|Update|Delete|ReadFlagChange)>/g)].map((m) => m[1] as string);

  it('pages the initial sync, then reports Update/Delete/Create incrementally; earlier states stay usable', async () => {
    const folder = emu.control.createFolder('contacts', 'Sync test', 'IPF.Contact');
    const fx = `<t:FolderId Id="${folder}"/>`;
    const made = await createContacts(
      fx,
      Array.from({ length: 5 }, (_, i) => contactXml(`S${i}`, 'Sync', `s${i}@x.cz`)),
    );
    let state: string | undefined;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await sync(fx, state, 2);
      ids.push(...attrs(b, 'ItemId', 'Id'));
      expect(changes(b).every((c) => c === 'Create')).toBe(true);
      state = text(b, 'SyncState');
      if (text(b, 'IncludesLastItemInRange') === 'true') break;
      expect(changes(b)).toHaveLength(2);
    }
    expect(ids.sort()).toEqual(made.map((m) => m.id).sort());
    const base = state;
    const empty = await sync(fx, base, 10);
    expect(changes(empty)).toEqual([]);
    expect(text(empty, 'IncludesLastItemInRange')).toBe('true');

    emu.control.update(made[0]?.id ?? '', { jobTitle: 'x' });
    emu.control.remove(made[1]?.id ?? '');
    const added = emu.control.createContact(folder, { givenName: 'Nový', surname: 'Kontakt' });
    const inc = await sync(fx, base, 10);
    expect(changes(inc).sort()).toEqual(['Create', 'Delete', 'Update']);
    expect(inc).toContain(`<t:Delete><t:ItemId Id="${made[1]?.id}"/></t:Delete>`);
    expect(attrs(inc, 'ItemId', 'Id')).toContain(added.id);
    // resuming from the same (earlier) state again gives the same changes
    const again = await sync(fx, base, 10);
    expect(changes(again).sort()).toEqual(['Create', 'Delete', 'Update']);
    const after = await sync(fx, text(inc, 'SyncState'), 10);
    expect(changes(after)).toEqual([]);
  });

  // SyncFolderItems returns summary properties only; asked-for Body/Attachments/MimeContent are left out, not refused
  // ("How to: Synchronize items by using EWS in Exchange": SyncFolderItems, like FindItem, returns no Body or
  // attachments; a GetItem follows. Exchange accepts the shape: an independent client asking for them works there).
  it('summary shape returns properties but not Body; Body/MimeContent/Attachments asked for are accepted and left out', async () => {
    const folder = emu.control.createFolder('contacts', 'Sync shape', 'IPF.Contact');
    emu.control.createContact(folder, { givenName: 'Tělo', surname: 'Test', notes: 'poznámka' });
    const b = await sync(
      `<t:FolderId Id="${folder}"/>`,
      undefined,
      10,
      '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>',
    );
    expect(text(b, 'Surname')).toBe('Test');
    expect(b).not.toContain('<t:Body');
    const bad = await sync(
      `<t:FolderId Id="${folder}"/>`,
      undefined,
      10,
      '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent><t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/><t:FieldURI FieldURI="item:Attachments"/><t:FieldURI FieldURI="item:MimeContent"/><t:FieldURI FieldURI="contacts:Surname"/></t:AdditionalProperties></m:ItemShape>',
    );
    expect(text(bad, 'ResponseCode')).toBe('NoError');
    expect(text(bad, 'Surname')).toBe('Test');
    expect(bad).not.toContain('<t:Body');
    expect(bad).not.toContain('<t:MimeContent');
    expect(bad).not.toContain('<t:Attachments');
  });

  it('garbage or foreign SyncState → ErrorInvalidSyncStateData; faults.invalidSyncState expires a good one once', async () => {
    const fx = '<t:DistinguishedFolderId Id="contacts"/>';
    const garbage = await sync(
      fx,
      'H4sIAAAAAAAEAGNgYGcAAotqE0tHE2NTA0ddZ3NHC10TR2djXSdnJ2ddNyMnC2cnczdLU1OD2',
      10,
    );
    expect(text(garbage, 'ResponseCode')).toBe('ErrorInvalidSyncStateData');
    const tasks = await sync('<t:DistinguishedFolderId Id="tasks"/>', undefined, 10);
    const foreign = await sync(fx, text(tasks, 'SyncState'), 10);
    expect(text(foreign, 'ResponseCode')).toBe('ErrorInvalidSyncStateData');
    const good = text(await sync(fx, undefined, 512), 'SyncState');
    emu.faults.invalidSyncState(emu.control.folderId('contacts'));
    expect(text(await sync(fx, good, 10), 'ResponseCode')).toBe('ErrorInvalidSyncStateData');
    expect(text(await sync(fx, good, 10), 'ResponseCode')).toBe('NoError');
  });

  it('ReadFlagChange for a message whose only change is the read flag', async () => {
    const fx = '<t:DistinguishedFolderId Id="inbox"/>';
    const m = emu.control.deliverMail(
      'From: =?UTF-8?B?xb1sdcWlb3XEjWvDvSBrxa/FiA==?= <kun@zoo.cz>\r\nTo: sales@example.cz\r\nSubject: =?UTF-8?Q?P=C5=99=C3=ADli=C5=A1_?= =?UTF-8?Q?=C5=BElu=C5=A5ou=C4=8Dk=C3=BD?=\r\nMessage-ID: <rf-1@zoo.cz>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n\r\nTělo\r\n',
    );
    expect(m.fields.Subject).toBe('Příliš žluťoučký');
    expect(m.fields.From).toBe('kun@zoo.cz');
    const s1 = text(await sync(fx, undefined, 512), 'SyncState');
    emu.control.setRead(m.id, true);
    const b = await sync(fx, s1, 10);
    expect(changes(b)).toEqual(['ReadFlagChange']);
    expect(text(b, 'IsRead')).toBe('true');
  });

  it('MaxChangesReturned outside 1–512 is a schema error (HTTP 500 ErrorSchemaValidation)', async () => {
    if (!canValidateXsd) return;
    const r = await ews.post(
      `<m:SyncFolderItems>${idOnly}<m:SyncFolderId><t:DistinguishedFolderId Id="contacts"/></m:SyncFolderId><m:MaxChangesReturned>513</m:MaxChangesReturned></m:SyncFolderItems>`,
    );
    expect(r.status).toBe(500);
    expect(r.body).toContain(
      '<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorSchemaValidation</faultcode>',
    );
    expect(r.body).toContain('MaxChangesReturned');
  });
});
