/**
 * Microsoft Graph emulator (Exchange Online mailbox + Microsoft identity platform) — in-process handle for tests,
 * the demo and the benchmark.
 *
 *   const g = await startGraphEmulator({ size: 'small' });
 *   g.url                 // http://127.0.0.1:<port>/v1.0   (graphUrl)
 *   g.authorityUrl        // https://127.0.0.1:<port>        (MSAL authority host; TLS with g.tlsCa)
 *   g.token               // a valid access token (24 h)
 *   g.control.createContact('ABRA Gen', {...})   // act as the user in Outlook
 *   g.httpsUrl            // https://127.0.0.1:<tls port>/v1.0 (the same Graph over TLS)
 *   g.faults.inject({ status: 429, retryAfterSec: 1, path: '/contacts' })   // or POST /_control/faults
 *   g.log.counts(); g.log.maxInFlight()
 *   await g.stop();
 */

import { decodeWords } from '../ews/mime';
import { type SeedSize, seed } from './seed';
import { type FaultSpec, GraphServer, type LogEntry, TLS_CERT } from './server';
import { type Doc, type Entity, GraphStore } from './store';
import { graphDateTime } from './tz';

export type { SeedSize } from './seed';
export { mimeMessage } from './seed';
export type { FaultSpec, LogEntry } from './server';

export interface GraphEmulatorOptions {
  port?: number;
  /** Port of the https listener (Graph at `httpsUrl` and the identity endpoints); default: any free port. */
  tlsPort?: number;
  seed?: number;
  size?: SeedSize;
  /** Fix the emulator's clock at this instant (advance with control.clock). Default: real time. */
  now?: string | Date;
  latencyMs?: number;
  tenantId?: string;
  clientId?: string;
  /** Lifetime of access tokens issued by the token endpoint (default 3600 s). */
  accessTtlSec?: number;
}

export interface WeeklySeries {
  subject: string;
  /** First occurrence start (UTC ISO). */
  start: string;
  durationMinutes?: number;
  count: number;
  /** Zone of the series (default Europe/Prague). */
  timeZone?: string;
  body?: string;
  abraId?: string;
}

export interface GraphControl {
  contactFolderId(name: string): string | undefined;
  /** The user deletes a contact folder with everything in it. */
  removeContactFolder(name: string): void;
  todoListId(name: string): string | undefined;
  /** The user deletes a To Do list with its tasks. */
  removeTodoList(name: string): void;
  mailFolderId(pathOrWellKnown: string): string;
  createContact(folderName: string, doc: Doc): Doc;
  createEvent(doc: Doc): Doc;
  createWeeklySeries(s: WeeklySeries): { masterId: string; iCalUId: string; occurrenceIds: string[] };
  /** Edit one occurrence (it becomes an exception); returns the occurrence id. */
  modifyOccurrence(masterId: string, index: number, patch: Doc): string;
  /** Cancel one occurrence; `quiet`: delta reports only its removal, not the series' other occurrences. */
  cancelOccurrence(masterId: string, index: number, opts?: { quiet?: boolean }): string;
  createTask(listName: string, doc: Doc): Doc;
  update(id: string, patch: Doc): Doc;
  remove(id: string): void;
  /** Deliver a MIME message into a folder (default inbox). */
  deliver(mime: string | Buffer, folder?: string, at?: Date): { id: string };
  /** A message the user sent (lands in Sent Items). */
  send(mime: string | Buffer, at?: Date): { id: string };
  addMailFolder(path: string): string;
  /** Current Graph JSON of an item (UTC). */
  get(id: string): Doc | undefined;
  /** Items of a kind (optionally in one folder / list). */
  list(kind: Entity['kind'], scope?: string): Doc[];
  /** The stored AbraId stamp of an item. */
  abraIdOf(id: string): string | undefined;
  revokeGrants(): void;
  expireAccessTokens(): void;
  /** Make every issued delta token stale (next use → 410 SyncStateNotFound). */
  expireDeltaTokens(scope?: string): void;
  clock: { now(): Date; set(at: string | Date | null): void; advance(ms: number): void };
}

export interface GraphEmulator {
  url: string;
  /** The same Graph over https (`https://127.0.0.1:<tls port>/v1.0`, certificate `tlsCa`). */
  httpsUrl: string;
  authorityUrl: string;
  tenantId: string;
  clientId: string;
  email: string;
  user: string;
  password: string;
  token: string;
  /** PEM the MSAL network client must trust for the emulator's https authority. */
  tlsCa: string;
  port: number;
  issueToken(ttlSec: number): string;
  /**
   * The identity endpoints' view of a token: its granted scopes and whether it is still valid. Lets the EWS emulator
   * stand in for an Exchange server that trusts this tenant (hybrid modern authentication).
   */
  tokenInfo(token: string): { kind: 'access' | 'refresh'; scope: string; expired: boolean } | undefined;
  control: GraphControl;
  log: {
    entries(): readonly LogEntry[];
    /** `METHOD path-pattern` counts, ids replaced by `{id}`. */
    counts(): Record<string, number>;
    total(): number;
    maxInFlight(): number;
    reset(): void;
  };
  faults: { inject(f: FaultSpec): void; clear(): void; setLatency(ms: number): void };
  stop(): Promise<void>;
}

export const ABRA_ID_PROP = 'String {c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1} Name AbraId';

function header(mime: string, name: string): string | undefined {
  const head = mime.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return m?.[1]?.trim();
}

function addresses(v: string | undefined): { emailAddress: { name: string; address: string } }[] {
  if (!v) return [];
  const parts: string[] = [];
  let cur = '';
  let q = false;
  for (const c of v) {
    if (c === '"') q = !q;
    if (c === ',' && !q) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^(?:"?([^"<]*)"?\s*)?<([^>]+)>$/.exec(p);
      const address = (m ? m[2]! : p).trim();
      return { emailAddress: { name: decodeWords((m?.[1] ?? '').trim()) || address, address } };
    });
}

export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const seedN = opts.seed ?? 1;
  const store = new GraphStore(seedN);
  if (opts.now !== undefined) store.fixedNow = new Date(opts.now).getTime();
  const tenantId = opts.tenantId ?? 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';
  const clientId = opts.clientId ?? '3c9b7e2a-1d4f-4a6b-9c8d-7e6f5a4b3c2d';
  const server = new GraphServer({
    store,
    tenantId,
    clientId,
    latencyMs: opts.latencyMs,
    accessTtlSec: opts.accessTtlSec,
  });

  const deliver = (mime: string | Buffer, folder = 'inbox', at?: Date) => {
    const buf = Buffer.isBuffer(mime) ? mime : Buffer.from(mime, 'utf8');
    const text = buf.toString('utf8');
    const f = store.mailFolder(folder);
    const when = at ? at.getTime() : store.now();
    const date = Date.parse(header(text, 'Date') ?? '');
    const from = addresses(header(text, 'From'))[0] ?? null;
    const body = text
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n\n');
    const hdrs = ['In-Reply-To', 'References', 'Auto-Submitted', 'X-Auto-Response-Suppress']
      .map((n) => ({ name: n, value: header(text, n) }))
      .filter((h) => h.value !== undefined);
    const e = store.create(
      'message',
      f.id,
      {
        // Graph reports headers decoded (RFC 2047 encoded words, any charset), like Exchange itself
        subject: decodeWords(header(text, 'Subject') ?? ''),
        internetMessageId: header(text, 'Message-ID') ?? `<${store.ids.next('m')}@emulator>`,
        from,
        sender: from,
        toRecipients: addresses(header(text, 'To')),
        ccRecipients: addresses(header(text, 'Cc')),
        bccRecipients: [],
        sentDateTime: new Date(Number.isNaN(date) ? when : date).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        receivedDateTime: new Date(when).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        hasAttachments: /content-disposition:\s*attachment/i.test(text),
        isDraft: false,
        isRead: f.wellKnownName === 'sentitems',
        body: { contentType: 'text', content: body },
        bodyPreview: body.slice(0, 255),
        internetMessageHeaders: hdrs,
        singleValueExtendedProperties: [
          {
            id: 'String 0x001A',
            value: header(text, 'Content-Type')?.includes('report') ? 'REPORT.IPM.Note.NDR' : 'IPM.Note',
          },
          { id: 'Integer 0x0E08', value: String(buf.length) },
        ],
      },
      { mime: buf },
    );
    e.created = when;
    return { id: e.id };
  };

  seed(store, { deliver }, { seed: seedN, size: opts.size ?? 'small', now: store.now() });
  const port = await server.listen(opts.port ?? 0, opts.tlsPort ?? 0);
  const staticToken = server.issueToken(24 * 3600);

  const must = (id: string) => {
    const e =
      store.items.get(id) ??
      (store.instanceIndex.has(id) ? store.items.get(store.instanceIndex.get(id)!.masterId) : undefined);
    if (!e) throw new Error(`graph emulator: no item ${id}`);
    return e;
  };
  const render = (id: string): Doc => {
    const e = must(id);
    if (e.kind === 'event') {
      const i = store.findInstance(id);
      if (!i) throw new Error(`graph emulator: no instance ${id}`);
      return {
        ...store.renderInstance(i, 'UTC'),
        singleValueExtendedProperties: store.renderExt(i.exception?.ext ?? e.ext, 'all'),
      };
    }
    return { ...store.renderEntity(e, 'UTC'), singleValueExtendedProperties: store.renderExt(e.ext, 'all') };
  };
  const folderId = (name: string) =>
    [...store.contactFolders.values()].find((f) => f.displayName === name)?.id;
  const listId = (name: string) =>
    [...store.todoLists.values()].find(
      (l) => l.displayName === name || (name === 'default' && l.wellknownListName === 'defaultList'),
    )?.id;
  const occurrenceAt = (masterId: string, index: number) => {
    const m = store.get(masterId, 'event');
    if (!m?.doc.recurrence) throw new Error(`graph emulator: ${masterId} is not a series`);
    const t = store.expand(m, Number.MAX_SAFE_INTEGER, index + 1)[index];
    if (t === undefined) throw new Error(`graph emulator: series has no occurrence ${index}`);
    store.seriesInstances(m, t + 1);
    return store.occurrenceId(masterId, t);
  };

  const control: GraphControl = {
    contactFolderId: folderId,
    removeContactFolder: (name) => {
      const id = folderId(name);
      if (!id) throw new Error(`graph emulator: no contact folder ${name}`);
      for (const e of [...store.items.values()])
        if (e.kind === 'contact' && e.scope === id) store.remove(e.id, 'contact');
      store.contactFolders.delete(id);
    },
    todoListId: listId,
    removeTodoList: (name) => {
      const id = listId(name);
      if (!id) throw new Error(`graph emulator: no To Do list ${name}`);
      for (const e of [...store.items.values()])
        if (e.kind === 'task' && e.scope === id) store.remove(e.id, 'task');
      store.todoLists.delete(id);
    },
    mailFolderId: (p) => {
      const segs = p.split('/');
      let f = store.mailFolder(segs[0]!.toLowerCase() === 'inbox' ? 'inbox' : segs[0]!);
      for (const s of segs.slice(1)) {
        const c = [...store.mailFolders.values()].find(
          (x) => x.parentFolderId === f.id && x.displayName === s,
        );
        if (!c) throw new Error(`graph emulator: no mail folder ${p}`);
        f = c;
      }
      return f.id;
    },
    createContact: (folderName, doc) => {
      const fid = folderId(folderName) ?? store.addContactFolder(folderName, '').id;
      return render(store.create('contact', fid, doc).id);
    },
    createEvent: (doc) => render(store.create('event', 'calendar', doc).id),
    createWeeklySeries: (s) => {
      const tz = s.timeZone ?? 'Europe/Prague';
      const start = Date.parse(s.start);
      const end = start + (s.durationMinutes ?? 60) * 60_000;
      const day = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
      const localStart = graphDateTime(start, tz);
      const m = store.create('event', 'calendar', {
        subject: s.subject,
        body: { contentType: 'text', content: s.body ?? '' },
        start: { dateTime: localStart, timeZone: tz },
        end: { dateTime: graphDateTime(end, tz), timeZone: tz },
        recurrence: {
          pattern: {
            type: 'weekly',
            interval: 1,
            daysOfWeek: [day[new Date(Date.parse(`${localStart.slice(0, 10)}T00:00:00Z`)).getUTCDay()]!],
            firstDayOfWeek: 'monday',
          },
          range: {
            type: 'numbered',
            startDate: localStart.slice(0, 10),
            numberOfOccurrences: s.count,
            recurrenceTimeZone: tz,
          },
        },
        ...(s.abraId ? { singleValueExtendedProperties: [{ id: ABRA_ID_PROP, value: s.abraId }] } : {}),
      });
      const occ = store.seriesInstances(m, Number.MAX_SAFE_INTEGER).map((i) => i.id);
      return { masterId: m.id, iCalUId: String(m.doc.iCalUId), occurrenceIds: occ };
    },
    modifyOccurrence: (masterId, index, patch) => {
      const id = occurrenceAt(masterId, index);
      store.update(id, 'event', patch);
      return id;
    },
    cancelOccurrence: (masterId, index, o) => {
      const id = occurrenceAt(masterId, index);
      store.remove(id, 'event', o?.quiet === true);
      return id;
    },
    createTask: (listName, doc) => {
      const lid = listId(listName) ?? store.addTodoList(listName).id;
      return render(store.create('task', lid, doc).id);
    },
    update: (id, patch) => {
      const e = must(id);
      store.update(id, e.kind, patch);
      return render(id);
    },
    remove: (id) => store.remove(id, must(id).kind),
    deliver,
    send: (mime, at) => deliver(mime, 'sentitems', at),
    addMailFolder: (p) => {
      const segs = p.split('/');
      let parent = store.mailFolder(segs[0]!.toLowerCase() === 'inbox' ? 'inbox' : segs[0]!);
      for (const s of segs.slice(1)) {
        parent =
          [...store.mailFolders.values()].find(
            (x) => x.parentFolderId === parent.id && x.displayName === s,
          ) ?? store.addMailFolder(s, parent.id);
      }
      return parent.id;
    },
    get: (id) => {
      try {
        return render(id);
      } catch {
        return undefined;
      }
    },
    list: (kind, scope) =>
      [...store.items.values()]
        .filter((e) => e.kind === kind && (!scope || e.scope === scope))
        .map((e) => render(e.id)),
    abraIdOf: (id) => {
      const d = control.get(id);
      const x = (d?.singleValueExtendedProperties as { id: string; value: string }[] | undefined)?.find(
        (p) => p.id.toLowerCase() === ABRA_ID_PROP.toLowerCase(),
      );
      return x?.value;
    },
    revokeGrants: () => server.revokeGrants(),
    expireAccessTokens: () => server.expireAccessTokens(),
    expireDeltaTokens: (scope) => store.expireDelta(scope),
    clock: {
      now: () => new Date(store.now()),
      set: (at) => {
        store.fixedNow = at === null ? null : new Date(at).getTime();
      },
      advance: (ms) => {
        store.fixedNow = store.now() + ms;
      },
    },
  };

  const pattern = (p: string) =>
    p
      .split('/')
      .map((s) => (/^(AAMk|AAkA|AQMk|[A-Za-z0-9_-]{30,}=)/.test(s) ? '{id}' : s))
      .join('/');
  return {
    url: server.base,
    httpsUrl: server.httpsBase,
    authorityUrl: server.authority,
    tenantId,
    clientId,
    email: store.user.mail,
    user: store.user.userPrincipalName,
    password: 'Heslo-pro-emulator-1',
    token: staticToken,
    tlsCa: TLS_CERT,
    port,
    issueToken: (ttl) => server.issueToken(ttl),
    tokenInfo: (token) => server.tokenInfo(token),
    control,
    log: {
      entries: () => server.log,
      counts: () => {
        const out: Record<string, number> = {};
        for (const e of server.log) {
          const k = `${e.method} ${pattern(e.path)}`;
          out[k] = (out[k] ?? 0) + 1;
        }
        return out;
      },
      total: () => server.log.length,
      maxInFlight: () => server.maxInFlight,
      reset: () => {
        server.log.length = 0;
        server.maxInFlight = server.inFlight;
      },
    },
    faults: {
      inject: (f) => server.inject(f),
      clear: () => server.clearFaults(),
      setLatency: (ms) => {
        server.latencyMs = ms;
      },
    },
    stop: () => server.close(),
  };
}
