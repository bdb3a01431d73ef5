/**
 * A state file as version 1 of the store wrote it (schema version 1), for the migration tests: the store's tables
 * of that version and — when the e-mail archive had run — its tables exactly as the mail part created them itself
 * then (`src-main/sync/parts/mail-state.ts` before they joined the store's schema). Copied here on purpose: the
 * fixture must stay what old files are, whatever the code's DDL becomes.
 */
import { openDatabase } from '../../src-main/sync/state/sqlite';

const STORE_V1 = `
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

const MAIL_V1 = `
CREATE TABLE IF NOT EXISTS mail_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  collection TEXT NOT NULL,
  abra_email_id TEXT NOT NULL,
  abra_activity_id TEXT,
  direction TEXT NOT NULL,
  subject TEXT NOT NULL,
  address TEXT NOT NULL,
  date TEXT NOT NULL,
  firm_id TEXT,
  person_id TEXT,
  status TEXT NOT NULL,
  archived_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_messages_status ON mail_messages (status, address);
CREATE TABLE IF NOT EXISTS mail_rules (
  address TEXT PRIMARY KEY, firm_id TEXT NOT NULL, person_id TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mail_unreadable (
  message_id TEXT PRIMARY KEY, subject TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL
);
`;

/** One archived message as version 1 stored it. */
export interface V1Mail {
  messageId: string;
  collection: string;
  emailId: string;
  activityId: string | null;
  direction: 'received' | 'sent';
  subject: string;
  address: string;
  date: string;
  firmId: string | null;
  personId: string | null;
  status: 'assigned' | 'unassigned' | 'ignored';
}

/**
 * Write a version-1 state file: one address-book link, and with `mail` the archive's tables holding these archived
 * messages, a manual rule and one message given up for good. (`mail: null`: the archive never ran — no mail tables.)
 */
export function writeV1StateFile(file: string, mail: V1Mail[] | null): void {
  const db = openDatabase(file);
  db.transaction(() => {
    db.exec(STORE_V1);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schemaVersion', '1');
    db.prepare(
      `INSERT INTO links (part, abra_id, ex_id, ex_key, abra_version, ex_change_key, abra_hash, ex_hash, record,
         series_key, name, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      'addressBook',
      'F000000001',
      'AAMk1',
      'AAMk1',
      '3',
      'CK1',
      'h1',
      'h1',
      '{"name":"ACME"}',
      null,
      'ACME',
      'x',
    );
    if (!mail) return;
    db.exec(MAIL_V1);
    const ins = db.prepare(
      `INSERT INTO mail_messages (message_id, collection, abra_email_id, abra_activity_id, direction, subject, address,
         date, firm_id, person_id, status, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const m of mail)
      ins.run(
        m.messageId,
        m.collection,
        m.emailId,
        m.activityId,
        m.direction,
        m.subject,
        m.address,
        m.date,
        m.firmId,
        m.personId,
        m.status,
        '2026-11-30T10:00:00.000Z',
      );
    db.prepare('INSERT INTO mail_rules (address, firm_id, person_id, created_at) VALUES (?, ?, ?, ?)').run(
      'petr@kovo-brno.cz',
      'FIRM000001',
      null,
      '2026-11-30T10:00:00.000Z',
    );
    db.prepare('INSERT INTO mail_unreadable (message_id, subject, reason, at) VALUES (?, ?, ?, ?)').run(
      '<huge@example.cz>',
      'Obří zpráva',
      'took longer than 5 s',
      '2026-11-30T10:00:00.000Z',
    );
  });
  db.close();
}
