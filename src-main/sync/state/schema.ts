/** The state file's schema: the tables of a new file and the steps that migrate an older one. */
import { MAIL_TABLES } from './mail-tables';

export const SCHEMA_VERSION = 2;

export const SCHEMA = `
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
export const MIGRATIONS: Record<number, string> = {
  // 1 → 2: the e-mail archive's tables. Version 1 had the mail part create them on its first run with this same DDL,
  // so a file that has them keeps them and their rows (IF NOT EXISTS), and one that has not gets them.
  1: MAIL_TABLES,
};
