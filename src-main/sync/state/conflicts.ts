/** Conflicts (which side won which field) and flips (the user's choice that the other side must win next run). */
import type { ConflictRecord, Side } from '../api';
import type { PartName } from '../config';
import type { Database } from './sqlite';

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

export class ConflictTable {
  constructor(private readonly db: Database) {}

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
