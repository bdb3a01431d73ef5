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

/** A link row without its record (the column that is most of a row's size and of reading it). */
type LeanRow = Omit<LinkRow, 'record'>;
const LEAN_COLUMNS =
  'part, abra_id, ex_id, ex_key, abra_version, ex_change_key, abra_hash, ex_hash, series_key, name, updated_at';

/**
 * The latest {@link LinkTable.listLinks} of a part. Its links whose record is not loaded yet, by ABRA id and by
 * Exchange key, are indexed at the first write through the table after the listing (a run that writes nothing never
 * builds them): a write to such a row loads the record first, so the listed link keeps what the row held when listed.
 */
interface Listed {
  links: ListedLink[];
  byAbra: Map<string, ListedLink> | null;
  byExKey: Map<string, ListedLink> | null;
  /** Records loaded one by one so far; past {@link BULK_AFTER} the rest are loaded in one query. */
  loads: number;
}

/** A run that needs more records than this (e.g. every item came back from Exchange) reads the rest at once. */
const BULK_AFTER = 64;

/**
 * A link of {@link LinkTable.listLinks}: its record is read from the state file when first used. `record` is an own
 * enumerable accessor (one shared descriptor: as cheap to make as a plain object), so a spread copy
 * (`{ ...link }`) and JSON.stringify get the record itself.
 */
class ListedLink implements Link {
  part: PartName;
  abraId: string;
  exId: string;
  exKey: string;
  abraVersion: string | null;
  exChangeKey: string | null;
  abraHash: string;
  exHash: string;
  declare record: CommonRecord;
  seriesKey: string | null;
  name: string;
  updatedAt: string;
  #record: CommonRecord | undefined;
  #table: LinkTable | null;
  #listed: Listed | null;

  constructor(r: LeanRow, table: LinkTable, listed: Listed) {
    this.part = r.part as PartName;
    this.abraId = r.abra_id;
    this.exId = r.ex_id;
    this.exKey = r.ex_key;
    this.abraVersion = r.abra_version;
    this.exChangeKey = r.ex_change_key;
    this.abraHash = r.abra_hash;
    this.exHash = r.ex_hash;
    Object.defineProperty(this, 'record', RECORD);
    this.seriesKey = r.series_key;
    this.name = r.name;
    this.updatedAt = r.updated_at;
    this.#table = table;
    this.#listed = listed;
  }

  static get(l: ListedLink): CommonRecord {
    if (l.#record === undefined) ListedLink.set(l, (l.#table as LinkTable).loadListedRecord(l, l.#listed));
    return l.#record as CommonRecord;
  }

  static loaded(l: ListedLink): boolean {
    return l.#record !== undefined;
  }

  static set(l: ListedLink, v: CommonRecord): void {
    l.#record = v;
    const listed = l.#listed;
    if (listed?.byAbra && listed.byExKey) {
      if (listed.byAbra.get(l.abraId) === l) listed.byAbra.delete(l.abraId);
      if (listed.byExKey.get(l.exKey) === l) listed.byExKey.delete(l.exKey);
    }
    l.#table = null;
    l.#listed = null;
  }
}

const RECORD: PropertyDescriptor = {
  get(this: ListedLink) {
    return ListedLink.get(this);
  },
  set(this: ListedLink, v: CommonRecord) {
    ListedLink.set(this, v);
  },
  enumerable: true,
  configurable: true,
};

export class LinkTable {
  private readonly listed = new Map<PartName, Listed>();
  /** The last `updated_at` written (ms): strictly increasing, so a row rewritten in the same ms is told apart. */
  private lastWrite = 0;

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

  /**
   * Every link of the part, each with its record loaded when first used (issue #17): a run uses the records of the
   * few items that changed, and reading and parsing every record column was most of the CPU of an idle run's read.
   * A listed link holds what its row held when listed: a write through this table to a row whose record is not
   * loaded yet loads it first. A link of an older listing (the part listed again since) whose row was rewritten
   * throws on first use rather than return a record it never had.
   */
  listLinks(part: PartName): Link[] {
    const rows = this.db
      .prepare(`SELECT ${LEAN_COLUMNS} FROM links WHERE part = ? ORDER BY abra_id`)
      .all<LeanRow>(part);
    const links = new Array<ListedLink>(rows.length);
    const listed: Listed = { links, byAbra: null, byExKey: null, loads: 0 };
    for (let i = 0; i < rows.length; i++) links[i] = new ListedLink(rows[i] as LeanRow, this, listed);
    this.listed.set(part, listed);
    return links;
  }

  /** The listing's links whose record is not loaded yet, by ABRA id and by Exchange key (built once). */
  private index(listed: Listed): { byAbra: Map<string, ListedLink>; byExKey: Map<string, ListedLink> } {
    if (!listed.byAbra || !listed.byExKey) {
      const byAbra = new Map<string, ListedLink>();
      const byExKey = new Map<string, ListedLink>();
      for (const l of listed.links)
        if (!ListedLink.loaded(l)) {
          byAbra.set(l.abraId, l);
          byExKey.set(l.exKey, l);
        }
      listed.byAbra = byAbra;
      listed.byExKey = byExKey;
    }
    return { byAbra: listed.byAbra, byExKey: listed.byExKey };
  }

  /** The part's listed links may be let go (the run that listed them is over): their records load as before. */
  releaseListed(part: PartName): void {
    this.listed.delete(part);
  }

  /** A listed link's record, from its row as listed (the row's `updated_at` must still be the listed one). */
  loadListedRecord(r: ListedLink, listed: Listed | null): CommonRecord {
    if (listed && listed === this.listed.get(r.part) && ++listed.loads === BULK_AFTER)
      this.loadAll(listed, r.part);
    if (ListedLink.loaded(r)) return r.record;
    const row = this.db
      .prepare('SELECT record FROM links WHERE part = ? AND abra_id = ? AND updated_at = ?')
      .get<{ record: string }>(r.part, r.abraId, r.updatedAt);
    if (!row)
      throw new Error(
        `the state file's link of ${r.abraId} (${r.part}) changed since it was listed; its old record is gone`,
      );
    return JSON.parse(row.record) as CommonRecord;
  }

  /** The records of the listing's links not loaded yet, in one query (rows unchanged since the listing only). */
  private loadAll(listed: Listed, part: PartName): void {
    const { byAbra } = this.index(listed);
    if (byAbra.size === 0) return;
    for (const row of this.db
      .prepare('SELECT abra_id, updated_at, record FROM links WHERE part = ?')
      .all<{ abra_id: string; updated_at: string; record: string }>(part)) {
      const l = byAbra.get(row.abra_id);
      if (l && l.updatedAt === row.updated_at) l.record = JSON.parse(row.record) as CommonRecord;
    }
  }

  /** Before a write to the part's row of `abraId` (and the row holding `exKey`): listed links load their records. */
  private beforeWrite(part: PartName, abraId: string, exKey?: string): void {
    const listed = this.listed.get(part);
    if (!listed || listed.links.length === 0) return;
    const { byAbra, byExKey } = this.index(listed);
    if (byAbra.size === 0) return;
    void byAbra.get(abraId)?.record;
    if (exKey !== undefined) void byExKey.get(exKey)?.record;
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
    this.beforeWrite(l.part, l.abraId, l.exKey);
    this.lastWrite = Math.max(Date.now(), this.lastWrite + 1);
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
        new Date(this.lastWrite).toISOString(),
      );
  }

  deleteLink(part: PartName, abraId: string): void {
    this.beforeWrite(part, abraId);
    this.db.prepare('DELETE FROM links WHERE part = ? AND abra_id = ?').run(part, abraId);
  }
}
