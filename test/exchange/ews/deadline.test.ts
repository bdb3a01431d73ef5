/**
 * Hangs and stale sockets in the EWS transport (security review, slow-drip probe and the faults probe's stalled
 * keep-alive case):
 * - a server that sends its headers at once and then one byte a second no longer holds a call past the backend's
 *   timeout (axios's own `timeout` is per chunk; the deadline is total);
 * - a POST that must not be repeated (CreateItem) goes out on a fresh connection, so a pooled keep-alive socket
 *   the server closed while idle cannot fail it ("socket hang up"); a drop on its own connection is still not
 *   repeated (the write may have happened). Other requests on a dropped reused socket are retried as before.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { XhrApi } from '@ewsjs/xhr';
import { afterEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import { GuardedXhr, withDeadline, type XhrWithOptions } from '../../../src-main/exchange/ews/transport';
import type { SyncError } from '../../../src-main/shared/errors';

let server: http.Server | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});
async function listen(h: http.RequestListener): Promise<string> {
  server = http.createServer(h);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ENVELOPE =
  '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:CreateItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/></s:Body></s:Envelope>';
const CREATE =
  '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:CreateItem xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/></soap:Body></soap:Envelope>';

const GET =
  '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:GetFolder xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/></soap:Body></soap:Envelope>';

describe('EWS total deadline', () => {
  it('a slowly dripping answer ends as a timeout at the deadline, not when the server stops', async () => {
    const DRIP_S = 30;
    const base = await listen((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/xml' });
      let n = 0;
      const t = setInterval(() => {
        if (res.destroyed || ++n > DRIP_S) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write(' ');
      }, 1000);
      res.on('close', () => clearInterval(t));
    });
    const ews = new EwsBackend(
      { email: 'a@firma.cz', ewsUrl: `${base}/EWS/Exchange.asmx`, auth: 'basic', user: 'a' },
      { password: 'p' },
      { timeoutMs: 1500, transport: { maxRetries: 0 } },
    );
    const started = Date.now();
    const e = await ews.getFolder('calendar').catch((x: unknown) => x);
    const tookS = (Date.now() - started) / 1000;
    await ews.close().catch(() => undefined);
    expect((e as SyncError).kind).toBe('timeout');
    expect(tookS).toBeLessThan(DRIP_S / 2); // before: the whole drip (the call ended when the server stopped)
  }, 40_000);
});

describe('a stale keep-alive socket', () => {
  const setup = async (dropOnReuse: 'reused' | 'always-second') => {
    const uses = new Map<Socket, number>();
    let requests = 0;
    const base = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        const n = (uses.get(req.socket) ?? 0) + 1;
        uses.set(req.socket, n);
        // the server "closed" the idle socket: a request arriving on it again is dropped unanswered
        if ((dropOnReuse === 'reused' && n > 1) || (dropOnReuse === 'always-second' && requests === 2)) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml', connection: 'keep-alive' }).end(ENVELOPE);
      });
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const x = new XhrApi({ timeout: 5000, httpAgent: agent } as never) as unknown as XhrWithOptions;
    const g = new GuardedXhr(withDeadline(x, 5000), { baseDelayMs: 1, maxRetries: 3 });
    const post = () =>
      g.xhr({
        type: 'POST',
        url: `${base}/EWS/Exchange.asmx`,
        data: CREATE,
        headers: { 'content-type': 'text/xml' },
      });
    const get = () =>
      g.xhr({
        type: 'POST',
        url: `${base}/EWS/Exchange.asmx`,
        data: GET,
        headers: { 'content-type': 'text/xml' },
      });
    return { g, post, get, agent, requests: () => requests };
  };

  it('a CreateItem after other requests does not go out on a pooled socket the server has closed', async () => {
    const s = await setup('reused');
    await s.get();
    await s.get(); // on the pooled socket: dropped, retried (replayable) on a new one
    expect(s.g.sent).toBe(3);
    const r = await s.post();
    expect(String(r.responseText)).toContain('CreateItemResponse');
    expect(s.g.sent).toBe(4); // sent once, not retried
    s.agent.destroy();
  });

  it('a CreateItem dropped on a fresh socket is not repeated (it may have been applied)', async () => {
    const s = await setup('always-second');
    await s.get();
    const e = await s.post().catch((x: unknown) => x);
    expect(e).toBeTruthy();
    expect(s.requests()).toBe(2);
  });
});
