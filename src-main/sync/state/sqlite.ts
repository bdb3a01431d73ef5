/**
 * A minimal synchronous SQLite handle over whichever driver this runtime has:
 * - `node:sqlite` (Node ≥ 22.13, and so Electron ≥ 40 which embeds Node 24) — the packaged app uses this, so it
 *   ships no native module;
 * - `better-sqlite3` (a devDependency) on Node 20, where `node:sqlite` does not exist.
 * Both expose prepare/run/get/all with positional parameters; transactions are plain BEGIN/COMMIT here.
 */
import { createRequire } from 'node:module';

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface Statement {
  run(...params: SqlValue[]): { changes: number; lastInsertRowid: number | bigint };
  get<T = Record<string, unknown>>(...params: SqlValue[]): T | undefined;
  all<T = Record<string, unknown>>(...params: SqlValue[]): T[];
}

export interface Database {
  readonly driver: 'node:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
  prepare(sql: string): Statement;
  /** Runs `fn` in one IMMEDIATE transaction; rolls back if it throws. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
  /**
   * Facts a table may keep until the current (outermost) transaction ends, e.g. "this part has no retries": inside
   * BEGIN IMMEDIATE this connection is the only writer, so what it read stays true until it writes itself (and the
   * table that writes updates the fact). Null outside a transaction; dropped at COMMIT and ROLLBACK. Lets a batch of
   * links skip the DELETEs of rows that cannot exist (issue #17).
   */
  readonly txnFacts: Map<string, boolean> | null;
  close(): void;
}

const require = createRequire(import.meta.url);

interface RawStatement {
  run(...p: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...p: unknown[]): unknown;
  all(...p: unknown[]): unknown[];
}
interface RawDb {
  exec(sql: string): unknown;
  prepare(sql: string): RawStatement;
  close(): unknown;
}

function openRaw(file: string): { raw: RawDb; driver: Database['driver'] } {
  const forced = process.env.ABRA_SYNC_SQLITE_DRIVER;
  if (forced !== 'better-sqlite3') {
    try {
      const mod = require('node:sqlite') as { DatabaseSync: new (f: string) => RawDb };
      return { raw: new mod.DatabaseSync(file), driver: 'node:sqlite' };
    } catch (e) {
      if (forced === 'node:sqlite') throw e;
    }
  }
  const BetterSqlite = require('better-sqlite3') as new (f: string) => RawDb;
  return { raw: new BetterSqlite(file), driver: 'better-sqlite3' };
}

export function openDatabase(file: string, opts: { plain?: boolean } = {}): Database {
  const { raw, driver } = openRaw(file);
  const rollback = () => {
    try {
      raw.exec('ROLLBACK');
    } catch {
      // the transaction may already be gone (e.g. SQLITE_FULL); the original error matters
    }
  };
  const cache = new Map<string, Statement>();
  let depth = 0;
  let facts: Map<string, boolean> | null = null;
  const db: Database = {
    driver,
    get txnFacts() {
      return facts;
    },
    exec(sql) {
      raw.exec(sql);
    },
    prepare(sql) {
      let st = cache.get(sql);
      if (!st) {
        const r = raw.prepare(sql);
        st = {
          run: (...p) => {
            const res = r.run(...p);
            return { changes: Number(res.changes), lastInsertRowid: res.lastInsertRowid };
          },
          get: <T>(...p: SqlValue[]) => (r.get(...p) ?? undefined) as T | undefined,
          all: <T>(...p: SqlValue[]) => r.all(...p) as T[],
        };
        cache.set(sql, st);
      }
      return st;
    },
    transaction(fn) {
      if (depth > 0) return fn();
      raw.exec('BEGIN IMMEDIATE');
      depth++;
      facts = new Map();
      let out: ReturnType<typeof fn>;
      try {
        out = fn();
      } catch (e) {
        depth--;
        facts = null;
        rollback();
        throw e;
      }
      depth--;
      facts = null;
      try {
        raw.exec('COMMIT');
      } catch (e) {
        // a COMMIT that fails (a full disk, a busy file) leaves the transaction open: end it (depth is already back)
        rollback();
        throw e;
      }
      return out;
    },
    close() {
      cache.clear();
      raw.close();
    },
  };
  // `plain`: the caller sets its own pragmas (the state lock: rollback journal, no busy wait).
  if (opts.plain) return db;
  // WAL + NORMAL: a killed process never corrupts the file and loses at most nothing that was committed.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  return db;
}
