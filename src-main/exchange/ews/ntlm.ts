/**
 * NTLM for on-premises Exchange, as an auth provider of @ewsjs/xhr's XhrApi. @ewsjs/xhr has its own NtlmProvider,
 * but it replaces the https agent with one that ignores the custom CA (`exchange.caCertificate`), which is exactly
 * the on-premises case (internal CA + Windows sign-in). This one:
 * - runs the handshake (Type 1 → 401 + Type 2 challenge → Type 3 with the request) on one dedicated keep-alive
 *   socket per request (NTLM authenticates the connection, not the request), with the configured CA;
 * - never sends the password (only the NTLMv2 response) and removes any Basic header the library prepared;
 * - closes that socket after the request (`Connection: close`);
 * - over https, binds the answer to the TLS channel (MsvAvChannelBindings, MS-NLMP 2.2.2.1, from the server
 *   certificate's RFC 5929 `tls-server-end-point` hash): IIS with Extended Protection — on by default since Exchange
 *   2019 CU14 and in Exchange Server SE — refuses NTLM without it;
 * - refuses plain http:// (except loopback: tests), where the NTLMv2 answer could be captured and relayed or
 *   cracked offline;
 * - refuses a challenge that would downgrade to LM/NTLMv1 (no NEGOTIATE_NTLM2_KEY / extended session security):
 *   Exchange since 2007 speaks NTLMv2, and an LM/NTLMv1 answer is trivially crackable (MS-NLMP 3.3.1).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { TLSSocket } from 'node:tls';
import ntlmClient from '@ewsjs/ntlm-client';
import axios from 'axios';
import { SyncError } from '../../shared/errors';
import { isLoopbackHost } from '../../shared/net';
import { type TrustOptions, trustOptions } from '../../shared/tls-trust';
import { LegacyTlsAgent } from './legacy-tls';

// A CommonJS package whose named exports Node's ESM loader cannot detect: take them from the default export.
const { createType1Message, createType3Message, decodeType2Message } = ntlmClient;

type Options = Record<string, unknown> & { url: string; headers?: Record<string, string>; timeout?: number };

// ---- channel binding (Extended Protection) ----------------------------------------------------------------------

/** Minimal DER reader: the header of the element at `at` → where its content starts and ends. */
function derElement(b: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > b.length) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

const OID_HASH: Record<string, string> = {
  // sha384WithRSAEncryption, sha512WithRSAEncryption, ecdsa-with-SHA384, ecdsa-with-SHA512
  '2a864886f70d01010c': 'sha384',
  '2a864886f70d01010d': 'sha512',
  '2a8648ce3d040303': 'sha384',
  '2a8648ce3d040304': 'sha512',
};

/**
 * RFC 5929 §4.1 `tls-server-end-point`: the hash of the server certificate with the hash function of its signature
 * algorithm, where MD5 and SHA-1 (and anything not named) become SHA-256.
 */
export function tlsServerEndPoint(certDer: Buffer): Buffer {
  let algorithm = 'sha256';
  try {
    const cert = derElement(certDer, 0); // Certificate ::= SEQUENCE {
    const tbs = derElement(certDer, cert.start); //   tbsCertificate,
    const sigAlg = derElement(certDer, tbs.end); //   signatureAlgorithm AlgorithmIdentifier ::= SEQUENCE {
    const oid = derElement(certDer, sigAlg.start); //     algorithm OBJECT IDENTIFIER, ... }
    if (oid.tag === 0x06)
      algorithm = OID_HASH[certDer.subarray(oid.start, oid.end).toString('hex')] ?? 'sha256';
  } catch {
    // not parseable: SHA-256, the common case
  }
  return createHash(algorithm).update(certDer).digest();
}

/** MD5 of the gss_channel_bindings_struct with no addresses and the `tls-server-end-point:` application data. */
export function channelBindingHash(certDer: Buffer): Buffer {
  const app = Buffer.concat([Buffer.from('tls-server-end-point:', 'ascii'), tlsServerEndPoint(certDer)]);
  const head = Buffer.alloc(20); // initiator/acceptor address type and length: zero
  head.writeUInt32LE(app.length, 16);
  return createHash('md5')
    .update(Buffer.concat([head, app]))
    .digest();
}

/** The server's target info with MsvAvChannelBindings (AvId 0x000A) set, before MsvAvEOL. */
export function withChannelBindings(targetInfo: Buffer, hash: Buffer): Buffer {
  const pairs: Buffer[] = [];
  for (let pos = 0; pos + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(pos);
    const len = targetInfo.readUInt16LE(pos + 2);
    if (id === 0) break;
    if (id !== 0x000a) pairs.push(targetInfo.subarray(pos, pos + 4 + len));
    pos += 4 + len;
  }
  const cb = Buffer.alloc(4 + hash.length);
  cb.writeUInt16LE(0x000a, 0);
  cb.writeUInt16LE(hash.length, 2);
  hash.copy(cb, 4);
  return Buffer.concat([...pairs, cb, Buffer.alloc(4)]);
}

function withoutAuth(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const lk = k.toLowerCase();
    if (lk === 'authorization' || lk === 'connection') continue;
    out[k] = v;
  }
  return out;
}

export class NtlmAuthProvider {
  readonly providerName = 'ntlm';
  readonly client = null;
  private readonly user: string;
  private readonly domain: string;

  constructor(
    username: string,
    private readonly password: string,
    /** A company CA (PEM), or the trust options of shared/tls-trust.ts. */
    private readonly ca?: string | TrustOptions,
    private readonly workstation = '.',
    /** The one host legacy TLS (1.0/1.1) is allowed for by the admin (see ./legacy-tls.ts). */
    private readonly legacyTlsHost = '',
  ) {
    const slash = username.indexOf('\\');
    if (slash > 0) {
      this.domain = username.slice(0, slash).toUpperCase();
      this.user = username.slice(slash + 1);
    } else {
      this.domain = '';
      this.user = username;
    }
  }

  async preCall(options: Options): Promise<Options> {
    const secure = options.url.startsWith('https:');
    if (!secure) {
      let host = '';
      try {
        host = new URL(options.url).hostname;
      } catch {
        host = '';
      }
      if (!isLoopbackHost(host))
        throw new SyncError(
          'config',
          'NTLM sign-in is refused over plain http:// (the answer could be captured); use the https:// address',
        );
    }
    const agent = secure
      ? new LegacyTlsAgent(
          {
            keepAlive: true,
            maxSockets: 1,
            ...(typeof this.ca === 'string' ? trustOptions(this.ca) : (this.ca ?? trustOptions())),
          },
          this.legacyTlsHost,
        )
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
    const base = withoutAuth(options.headers);
    const negotiate = await axios({
      url: options.url,
      method: 'POST',
      data: '',
      headers: {
        ...base,
        Authorization: createType1Message(this.workstation, this.domain),
        Connection: 'keep-alive',
      },
      httpAgent: agent,
      httpsAgent: agent,
      validateStatus: () => true,
      maxRedirects: 0,
      timeout: options.timeout,
      // the caller's total deadline (transport.ts withDeadline) covers the handshake too
      signal: options.signal as AbortSignal | undefined,
      responseType: 'text',
    });
    const raw = negotiate.headers['www-authenticate'] as string | string[] | undefined;
    const challenge = (Array.isArray(raw) ? raw : raw ? raw.split(/,\s*(?=NTLM|Negotiate|Basic)/) : []).find(
      (h) => /^NTLM \S+/.test(h),
    );
    if (!challenge) {
      agent.destroy();
      if (negotiate.status === 200) return { ...options, headers: base }; // the server did not ask for sign-in
      // Let the transport classify it (401 → auth, 403 → forbidden, ...).
      throw Object.assign(new Error(`NTLM handshake refused (HTTP ${negotiate.status})`), {
        status: negotiate.status,
        responseText: typeof negotiate.data === 'string' ? negotiate.data : '',
        getResponseHeader: (n: string) => (negotiate.headers[n.toLowerCase()] as string | undefined) ?? null,
      });
    }
    const type2 = decodeType2Message(challenge);
    if (type2.version !== 2) {
      agent.destroy();
      throw new SyncError(
        'auth',
        'the server offered only LM/NTLMv1 sign-in, which is refused (crackable); the Exchange server must allow NTLMv2',
      );
    }
    const socket = (negotiate.request as { socket?: TLSSocket } | undefined)?.socket;
    const cert =
      secure && typeof socket?.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
    if (cert?.raw && type2.targetInfo?.buffer)
      type2.targetInfo.buffer = withChannelBindings(type2.targetInfo.buffer, channelBindingHash(cert.raw));
    const type3 = createType3Message(type2, this.user, this.password, this.workstation, this.domain);
    return {
      ...options,
      headers: { ...base, Authorization: type3, Connection: 'close' },
      httpAgent: agent,
      httpsAgent: agent,
    };
  }
}
