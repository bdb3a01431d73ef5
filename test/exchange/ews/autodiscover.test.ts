/**
 * Autodiscover (POX) when no EWS URL is configured: the real Exchange Online answers recorded in
 * ../shared/ews/recordings/API (a 302 from the http:// probe, then the settings with EXCH/EXPR EwsUrl; and the
 * failure case, an HTML page), replayed from a loopback server; redirectAddr hops; 401 stops with `auth`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTODISCOVER_CONFIRM, parseAutodiscover } from '../../../src-main/exchange/ews/autodiscover';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import { SyncError } from '../../../src-main/shared/errors';
import { ewsRecordingsDir, hasShared, sharedSkipReason } from '../../helpers/env';

interface Route {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

interface Seen {
  method: string;
  path: string;
  body: string;
  authorization?: string;
}

async function server(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = `${req.method} ${req.url}`;
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        authorization: req.headers.authorization,
      });
      const r = routes[key] ?? { status: 404, body: 'not here' };
      res.writeHead(r.status, { 'content-type': 'text/xml; charset=utf-8', ...(r.headers ?? {}) });
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    routes,
    stop: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

function backend(base: string, email = 'garethp@garethp2.onmicrosoft.com', trustedHosts?: string[]) {
  return new EwsBackend(
    { email, ewsUrl: '', auth: 'basic', user: email },
    { password: 'Heslo-123' },
    {
      autodiscover: {
        endpoints: [`${base}/{domain}/a`, `${base}/autodiscover.{domain}/a`],
        redirectProbe: `${base}/probe/{domain}`,
        srv: false,
        allowHttp: true,
        trustedHosts,
      },
    },
  );
}

describe.skipIf(!hasShared)('Autodiscover with the recorded Exchange Online answers', () => {
  const rec = (f: string) =>
    JSON.parse(readFileSync(path.join(ewsRecordingsDir, 'API', f), 'utf8')) as {
      statusCode?: number;
      body?: string;
      headers?: Record<string, string[]>;
    }[];
  let srv: Awaited<ReturnType<typeof server>>;
  afterEach(async () => srv?.stop());

  it('POST candidates fail, the http probe redirects, the redirected POST gives the EWS URL', async () => {
    const r = rec('ExchangeAutodiscoverTest.testGetAPI.json');
    const settings = r[3]?.body ?? '';
    expect(r[2]?.statusCode).toBe(302);
    srv = await server({});
    srv.routes['POST /garethp2.onmicrosoft.com/a'] = { status: 500 };
    srv.routes['GET /probe/garethp2.onmicrosoft.com'] = {
      status: 302,
      headers: { location: `${srv.base}/redirected` },
    };
    srv.routes['POST /redirected'] = { status: 200, body: settings };
    const url = await backend(srv.base).ewsUrl();
    expect(url).toBe('https://outlook.office365.com/EWS/Exchange.asmx');
    const posts = srv.seen.filter((x) => x.method === 'POST');
    expect(posts.map((p) => p.path)).toEqual([
      '/garethp2.onmicrosoft.com/a',
      '/autodiscover.garethp2.onmicrosoft.com/a',
      '/redirected',
    ]);
    expect(posts[0]?.body).toContain('<EMailAddress>garethp@garethp2.onmicrosoft.com</EMailAddress>');
    expect(posts[0]?.authorization).toMatch(/^Basic /);
    // the unauthenticated probe never carries credentials
    expect(srv.seen.find((x) => x.method === 'GET')?.authorization).toBeUndefined();
  });

  it('an HTML error page everywhere (testGetAPIFailure) → config error asking for the URL', async () => {
    const html = rec('ExchangeAutodiscoverTest.testGetAPIFailure.json')[2]?.body ?? '';
    expect(html).toContain('Page cannot be displayed');
    srv = await server({});
    srv.routes['POST /falsey.com/a'] = { status: 200, body: html };
    srv.routes['POST /autodiscover.falsey.com/a'] = { status: 200, body: html };
    srv.routes['GET /probe/falsey.com'] = { status: 200, body: html };
    const e = await backend(srv.base, 'someone@falsey.com')
      .ewsUrl()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect((e as SyncError).kind).toBe('config');
    expect((e as SyncError).message).toMatch(/enter the EWS URL/);
  });

  it('prefers the EXCH (internal) EwsUrl over EXPR', () => {
    const xml =
      '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Account><Action>settings</Action><Protocol><Type>EXPR</Type><EwsUrl>https://mail.firma.cz/EWS/Exchange.asmx</EwsUrl></Protocol><Protocol><Type>EXCH</Type><EwsUrl>https://exch01.firma.local/EWS/Exchange.asmx</EwsUrl></Protocol></Account></Response></Autodiscover>';
    expect(parseAutodiscover(xml)).toEqual({
      kind: 'settings',
      ewsUrl: 'https://exch01.firma.local/EWS/Exchange.asmx',
    });
  });
});

describe('Autodiscover redirects and refusals', () => {
  let srv: Awaited<ReturnType<typeof server>>;
  beforeEach(async () => {
    srv = await server({});
  });
  afterEach(async () => srv.stop());

  it('redirectAddr to another domain asks first; once confirmed it restarts with the new address', async () => {
    srv.routes['POST /old.cz/a'] = {
      status: 200,
      body: '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Account><Action>redirectAddr</Action><RedirectAddr>jan@new.cz</RedirectAddr></Account></Response></Autodiscover>',
    };
    srv.routes['POST /new.cz/a'] = {
      status: 200,
      body: '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Account><Action>settings</Action><Protocol><Type>EXPR</Type><EwsUrl>https://mail.new.cz/EWS/Exchange.asmx</EwsUrl></Protocol></Account></Response></Autodiscover>',
    };
    const e = await backend(srv.base, 'jan@old.cz')
      .ewsUrl()
      .catch((x: unknown) => x);
    expect((e as SyncError).code).toBe(AUTODISCOVER_CONFIRM);
    expect((e as SyncError).detail).toBe('new.cz');
    expect(srv.seen.find((x) => x.path === '/new.cz/a')).toBeUndefined();
    expect(await backend(srv.base, 'jan@old.cz', ['new.cz']).ewsUrl()).toBe(
      'https://mail.new.cz/EWS/Exchange.asmx',
    );
    expect(srv.seen.find((x) => x.path === '/new.cz/a')?.body).toContain(
      '<EMailAddress>jan@new.cz</EMailAddress>',
    );
  });

  it('401 stops at once with auth', async () => {
    srv.routes['POST /firma.cz/a'] = { status: 401 };
    const e = await backend(srv.base, 'jan@firma.cz')
      .ewsUrl()
      .catch((x: unknown) => x);
    expect((e as SyncError).kind).toBe('auth');
    expect(srv.seen).toHaveLength(1);
  });

  it('never sends credentials to an http:// URL outside tests', async () => {
    const b = new EwsBackend(
      { email: 'jan@firma.cz', ewsUrl: '', auth: 'basic' },
      { password: 'x' },
      {
        autodiscover: {
          endpoints: [`${srv.base}/{domain}/a`],
          redirectProbe: null,
          srv: false,
        },
      },
    );
    const e = await b.ewsUrl().catch((x: unknown) => x);
    expect((e as SyncError).kind).toBe('config');
    expect(srv.seen).toHaveLength(0);
  });
});

const SETTINGS = (ews: string) =>
  `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Account><Action>settings</Action><Protocol><Type>EXCH</Type><EwsUrl>${ews}</EwsUrl></Protocol></Account></Response></Autodiscover>`;

/**
 * Where the credentials go (security review, autodiscover-leak probe): only the standard endpoints of the user's
 * own domain; another host (HTTP redirect, plain-HTTP probe, redirectUrl) only after the user confirmed it.
 * Outlook does the same: "Allow this website to configure … server settings?" (Microsoft, "Autodiscover for
 * Exchange", learn.microsoft.com/exchange/architecture/client-access/autodiscover).
 * `localhost` and `127.0.0.1` are two hosts on the same loopback server.
 */
describe('Autodiscover never hands credentials to a host the user did not confirm', () => {
  let srv: Awaited<ReturnType<typeof server>>;
  beforeEach(async () => {
    srv = await server({});
  });
  afterEach(async () => srv.stop());
  const other = () => srv.base.replace('127.0.0.1', 'localhost');

  it('a 302 from the domain endpoint to another host: nothing sent there, the host is named for confirmation', async () => {
    srv.routes['POST /firma.cz/a'] = { status: 302, headers: { location: `${other()}/evil` } };
    srv.routes['POST /evil'] = { status: 200, body: SETTINGS('https://evil.example/EWS/Exchange.asmx') };
    const e = await backend(srv.base, 'jan@firma.cz')
      .ewsUrl()
      .catch((x: unknown) => x);
    expect((e as SyncError).code).toBe(AUTODISCOVER_CONFIRM);
    expect((e as SyncError).detail).toBe('localhost');
    expect(srv.seen.find((x) => x.path === '/evil')).toBeUndefined();
    // confirmed (and remembered by the caller): now it gets the sign-in
    expect(await backend(srv.base, 'jan@firma.cz', ['localhost']).ewsUrl()).toBe(
      'https://evil.example/EWS/Exchange.asmx',
    );
    expect(srv.seen.find((x) => x.path === '/evil')?.authorization).toMatch(/^Basic /);
  });

  it('the plain-HTTP probe redirected to another host: no credentials before confirmation, none on the probe', async () => {
    srv.routes['GET /probe/firma.cz'] = { status: 302, headers: { location: `${other()}/evil` } };
    const e = await backend(srv.base, 'jan@firma.cz')
      .ewsUrl()
      .catch((x: unknown) => x);
    expect((e as SyncError).detail).toBe('localhost');
    // credentials only on the two standard endpoints of the user's own domain
    expect(srv.seen.filter((x) => x.authorization).map((x) => x.path)).toEqual([
      '/firma.cz/a',
      '/autodiscover.firma.cz/a',
    ]);
    expect(srv.seen.find((x) => x.method === 'GET')?.authorization).toBeUndefined();
  });

  it('a redirectUrl answer to another host is not followed with credentials', async () => {
    srv.routes['POST /firma.cz/a'] = {
      status: 200,
      body: `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Account><Action>redirectUrl</Action><RedirectUrl>${other()}/evil</RedirectUrl></Account></Response></Autodiscover>`,
    };
    const e = await backend(srv.base, 'jan@firma.cz')
      .ewsUrl()
      .catch((x: unknown) => x);
    expect((e as SyncError).detail).toBe('localhost');
    expect(srv.seen.find((x) => x.path === '/evil')).toBeUndefined();
  });

  it('the allowHttp test hook opens loopback only: a plain-http non-loopback redirect gets nothing', async () => {
    srv.routes['POST /firma.cz/a'] = { status: 302, headers: { location: 'http://evil.example/ad' } };
    const e = await backend(srv.base, 'jan@firma.cz', ['evil.example'])
      .ewsUrl()
      .catch((x: unknown) => x);
    expect((e as SyncError).kind).toBe('config');
    expect((e as SyncError).code).toBeUndefined();
  });

  it('a connect with no EWS URL does not run Autodiscover (it runs once, from the app, and the URL is stored)', async () => {
    srv.routes['POST /firma.cz/a'] = {
      status: 200,
      body: SETTINGS('https://mail.firma.cz/EWS/Exchange.asmx'),
    };
    const e = await backend(srv.base, 'jan@firma.cz')
      .testConnection()
      .catch((x: unknown) => x);
    expect((e as SyncError).kind).toBe('config');
    expect((e as SyncError).message).toMatch(/no EWS URL/);
    expect(srv.seen).toEqual([]);
  });
});

if (!hasShared) console.warn(`Autodiscover recording tests skipped: ${sharedSkipReason}`);
