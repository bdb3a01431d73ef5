/**
 * The Autodiscover button through the controller and the EWS backend's POX Autodiscover, against a loopback
 * Autodiscover endpoint: needs the password first, finds the EWS URL, says plainly when there is none.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ewsAutodiscover } from '../../src-main/app/autodiscover';
import { type Controller, createController } from '../../src-main/app/controller';
import { EXCHANGE_PASSWORD, type Harness, startHarness } from './harness';

const EWS = 'https://mail.firma.cz/EWS/Exchange.asmx';
const answer = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>settings</Action>
      <Protocol><Type>EXPR</Type><EwsUrl>https://owa.firma.cz/EWS/Exchange.asmx</EwsUrl></Protocol>
      <Protocol><Type>EXCH</Type><EwsUrl>${EWS}</EwsUrl></Protocol>
    </Account>
  </Response>
</Autodiscover>`;

let h: Harness;
let server: http.Server;
let base = '';
const seen: { path: string; authorization?: string; body: string }[] = [];
let c: Controller | null = null;

beforeAll(async () => {
  h = await startHarness();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (x: Buffer) => chunks.push(x));
    req.on('end', () => {
      seen.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      });
      const expected = `Basic ${Buffer.from(`jan.novak@firma.cz:${EXCHANGE_PASSWORD}`).toString('base64')}`;
      if (req.method === 'POST' && req.url === '/firma.cz/autodiscover.xml') {
        if (req.headers.authorization !== expected) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="firma.cz"' }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(answer);
        return;
      }
      res.writeHead(404).end('not here');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(async () => {
  await c?.dispose();
  h.reset();
  seen.length = 0;
  c = await createController({
    ...h.deps,
    autodiscover: (email, exchange, s) =>
      ewsAutodiscover(email, exchange, s, {
        endpoints: [`${base}/{domain}/autodiscover.xml`],
        redirectProbe: null,
        srv: false,
        allowHttp: true,
      }),
  });
});
afterAll(async () => {
  await c?.dispose();
  server?.close();
  await h?.stop();
});

describe('Autodiscover', () => {
  it('asks for the password first, then finds the EWS URL of the internal endpoint', async () => {
    const first = await c!.autodiscover('jan.novak@firma.cz');
    expect(first.ok).toBe(false);
    expect(first.message).toBe(
      'Autodiscover needs your Exchange password: store the correct password for jan.novak@firma.cz, then try again.',
    );
    expect(seen).toEqual([]); // nothing sent without credentials
    await c!.setSecret('exchangePassword', 'wrong');
    expect((await c!.autodiscover('jan.novak@firma.cz')).message).toBe(first.message);
    await c!.setSecret('exchangePassword', EXCHANGE_PASSWORD);
    const r = await c!.autodiscover('jan.novak@firma.cz');
    expect(r).toEqual({
      ok: true,
      url: EWS,
      message: `Found the EWS address for jan.novak@firma.cz: ${EWS}`,
    });
    expect(seen.at(-1)?.body).toContain('<EMailAddress>jan.novak@firma.cz</EMailAddress>');
  });

  it('no Autodiscover for the domain: a plain answer, no credentials sent anywhere unexpected', async () => {
    await c!.setSecret('exchangePassword', EXCHANGE_PASSWORD);
    const r = await c!.autodiscover('eva@nowhere.example');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /^Autodiscover found no Exchange server for eva@nowhere.example\. Enter the EWS address/,
    );
    expect(seen.map((s) => s.path)).toEqual(['/nowhere.example/autodiscover.xml']);
  });

  it('without the backend wired the button says it is not available', async () => {
    const plain = await createController({ ...h.deps });
    const r = await plain.autodiscover('jan.novak@firma.cz');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/not available in this version/);
    await plain.dispose();
  });
});
