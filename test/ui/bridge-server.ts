/**
 * The renderer's test bridge: a small loopback HTTP server that serves a built renderer and stands in for the
 * Electron preload. It injects `/__bridge.js` (a same-origin script, so the page's CSP stays strict) defining
 * `window.abraSync` over fetch:
 *
 *   POST /call {method, args}  → checkCall (the contract's own argument check, exactly as main does) → controller
 *   GET  /events               → Server-Sent Events: every AppEvent the controller emits
 *
 * The controller is the real one (src-main/app/controller/) over the real engine; tests may swap it
 * (`setController`) to restart the "app" with other settings or an admin policy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { APP_ORIGIN, MIME_TYPES, serveAppRequest } from '../../src-main/app/app-protocol';
import type { Controller } from '../../src-main/app/controller';
import { type AppMethod, checkCall } from '../../src-main/app/ipc-contract';

/** What the page runs instead of the preload. Trailing `undefined` arguments are dropped (JSON has no undefined). */
export const BRIDGE_SCRIPT = `(() => {
  const listeners = new Set();
  let source = null;
  const connect = () => {
    if (source) return;
    source = new EventSource('/events');
    source.onmessage = (m) => {
      const e = JSON.parse(m.data);
      for (const l of [...listeners]) l(e);
    };
  };
  window.abraSync = Object.freeze({
    async call(method, ...args) {
      while (args.length && args[args.length - 1] === undefined) args.pop();
      const res = await fetch('/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method, args }),
      });
      const body = await res.json();
      // Rejected exactly as Electron rejects ipcRenderer.invoke when main's dispatcher throws.
      if (!res.ok) {
        const kind = body.error ? body.error.kind : 'failed';
        const message = body.error ? body.error.message : 'HTTP ' + res.status;
        throw new Error("Error invoking remote method 'abra-sync:call': Error: " + kind + ': ' + message);
      }
      return body.result;
    },
    onEvent(listener) {
      connect();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
})();
`;

export interface BridgeServer {
  url: string;
  /** Every call the page made (method and the result kind), for assertions. */
  calls: { method: string; ok: boolean }[];
  setController(c: Controller): void;
  stop(): Promise<void>;
}

export async function startBridgeServer(opts: {
  rootDir: string;
  controller: Controller;
  /** Default: a free port. */
  port?: number;
}): Promise<BridgeServer> {
  let controller = opts.controller;
  const root = path.resolve(opts.rootDir);
  const clients = new Set<http.ServerResponse>();
  const calls: BridgeServer['calls'] = [];
  let unsubscribe: () => void = () => undefined;

  const subscribe = (c: Controller) => {
    unsubscribe();
    unsubscribe = c.onEvent((e) => {
      const data = `data: ${JSON.stringify(e)}\n\n`;
      for (const res of clients) res.write(data);
    });
  };
  subscribe(controller);

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const readBody = (req: http.IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 1_000_000) {
          reject(new Error('request too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const handleCall = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let parsed: { method?: unknown; args?: unknown };
    try {
      parsed = JSON.parse(await readBody(req)) as typeof parsed;
    } catch {
      send(res, 400, { error: { kind: 'invalidArguments', message: 'body must be JSON {method, args}' } });
      return;
    }
    const checked = checkCall(parsed.method, parsed.args);
    if (!checked.ok) {
      calls.push({ method: String(parsed.method), ok: false });
      send(res, 400, { error: checked.error });
      return;
    }
    const fn = controller[checked.method as AppMethod] as (...a: unknown[]) => Promise<unknown>;
    try {
      const result = await fn(...checked.args);
      calls.push({ method: checked.method, ok: true });
      send(res, 200, { result: result ?? null });
    } catch (e) {
      calls.push({ method: checked.method, ok: false });
      send(res, 500, { error: { kind: 'failed', message: e instanceof Error ? e.message : String(e) } });
    }
  };

  const serveFile = async (urlPath: string, res: http.ServerResponse) => {
    if (urlPath === '/__bridge.js') {
      res.writeHead(200, { 'content-type': MIME_TYPES['.js']!, 'cache-control': 'no-store' });
      res.end(BRIDGE_SCRIPT);
      return;
    }
    // the files come through the app: scheme's own resolver (src-main/app/app-protocol.ts), so the browser tests
    // load the bundle with the MIME types and the CSP header the Electron window gets
    const r = await serveAppRequest(
      { url: `${APP_ORIGIN}${urlPath === '/' ? '/index.html' : urlPath}` },
      root,
    );
    let data = r.body ?? '';
    if (r.status === 200 && r.headers['Content-Type']?.startsWith('text/html')) {
      // The bridge runs before the app's module script (classic scripts in <head> execute first).
      data = Buffer.from(data)
        .toString('utf8')
        .replace('<head>', '<head>\n    <script src="/__bridge.js"></script>');
    }
    res.writeHead(r.status, r.headers);
    res.end(data);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/call') {
      void handleCall(req, res);
    } else if (req.method === 'GET' && url.pathname === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (req.method === 'GET') {
      void serveFile(url.pathname, res);
    } else {
      res.writeHead(405).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    setController(c) {
      controller = c;
      subscribe(c);
    },
    async stop() {
      unsubscribe();
      for (const c of clients) c.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
