/**
 * ABRA Gen Web API emulator — in-process handle for tests, the demo and the benchmark.
 *
 *   const abra = await startAbraEmulator({ seed: 1, size: 'small' });
 *   abra.url        // http://127.0.0.1:<port>/<connection>
 *   abra.control.update('firms', id, { name: 'X' })   // act as an ABRA user
 *   abra.faults.failNext(2, 503)                       // inject faults
 *   abra.log.counts()                                  // { 'GET firms': 3, … }
 *   await abra.stop();
 */

import { type SentMail, seedMailAccounts } from './mail-store';
import { type SeedSize, seed } from './seed';
import { AbraServer, type FaultSpec, type LogEntry, type UserCred } from './server';
import { AbraStore, type Obj } from './store';

export type { SeedSize } from './seed';
export type { FaultSpec, LogEntry } from './server';

export interface AbraEmulatorOptions {
  /** 0 or undefined = a free port. */
  port?: number;
  seed?: number;
  size?: SeedSize;
  /** Connection name in the URL (default `demo`). */
  connection?: string;
  /** Added latency for every request. */
  latencyMs?: number;
  /** Start the emulator's clock at this instant and keep it fixed (advance with control.clock). Default: real time. */
  now?: string | Date;
  /**
   * Emulate createdat$date/correctedat$date on persons — NOT proven on a real server (test/emulators/abra/extra-fields.ts).
   * Default false: as far as ABRA's metadata shows, persons have no changed-since fields.
   */
  personAuditDates?: boolean;
  /**
   * How list reads show owned parts: `ids` (default, as real captures show: an owned address is its id string, owned
   * collections only when asked via select paths or expand) or `embedded` (everything inline).
   */
  listShape?: 'ids' | 'embedded';
  /** E-mail agendas (#14, mail-schema.ts): a customer's user field x_messageid; SentState values a create may have. */
  mail?: { messageIdField?: boolean; sentStatesOnCreate?: number[] };
}

export interface AbraControl {
  /** Create a record as an ABRA user would (business rules apply); returns the stored object (lowercase keys). */
  insert(collection: string, obj: Obj): Obj;
  /** Partial update: bumps objversion, sets correctedat$date/correctedby_id. */
  update(collection: string, id: string, patch: Obj): Obj;
  remove(collection: string, id: string): void;
  get(collection: string, id: string): Obj | undefined;
  /** All rows of a collection (full objects, copies), optionally filtered with an ABRA where expression. */
  list(collection: string, where?: string): Obj[];
  /** Owned rows: add/update/remove a firmpersons (etc.) row; saves the owner. */
  insertOwned(collection: string, id: string, owned: string, row: Obj): Obj;
  updateOwned(collection: string, id: string, owned: string, rowId: string, patch: Obj): Obj;
  removeOwned(collection: string, id: string, owned: string, rowId: string): void;
  /** Firm major correction: returns the new firm (new id); the old one gets firm_id = new id. */
  majorCorrection(firmId: string, patch?: Obj): Obj;
  /** Writes via control are made as this user (default: a non-API "ABRA desktop" user when one exists). */
  actAs(userId: string): void;
  clock: {
    now(): Date;
    /** Fix the clock at an instant (null = back to real time). */
    set(at: string | Date | null): void;
    advance(ms: number): void;
  };
  /** Leave `schema.field` (e.g. `crmactivity.division_id`) out of the OpenAPI documents the server publishes. */
  hideFromDocs(schemaField: string): void;
  /** Undo hideFromDocs: the field is described again. */
  showInDocs(schemaField: string): void;
  /** Make the server require `schema.field` on create/update with this code and text (installation rule). */
  requireField(schemaField: string, rule: { code: number; label: string; description: string }): void;
  /** Add a user-defined field (`X_…`) to a class: stored, queryable and described in the OpenAPI documents. */
  addUserField(schema: string, field: string, kind?: 'string' | 'number' | 'boolean' | 'date'): void;
  /** Credentials of every seeded user (index 0 = the API user). */
  users(): UserCred[];
}

export interface AbraEmulator {
  url: string;
  user: string;
  password: string;
  token: string;
  currentUserId: string;
  connection: string;
  port: number;
  control: AbraControl;
  log: {
    entries(): readonly LogEntry[];
    /** Requests per `METHOD collection`, e.g. `{ 'GET firms': 3, 'POST crmactivities': 1 }`. */
    counts(): Record<string, number>;
    total(): number;
    reset(): void;
  };
  faults: {
    inject(f: FaultSpec): void;
    /** Next `n` matching requests answer `status` (default 500). */
    failNext(
      n: number,
      status?: number,
      match?: Pick<FaultSpec, 'method' | 'collection' | 'retryAfterSec'>,
    ): void;
    resetNext(n: number, match?: Pick<FaultSpec, 'method' | 'collection'>): void;
    slowBodyNext(n: number, ms: number, match?: Pick<FaultSpec, 'method' | 'collection'>): void;
    malformedNext(n: number, match?: Pick<FaultSpec, 'method' | 'collection'>): void;
    htmlErrorNext(n: number, status?: number, match?: Pick<FaultSpec, 'method' | 'collection'>): void;
    latencyNext(n: number, ms: number, match?: Pick<FaultSpec, 'method' | 'collection'>): void;
    /** Latency for every request from now on. */
    setLatency(ms: number): void;
    clear(): void;
  };
  /** `schema.field` of every field the client's requests named (select, where, orderby, expand, bodies). */
  fieldUsage(): string[];
  /** Messages the emulated ABRA automation server sent (emailsents records that reached SentState 1). */
  sentMails(): SentMail[];
  stop(): Promise<void>;
}

/** The user's own ABRA e-mail account for a mailbox (an ABRA admin sets it up; the archive finds it by address). */
export function addMailboxAccount(abra: Pick<AbraEmulator, 'control' | 'currentUserId'>, email: string): Obj {
  return abra.control.insert('emailaccounts', {
    name: 'Schránka',
    emailaddress: email,
    owner_id: abra.currentUserId,
    accounttype: 0,
  });
}

export async function startAbraEmulator(opts: AbraEmulatorOptions = {}): Promise<AbraEmulator> {
  const store = new AbraStore({
    personAuditDates: opts.personAuditDates ?? false,
    listShape: opts.listShape ?? 'ids',
    mailMessageIdField: opts.mail?.messageIdField ?? false,
  });
  if (opts.mail?.sentStatesOnCreate) store.sentStatesOnCreate = opts.mail.sentStatesOnCreate;
  if (opts.now !== undefined) store.setNow(opts.now);
  const { users, apiUser } = seed(store, {
    seed: opts.seed ?? 1,
    size: opts.size ?? 'small',
    now: store.now(),
  });
  seedMailAccounts(store);
  const connection = opts.connection ?? 'demo';
  const server = new AbraServer({ store, connection, users: () => users, latencyMs: opts.latencyMs });
  const port = await server.listen(opts.port ?? 0);
  let actor = users[1]?.id ?? apiUser.id;
  const asUser = <T>(fn: () => T): T => {
    store.actingUserId = actor;
    return fn();
  };
  const lc = (c: string) => c.toLowerCase();
  const control: AbraControl = {
    insert: (c, o) => structuredClone(asUser(() => store.create(lc(c), o))),
    update: (c, id, p) => structuredClone(asUser(() => store.update(lc(c), id, p))),
    remove: (c, id) => asUser(() => store.remove(lc(c), id)),
    get: (c, id) => {
      const o = store.getRaw(lc(c), id);
      return o ? structuredClone(o) : undefined;
    },
    list: (c, where) => store.query(lc(c), where ? { where } : {}, undefined, false),
    insertOwned: (c, id, owned, row) =>
      structuredClone(asUser(() => store.createOwned(lc(c), id, lc(owned), row))),
    updateOwned: (c, id, owned, rowId, p) =>
      structuredClone(asUser(() => store.updateOwned(lc(c), id, lc(owned), rowId, p))),
    removeOwned: (c, id, owned, rowId) => asUser(() => store.removeOwned(lc(c), id, lc(owned), rowId)),
    majorCorrection: (id, p) => structuredClone(asUser(() => store.majorCorrection(id, p ?? {}))),
    actAs: (id) => {
      actor = id;
    },
    clock: {
      now: () => new Date(store.now()),
      set: (at) => store.setNow(at),
      advance: (ms) => store.advance(ms),
    },
    users: () => users.map((u) => ({ ...u })),
    hideFromDocs: (sf) => {
      store.hiddenFromDocs.add(sf.toLowerCase());
    },
    showInDocs: (sf) => {
      store.hiddenFromDocs.delete(sf.toLowerCase());
    },
    requireField: (sf, rule) => {
      store.required.set(sf.toLowerCase(), rule);
    },
    addUserField: (schema, field, kind) => store.addUserField(schema, field, kind),
  };
  const match = (m?: Pick<FaultSpec, 'method' | 'collection' | 'retryAfterSec'>) => ({ ...(m ?? {}) });
  return {
    url: `http://127.0.0.1:${port}/${connection}`,
    user: apiUser.login,
    password: apiUser.password,
    token: apiUser.token,
    currentUserId: apiUser.id,
    connection,
    port,
    control,
    log: {
      entries: () => server.log,
      counts: () => {
        const out: Record<string, number> = {};
        for (const e of server.log) {
          const k = `${e.method} ${e.collection}`;
          out[k] = (out[k] ?? 0) + 1;
        }
        return out;
      },
      total: () => server.log.length,
      reset: () => {
        server.log.length = 0;
      },
    },
    faults: {
      inject: (f) => server.inject(f),
      failNext: (n, status = 500, m) => server.inject({ kind: 'status', times: n, status, ...match(m) }),
      resetNext: (n, m) => server.inject({ kind: 'reset', times: n, ...match(m) }),
      slowBodyNext: (n, ms, m) => server.inject({ kind: 'slowBody', times: n, ms, ...match(m) }),
      malformedNext: (n, m) => server.inject({ kind: 'malformedJson', times: n, ...match(m) }),
      htmlErrorNext: (n, status = 502, m) =>
        server.inject({ kind: 'htmlError', times: n, status, ...match(m) }),
      latencyNext: (n, ms, m) => server.inject({ kind: 'latency', times: n, ms, ...match(m) }),
      setLatency: (ms) => {
        server.latencyMs = ms;
      },
      clear: () => server.clearFaults(),
    },
    fieldUsage: () => [...store.usage].sort(),
    sentMails: () => store.sentLog.map((x) => ({ ...x })),
    stop: () => server.close(),
  };
}
