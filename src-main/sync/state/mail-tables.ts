/**
 * The e-mail archive's own tables in the profile's state file: which messages (by Internet Message-ID) are archived
 * as which ABRA records, which wait for a manual assignment, the address → firm rules the user made, and the
 * messages given up for good. The tables are part of the store's schema (store.ts creates them — schema version 2 —
 * and migrates a version-1 file, whose mail tables, when it has them, were made by the mail part with this same DDL);
 * this class only reads and writes their rows.
 */
import type { UnassignedMail } from '../api';
import type { Database } from './sqlite';

/** The tables as the mail part created them before they joined the store's schema (kept byte-for-byte: see above). */
export const MAIL_TABLES = `
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

export interface MailRow {
  id: number;
  messageId: string;
  collection: string;
  abraEmailId: string;
  abraActivityId: string | null;
  direction: 'received' | 'sent';
  subject: string;
  address: string;
  date: string;
  firmId: string | null;
  personId: string | null;
  /** `assigned`: a firm (or person) is set; `unassigned`: waits in the queue. */
  status: 'assigned' | 'unassigned' | 'ignored';
}

interface DbRow {
  id: number;
  message_id: string;
  collection: string;
  abra_email_id: string;
  abra_activity_id: string | null;
  direction: 'received' | 'sent';
  subject: string;
  address: string;
  date: string;
  firm_id: string | null;
  person_id: string | null;
  status: 'assigned' | 'unassigned' | 'ignored';
}

const toRow = (r: DbRow): MailRow => ({
  id: r.id,
  messageId: r.message_id,
  collection: r.collection,
  abraEmailId: r.abra_email_id,
  abraActivityId: r.abra_activity_id,
  direction: r.direction,
  subject: r.subject,
  address: r.address,
  date: r.date,
  firmId: r.firm_id,
  personId: r.person_id,
  status: r.status,
});

export class MailTables {
  constructor(private readonly db: Database) {}

  get(messageId: string): MailRow | null {
    const r = this.db.prepare('SELECT * FROM mail_messages WHERE message_id = ?').get<DbRow>(messageId);
    return r ? toRow(r) : null;
  }

  byId(id: number): MailRow | null {
    const r = this.db.prepare('SELECT * FROM mail_messages WHERE id = ?').get<DbRow>(id);
    return r ? toRow(r) : null;
  }

  put(m: Omit<MailRow, 'id'>): void {
    this.db
      .prepare(
        `INSERT INTO mail_messages (message_id, collection, abra_email_id, abra_activity_id, direction, subject, address, date,
           firm_id, person_id, status, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(message_id) DO UPDATE SET collection = excluded.collection, abra_email_id = excluded.abra_email_id,
           abra_activity_id = excluded.abra_activity_id, firm_id = excluded.firm_id, person_id = excluded.person_id,
           status = excluded.status`,
      )
      .run(
        m.messageId,
        m.collection,
        m.abraEmailId,
        m.abraActivityId,
        m.direction,
        m.subject,
        m.address,
        m.date,
        m.firmId,
        m.personId,
        m.status,
        new Date().toISOString(),
      );
  }

  /** A message given up for good (its MIME could not be read within the limits): never read again. */
  unreadable(messageId: string): { reason: string; at: string } | null {
    const r = this.db
      .prepare('SELECT reason, at FROM mail_unreadable WHERE message_id = ?')
      .get<{ reason: string; at: string }>(messageId);
    return r ? { reason: r.reason, at: r.at } : null;
  }

  putUnreadable(messageId: string, subject: string, reason: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO mail_unreadable (message_id, subject, reason, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(message_id) DO UPDATE SET subject = excluded.subject, reason = excluded.reason, at = excluded.at`,
      )
      .run(messageId, subject, reason, at);
  }

  setAssignment(id: number, firmId: string | null, personId: string | null): void {
    this.db
      .prepare('UPDATE mail_messages SET firm_id = ?, person_id = ?, status = ? WHERE id = ?')
      .run(firmId, personId, firmId || personId ? 'assigned' : 'unassigned', id);
  }

  /** The user ignores an unassigned message: it leaves the queue (the activity in ABRA stays as archived). */
  ignore(id: number): boolean {
    const r = this.db
      .prepare("UPDATE mail_messages SET status = 'ignored' WHERE id = ? AND status = 'unassigned'")
      .run(id);
    return Number(r.changes) > 0;
  }

  unassigned(address?: string): MailRow[] {
    const rows = address
      ? this.db
          .prepare(
            "SELECT * FROM mail_messages WHERE status = 'unassigned' AND address = ? ORDER BY date, id",
          )
          .all<DbRow>(address)
      : this.db
          .prepare("SELECT * FROM mail_messages WHERE status = 'unassigned' ORDER BY date DESC, id DESC")
          .all<DbRow>();
    return rows.map(toRow);
  }

  listUnassigned(): UnassignedMail[] {
    return this.unassigned().map((r) => ({
      id: r.id,
      internetMessageId: r.messageId,
      subject: r.subject,
      address: r.address,
      direction: r.direction,
      date: r.date,
      abraActivityId: r.abraActivityId ?? undefined,
    }));
  }

  countUnassigned(): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM mail_messages WHERE status = 'unassigned'")
        .get<{ n: number }>()?.n ?? 0
    );
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) AS n FROM mail_messages').get<{ n: number }>()?.n ?? 0;
  }

  rules(): Map<string, { address: string; firmId: string; personId: string | null }> {
    const rows = this.db
      .prepare('SELECT address, firm_id, person_id FROM mail_rules')
      .all<{ address: string; firm_id: string; person_id: string | null }>();
    return new Map(
      rows.map((r) => [r.address, { address: r.address, firmId: r.firm_id, personId: r.person_id }]),
    );
  }

  putRule(address: string, firmId: string, personId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO mail_rules (address, firm_id, person_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(address) DO UPDATE SET firm_id = excluded.firm_id, person_id = excluded.person_id`,
      )
      .run(address, firmId, personId, new Date().toISOString());
  }
}
