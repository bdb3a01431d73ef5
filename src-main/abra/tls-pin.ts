/**
 * TLS pinning of the ABRA client: a pinned SHA-256 fingerprint of the server's own certificate or of an issuing CA
 * (see AbraClientOptions.tls in ./http.ts).
 */
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { cancelled } from '../shared/abort';

export function normFp(fp: string): string {
  return fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/**
 * For a pinned fingerprint: read the certificate chain the server presents once (nothing is sent), find the pinned
 * certificate in it, then build the agent every request uses (see {@link pinnedAgent}). Refused with
 * `ABRA_TLS_PIN_MISMATCH` when no certificate of the chain has the fingerprint.
 */
export async function agentForPin(
  baseUrl: string,
  fingerprint256: string,
  timeout: number,
  signal?: AbortSignal,
): Promise<https.Agent> {
  const pin = normFp(fingerprint256);
  const url = new URL(baseUrl);
  const chain = await new Promise<tls.DetailedPeerCertificate[]>((resolve, reject) => {
    const s = tls.connect({
      host: url.hostname,
      port: Number(url.port || 443),
      servername: isIP(url.hostname) ? undefined : url.hostname,
      rejectUnauthorized: false, // only to read the chain; closed before anything is sent
    });
    s.setTimeout(timeout, () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    s.once('secureConnect', () => {
      const got = peerChain(s.getPeerCertificate(true));
      s.end();
      resolve(got);
    });
    s.once('error', reject);
    const sig = signal;
    if (sig?.aborted) s.destroy(cancelled());
    sig?.addEventListener('abort', () => s.destroy(cancelled()), { once: true });
  });
  return pinnedAgent(chain, pin, timeout);
}

/** The chain a TLS peer presented, leaf first, walked up `issuerCertificate` until it ends or repeats. */
export function peerChain(
  leaf: tls.PeerCertificate | tls.DetailedPeerCertificate,
): tls.DetailedPeerCertificate[] {
  const out: tls.DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let c = leaf as tls.DetailedPeerCertificate | undefined;
  while (c?.raw && c.fingerprint256 && !seen.has(c.fingerprint256)) {
    out.push(c);
    seen.add(c.fingerprint256);
    c = c.issuerCertificate;
  }
  return out;
}

const pinMismatch = (said: string) => Object.assign(new Error(said), { code: 'ABRA_TLS_PIN_MISMATCH' });
const NO_PIN_IN_CHAIN =
  'server certificate does not match the pinned fingerprint: none of the certificates the server presented (its own or an issuing CA) has it';

/**
 * The agent for a pinned fingerprint, given the chain the server presented (leaf first):
 * - the pin is the server's own certificate: exactly that certificate is accepted, whoever issued it (a self-signed
 *   one or one from an internal CA this computer does not trust) and whatever host name it names; every new
 *   connection is checked before the request is handed to it, so nothing is sent to another certificate;
 * - the pin is a CA of the chain: normal verification stays on with that CA (and what it presented above it) as the
 *   only trust anchors, the host name is checked, and the pinned CA must be in every connection's chain.
 * Works the same on Node 20 and later (no `allowPartialTrustChain`, which exists only from Node 22.9).
 */
export function pinnedAgent(
  chain: readonly tls.DetailedPeerCertificate[],
  pin: string,
  timeoutMs: number,
): https.Agent {
  const at = chain.findIndex((c) => normFp(c.fingerprint256 ?? '') === pin);
  if (at < 0) throw pinMismatch(NO_PIN_IN_CHAIN);
  if (at === 0) return new LeafPinAgent(pin, timeoutMs);
  const pem = (c: tls.DetailedPeerCertificate) => new X509Certificate(c.raw).toString();
  return new https.Agent({
    keepAlive: true,
    ca: chain.slice(at).map(pem),
    checkServerIdentity: (host, cert) => {
      const wrongHost = tls.checkServerIdentity(host, cert);
      if (wrongHost) return wrongHost;
      return peerChain(cert).some((c) => normFp(c.fingerprint256 ?? '') === pin)
        ? undefined
        : pinMismatch(NO_PIN_IN_CHAIN);
    },
  });
}

/**
 * A pinned server certificate (the leaf): the chain is not verified (an internal CA's leaf cannot be a trust anchor
 * on Node 20), the certificate itself must be exactly the pinned one. Each socket is handed to the request only
 * after its handshake showed that certificate, so a request (and its Authorization header) never goes to another.
 */
class LeafPinAgent extends https.Agent {
  constructor(
    private readonly pin: string,
    private readonly timeoutMs: number,
  ) {
    super({ keepAlive: true, maxCachedSessions: 0 });
  }
  override createConnection(
    options: https.RequestOptions,
    done?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const s = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    s.setTimeout(this.timeoutMs, () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    const fail = (e: Error) => {
      s.destroy();
      done?.(e, s);
    };
    s.once('error', fail);
    s.once('secureConnect', () => {
      s.off('error', fail);
      s.setTimeout(0);
      if (normFp(s.getPeerCertificate().fingerprint256 ?? '') !== this.pin)
        return fail(
          pinMismatch(
            'server certificate does not match the pinned fingerprint (another certificate than the pinned one)',
          ),
        );
      done?.(null, s);
    });
    return undefined;
  }
}
