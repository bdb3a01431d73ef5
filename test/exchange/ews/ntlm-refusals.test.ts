/**
 * NTLM refusals (security review, autodiscover-leak probe C1/C2): the NTLMv2 answer never goes over plain http://
 * (except loopback: tests), and a challenge without NEGOTIATE_NTLM2_KEY — a downgrade to LM/NTLMv1, whose answer is
 * trivially crackable (MS-NLMP 3.3.1, "NTLM v1 Authentication") — is refused before any Type 3 is sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NtlmAuthProvider } from '../../../src-main/exchange/ews/ntlm';
import { SyncError } from '../../../src-main/shared/errors';

function type2(flags: number): string {
  const head = Buffer.alloc(48);
  head.write('NTLMSSP\0', 0, 'ascii');
  head.writeUInt32LE(2, 8);
  head.writeUInt32LE(48, 16);
  head.writeUInt32LE(flags >>> 0, 20);
  Buffer.from('1122334455667788', 'hex').copy(head, 24);
  head.writeUInt32LE(48, 44);
  return `NTLM ${head.toString('base64')}`;
}

let server: http.Server | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

describe('NTLM refuses what would expose the answer', () => {
  it('plain http:// to a non-loopback host: refused before any connection', async () => {
    const p = new NtlmAuthProvider('FIRMA\\jan', 'Heslo-1');
    const e = await p
      .preCall({ url: 'http://autodiscover.firma.cz/autodiscover/autodiscover.xml' })
      .catch((x) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect((e as SyncError).kind).toBe('config');
    expect((e as SyncError).message).toMatch(/plain http/);
  });

  it('a challenge that downgrades to LM/NTLMv1 is refused; no Type 3 reaches the server', async () => {
    const type3s: string[] = [];
    server = http.createServer((req, res) => {
      const a = req.headers.authorization ?? '';
      const msg = /^NTLM (\S+)/.exec(a)?.[1];
      if (msg && Buffer.from(msg, 'base64').readUInt32LE(8) === 3) type3s.push(a);
      // NEGOTIATE_UNICODE | NEGOTIATE_NTLM, no NEGOTIATE_NTLM2_KEY (0x00080000)
      res.writeHead(401, { 'www-authenticate': type2(0x00000201) }).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
    const p = new NtlmAuthProvider('FIRMA\\jan', 'Heslo-1');
    const e = await p.preCall({ url, headers: {} }).catch((x) => x);
    expect((e as SyncError).kind).toBe('auth');
    expect((e as SyncError).message).toMatch(/NTLMv1/);
    expect(type3s).toEqual([]);
  });
});
