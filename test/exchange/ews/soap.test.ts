/**
 * The lean SOAP call (src-main/exchange/ews/soap.ts) against a loopback stub: the request is the library's
 * envelope (its own header for the session's dialect, the library's HTTP headers and sign-in) around the caller's
 * element; the answer's ServerVersionInfo reaches the session; failures come out as the library path's SyncErrors —
 * a response message's code and MessageText, a throttling answer retried after its BackOffMilliseconds, a SOAP fault,
 * an answer that is not XML.
 * EWS facts: "RequestServerVersion", "ServerVersionInfo", "ResponseMessages" and "EWS throttling" (BackOffMilliseconds)
 * in Microsoft's EWS reference, https://learn.microsoft.com/exchange/client-developer/web-service-reference/.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ews } from '../../../src-main/exchange/ews/ews-lib';
import { EwsSession } from '../../../src-main/exchange/ews/session';
import { messageError, responseMessages, soapCall } from '../../../src-main/exchange/ews/soap';
import { child, parseXml, type XmlElement } from '../../../src-main/exchange/ews/xml-tree';
import { SyncError } from '../../../src-main/shared/errors';
import { caught } from '../../helpers/caught';
import { type EwsStub, soapFault, soapOk, startStub } from './stub';
import { canValidateXsd, validateBody, xsdSkipReason } from './xsd';

const M = 'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"';
const T = 'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';
const GET_INBOX =
  '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';
const FOLDER_OK = `<m:GetFolderResponse ${M} ${T}><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="INBOX1" ChangeKey="C1"/></t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>`;
const BUSY = `<m:GetFolderResponse ${M} ${T}><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>The server cannot service this request right now.</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml><t:Value Name="BackOffMilliseconds">1234</t:Value></m:MessageXml></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>`;

/** A comparable form of an element tree: names, namespaces, attributes, text. */
function shape(el: XmlElement | undefined): unknown {
  if (!el) return null;
  return { n: `${el.ns}|${el.name}`, a: el.attrs, t: el.text.trim(), c: el.children.map(shape) };
}

function firstId(resp: XmlElement): string {
  const msg = responseMessages(resp)[0]!;
  const err = messageError(msg, 'GetFolder');
  if (err) throw err;
  return String(child(child(child(msg, 'Folders'), 'Folder'), 'FolderId')?.attrs.Id);
}

describe('the lean SOAP call (loopback stub)', () => {
  let stub: EwsStub;
  let waits: number[];
  const session = (serverVersion?: 'Exchange2010_SP2' | 'Exchange2007_SP1') =>
    new EwsSession(
      { email: 'test.user@example.com', ewsUrl: stub.url, auth: 'basic', timeZone: 'Europe/Prague' },
      { password: 'S3cret-Pa55' },
      {
        ...(serverVersion ? { serverVersion } : {}),
        transport: { baseDelayMs: 1, maxBackoffMs: 5000, sleep: async (ms) => void waits.push(ms) },
      },
    );

  beforeEach(async () => {
    stub = await startStub();
    waits = [];
  });
  afterEach(() => stub.stop());

  for (const version of ['Exchange2010_SP2', 'Exchange2007_SP1'] as const) {
    it(`sends the library's envelope and HTTP headers around the element (${version})`, async () => {
      const s = session(version);
      // the same GetFolder through the library, then through the lean call
      stub.push(soapOk(FOLDER_OK), soapOk(FOLDER_OK));
      await s.call('GetFolder', () =>
        ews.Folder.Bind(
          s.service,
          ews.WellKnownFolderName.Inbox,
          new ews.PropertySet(ews.BasePropertySet.IdOnly),
        ),
      );
      expect(await soapCall(s, 'GetFolder', GET_INBOX, firstId)).toBe('INBOX1');
      const [lib, lean] = stub.requests;
      expect(shape(parseXml(lean!.body))).toEqual(shape(parseXml(lib!.body)));
      for (const h of ['content-type', 'accept', 'authorization', 'accept-encoding'])
        expect(lean!.headers[h], h).toBe(lib!.headers[h]);
      expect(lean!.headers.authorization).toMatch(/^Basic /);
    });
  }

  it('sends the TimeZoneContext header when asked, as the library does for items with times', async () => {
    const s = session('Exchange2010_SP2');
    stub.push(soapOk(FOLDER_OK), soapOk(FOLDER_OK));
    await soapCall(s, 'GetFolder', GET_INBOX, firstId);
    await soapCall(s, 'GetFolder', GET_INBOX, firstId, { withZone: true });
    const header = (i: number) => child(parseXml(stub.requests[i]!.body), 'Header');
    expect(child(header(0), 'TimeZoneContext')).toBeUndefined();
    expect(child(header(1), 'TimeZoneContext')).toBeDefined();
    expect(child(header(1), 'RequestServerVersion')?.attrs.Version).toBe('Exchange2010_SP2');
  });

  it.skipIf(!canValidateXsd)(`the request validates against Microsoft's XSD ${xsdSkipReason}`, async () => {
    stub.push(soapOk(FOLDER_OK));
    await soapCall(session(), 'GetFolder', GET_INBOX, firstId, { withZone: true });
    expect(await validateBody(stub.requests[0]!.body)).toEqual({ ok: true, errors: [] });
  });

  it("hands the answer's ServerVersionInfo to the session (the dialect follows the server)", async () => {
    const s = session();
    stub.push(soapOk(FOLDER_OK));
    await soapCall(s, 'GetFolder', GET_INBOX, firstId);
    expect(s.serverMode).toMatchObject({ major: 15, minor: 2, build: '15.2.1544.4' });
  });

  it('a throttling answer inside the response message is retried after its BackOffMilliseconds', async () => {
    stub.push(soapOk(BUSY), soapOk(FOLDER_OK));
    expect(await soapCall(session(), 'GetFolder', GET_INBOX, firstId)).toBe('INBOX1');
    expect(waits).toEqual([1234]);
    expect(stub.requests).toHaveLength(2);
  });

  it('a failed response message reads as the library path reads it: kind, code, MessageText', async () => {
    const msg = responseMessages(child(child(parseXml(soapOk(BUSY).body), 'Body'), 'GetFolderResponse')!)[0]!;
    const e = messageError(msg, 'GetFolder')!;
    expect(e).toBeInstanceOf(SyncError);
    expect(e).toMatchObject({ kind: 'throttled', code: 'ErrorServerBusy', retryAfterMs: 1234 });
    expect(e.message).toBe('GetFolder: ErrorServerBusy — The server cannot service this request right now.');
  });

  it('a SOAP fault and an answer that is not XML come out as clear errors', async () => {
    stub.push(soapFault('ErrorAccessDenied', 'Access is denied.'));
    const e1 = await caught(soapCall(session(), 'GetFolder', GET_INBOX, firstId));
    expect(e1).toBeInstanceOf(SyncError);
    expect((e1 as SyncError).code).toBe('ErrorAccessDenied');
    stub.push({
      status: 200,
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><oops',
    });
    const e2 = await caught(soapCall(session(), 'GetFolder', GET_INBOX, firstId));
    expect(e2).toMatchObject({ kind: 'malformed' });
    stub.push(soapOk(`<m:GetItemResponse ${M}/>`));
    const e3 = await caught(soapCall(session(), 'GetFolder', GET_INBOX, firstId));
    expect(e3).toMatchObject({
      kind: 'malformed',
      message: 'GetFolder: the Exchange answer has no GetFolderResponse',
    });
  });
});
