/**
 * NTLM against the EWS emulator with the real client stack: @ewsjs/xhr's NTLM provider (type 1 → challenge →
 * NTLMv2 type 3), then ews-javascript-api on top of it. A wrong password or an NTLMv1 answer is refused.
 */
import { XhrApi } from '@ewsjs/xhr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ews } from '../../../src-main/exchange/ews/ews-lib';
import { soapEnvelope, text } from './client';
import { type EwsEmulator, startEwsEmulator } from './index';
import { challengeMessage, md4, parseAuthenticate, verifyNtlmV2 } from './ntlm';

let emu: EwsEmulator;
beforeAll(async () => {
  emu = await startEwsEmulator({ size: 'small' });
});
afterAll(async () => {
  await emu?.stop();
});

const GET_INBOX = soapEnvelope(
  '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>',
);

async function ntlmPost(user: string, password: string): Promise<{ status: number; body: string }> {
  // biome-ignore lint/correctness/useHookAtTopLevel: not a React hook, the @ewsjs/xhr NTLM switch
  const x = new XhrApi().useNtlmAuthentication(user, password);
  try {
    const r = (await x.xhr({
      url: emu.url,
      type: 'POST',
      data: GET_INBOX,
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    } as never)) as unknown as { status: number; responseText: string };
    return { status: r.status, body: r.responseText };
  } catch (e) {
    const r = e as { status?: number; responseText?: string };
    return { status: r.status ?? 0, body: r.responseText ?? String(e) };
  }
}

describe('EWS emulator: NTLM', () => {
  it('MD4 and the NTLMv2 proof follow MS-NLMP (its published test vector)', () => {
    // MS-NLMP 4.2.4: user "User", domain "Domain", password "Password", server challenge 0123456789abcdef
    expect(md4(Buffer.from('Password', 'utf16le')).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
    const challenge = Buffer.from('0123456789abcdef', 'hex');
    const av = (id: number, v: string) => {
      const b = Buffer.from(v, 'utf16le');
      const h = Buffer.alloc(4);
      h.writeUInt16LE(id, 0);
      h.writeUInt16LE(b.length, 2);
      return Buffer.concat([h, b]);
    };
    const blob = Buffer.concat([
      Buffer.from('0101000000000000', 'hex'),
      Buffer.alloc(8), // time
      Buffer.alloc(8, 0xaa), // client challenge
      Buffer.alloc(4),
      av(2, 'Domain'),
      av(1, 'Server'),
      Buffer.alloc(4), // MsvAvEOL
      Buffer.alloc(4),
    ]);
    const proof = Buffer.from('68cd0ab851e51c96aabc927bebef6a1c', 'hex');
    const t3 = {
      user: 'User',
      domain: 'Domain',
      workstation: 'COMPUTER',
      ntResponse: Buffer.concat([proof, blob]),
    };
    expect(verifyNtlmV2(t3, 'Password', challenge)).toBe(true);
    expect(verifyNtlmV2(t3, 'password', challenge)).toBe(false);
    expect(verifyNtlmV2({ ...t3, ntResponse: Buffer.alloc(24) }, 'Password', challenge)).toBe(false);
    expect(challengeMessage(challenge, 'EXAMPLE')).toMatch(/^TlRMTVNTUAAC/);
    expect(parseAuthenticate('bm90IG50bG0=')).toBeUndefined();
  });

  it('@ewsjs/xhr NTLM with DOMAIN\\user and the right password → 200 for that mailbox', async () => {
    const r = await ntlmPost(`EXAMPLE\\${emu.user.split('@')[0]}`, emu.password);
    expect(r.status).toBe(200);
    expect(text(r.body, 'DisplayName')).toBe('Inbox');
    const statuses = emu.log.entries().map((e) => e.status);
    expect(statuses.slice(-2)).toEqual([401, 200]);
  });

  it('a wrong password → 401', async () => {
    const r = await ntlmPost(`EXAMPLE\\${emu.user.split('@')[0]}`, 'wrong');
    expect(r.status).toBe(401);
  });

  it('ews-javascript-api over the NTLM XhrApi reads the Inbox', async () => {
    const svc = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
    svc.Url = new ews.Uri(emu.url);
    svc.Credentials = new ews.WebCredentials('unused', 'unused');
    svc.XHRApi = new XhrApi().useNtlmAuthentication(`EXAMPLE\\${emu.user.split('@')[0]}`, emu.password);
    const folder = await ews.Folder.Bind(svc, ews.WellKnownFolderName.Inbox);
    expect(folder.DisplayName).toBe('Inbox');
    expect(folder.TotalCount).toBe(emu.control.list(emu.control.folderId('inbox')).length);
  });
});
