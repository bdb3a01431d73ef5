/**
 * The emulator answers in the same shape as real Exchange: for each operation recorded in
 * ../shared/ews/recordings (real Exchange Online responses), the emulator's response for the same operation has
 * the same envelope skeleton, the same response-message children, and items whose elements (the ones both have)
 * come in the same order — and it carries the core elements real Exchange sends.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ewsRecordingsDir, hasShared, sharedSkipReason } from '../../helpers/env';
import { attrs, RawEws } from './client';
import { type EwsEmulator, startEwsEmulator } from './index';
import { parseXml, type XNode } from './xml';

interface Recorded {
  op: string;
  doc: XNode;
  file: string;
}

function listJson(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? listJson(p) : n.endsWith('.json') ? [p] : [];
  });
}

function loadRecordings(): Recorded[] {
  const out: Recorded[] = [];
  for (const file of listJson(ewsRecordingsDir)) {
    const rows = JSON.parse(readFileSync(file, 'utf8')) as { body?: string; statusCode: number }[];
    for (const r of rows) {
      if (!r.body || r.statusCode !== 200) continue;
      const m = /<s:Body><m:(\w+)Response /.exec(r.body);
      if (!m?.[1]) continue;
      out.push({ op: m[1], doc: parseXml(r.body), file: path.basename(file) });
    }
  }
  return out;
}

const body = (d: XNode) => d.children.find((c) => c.name === 'Body')?.children[0];
const messages = (d: XNode) => body(d)?.children.find((c) => c.name === 'ResponseMessages')?.children ?? [];

/** Envelope/Header/ServerVersionInfo + Body/XResponse/ResponseMessages/XResponseMessage names. */
function skeleton(d: XNode): string[] {
  const header = d.children.find((c) => c.name === 'Header');
  const b = body(d);
  const rm = b?.children.find((c) => c.name === 'ResponseMessages');
  return [
    d.name,
    header?.name ?? '-',
    header?.children[0]?.name ?? '-',
    b?.name ?? '-',
    rm?.name ?? '-',
    rm?.children[0]?.name ?? '-',
  ];
}

function itemsOf(n: XNode, into: XNode[] = []): XNode[] {
  for (const c of n.children) {
    if (
      ['Contact', 'CalendarItem', 'Message', 'Task'].includes(c.name) &&
      c.children.some((x) => x.name === 'ItemId')
    )
      into.push(c);
    else itemsOf(c, into);
  }
  return into;
}

/** Names both lists have must appear in the same relative order. */
function sameRelativeOrder(a: string[], b: string[]): { ok: boolean; a: string[]; b: string[] } {
  const common = new Set(a.filter((x) => b.includes(x)));
  const fa = a.filter((x) => common.has(x));
  const fb = b.filter((x) => common.has(x));
  return { ok: JSON.stringify(fa) === JSON.stringify(fb), a: fa, b: fb };
}

const CORE: Record<string, string[]> = {
  Contact: [
    'ItemId',
    'ParentFolderId',
    'ItemClass',
    'Subject',
    'Sensitivity',
    'DateTimeReceived',
    'Size',
    'Importance',
    'DateTimeCreated',
    'HasAttachments',
    'LastModifiedName',
    'LastModifiedTime',
    'FileAs',
    'DisplayName',
    'GivenName',
    'CompleteName',
    'Surname',
  ],
  CalendarItem: [
    'ItemId',
    'ParentFolderId',
    'ItemClass',
    'Subject',
    'Sensitivity',
    'Size',
    'Importance',
    'HasAttachments',
    'LastModifiedTime',
    'UID',
    'Start',
    'End',
    'IsAllDayEvent',
    'LegacyFreeBusyStatus',
    'Location',
    'IsMeeting',
    'IsCancelled',
    'IsRecurring',
    'CalendarItemType',
    'MyResponseType',
    'Organizer',
  ],
  Message: [
    'ItemId',
    'ParentFolderId',
    'ItemClass',
    'Subject',
    'Sensitivity',
    'DateTimeReceived',
    'Size',
    'Importance',
    'DateTimeSent',
    'DateTimeCreated',
    'HasAttachments',
    'LastModifiedTime',
    'From',
    'InternetMessageId',
    'IsRead',
  ],
};

describe.skipIf(!hasShared)('EWS emulator vs real Exchange recordings', () => {
  let emu: EwsEmulator;
  let ews: RawEws;
  const mine = new Map<string, XNode[]>();
  let recorded: Recorded[] = [];

  beforeAll(async () => {
    recorded = loadRecordings();
    emu = await startEwsEmulator({ seed: 9, size: 'demo' });
    ews = RawEws.basic(emu.url, emu.user, emu.password);
    const run = async (xml: string) => {
      const r = await ews.post(xml);
      const doc = parseXml(r.body);
      const op = body(doc)?.name.replace(/Response$/, '') ?? '?';
      mine.set(op, [...(mine.get(op) ?? []), doc]);
      return r.body;
    };
    const all = '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>';
    const dflt = '<m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>';
    await run(
      '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="contacts"/></m:FolderIds></m:GetFolder>',
    );
    await run(
      '<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>',
    );
    const cf = await run(
      '<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderId><m:Folders><t:CalendarFolder><t:DisplayName>Test</t:DisplayName></t:CalendarFolder></m:Folders></m:CreateFolder>',
    );
    await run(
      `<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:FolderId Id="${attrs(cf, 'FolderId', 'Id')[0]}"/></m:FolderIds></m:DeleteFolder>`,
    );
    const cc = await run(
      '<m:CreateItem><m:Items><t:Contact><t:GivenName>John</t:GivenName><t:Surname>Smith</t:Surname></t:Contact></m:Items></m:CreateItem>',
    );
    const contactId = attrs(cc, 'ItemId', 'Id')[0];
    const contactCk = attrs(cc, 'ItemId', 'ChangeKey')[0];
    await run(
      '<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>Test</t:Subject><t:Start>2026-12-01T10:00:00Z</t:Start><t:End>2026-12-01T11:00:00Z</t:End></t:CalendarItem></m:Items></m:CreateItem>',
    );
    await run(
      '<m:CreateItem MessageDisposition="SaveOnly"><m:Items><t:Message><t:Subject>Draft</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>a@b.cz</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>',
    );
    await run(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${contactId}" ChangeKey="${contactCk}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="contacts:GivenName"/><t:Contact><t:GivenName>Jane</t:GivenName></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    const master = emu.control
      .list(emu.control.folderId('calendar'))
      .find((i) => i.fields.CalendarItemType === 'RecurringMaster');
    const inbox = emu.control.list(emu.control.folderId('inbox'));
    await run(
      `<m:GetItem>${all}<m:ItemIds><t:ItemId Id="${contactId}"/><t:ItemId Id="${master?.id}"/><t:ItemId Id="${inbox[0]?.id}"/></m:ItemIds></m:GetItem>`,
    );
    for (const f of ['contacts', 'calendar', 'inbox'])
      await run(
        `<m:FindItem Traversal="Shallow">${dflt}<m:IndexedPageItemView MaxEntriesReturned="5" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="${f}"/></m:ParentFolderIds></m:FindItem>`,
      );
    await run(
      `<m:SyncFolderItems>${all}<m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId><m:MaxChangesReturned>5</m:MaxChangesReturned></m:SyncFolderItems>`,
    );
    await run(
      `<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="deleteditems"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${inbox[1]?.id}"/></m:ItemIds></m:MoveItem>`,
    );
    await run(
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${contactId}"/></m:ItemIds></m:DeleteItem>`,
    );
    await run(
      `<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${contactId}"/></m:ItemIds></m:DeleteItem>`,
    );
  });
  afterAll(async () => {
    await emu?.stop();
  });

  const OPS = [
    'GetFolder',
    'FindFolder',
    'CreateFolder',
    'DeleteFolder',
    'CreateItem',
    'UpdateItem',
    'GetItem',
    'FindItem',
    'SyncFolderItems',
    'MoveItem',
    'DeleteItem',
  ];

  it('has recordings for every compared operation', () => {
    for (const op of OPS)
      expect(
        recorded.some((r) => r.op === op),
        op,
      ).toBe(true);
  });

  it.each(OPS)('%s: same envelope skeleton and ServerVersionInfo attributes', (op) => {
    const rec = recorded.find((r) => r.op === op);
    const m = mine.get(op)?.[0];
    expect(m, `emulator produced no ${op}`).toBeDefined();
    if (!rec || !m) return;
    expect(skeleton(m)).toEqual(skeleton(rec.doc));
    const attrNames = (d: XNode) =>
      Object.keys(d.children.find((c) => c.name === 'Header')?.children[0]?.attrs ?? {}).sort();
    expect(attrNames(m)).toEqual(attrNames(rec.doc));
  });

  it.each(OPS)('%s: response messages carry the same children as real ones of the same class', (op) => {
    const shapes = (docs: XNode[]) => {
      const s = new Map<string, string>();
      for (const d of docs)
        for (const msg of messages(d)) {
          const key = `${msg.attrs.ResponseClass}:${msg.children.find((c) => c.name === 'ResponseCode')?.text}`;
          if (!s.has(key)) s.set(key, msg.children.map((c) => c.name).join(','));
        }
      return s;
    };
    const real = shapes(recorded.filter((r) => r.op === op).map((r) => r.doc));
    const ours = shapes(mine.get(op) ?? []);
    let compared = 0;
    for (const [key, names] of ours) {
      const r = real.get(key);
      if (r === undefined) continue;
      compared++;
      expect(names, `${op} ${key}`).toBe(r);
    }
    expect(
      compared,
      `${op}: nothing to compare (ours: ${[...ours.keys()]}, real: ${[...real.keys()]})`,
    ).toBeGreaterThan(0);
  });

  it('FindItem/FindFolder RootFolder attributes are the ones Exchange uses', () => {
    for (const op of ['FindItem', 'FindFolder']) {
      const names = (d: XNode) =>
        Object.keys(messages(d)[0]?.children.find((c) => c.name === 'RootFolder')?.attrs ?? {});
      const real = new Set(recorded.filter((r) => r.op === op).flatMap((r) => names(r.doc)));
      for (const d of mine.get(op) ?? [])
        for (const n of names(d)) expect(real.has(n) || n === 'IndexedPagingOffset', `${op} ${n}`).toBe(true);
    }
  });

  it.each(['Contact', 'CalendarItem', 'Message'])(
    '%s: element order agrees with real items; core elements present',
    (type) => {
      const realItems = recorded.flatMap((r) => itemsOf(r.doc)).filter((i) => i.name === type);
      const ourItems = [...mine.values()]
        .flat()
        .flatMap((d) => itemsOf(d))
        .filter((i) => i.name === type);
      expect(realItems.length).toBeGreaterThan(0);
      expect(ourItems.length).toBeGreaterThan(0);
      const ourFull = ourItems.reduce((a, b) => (b.children.length > a.children.length ? b : a));
      for (const ri of realItems) {
        const o = sameRelativeOrder(
          ourFull.children.map((c) => c.name),
          ri.children.map((c) => c.name),
        );
        expect(o.a, `${type} order`).toEqual(o.b);
      }
      const ours = new Set(ourFull.children.map((c) => c.name));
      const real = new Set(realItems.flatMap((i) => i.children.map((c) => c.name)));
      const core = (CORE[type] ?? []).filter((n) => real.has(n));
      expect(core.length).toBeGreaterThan(10);
      for (const n of core) expect(ours.has(n), `emulator ${type} lacks ${n}`).toBe(true);
    },
  );
});

describe.skipIf(hasShared)(`EWS recordings comparison skipped: ${sharedSkipReason}`, () => {
  it('needs ../shared/ews/recordings', () => expect(hasShared).toBe(false));
});
