/**
 * Exchange's company CA (issue #18 item 8): `exchange.caCertificate` is validated as PEM, and the EWS and Graph
 * transports trust it (with the bundled and the system's roots). The CA and the server certificate it signs are made
 * with openssl when the test runs; an https server with that certificate stands in front of the EWS emulator (as a
 * company's on-prem Exchange or a TLS-inspecting proxy would) and answers Graph's /me itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../src-main/app/controller';
import { MemorySecretStore } from '../../src-main/app/secrets';
import { FileSettingsStore } from '../../src-main/app/settings';
import { GraphHttp } from '../../src-main/exchange/graph/http';
import { SyncError } from '../../src-main/shared/errors';
import { exchangeConnectionSchema } from '../../src-main/sync/config';
import { exchangeFor as wiringExchangeFor } from '../../src-main/wiring';
import { type EwsEmulator, startEwsEmulator } from '../emulators/ews';
import { testAbraClientFor } from './harness';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const EMAIL = 'jan.novak@firma.cz';

/** The paths the configuration schema refuses in an Exchange section. */
function exchangeConfigSchemaIssues(x: Record<string, unknown>): string[] {
  const r = exchangeConnectionSchema.safeParse(x);
  return r.success ? [] : r.error.issues.map((i) => `exchange.${i.path.join('.')}`);
}
const PASSWORD = 'Heslo-123';

let dir: string;
let caPem = '';
let otherCaPem = '';
let ews: EwsEmulator;
let front: https.Server;
let frontUrl = '';

/** A CA, and a server certificate for localhost/127.0.0.1 signed by it (openssl, at test time). */
function makeCa(name: string): { ca: string; key: string; cert: string } {
  const d = path.join(dir, name);
  execFileSync('mkdir', ['-p', d]);
  const o = (...args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
  o(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    `/CN=${name} Company CA`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  o(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  writeFileSync(
    path.join(d, 'ext.cnf'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  o(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  return {
    ca: readFileSync(path.join(d, 'ca.pem'), 'utf8'),
    key: readFileSync(path.join(d, 'server.key'), 'utf8'),
    cert: readFileSync(path.join(d, 'server.pem'), 'utf8'),
  };
}

beforeAll(async () => {
  if (!hasOpenssl) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'exchange-ca-'));
  const company = makeCa('firma');
  caPem = company.ca;
  otherCaPem = makeCa('jina').ca;
  ews = await startEwsEmulator({
    size: 'empty',
    mailboxes: [{ email: EMAIL, password: PASSWORD, displayName: 'Jan Novák' }],
  });
  const target = new URL(ews.url);
  front = https.createServer({ key: company.key, cert: company.cert }, (req, res) => {
    if (req.url?.startsWith('/v1.0/me')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '1', displayName: 'Jan Novák', mail: EMAIL, userPrincipalName: EMAIL }));
      return;
    }
    // on to the EWS emulator, as a company's reverse proxy would
    const up = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  frontUrl = `https://localhost:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (!hasOpenssl) return;
  await new Promise((r) => front.close(r));
  await ews.stop();
  rmSync(dir, { recursive: true, force: true });
});

const controllers: Controller[] = [];
afterAll(async () => {
  for (const c of controllers) await c.dispose();
});

async function controller(locale = 'cs-CZ'): Promise<Controller> {
  const d = mkdtempSync(path.join(dir, 'app-'));
  const c = await createController({
    settings: new FileSettingsStore(path.join(d, 'settings.json')),
    secrets: new MemorySecretStore(),
    connect: async () => {
      throw new SyncError('config', 'not used');
    },
    abraClientFor: testAbraClientFor,
    exchangeFor: (cfg, s, o) => wiringExchangeFor(cfg, s, o),
    dataDir: path.join(d, 'state'),
    logFile: path.join(d, 'app.log'),
    version: '0.1.0-test',
    systemLocale: locale,
    notify: () => undefined,
    openPath: async () => '',
    autoStart: false,
  });
  controllers.push(c);
  return c;
}

const input = (caCertificate?: string) => ({
  exchange: {
    kind: 'ews',
    email: EMAIL,
    ewsUrl: `${frontUrl}/EWS/Exchange.asmx`,
    auth: 'basic',
    ...(caCertificate === undefined ? {} : { caCertificate }),
  },
});

describe.skipIf(!hasOpenssl)('Exchange with a company CA (openssl-made CA at test time)', () => {
  it('EWS: refused as untrusted without the CA (the answer names the field); connected with it', async () => {
    const c = await controller();
    await c.setSecret('exchangePassword', PASSWORD, input());
    const refused = await c.testConnection('exchange', input());
    expect(refused).toMatchObject({ ok: false, kind: 'tls' });
    expect(refused.message).toContain('Certifikát firemní certifikační autority');
    const wrongCa = await c.testConnection('exchange', input(otherCaPem));
    expect(wrongCa).toMatchObject({ ok: false, kind: 'tls' });
    const ok = await c.testConnection('exchange', input(caPem));
    expect(ok.ok).toBe(true);
    expect(ok.message).toContain('Jan Novák');
  });

  it('Graph: the same CA is trusted by the Graph transport, and only with it', async () => {
    const auth = { getAccessToken: async () => 'token' };
    const without = new GraphHttp(`${frontUrl}/v1.0`, auth, { maxRetries: 0 });
    await expect(without.request('GET', '/me')).rejects.toMatchObject({ kind: 'tls' });
    const withCa = new GraphHttp(`${frontUrl}/v1.0`, auth, { caCertificate: caPem, maxRetries: 0 });
    expect(await withCa.request('GET', '/me')).toMatchObject({ displayName: 'Jan Novák' });
  });

  it('a CA field that is not a PEM certificate is refused by its label, in Czech, and nothing is saved', async () => {
    const c = await controller();
    for (const bad of [
      'MIIB…',
      'thumbprint 3a:4b',
      '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----',
    ]) {
      const r = await c.testConnection('exchange', input(bad));
      expect(r).toMatchObject({ ok: false, kind: 'config' });
      expect(r.message).toContain('PEM');
      expect(exchangeConfigSchemaIssues({ ...input(bad).exchange })).toEqual(['exchange.caCertificate']);
    }
    expect(exchangeConfigSchemaIssues({ ...input(caPem).exchange })).toEqual([]);
    // two certificates (a chain) are fine too
    expect(exchangeConfigSchemaIssues({ ...input(`${caPem}\n${otherCaPem}`).exchange })).toEqual([]);
    const saved = await c.saveSync({ exchange: input('garbage').exchange });
    expect(saved.ok).toBe(false);
    if (!saved.ok) expect(saved.issues.map((i) => i.path)).toContain('exchange.caCertificate');
    expect((await c.getState()).sync).toBeNull();
  });
});
