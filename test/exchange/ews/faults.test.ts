/**
 * The EWS backend's transport under faults, over real loopback HTTP with a scripted stub: server back-off
 * honoured and retried, 503 and dropped connections retried (a CreateItem only after a check by its AbraId stamp),
 * connection-count throttling,
 * the error kinds (auth, tls, unreachable, timeout, malformed, cursorInvalid), per-item errors in a batch, the
 * concurrency cap, and that no secret ever reaches an error.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import type { ContactItem, FolderRef } from '../../../src-main/exchange/types';
import { SyncError } from '../../../src-main/shared/errors';
import { caught } from '../../helpers/caught';
import { type EwsStub, soapFault, soapOk, startStub, stubBackend } from './stub';

const M = 'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"';
const T = 'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';

function getItemOk(ids: string[]): string {
  const msgs = ids
    .map(
      (id, i) =>
        `<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Contact><t:ItemId Id="${id}" ChangeKey="CK${i}"/><t:DisplayName>Kontakt ${i}</t:DisplayName></t:Contact></m:Items></m:GetItemResponseMessage>`,
    )
    .join('');
  return `<m:GetItemResponse ${M} ${T}><m:ResponseMessages>${msgs}</m:ResponseMessages></m:GetItemResponse>`;
}

function errorMessage(op: string, code: string, text: string): string {
  return `<m:${op}ResponseMessage ResponseClass="Error"><m:MessageText>${text}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:${op}ResponseMessage>`;
}

const contacts: FolderRef = { id: 'F1', kind: 'contacts', displayName: 'ABRA Gen' };
const PASSWORD = 'Tajne-Heslo-123';

describe('EWS transport faults (loopback stub)', () => {
  let stub: EwsStub;
  let waits: number[];
  let backend: EwsBackend;

  beforeEach(async () => {
    stub = await startStub();
    waits = [];
    backend = stubBackend(
      stub,
      {},
      {
        transport: {
          baseDelayMs: 5,
          maxBackoffMs: 10_000,
          maxRetries: 3,
          sleep: async (ms) => {
            waits.push(ms);
          },
        },
      },
      PASSWORD,
    );
  });
  afterEach(async () => {
    await backend.close();
    await stub.stop();
  });

  it('ErrorServerBusy: waits the server BackOffMilliseconds, then retries and succeeds', async () => {
    stub.push(soapFault('ErrorServerBusy', 'The server cannot service this request right now.', 2500));
    stub.push(soapOk(getItemOk(['A'])));
    const items = await backend.getItems<ContactItem>(contacts, ['A']);
    expect(items.map((i) => i.data.displayName)).toEqual(['Kontakt 0']);
    expect(waits).toEqual([2500]);
    expect(stub.requests.map((r) => r.operation)).toEqual(['GetItem', 'GetItem']);
  });

  it('ErrorServerBusy with a back-off longer than the cap: thrown as throttled with retryAfterMs', async () => {
    stub.push(soapFault('ErrorServerBusy', 'busy', 297_749));
    const e = await caught(backend.getItems(contacts, ['A']));
    expect(e.kind).toBe('throttled');
    expect(e.retryAfterMs).toBe(297_749);
    expect(e.code).toBe('ErrorServerBusy');
    expect(waits).toEqual([]);
  });

  it('ErrorExceededConnectionCount is throttling: retried', async () => {
    stub.push(soapFault('ErrorExceededConnectionCount', 'too many concurrent connections'));
    stub.push(soapOk(getItemOk(['A'])));
    expect(await backend.getItems(contacts, ['A'])).toHaveLength(1);
    expect(waits).toHaveLength(1);
  });

  it('HTTP 503 is retried with back-off; still 503 after the retries → transient', async () => {
    stub.push({
      status: 503,
      body: '<html>Service Unavailable</html>',
      headers: { 'content-type': 'text/html' },
    });
    stub.push(soapOk(getItemOk(['A'])));
    expect(await backend.getItems(contacts, ['A'])).toHaveLength(1);
    for (let i = 0; i < 4; i++)
      stub.push({ status: 503, body: 'busy', headers: { 'content-type': 'text/html' } });
    const e = await caught(backend.getItems(contacts, ['A']));
    expect(e.kind).toBe('transient');
    expect(e.status).toBe(503);
    expect(e.transient).toBe(true);
  });

  it('a dropped connection is retried for reads; a CreateItem is re-checked by its AbraId stamp, never blindly re-sent', async () => {
    stub.push({ body: '', drop: true }, soapOk(getItemOk(['A'])));
    expect(await backend.getItems(contacts, ['A'])).toHaveLength(1);
    const found = (ids: string[]) =>
      `<m:FindItemResponse ${M} ${T}><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="${ids.length}" IncludesLastItemInRange="true"><t:Items>${ids.map((id) => `<t:Contact><t:ItemId Id="${id}" ChangeKey="CK-${id}"/></t:Contact>`).join('')}</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>`;
    const stamped = (id: string, abraId: string) =>
      `<m:GetItemResponse ${M} ${T}><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Contact><t:ItemId Id="${id}" ChangeKey="CK-${id}"/><t:DisplayName>X</t:DisplayName><t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1" PropertyName="AbraId" PropertyType="String"/><t:Value>${abraId}</t:Value></t:ExtendedProperty></t:Contact></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>`;
    // the answer is lost but the item was made: found by its stamp, not sent again
    stub.requests.length = 0;
    stub.push({ body: '', drop: true }, soapOk(found(['N1'])), soapOk(stamped('N1', 'AD1')));
    const r1 = await backend.createItems(contacts, [{ abraId: 'AD1', data: { displayName: 'X' } }]);
    expect(r1).toEqual([{ ok: true, id: 'N1', changeKey: 'CK-N1' }]);
    expect(stub.requests.map((r) => r.operation)).toEqual(['CreateItem', 'FindItem', 'GetItem']);
    // the answer is lost and nothing was made: sent again after the check
    stub.requests.length = 0;
    const created = `<m:CreateItemResponse ${M} ${T}><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Contact><t:ItemId Id="N2" ChangeKey="CK-N2"/></t:Contact></m:Items></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>`;
    stub.push({ body: '', drop: true }, soapOk(found([])), soapOk(created));
    const r2 = await backend.createItems(contacts, [{ abraId: 'AD2', data: { displayName: 'Y' } }]);
    expect(r2).toEqual([{ ok: true, id: 'N2', changeKey: 'CK-N2' }]);
    expect(stub.requests.map((r) => r.operation)).toEqual(['CreateItem', 'FindItem', 'CreateItem']);
    // HTTP 502 from a gateway on a CreateItem: not re-sent by the transport either
    stub.requests.length = 0;
    stub.push({ status: 502, body: 'bad gateway', headers: { 'content-type': 'text/html' } });
    stub.push(soapOk(found(['N3'])), soapOk(stamped('N3', 'AD3')));
    const r3 = await backend.createItems(contacts, [{ abraId: 'AD3', data: { displayName: 'Z' } }]);
    expect(r3).toEqual([{ ok: true, id: 'N3', changeKey: 'CK-N3' }]);
    expect(stub.requests.map((r) => r.operation)).toEqual(['CreateItem', 'FindItem', 'GetItem']);
  });

  it('401 → auth; nothing in the error carries the password or the Authorization header', async () => {
    stub.push({ status: 401, body: '', headers: { 'www-authenticate': 'Basic realm="x"' } });
    const e = await caught(backend.getItems(contacts, ['A']));
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(401);
    const basic = Buffer.from(`test.user@example.com:${PASSWORD}`).toString('base64');
    const dump = JSON.stringify({ ...e.toJSON(), stack: e.stack, cause: String(e.cause) });
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(basic);
    expect(stub.requests[0]?.headers.authorization).toBe(`Basic ${basic}`);
  });

  it('403 → forbidden, 404 → config', async () => {
    stub.push({ status: 403, body: 'no' });
    expect((await caught(backend.getItems(contacts, ['A']))).kind).toBe('forbidden');
    stub.push({ status: 404, body: 'no' });
    expect((await caught(backend.getItems(contacts, ['A']))).kind).toBe('config');
  });

  it('an HTML page with HTTP 200 (a proxy login page) → malformed', async () => {
    stub.push({
      status: 200,
      body: '<html><body>Please sign in</body></html>',
      headers: { 'content-type': 'text/html' },
    });
    expect((await caught(backend.getItems(contacts, ['A']))).kind).toBe('malformed');
  });

  it('no answer in time → timeout', async () => {
    const slow = stubBackend(stub, {}, { timeoutMs: 150, transport: { sleep: async () => {} } });
    stub.push({ ...soapOk(getItemOk(['A'])), delayMs: 1500 });
    expect((await caught(slow.getItems(contacts, ['A']))).kind).toBe('timeout');
  });

  it('connection refused → unreachable', async () => {
    const port = (stub.url.match(/:(\d+)\//) ?? [])[1];
    await stub.stop();
    const dead = new EwsBackend(
      { email: 'a@b.cz', ewsUrl: `http://127.0.0.1:${port}/EWS/Exchange.asmx`, auth: 'basic' },
      { password: 'x' },
    );
    expect((await caught(dead.getItems(contacts, ['A']))).kind).toBe('unreachable');
    stub = await startStub();
  });

  it('ErrorInvalidSyncStateData → cursorInvalid; an unreadable cursor too', async () => {
    stub.push(
      soapOk(
        `<m:SyncFolderItemsResponse ${M} ${T}><m:ResponseMessages>${errorMessage('SyncFolderItems', 'ErrorInvalidSyncStateData', 'Synchronization state data is corrupt or otherwise invalid.')}</m:ResponseMessages></m:SyncFolderItemsResponse>`,
      ),
    );
    const e = await caught(backend.getChanges(contacts, JSON.stringify({ v: 1, s: 'old-state' })));
    expect(e.kind).toBe('cursorInvalid');
    expect((await caught(backend.getChanges(contacts, 'not json at all'))).kind).toBe('cursorInvalid');
  });

  it('per-item errors inside a batch: one result per input, in order; the others succeed', async () => {
    const created = (id: string) =>
      `<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Contact><t:ItemId Id="${id}" ChangeKey="CK-${id}"/></t:Contact></m:Items></m:CreateItemResponseMessage>`;
    stub.push(
      soapOk(
        `<m:CreateItemResponse ${M} ${T}><m:ResponseMessages>${created('N1')}${errorMessage('CreateItem', 'ErrorQuotaExceeded', 'The mailbox is full.')}${created('N3')}</m:ResponseMessages></m:CreateItemResponse>`,
      ),
    );
    const res = await backend.createItems(contacts, [
      { abraId: 'AD1', data: { displayName: 'Jedna' } },
      { abraId: 'AD2', data: { displayName: 'Dva' } },
      { abraId: '', data: { displayName: 'bez AbraId' } },
      { abraId: 'AD3', data: { displayName: 'Tři' } },
    ]);
    expect(res[0]).toEqual({ ok: true, id: 'N1', changeKey: 'CK-N1' });
    expect(res[1]?.ok).toBe(false);
    if (res[1] && !res[1].ok) {
      expect(res[1].error.kind).toBe('validation');
      expect(res[1].error.code).toBe('ErrorQuotaExceeded');
    }
    expect(res[2]?.ok).toBe(false);
    if (res[2] && !res[2].ok) expect(res[2].error.kind).toBe('validation');
    expect(res[3]).toEqual({ ok: true, id: 'N3', changeKey: 'CK-N3' });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.body.match(/<t:Contact>/g)).toHaveLength(3);
  });

  it('update: ErrorIrresolvableConflict from the server → conflict; a missing item → notFound', async () => {
    const bound = `<m:GetItemResponse ${M} ${T}><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Contact><t:ItemId Id="U1" ChangeKey="CK1"/><t:DisplayName>Staré</t:DisplayName></t:Contact></m:Items></m:GetItemResponseMessage>${errorMessage('GetItem', 'ErrorItemNotFound', 'The specified object was not found in the store.')}</m:ResponseMessages></m:GetItemResponse>`;
    const upd = `<m:UpdateItemResponse ${M} ${T}><m:ResponseMessages>${errorMessage('UpdateItem', 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.')}</m:ResponseMessages></m:UpdateItemResponse>`;
    stub.push(soapOk(bound), soapOk(upd));
    const res = await backend.updateItems(contacts, [
      { id: 'U1', changeKey: 'CK1', data: { displayName: 'Nové' } },
      { id: 'GONE', changeKey: 'CK9', data: { displayName: 'X' } },
    ]);
    expect(res.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['conflict', 'notFound']);
  });

  it('caps concurrent requests (4 by default) when the engine reads in parallel', async () => {
    for (let i = 0; i < 10; i++) stub.push({ ...soapOk(getItemOk([`A${i}`])), delayMs: 40 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => backend.getItems(contacts, [`A${i}`])),
    );
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(stub.maxInFlight()).toBeLessThanOrEqual(4);
    expect(stub.maxInFlight()).toBeGreaterThan(1);
  });
});

describe('EWS over TLS', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ews-tls-'));
  let server: https.Server | null = null;

  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  async function serve(): Promise<{ url: string; ca: string }> {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(path.join(dir, 'key.pem'));
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    server = https.createServer({ key, cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(soapOk(getItemOk(['T1'])).body);
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    return { url: `https://127.0.0.1:${port}/EWS/Exchange.asmx`, ca: cert.toString('utf8') };
  }

  it('an untrusted certificate → tls (never retried); trusted with the configured CA', async () => {
    const { url, ca } = await serve();
    const untrusted = new EwsBackend({ email: 'a@b.cz', ewsUrl: url, auth: 'basic' }, { password: 'x' });
    expect((await caught(untrusted.getItems(contacts, ['T1']))).kind).toBe('tls');
    const trusted = new EwsBackend(
      { email: 'a@b.cz', ewsUrl: url, auth: 'basic', caCertificate: ca },
      { password: 'x' },
    );
    const items = await trusted.getItems<ContactItem>(contacts, ['T1']);
    expect(items[0]?.id).toBe('T1');
  });
});

describe('EWS request details (loopback stub)', () => {
  let stub: EwsStub;
  let backend: EwsBackend;
  beforeEach(async () => {
    stub = await startStub();
    backend = stubBackend(stub);
  });
  afterEach(async () => {
    await backend.close();
    await stub.stop();
  });

  const created = `<m:CreateItemResponse ${M} ${T}><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem><t:ItemId Id="C1" ChangeKey="K1"/></t:CalendarItem></m:Items></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>`;
  const deleted = `<m:DeleteItemResponse ${M} ${T}><m:ResponseMessages><m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage></m:ResponseMessages></m:DeleteItemResponse>`;

  it('calendar create: no invitations, the user’s Windows zone, UTC instants; deletes send no cancellations', async () => {
    const cal: FolderRef = { id: 'CAL', kind: 'calendar', displayName: 'Calendar' };
    stub.push(soapOk(created));
    const [r] = await backend.createItems(cal, [
      {
        abraId: 'CRM1',
        data: { subject: 'Schůzka', start: '2026-03-29T08:00:00.000Z', end: '2026-03-29T09:00:00.000Z' },
      },
    ]);
    expect(r).toEqual({ ok: true, id: 'C1', changeKey: 'K1' });
    const body = stub.requests[0]?.body ?? '';
    expect(body).toContain('SendMeetingInvitations="SendToNone"');
    expect(body).toMatch(/<t:StartTimeZone [^>]*Id="Central Europe Standard Time"/);
    expect(body).toMatch(/<t:EndTimeZone [^>]*Id="Central Europe Standard Time"/);
    expect(body).toMatch(/<t:Start>2026-03-29T08:00:00(\.000)?(Z|\+00:00)<\/t:Start>/);
    stub.push(soapOk(deleted));
    await backend.deleteItems(cal, ['C1']);
    expect(stub.requests[1]?.body).toContain('SendMeetingCancellations="SendToNone"');
    expect(stub.requests[1]?.body).toContain('DeleteType="MoveToDeletedItems"');
  });

  it('task delete names AffectedTaskOccurrences; bad input is refused before anything is sent', async () => {
    const tasks: FolderRef = { id: 'TSK', kind: 'tasks', displayName: 'Tasks' };
    stub.push(soapOk(deleted));
    expect(await backend.deleteItems(tasks, ['T1'])).toEqual([{ ok: true }]);
    expect(stub.requests[0]?.body).toContain('AffectedTaskOccurrences="AllOccurrences"');
    const cal: FolderRef = { id: 'CAL', kind: 'calendar', displayName: 'Calendar' };
    const [bad] = await backend.createItems(cal, [
      { abraId: 'X', data: { subject: 'Bad', start: 'yesterday', end: '2026-01-01T00:00:00.000Z' } },
    ]);
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.error.kind).toBe('validation');
    expect(stub.requests).toHaveLength(1);
  });
});

describe('throttling inside a 200 response', () => {
  it('ErrorServerBusy as the SyncFolderItems response message is waited out and the call repeated', async () => {
    const stub = await startStub();
    const waits: number[] = [];
    const b = stubBackend(
      stub,
      {},
      { transport: { sleep: async (ms) => void waits.push(ms), maxBackoffMs: 60_000 } },
    );
    try {
      stub.push(
        soapOk(
          `<m:SyncFolderItemsResponse ${M} ${T}><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Error"><m:MessageText>The server cannot service this request right now. Try again later.</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml><t:Value Name="BackOffMilliseconds">1500</t:Value></m:MessageXml></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>`,
        ),
        soapOk(
          `<m:SyncFolderItemsResponse ${M} ${T}><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>S1</m:SyncState><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange><m:Changes/></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>`,
        ),
      );
      const page = await b.getChanges(contacts, null);
      expect(page.changes).toEqual([]);
      expect(JSON.parse(page.cursor).s).toBe('S1');
      expect(stub.requests.map((r) => r.operation)).toEqual(['SyncFolderItems', 'SyncFolderItems']);
      expect(waits).toEqual([1500]);
    } finally {
      await stub.stop();
    }
  });
});

describe('configuration refused before any request', () => {
  it('an EWS URL that is not https (outside this machine) or not a URL → config', () => {
    const make = (ewsUrl: string) => () =>
      new EwsBackend({ email: 'a@b.cz', ewsUrl, auth: 'basic' }, { password: 'x' });
    expect(make('http://mail.firma.cz/EWS/Exchange.asmx')).toThrow(/https:\/\//);
    expect(make('mail.firma.cz')).toThrow(SyncError);
    expect(make('https://mail.firma.cz/EWS/Exchange.asmx')).not.toThrow();
    expect(make('http://127.0.0.1:8080/EWS/Exchange.asmx')).not.toThrow();
    expect(() => new EwsBackend({ email: 'a@b.cz', ewsUrl: 'https://x.cz/EWS/Exchange.asmx' }, {})).toThrow(
      /password is missing/,
    );
  });
});
