/**
 * The sync state of one profile: one SQLite file. Holds the links between ABRA records and Exchange items (with
 * both sides' versions, the hash of the mapped fields on each side and the last synced mapped record), per-part
 * cursors, run history, item failures, items to retry, pending create intents, conflicts and flips.
 *
 * Every multi-row change runs in one transaction, so a process killed at any instant leaves a consistent file.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConflictRecord, ItemFailure, RunSummary, Side } from '../api';
import type { PartName } from '../config';
import type { CommonRecord } from '../record';
import { MAIL_TABLES, MailTables } from './mail-tables';
import { type Database, openDatabase } from './sqlite';

export interface Link {
  part: PartName;
  abraId: string;
  /** Exchange item id (to write). */
  exId: string;
  /** Stable Exchange identity (= exId, or the occurrence key of a series occurrence). */
  exKey: string;
  abraVersion: string | null;
  exChangeKey: string | null;
  abraHash: string;
  exHash: string;
  /** The mapped record both sides agreed on at the last sync (base of the three-way merge). */
  record: CommonRecord;
  seriesKey: string | null;
  name: string;
  updatedAt: string;
}

export interface RetryEntry {
  part: PartName;
  side: Side;
  /** ABRA id or Exchange key. */
  id: string;
  name: string;
  reason: string;
  attempts: number;
}

export interface Intent {
  id: number;
  part: PartName;
  /** The side the create is written to. */
  side: Side;
  /** Identity on the source side: Exchange key for creates into ABRA, ABRA id for creates into Exchange. */
  sourceKey: string;
  payload: CommonRecord;
  createdAt: string;
}

export interface FieldOverride {
  part: PartName;
  abraId: string;
  field: string;
  /** The side whose value must win on the next run. */
  side: Side;
  conflictId: number;
  /** The value that must win (the losing side's value at the time of the conflict). */
  value: unknown;
}

export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS links (
  part TEXT NOT NULL, abra_id TEXT NOT NULL, ex_id TEXT NOT NULL, ex_key TEXT NOT NULL,
  abra_version TEXT, ex_change_key TEXT, abra_hash TEXT NOT NULL, ex_hash TEXT NOT NULL,
  record TEXT NOT NULL, series_key TEXT, name TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (part, abra_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS links_ex_key ON links (part, ex_key);
CREATE INDEX IF NOT EXISTS links_series ON links (part, series_key);
CREATE TABLE IF NOT EXISTS cursors (part TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (part, name));
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, part TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
  result TEXT, summary TEXT, dry_run INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER, part TEXT NOT NULL, side TEXT NOT NULL, name TEXT NOT NULL,
  reason TEXT NOT NULL, kind TEXT, abra_id TEXT, ex_id TEXT, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS retries (
  part TEXT NOT NULL, side TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, reason TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (part, side, id)
);
CREATE TABLE IF NOT EXISTS intents (
  id INTEGER PRIMARY KEY AUTOINCREMENT, part TEXT NOT NULL, side TEXT NOT NULL, source_key TEXT NOT NULL,
  payload TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (part, side, source_key)
);
CREATE TABLE IF NOT EXISTS stamps (
  part TEXT NOT NULL, ex_key TEXT NOT NULL, abra_id TEXT NOT NULL, PRIMARY KEY (part, ex_key)
);
CREATE TABLE IF NOT EXISTS conflicts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, part TEXT NOT NULL, abra_id TEXT NOT NULL, ex_id TEXT NOT NULL,
  name TEXT NOT NULL, field TEXT NOT NULL, abra_value TEXT, ex_value TEXT, winner TEXT NOT NULL, at TEXT NOT NULL,
  flipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
  part TEXT NOT NULL, abra_id TEXT NOT NULL, field TEXT NOT NULL, side TEXT NOT NULL, conflict_id INTEGER NOT NULL,
  value TEXT, PRIMARY KEY (part, abra_id, field)
);
`;

/**
 * `MIGRATIONS[v]` takes a file from schema version v to v + 1, inside the opening transaction. A new file gets
 * {@link SCHEMA} and then every step, so new and migrated files are built by the same statements.
 */
const MIGRATIONS: Record<number, string> = {
  // 1 → 2: the e-mail archive's tables. Version 1 had the mail part create them on its first run with this same DDL,
  // so a file that has them keeps them and their rows (IF NOT EXISTS), and one that has not gets them.
  1: MAIL_TABLES,
};

interface LinkRow {
  part: string;
  abra_id: string;
  ex_id: string;
  ex_key: string;
  abra_version: string | null;
  ex_change_key: string | null;
  abra_hash: string;
  ex_hash: string;
  record: string;
  series_key: string | null;
  name: string;
  updated_at: string;
}

function toLink(r: LinkRow): Link {
  return {
    part: r.part as PartName,
    abraId: r.abra_id,
    exId: r.ex_id,
    exKey: r.ex_key,
    abraVersion: r.abra_version,
    exChangeKey: r.ex_change_key,
    abraHash: r.abra_hash,
    exHash: r.ex_hash,
    record: JSON.parse(r.record) as CommonRecord,
    seriesKey: r.series_key,
    name: r.name,
    updatedAt: r.updated_at,
  };
}

export class StateStore {
  /** The e-mail archive's rows (archived messages, manual rules, unreadable messages). */
  readonly mail: MailTables;

  private constructor(readonly db: Database) {
    this.mail = new MailTables(db);
  }

  /** Opens (and creates or migrates) the state file. `:memory:` works for tests. */
  static open(file: string): StateStore {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const db = openDatabase(file);
    db.transaction(() => {
      db.exec(SCHEMA);
      const v = db.prepare('SELECT value FROM meta WHERE key = ?').get<{ value: string }>('schemaVersion');
      if (v && Number(v.value) > SCHEMA_VERSION) {
        throw new Error(
          `state file ${file} was written by a newer version (schema ${v.value}); refusing to touch it`,
        );
      }
      // a new file: version 1's tables were just made by SCHEMA, the steps bring it up like any old file
      const from = v ? Number(v.value) : 1;
      if (!Number.isInteger(from) || from < 1)
        throw new Error(
          `state file ${file} has an unreadable schema version (${v?.value}); refusing to touch it`,
        );
      if (from === SCHEMA_VERSION) return; // opened before by this version: nothing to do
      for (let step = from; step < SCHEMA_VERSION; step++) {
        const sql = MIGRATIONS[step];
        if (sql === undefined) throw new Error(`state file ${file}: no migration from schema ${step}`);
        db.exec(sql);
      }
      db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ).run('schemaVersion', String(SCHEMA_VERSION));
    });
    return new StateStore(db);
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  // ---- meta ----
  getMeta(key: string): string | null {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').get<{ value: string }>(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  // ---- links ----
  getLink(part: PartName, abraId: string): Link | null {
    const r = this.db
      .prepare('SELECT * FROM links WHERE part = ? AND abra_id = ?')
      .get<LinkRow>(part, abraId);
    return r ? toLink(r) : null;
  }

  getLinkByExKey(part: PartName, exKey: string): Link | null {
    const r = this.db.prepare('SELECT * FROM links WHERE part = ? AND ex_key = ?').get<LinkRow>(part, exKey);
    return r ? toLink(r) : null;
  }

  getLinkByExId(part: PartName, exId: string): Link | null {
    const r = this.db.prepare('SELECT * FROM links WHERE part = ? AND ex_id = ?').get<LinkRow>(part, exId);
    return r ? toLink(r) : null;
  }

  listLinks(part: PartName): Link[] {
    return this.db
      .prepare('SELECT * FROM links WHERE part = ? ORDER BY abra_id')
      .all<LinkRow>(part)
      .map(toLink);
  }

  linksOfSeries(part: PartName, seriesKey: string): Link[] {
    return this.db
      .prepare('SELECT * FROM links WHERE part = ? AND series_key = ?')
      .all<LinkRow>(part, seriesKey)
      .map(toLink);
  }

  countLinks(part: PartName): number {
    return this.db.prepare('SELECT COUNT(*) AS n FROM links WHERE part = ?').get<{ n: number }>(part)?.n ?? 0;
  }

  putLink(l: Omit<Link, 'updatedAt'>): void {
    this.db.transaction(() => {
      // A key can only belong to one link: a stale row for the same Exchange key (e.g. a major-corrected firm) goes.
      this.db
        .prepare('DELETE FROM links WHERE part = ? AND ex_key = ? AND abra_id <> ?')
        .run(l.part, l.exKey, l.abraId);
      this.db
        .prepare(
          `INSERT INTO links (part, abra_id, ex_id, ex_key, abra_version, ex_change_key, abra_hash, ex_hash, record, series_key, name, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(part, abra_id) DO UPDATE SET ex_id = excluded.ex_id, ex_key = excluded.ex_key,
             abra_version = excluded.abra_version, ex_change_key = excluded.ex_change_key, abra_hash = excluded.abra_hash,
             ex_hash = excluded.ex_hash, record = excluded.record, series_key = excluded.series_key, name = excluded.name,
             updated_at = excluded.updated_at`,
        )
        .run(
          l.part,
          l.abraId,
          l.exId,
          l.exKey,
          l.abraVersion,
          l.exChangeKey,
          l.abraHash,
          l.exHash,
          JSON.stringify(l.record),
          l.seriesKey,
          l.name,
          new Date().toISOString(),
        );
    });
  }

  deleteLink(part: PartName, abraId: string): void {
    this.db.prepare('DELETE FROM links WHERE part = ? AND abra_id = ?').run(part, abraId);
  }

  // ---- cursors ----
  getCursor(part: PartName, name: string): string | null {
    return (
      this.db
        .prepare('SELECT value FROM cursors WHERE part = ? AND name = ?')
        .get<{ value: string }>(part, name)?.value ?? null
    );
  }

  setCursor(part: PartName, name: string, value: string | null): void {
    if (value === null) {
      this.db.prepare('DELETE FROM cursors WHERE part = ? AND name = ?').run(part, name);
      return;
    }
    this.db
      .prepare(
        'INSERT INTO cursors (part, name, value) VALUES (?, ?, ?) ON CONFLICT(part, name) DO UPDATE SET value = excluded.value',
      )
      .run(part, name, value);
  }

  clearCursors(part: PartName): void {
    this.db.prepare('DELETE FROM cursors WHERE part = ?').run(part);
  }

  // ---- runs and failures ----
  startRun(part: PartName, dryRun: boolean): number {
    const r = this.db
      .prepare('INSERT INTO runs (part, started_at, dry_run) VALUES (?, ?, ?)')
      .run(part, new Date().toISOString(), dryRun ? 1 : 0);
    return Number(r.lastInsertRowid);
  }

  finishRun(summary: RunSummary): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE runs SET finished_at = ?, result = ?, summary = ? WHERE id = ?')
        .run(summary.finishedAt, summary.result, JSON.stringify(summary), summary.runId);
      const ins = this.db.prepare(
        'INSERT INTO failures (run_id, part, side, name, reason, kind, abra_id, ex_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const f of summary.failures) {
        ins.run(
          summary.runId,
          f.part,
          f.side,
          f.name,
          f.reason,
          f.kind ?? null,
          f.abraId ?? null,
          f.exchangeId ?? null,
          f.at,
        );
      }
      // Keep the history bounded.
      this.db.prepare('DELETE FROM runs WHERE id <= (SELECT MAX(id) FROM runs) - 2000').run();
      this.db.prepare('DELETE FROM failures WHERE id <= (SELECT MAX(id) FROM failures) - 5000').run();
    });
  }

  listRuns(limit = 50, part?: PartName): RunSummary[] {
    const rows = part
      ? this.db
          .prepare('SELECT summary FROM runs WHERE summary IS NOT NULL AND part = ? ORDER BY id DESC LIMIT ?')
          .all<{ summary: string }>(part, limit)
      : this.db
          .prepare('SELECT summary FROM runs WHERE summary IS NOT NULL ORDER BY id DESC LIMIT ?')
          .all<{ summary: string }>(limit);
    return rows.map((r) => JSON.parse(r.summary) as RunSummary);
  }

  lastSuccess(part: PartName): string | null {
    return (
      this.db
        .prepare(
          "SELECT finished_at FROM runs WHERE part = ? AND dry_run = 0 AND result IN ('ok', 'partial') ORDER BY id DESC LIMIT 1",
        )
        .get<{ finished_at: string }>(part)?.finished_at ?? null
    );
  }

  listFailures(limit = 200): ItemFailure[] {
    return this.db
      .prepare(
        'SELECT part, side, name, reason, kind, abra_id, ex_id, at FROM failures ORDER BY id DESC LIMIT ?',
      )
      .all<{
        part: PartName;
        side: Side;
        name: string;
        reason: string;
        kind: string | null;
        abra_id: string | null;
        ex_id: string | null;
        at: string;
      }>(limit)
      .map((r) => ({
        part: r.part,
        side: r.side,
        name: r.name,
        reason: r.reason,
        kind: r.kind ?? undefined,
        abraId: r.abra_id ?? undefined,
        exchangeId: r.ex_id ?? undefined,
        at: r.at,
      }));
  }

  // ---- retries: items whose change could not be applied; re-read and retried next run ----
  addRetry(part: PartName, side: Side, id: string, name: string, reason: string): void {
    this.db
      .prepare(
        `INSERT INTO retries (part, side, id, name, reason) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(part, side, id) DO UPDATE SET attempts = attempts + 1, reason = excluded.reason, name = excluded.name`,
      )
      .run(part, side, id, name, reason);
  }

  listRetries(part: PartName, side?: Side): RetryEntry[] {
    const rows = side
      ? this.db.prepare('SELECT * FROM retries WHERE part = ? AND side = ?').all<RetryEntry>(part, side)
      : this.db.prepare('SELECT * FROM retries WHERE part = ?').all<RetryEntry>(part);
    return rows.map((r) => ({ ...r }));
  }

  clearRetry(part: PartName, side: Side, id: string): void {
    this.db.prepare('DELETE FROM retries WHERE part = ? AND side = ? AND id = ?').run(part, side, id);
  }

  // ---- intents: a create is recorded before it is sent, so a crash in between is adopted, not repeated ----
  /** `at`: when the create is sent (a repeated attempt moves it: crash recovery looks for records made then). */
  addIntent(
    part: PartName,
    side: Side,
    sourceKey: string,
    payload: CommonRecord,
    at: string = new Date().toISOString(),
  ): number {
    const r = this.db
      .prepare(
        `INSERT INTO intents (part, side, source_key, payload, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(part, side, source_key) DO UPDATE SET payload = excluded.payload, created_at = excluded.created_at
         RETURNING id`,
      )
      .get<{ id: number }>(part, side, sourceKey, JSON.stringify(payload), at);
    return r?.id ?? 0;
  }

  listIntents(part: PartName, side?: Side): Intent[] {
    const rows = (
      side
        ? this.db.prepare('SELECT * FROM intents WHERE part = ? AND side = ? ORDER BY id').all(part, side)
        : this.db.prepare('SELECT * FROM intents WHERE part = ? ORDER BY id').all(part)
    ) as {
      id: number;
      part: PartName;
      side: Side;
      source_key: string;
      payload: string;
      created_at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      part: r.part,
      side: r.side,
      sourceKey: r.source_key,
      payload: JSON.parse(r.payload) as CommonRecord,
      createdAt: r.created_at,
    }));
  }

  removeIntent(part: PartName, side: Side, sourceKey: string): void {
    this.db
      .prepare('DELETE FROM intents WHERE part = ? AND side = ? AND source_key = ?')
      .run(part, side, sourceKey);
  }

  // ---- stamps: Exchange items copied to ABRA that still need their AbraId stamp written back ----
  addStamp(part: PartName, exKey: string, abraId: string): void {
    this.db
      .prepare(
        `INSERT INTO stamps (part, ex_key, abra_id) VALUES (?, ?, ?)
         ON CONFLICT(part, ex_key) DO UPDATE SET abra_id = excluded.abra_id`,
      )
      .run(part, exKey, abraId);
  }

  listStamps(part: PartName): { exKey: string; abraId: string }[] {
    return (
      this.db.prepare('SELECT ex_key, abra_id FROM stamps WHERE part = ? ORDER BY ex_key').all(part) as {
        ex_key: string;
        abra_id: string;
      }[]
    ).map((r) => ({ exKey: r.ex_key, abraId: r.abra_id }));
  }

  removeStamp(part: PartName, exKey: string): void {
    this.db.prepare('DELETE FROM stamps WHERE part = ? AND ex_key = ?').run(part, exKey);
  }

  // ---- conflicts and flips ----
  addConflict(c: Omit<ConflictRecord, 'id' | 'at'>): number {
    const r = this.db
      .prepare(
        'INSERT INTO conflicts (part, abra_id, ex_id, name, field, abra_value, ex_value, winner, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        c.part,
        c.abraId,
        c.exchangeId,
        c.name,
        c.field,
        JSON.stringify(c.abraValue ?? null),
        JSON.stringify(c.exchangeValue ?? null),
        c.winner,
        new Date().toISOString(),
      );
    return Number(r.lastInsertRowid);
  }

  listConflicts(limit = 200): ConflictRecord[] {
    return this.db
      .prepare('SELECT * FROM conflicts WHERE flipped = 0 ORDER BY id DESC LIMIT ?')
      .all<{
        id: number;
        part: PartName;
        abra_id: string;
        ex_id: string;
        name: string;
        field: string;
        abra_value: string;
        ex_value: string;
        winner: Side;
        at: string;
      }>(limit)
      .map((r) => ({
        id: r.id,
        part: r.part,
        abraId: r.abra_id,
        exchangeId: r.ex_id,
        name: r.name,
        field: r.field,
        abraValue: JSON.parse(r.abra_value) as unknown,
        exchangeValue: JSON.parse(r.ex_value) as unknown,
        winner: r.winner,
        at: r.at,
      }));
  }

  /** Records that the other side's value of conflict `id` must win; applied by the next run of the part. */
  flipConflict(id: number): FieldOverride {
    return this.db.transaction(() => {
      const c = this.listConflicts(100000).find((x) => x.id === id);
      if (!c) throw new Error(`no open conflict with id ${id}`);
      const side: Side = c.winner === 'abra' ? 'exchange' : 'abra';
      const value = side === 'abra' ? c.abraValue : c.exchangeValue;
      this.db
        .prepare(
          `INSERT INTO overrides (part, abra_id, field, side, conflict_id, value) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(part, abra_id, field) DO UPDATE SET side = excluded.side, conflict_id = excluded.conflict_id,
             value = excluded.value`,
        )
        .run(c.part, c.abraId, c.field, side, id, JSON.stringify(value ?? null));
      this.db.prepare('UPDATE conflicts SET flipped = 1 WHERE id = ?').run(id);
      return { part: c.part, abraId: c.abraId, field: c.field, side, conflictId: id, value };
    });
  }

  listOverrides(part: PartName): FieldOverride[] {
    return this.db
      .prepare('SELECT part, abra_id, field, side, conflict_id, value FROM overrides WHERE part = ?')
      .all<{
        part: PartName;
        abra_id: string;
        field: string;
        side: Side;
        conflict_id: number;
        value: string | null;
      }>(part)
      .map((r) => ({
        part: r.part,
        abraId: r.abra_id,
        field: r.field,
        side: r.side,
        conflictId: r.conflict_id,
        value: r.value === null ? null : (JSON.parse(r.value) as unknown),
      }));
  }

  clearOverride(part: PartName, abraId: string, field: string): void {
    this.db
      .prepare('DELETE FROM overrides WHERE part = ? AND abra_id = ? AND field = ?')
      .run(part, abraId, field);
  }
}
