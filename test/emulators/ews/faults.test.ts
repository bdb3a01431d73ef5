/**
 * EWS emulator: authentication (Basic, JWT-shaped bearer tokens, expiry), request validation
 * (ErrorSchemaValidation), RequestServerVersion per server flavour, several mailboxes, every injected fault, the
 * request log, and the standalone start (`npm run emulator -- ews`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canValidateXsd, validateBody } from '../../exchange/ews/xsd';
import { repoRoot } from '../../helpers/env';
import { attrs, RawEws, text, texts } from './client';
import { type EwsEmulator, startEwsEmulator } from './index';

const GET_INBOX =
  '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';

let emu: EwsEmulator;
let ews: RawEws;
beforeAll(async () => {
  emu = await startEwsEmulator({
    seed: 2,
    size: 'small',
    mailboxes: [
      { email: 'sales@example.cz', password: 'tajne-heslo', displayName: 'Prodej' },
      { email: 'novak@example.cz', password: 'jine-heslo', displayName: 'Jan Novák' },
    ],
  });
  ews = RawEws.basic(emu.url, emu.user, emu.password);
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => {
  emu.faults.clear();
  emu.faults.setLatency(0);
});

describe('EWS emulator: authentication', () => {
  it('no or wrong credentials → 401 with WWW-Authenticate (Basic and Bearer offered), nothing logged as success', async () => {
    const none = await fetch(emu.url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<x/>',
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic realm=');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(none.headers.get('www-authenticate')).toContain('NTLM');
    const wrong = await RawEws.basic(emu.url, emu.user, 'nope').post(GET_INBOX);
    expect(wrong.status).toBe(401);
    const ntlm = await new RawEws(
      emu.url,
      'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==',
    ).post(GET_INBOX);
    expect(ntlm.status).toBe(401);
    expect(
      emu.log
        .entries()
        .slice(-3)
        .map((e) => e.status),
    ).toEqual([401, 401, 401]);
  });

  it('Basic accepts the e-mail or DOMAIN\\user form; each mailbox sees its own folders', async () => {
    const a = await ews.post(GET_INBOX);
    const b = await RawEws.basic(emu.url, 'EXAMPLE\\novak', 'jine-heslo').post(GET_INBOX);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(attrs(a.body, 'FolderId', 'Id')[0]).toBe(emu.control.folderId('inbox'));
    expect(attrs(b.body, 'FolderId', 'Id')[0]).toBe(emu.control.folderId('inbox', 'novak@example.cz'));
    expect(attrs(a.body, 'FolderId', 'Id')[0]).not.toBe(attrs(b.body, 'FolderId', 'Id')[0]);
    // DistinguishedFolderId with <t:Mailbox> addresses another mailbox
    const other = await ews.post(
      '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>novak@example.cz</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>',
    );
    expect(attrs(other.body, 'FolderId', 'Id')[0]).toBe(emu.control.folderId('inbox', 'novak@example.cz'));
  });

  it('bearer tokens: JWT-shaped, accepted, tampered → 401, expired by time → 401, expireTokens() → 401', async () => {
    const token = emu.issueToken(undefined, 600);
    expect(token).toMatch(/^[A-Za-z0-9-_]+\.[A-Za-z0-9-_]+\.[A-Za-z0-9-_]*$/);
    const bearer = new RawEws(emu.url, `Bearer ${token}`);
    expect((await bearer.post(GET_INBOX)).status).toBe(200);
    const tampered = new RawEws(emu.url, `Bearer ${token.slice(0, -2)}xx`);
    expect((await tampered.post(GET_INBOX)).status).toBe(401);
    const short = emu.issueToken('novak@example.cz', 60);
    const shortClient = new RawEws(emu.url, `Bearer ${short}`);
    expect(attrs((await shortClient.post(GET_INBOX)).body, 'FolderId', 'Id')[0]).toBe(
      emu.control.folderId('inbox', 'novak@example.cz'),
    );
    emu.control.clock.advance(61_000);
    const expired = await shortClient.post(GET_INBOX);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await bearer.post(GET_INBOX)).status).toBe(200);
    emu.faults.expireTokens();
    expect((await bearer.post(GET_INBOX)).status).toBe(401);
    const fresh = new RawEws(emu.url, `Bearer ${emu.issueToken()}`);
    expect((await fresh.post(GET_INBOX)).status).toBe(200);
  });
});

describe('EWS emulator: request validation and versions', () => {
  it.skipIf(!canValidateXsd)(
    'a request that breaks the schema → HTTP 500 ErrorSchemaValidation with the violation',
    async () => {
      const r = await ews.post(
        '<m:GetFolder><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape></m:GetFolder>',
      );
      expect(r.status).toBe(500);
      expect(r.body).toContain('a:ErrorSchemaValidation');
      expect(text(r.body, 'ResponseCode')).toBe('ErrorSchemaValidation');
      expect(text(r.body, 'Violation')).toMatch(/FolderIds/);
      const unknownFolder = await ews.post(
        '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="nosuchfolder"/></m:FolderIds></m:GetFolder>',
      );
      expect(unknownFolder.status).toBe(500);
      expect(text(unknownFolder.body, 'ResponseCode')).toBe('ErrorSchemaValidation');
    },
  );

  it('malformed XML → ErrorSchemaValidation fault; an unsupported operation → fault, not a crash', async () => {
    const bad = await ews.post('<not-closed>', { envelope: false });
    expect(bad.status).toBe(500);
    expect(text(bad.body, 'ResponseCode')).toBe('ErrorSchemaValidation');
    const noEmu = await startEwsEmulator({ validateRequests: false });
    try {
      const r = await RawEws.basic(noEmu.url, noEmu.user, noEmu.password).post(
        '<m:GetServerTimeZones ReturnFullTimeZoneData="false"/>',
      );
      expect(r.status).toBe(500);
      expect(text(r.body, 'ResponseCode')).toBe('ErrorInvalidRequest');
      expect(r.body).toContain('not supported by the EWS emulator');
    } finally {
      await noEmu.stop();
    }
  });

  it('ServerVersionInfo per flavour; a RequestServerVersion newer than the server → ErrorInvalidServerVersion', async () => {
    const e2010 = await startEwsEmulator({ version: 'Exchange2010_SP2' });
    const online = await startEwsEmulator({ version: 'ExchangeOnline' });
    try {
      const c2010 = RawEws.basic(e2010.url, e2010.user, e2010.password);
      const ok = await c2010.post(GET_INBOX, { version: 'Exchange2010_SP2' });
      expect(ok.status).toBe(200);
      expect(attrs(ok.body, 'ServerVersionInfo', 'MajorVersion')).toEqual(['14']);
      const tooNew = await c2010.post(GET_INBOX, { version: 'Exchange2013_SP1' });
      expect(tooNew.status).toBe(500);
      expect(text(tooNew.body, 'ResponseCode')).toBe('ErrorInvalidServerVersion');
      const o = await RawEws.basic(online.url, online.user, online.password).post(GET_INBOX);
      expect(attrs(o.body, 'ServerVersionInfo', 'MinorVersion')).toEqual(['20']);
      expect(attrs(o.body, 'ServerVersionInfo', 'Version')).toEqual(['V2018_01_08']);
    } finally {
      await e2010.stop();
      await online.stop();
    }
  });
});

describe('EWS emulator: faults', () => {
  it('serverBusy: HTTP 500 SOAP fault ErrorServerBusy with BackOffMilliseconds for n requests, then normal', async () => {
    emu.faults.serverBusy(297749, 2);
    for (let i = 0; i < 2; i++) {
      const r = await ews.post(GET_INBOX);
      expect(r.status).toBe(500);
      expect(r.body).toContain(
        '<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>',
      );
      expect(text(r.body, 'ResponseCode')).toBe('ErrorServerBusy');
      expect(r.body).toContain('<t:Value Name="BackOffMilliseconds">297749</t:Value>');
    }
    expect((await ews.post(GET_INBOX)).status).toBe(200);
    expect(
      emu.log
        .entries()
        .slice(-3)
        .map((e) => e.responseCode ?? 'ok'),
    ).toEqual(['ErrorServerBusy', 'ErrorServerBusy', 'ok']);
  });

  it('http(503) answers the HTML status page n times', async () => {
    emu.faults.http(503, 1);
    const r = await ews.post(GET_INBOX);
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect((await ews.post(GET_INBOX)).status).toBe(200);
  });

  it('drop(n) destroys the connection without an answer', async () => {
    emu.faults.drop(1);
    await expect(ews.post(GET_INBOX)).rejects.toThrow();
    expect((await ews.post(GET_INBOX)).status).toBe(200);
  });

  it('slow(ms, n) delays the answer', async () => {
    emu.faults.slow(300, 1);
    const t0 = Date.now();
    expect((await ews.post(GET_INBOX)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('maxConcurrent(n): requests beyond n at the same time → ErrorExceededConnectionCount', async () => {
    emu.faults.maxConcurrent(2);
    emu.faults.setLatency(300);
    const rs = await Promise.all(Array.from({ length: 5 }, () => ews.post(GET_INBOX)));
    const codes = rs.map((r) => (r.status === 200 ? 'ok' : text(r.body, 'ResponseCode')));
    expect(codes.filter((c) => c === 'ok').length).toBe(2);
    expect(codes.filter((c) => c === 'ErrorExceededConnectionCount').length).toBe(3);
    emu.faults.setLatency(0);
    const after = await Promise.all(Array.from({ length: 2 }, () => ews.post(GET_INBOX)));
    expect(after.map((r) => r.status)).toEqual([200, 200]);
  });

  it('itemError(code, matcher) fails only the matching item inside a batch', async () => {
    const contacts = emu.control.list(emu.control.folderId('contacts')).slice(0, 3);
    const target = contacts[1]?.id ?? '';
    emu.faults.itemError('ErrorQuotaExceeded', { operation: 'GetItem', itemId: target });
    const body = (
      await ews.post(
        `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>${contacts.map((c) => `<t:ItemId Id="${c.id}"/>`).join('')}</m:ItemIds></m:GetItem>`,
      )
    ).body;
    expect(texts(body, 'ResponseCode')).toEqual(['NoError', 'ErrorQuotaExceeded', 'NoError']);
    if (canValidateXsd) expect((await validateBody(body)).errors).toEqual([]);
    // a matcher function and CreateItem: the second created item fails, the others are created
    let n = 0;
    emu.faults.itemError('ErrorInternalServerError', (op) => op === 'CreateItem' && ++n === 2);
    const created = (
      await ews.post(
        `<m:CreateItem><m:Items>${['A', 'B', 'C'].map((g) => `<t:Contact><t:GivenName>${g}</t:GivenName></t:Contact>`).join('')}</m:Items></m:CreateItem>`,
      )
    ).body;
    expect(texts(created, 'ResponseCode')).toEqual(['NoError', 'ErrorInternalServerError', 'NoError']);
    expect(attrs(created, 'ItemId', 'Id')).toHaveLength(2);
  });

  it('log: entries with operation/status/responseCode, counts per operation, reset', async () => {
    emu.log.reset();
    await ews.post(GET_INBOX);
    await ews.post(
      '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="AAMkADbm9uZQ=="/></m:ItemIds></m:GetItem>',
    );
    expect(emu.log.total()).toBe(2);
    expect(emu.log.counts()).toEqual({ GetFolder: 1, GetItem: 1 });
    const [a, b] = emu.log.entries();
    expect(a).toMatchObject({ operation: 'GetFolder', status: 200 });
    // an id Exchange cannot parse is ErrorInvalidIdMalformed, not ErrorItemNotFound (ResponseCode reference)
    expect(b).toMatchObject({ operation: 'GetItem', status: 200, responseCode: 'ErrorInvalidIdMalformed' });
    expect(Number.isNaN(Date.parse(a?.at ?? ''))).toBe(false);
  });
});

describe('EWS emulator: standalone start', () => {
  it('`npm run emulator -- ews --port 0` prints the JSON line with the real port and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/emulators/cli.ts', 'ews', '--port', '0', '--size', 'small'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
        setTimeout(() => reject(new Error('no JSON line within 20 s')), 20_000);
      });
      const info = JSON.parse(line) as { url: string; user: string; password: string; email: string };
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/EWS\/Exchange\.asmx$/);
      expect(info.url).not.toContain(':0/');
      expect(info.email).toBe('sales@example.cz');
      const r = await RawEws.basic(info.url, info.user, info.password).post(
        '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds></m:FindItem>',
      );
      expect(r.status).toBe(200);
      expect(Number(attrs(r.body, 'RootFolder', 'TotalItemsInView')[0])).toBeGreaterThan(0);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 30_000);
});
