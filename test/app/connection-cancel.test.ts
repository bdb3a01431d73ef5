/**
 * Cancel really aborts a connection test (issue #18 item 8): the renderer's Cancel reaches main, whose
 * AbortSignal goes into the ABRA client, the EWS transport and the Graph transport; the socket to a server that
 * never answers is closed at once (the server sees the close), and the next test runs without waiting.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionTests } from '../../src-main/app/connection-cancel';
import { type Controller, type ControllerDeps, createController } from '../../src-main/app/controller';
import { GraphHttp } from '../../src-main/exchange/graph/http';
import { isCancelled } from '../../src-main/shared/abort';
import { exchangeFor as wiringExchangeFor } from '../../src-main/wiring';
import { EXCHANGE_PASSWORD, type Harness, startHarness } from './harness';

/** A TCP server that accepts and never answers; `closed` resolves when the client closes the socket. */
async function silentServer() {
  const sockets: net.Socket[] = [];
  let onClose: (() => void) | null = null;
  const closed = new Promise<number>((resolve) => {
    onClose = () => resolve(Date.now());
  });
  let opened!: () => void;
  const accepted = new Promise<void>((r) => {
    opened = r;
  });
  const server = net.createServer((sock) => {
    sockets.push(sock);
    sock.on('data', () => undefined); // read the request, answer nothing
    sock.on('close', () => onClose?.());
    sock.on('error', () => undefined);
    opened();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    accepted,
    closed,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

let h: Harness;
const controllers: Controller[] = [];
async function make(over: Partial<ControllerDeps> = {}): Promise<Controller> {
  const c = await createController({ ...h.deps, ...over });
  controllers.push(c);
  return c;
}

beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  for (const c of controllers.splice(0)) await c.dispose();
  h.reset();
});
afterAll(async () => {
  await h.stop();
});

describe('cancelling a connection test', () => {
  it('ABRA: Cancel closes the socket to a server that never answers within a second, and the next test runs', async () => {
    const silent = await silentServer();
    try {
      // a long deadline: only Cancel can end this test early
      const c = await make({ testTimeoutMs: 60_000, systemLocale: 'cs-CZ' });
      await c.setSecret('abraPassword', 'x', {
        abra: { serverUrl: `http://127.0.0.1:${silent.port}`, connection: 'data', login: 'jan' },
      });
      const pending = c.testConnection('abra', {
        abra: { serverUrl: `http://127.0.0.1:${silent.port}`, connection: 'data', login: 'jan' },
      });
      await silent.accepted;
      const cancelledAt = Date.now();
      expect(await c.cancelTest('abra')).toBe(true);
      const r = await pending;
      expect(r).toMatchObject({ ok: false, side: 'abra', kind: 'cancelled', message: 'Test byl zrušen.' });
      const closedAt = await silent.closed;
      expect(closedAt - cancelledAt).toBeLessThan(1000);
      expect(await c.cancelTest('abra')).toBe(false); // nothing runs any more

      // the next test of the same side runs at once, against the real (emulated) ABRA
      await c.setSecret('abraPassword', h.abra.password, h.validConfig());
      const ok = await c.testConnection('abra', h.validConfig());
      expect(ok.ok).toBe(true);
    } finally {
      await silent.stop();
    }
  });

  it('EWS: Cancel aborts the EWS transport (socket closed within a second) and the next Exchange test runs', async () => {
    const silent = await silentServer();
    try {
      const c = await make({
        testTimeoutMs: 60_000,
        exchangeFor: (cfg, s, o) => wiringExchangeFor(cfg, s, o),
      });
      const input = {
        exchange: {
          kind: 'ews',
          email: 'jan.novak@firma.cz',
          ewsUrl: `http://127.0.0.1:${silent.port}/EWS/Exchange.asmx`,
          auth: 'basic',
        },
      };
      await c.setSecret('exchangePassword', EXCHANGE_PASSWORD, input);
      const pending = c.testConnection('exchange', input);
      await silent.accepted;
      const cancelledAt = Date.now();
      expect(await c.cancelTest('exchange')).toBe(true);
      expect(await pending).toMatchObject({ ok: false, side: 'exchange', kind: 'cancelled' });
      expect((await silent.closed) - cancelledAt).toBeLessThan(1000);
    } finally {
      await silent.stop();
    }
    // a second test starts at once (the harness's mailbox answers)
    const c2 = await make({ testTimeoutMs: 60_000 });
    await c2.setSecret('exchangePassword', EXCHANGE_PASSWORD, h.validConfig());
    expect((await c2.testConnection('exchange', h.validConfig())).ok).toBe(true);
  });

  it('the deadline aborts the request too (not only the answer)', async () => {
    const silent = await silentServer();
    try {
      const c = await make({ testTimeoutMs: 300 });
      const input = {
        abra: { serverUrl: `http://127.0.0.1:${silent.port}`, connection: 'data', login: 'jan' },
      };
      await c.setSecret('abraPassword', 'x', input);
      const r = await c.testConnection('abra', input);
      expect(r).toMatchObject({ ok: false, kind: 'timeout' });
      const closedAt = await silent.closed;
      expect(closedAt).toBeGreaterThan(0);
    } finally {
      await silent.stop();
    }
  });

  it('Graph: an aborted signal closes the request and is not retried', async () => {
    const silent = await silentServer();
    try {
      const ac = new AbortController();
      const g = new GraphHttp(
        `http://127.0.0.1:${silent.port}/v1.0`,
        { getAccessToken: async () => 'token' },
        { signal: ac.signal, retryBaseMs: 1, timeoutMs: 60_000 },
      );
      const pending = g.request('GET', '/me').catch((e: unknown) => e);
      await silent.accepted;
      const at = Date.now();
      ac.abort();
      const e = await pending;
      expect(isCancelled(e)).toBe(true);
      expect((await silent.closed) - at).toBeLessThan(1000);
      expect(g.stats.retries).toBe(0);
    } finally {
      await silent.stop();
    }
  });
});

describe('ConnectionTests', () => {
  it('a new test of the same side aborts the one before; the other side is left alone', async () => {
    const t = new ConnectionTests();
    const signals: AbortSignal[] = [];
    const never = (side: 'abra' | 'exchange') =>
      t.run(
        side,
        60_000,
        (signal) => {
          signals.push(signal);
          return new Promise(() => undefined);
        },
        (why) => ({ ok: false, side, kind: why, message: why }),
      );
    const first = never('abra');
    const other = never('exchange');
    const second = never('abra');
    expect(await first).toMatchObject({ kind: 'cancelled' });
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
    expect(t.isRunning('abra')).toBe(true);
    t.cancelAll();
    expect(await second).toMatchObject({ kind: 'cancelled' });
    expect(await other).toMatchObject({ kind: 'cancelled' });
  });
});
