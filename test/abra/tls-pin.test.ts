/**
 * A pinned certificate (`tls.fingerprint256`) is looked for in the whole chain the ABRA server presents: the server's
 * own certificate or an issuing CA (issue 15 item 7: a pinned leaf issued by an internal CA was refused). A CA pin
 * keeps normal verification (that CA as the only anchor, host name checked); a pin of the server's own certificate
 * accepts exactly that certificate. A local CA and leaves are made with the openssl CLI into a temp folder.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbraClient, peerChain, pinnedAgent } from '../../src-main/abra/client';
import { SyncError } from '../../src-main/shared/errors';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-pin-'));
const f = (n: string) => path.join(tmp, n);
const ossl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
let haveOpenssl = true;
/** A leaf for `san`, issued by the CA. */
function leaf(name: string, san: string): void {
  ossl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f(`${name}.key`),
    '-out',
    f(`${name}.csr`),
    '-subj',
    '/CN=abra.firma.local',
  );
  writeFileSync(
    f(`${name}.ext`),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  ossl(
    'x509',
    '-req',
    '-in',
    f(`${name}.csr`),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f(`${name}.pem`),
    '-days',
    '2',
    '-extfile',
    f(`${name}.ext`),
  );
}
try {
  ossl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=Firma Internal CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  leaf('leaf', 'IP:127.0.0.1,DNS:localhost');
  leaf('other', 'DNS:other.firma.local');
} catch {
  haveOpenssl = false;
}
const read = (n: string) => (haveOpenssl ? readFileSync(f(n), 'utf8') : '');
const fp = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
const ca = read('ca.pem');
const leafPem = read('leaf.pem');
const otherPem = read('other.pem');

describe.skipIf(!haveOpenssl)('pinned certificate anywhere in the chain (needs the openssl CLI)', () => {
  const servers: https.Server[] = [];
  let hits = 0;
  /** A loopback https server answering currentuser, presenting `cert` (a PEM chain, leaf first). */
  async function serve(cert: string, key: string): Promise<string> {
    const server = https.createServer({ cert, key }, (_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ID: '2610000101', Name: 'API', LoginName: 'API' }));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}/demo`;
  }
  let withCa = ''; // leaf + CA presented
  let leafOnly = ''; // only the leaf presented (the usual setup)
  let otherHost = ''; // a leaf of the same CA for another host name, + CA
  beforeAll(async () => {
    withCa = await serve(leafPem + ca, read('leaf.key'));
    leafOnly = await serve(leafPem, read('leaf.key'));
    otherHost = await serve(otherPem + ca, read('other.key'));
  });
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    rmSync(tmp, { recursive: true, force: true });
  });
  const client = (baseUrl: string, pin?: string) =>
    new AbraClient({
      baseUrl,
      login: 'API',
      password: 'x',
      maxRetries: 0,
      ...(pin ? { tls: { fingerprint256: pin } } : {}),
    });
  const fails = async (p: Promise<unknown>): Promise<SyncError> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(SyncError);
      return e as SyncError;
    }
    throw new Error('expected a failure');
  };

  it('the CA pinned (the server presents it): accepted, the request arrives', async () => {
    hits = 0;
    expect((await client(withCa, fp(ca)).currentUser()).id).toBe('2610000101');
    expect(hits).toBe(1);
  });

  it('the server certificate pinned, issued by the internal CA: accepted, whether the CA is presented or not', async () => {
    const pin = fp(leafPem).match(/../g)!.join(':');
    expect((await client(withCa, pin).currentUser()).id).toBe('2610000101');
    expect((await client(leafOnly, pin).currentUser()).id).toBe('2610000101');
    // and again on the same client (a new connection is checked the same way)
    const c = client(leafOnly, pin);
    await c.currentUser();
    expect((await c.currentUser()).id).toBe('2610000101');
  });

  it('another pin: refused with the sentence, nothing reaches the server', async () => {
    hits = 0;
    const e = await fails(client(withCa, 'AB'.repeat(32)).currentUser());
    expect(e.kind).toBe('tls');
    expect(e.message).toContain('does not match the pinned fingerprint');
    expect(e.message).toContain('none of the certificates the server presented');
    expect(hits).toBe(0);
  });

  it('the CA pinned but not presented by the server: refused (the chain shows only the leaf)', async () => {
    hits = 0;
    const e = await fails(client(leafOnly, fp(ca)).currentUser());
    expect(e.kind).toBe('tls');
    expect(hits).toBe(0);
  });

  it('the CA pinned keeps the host name check: a certificate of that CA for another host is refused', async () => {
    hits = 0;
    const e = await fails(client(otherHost, fp(ca)).currentUser());
    expect(e.kind).toBe('tls');
    expect(hits).toBe(0);
  });

  it('no pin and the internal CA unknown to this computer: refused', async () => {
    hits = 0;
    const e = await fails(client(withCa).currentUser());
    expect(e.kind).toBe('tls');
    expect(hits).toBe(0);
  });

  it('the agent of a pinned server certificate refuses a connection that shows another certificate, before sending', async () => {
    const chain = await new Promise<tls.DetailedPeerCertificate[]>((resolve, reject) => {
      const u = new URL(withCa);
      const s = tls.connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
        resolve(peerChain(s.getPeerCertificate(true)));
        s.end();
      });
      s.once('error', reject);
    });
    expect(chain.map((c) => fp(new X509Certificate(c.raw).toString()))).toEqual([fp(leafPem), fp(ca)]);
    const agent = pinnedAgent(chain, fp(leafPem).toUpperCase(), 5000);
    hits = 0;
    const u = new URL(otherHost);
    const err = await new Promise<Error>((resolve) => {
      https
        .get({ host: u.hostname, port: u.port, path: '/demo/currentuser', agent }, () =>
          resolve(new Error('answered')),
        )
        .once('error', resolve);
    });
    expect((err as { code?: string }).code).toBe('ABRA_TLS_PIN_MISMATCH');
    expect(hits).toBe(0);
    agent.destroy();
  });
});
