/** The run history, the item failures of each run, and the items to retry on the next run. */
import type { ItemFailure, RunSummary, Side } from '../api';
import type { PartName } from '../config';
import type { Database } from './sqlite';

export interface RetryEntry {
  part: PartName;
  side: Side;
  /** ABRA id or Exchange key. */
  id: string;
  name: string;
  reason: string;
  attempts: number;
}

export class RunTable {
  constructor(private readonly db: Database) {}

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
    this.db.txnFacts?.set(retriesOf(part, side), true);
  }

  listRetries(part: PartName, side?: Side): RetryEntry[] {
    const rows = side
      ? this.db.prepare('SELECT * FROM retries WHERE part = ? AND side = ?').all<RetryEntry>(part, side)
      : this.db.prepare('SELECT * FROM retries WHERE part = ?').all<RetryEntry>(part);
    return rows.map((r) => ({ ...r }));
  }

  clearRetry(part: PartName, side: Side, id: string): void {
    if (!this.mayHaveRetries(part, side)) return;
    this.db.prepare('DELETE FROM retries WHERE part = ? AND side = ? AND id = ?').run(part, side, id);
  }

  /**
   * False when the part has no retries on that side — looked up once per transaction: a batch of written items
   * clears its retries with one query instead of two DELETEs per item. Outside a transaction: true (just delete).
   */
  private mayHaveRetries(part: PartName, side: Side): boolean {
    const facts = this.db.txnFacts;
    if (!facts) return true;
    const key = retriesOf(part, side);
    let has = facts.get(key);
    if (has === undefined) {
      has = !!this.db
        .prepare('SELECT 1 AS x FROM retries WHERE part = ? AND side = ? LIMIT 1')
        .get(part, side);
      facts.set(key, has);
    }
    return has;
  }
}

const retriesOf = (part: PartName, side: Side) => `retries\u0000${part}\u0000${side}`;
