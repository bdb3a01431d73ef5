/**
 * The sync state of one profile: one SQLite file. Holds the links between ABRA records and Exchange items (with
 * both sides' versions, the hash of the mapped fields on each side and the last synced mapped record), per-part
 * cursors, run history, item failures, items to retry, pending create intents, conflicts and flips.
 *
 * Every multi-row change runs in one transaction, so a process killed at any instant leaves a consistent file.
 *
 * A facade over one class per concept, each in its own file: `links.ts`, `cursors.ts` (meta and cursors), `runs.ts`
 * (runs, failures, retries), `intents.ts` (intents and stamps), `conflicts.ts` (conflicts and flips); the schema and
 * its migrations in `schema.ts`, the e-mail archive's rows in `mail-tables.ts`.
 */
import { mkdirSync } from 'node:fs';

import path from 'node:path';
import type { ConflictRecord, ItemFailure, RunSummary, Side } from '../api';
import type { PartName } from '../config';
import type { CommonRecord } from '../record';
import { ConflictTable, type FieldOverride } from './conflicts';
import { CursorTable } from './cursors';
import { type Intent, IntentTable } from './intents';
import { type Link, LinkTable } from './links';
import { MailTables } from './mail-tables';
import { type RetryEntry, RunTable } from './runs';
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION } from './schema';
import { type Database, openDatabase } from './sqlite';

export type { FieldOverride } from './conflicts';
export type { Intent } from './intents';
export type { Link } from './links';
export type { RetryEntry } from './runs';
export { SCHEMA_VERSION } from './schema';

export class StateStore {
  /** The e-mail archive's rows (archived messages, manual rules, unreadable messages). */
  readonly mail: MailTables;
  private readonly cursors: CursorTable;
  private readonly links: LinkTable;
  private readonly runs: RunTable;
  private readonly intents: IntentTable;
  private readonly conflicts: ConflictTable;

  private constructor(readonly db: Database) {
    this.mail = new MailTables(db);
    this.cursors = new CursorTable(db);
    this.links = new LinkTable(db);
    this.runs = new RunTable(db);
    this.intents = new IntentTable(db);
    this.conflicts = new ConflictTable(db);
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
    return this.cursors.getMeta(key);
  }

  setMeta(key: string, value: string): void {
    this.cursors.setMeta(key, value);
  }

  // ---- cursors ----
  getCursor(part: PartName, name: string): string | null {
    return this.cursors.getCursor(part, name);
  }

  setCursor(part: PartName, name: string, value: string | null): void {
    this.cursors.setCursor(part, name, value);
  }

  clearCursors(part: PartName): void {
    this.cursors.clearCursors(part);
  }

  // ---- links ----
  getLink(part: PartName, abraId: string): Link | null {
    return this.links.getLink(part, abraId);
  }

  getLinkByExKey(part: PartName, exKey: string): Link | null {
    return this.links.getLinkByExKey(part, exKey);
  }

  getLinkByExId(part: PartName, exId: string): Link | null {
    return this.links.getLinkByExId(part, exId);
  }

  listLinks(part: PartName): Link[] {
    return this.links.listLinks(part);
  }

  linksOfSeries(part: PartName, seriesKey: string): Link[] {
    return this.links.linksOfSeries(part, seriesKey);
  }

  countLinks(part: PartName): number {
    return this.links.countLinks(part);
  }

  putLink(l: Omit<Link, 'updatedAt'>): void {
    this.links.putLink(l);
  }

  deleteLink(part: PartName, abraId: string): void {
    this.links.deleteLink(part, abraId);
  }

  // ---- runs and failures ----
  startRun(part: PartName, dryRun: boolean): number {
    return this.runs.startRun(part, dryRun);
  }

  finishRun(summary: RunSummary): void {
    this.runs.finishRun(summary);
    // the run that listed the part's links is over: they need not be kept for loading their records (listLinks)
    this.links.releaseListed(summary.part);
  }

  listRuns(limit = 50, part?: PartName): RunSummary[] {
    return this.runs.listRuns(limit, part);
  }

  lastSuccess(part: PartName): string | null {
    return this.runs.lastSuccess(part);
  }

  listFailures(limit = 200): ItemFailure[] {
    return this.runs.listFailures(limit);
  }

  // ---- retries: items whose change could not be applied; re-read and retried next run ----
  addRetry(part: PartName, side: Side, id: string, name: string, reason: string): void {
    this.runs.addRetry(part, side, id, name, reason);
  }

  listRetries(part: PartName, side?: Side): RetryEntry[] {
    return this.runs.listRetries(part, side);
  }

  clearRetry(part: PartName, side: Side, id: string): void {
    this.runs.clearRetry(part, side, id);
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
    return this.intents.addIntent(part, side, sourceKey, payload, at);
  }

  listIntents(part: PartName, side?: Side): Intent[] {
    return this.intents.listIntents(part, side);
  }

  removeIntent(part: PartName, side: Side, sourceKey: string): void {
    this.intents.removeIntent(part, side, sourceKey);
  }

  // ---- stamps: Exchange items copied to ABRA that still need their AbraId stamp written back ----
  addStamp(part: PartName, exKey: string, abraId: string): void {
    this.intents.addStamp(part, exKey, abraId);
  }

  listStamps(part: PartName): { exKey: string; abraId: string }[] {
    return this.intents.listStamps(part);
  }

  removeStamp(part: PartName, exKey: string): void {
    this.intents.removeStamp(part, exKey);
  }

  // ---- conflicts and flips ----
  addConflict(c: Omit<ConflictRecord, 'id' | 'at'>): number {
    return this.conflicts.addConflict(c);
  }

  listConflicts(limit = 200): ConflictRecord[] {
    return this.conflicts.listConflicts(limit);
  }

  /** Records that the other side's value of conflict `id` must win; applied by the next run of the part. */
  flipConflict(id: number): FieldOverride {
    return this.conflicts.flipConflict(id);
  }

  listOverrides(part: PartName): FieldOverride[] {
    return this.conflicts.listOverrides(part);
  }

  clearOverride(part: PartName, abraId: string, field: string): void {
    this.conflicts.clearOverride(part, abraId, field);
  }
}
