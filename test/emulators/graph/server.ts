/**
 * HTTP side of the Graph emulator: `/v1.0/...` (bearer-checked), `$batch`, delta paging, OData query options the
 * backend uses, and the Microsoft identity platform endpoints MSAL needs (authorize, token, discovery). Graph is
 * served over plain HTTP (`url`, the way tests configure `graphUrl`); the identity endpoints also over HTTPS on a
 * second port (`authorityUrl`: MSAL insists on https authorities) with a fixed test certificate (tls/).
 */

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { TLS_CERT, TLS_KEY } from '../shared/tls';
import { type Doc, type Entity, GraphError, type GraphStore, type Instance } from './store';
import { graphDateTime, ianaZone, localToUtc } from './tz';

export { TLS_CERT };

export interface FaultSpec {
  /**
   * HTTP status to answer (429, 500, 502, 503, 504, 410, 412, 401, 403, ...). May be left out when the fault is
   * only a `reset` or a slow answer (`delayMs`).
   */
  status?: number;
  code?: string;
  message?: string;
  /**
   * Retry-After in seconds. A 429 without it gets `Retry-After: 1` (Graph always says how long to wait when it
   * throttles); `null` sends no Retry-After at all.
   */
  retryAfterSec?: number | null;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  method?: string;
  /** Substring (or RegExp) of the path below /v1.0 (e.g. `/contacts`, `/$batch`). */
  path?: string | RegExp;
  /** Match top-level requests, requests inside a $batch, or both (default both). */
  scope?: 'top' | 'batch' | 'any';
  /** Drop the connection without an answer (inside a $batch: the whole batch's connection). */
  reset?: boolean;
  /** Answer this much later (a slow server; with no `status` the real answer comes late). */
  delayMs?: number;
  /**
   * Run the request first (a write is stored), then answer the fault instead of the result: a proxy or gateway
   * error after the server did the work.
   */
  afterProcessing?: boolean;
}

export interface LogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  /** Part of a $batch. */
  inBatch: boolean;
  at: number;
}

interface Resp {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

interface Req {
  method: string;
  /** Path below /v1.0 with /users/{x} normalised to /me. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  inBatch: boolean;
  /** `scheme://host:port/v1.0` the request came in on: every link in an answer starts with it. */
  base: string;
}

/** What the faults of one HTTP request ask of the connection (a slow answer, a reset). */
interface Effects {
  delayMs: number;
  reset: boolean;
}

interface TokenInfo {
  exp: number;
  kind: 'access' | 'refresh';
  revoked?: boolean;
  scope: string;
}

interface CodeInfo {
  challenge: string;
  method: string;
  redirectUri: string;
  clientId: string;
  scope: string;
  nonce?: string;
  exp: number;
}

export interface ServerOptions {
  store: GraphStore;
  tenantId: string;
  clientId: string;
  latencyMs?: number;
  /** Lifetime of access tokens the token endpoint issues (default 3600 s). */
  accessTtlSec?: number;
}

const OID_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

function b64url(s: string | Buffer): string {
  return Buffer.from(s).toString('base64url');
}

/** Split a filter on a top-level keyword (outside parentheses and quotes). */
function splitTop(s: string, word: 'and' | 'or'): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  const re = new RegExp(`^\\s${word}\\s`, 'i');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") quote = !quote;
    if (!quote && c === '(') depth++;
    if (!quote && c === ')') depth--;
    if (!quote && depth === 0 && re.test(s.slice(i, i + word.length + 2))) {
      out.push(cur);
      cur = '';
      i += word.length;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

const unq = (s: string) => s.replace(/''/g, "'");

type Pred = (doc: Doc, ext: Map<string, { id: string; value: string }>) => boolean;

export function parseFilter(f: string): Pred {
  const ors = splitTop(f, 'or').map((g) =>
    splitTop(g, 'and').map((clause): Pred => {
      let c = clause.trim();
      while (c.startsWith('(') && c.endsWith(')')) c = c.slice(1, -1).trim();
      let m =
        /^singleValueExtendedProperties\/any\(\s*(\w+)\s*:\s*\1\/id eq '((?:[^']|'')*)' and \1\/value eq '((?:[^']|'')*)'\s*\)$/i.exec(
          c,
        );
      if (m) {
        const id = unq(m[2]!).replace(/\s+/g, ' ').trim().toLowerCase();
        const v = unq(m[3]!);
        return (_d, ext) => ext.get(id)?.value === v;
      }
      m = /^(displayName|wellknownListName|subject|title) eq '((?:[^']|'')*)'$/i.exec(c);
      if (m) {
        const k = m[1]!;
        const v = unq(m[2]!);
        return (d) => String(d[k] ?? '').toLowerCase() === v.toLowerCase();
      }
      m = /^(receivedDateTime|lastModifiedDateTime|sentDateTime) (ge|gt|lt|le) (\S+)$/i.exec(c);
      if (m) {
        const k = m[1]!;
        const t = Date.parse(m[3]!.replace(/^'|'$/g, ''));
        if (Number.isNaN(t)) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${c}`);
        const op = m[2]!.toLowerCase();
        return (d) => {
          const x = Date.parse(String(d[k] ?? ''));
          return op === 'ge' ? x >= t : op === 'gt' ? x > t : op === 'lt' ? x < t : x <= t;
        };
      }
      throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${c}`);
    }),
  );
  return (d, e) => ors.some((ands) => ands.every((p) => p(d, e)));
}

/** `$expand=singleValueExtendedProperties($filter=id eq 'a' or id eq 'b')` → ['a','b']; bare → 'all'. */
export function parseExpand(x: string | null): string[] | 'all' | null {
  if (!x) return null;
  const m = /^singleValueExtendedProperties(?:\(\$filter=(.*)\))?$/i.exec(x.trim());
  if (!m) throw new GraphError(400, 'BadRequest', `Parsing OData Select and Expand failed: ${x}`);
  if (!m[1]) return 'all';
  return splitTop(m[1], 'or').map((c) => {
    const mm = /^id eq '((?:[^']|'')*)'$/i.exec(c.trim());
    if (!mm) throw new GraphError(400, 'BadRequest', `Invalid $expand filter: ${c}`);
    return unq(mm[1]!);
  });
}

function preferTz(h: Record<string, string>): string {
  const m = /outlook\.timezone="([^"]+)"/i.exec(h.prefer ?? '');
  return m ? m[1]! : 'UTC';
}

function maxPageSize(h: Record<string, string>, dflt: number): number {
  const m = /odata\.maxpagesize=(\d+)/i.exec(h.prefer ?? '');
  return m ? Math.max(1, Math.min(1000, Number(m[1]))) : dflt;
}

function err(status: number, code: string, message: string, headers: Record<string, string> = {}): Resp {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': randomUUID(),
          'client-request-id': randomUUID(),
        },
      },
    },
  };
}

interface DeltaToken {
  scope: string;
  /** watermark: changes up to this sequence number belong to this round */
  w: number;
  /** previous round's watermark (-1 = initial round) */
  prev: number;
  /** last id sent in this round (skip tokens only) */
  after?: string;
  epoch: number;
  params: Record<string, string>;
}

export class GraphServer {
  readonly log: LogEntry[] = [];
  inFlight = 0;
  maxInFlight = 0;
  latencyMs: number;
  accessTtlSec: number;
  private faults: (FaultSpec & { left: number })[] = [];
  private tokens = new Map<string, TokenInfo>();
  private codes = new Map<string, CodeInfo>();
  private httpServer: http.Server;
  private httpsServer: https.Server;
  port = 0;
  /** The https listener of the identity endpoints (MSAL requires https authorities). */
  tlsPort = 0;

  constructor(private readonly o: ServerOptions) {
    this.latencyMs = o.latencyMs ?? 0;
    this.accessTtlSec = o.accessTtlSec ?? 3600;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      void this.handle(req, res).catch((e) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'generalException', message: String(e) } }));
      });
    };
    this.httpServer = http.createServer({ keepAliveTimeout: 5000 }, handler);
    this.httpsServer = https.createServer({ cert: TLS_CERT, key: TLS_KEY }, handler);
  }

  async listen(port: number, tlsPort = 0): Promise<number> {
    const on = (srv: net.Server, p: number) =>
      new Promise<number>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(p, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port));
      });
    this.port = await on(this.httpServer, port);
    this.tlsPort = await on(this.httpsServer, tlsPort);
    return this.port;
  }

  async close(): Promise<void> {
    this.httpServer.closeAllConnections();
    this.httpsServer.closeAllConnections();
    await Promise.all([
      new Promise<void>((r) => this.httpServer.close(() => r())),
      new Promise<void>((r) => this.httpsServer.close(() => r())),
    ]);
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}/v1.0`;
  }

  /** Graph over https on the identity port (Microsoft's SDKs send a token over https only). */
  get httpsBase(): string {
    return `https://127.0.0.1:${this.tlsPort}/v1.0`;
  }

  get authority(): string {
    return `https://127.0.0.1:${this.tlsPort}`;
  }

  // ---- tokens -----------------------------------------------------------------------------------------------

  issueToken(ttlSec: number, kind: 'access' | 'refresh' = 'access', scope = ''): string {
    const t =
      kind === 'access'
        ? `eyJ0eXAiOiJKV1QiLCJub25jZSI6ImVtdSJ9.${b64url(JSON.stringify({ aud: '00000003-0000-0000-c000-000000000000', tid: this.o.tenantId, n: randomBytes(8).toString('hex') }))}.${randomBytes(24).toString('base64url')}`
        : `0.ARwA${randomBytes(48).toString('base64url')}`;
    this.tokens.set(t, { exp: Date.now() + ttlSec * 1000, kind, scope });
    return t;
  }

  /** What the identity side knows of a token (for another emulator standing in for a resource it signs for). */
  tokenInfo(token: string): { kind: 'access' | 'refresh'; scope: string; expired: boolean } | undefined {
    const t = this.tokens.get(token);
    return t ? { kind: t.kind, scope: t.scope, expired: t.exp <= Date.now() || !!t.revoked } : undefined;
  }

  revokeGrants(): void {
    for (const t of this.tokens.values()) if (t.kind === 'refresh') t.revoked = true;
  }

  expireAccessTokens(): void {
    for (const t of this.tokens.values()) if (t.kind === 'access') t.exp = 0;
  }

  inject(f: FaultSpec): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  private takeFault(method: string, p: string, inBatch: boolean): FaultSpec | null {
    for (const f of this.faults) {
      if (f.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path && !(typeof f.path === 'string' ? p.includes(f.path) : f.path.test(p))) continue;
      const scope = f.scope ?? 'any';
      if ((scope === 'top' && inBatch) || (scope === 'batch' && !inBatch)) continue;
      f.left--;
      return f;
    }
    return null;
  }

  private faultResp(f: FaultSpec & { status: number }): Resp {
    const h: Record<string, string> = {};
    const ra = f.retryAfterSec === undefined ? (f.status === 429 ? 1 : undefined) : f.retryAfterSec;
    if (ra !== undefined && ra !== null) h['retry-after'] = String(ra);
    const code =
      f.code ??
      (f.status === 429
        ? 'ApplicationThrottled'
        : f.status === 503
          ? 'ServiceUnavailable'
          : f.status === 504
            ? 'GatewayTimeout'
            : f.status === 502
              ? 'BadGateway'
              : f.status === 410
                ? 'SyncStateNotFound'
                : f.status === 401
                  ? 'InvalidAuthenticationToken'
                  : f.status === 403
                    ? 'ErrorAccessDenied'
                    : 'generalException');
    return err(
      f.status,
      code,
      f.message ??
        (f.status === 429 ? 'Application is over its MailboxConcurrency limit.' : 'Injected fault'),
      h,
    );
  }

  /**
   * The answer to one request under a fault (or none): a fault with a status answers it instead of the request
   * (after running it with `afterProcessing`); `reset` and `delayMs` are left to the connection via `fx`.
   */
  private underFault(f: FaultSpec | null, fx: Effects, run: () => Resp): Resp {
    if (!f) return run();
    if (f.delayMs) fx.delayMs = Math.max(fx.delayMs, f.delayMs);
    const done = f.afterProcessing || (f.status === undefined && !f.reset) ? run() : undefined;
    if (f.reset) {
      fx.reset = true;
      return done ?? err(500, 'generalException', 'connection reset');
    }
    if (f.status !== undefined) return this.faultResp({ ...f, status: f.status });
    return done!;
  }

  /** The faults still armed (for the control endpoint). */
  activeFaults(): object[] {
    return this.faults
      .filter((f) => f.left > 0)
      .map(({ path, ...f }) => (path instanceof RegExp ? { ...f, pathRegex: path.source } : { ...f, path }));
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      const url = new URL(req.url ?? '/', 'http://x');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
      const encrypted = (req.socket as tls.TLSSocket).encrypted === true;
      const local = req.socket.localPort ?? (encrypted ? this.tlsPort : this.port);
      // links name the scheme, host and port the client used (Host header), like Graph behind its front door
      const base = `${encrypted ? 'https' : 'http'}://${headers.host || `127.0.0.1:${local}`}/v1.0`;
      const fx: Effects = { delayMs: 0, reset: false };
      let r: Resp;
      const graph = url.pathname.startsWith('/v1.0/');
      if (url.pathname === '/_control' || url.pathname.startsWith('/_control/')) {
        r = this.control(req, url, raw);
      } else if (!graph) {
        r = this.identity(req.method ?? 'GET', url, raw.toString('utf8'));
      } else {
        r = this.graphTop(req.method ?? 'GET', url, headers, raw, base, fx);
      }
      this.log.push({
        method: req.method ?? 'GET',
        path: url.pathname.replace(/^\/v1\.0/, ''),
        status: fx.reset ? 0 : r.status,
        ms: Date.now() - started,
        inBatch: false,
        at: started,
      });
      if (fx.delayMs) await new Promise((x) => setTimeout(x, fx.delayMs));
      if (fx.reset) {
        try {
          req.socket.resetAndDestroy(); // TCP RST, as a dropped proxy connection looks to the client
        } catch {
          req.socket.destroy();
        }
        return;
      }
      const body =
        r.body === undefined
          ? undefined
          : Buffer.isBuffer(r.body)
            ? r.body
            : Buffer.from(JSON.stringify(r.body));
      const h = { ...r.headers };
      if (body && !h['content-type']) h['content-type'] = 'application/json; odata.metadata=minimal';
      if (graph) {
        // every Graph answer carries its request-id and echoes the client's client-request-id (GUIDs)
        const requestId = randomUUID();
        const clientRequestId = headers['client-request-id'] || randomUUID();
        h['request-id'] = requestId;
        h['client-request-id'] = clientRequestId;
        const inner = (r.body as { error?: { innerError?: Record<string, string> } } | undefined)?.error
          ?.innerError;
        if (inner) {
          inner['request-id'] = requestId;
          inner['client-request-id'] = clientRequestId;
        }
        const b2 = inner ? Buffer.from(JSON.stringify(r.body)) : body;
        if (!res.destroyed) {
          res.writeHead(r.status, h);
          res.end(b2);
        }
        return;
      }
      if (!res.destroyed) {
        res.writeHead(r.status, h);
        res.end(body);
      }
    } finally {
      this.inFlight--;
    }
  }

  /**
   * `/_control/faults` — fault injection for testers outside the test suite (loopback only; not part of Graph):
   * `GET` lists the armed faults, `POST` arms one (or an array of) FaultSpec as JSON (`path` a substring, or
   * `pathRegex` a regular expression), `DELETE` disarms them all. See docs/graph.md.
   */
  private control(req: http.IncomingMessage, url: URL, raw: Buffer): Resp {
    const json = (status: number, body: unknown): Resp => ({
      status,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const ra = req.socket.remoteAddress ?? '';
    if (!/^(127\.|::1$|::ffff:127\.)/.test(ra))
      return json(403, {
        error: { code: 'Forbidden', message: 'the control endpoint answers loopback only' },
      });
    if (url.pathname !== '/_control/faults')
      return json(404, { error: { code: 'NotFound', message: `no control endpoint ${url.pathname}` } });
    if (req.method === 'GET') return json(200, { faults: this.activeFaults() });
    if (req.method === 'DELETE') {
      this.clearFaults();
      return json(200, { faults: [] });
    }
    if (req.method !== 'POST')
      return json(405, { error: { code: 'MethodNotAllowed', message: `${req.method} is not supported` } });
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return json(400, { error: { code: 'BadRequest', message: 'the body is not JSON' } });
    }
    const list = Array.isArray(body) ? body : [body];
    const specs: FaultSpec[] = [];
    for (const x of list) {
      const r = parseFaultSpec(x);
      if (typeof r === 'string') return json(400, { error: { code: 'BadRequest', message: r } });
      specs.push(r);
    }
    for (const f of specs) this.inject(f);
    return json(201, { faults: this.activeFaults() });
  }

  private bearerCheck(headers: Record<string, string>): Resp | null {
    const m = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    const wa = {
      'www-authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    };
    if (!m) return err(401, 'InvalidAuthenticationToken', 'Access token is empty.', wa);
    const t = this.tokens.get(m[1]!);
    if (t?.kind !== 'access')
      return err(401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed.', wa);
    if (t.exp <= Date.now())
      return err(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', wa);
    return null;
  }

  private graphTop(
    method: string,
    url: URL,
    headers: Record<string, string>,
    raw: Buffer,
    base: string,
    fx: Effects,
  ): Resp {
    const denied = this.bearerCheck(headers);
    if (denied) return denied;
    const p = url.pathname.slice('/v1.0'.length);
    const f = this.takeFault(method, p, false);
    return this.underFault(f, fx, () => {
      let body: unknown;
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return err(400, 'BadRequest', 'Unable to read JSON request payload.');
        }
      }
      if (p === '/$batch' && method === 'POST') return this.batch(body, headers, base, fx);
      return this.dispatch({
        method,
        path: normalise(p),
        query: url.searchParams,
        headers,
        body,
        inBatch: false,
        base,
      });
    });
  }

  private batch(body: unknown, headers: Record<string, string>, base: string, fx: Effects): Resp {
    const reqs = (body as { requests?: unknown })?.requests;
    if (!Array.isArray(reqs)) return err(400, 'BadRequest', 'Invalid batch payload format.');
    if (reqs.length > 20)
      return err(400, 'BadRequest', 'Number of requests in a batch exceeds the maximum of 20.');
    const ids = new Set<string>();
    for (const r of reqs as { id?: unknown; method?: unknown; url?: unknown }[]) {
      if (typeof r?.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string')
        return err(400, 'BadRequest', 'Each batch request needs id, method and url.');
      if (ids.has(r.id)) return err(400, 'BadRequest', `Duplicate request id ${r.id}.`);
      ids.add(r.id);
      // https://learn.microsoft.com/graph/json-batching: "headers — optional, but required when body is
      // specified"; a request with a body and no Content-Type fails the whole batch with 400
      const x = r as { headers?: unknown; body?: unknown };
      if (x.body !== undefined) {
        const h = x.headers && typeof x.headers === 'object' ? (x.headers as Record<string, unknown>) : {};
        const ct = Object.entries(h).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
        if (typeof ct !== 'string' || !ct.trim())
          return err(
            400,
            'BadRequest',
            `Write request id : ${r.id} does not contain Content-Type header or body.`,
          );
      }
    }
    const results = new Map<string, Resp>();
    const list = reqs as {
      id: string;
      method: string;
      url: string;
      headers?: Record<string, string>;
      body?: unknown;
      dependsOn?: string[];
    }[];
    const run = (r: (typeof list)[number]): Resp => {
      const done = results.get(r.id);
      if (done) return done;
      for (const d of r.dependsOn ?? []) {
        const dep = list.find((x) => x.id === d);
        if (!dep) return err(400, 'BadRequest', `dependsOn refers to unknown id ${d}`);
        const dr = run(dep);
        if (dr.status >= 400) return err(424, 'FailedDependency', 'Failed dependency');
      }
      const started = Date.now();
      const u = new URL(r.url.startsWith('/') ? r.url : `/${r.url}`, 'http://x');
      const sub: Record<string, string> = { prefer: headers.prefer ?? '' };
      for (const [k, v] of Object.entries(r.headers ?? {})) sub[k.toLowerCase()] = v;
      const f = this.takeFault(r.method.toUpperCase(), u.pathname, true);
      const resp = this.underFault(f, fx, () =>
        this.dispatch({
          method: r.method.toUpperCase(),
          path: normalise(u.pathname),
          query: u.searchParams,
          headers: sub,
          body: r.body,
          inBatch: true,
          base,
        }),
      );
      this.log.push({
        method: r.method.toUpperCase(),
        path: u.pathname,
        status: resp.status,
        ms: Date.now() - started,
        inBatch: true,
        at: started,
      });
      results.set(r.id, resp);
      return resp;
    };
    const responses = list.map((r) => {
      const x = run(r);
      return {
        id: r.id,
        status: x.status,
        headers: batchHeaders(x),
        body: Buffer.isBuffer(x.body) ? x.body.toString('base64') : x.body,
      };
    });
    // Graph does not promise any order: answer in reverse to keep clients honest.
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { responses: responses.reverse() },
    };
  }

  private dispatch(r: Req): Resp {
    let out: Resp;
    try {
      out = this.route(r);
    } catch (e) {
      if (e instanceof GraphError) out = err(e.status, e.code, e.message, e.headers);
      else throw e;
    }
    // An id that cannot be an Exchange id at all is refused as malformed, not as missing (Exchange decodes the
    // id before it looks anything up; https://learn.microsoft.com/graph/errors lists ErrorInvalidIdMalformed)
    if (
      out.status === 404 &&
      (out.body as { error?: { code?: string } })?.error?.code === 'ErrorItemNotFound'
    ) {
      let segs: string[];
      try {
        segs = r.path.split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        segs = ['%'];
      }
      if (segs.some((x) => !isIdOrWord(x))) return err(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
    }
    return out;
  }

  // ---- routing ---------------------------------------------------------------------------------------------

  private route(r: Req): Resp {
    const s = this.o.store;
    const tz = preferTz(r.headers);
    const P = r.path;
    const M = r.method;
    const seg = P.split('/').filter(Boolean).map(decodeURIComponent);
    const ctx = `${r.base}/$metadata#users('${s.user.id}')`;
    if (seg[0] !== 'me')
      return err(400, 'BadRequest', `Resource not found for the segment '${seg[0] ?? ''}'.`);
    const n = seg.length;
    const ok = (body: unknown, status = 200): Resp => ({
      status,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const expand = () => parseExpand(r.query.get('$expand'));

    if (n === 1 && M === 'GET')
      return ok({
        '@odata.context': `${r.base}/$metadata#users/$entity`,
        businessPhones: [],
        displayName: s.user.displayName,
        givenName: s.user.displayName.split(' ')[0],
        jobTitle: null,
        mail: s.user.mail,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: 'cs-CZ',
        surname: s.user.displayName.split(' ').slice(1).join(' '),
        userPrincipalName: s.user.userPrincipalName,
        id: s.user.id,
      });
    if (n === 3 && seg[1] === 'mailboxSettings' && seg[2] === 'timeZone' && M === 'GET')
      return ok({ '@odata.context': `${ctx}/mailboxSettings/timeZone`, value: s.user.mailboxTimeZone });

    // -- contact folders & contacts
    if (seg[1] === 'contactFolders') {
      if (n === 2 && M === 'GET') {
        const filter = r.query.get('$filter');
        const pred = filter ? parseFilter(filter) : () => true;
        const all = [...s.contactFolders.values()]
          .filter((f) => pred({ displayName: f.displayName }, new Map()))
          .map((f) => ({
            id: f.id,
            displayName: f.displayName,
            parentFolderId: f.parentFolderId || s.msgRootId,
          }));
        return this.pageList(r, `${ctx}/contactFolders`, all, 10);
      }
      if (n === 2 && M === 'POST') {
        const name = (r.body as { displayName?: unknown })?.displayName;
        if (typeof name !== 'string' || !name.trim())
          return err(400, 'ErrorInvalidRequest', 'displayName is required');
        const f = s.addContactFolder(name, '');
        return ok(
          {
            '@odata.context': `${ctx}/contactFolders/$entity`,
            id: f.id,
            displayName: f.displayName,
            parentFolderId: s.msgRootId,
          },
          201,
        );
      }
      const folder = s.contactFolders.get(seg[2] ?? '');
      if (!folder) return err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (n === 3 && M === 'GET')
        return ok({
          '@odata.context': `${ctx}/contactFolders/$entity`,
          id: folder.id,
          displayName: folder.displayName,
          parentFolderId: s.msgRootId,
        });
      if (seg[3] === 'contacts') {
        if (n === 5 && seg[4] === 'delta' && M === 'GET')
          return this.delta(r, folder.id, `${ctx}/contactFolders('${folder.id}')/contacts/$delta`, () =>
            this.entitiesIn('contact', folder.id).map((e) => ({
              id: e.id,
              seq: e.seq,
              doc: () => this.out(e, tz, r, expand()),
            })),
          );
        if (n === 4 && M === 'GET')
          return this.listEntities(
            r,
            'contact',
            folder.id,
            `${ctx}/contactFolders('${folder.id}')/contacts`,
            tz,
          );
        if (n === 4 && M === 'POST') {
          const e = s.create('contact', folder.id, validateDoc(r.body));
          return ok(
            {
              '@odata.context': `${ctx}/contactFolders('${folder.id}')/contacts/$entity`,
              ...this.out(e, tz, r, 'all'),
            },
            201,
          );
        }
        if (n === 5) return this.itemOps(r, 'contact', seg[4]!, `${ctx}/contacts/$entity`, tz);
      }
    }
    if (seg[1] === 'contacts' && n === 3)
      return this.itemOps(r, 'contact', seg[2]!, `${ctx}/contacts/$entity`, tz);

    // -- calendar & events
    if (seg[1] === 'calendar' && n === 2 && M === 'GET')
      return ok({
        '@odata.context': `${ctx}/calendar/$entity`,
        id: s.calendarId,
        name: 'Calendar',
        color: 'auto',
        isDefaultCalendar: true,
        canEdit: true,
        owner: { name: s.user.displayName, address: s.user.mail },
      });
    if (seg[1] === 'calendarView' && n === 2 && M === 'GET') {
      const a = Date.parse(r.query.get('startDateTime') ?? '');
      const b = Date.parse(r.query.get('endDateTime') ?? '');
      if (Number.isNaN(a) || Number.isNaN(b))
        return err(
          400,
          'ErrorInvalidParameter',
          'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
        );
      const sel = r.query.get('$select');
      const list = s
        .calendarView(a, b)
        .sort((x, y) => x.startMs - y.startMs)
        .map((i) => {
          const d = s.renderInstance(i, tz);
          if (!sel) return d;
          const keep: Doc = { '@odata.etag': d['@odata.etag'], id: d.id };
          for (const k of sel.split(',')) if (k.trim() in d) keep[k.trim()] = d[k.trim()];
          return keep;
        });
      return this.pageList(r, `${ctx}/calendarView`, list, 10);
    }
    if (seg[1] === 'calendarView' && n === 3 && seg[2] === 'delta' && M === 'GET') {
      const fresh = !r.query.get('$skiptoken') && !r.query.get('$deltatoken');
      if (fresh) {
        for (const q of ['$select', '$expand', '$filter', '$orderby', '$search'])
          if (r.query.has(q))
            return err(
              400,
              'ErrorInvalidUrlQuery',
              `The query parameter '${q}' is not supported with change tracking over the 'CalendarView' resource.`,
            );
        const a = r.query.get('startDateTime');
        const b = r.query.get('endDateTime');
        if (!a || !b || Number.isNaN(Date.parse(a)) || Number.isNaN(Date.parse(b)))
          return err(
            400,
            'ErrorInvalidParameter',
            'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
          );
      }
      return this.delta(
        r,
        'calendar',
        `${ctx}/calendarView/$delta`,
        (params) => {
          const from = Date.parse(params.startDateTime ?? '');
          const to = Date.parse(params.endDateTime ?? '');
          return s
            .calendarView(from, to)
            .map((i) => ({ id: i.id, seq: i.seq, doc: () => s.renderInstance(i, tz) }));
        },
        ['startDateTime', 'endDateTime'],
        (params, prev) => {
          // singles changed since the last round that are now outside the window: removed (reason "changed")
          const from = Date.parse(params.startDateTime ?? '');
          const to = Date.parse(params.endDateTime ?? '');
          const out: { id: string; seq: number }[] = [];
          for (const e of s.items.values()) {
            if (e.kind !== 'event' || e.doc.recurrence || e.seq <= prev) continue;
            const b = s.bounds(e.doc);
            if (!(b.startMs < to && b.endMs > from)) out.push({ id: e.id, seq: e.seq });
          }
          return out;
        },
      );
    }
    if (seg[1] === 'events' || (seg[1] === 'calendar' && seg[2] === 'events')) {
      const rest = seg[1] === 'events' ? seg.slice(2) : seg.slice(3);
      if (rest.length === 0 && M === 'GET') {
        const filter = r.query.get('$filter');
        const pred = filter ? parseFilter(filter) : () => true;
        const list = [...s.items.values()].filter((e) => e.kind === 'event' && pred(e.doc, e.ext));
        return this.pageList(
          r,
          `${ctx}/events`,
          list.map((e) => this.out(e, tz, r, expand())),
          10,
        );
      }
      if (rest.length === 0 && M === 'POST') {
        const e = s.create('event', 'calendar', validateDoc(r.body));
        return ok({ '@odata.context': `${ctx}/events/$entity`, ...this.out(e, tz, r, 'all') }, 201);
      }
      if (rest.length === 2 && rest[1] === 'instances' && M === 'GET') {
        const m = s.get(rest[0]!, 'event');
        if (!m) return err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        const a = Date.parse(r.query.get('startDateTime') ?? '');
        const b = Date.parse(r.query.get('endDateTime') ?? '');
        if (Number.isNaN(a) || Number.isNaN(b))
          return err(
            400,
            'ErrorInvalidParameter',
            'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
          );
        const inst = m.doc.recurrence ? s.seriesInstances(m, b) : [s.findInstance(m.id)!];
        const w = inst.filter((i) => i.startMs < b && i.endMs > a);
        return this.pageList(
          r,
          `${ctx}/events('${m.id}')/instances`,
          w.map((i) => this.outInstance(i, tz, r, expand())),
          10,
        );
      }
      if (rest.length === 1) return this.itemOps(r, 'event', rest[0]!, `${ctx}/events/$entity`, tz);
    }

    // -- To Do
    if (seg[1] === 'todo' && seg[2] === 'lists') {
      if (n === 3 && M === 'GET') {
        const filter = r.query.get('$filter');
        const pred = filter ? parseFilter(filter) : () => true;
        const all = [...s.todoLists.values()]
          .filter((l) => pred(l as unknown as Doc, new Map()))
          .map((l) => ({ '@odata.etag': `W/"${b64url(l.id).slice(0, 16)}"`, ...l }));
        return this.pageList(r, `${ctx}/todo/lists`, all, 10);
      }
      if (n === 3 && M === 'POST') {
        const name = (r.body as { displayName?: unknown })?.displayName;
        if (typeof name !== 'string' || !name.trim())
          return err(400, 'invalidRequest', 'displayName is required');
        const l = s.addTodoList(name);
        return ok(
          {
            '@odata.context': `${ctx}/todo/lists/$entity`,
            '@odata.etag': `W/"${b64url(l.id).slice(0, 16)}"`,
            ...l,
          },
          201,
        );
      }
      const list = s.todoLists.get(seg[3] ?? '');
      if (!list) return err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (n === 4 && M === 'GET') return ok({ '@odata.context': `${ctx}/todo/lists/$entity`, ...list });
      if (seg[4] === 'tasks') {
        if (n === 6 && seg[5] === 'delta' && M === 'GET')
          return this.delta(r, list.id, `${ctx}/todo/lists('${list.id}')/tasks/$delta`, () =>
            this.entitiesIn('task', list.id).map((e) => ({
              id: e.id,
              seq: e.seq,
              doc: () => this.out(e, tz, r, expand()),
            })),
          );
        if (n === 5 && M === 'GET')
          return this.listEntities(r, 'task', list.id, `${ctx}/todo/lists('${list.id}')/tasks`, tz);
        if (n === 5 && M === 'POST') {
          const doc = validateDoc(r.body);
          if (typeof doc.title !== 'string') return err(400, 'invalidRequest', 'title is required');
          const e = s.create('task', list.id, normTask(doc));
          return ok(
            {
              '@odata.context': `${ctx}/todo/lists('${list.id}')/tasks/$entity`,
              ...this.out(e, tz, r, 'all'),
            },
            201,
          );
        }
        if (n === 6) {
          const e = s.get(seg[5]!, 'task');
          if (!e || e.scope !== list.id)
            return err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
          if (M === 'PATCH') r.body = normTask(validateDoc(r.body), e.doc);
          return this.itemOps(r, 'task', seg[5]!, `${ctx}/todo/lists('${list.id}')/tasks/$entity`, tz);
        }
      }
    }

    // -- mail
    if (seg[1] === 'mailFolders') {
      if (n === 2 && M === 'GET')
        return this.pageList(r, `${ctx}/mailFolders`, this.mailFolderList(s.msgRootId), 10);
      const folder = s.mailFolder(seg[2] ?? '');
      if (n === 3 && M === 'GET')
        return ok({ '@odata.context': `${ctx}/mailFolders/$entity`, ...this.mailFolderDoc(folder.id) });
      if (n === 4 && seg[3] === 'childFolders' && M === 'GET')
        return this.pageList(
          r,
          `${ctx}/mailFolders('${folder.id}')/childFolders`,
          this.mailFolderList(folder.id),
          10,
        );
      if (n === 4 && seg[3] === 'childFolders' && M === 'POST') {
        const name = (r.body as { displayName?: unknown })?.displayName;
        if (typeof name !== 'string' || !name.trim())
          return err(400, 'ErrorInvalidRequest', 'displayName is required');
        const f = s.addMailFolder(name, folder.id);
        return ok({ '@odata.context': `${ctx}/mailFolders/$entity`, ...this.mailFolderDoc(f.id) }, 201);
      }
      if (seg[3] === 'messages') {
        if (n === 5 && seg[4] === 'delta' && M === 'GET') {
          return this.delta(
            r,
            folder.id,
            `${ctx}/mailFolders('${folder.id}')/messages/$delta`,
            (params) => {
              const pred = params.$filter ? parseFilter(params.$filter) : () => true;
              return this.entitiesIn('message', folder.id)
                .filter((e) => pred(this.out(e, tz, r, null, true), e.ext))
                .map((e) => ({ id: e.id, seq: e.seq, doc: () => this.out(e, tz, r, expand()) }));
            },
            ['$filter'],
          );
        }
        if (n === 4 && M === 'GET')
          return this.listEntities(
            r,
            'message',
            folder.id,
            `${ctx}/mailFolders('${folder.id}')/messages`,
            tz,
          );
      }
    }
    if (seg[1] === 'messages' && n >= 3) {
      const e = s.get(seg[2]!, 'message');
      if (!e) return err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (n === 4 && seg[3] === '$value' && M === 'GET')
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: e.mime ?? Buffer.alloc(0) };
      if (n === 3) return this.itemOps(r, 'message', seg[2]!, `${ctx}/messages/$entity`, tz);
    }
    return err(400, 'BadRequest', `Resource not found for the segment '${seg.slice(1).join('/')}'.`);
  }

  private mailFolderDoc(id: string): Doc {
    const s = this.o.store;
    const f = s.mailFolders.get(id)!;
    const children = [...s.mailFolders.values()].filter((x) => x.parentFolderId === id).length;
    const msgs = [...s.items.values()].filter((e) => e.kind === 'message' && e.scope === id);
    return {
      id: f.id,
      displayName: f.displayName,
      parentFolderId: f.parentFolderId,
      childFolderCount: children,
      unreadItemCount: msgs.filter((m) => m.doc.isRead !== true).length,
      totalItemCount: msgs.length,
      isHidden: false,
    };
  }

  private mailFolderList(parent: string): Doc[] {
    return [...this.o.store.mailFolders.values()]
      .filter((f) => f.parentFolderId === parent)
      .map((f) => this.mailFolderDoc(f.id));
  }

  private entitiesIn(kind: Entity['kind'], scope: string): Entity[] {
    return [...this.o.store.items.values()].filter((e) => e.kind === kind && e.scope === scope);
  }

  /** Entity JSON with $select / $expand applied. */
  private out(e: Entity, tz: string, r: Req, ext: string[] | 'all' | null, noSelect = false): Doc {
    const s = this.o.store;
    let doc = s.renderEntity(e, tz);
    if (e.kind === 'task') doc = taskTimes(doc, tz);
    const selectRaw = noSelect ? null : r.query.get('$select');
    const select = selectRaw
      ? selectRaw
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : null;
    if (e.kind === 'message' && !select?.includes('internetMessageHeaders'))
      delete doc.internetMessageHeaders;
    if (select) {
      const keep: Doc = { '@odata.etag': doc['@odata.etag'], id: doc.id };
      for (const k of select) if (k in doc) keep[k] = doc[k];
      doc = keep;
    }
    if (
      e.kind === 'message' &&
      r.headers.prefer &&
      /outlook\.body-content-type="text"/i.test(r.headers.prefer) &&
      doc.body
    ) {
      const b = doc.body as { contentType?: string; content?: string };
      if (b.contentType === 'html')
        doc.body = {
          contentType: 'text',
          content: String(b.content ?? '')
            .replace(/<[^>]+>/g, '')
            .replace(/&nbsp;/g, ' '),
        };
    }
    const x = s.renderExt(e.ext, ext);
    if (x) doc.singleValueExtendedProperties = x;
    return doc;
  }

  private outInstance(i: Instance, tz: string, r: Req, ext: string[] | 'all' | null): Doc {
    const s = this.o.store;
    const doc = s.renderInstance(i, tz);
    const x = s.renderExt(i.exception?.ext ?? i.master.ext, ext);
    if (x) doc.singleValueExtendedProperties = x;
    void r;
    return doc;
  }

  private listEntities(r: Req, kind: Entity['kind'], scope: string, context: string, tz: string): Resp {
    const filter = r.query.get('$filter');
    const pred = filter ? parseFilter(filter) : () => true;
    const ext = parseExpand(r.query.get('$expand'));
    const list = this.entitiesIn(kind, scope).filter((e) => pred(this.out(e, tz, r, null, true), e.ext));
    return this.pageList(
      r,
      context,
      list.map((e) => this.out(e, tz, r, ext)),
      10,
    );
  }

  /** A plain (non-delta) collection with $top/$skip paging and @odata.nextLink. */
  private pageList(r: Req, context: string, all: Doc[], dflt: number): Resp {
    const top = Math.min(1000, Number(r.query.get('$top') ?? maxPageSize(r.headers, dflt)) || dflt);
    const skip = Number(r.query.get('$skip') ?? 0) || 0;
    const page = all.slice(skip, skip + top);
    const body: Doc = { '@odata.context': context, value: page };
    if (skip + top < all.length) {
      const q = new URLSearchParams(r.query);
      q.set('$top', String(top));
      q.set('$skip', String(skip + top));
      body['@odata.nextLink'] = `${r.base}${r.path}?${q.toString().replace(/\+/g, '%20')}`;
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  }

  private itemOps(r: Req, kind: Entity['kind'], id: string, context: string, tz: string): Resp {
    const s = this.o.store;
    const ifMatch = r.headers['if-match'];
    if (r.method === 'GET') {
      if (kind === 'event') {
        const i = s.findInstance(id);
        if (!i) return err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        let doc = this.outInstance(i, tz, r, parseExpand(r.query.get('$expand')));
        const sel = r.query.get('$select');
        if (sel) {
          const keep: Doc = { '@odata.etag': doc['@odata.etag'], id: doc.id };
          for (const k of sel.split(',')) if (k.trim() in doc) keep[k.trim()] = doc[k.trim()];
          if (doc.singleValueExtendedProperties)
            keep.singleValueExtendedProperties = doc.singleValueExtendedProperties;
          doc = keep;
        }
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { '@odata.context': context, ...doc },
        };
      }
      const e = s.get(id, kind);
      if (!e) return err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { '@odata.context': context, ...this.out(e, tz, r, parseExpand(r.query.get('$expand'))) },
      };
    }
    if (r.method === 'PATCH') {
      if (kind === 'message')
        return err(405, 'ErrorInvalidRequest', 'The emulator keeps messages read-only.');
      const e = s.update(id, kind, validateDoc(r.body), ifMatch);
      const doc =
        kind === 'event' ? this.outInstance(s.findInstance(id)!, tz, r, 'all') : this.out(e, tz, r, 'all');
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { '@odata.context': context, ...doc },
      };
    }
    if (r.method === 'DELETE') {
      if (ifMatch && kind !== 'event') {
        const e = s.get(id, kind);
        if (e && ifMatch.replace(/^W\//, '').replace(/"/g, '') !== e.changeKey)
          return err(
            412,
            'ErrorIrresolvableConflict',
            'The change key passed in the request does not match the current change key for the item.',
          );
      }
      s.remove(id, kind);
      return { status: 204, headers: {} };
    }
    return err(405, 'ErrorInvalidRequest', `${r.method} is not supported here`);
  }

  // ---- delta -----------------------------------------------------------------------------------------------

  private delta(
    r: Req,
    scope: string,
    context: string,
    items: (params: Record<string, string>) => { id: string; seq: number; doc: () => Doc }[],
    paramNames: string[] = [],
    extraRemoved?: (params: Record<string, string>, prev: number) => { id: string; seq: number }[],
  ): Resp {
    const s = this.o.store;
    const skip = r.query.get('$skiptoken');
    const dtok = r.query.get('$deltatoken');
    let t: DeltaToken;
    if (skip || dtok) {
      try {
        t = JSON.parse(Buffer.from((skip ?? dtok)!, 'base64url').toString('utf8')) as DeltaToken;
      } catch {
        return err(400, 'BadRequest', 'The delta token is malformed.');
      }
      if (t.scope !== scope) return err(400, 'BadRequest', 'The delta token belongs to another resource.');
      if (t.epoch !== s.epoch(scope))
        return err(
          410,
          'SyncStateNotFound',
          'The sync state generation is not found. Please do a full resync.',
        );
      if (dtok) t = { ...t, prev: t.w, w: s.seq, after: undefined };
    } else {
      const params: Record<string, string> = {};
      for (const k of paramNames) {
        const v = r.query.get(k);
        if (v !== null) params[k] = v;
      }
      for (const k of ['$select', '$expand']) {
        const v = r.query.get(k);
        if (v !== null) params[k] = v;
      }
      t = { scope, w: s.seq, prev: -1, epoch: s.epoch(scope), params };
    }
    // the original query options travel inside the token: the item renderers see them on every page
    for (const [k, v] of Object.entries(t.params)) r.query.set(k, v);
    const pageSize = maxPageSize(r.headers, 100);
    const rows = new Map<
      string,
      { id: string; seq: number; doc?: () => Doc; removed?: 'deleted' | 'changed' }
    >();
    for (const it of items(t.params)) {
      if (it.seq > t.w || it.seq <= t.prev) continue;
      rows.set(it.id, it);
    }
    if (t.prev >= 0) {
      for (const tb of s.tombstones) {
        if (tb.scope !== scope || tb.seq <= t.prev || tb.seq > t.w) continue;
        const cur = rows.get(tb.id);
        if (!cur || cur.seq < tb.seq) rows.set(tb.id, { id: tb.id, seq: tb.seq, removed: tb.reason });
      }
      for (const x of extraRemoved?.(t.params, t.prev) ?? [])
        if (x.seq <= t.w && !rows.has(x.id)) rows.set(x.id, { ...x, removed: 'deleted' });
    }
    const sorted = [...rows.values()]
      .filter((x) => t.after === undefined || x.id > t.after)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const page = sorted.slice(0, pageSize);
    const value = page.map((x) =>
      x.removed ? { id: x.id, '@removed': { reason: x.removed } } : this.withQuery(x.doc!(), t.params),
    );
    const body: Doc = { '@odata.context': context, value };
    const basePath = `${r.base}${r.path}`;
    if (sorted.length > pageSize) {
      const next: DeltaToken = { ...t, after: page[page.length - 1]!.id };
      body['@odata.nextLink'] = `${basePath}?$skiptoken=${b64url(JSON.stringify(next))}`;
    } else {
      const fin: DeltaToken = { ...t, after: undefined };
      body['@odata.deltaLink'] = `${basePath}?$deltatoken=${b64url(JSON.stringify(fin))}`;
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'preference-applied': `odata.maxpagesize=${pageSize}` },
      body,
    };
  }

  /** Apply $select/$expand stored in a delta token to a rendered entity. */
  private withQuery(doc: Doc, params: Record<string, string>): Doc {
    const ext = doc.singleValueExtendedProperties;
    let out = doc;
    if (params.$select) {
      const keep: Doc = { '@odata.etag': doc['@odata.etag'], id: doc.id };
      for (const k of params.$select.split(',')) if (k.trim() in doc) keep[k.trim()] = doc[k.trim()];
      out = keep;
    }
    if (params.$expand) {
      const wanted = parseExpand(params.$expand);
      const e = this.o.store.items.get(String(doc.id));
      const x = e ? this.o.store.renderExt(e.ext, wanted) : (ext as unknown);
      if (x) out.singleValueExtendedProperties = x;
    } else delete out.singleValueExtendedProperties;
    return out;
  }

  // ---- identity platform (MSAL) ----------------------------------------------------------------------------

  private openid(tenant: string): Doc {
    const a = `${this.authority}/${tenant}`;
    return {
      token_endpoint: `${a}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${this.authority}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${this.authority}/${this.o.tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.base}/oidc/userinfo`,
      authorization_endpoint: `${a}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${a}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${a}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'oid',
      ],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: 'graph.microsoft.com',
    };
  }

  private identity(method: string, url: URL, body: string): Resp {
    const seg = url.pathname.split('/').filter(Boolean);
    const tenant = seg[0] ?? '';
    const json = (status: number, b: unknown): Resp => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: b,
    });
    const aadErr = (status: number, error: string, code: number, desc: string) =>
      json(status, {
        error,
        error_description: `AADSTS${code}: ${desc} Trace ID: ${randomBytes(16).toString('hex')} Correlation ID: ${randomBytes(16).toString('hex')} Timestamp: ${new Date().toISOString().slice(0, 19)}Z`,
        error_codes: [code],
        timestamp: new Date().toISOString().slice(0, 19).replace('T', ' ') + 'Z',
        trace_id: randomBytes(16).toString('hex'),
        correlation_id: randomBytes(16).toString('hex'),
      });
    const tenantOk = [this.o.tenantId, 'organizations', 'common'].includes(tenant);
    if (!tenantOk && seg.length > 1)
      return aadErr(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
    if (method === 'GET' && url.pathname.endsWith('/.well-known/openid-configuration'))
      return json(200, this.openid(tenant));
    if (method === 'GET' && url.pathname.endsWith('/discovery/instance'))
      return json(200, {
        tenant_discovery_endpoint: `${this.authority}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [
          {
            preferred_network: `127.0.0.1:${this.tlsPort}`,
            preferred_cache: `127.0.0.1:${this.tlsPort}`,
            aliases: [`127.0.0.1:${this.tlsPort}`],
          },
        ],
      });
    if (seg[1] === 'oauth2' && seg[2] === 'v2.0' && seg[3] === 'authorize' && method === 'GET') {
      const q = url.searchParams;
      if (q.get('client_id') !== this.o.clientId)
        return aadErr(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${q.get('client_id')}' was not found in the directory.`,
        );
      const redirect = q.get('redirect_uri') ?? '';
      let ru: URL;
      try {
        ru = new URL(redirect);
      } catch {
        return aadErr(
          400,
          'invalid_request',
          50011,
          'The redirect URI specified in the request does not match.',
        );
      }
      if (ru.protocol !== 'http:' || !['localhost', '127.0.0.1'].includes(ru.hostname))
        return aadErr(
          400,
          'invalid_request',
          50011,
          `The redirect URI '${redirect}' specified in the request does not match the redirect URIs configured for the application.`,
        );
      if (q.get('response_type') !== 'code')
        return aadErr(400, 'unsupported_response_type', 70005, 'response_type must be code.');
      const challenge = q.get('code_challenge');
      if (!challenge || q.get('code_challenge_method') !== 'S256')
        return aadErr(
          400,
          'invalid_request',
          9002325,
          'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
        );
      const code = `1.AXkA${randomBytes(32).toString('base64url')}`;
      this.codes.set(code, {
        challenge,
        method: 'S256',
        redirectUri: redirect,
        clientId: this.o.clientId,
        scope: q.get('scope') ?? '',
        nonce: q.get('nonce') ?? undefined,
        exp: Date.now() + 600_000,
      });
      const loc = new URL(redirect);
      loc.searchParams.set('code', code);
      if (q.get('state')) loc.searchParams.set('state', q.get('state')!);
      loc.searchParams.set('client_info', this.clientInfo());
      loc.searchParams.set('session_state', randomBytes(8).toString('hex'));
      return { status: 302, headers: { location: loc.toString() } };
    }
    if (seg[1] === 'oauth2' && seg[2] === 'v2.0' && seg[3] === 'token' && method === 'POST') {
      const f = new URLSearchParams(body);
      if (f.get('client_id') !== this.o.clientId)
        return aadErr(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${f.get('client_id')}' was not found in the directory.`,
        );
      const grant = f.get('grant_type');
      if (grant === 'authorization_code') {
        const c = this.codes.get(f.get('code') ?? '');
        if (!c || c.exp < Date.now())
          return aadErr(
            400,
            'invalid_grant',
            70008,
            'The provided authorization code or refresh token has expired due to inactivity.',
          );
        this.codes.delete(f.get('code')!);
        if (c.redirectUri !== f.get('redirect_uri'))
          return aadErr(
            400,
            'invalid_grant',
            50148,
            'The redirect_uri does not match the one used in the authorization request.',
          );
        const v = f.get('code_verifier') ?? '';
        if (createHash('sha256').update(v).digest('base64url') !== c.challenge)
          return aadErr(
            400,
            'invalid_grant',
            501481,
            'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
          );
        return json(200, this.tokenResponse(f.get('scope') || c.scope, c.nonce));
      }
      if (grant === 'refresh_token') {
        const rt = this.tokens.get(f.get('refresh_token') ?? '');
        if (rt?.kind !== 'refresh')
          return aadErr(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
        if (rt.revoked)
          return aadErr(
            400,
            'invalid_grant',
            50173,
            'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
          );
        if (rt.exp <= Date.now())
          return aadErr(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.');
        return json(200, this.tokenResponse(f.get('scope') ?? rt.scope));
      }
      return aadErr(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grant}'.`,
      );
    }
    return json(404, { error: 'not_found', error_description: `no such endpoint ${url.pathname}` });
  }

  private clientInfo(): string {
    return b64url(JSON.stringify({ uid: this.o.store.user.id, utid: this.o.tenantId }));
  }

  private tokenResponse(scope: string, nonce?: string): Doc {
    const scopes = scope.split(/\s+/).filter((x) => x && !OID_SCOPES.has(x));
    const granted = scopes.join(' ');
    const now = Math.floor(Date.now() / 1000);
    const u = this.o.store.user;
    const idToken = [
      b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'emulator' })),
      b64url(
        JSON.stringify({
          aud: this.o.clientId,
          iss: `${this.authority}/${this.o.tenantId}/v2.0`,
          iat: now,
          nbf: now,
          exp: now + 3600,
          name: u.displayName,
          oid: u.id,
          preferred_username: u.userPrincipalName,
          sub: createHash('sha256').update(u.id).digest('base64url').slice(0, 43),
          tid: this.o.tenantId,
          ver: '2.0',
          ...(nonce ? { nonce } : {}),
        }),
      ),
      randomBytes(64).toString('base64url'),
    ].join('.');
    return {
      token_type: 'Bearer',
      scope: granted,
      expires_in: this.accessTtlSec,
      ext_expires_in: this.accessTtlSec,
      access_token: this.issueToken(this.accessTtlSec, 'access', granted),
      refresh_token: this.issueToken(90 * 86400, 'refresh', scope),
      id_token: idToken,
      client_info: this.clientInfo(),
    };
  }
}

function normalise(p: string): string {
  return p.replace(/^\/users\/[^/]+/i, '/me').replace(/\/+$/, '') || '/';
}

function validateDoc(b: unknown): Doc {
  if (!b || typeof b !== 'object' || Array.isArray(b))
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  return b as Doc;
}

const TASK_STATUS = new Set(['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred']);
const IMPORTANCE = new Set(['low', 'normal', 'high']);

/** To Do rules: valid enums; dates kept as instants (UTC); completing stamps completedDateTime. */
function normTask(doc: Doc, prev: Doc = {}): Doc {
  if (doc.status !== undefined && !TASK_STATUS.has(String(doc.status)))
    throw new GraphError(400, 'invalidRequest', `Invalid value '${String(doc.status)}' for status`);
  if (doc.importance !== undefined && !IMPORTANCE.has(String(doc.importance)))
    throw new GraphError(400, 'invalidRequest', `Invalid value '${String(doc.importance)}' for importance`);
  const out: Doc = { ...doc };
  for (const k of ['dueDateTime', 'startDateTime', 'completedDateTime', 'reminderDateTime']) {
    const v = out[k] as { dateTime?: string; timeZone?: string } | null | undefined;
    if (v === undefined || v === null) continue;
    const ms = localToUtc(v.dateTime ?? '', v.timeZone ?? 'UTC');
    if (Number.isNaN(ms)) throw new GraphError(400, 'invalidRequest', `Invalid ${k}`);
    out[k] = { dateTime: graphDateTime(ms, 'UTC'), timeZone: 'UTC' };
  }
  const status = out.status ?? prev.status;
  if (status === 'completed' && !out.completedDateTime && !prev.completedDateTime)
    out.completedDateTime = { dateTime: graphDateTime(Date.now(), 'UTC'), timeZone: 'UTC' };
  if (status !== undefined && status !== 'completed') out.completedDateTime = null;
  return out;
}

function taskTimes(doc: Doc, tz: string): Doc {
  const out = { ...doc };
  for (const k of ['dueDateTime', 'startDateTime', 'completedDateTime', 'reminderDateTime']) {
    const v = out[k] as { dateTime?: string; timeZone?: string } | null | undefined;
    if (!v?.dateTime) {
      delete out[k];
      continue;
    }
    out[k] = {
      dateTime: graphDateTime(
        localToUtc(v.dateTime, v.timeZone ?? 'UTC'),
        ianaZone(tz) === 'UTC' ? 'UTC' : tz,
      ),
      timeZone: tz,
    };
  }
  return out;
}

/** Header names as Graph writes them inside a `$batch` answer (`Content-Type`, `Retry-After`, `ETag`, …). */
const HEADER_NAMES: Record<string, string> = {
  etag: 'ETag',
  'odata-version': 'OData-Version',
  'www-authenticate': 'WWW-Authenticate',
};

export function graphHeaderName(k: string): string {
  const l = k.toLowerCase();
  return HEADER_NAMES[l] ?? l.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/**
 * The headers of one `$batch` item as Graph writes them (https://learn.microsoft.com/graph/json-batching, the
 * response example): `Cache-Control`, `OData-Version` and the full JSON `Content-Type` on a JSON answer.
 */
function batchHeaders(x: Resp): Record<string, string> {
  const out: Record<string, string> = {};
  const json = x.body !== undefined && !Buffer.isBuffer(x.body);
  if (json) {
    out['Cache-Control'] = 'private';
    out['OData-Version'] = '4.0';
  }
  for (const [k, v] of Object.entries(x.headers)) {
    if (k.toLowerCase() === 'content-type' && /^application\/json/i.test(v))
      out['Content-Type'] =
        'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
    else out[graphHeaderName(k)] = v;
  }
  return out;
}

/** A FaultSpec from the control endpoint's JSON, or what is wrong with it. */
export function parseFaultSpec(x: unknown): FaultSpec | string {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'a fault is a JSON object';
  const o = x as Record<string, unknown>;
  const known = new Set([
    'status',
    'code',
    'message',
    'retryAfterSec',
    'times',
    'method',
    'path',
    'pathRegex',
    'scope',
    'reset',
    'delayMs',
    'afterProcessing',
  ]);
  for (const k of Object.keys(o)) if (!known.has(k)) return `unknown fault field "${k}"`;
  const f: FaultSpec = {};
  if (o.status !== undefined) {
    if (!Number.isInteger(o.status) || (o.status as number) < 100 || (o.status as number) > 599)
      return 'status must be an HTTP status (100..599)';
    f.status = o.status as number;
  }
  if (o.reset !== undefined) {
    if (typeof o.reset !== 'boolean') return 'reset must be true or false';
    f.reset = o.reset;
  }
  if (o.delayMs !== undefined) {
    if (!Number.isInteger(o.delayMs) || (o.delayMs as number) < 0 || (o.delayMs as number) > 600_000)
      return 'delayMs must be an integer 0..600000';
    f.delayMs = o.delayMs as number;
  }
  if (o.afterProcessing !== undefined) {
    if (typeof o.afterProcessing !== 'boolean') return 'afterProcessing must be true or false';
    f.afterProcessing = o.afterProcessing;
  }
  if (f.status === undefined && !f.reset && !f.delayMs) return 'a fault needs status, reset or delayMs';
  for (const k of ['code', 'message', 'method', 'path'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') return `${k} must be a string`;
    f[k] = o[k] as string;
  }
  if (o.pathRegex !== undefined) {
    if (o.path !== undefined) return 'give path or pathRegex, not both';
    if (typeof o.pathRegex !== 'string') return 'pathRegex must be a string';
    try {
      f.path = new RegExp(o.pathRegex);
    } catch {
      return 'pathRegex is not a valid regular expression';
    }
  }
  if (o.retryAfterSec !== undefined) {
    if (o.retryAfterSec !== null && (typeof o.retryAfterSec !== 'number' || o.retryAfterSec < 0))
      return 'retryAfterSec must be a number ≥ 0 or null';
    f.retryAfterSec = o.retryAfterSec as number | null;
  }
  if (o.times !== undefined) {
    if (!Number.isInteger(o.times) || (o.times as number) < 1) return 'times must be an integer ≥ 1';
    f.times = o.times as number;
  }
  if (o.scope !== undefined) {
    if (!['top', 'batch', 'any'].includes(String(o.scope))) return 'scope must be top, batch or any';
    f.scope = o.scope as FaultSpec['scope'];
  }
  return f;
}

/** Path words of the resources the emulator serves and well-known folder names: not ids. */
const PATH_WORDS = new Set(
  [
    'me',
    'contactFolders',
    'contacts',
    'calendar',
    'calendarView',
    'events',
    'instances',
    'delta',
    'todo',
    'lists',
    'tasks',
    'mailFolders',
    'childFolders',
    'messages',
    '$value',
    'mailboxSettings',
    'timeZone',
    'inbox',
    'sentitems',
    'drafts',
    'deleteditems',
    'junkemail',
    'outbox',
    'archive',
    'msgfolderroot',
  ].map((w) => w.toLowerCase()),
);

/**
 * Could this path segment be an Exchange id (base64 of a binary entry id: the standard or the URL-safe alphabet,
 * at most two '=' of padding, never short), or is it a path word? Anything else is a malformed id.
 */
export function isIdOrWord(seg: string): boolean {
  return PATH_WORDS.has(seg.toLowerCase()) || /^[A-Za-z0-9+/_-]{24,}={0,2}$/.test(seg);
}
