/**
 * NTLM sign-in against a loopback server that implements the server side of NTLMv2: it answers the Type 1 message
 * with a Type 2 challenge, requires the Type 3 message on the same TCP connection, and verifies the NTLMv2 proof
 * with the user's password (MD4/HMAC-MD5 per MS-NLMP) — so a wrong password is refused like a real IIS would.
 */
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import { SyncError } from '../../../src-main/shared/errors';

const require = createRequire(import.meta.url);
// js-md4 comes with @ewsjs/ntlm-client (OpenSSL 3 has no MD4).
const md4 = require('js-md4') as { arrayBuffer(b: Buffer): ArrayBuffer };

const USER = 'jnovak';
const DOMAIN = 'FIRMA';
const PASSWORD = 'Zimni-Heslo-2026';
const CHALLENGE = Buffer.from('0123456789abcdef', 'hex');

function type2(): string {
  const targetName = Buffer.from(DOMAIN, 'utf16le');
  const av = Buffer.concat([
    Buffer.from([2, 0]),
    Buffer.from([targetName.length, 0]),
    targetName,
    Buffer.from([0, 0, 0, 0]),
  ]);
  const head = Buffer.alloc(48);
  head.write('NTLMSSP\0', 0, 'ascii');
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(targetName.length, 12);
  head.writeUInt16LE(targetName.length, 14);
  head.writeUInt32LE(48, 16);
  const flags = (1 << 0) | (1 << 2) | (1 << 9) | (1 << 19) | (1 << 23);
  head.writeUInt32LE(flags >>> 0, 20);
  CHALLENGE.copy(head, 24);
  head.writeUInt16LE(av.length, 40);
  head.writeUInt16LE(av.length, 42);
  head.writeUInt32LE(48 + targetName.length, 44);
  return `NTLM ${Buffer.concat([head, targetName, av]).toString('base64')}`;
}

function field(buf: Buffer, at: number): Buffer {
  const len = buf.readUInt16LE(at);
  const off = buf.readUInt32LE(at + 4);
  return buf.subarray(off, off + len);
}

/** Verify a Type 3 message; returns the user name or null. */
function verifyType3(header: string, password: string): { user: string; domain: string; ok: boolean } | null {
  const m = /^NTLM (\S+)$/.exec(header);
  if (!m?.[1]) return null;
  const buf = Buffer.from(m[1], 'base64');
  if (buf.toString('ascii', 0, 8) !== 'NTLMSSP\0' || buf.readUInt32LE(8) !== 3) return null;
  const nt = field(buf, 20);
  const domain = field(buf, 28).toString('utf16le');
  const user = field(buf, 36).toString('utf16le');
  const ntHash = Buffer.from(md4.arrayBuffer(Buffer.from(password, 'utf16le')));
  const v2 = crypto
    .createHmac('md5', ntHash)
    .update(Buffer.from(user.toUpperCase() + domain, 'utf16le'))
    .digest();
  const proof = nt.subarray(0, 16);
  const blob = nt.subarray(16);
  const expected = crypto
    .createHmac('md5', v2)
    .update(Buffer.concat([CHALLENGE, blob]))
    .digest();
  return { user, domain, ok: nt.length > 16 && crypto.timingSafeEqual(proof, expected) };
}

const OK = readFileSync(new URL('./ews-ntlm.getfolder.xml', import.meta.url), 'utf8');

describe('NTLM sign-in', () => {
  let server: http.Server;
  let url: string;
  let log: { step: string; socket: Socket; user?: string; basic?: boolean }[];

  beforeEach(async () => {
    log = [];
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const auth = req.headers.authorization ?? '';
        if (/^Basic /i.test(auth)) log.push({ step: 'basic', socket: req.socket, basic: true });
        const m = /^NTLM (\S+)$/.exec(auth);
        const kind = m?.[1] ? Buffer.from(m[1], 'base64').readUInt32LE(8) : 0;
        if (kind === 1) {
          log.push({ step: 'type1', socket: req.socket });
          res.writeHead(401, {
            'www-authenticate': type2(),
            'content-length': '0',
            connection: 'keep-alive',
          });
          res.end();
          return;
        }
        if (kind === 3) {
          const v = verifyType3(auth, PASSWORD);
          const sameSocket = log.at(-1)?.step === 'type1' && log.at(-1)?.socket === req.socket;
          log.push({ step: 'type3', socket: req.socket, user: v ? `${v.domain}\\${v.user}` : undefined });
          if (v?.ok && sameSocket) {
            res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
            res.end(OK);
            return;
          }
        }
        res.writeHead(401, { 'www-authenticate': 'NTLM', 'content-length': '0' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const backend = (password: string) =>
    new EwsBackend(
      { email: 'jan.novak@firma.cz', ewsUrl: url, auth: 'ntlm', user: USER, domain: DOMAIN },
      { password },
      { transport: { maxRetries: 0 } },
    );

  it('handshake on one connection, NTLMv2 proof verified, no Basic header ever sent', async () => {
    const f = await backend(PASSWORD).getFolder('inbox');
    expect(f.displayName).toBe('Doručená pošta');
    expect(log.map((l) => l.step)).toEqual(['type1', 'type3']);
    expect(log[1]?.user).toBe(`${DOMAIN}\\${USER}`);
    expect(log.some((l) => l.basic)).toBe(false);
  });

  it('a wrong password is refused → auth', async () => {
    const e = await backend('spatne')
      .getFolder('inbox')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect((e as SyncError).kind).toBe('auth');
    expect(JSON.stringify((e as SyncError).toJSON())).not.toContain('spatne');
  });
});
