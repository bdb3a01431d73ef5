/**
 * NTLM under IIS Extended Protection (on by default since Exchange 2019 CU14 and in Exchange Server SE): the NTLMv2
 * answer must carry the channel binding of the server's TLS certificate. The EWS emulator in https mode with
 * `extendedProtection` refuses answers without it (as DavMail users met, mguessan/davmail#352); the backend's NTLM
 * sends it.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import ntlmClient from '@ewsjs/ntlm-client';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import {
  channelBindingHash,
  tlsServerEndPoint,
  withChannelBindings,
} from '../../../src-main/exchange/ews/ntlm';
import { type EwsEmulator, startEwsEmulator } from '../../emulators/ews';
import { expectedChannelBindings } from '../../emulators/ews/ntlm';

const { createType1Message, createType3Message, decodeType2Message } = ntlmClient;
const der = (pem: string) => new X509Certificate(pem).raw;

let emu: EwsEmulator;
beforeAll(async () => {
  emu = await startEwsEmulator({ tls: true, extendedProtection: true });
});
afterAll(async () => emu?.stop());

const backend = (password = emu.password) =>
  new EwsBackend(
    {
      email: emu.email,
      ewsUrl: emu.url,
      auth: 'ntlm',
      user: emu.user.split('@')[0],
      domain: 'EXAMPLE',
      caCertificate: emu.tlsCa,
    },
    { password },
  );

describe('NTLM with Extended Protection', () => {
  it('the backend binds its answer to the TLS channel and gets in', async () => {
    expect(emu.url).toMatch(/^https:/);
    const info = await backend().testConnection();
    expect(info.email.toLowerCase()).toBe(emu.email.toLowerCase());
    const inbox = await backend().getFolder('inbox');
    expect(inbox.id).toBeTruthy();
  });

  it('a wrong password is still refused', async () => {
    await expect(backend('wrong').testConnection()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('an NTLM answer without channel binding is refused (what the plain NTLM library sends)', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: emu.tlsCa });
    const post = (authorization: string) =>
      axios.post(emu.url, '', {
        httpsAgent: agent,
        headers: { Authorization: authorization, 'Content-Type': 'text/xml' },
        validateStatus: () => true,
      });
    const first = await post(createType1Message('.', 'EXAMPLE'));
    const challenge = String(first.headers['www-authenticate']).match(/NTLM \S+/)?.[0];
    expect(challenge).toBeTruthy();
    const type3 = createType3Message(
      decodeType2Message(challenge!),
      emu.user.split('@')[0]!,
      emu.password,
      '.',
      'EXAMPLE',
    );
    const second = await post(type3);
    expect(second.status).toBe(401);
    agent.destroy();
  });

  it('tls-server-end-point hashes with the signature hash, SHA-256 for SHA-256/SHA-1/MD5 (RFC 5929)', () => {
    const rsa256 = der(emu.tlsCa!);
    expect(tlsServerEndPoint(rsa256).equals(createHash('sha256').update(rsa256).digest())).toBe(true);
    const ec384 = der(readFileSync(new URL('./fixtures/ecdsa-sha384-cert.pem', import.meta.url), 'utf8'));
    expect(tlsServerEndPoint(ec384).equals(createHash('sha384').update(ec384).digest())).toBe(true);
    // the client's binding is the one the server side computes on its own
    expect(channelBindingHash(rsa256).equals(expectedChannelBindings(emu.tlsCa!))).toBe(true);
    // garbage is hashed with SHA-256 rather than failing the sign-in
    const junk = Buffer.from('not a certificate');
    expect(tlsServerEndPoint(junk).equals(createHash('sha256').update(junk).digest())).toBe(true);
  });

  it('the binding goes before MsvAvEOL and replaces one the server already listed', () => {
    const name = Buffer.from('FIRMA', 'utf16le');
    const pair = (id: number, value: Buffer) => {
      const b = Buffer.alloc(4 + value.length);
      b.writeUInt16LE(id, 0);
      b.writeUInt16LE(value.length, 2);
      value.copy(b, 4);
      return b;
    };
    const eol = Buffer.alloc(4);
    const hash = Buffer.alloc(16, 0xab);
    const out = withChannelBindings(Buffer.concat([pair(2, name), eol]), hash);
    expect(out.equals(Buffer.concat([pair(2, name), pair(0x0a, hash), eol]))).toBe(true);
    const again = withChannelBindings(
      Buffer.concat([pair(0x0a, Buffer.alloc(16)), pair(2, name), eol]),
      hash,
    );
    expect(again.equals(Buffer.concat([pair(2, name), pair(0x0a, hash), eol]))).toBe(true);
  });
});
