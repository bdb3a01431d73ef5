/** Small keyed values: the state's meta entries and each part's cursors (change marks, flags). */
import type { PartName } from '../config';
import type { Database } from './sqlite';

export class CursorTable {
  constructor(private readonly db: Database) {}

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
}
