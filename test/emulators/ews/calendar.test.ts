/**
 * EWS emulator: calendar (CreateItem rules, recurring masters with ModifiedOccurrences/DeletedOccurrences,
 * CalendarView expansion, OccurrenceItemId/RecurringMasterItemId, occurrence updates and deletes, time zones per
 * RequestServerVersion), tasks and messages (MimeContent, attachments). Every 200 body is XSD-validated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canValidateXsd, validateBody } from '../../exchange/ews/xsd';
import { attrs, RawEws, text, texts } from './client';
import { type EwsEmulator, startEwsEmulator } from './index';

let emu: EwsEmulator;
let ews: RawEws;
const NOW = new Date('2026-11-25T09:00:00Z');

async function call(body: string, opts: { version?: string } = {}): Promise<string> {
  const r = await ews.post(body, opts);
  expect(r.status, r.body.slice(0, 500)).toBe(200);
  if (canValidateXsd) {
    const v = await validateBody(r.body);
    expect(v.errors, r.body.slice(0, 3000)).toEqual([]);
  }
  return r.body;
}

beforeAll(async () => {
  emu = await startEwsEmulator({ seed: 5, size: 'demo', now: () => NOW });
  ews = RawEws.basic(emu.url, emu.user, emu.password);
});
afterAll(async () => {
  await emu?.stop();
});

const allProps = '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>';
const calendarView = (start: string, end: string, max = 100) =>
  call(
    `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:CalendarView MaxEntriesReturned="${max}" StartDate="${start}" EndDate="${end}"/><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`,
  );

function seriesMaster() {
  const m = emu.control
    .list(emu.control.folderId('calendar'))
    .find((i) => i.fields.CalendarItemType === 'RecurringMaster');
  if (!m) throw new Error('seed has no series');
  return m;
}

describe('EWS emulator: calendar', () => {
  it('CreateItem for a calendar item without SendMeetingInvitations → ErrorSendMeetingInvitationsRequired', async () => {
    const item =
      '<t:CalendarItem><t:Subject>Bez pozvánek</t:Subject><t:Start>2026-12-01T08:00:00.000+00:00</t:Start><t:End>2026-12-01T09:00:00.000+00:00</t:End></t:CalendarItem>';
    const bad = await call(`<m:CreateItem><m:Items>${item}</m:Items></m:CreateItem>`);
    expect(text(bad, 'ResponseCode')).toBe('ErrorSendMeetingInvitationsRequired');
    const ok = await call(
      `<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items>${item}</m:Items></m:CreateItem>`,
    );
    expect(text(ok, 'ResponseCode')).toBe('NoError');
    const id = attrs(ok, 'ItemId', 'Id')[0] ?? '';
    expect(emu.control.get(id)?.fields.Start).toBe('2026-12-01T08:00:00Z');
  });

  it('GetItem of the seeded weekly master: Recurrence, ModifiedOccurrences, DeletedOccurrences, UID, time zones', async () => {
    const m = seriesMaster();
    const body = await call(
      `<m:GetItem>${allProps}<m:ItemIds><t:ItemId Id="${m.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(text(body, 'CalendarItemType')).toBe('RecurringMaster');
    expect(body).toContain(
      '<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek></t:WeeklyRecurrence>',
    );
    expect(body).toContain('<t:NumberOfOccurrences>10</t:NumberOfOccurrences>');
    expect(body).toMatch(
      /<t:ModifiedOccurrences><t:Occurrence><t:ItemId [^>]+\/><t:Start>[^<]+<\/t:Start><t:End>[^<]+<\/t:End><t:OriginalStart>/,
    );
    expect(body).toMatch(/<t:DeletedOccurrences><t:DeletedOccurrence><t:Start>/);
    expect(text(body, 'UID')).toBeTruthy();
    expect(attrs(body, 'StartTimeZone', 'Id')).toEqual(['Central Europe Standard Time']);
    expect(m.modifiedOccurrences).toEqual([3]);
    expect(m.deletedOccurrences).toEqual([5]);
  });

  it('Exchange2007_SP1 requests get MeetingTimeZone instead of StartTimeZone/EndTimeZone', async () => {
    const m = seriesMaster();
    const body = await call(
      `<m:GetItem>${allProps}<m:ItemIds><t:ItemId Id="${m.id}"/></m:ItemIds></m:GetItem>`,
      {
        version: 'Exchange2007_SP1',
      },
    );
    expect(attrs(body, 'MeetingTimeZone', 'TimeZoneName')).toEqual(['Central Europe Standard Time']);
    expect(body).not.toContain('StartTimeZone');
  });

  it('CalendarView expands the series (no master), keeps wall-clock time across DST, shows the exception, skips the deleted one', async () => {
    const m = seriesMaster();
    const body = await calendarView('2026-10-01T00:00:00Z', '2027-03-01T00:00:00Z');
    const subjects = texts(body, 'Subject');
    const types = texts(body, 'CalendarItemType');
    expect(types).not.toContain('RecurringMaster');
    const series = subjects.filter((s) => s.startsWith('Porada obchodního týmu'));
    expect(series).toHaveLength(9);
    expect(subjects).toContain('Porada obchodního týmu (přesunuto)');
    expect(types.filter((t) => t === 'Exception')).toHaveLength(1);
    // every occurrence: Monday 09:00 Prague (08:00Z in winter); the exception moved by 2 h
    const starts = [
      ...body.matchAll(/<t:Subject>Porada obchodního týmu<\/t:Subject>[\s\S]*?<t:Start>([^<]+)<\/t:Start>/g),
    ].map((x) => x[1] as string);
    for (const s of starts) {
      expect(new Date(s).getUTCDay()).toBe(1);
      expect(new Date(s).getUTCHours()).toBe(8);
    }
    expect(m.fields.Start?.slice(11)).toBe('08:00:00Z');
  });

  it('CalendarView MaxEntriesReturned cuts the view and says IncludesLastItemInRange=false', async () => {
    const body = await calendarView('2026-10-01T00:00:00Z', '2027-03-01T00:00:00Z', 2);
    expect(texts(body, 'Subject')).toHaveLength(2);
    expect(attrs(body, 'RootFolder', 'IncludesLastItemInRange')).toEqual(['false']);
  });

  it('OccurrenceItemId and RecurringMasterItemId resolve; an index beyond the series is an error', async () => {
    const m = seriesMaster();
    const occ = await call(
      `<m:GetItem>${allProps}<m:ItemIds><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="2"/><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="3"/><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="11"/></m:ItemIds></m:GetItem>`,
    );
    expect(texts(occ, 'ResponseCode')).toEqual([
      'NoError',
      'NoError',
      'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
    ]);
    expect(texts(occ, 'CalendarItemType')).toEqual(['Occurrence', 'Exception']);
    expect(texts(occ, 'OriginalStart')).toHaveLength(2);
    const occId = attrs(occ, 'ItemId', 'Id')[0] ?? '';
    const master = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:RecurringMasterItemId OccurrenceId="${occId}"/></m:ItemIds></m:GetItem>`,
    );
    expect(attrs(master, 'ItemId', 'Id')).toEqual([m.id]);
  });

  it('UpdateItem on an occurrence creates an exception (master changes too); DeleteItem on one adds a deleted occurrence', async () => {
    const m = seriesMaster();
    const occ = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="7"/></m:ItemIds></m:GetItem>`,
    );
    const id = attrs(occ, 'ItemId', 'Id')[0] ?? '';
    const ck = attrs(occ, 'ItemId', 'ChangeKey')[0] ?? '';
    const noMode = await call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}" ChangeKey="${ck}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>x</t:Subject></t:CalendarItem></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    expect(text(noMode, 'ResponseCode')).toBe('ErrorSendMeetingInvitationsOrCancellationsRequired');
    const upd = await call(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}" ChangeKey="${ck}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>Porada – jen online</t:Subject></t:CalendarItem></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    expect(text(upd, 'ResponseCode')).toBe('NoError');
    expect(emu.control.get(m.id)?.modifiedOccurrences).toEqual([3, 7]);
    expect(emu.control.get(m.id)?.changeKey).not.toBe(m.changeKey);
    const delNoMode = await call(
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="8"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(text(delNoMode, 'ResponseCode')).toBe('ErrorSendMeetingCancellationsRequired');
    const del = await call(
      `<m:DeleteItem DeleteType="HardDelete" SendMeetingCancellations="SendToNone"><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${m.id}" InstanceIndex="8"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(text(del, 'ResponseCode')).toBe('NoError');
    expect(emu.control.get(m.id)?.deletedOccurrences).toEqual([5, 8]);
  });

  it('CreateItem with a Recurrence (daily, numbered) expands in CalendarView', async () => {
    const ok = await call(
      '<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>Denní stand-up</t:Subject>' +
        '<t:Start>2027-01-04T08:30:00.000+01:00</t:Start><t:End>2027-01-04T08:45:00.000+01:00</t:End>' +
        '<t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2027-01-04</t:StartDate><t:NumberOfOccurrences>5</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>' +
        '<t:StartTimeZone Id="Central Europe Standard Time"/><t:EndTimeZone Id="Central Europe Standard Time"/></t:CalendarItem></m:Items></m:CreateItem>',
    );
    expect(text(ok, 'ResponseCode')).toBe('NoError');
    const view = await calendarView('2027-01-01T00:00:00Z', '2027-01-31T00:00:00Z');
    const starts = [
      ...view.matchAll(/<t:Subject>Denní stand-up<\/t:Subject>[\s\S]*?<t:Start>([^<]+)<\/t:Start>/g),
    ].map((x) => x[1]);
    expect(starts).toEqual([
      '2027-01-04T07:30:00Z',
      '2027-01-05T07:30:00Z',
      '2027-01-06T07:30:00Z',
      '2027-01-07T07:30:00Z',
      '2027-01-08T07:30:00Z',
    ]);
  });

  it('control.modifyOccurrence / deleteOccurrence surface through SyncFolderItems as an Update of the master', async () => {
    const m = seriesMaster();
    const sync = (state?: string) =>
      call(
        `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId>${state ? `<m:SyncState>${state}</m:SyncState>` : ''}<m:MaxChangesReturned>512</m:MaxChangesReturned></m:SyncFolderItems>`,
      );
    const s = text(await sync(), 'SyncState');
    emu.control.modifyOccurrence(m.id, 9, { location: 'Brno' });
    const b = await sync(s);
    expect(b).toContain(`<t:Update><t:CalendarItem><t:ItemId Id="${m.id}"`);
  });
});

describe('EWS emulator: tasks', () => {
  it('CreateItem task, DeleteItem requires AffectedTaskOccurrences', async () => {
    const body = await call(
      '<m:CreateItem><m:SavedItemFolderId><t:DistinguishedFolderId Id="tasks"/></m:SavedItemFolderId><m:Items><t:Task><t:Subject>Zavolat panu Nováčkovi</t:Subject><t:DueDate>2026-12-03T00:00:00Z</t:DueDate><t:Status>InProgress</t:Status></t:Task></m:Items></m:CreateItem>',
    );
    const id = attrs(body, 'ItemId', 'Id')[0] ?? '';
    const got = await call(`<m:GetItem>${allProps}<m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`);
    expect(text(got, 'Status')).toBe('InProgress');
    expect(text(got, 'IsComplete')).toBe('false');
    const bad = await call(
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(text(bad, 'ResponseCode')).toBe('ErrorAffectedTaskOccurrencesRequired');
    const ok = await call(
      `<m:DeleteItem DeleteType="HardDelete" AffectedTaskOccurrences="AllOccurrences"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`,
    );
    expect(text(ok, 'ResponseCode')).toBe('NoError');
  });

  it('completing a task sets CompleteDate and PercentComplete', async () => {
    const t = emu.control.createTask({ subject: 'Hotovo', status: 'NotStarted' });
    const done = emu.control.update(t.id, { status: 'Completed' });
    expect(done.fields.PercentComplete).toBe('100');
    expect(done.fields.CompleteDate).toBeTruthy();
    expect(done.fields.IsComplete).toBe('true');
  });
});

describe('EWS emulator: messages', () => {
  it('seeded Inbox/Sent Items/Inbox/Zákazníci with Czech MIME; GetItem returns MimeContent verbatim', async () => {
    const folders = emu.control.folders();
    expect(folders.map((f) => f.path)).toContain('Inbox/Zákazníci');
    const inbox = emu.control.list(emu.control.folderId('inbox'));
    const sent = emu.control.list(emu.control.folderId('sentitems'));
    const zak = emu.control.list(emu.control.folderId('Inbox/Zákazníci'));
    expect(inbox.length + sent.length + zak.length).toBe(30);
    const withAtt = [...inbox, ...sent, ...zak].find((m) => m.attachments.length);
    expect(withAtt?.attachments[0]?.name).toBe('Nabídka – ceník 2026.pdf');
    const m = inbox[0];
    if (!m) throw new Error('empty inbox');
    const body = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape><m:ItemIds><t:ItemId Id="${m.id}"/><t:ItemId Id="${withAtt?.id}"/></m:ItemIds></m:GetItem>`,
    );
    const mimes = texts(body, 'MimeContent').map((b) => Buffer.from(b, 'base64').toString('utf8'));
    expect(mimes[0]).toBe(m.mime);
    expect(texts(body, 'InternetMessageId')[0]).toBe(m.fields.InternetMessageId);
    expect(texts(body, 'HasAttachments')).toEqual(['false', 'true']);
    expect(texts(body, 'Name')).toContain('Nabídka – ceník 2026.pdf');
    expect(text(body, 'Subject')).toMatch(/Poptávka č\. \d+ – /);
    expect(texts(body, 'ItemClass')).toEqual(['IPM.Note', 'IPM.Note']);
  });

  it('deliverMail and sendMail parse headers; FindItem on Inbox lists newest first with summary properties', async () => {
    const mime =
      'From: "Dodavatel s.r.o." <obchod@dodavatel.cz>\r\nTo: Obchodník <sales@example.cz>\r\nCc: jana@vysocina.cz\r\nSubject: =?iso-8859-2?Q?Objedn=E1vka_=E8._42?=\r\nDate: Wed, 25 Nov 2026 08:30:00 +0100\r\nMessage-ID: <obj-42@dodavatel.cz>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDobrý den, objednávka v příloze.\r\n';
    const got = emu.control.deliverMail(mime);
    expect(got.fields.Subject).toBe('Objednávka č. 42');
    expect(got.fields.CcRecipients).toBe('jana@vysocina.cz');
    expect(got.fields.IsRead).toBe('false');
    const sent = emu.control.sendMail(mime.replace('obj-42', 'obj-43'));
    expect(sent.folderId).toBe(emu.control.folderId('sentitems'));
    const list = await call(
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="3" Offset="0" BasePoint="Beginning"/><m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>',
    );
    expect(text(list, 'Subject')).toBe('Objednávka č. 42');
    expect(list).not.toContain('MimeContent');
  });
});
