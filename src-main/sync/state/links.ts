/** The links between ABRA records and Exchange items (one row per linked pair). */
import type { PartName } from '../config';
import type { CommonRecord } from '../record';
import type { Database } from './sqlite';

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

export class LinkTable {
  constructor(private readonly db: Database) {}

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

  /**
   * One statement: INSERT OR REPLACE removes the row of the same ABRA id AND a stale row holding the same Exchange
   * key (e.g. a major-corrected firm: a key belongs to one link only), then inserts — what a DELETE of the stale row
   * plus an upsert did in two (issue #17).
   */
  putLink(l: Omit<Link, 'updatedAt'>): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO links (part, abra_id, ex_id, ex_key, abra_version, ex_change_key, abra_hash, ex_hash, record, series_key, name, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  }

  deleteLink(part: PartName, abraId: string): void {
    this.db.prepare('DELETE FROM links WHERE part = ? AND abra_id = ?').run(part, abraId);
  }
}
