/**
 * HTTP layer of the ABRA Gen emulator: routing, Basic auth, query parameters, JSON bodies, ABRA error bodies,
 * request log and fault injection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { openapiDocument, openapiIndex } from './openapi';
import { COLLECTIONS } from './schema';
import {
  AbraHttpError,
  type AbraStore,
  NOT_FOUND,
  type Obj,
  parseOrderBy,
  parseSelect,
  pathNotFound,
  type QuerySpec,
  type SelectItem,
  TITLE,
} from './store';

export interface LogEntry {
  method: string;
  path: string;
  /** Lowercase collection (or `currentuser`, `query`), '' when none. */
  collection: string;
  query: string;
  status: number;
  /** The login used (never the password). */
  login: string | null;
  fault?: FaultKind;
}

export type FaultKind = 'latency' | 'status' | 'reset' | 'slowBody' | 'malformedJson' | 'htmlError';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests it applies to (default 1). */
  times?: number;
  /** Only requests with this method / collection (lowercase) match. */
  method?: string;
  collection?: string;
  /** status: the HTTP status (default 500); htmlError: default 502. */
  status?: number;
  /** latency: added delay; slowBody: delay between the two halves of the body. */
  ms?: number;
  /** Retry-After seconds to send with a status fault. */
  retryAfterSec?: number;
}

export interface UserCred {
  id: string;
  login: string;
  password: string;
  token: string;
  fastTokenLogin?: boolean;
}

export interface ServerOptions {
  store: AbraStore;
  connection: string;
  users: () => UserCred[];
  latencyMs?: number;
}

export class AbraServer {
  readonly log: LogEntry[] = [];
  private faults: (FaultSpec & { left: number })[] = [];
  latencyMs: number;
  private server: http.Server;
  private sockets = new Set<Socket>();
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: ServerOptions) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.server = http.createServer((req, res) => {
      // every answer carries the emulator's clock (RFC 9110 §6.6.1 "Date": an origin server with a clock MUST send
      // it), so a clock set back or forward shows in the header as it would on a real server
      res.setHeader('Date', new Date(opts.store.now()).toUTCString());
      this.handle(req, res).catch((e) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(
            JSON.stringify({
              title: TITLE,
              description: String(e),
              exception_class: 'Exception',
              error_code: 0,
            }),
          );
        }
      });
    });
    this.server.keepAliveTimeout = 2000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  inject(f: FaultSpec): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }
  clearFaults(): void {
    this.faults = [];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        r();
      }, ms);
      this.timers.add(t);
    });
  }

  private takeFault(method: string, coll: string): FaultSpec | null {
    for (const f of this.faults) {
      if (f.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.collection && f.collection.toLowerCase() !== coll) continue;
      f.left--;
      this.faults = this.faults.filter((x) => x.left > 0);
      return f;
    }
    return null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const segs = url.pathname
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const coll = (segs[1] ?? '').toLowerCase();
    const entry: LogEntry = {
      method,
      path: url.pathname,
      collection: coll,
      query: url.search,
      status: 0,
      login: null,
    };
    this.log.push(entry);
    const bodyText = await readBody(req);
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);

    const fault = this.takeFault(method, coll);
    if (fault) {
      entry.fault = fault.kind;
      switch (fault.kind) {
        case 'latency':
          await this.sleep(fault.ms ?? 200);
          break;
        case 'reset':
          entry.status = -1;
          req.socket.destroy();
          return;
        case 'status': {
          const st = fault.status ?? 500;
          entry.status = st;
          const h: http.OutgoingHttpHeaders = { 'content-type': 'application/json; charset=utf-8' };
          if (fault.retryAfterSec !== undefined) h['retry-after'] = String(fault.retryAfterSec);
          res.writeHead(st, h);
          res.end(
            JSON.stringify({
              title: TITLE,
              description: st === 503 ? 'Service Unavailable' : 'Internal Server Error',
              exception_class: 'Exception',
              error_code: 0,
            }),
          );
          return;
        }
        case 'htmlError': {
          const st = fault.status ?? 502;
          entry.status = st;
          res.writeHead(st, { 'content-type': 'text/html' });
          res.end(
            `<html><head><title>${st} Bad Gateway</title></head><body><center><h1>${st} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`,
          );
          return;
        }
        default:
          break; // malformedJson / slowBody act on the response below
      }
    }

    let status = 200;
    let payload: unknown;
    try {
      const user = this.auth(req, entry);
      this.opts.store.actingUserId = user.id;
      this.opts.store.recording = true;
      ({ status, payload } = this.route(
        method,
        segs,
        url.searchParams,
        bodyText,
        user,
        `http://${req.headers.host ?? 'localhost'}`,
      ));
    } catch (e) {
      if (e instanceof AbraHttpError) {
        status = e.status;
        payload = e.body ?? {
          title: TITLE,
          description: e.description,
          exception_class: e.exceptionClass,
          error_code: e.errorCode,
        };
      } else if (e instanceof AuthError) {
        status = e.status;
        payload = { title: TITLE, description: e.message, exception_class: 'EWARESTError', error_code: 0 };
        entry.status = status;
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          ...(status === 401 ? { 'www-authenticate': 'Basic realm="ABRA Gen API"' } : {}),
        });
        res.end(JSON.stringify(payload));
        return;
      } else {
        throw e;
      }
    } finally {
      this.opts.store.recording = false;
    }
    entry.status = status;
    if (status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    let text = JSON.stringify(payload);
    if (fault?.kind === 'malformedJson') text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    const buf = Buffer.from(text, 'utf8');
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': buf.length,
    });
    if (fault?.kind === 'slowBody') {
      const half = Math.floor(buf.length / 2);
      res.write(buf.subarray(0, half));
      await this.sleep(fault.ms ?? 300);
      if (!res.destroyed) res.end(buf.subarray(half));
      return;
    }
    res.end(buf);
  }

  private auth(req: http.IncomingMessage, entry: LogEntry): UserCred {
    const h = req.headers.authorization ?? '';
    const m = /^Basic\s+(\S+)$/i.exec(h);
    let decoded: string | null = null;
    if (m) decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    else {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('auth');
      if (q) decoded = Buffer.from(q, 'base64').toString('utf8');
    }
    if (decoded === null || !decoded.includes(':')) throw new AuthError(401, 'Neautorizovaný prístup');
    const i = decoded.indexOf(':');
    const login = decoded.slice(0, i);
    const secret = decoded.slice(i + 1).replace(/;lock_connection$/, '');
    entry.login = login;
    const users = this.opts.users();
    let user: UserCred | undefined;
    if (login === '' || login === '~token~') user = users.find((u) => u.fastTokenLogin && u.token === secret);
    else
      user = users.find(
        (u) => u.login.toLowerCase() === login.toLowerCase() && (u.password === secret || u.token === secret),
      );
    if (!user) throw new AuthError(401, 'Neplatné prihlasovacie údaje');
    const rec = this.opts.store.getRaw('securityusers', user.id);
    if (!rec || rec.locked || !rec.webapiaccess)
      throw new AuthError(403, 'Používateľ nemá právo prihlásiť sa do API');
    return user;
  }

  private route(
    method: string,
    segs: string[],
    qs: URLSearchParams,
    bodyText: string,
    user: UserCred,
    origin: string,
  ): { status: number; payload: unknown } {
    const store = this.opts.store;
    if ((segs[0] ?? '').toLowerCase() !== this.opts.connection.toLowerCase())
      throw new AbraHttpError(404, NOT_FOUND);
    const [, rawColl, id, owned, rowId, ...rest] = segs;
    if (rest.length) throw new AbraHttpError(404, NOT_FOUND);
    const coll = (rawColl ?? '').toLowerCase();
    const body = (): Obj => {
      if (!bodyText) return {};
      try {
        return JSON.parse(bodyText) as Obj;
      } catch {
        throw new AbraHttpError(400, 'Neplatný JSON v tele požiadavky', 'NxError', 0);
      }
    };
    const validateOnly = (qs.get('validation') ?? '').toLowerCase() === 'true';
    const writeOut = (coll2: string, o: Obj, schemaName?: string) => {
      const sel = qs.get('select');
      if (!sel) return structuredClone(o);
      const s = store.schemas[schemaName ?? COLLECTIONS[coll2]!]!;
      const out = store.project({ s, o }, parseSelect(sel));
      if (o['@meta']) out['@meta'] = o['@meta'];
      return out;
    };

    if (coll === 'api-docs' && method === 'GET') {
      const base = `${origin}/${segs[0]}`;
      if (id === 'openapis' && !owned) return { status: 200, payload: openapiIndex(store.schemas, base) };
      if (id === 'openapi' && owned && !rowId) {
        const doc = openapiDocument(store.schemas, owned.toLowerCase(), segs[0]!, store.hiddenFromDocs);
        if (doc) return { status: 200, payload: doc };
      }
      throw pathNotFound(`${origin}/${segs.join('/')}`);
    }
    if (coll === 'currentuser' && !id) {
      if (method !== 'GET') throw new AbraHttpError(405, 'Method not allowed', 'EWARESTError', 0);
      const u = store.getRaw('securityusers', user.id)!;
      return {
        status: 200,
        payload: {
          id: u.id,
          name: u.name,
          email: ((u.address_id as Obj | null)?.email as string) ?? '',
          loginname: u.loginname,
        },
      };
    }
    if (coll === 'query' && !id) {
      if (method !== 'POST') throw new AbraHttpError(404, NOT_FOUND);
      const q = body();
      const cls = String(q.class ?? q.Class ?? '');
      const target =
        Object.keys(COLLECTIONS).find((c) => c === cls.toLowerCase()) ??
        Object.keys(COLLECTIONS).find((c) => store.schemas[COLLECTIONS[c]!]!.clsid === cls);
      if (!target) throw new AbraHttpError(400, `Neznáma trieda "${cls}"`, 'NxError', 0);
      return { status: 200, payload: store.query(target, jsonQuery(q, qs)) };
    }
    if (!coll) throw new AbraHttpError(404, NOT_FOUND);
    const pathUrl = () => `${origin}/${segs.slice(0, 2).join('/')}`;
    if (!COLLECTIONS[coll]) throw pathNotFound(pathUrl());

    if (id?.toLowerCase() === 'query' && !owned) {
      if (method !== 'POST') throw new AbraHttpError(404, NOT_FOUND);
      return { status: 200, payload: store.query(coll, jsonQuery(body(), qs)) };
    }

    if (!id) {
      if (method === 'GET') return { status: 200, payload: store.query(coll, queryFromString(qs)) };
      if (method === 'POST') {
        const o = store.create(coll, body(), { validateOnly });
        return { status: validateOnly ? 200 : 201, payload: writeOut(coll, o) };
      }
      throw new AbraHttpError(405, 'Method not allowed', 'EWARESTError', 0);
    }
    if (!owned) {
      switch (method) {
        case 'GET': {
          const spec = queryFromString(qs);
          return { status: 200, payload: store.get(coll, id, spec) };
        }
        case 'PUT': {
          const o = store.update(coll, id, body(), { validateOnly });
          return { status: 200, payload: writeOut(coll, o) };
        }
        case 'DELETE':
          store.remove(coll, id);
          return { status: 204, payload: null };
        default:
          throw new AbraHttpError(405, 'Method not allowed', 'EWARESTError', 0);
      }
    }
    const ownedDef = store.collection(coll).schema.fields[owned.toLowerCase()];
    if (ownedDef?.kind !== 'ownedList') throw pathNotFound(`${origin}/${segs.slice(0, 4).join('/')}`);
    const { s, rows } = store.ownedRows(coll, id, owned);
    const ownedName = owned.toLowerCase();
    if (!rowId) {
      if (method === 'GET') {
        return { status: 200, payload: store.query(coll, queryFromString(qs), { s, rows }) };
      }
      if (method === 'POST') {
        const r = store.createOwned(coll, id, ownedName, body(), { validateOnly });
        return { status: validateOnly ? 200 : 201, payload: writeOut(coll, r, s.name) };
      }
      throw new AbraHttpError(405, 'Method not allowed', 'EWARESTError', 0);
    }
    switch (method) {
      case 'GET': {
        const r = rows.find((x) => x.id === rowId);
        if (!r) throw new AbraHttpError(404, NOT_FOUND);
        const sel = qs.get('select');
        return { status: 200, payload: store.project({ s, o: r }, sel ? parseGetSelect(sel) : undefined) };
      }
      case 'PUT':
        return {
          status: 200,
          payload: writeOut(coll, store.updateOwned(coll, id, ownedName, rowId, body()), s.name),
        };
      case 'DELETE':
        store.removeOwned(coll, id, ownedName, rowId);
        return { status: 204, payload: null };
      default:
        throw new AbraHttpError(405, 'Method not allowed', 'EWARESTError', 0);
    }
  }
}

class AuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function intParam(v: string | null | undefined | unknown, name: string): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new AbraHttpError(400, `Neplatná hodnota parametra ${name}`, 'NxError', 0);
  return n;
}

/** GET select: nested collections are not allowed there (real server: "Neznáma agregačná funkcia"). */
function parseGetSelect(sel: string): SelectItem[] {
  const items = parseSelect(sel);
  for (const it of items)
    if (it.sub) throw new AbraHttpError(400, `Neznáma agregačná funkcia: ${it.text}`, 'NxError', 0);
  return items;
}

function queryFromString(qs: URLSearchParams): QuerySpec {
  const spec: QuerySpec = {};
  const sel = qs.get('select');
  if (sel) spec.select = parseGetSelect(sel);
  const where = qs.get('where');
  if (where) spec.where = where;
  const ob = qs.get('orderby');
  if (ob) spec.orderby = parseOrderBy(ob);
  spec.skip = intParam(qs.get('skip'), 'skip');
  spec.take = intParam(qs.get('take'), 'take');
  const exp = qs.get('expand');
  if (exp) spec.expand = parseSelect(exp);
  return spec;
}

function jsonSelect(v: unknown): SelectItem[] {
  if (typeof v === 'string') return parseSelect(v);
  if (!Array.isArray(v)) throw new AbraHttpError(400, 'Neplatný select', 'NxError', 0);
  const out: SelectItem[] = [];
  for (const it of v) {
    if (typeof it === 'string') out.push(...parseSelect(it));
    else if (it && typeof it === 'object') {
      const { name, value } = it as { name?: string; value?: unknown };
      if (!name) throw new AbraHttpError(400, 'Neplatný select', 'NxError', 0);
      if (typeof value === 'string') {
        const [p] = parseSelect(value);
        out.push({ ...p!, key: name });
      } else {
        out.push({
          key: name,
          path: name.toLowerCase().split('.'),
          text: name,
          sub: value === undefined ? [] : jsonSelect(value),
        });
      }
    }
  }
  return out;
}

function jsonQuery(q: Obj, qs: URLSearchParams): QuerySpec {
  const lower: Obj = {};
  for (const [k, v] of Object.entries(q)) lower[k.toLowerCase()] = v;
  const spec: QuerySpec = {};
  if (lower.select !== undefined) spec.select = jsonSelect(lower.select);
  if (lower.where !== undefined) {
    if (typeof lower.where !== 'string') throw new AbraHttpError(400, 'Neplatná podmienka', 'NxError', 0);
    spec.where = lower.where;
  }
  if (lower.orderby !== undefined) {
    const ob = lower.orderby;
    if (typeof ob === 'string') spec.orderby = parseOrderBy(ob);
    else if (Array.isArray(ob))
      spec.orderby = ob.map((x) =>
        typeof x === 'string'
          ? parseOrderBy(x)[0]!
          : { path: String((x as Obj).value), desc: Boolean((x as Obj).desc) },
      );
  }
  spec.skip = intParam(qs.get('skip') ?? lower.skip, 'skip');
  spec.take = intParam(qs.get('take') ?? lower.take, 'take');
  return spec;
}
