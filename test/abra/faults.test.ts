/** Each injected fault maps to the right SyncError kind; transient ones are retried. Plus TLS trust/pinning. */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbraClient } from '../../src-main/abra/client';
import { SyncError } from '../../src-main/shared/errors';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra/index';

let emu: AbraEmulator;
const mk = (o: Partial<ConstructorParameters<typeof AbraClient>[0]> = {}) =>
  new AbraClient({
    baseUrl: emu.url,
    login: emu.user,
    password: emu.password,
    retryBaseMs: 5,
    maxRetries: 2,
    ...o,
  });
async function err(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SyncError);
    return e as SyncError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  emu = await startAbraEmulator({ seed: 3, size: 'small' });
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.faults.clear();
  emu.log.reset();
});

describe('fault injection', () => {
  it('500 twice then success: retried, request count includes retries', async () => {
    const c = mk();
    emu.faults.failNext(2, 500, { collection: 'firms' });
    const rows = await c.list('firms', { take: 1 });
    expect(rows).toHaveLength(1);
    expect(c.stats.retries).toBe(2);
    expect(c.requestCount()).toBe(3);
    expect(emu.log.counts()['GET firms']).toBe(3);
  });
  it('503 more often than retries → transient; 503 with Retry-After → throttled', async () => {
    emu.faults.failNext(5, 503);
    expect((await err(mk().currentUser())).kind).toBe('transient');
    emu.faults.clear();
    emu.faults.failNext(5, 503, { retryAfterSec: 0 });
    expect((await err(mk({ maxRetries: 0 }).currentUser())).kind).toBe('throttled');
  });
  it('POST create is not retried after a 500 (could duplicate)', async () => {
    emu.faults.failNext(1, 500, { method: 'POST' });
    const c = mk();
    expect((await err(c.create('persons', { firstname: 'X' }))).kind).toBe('transient');
    expect(c.requestCount()).toBe(1);
  });
  it('connection reset → transient, retried', async () => {
    const c = mk();
    emu.faults.resetNext(1);
    expect((await c.currentUser()).id).toBe(emu.currentUserId);
    expect(c.stats.retries).toBe(1);
    emu.faults.resetNext(5);
    expect((await err(mk({ maxRetries: 1 }).currentUser())).kind).toBe('transient');
  });
  it('malformed JSON → malformed (2xx is not retried)', async () => {
    emu.faults.malformedNext(1);
    const c = mk();
    expect((await err(c.list('firms'))).kind).toBe('malformed');
    expect(c.requestCount()).toBe(1);
  });
  it('HTML proxy page → retried, then malformed with the page title', async () => {
    emu.faults.htmlErrorNext(5, 502);
    const e = await err(mk({ maxRetries: 1 }).currentUser());
    expect(e.kind).toBe('malformed');
    expect(e.status).toBe(502);
    expect(e.detail).toContain('Bad Gateway');
    emu.faults.clear();
    emu.faults.htmlErrorNext(1, 502);
    expect((await mk().currentUser()).id).toBe(emu.currentUserId);
  });
  it('slow body arrives completely; a timeout shorter than the body → timeout', async () => {
    emu.faults.slowBodyNext(1, 150);
    expect((await mk().list('firms')).length).toBeGreaterThan(0);
    emu.faults.slowBodyNext(5, 3000);
    expect((await err(mk({ timeoutMs: 200, maxRetries: 0 }).list('firms'))).kind).toBe('timeout');
  });
  it('added latency beyond the timeout → timeout; within it → fine', async () => {
    emu.faults.latencyNext(1, 100);
    expect((await mk().currentUser()).id).toBe(emu.currentUserId);
    emu.faults.latencyNext(1, 3000);
    expect((await err(mk({ timeoutMs: 200, maxRetries: 0 }).currentUser())).kind).toBe('timeout');
  });
  it('nothing listening → unreachable', async () => {
    const c = new AbraClient({
      baseUrl: 'http://127.0.0.1:1/demo',
      login: 'a',
      password: 'b',
      maxRetries: 1,
      retryBaseMs: 1,
    });
    expect((await err(c.currentUser())).kind).toBe('unreachable');
  });
  it('never leaks the password into errors', async () => {
    const e = await err(mk({ password: 'Sup3rSecret!' }).currentUser());
    expect(JSON.stringify(e.toJSON()) + e.message + String(e.stack)).not.toContain('Sup3rSecret');
  });
});

// ---- TLS: a small https server with a self-signed certificate answering currentuser --------------------------
const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-tls-'));
let cert = '';
let key = '';
let haveOpenssl = true;
try {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(tmp, 'k.pem'),
      '-out',
      path.join(tmp, 'c.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(path.join(tmp, 'c.pem'), 'utf8');
  key = readFileSync(path.join(tmp, 'k.pem'), 'utf8');
} catch {
  haveOpenssl = false;
}

describe.skipIf(!haveOpenssl)('TLS (needs the openssl CLI)', () => {
  let server: https.Server;
  let base = '';
  let hits = 0;
  beforeAll(async () => {
    server = https.createServer({ cert, key }, (req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ID: '2610000101',
          Name: 'API',
          EMail: '',
          LoginName: 'API',
          auth: Boolean(req.headers.authorization),
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/demo`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const fp = () => createHash('sha256').update(new X509Certificate(cert).raw).digest('hex');

  it('self-signed without trust → tls, never retried, nothing sent', async () => {
    hits = 0;
    const c = new AbraClient({ baseUrl: base, login: 'API', password: 'x', maxRetries: 3, retryBaseMs: 1 });
    expect((await err(c.currentUser())).kind).toBe('tls');
    expect(c.requestCount()).toBe(1);
    expect(hits).toBe(0);
  });
  it('custom CA → works, keys lower-cased', async () => {
    const c = new AbraClient({ baseUrl: base, login: 'API', password: 'x', tls: { ca: cert } });
    expect(await c.currentUser()).toMatchObject({ id: '2610000101', loginname: 'API' });
  });
  it('pinned fingerprint → works; wrong pin → tls and no request reaches the server', async () => {
    const ok = new AbraClient({
      baseUrl: base,
      login: 'API',
      password: 'x',
      tls: { fingerprint256: fp().match(/../g)!.join(':') },
    });
    expect((await ok.currentUser()).id).toBe('2610000101');
    hits = 0;
    const wrong = new AbraClient({
      baseUrl: base,
      login: 'API',
      password: 'x',
      tls: { fingerprint256: 'AB'.repeat(32) },
    });
    expect((await err(wrong.currentUser())).kind).toBe('tls');
    expect(hits).toBe(0);
  });
});
