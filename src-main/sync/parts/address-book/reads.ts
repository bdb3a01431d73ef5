/** The address book's ABRA reads: the firm filter, the cursor, changed persons, firms and persons by id, firms → items. */
import { SyncError } from '../../../shared/errors';
import type { AddressBookConfig } from '../../config';
import type { AbraItem } from '../../part';
import { type AbraRow, abraIn, abraLiteral, nestRow, type RunContext } from '../../ports';
import { FIRM_READ, PERSON_SELECT } from '../abra-reads';
import { isoOrEmpty, str } from '../activities';
import { firmToRecord, personToRecord, type Row } from './mapping';
import { personHash } from './person-hash';
import { personCompareDue } from './person-schedule';

export const cfgOf = (ctx: RunContext): AddressBookConfig => ctx.config.parts.addressBook;

export function firmFilter(ctx: RunContext): string {
  const cfg = cfgOf(ctx);
  const parts = ['firm_id = null'];
  if (cfg.hideHidden) parts.push('hidden = false');
  if (cfg.onlyMine) parts.push(`responsibleuser_id = ${abraLiteral(ctx.me.id)}`);
  if (cfg.where.trim()) parts.push(`(${cfg.where})`);
  return parts.join(' and ');
}

export function firmMatchesLocally(ctx: RunContext, firm: Row): boolean {
  const cfg = cfgOf(ctx);
  if (str(firm.firm_id)) return false;
  if (cfg.hideHidden && firm.hidden === true) return false;
  if (cfg.onlyMine && str(firm.responsibleuser_id) !== ctx.me.id) return false;
  return true;
}

export function firmVersion(firm: Row): string {
  return str(firm.objversion);
}

export interface Cursor {
  firms: string | null;
  persons: string | null;
  /**
   * Set when the server refused the persons' changed-since query (no createdat$date/correctedat$date on persons — no
   * source proves them, ../shared/notes/abra-fields-audit.md): persons are then found changed by reading the linked
   * ones each run and comparing a hash of what the contacts show (`personHashes`, person id → hash).
   */
  personsByHash?: boolean;
  personHashes?: Record<string, string>;
  /** When the linked persons were last compared by hash (`personCompareDue`: on the deletion scan's schedule). */
  personsComparedAt?: string;
  /**
   * Rows read last time at the high-water edge (id → objversion). The changed-since query overlaps the last mark by a
   * few seconds, so these come back every run; unchanged, they are not re-derived (that cost a request per run).
   */
  edge?: Record<string, string>;
}

export function parseCursor(c: string | null): Cursor | null {
  if (!c) return null;
  try {
    const v = JSON.parse(c) as Cursor;
    return {
      firms: v.firms ?? null,
      persons: v.persons ?? null,
      edge: v.edge ?? {},
      ...(v.personsByHash ? { personsByHash: true } : {}),
      personHashes: v.personHashes ?? {},
      ...(v.personsComparedAt ? { personsComparedAt: v.personsComparedAt } : {}),
    };
  } catch {
    return null;
  }
}

/** Rows re-read only because of the overlap: same id and objversion as at the edge last time. */
export function notSeen<T extends Row>(
  tag: string,
  rows: T[],
  edge: Record<string, string> | undefined,
): T[] {
  return edge ? rows.filter((r) => edge[`${tag}:${str(r.id)}`] !== str(r.objversion)) : rows;
}

/** The rows that the next changed-since query will read again (changed within a minute of the high-water mark). */
export function edgeOf(
  tag: string,
  rows: Row[],
  highWater: string | null,
  into: Record<string, string>,
): void {
  const mark = highWater ? Date.parse(highWater) : Number.NaN;
  if (Number.isNaN(mark)) return;
  for (const r of rows) {
    const t = Math.max(
      Date.parse(str(r['createdat$date'])) || 0,
      Date.parse(str(r['correctedat$date'])) || 0,
    );
    if (t >= mark - 60_000) into[`${tag}:${str(r.id)}`] = str(r.objversion);
  }
}

/**
 * The persons' changes since the cursor: ABRA's changed-since query when the server has the fields; otherwise (the
 * query refused with 400, remembered in the cursor) every linked person is read in batches and compared by hash.
 */
export async function changedPersons(
  ctx: RunContext,
  cursor: Cursor,
  links: Map<string, string>,
  edge: Record<string, string>,
): Promise<{ ids: string[]; high: string | null; byHash: boolean; comparedAt?: string }> {
  if (!cursor.personsByHash) {
    try {
      const p = await ctx.abra.changedSince('persons', cursor.persons);
      const high = p.highWater ?? cursor.persons;
      edgeOf('p', p.rows, high, edge);
      return { ids: notSeen('p', p.rows, cursor.edge).map((r) => r.id), high, byHash: false };
    } catch (e) {
      if (!(e instanceof SyncError && e.status === 400)) throw e;
      // e.g. NxError 15 "Column unknown CORRECTEDAT$DATE": this server keeps no change stamps on persons
    }
  }
  if (!personCompareDue(ctx, cursor.personsComparedAt))
    return { ids: [], high: cursor.persons, byHash: true, comparedAt: cursor.personsComparedAt };
  const comparedAt = ctx.now().toISOString();
  const linked = [...links.keys()].filter((id) => id.includes(':')).map((id) => id.split(':')[1] ?? '');
  const persons = await personsById(ctx, linked);
  const before = cursor.personHashes ?? {};
  const ids = [...persons.values()].filter((p) => before[str(p.id)] !== personHash(p)).map((p) => str(p.id));
  return { ids, high: cursor.persons, byHash: true, comparedAt };
}

export async function personsById(ctx: RunContext, ids: string[]): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  const uniq = [...new Set(ids)].filter(Boolean);
  for (let i = 0; i < uniq.length; i += 100) {
    for (const p of await ctx.abra.queryAll('persons', abraIn('id', uniq.slice(i, i + 100)), PERSON_SELECT))
      out.set(p.id, nestRow(p));
  }
  return out;
}

export async function firmsById(ctx: RunContext, ids: string[]): Promise<AbraRow[]> {
  const out: AbraRow[] = [];
  const uniq = [...new Set(ids)].filter(Boolean);
  for (let i = 0; i < uniq.length; i += 100) {
    const rows = await ctx.abra.queryAll(
      'firms',
      abraIn('id', uniq.slice(i, i + 100)),
      FIRM_READ.select,
      FIRM_READ.expand,
    );
    out.push(...rows.map(nestRow));
  }
  return out;
}

/** Items (company + persons) of firms, and deletions of person links that left a firm. */
export async function expandFirms(
  ctx: RunContext,
  firms: { row: AbraRow; inScope: boolean }[],
  links: Map<string, string>,
): Promise<{ items: AbraItem[]; deleted: string[]; persons: Map<string, Row> }> {
  const includePersons = cfgOf(ctx).includePersons;
  const personIds = includePersons
    ? firms.flatMap((f) =>
        (Array.isArray(f.row.firmpersons) ? (f.row.firmpersons as Row[]) : []).map((fp) => str(fp.person_id)),
      )
    : [];
  const persons = await personsById(ctx, personIds);
  const items: AbraItem[] = [];
  const deleted: string[] = [];
  for (const { row, inScope } of firms) {
    const modifiedAt = isoOrEmpty(row['correctedat$date']) || isoOrEmpty(row['createdat$date']) || undefined;
    const rec = firmToRecord(row);
    items.push({
      id: row.id,
      version: firmVersion(row),
      record: rec,
      inScope,
      name: str(row.name),
      modifiedAt,
    });
    const present = new Set<string>();
    if (includePersons) {
      for (const fp of Array.isArray(row.firmpersons) ? (row.firmpersons as Row[]) : []) {
        const p = persons.get(str(fp.person_id));
        if (!p) continue;
        const id = `${row.id}:${p.id}`;
        present.add(id);
        const r = personToRecord(row, p, fp);
        items.push({
          id,
          version: `${firmVersion(row)}.${str(p.objversion)}`,
          record: r,
          inScope: inScope && p.hidden !== true,
          name: `${str(r.givenName)} ${str(r.surname)}`.trim() || id,
          modifiedAt:
            [modifiedAt ?? '', isoOrEmpty(p['correctedat$date']), isoOrEmpty(p['createdat$date'])]
              .sort()
              .pop() || undefined,
        });
      }
    }
    // Person links of this firm that are no longer among its persons: the firm-person row was removed.
    for (const id of links.keys()) {
      if (id.startsWith(`${row.id}:`) && !present.has(id)) {
        if (inScope) deleted.push(id);
        else {
          // the whole firm left the filter: its person contacts are unlinked with it
          const [, pid] = id.split(':');
          items.push({ id, version: '', record: {}, inScope: false, name: pid ?? id });
        }
      }
    }
  }
  return { items, deleted, persons };
}
