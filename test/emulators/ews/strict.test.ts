/**
 * The EWS emulator is at least as strict as Exchange (issue #12). Each behaviour cites Microsoft's documentation:
 * - a request that is not well-formed XML, or not valid against the schema, is refused as a whole: HTTP 500 SOAP
 *   fault ErrorSchemaValidation "The request failed schema validation" ("ResponseCode",
 *   https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode; "EWS schema
 *   versions in Exchange", https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/ews-schema-versions-in-exchange);
 *   the schema check runs on the bytes received, not on a re-serialised copy;
 * - IIS authenticates before EWS sees a request: any method without credentials gets 401 with the
 *   WWW-Authenticate challenges ("Authentication and EWS in Exchange",
 *   https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/authentication-and-ews-in-exchange);
 * - ConvertId, GetAttachment, UpdateFolder, GetUserConfiguration, distinguished folders, MAPI tags, and the
 *   502-after-processing fault the product must survive without a duplicate.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import type { ContactItem } from '../../../src-main/exchange/types';
import { canValidateXsd, validateBody, xsdSkipReason } from '../../exchange/ews/xsd';
import { ewsRecordingsDir, hasShared, sharedSkipReason } from '../../helpers/env';
import { attrs, RawEws, soapEnvelope, text, texts } from './client';
import { type EwsEmulator, startEwsEmulator } from './index';
import { checkWellFormed } from './wellformed';

let emu: EwsEmulator;
let ews: RawEws;
beforeAll(async () => {
  emu = await startEwsEmulator({ size: 'empty' });
  ews = RawEws.basic(emu.url, emu.user, emu.password);
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => emu.faults.clear());

/** POSTs raw bytes (not necessarily UTF-8 or XML) with valid credentials. */
async function postBytes(body: Buffer | string): Promise<{ status: number; body: string }> {
  const r = await fetch(emu.url, {
    method: 'POST',
    headers: { authorization: ews.authorization, 'content-type': 'text/xml; charset=utf-8' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: r.status, body: await r.text() };
}

/** Every answer must be valid against Microsoft's schema too. */
async function valid(xml: string): Promise<void> {
  if (!canValidateXsd) return;
  const r = await validateBody(xml);
  expect(r.errors).toEqual([]);
}

const contactCreate = (given: string) =>
  `<m:CreateItem><m:SavedItemFolderId><t:DistinguishedFolderId Id="contacts"/></m:SavedItemFolderId><m:Items><t:Contact><t:GivenName>${given}</t:GivenName></t:Contact><t:Contact><t:GivenName>Druhý</t:GivenName></t:Contact></m:Items></m:CreateItem>`;

function expectSchemaFault(r: { status: number; body: string }): void {
  expect(r.status).toBe(500);
  expect(text(r.body, 'ResponseCode')).toBe('ErrorSchemaValidation');
  expect(text(r.body, 'faultstring')).toBe('The request failed schema validation.');
}

describe('EWS emulator: the request body is parsed strictly (ErrorSchemaValidation, HTTP 500)', () => {
  const cases: [string, string][] = [
    ['a bare & (Novák & syn)', 'Novák & syn'],
    ['a bare <', 'Cena < 1000'],
    ['a C0 control character', 'Ceník\u000bz Excelu'],
    ['a character reference to a C0 control', 'Ceník&#11;z Excelu'],
    ['an undeclared entity', 'Ceník&nbsp;z Excelu'],
    [']]> in text', 'A ]]> B'],
  ];
  for (const [what, given] of cases)
    it(`${what}: the whole batch is refused and nothing is stored`, async () => {
      const before = emu.control.list(emu.control.folderId('contacts')).length;
      const r = await postBytes(soapEnvelope(contactCreate(given)));
      expectSchemaFault(r);
      expect(emu.control.list(emu.control.folderId('contacts'))).toHaveLength(before);
    });

  it('bytes that are not UTF-8 are refused, not silently replaced', async () => {
    const xml = Buffer.from(soapEnvelope(contactCreate('Nov\u00e1k')), 'utf8');
    const latin1 = Buffer.from(xml.toString('utf8'), 'latin1');
    expectSchemaFault(await postBytes(latin1));
  });

  it('a DOCTYPE (entity expansion) is refused', async () => {
    const r = await postBytes(
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${soapEnvelope(contactCreate('&a;')).replace(/^<\?xml[^>]*\?>/, '')}`,
    );
    expectSchemaFault(r);
  });

  it('the escaped forms of the same text are accepted and stored as text', async () => {
    const r = await ews.post(contactCreate('Novák &amp; syn &lt;s.r.o.&gt; &#x1F600; &quot;x&quot;'));
    expect(r.status).toBe(200);
    await valid(r.body);
    const ids = attrs(r.body, 'ItemId', 'Id');
    expect(emu.control.get(ids[0] ?? '')?.fields.GivenName).toBe('Novák & syn <s.r.o.> 😀 "x"');
  });

  it('the fault names the line and column of the first error', async () => {
    const r = await postBytes(soapEnvelope(contactCreate('a & b')));
    expect(Number(text(r.body, 'LineNumber'))).toBe(1);
    expect(Number(text(r.body, 'LinePosition'))).toBeGreaterThan(100);
  });
});

describe.skipIf(!canValidateXsd)('EWS emulator: schema validation of the received envelope', () => {
  it('a second operation in the Body (ignored when only the first element was re-serialised) is refused', async () => {
    const one =
      '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';
    expectSchemaFault(await ews.post(one + one));
  });

  it('an element the schema does not know, and a value outside its enumeration, are refused', async () => {
    expectSchemaFault(await ews.post('<m:NoSuchOperation/>'));
    expectSchemaFault(
      await ews.post(
        '<m:GetFolder><m:FolderShape><t:BaseShape>Everything</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>',
      ),
    );
  });

  it('an envelope that is not SOAP 1.1 is refused', async () => {
    const r = await postBytes(
      '<?xml version="1.0"?><Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body/></Envelope>',
    );
    expectSchemaFault(r);
  });
});
describe.skipIf(canValidateXsd)(`schema validation of the envelope skipped: ${xsdSkipReason}`, () => {
  it('needs ../shared and xmllint', () => expect(canValidateXsd).toBe(false));
});

describe('EWS emulator: authentication before anything else (IIS)', () => {
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'])
    it(`${method} without credentials → 401 with Negotiate, NTLM and Basic challenges`, async () => {
      const r = await fetch(emu.url, { method, ...(method === 'POST' ? { body: 'not even xml' } : {}) });
      expect(r.status).toBe(401);
      const challenges = r.headers.get('www-authenticate') ?? '';
      for (const c of ['Negotiate', 'NTLM', 'Basic']) expect(challenges).toContain(c);
    });

  it('an authenticated GET learns that EWS wants POST (405)', async () => {
    const r = await fetch(emu.url, { headers: { authorization: ews.authorization } });
    expect(r.status).toBe(405);
  });
});

describe('EWS emulator: operations independent clients use', () => {
  // "DistinguishedFolderId", https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/distinguishedfolderid
  it('every standard folder of a mailbox resolves by distinguished id', async () => {
    const ids = [
      'inbox',
      'sentitems',
      'drafts',
      'deleteditems',
      'junkemail',
      'outbox',
      'calendar',
      'contacts',
      'tasks',
      'notes',
      'journal',
      'root',
      'msgfolderroot',
    ];
    const r = await ews.post(
      `<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds>${ids.map((i) => `<t:DistinguishedFolderId Id="${i}"/>`).join('')}</m:FolderIds></m:GetFolder>`,
    );
    await valid(r.body);
    expect(texts(r.body, 'ResponseCode')).toEqual(ids.map(() => 'NoError'));
    expect(new Set(attrs(r.body, 'FolderId', 'Id')).size).toBe(ids.length);
  });

  // "ConvertId operation", https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/convertid-operation
  it('ConvertId: EwsId → HexEntryId → EwsId round trip, with the mailbox; a malformed id → ErrorInvalidIdMalformed', async () => {
    const c = emu.control.createContact(emu.control.folderId('contacts'), { givenName: 'Převod' });
    const conv = (dest: string, format: string, id: string) =>
      ews.post(
        `<m:ConvertId DestinationFormat="${dest}"><m:SourceIds><t:AlternateId Format="${format}" Id="${id}" Mailbox="${emu.email}"/></m:SourceIds></m:ConvertId>`,
      );
    const hex = await conv('HexEntryId', 'EwsId', c.id);
    await valid(hex.body);
    expect(text(hex.body, 'ResponseCode')).toBe('NoError');
    expect(attrs(hex.body, 'AlternateId', 'Mailbox')).toEqual([emu.email]);
    const hexId = attrs(hex.body, 'AlternateId', 'Id')[0] ?? '';
    expect(hexId).toMatch(/^[0-9A-F]+$/);
    const back = await conv('EwsId', 'HexEntryId', hexId);
    expect(attrs(back.body, 'AlternateId', 'Id')).toEqual([c.id]);
    const bad = await conv('EwsId', 'HexEntryId', 'ZZ-not-hex');
    await valid(bad.body);
    expect(text(bad.body, 'ResponseCode')).toBe('ErrorInvalidIdMalformed');
  });

  // "GetAttachment operation", https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/getattachment-operation
  it('GetAttachment returns a file attachment with its content; an unknown id → an error in its slot', async () => {
    const mail = emu.control.deliverMail(
      [
        'From: a@example.cz',
        'To: sales@example.cz',
        'Subject: Příloha',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Text',
        '--b',
        'Content-Type: application/pdf; name="nabidka.pdf"',
        'Content-Disposition: attachment; filename="nabidka.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 test').toString('base64'),
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(mail.attachments).toHaveLength(1);
    const get = await ews.post(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Attachments"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${mail.id}"/></m:ItemIds></m:GetItem>`,
    );
    const attId = attrs(get.body, 'AttachmentId', 'Id')[0] ?? '';
    const r = await ews.post(
      `<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="${attId}"/><t:AttachmentId Id="bm9uZQ=="/></m:AttachmentIds></m:GetAttachment>`,
    );
    await valid(r.body);
    expect(texts(r.body, 'ResponseCode')).toEqual(['NoError', 'ErrorItemNotFound']);
    expect(text(r.body, 'Name')).toBe('nabidka.pdf');
    expect(Buffer.from(text(r.body, 'Content') ?? '', 'base64').toString()).toBe('%PDF-1.4 test');
  });

  // "UpdateFolder operation", https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/updatefolder-operation
  it('UpdateFolder renames a folder (new ChangeKey); a sibling name → ErrorFolderExists', async () => {
    const id = emu.control.createFolder('inbox', 'Staré jméno');
    emu.control.createFolder('inbox', 'Obsazeno');
    const rename = (name: string) =>
      ews.post(
        `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="${id}"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>${name}</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
      );
    const r = await rename('Nové &amp; lepší');
    await valid(r.body);
    expect(text(r.body, 'ResponseCode')).toBe('NoError');
    expect(emu.control.folders().find((f) => f.id === id)?.displayName).toBe('Nové & lepší');
    const dup = await rename('Obsazeno');
    await valid(dup.body);
    expect(text(dup.body, 'ResponseCode')).toBe('ErrorFolderExists');
  });

  // "GetUserConfiguration operation", https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/getuserconfiguration-operation
  it('GetUserConfiguration answers as a mailbox without that configuration: ErrorItemNotFound', async () => {
    const r = await ews.post(
      '<m:GetUserConfiguration><m:UserConfigurationName Name="OWA.UserOptions"><t:DistinguishedFolderId Id="root"/></m:UserConfigurationName><m:UserConfigurationProperties>All</m:UserConfigurationProperties></m:GetUserConfiguration>',
    );
    await valid(r.body);
    expect(r.status).toBe(200);
    expect(text(r.body, 'ResponseCode')).toBe('ErrorItemNotFound');
  });

  // "Properties and extended properties in EWS in Exchange" + [MS-OXPROPS]: a MAPI tag is the same property as the
  // EWS field that names it
  it('MAPI tags are the standard fields: PR_SUBJECT, PidTagDisplayNamePrefix, PidTagTitle, item class; PublicStrings ≡ its GUID', async () => {
    const c = emu.control.createContact(emu.control.folderId('contacts'), {
      givenName: 'Jan',
      surname: 'Novák',
      title: 'Ing.',
      jobTitle: 'jednatel',
    });
    const ext = (tag: string, type = 'String') =>
      `<t:ExtendedFieldURI PropertyTag="${tag}" PropertyType="${type}"/>`;
    const r = await ews.post(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${ext('0x3A45')}${ext('0x3a17')}${ext('0x001A')}</t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${c.id}"/></m:ItemIds></m:GetItem>`,
    );
    await valid(r.body);
    expect(texts(r.body, 'Value')).toEqual(['Ing.', 'jednatel', 'IPM.Contact']);
    // written through the tag, read as the field
    const upd = await ews.post(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${c.id}" ChangeKey="${emu.control.get(c.id)?.changeKey}"/><t:Updates><t:SetItemField>${ext('0x3A45')}<t:Contact><t:ExtendedProperty>${ext('0x3A45')}<t:Value>Mgr.</t:Value></t:ExtendedProperty></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    expect(text(upd.body, 'ResponseCode')).toBe('NoError');
    const after = await ews.post(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="contacts:CompleteName"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${c.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(text(after.body, 'Title')).toBe('Mgr.');
    // a named property by set name and by GUID is one property
    const named = (set: string) => `<t:ExtendedFieldURI ${set} PropertyName="Kód" PropertyType="String"/>`;
    const byName = named('DistinguishedPropertySetId="PublicStrings"');
    const byGuid = named('PropertySetId="00020329-0000-0000-C000-000000000046"');
    await ews.post(
      `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${c.id}" ChangeKey="${emu.control.get(c.id)?.changeKey}"/><t:Updates><t:SetItemField>${byName}<t:Contact><t:ExtendedProperty>${byName}<t:Value>K-1</t:Value></t:ExtendedProperty></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
    );
    const viaGuid = await ews.post(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${byGuid}</t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${c.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(texts(viaGuid.body, 'Value')).toEqual(['K-1']);
    // PR_SUBJECT of an appointment, and in a restriction
    const a = emu.control.createAppointment({
      subject: 'Porada & oběd',
      start: '2026-12-12T10:00:00Z',
      end: '2026-12-12T11:00:00Z',
    });
    const subj = await ews.post(
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${ext('0x0037')}</t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${a.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(texts(subj.body, 'Value')).toEqual(['Porada & oběd']);
    const found = await ews.post(
      `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:Restriction><t:IsEqualTo>${ext('0x0037')}<t:FieldURIOrConstant><t:Constant Value="Porada &amp; oběd"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`,
    );
    await valid(found.body);
    expect(attrs(found.body, 'ItemId', 'Id')).toEqual([a.id]);
    // PR_CONTAINER_CLASS of a folder
    const f = await ews.post(
      `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${ext('0x3613')}</t:AdditionalProperties></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>`,
    );
    await valid(f.body);
    expect(texts(f.body, 'Value')).toEqual(['IPF.Appointment']);
  });

  it('a title typed in Outlook reaches the product (it reads PidTagDisplayNamePrefix)', async () => {
    const folder = emu.control.createFolder('contacts', 'Tituly');
    const c = emu.control.createContact(folder, { givenName: 'Eva', surname: 'Malá', title: 'MUDr.' });
    const b = new EwsBackend(
      { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
      { password: emu.password },
    );
    try {
      const [it] = await b.getItems<ContactItem>({ id: folder, kind: 'contacts', displayName: 'Tituly' }, [
        c.id,
      ]);
      expect(it?.data.title).toBe('MUDr.');
    } finally {
      await b.close();
    }
  });
});

describe('EWS backend: a 502 after Exchange stored the items makes no duplicate', () => {
  it('CreateItem answered 502 by the proxy AFTER storing: found by AbraId, not sent again; results line up', async () => {
    const b = new EwsBackend(
      { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
      { password: emu.password },
      { transport: { baseDelayMs: 5, maxBackoffMs: 1_000, maxRetries: 3 } },
    );
    try {
      const cal = await b.getFolder('calendar');
      const start = '2026-12-11T08:00:00.000Z';
      const end = '2026-12-11T09:00:00.000Z';
      emu.log.reset();
      emu.faults.httpAfterProcessing(502, 1, 'CreateItem');
      const res = await b.createItems(cal, [
        { abraId: 'DUP-1', data: { subject: 'Jedna', start, end } },
        { abraId: 'DUP-2', data: { subject: 'Dvě', start, end } },
      ]);
      const items = emu.control
        .list(cal.id)
        .filter((i) => i.extended[`c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/AbraId`]?.startsWith('DUP-'));
      expect(items).toHaveLength(2);
      const byAbra = new Map(
        items.map((i) => [i.extended['c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/AbraId'], i]),
      );
      expect(res.map((r) => (r.ok ? r.id : 'failed'))).toEqual([
        byAbra.get('DUP-1')?.id,
        byAbra.get('DUP-2')?.id,
      ]);
      const creates = emu.log.entries().filter((e) => e.operation === 'CreateItem');
      expect(creates.map((e) => e.status)).toEqual([502]);
      // and a 502 BEFORE storing: nothing found, sent again once
      emu.log.reset();
      emu.faults.http(502, 1);
      const again = await b.createItems(cal, [{ abraId: 'DUP-3', data: { subject: 'Tři', start, end } }]);
      expect(again[0]?.ok).toBe(true);
      expect(
        emu.log
          .entries()
          .filter((e) => e.operation === 'CreateItem')
          .map((e) => e.status),
      ).toEqual([502, 200]);
      expect(
        emu.control
          .list(cal.id)
          .filter((i) => i.extended['c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/AbraId'] === 'DUP-3'),
      ).toHaveLength(1);
    } finally {
      await b.close();
    }
  });
});

describe('EWS backend: a corrupt stored id (ErrorInvalidIdMalformed) counts as gone, like ErrorItemNotFound', () => {
  it('getItems leaves it out, updateItems answers notFound for that item only, deleteItems takes it as deleted', async () => {
    const b = new EwsBackend(
      { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
      { password: emu.password },
    );
    try {
      const folder = await b.getFolder('contacts');
      const [ok] = await b.createItems(folder, [{ abraId: 'CORR-1', data: { displayName: 'Platný' } }]);
      const good = ok?.ok ? ok : null;
      expect(good).not.toBeNull();
      const corrupt = 'AAMkAD-this-is-not-an-id';
      expect((await b.getItems(folder, [corrupt, good?.id ?? ''])).map((i) => i.id)).toEqual([good?.id]);
      const up = await b.updateItems(folder, [
        { id: corrupt, changeKey: '', data: { displayName: 'X' } },
        { id: good?.id ?? '', changeKey: good?.changeKey ?? '', data: { displayName: 'Platný 2' } },
      ]);
      expect(up[0]?.ok).toBe(false);
      if (up[0] && !up[0].ok) {
        expect(up[0].error.kind).toBe('notFound');
        expect(up[0].error.code).toBe('ErrorInvalidIdMalformed');
      }
      expect(up[1]?.ok).toBe(true);
      expect(await b.deleteItems(folder, [corrupt])).toEqual([{ ok: true }]);
    } finally {
      await b.close();
    }
  });
});

describe.skipIf(!hasShared)('strict parser: no false alarms on what real Exchange writes', () => {
  it('every body of the real Exchange recordings (../shared/ews/recordings) is well-formed to the strict check', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = path.join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.json')) files.push(p);
      }
    };
    walk(ewsRecordingsDir);
    let checked = 0;
    for (const f of files)
      for (const r of JSON.parse(readFileSync(f, 'utf8')) as { body?: string }[]) {
        if (!r.body?.trimStart().startsWith('<?xml')) continue; // XML answers (not HTML error pages)
        expect(checkWellFormed(r.body), `${path.basename(f)}`).toBeNull();
        checked++;
      }
    expect(checked).toBeGreaterThan(40);
  });
});
describe.skipIf(hasShared)(`recordings check skipped: ${sharedSkipReason}`, () => {
  it('needs ../shared', () => expect(hasShared).toBe(false));
});
