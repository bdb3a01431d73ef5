/**
 * EWS emulator: the less common paths — zone-less calendar times (StartTimeZone / TimeZoneContext),
 * AppendToItemField, SoftDelete, MoveItem, CreateItem of a message from MimeContent, BodyType conversion,
 * IndexedPageItemView from the end, SyncFolderItems Ignore, refused FindItem views. XSD-validated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canValidateXsd, validateBody } from '../../exchange/ews/xsd';
import { attrs, RawEws, text, texts } from './client';
import { type EwsEmulator, startEwsEmulator } from './index';

let emu: EwsEmulator;
let ews: RawEws;
beforeAll(async () => {
  emu = await startEwsEmulator({ seed: 11, size: 'small' });
  ews = RawEws.basic(emu.url, emu.user, emu.password);
});
afterAll(async () => {
  await emu?.stop();
});

async function call(body: string, header = ''): Promise<string> {
  const r = await ews.post(body, { header });
  expect(r.status, r.body.slice(0, 400)).toBe(200);
  if (canValidateXsd) expect((await validateBody(r.body)).errors, r.body.slice(0, 2000)).toEqual([]);
  return r.body;
}

const createAppt = (inner: string) =>
  call(
    `<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>Čas</t:Subject>${inner}</t:CalendarItem></m:Items></m:CreateItem>`,
  );

describe('EWS emulator: time zones of zone-less calendar times', () => {
  it('Start/End without an offset are wall-clock times in StartTimeZone/EndTimeZone', async () => {
    const b = await createAppt(
      '<t:Start>2026-07-01T09:00:00</t:Start><t:End>2026-07-01T10:00:00</t:End><t:StartTimeZone Id="Central Europe Standard Time"/><t:EndTimeZone Id="Central Europe Standard Time"/>',
    );
    const s = emu.control.get(attrs(b, 'ItemId', 'Id')[0] ?? '');
    expect(s?.fields.Start).toBe('2026-07-01T07:00:00Z');
    expect(s?.fields.End).toBe('2026-07-01T08:00:00Z');
  });

  it('… else in the TimeZoneContext header zone, else UTC; an explicit offset always wins', async () => {
    const ctxHeader =
      '<t:TimeZoneContext><t:TimeZoneDefinition Id="Central Europe Standard Time"/></t:TimeZoneContext>';
    const r = await ews.post(
      '<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>Ctx</t:Subject><t:Start>2026-12-01T09:00:00</t:Start><t:End>2026-12-01T10:00:00+01:00</t:End></t:CalendarItem></m:Items></m:CreateItem>',
      { header: ctxHeader },
    );
    expect(r.status, r.body.slice(0, 400)).toBe(200);
    const s = emu.control.get(attrs(r.body, 'ItemId', 'Id')[0] ?? '');
    expect(s?.fields.Start).toBe('2026-12-01T08:00:00Z');
    expect(s?.fields.End).toBe('2026-12-01T09:00:00Z');
    const utc = await createAppt('<t:Start>2026-12-01T09:00:00</t:Start><t:End>2026-12-01T10:00:00</t:End>');
    expect(emu.control.get(attrs(utc, 'ItemId', 'Id')[0] ?? '')?.fields.Start).toBe('2026-12-01T09:00:00Z');
  });

  it('End before Start → ErrorCalendarEndDateIsEarlierThanStartDate, nothing created', async () => {
    const before = emu.control.list(emu.control.folderId('calendar')).length;
    const b = await createAppt('<t:Start>2026-12-01T10:00:00Z</t:Start><t:End>2026-12-01T09:00:00Z</t:End>');
    expect(text(b, 'ResponseCode')).toBe('ErrorCalendarEndDateIsEarlierThanStartDate');
    expect(emu.control.list(emu.control.folderId('calendar')).length).toBe(before);
  });
});

describe('EWS emulator: more item operations', () => {
  it('AppendToItemField appends to the body; BodyType=HTML converts the text body', async () => {
    const c = emu.control.createContact(emu.control.folderId('contacts'), {
      givenName: 'Body',
      notes: 'První řádek',
    });
    await call(
      `<m:UpdateItem ConflictResolution="AutoResolve"><m:ItemChanges><t:ItemChange><t:ItemId Id="${c.id}" ChangeKey="${c.changeKey}"/><t:Updates><t:AppendToItemField><t:FieldURI FieldURI="item:Body"/><t:Contact><t:Body BodyType="Text">\nDruhý &lt;řádek&gt;</t:Body></t:Contact></t:AppendToItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    const html = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:BodyType>HTML</t:BodyType><t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${c.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(attrs(html, 'Body', 'BodyType')).toEqual(['HTML']);
    expect(text(html, 'Body')).toContain('První řádek<br>Druhý &lt;řádek&gt;');
  });

  it('SoftDelete moves into Recoverable Items/Deletions; MoveItem moves between folders', async () => {
    const c = emu.control.createContact(emu.control.folderId('contacts'), { givenName: 'Soft' });
    await call(
      `<m:DeleteItem DeleteType="SoftDelete"><m:ItemIds><t:ItemId Id="${c.id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(emu.control.get(c.id)?.folderId).toBe(emu.control.folderId('recoverableitemsdeletions'));
    const m = emu.control.list(emu.control.folderId('inbox'))[0];
    const sub = emu.control.folderId('Inbox/Zákazníci');
    const moved = await call(
      `<m:MoveItem><m:ToFolderId><t:FolderId Id="${sub}"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${m?.id}"/></m:ItemIds></m:MoveItem>`,
    );
    expect(text(moved, 'ResponseCode')).toBe('NoError');
    expect(emu.control.get(m?.id ?? '')?.folderId).toBe(sub);
  });

  it('CreateItem of a message from MimeContent into a folder derives the headers', async () => {
    const mime =
      'From: Petra Malá <petra@mala.cz>\r\nTo: sales@example.cz\r\nSubject: =?UTF-8?Q?Reklamace_=C4=8D=2E_7?=\r\nMessage-ID: <rekl-7@mala.cz>\r\nDate: Tue, 24 Nov 2026 14:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDobrý den\r\n';
    const b = await call(
      `<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="inbox"/></m:SavedItemFolderId><m:Items><t:Message><t:MimeContent CharacterSet="UTF-8">${Buffer.from(mime).toString('base64')}</t:MimeContent></t:Message></m:Items></m:CreateItem>`,
    );
    const got = emu.control.get(attrs(b, 'ItemId', 'Id')[0] ?? '');
    expect(got?.fields.Subject).toBe('Reklamace č. 7');
    expect(got?.fields.InternetMessageId).toBe('<rekl-7@mala.cz>');
    expect(got?.fields.From).toBe('petra@mala.cz');
    expect(got?.mime).toBe(mime);
  });

  it('IndexedPageItemView with BasePoint=End pages from the end', async () => {
    const all = await call(
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindItem>',
    );
    const ids = attrs(all, 'ItemId', 'Id');
    const last = await call(
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="2" Offset="0" BasePoint="End"/><m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindItem>',
    );
    expect(attrs(last, 'ItemId', 'Id')).toEqual(ids.slice(-2));
  });

  it('SyncFolderItems Ignore leaves the ignored item out but advances past it', async () => {
    const folder = emu.control.createFolder('contacts', 'Ignore test', 'IPF.Contact');
    const a = emu.control.createContact(folder, { givenName: 'A' });
    const b = emu.control.createContact(folder, { givenName: 'B' });
    const r = await call(
      `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:FolderId Id="${folder}"/></m:SyncFolderId><m:Ignore><t:ItemId Id="${a.id}"/></m:Ignore><m:MaxChangesReturned>10</m:MaxChangesReturned></m:SyncFolderItems>`,
    );
    expect(attrs(r, 'ItemId', 'Id')).toEqual([b.id]);
    const again = await call(
      `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:FolderId Id="${folder}"/></m:SyncFolderId><m:SyncState>${text(r, 'SyncState')}</m:SyncState><m:MaxChangesReturned>10</m:MaxChangesReturned></m:SyncFolderItems>`,
    );
    expect(attrs(again, 'ItemId', 'Id')).toEqual([]);
  });

  it('FindItem with a QueryString (AQS) is refused instead of silently ignored', async () => {
    const b = await call(
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds><m:QueryString>poptávka</m:QueryString></m:FindItem>',
    );
    expect(text(b, 'ResponseCode')).toBe('ErrorInvalidRequest');
    expect(texts(b, 'MessageText')[0]).toContain('QueryString');
  });

  it('changing the recurrence pattern of a series drops its exceptions and deleted occurrences', async () => {
    const m = emu.control.createAppointment({
      subject: 'Série',
      start: '2027-02-01T08:00:00Z',
      end: '2027-02-01T09:00:00Z',
      recurrence: { pattern: 'weekly', days: ['Monday'], numberOfOccurrences: 5 },
    });
    emu.control.modifyOccurrence(m.id, 2, { location: 'Brno' });
    emu.control.deleteOccurrence(m.id, 3);
    const cur = emu.control.get(m.id);
    expect(cur?.modifiedOccurrences).toEqual([2]);
    await call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange><t:ItemId Id="${m.id}" ChangeKey="${cur?.changeKey}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="calendar:Recurrence"/><t:CalendarItem><t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2027-02-01</t:StartDate><t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence></t:CalendarItem></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    const after = emu.control.get(m.id);
    expect(after?.modifiedOccurrences).toEqual([]);
    expect(after?.deletedOccurrences).toEqual([]);
    expect(emu.log.entries().at(-1)).toMatchObject({
      operation: 'UpdateItem',
      status: 200,
      mailbox: emu.email,
    });
  });

  it('a message created without MIME gets an InternetMessageId and a rendered MimeContent', async () => {
    const b = await call(
      '<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message><t:Subject>Nabídka č. 9</t:Subject><t:Body BodyType="Text">Dobrý den, posílám nabídku.</t:Body><t:ToRecipients><t:Mailbox><t:Name>Jana Dvořáková</t:Name><t:EmailAddress>jana@vysocina.cz</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>',
    );
    const id = attrs(b, 'ItemId', 'Id')[0] ?? '';
    const snap = emu.control.get(id);
    expect(snap?.folderId).toBe(emu.control.folderId('sentitems'));
    expect(snap?.fields.InternetMessageId).toMatch(/^<[0-9a-f]+@example\.cz>$/);
    const g = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`,
    );
    const { parseMime } = await import('./mime');
    const m = parseMime(Buffer.from(text(g, 'MimeContent') ?? '', 'base64'));
    expect(m.subject).toBe('Nabídka č. 9');
    expect(m.to).toEqual([{ name: 'Jana Dvořáková', address: 'jana@vysocina.cz' }]);
    expect(m.from?.address).toBe(emu.email);
    expect(m.textBody).toBe('Dobrý den, posílám nabídku.');
    expect(m.messageId).toBe(snap?.fields.InternetMessageId);
  });

  it('ResolveNames: the mailbox from the directory, contacts by prefix, several → Warning, none → error', async () => {
    const own = await call(
      `<m:ResolveNames ReturnFullContactData="false" SearchScope="ActiveDirectory"><m:UnresolvedEntry>${emu.email}</m:UnresolvedEntry></m:ResolveNames>`,
    );
    expect(attrs(own, 'ResolveNamesResponseMessage', 'ResponseClass')).toEqual(['Success']);
    expect(texts(own, 'EmailAddress')).toEqual([emu.email]);
    const folder = emu.control.folderId('contacts');
    emu.control.createContact(folder, {
      givenName: 'Zdeněk',
      surname: 'Zelenka',
      emails: ['zdenek@zelenka.cz'],
    });
    emu.control.createContact(folder, {
      givenName: 'Zdeňka',
      surname: 'Zelená',
      emails: ['zdenka@zelena.cz'],
    });
    const one = await call(
      '<m:ResolveNames ReturnFullContactData="true" SearchScope="Contacts"><m:UnresolvedEntry>zdenek@</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(texts(one, 'MailboxType')).toEqual(['Contact']);
    expect(text(one, 'Surname')).toBe('Zelenka');
    const many = await call(
      '<m:ResolveNames ReturnFullContactData="false" SearchScope="ActiveDirectoryContacts"><m:UnresolvedEntry>Zelen</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(attrs(many, 'ResolveNamesResponseMessage', 'ResponseClass')).toEqual(['Warning']);
    expect(text(many, 'ResponseCode')).toBe('ErrorNameResolutionMultipleResults');
    expect(attrs(many, 'ResolutionSet', 'TotalItemsInView')).toEqual(['2']);
    const none = await call(
      '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>nikdo-takovy</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(text(none, 'ResponseCode')).toBe('ErrorNameResolutionNoResults');
  });
});
