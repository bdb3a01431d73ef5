/**
 * Write-ahead records: a create is recorded (an intent) before it is sent, so a crash in between is adopted, not
 * repeated; and the stamps still to write back on Exchange items copied to ABRA.
 */
import type { Side } from '../api';
import type { PartName } from '../config';
import type { CommonRecord } from '../record';
import type { Database } from './sqlite';

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

export class IntentTable {
  constructor(private readonly db: Database) {}

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
    this.db.txnFacts?.set(intentsOf(part, side), true);
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
    if (!this.mayHaveIntents(part, side)) return;
    this.db
      .prepare('DELETE FROM intents WHERE part = ? AND side = ? AND source_key = ?')
      .run(part, side, sourceKey);
  }

  /**
   * False when the part has no intents on that side — looked up once per transaction, so a batch of links does not
   * run a DELETE per item for intents that cannot exist (the ABRA side's, on a run that creates only in Exchange).
   * Outside a transaction: true (just delete).
   */
  private mayHaveIntents(part: PartName, side: Side): boolean {
    const facts = this.db.txnFacts;
    if (!facts) return true;
    const key = intentsOf(part, side);
    let has = facts.get(key);
    if (has === undefined) {
      has = !!this.db
        .prepare('SELECT 1 AS x FROM intents WHERE part = ? AND side = ? LIMIT 1')
        .get(part, side);
      facts.set(key, has);
    }
    return has;
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
}

const intentsOf = (part: PartName, side: Side) => `intents\u0000${part}\u0000${side}`;
