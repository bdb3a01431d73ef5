/**
 * Server side of NTLM (NTLMSSP over HTTP `Authorization: NTLM|Negotiate <base64>`), enough for @ewsjs/xhr's
 * client: type 1 → 401 with a type 2 challenge (NTLMv2 with target info), type 3 → the NTLMv2 proof is verified
 * against the mailbox password (HMAC-MD5 over MD4, per MS-NLMP 3.3.2). NTLMv1 answers are refused, as on servers
 * with LmCompatibilityLevel 5. MD4 is implemented here because OpenSSL 3 no longer offers it.
 */
import { createHash, createHmac, randomBytes, X509Certificate } from 'node:crypto';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');

// ---- MD4 (RFC 1320) ------------------------------------------------------------------------------------------------
export function md4(input: Buffer): Buffer {
  const len = input.length;
  const padLen = ((len + 8) >> 6) * 64 + 64;
  const m = Buffer.alloc(padLen);
  input.copy(m);
  m[len] = 0x80;
  m.writeUInt32LE((len * 8) >>> 0, padLen - 8);
  m.writeUInt32LE(Math.floor((len * 8) / 2 ** 32), padLen - 4);
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const rotl = (x: number, s: number) => ((x << s) | (x >>> (32 - s))) >>> 0;
  const F = (x: number, y: number, z: number) => (x & y) | (~x & z);
  const G = (x: number, y: number, z: number) => (x & y) | (x & z) | (y & z);
  const H = (x: number, y: number, z: number) => x ^ y ^ z;
  for (let off = 0; off < padLen; off += 64) {
    const X = Array.from({ length: 16 }, (_, i) => m.readUInt32LE(off + i * 4));
    const [aa, bb, cc, dd] = [a, b, c, d];
    const r1 = (p: number, q: number, r: number, s: number, k: number, sh: number) =>
      rotl((p + F(q, r, s) + (X[k] as number)) >>> 0, sh);
    const r2 = (p: number, q: number, r: number, s: number, k: number, sh: number) =>
      rotl((p + G(q, r, s) + (X[k] as number) + 0x5a827999) >>> 0, sh);
    const r3 = (p: number, q: number, r: number, s: number, k: number, sh: number) =>
      rotl((p + H(q, r, s) + (X[k] as number) + 0x6ed9eba1) >>> 0, sh);
    for (const k of [0, 4, 8, 12]) {
      a = r1(a, b, c, d, k, 3);
      d = r1(d, a, b, c, k + 1, 7);
      c = r1(c, d, a, b, k + 2, 11);
      b = r1(b, c, d, a, k + 3, 19);
    }
    for (const k of [0, 1, 2, 3]) {
      a = r2(a, b, c, d, k, 3);
      d = r2(d, a, b, c, k + 4, 5);
      c = r2(c, d, a, b, k + 8, 9);
      b = r2(b, c, d, a, k + 12, 13);
    }
    for (const k of [0, 2, 1, 3]) {
      a = r3(a, b, c, d, k, 3);
      d = r3(d, a, b, c, k + 8, 9);
      c = r3(c, d, a, b, k + 4, 11);
      b = r3(b, c, d, a, k + 12, 15);
    }
    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = Buffer.alloc(16);
  out.writeUInt32LE(a, 0);
  out.writeUInt32LE(b, 4);
  out.writeUInt32LE(c, 8);
  out.writeUInt32LE(d, 12);
  return out;
}

export function messageType(token: string): number | undefined {
  const b = Buffer.from(token, 'base64');
  if (b.length < 12 || !b.subarray(0, 8).equals(SIGNATURE)) return undefined;
  return b.readUInt32LE(8);
}

const FLAGS =
  0x00000001 | // UNICODE
  0x00000004 | // REQUEST_TARGET
  0x00000200 | // NTLM
  0x00010000 | // TARGET_TYPE_DOMAIN
  0x00080000 | // NTLM2 (extended session security) → the client answers NTLMv2
  0x00800000; // TARGET_INFO

/** A type 2 (challenge) message for `domain`. */
export function challengeMessage(challenge: Buffer, domain: string): string {
  const target = Buffer.from(domain, 'utf16le');
  const av = (id: number, v: Buffer) => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(v.length, 2);
    return Buffer.concat([h, v]);
  };
  const info = Buffer.concat([
    av(2, target), // MsvAvNbDomainName
    av(1, Buffer.from('EXCHANGE', 'utf16le')), // MsvAvNbComputerName
    av(4, Buffer.from(`${domain.toLowerCase()}.local`, 'utf16le')), // MsvAvDnsDomainName
    av(0, Buffer.alloc(0)),
  ]);
  const head = Buffer.alloc(48);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(target.length, 12);
  head.writeUInt16LE(target.length, 14);
  head.writeUInt32LE(48, 16);
  head.writeUInt32LE(FLAGS, 20);
  challenge.copy(head, 24);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(48 + target.length, 44);
  return Buffer.concat([head, target, info]).toString('base64');
}

export interface Type3 {
  domain: string;
  user: string;
  workstation: string;
  ntResponse: Buffer;
}

export function parseAuthenticate(token: string): Type3 | undefined {
  const b = Buffer.from(token, 'base64');
  if (b.length < 52 || !b.subarray(0, 8).equals(SIGNATURE) || b.readUInt32LE(8) !== 3) return undefined;
  const field = (at: number) => {
    const len = b.readUInt16LE(at);
    const off = b.readUInt32LE(at + 4);
    if (off + len > b.length) throw new Error('bad NTLM type 3 message');
    return b.subarray(off, off + len);
  };
  try {
    const flags = b.length >= 64 ? b.readUInt32LE(60) : FLAGS;
    const enc: BufferEncoding = flags & 1 ? 'utf16le' : 'latin1';
    return {
      ntResponse: Buffer.from(field(20)),
      domain: field(28).toString(enc),
      user: field(36).toString(enc),
      workstation: field(44).toString(enc),
    };
  } catch {
    return undefined;
  }
}

/** Verifies an NTLMv2 response (MS-NLMP NTOWFv2 / NTProofStr). NTLMv1 (24-byte) answers are refused. */
export function verifyNtlmV2(t: Type3, password: string, challenge: Buffer): boolean {
  if (t.ntResponse.length <= 24) return false;
  const ntHash = md4(Buffer.from(password, 'utf16le'));
  const v2 = createHmac('md5', ntHash)
    .update(Buffer.from(t.user.toUpperCase() + t.domain, 'utf16le'))
    .digest();
  const proof = t.ntResponse.subarray(0, 16);
  const blob = t.ntResponse.subarray(16);
  const want = createHmac('md5', v2)
    .update(Buffer.concat([challenge, blob]))
    .digest();
  return want.equals(proof);
}

/**
 * The MsvAvChannelBindings value (AvId 0x000A, MS-NLMP 2.2.2.1) inside an NTLMv2 response, if the client sent one:
 * the AV pairs start 28 bytes into the blob that follows the 16-byte NTProofStr.
 */
export function channelBindingsOf(t: Type3): Buffer | undefined {
  const blob = t.ntResponse.subarray(16);
  for (let pos = 28; pos + 4 <= blob.length; ) {
    const id = blob.readUInt16LE(pos);
    const len = blob.readUInt16LE(pos + 2);
    if (id === 0) return undefined;
    if (id === 0x000a) return Buffer.from(blob.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return undefined;
}

/**
 * What Extended Protection expects from a client of a server with this certificate: MD5 of the
 * gss_channel_bindings_struct (four zero words, the length, then the application data) whose application data is
 * `tls-server-end-point:` + the certificate's hash (RFC 5929 §4.1; SHA-256, the emulator certificate's own hash).
 */
export function expectedChannelBindings(certPem: string): Buffer {
  const der = new X509Certificate(certPem).raw;
  const app = Buffer.concat([
    Buffer.from('tls-server-end-point:', 'ascii'),
    createHash('sha256').update(der).digest(),
  ]);
  const head = Buffer.alloc(20);
  head.writeUInt32LE(app.length, 16);
  return createHash('md5')
    .update(Buffer.concat([head, app]))
    .digest();
}

export function newChallenge(): Buffer {
  return randomBytes(8);
}
