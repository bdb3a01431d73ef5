/**
 * What the calendar and the tasks parts share: both sync ABRA CRM activities (`crmactivities`) of chosen types and
 * series. Field names are ABRA's own (see docs/abra-api.md): `subject`, `description`, `activitytype_id`,
 * `actqueue_id`, `solveruser_id`, `sheduledstart$date` / `sheduledend$date` (the typo is ABRA's), `status`,
 * `priority`, `isprivate`, `firm_id`, `person_id`, `objversion`, `createdat$date`, `correctedat$date`.
 */
import { SyncError } from '../../shared/errors';
import { note, noteText } from '../../shared/messages';
import type { CalendarConfig, PartName, TasksConfig } from '../config';
import type { AbraItem, AbraLoad } from '../part';
import { type AbraRow, abraIn, abraLiteral, abraTimestamp, type RunContext } from '../ports';
import type { CommonRecord } from '../record';

/** The part's opt-in category for new Outlook items is among the item's categories (any case), or none is set. */
export function hasOptInCategory(category: string, categories: readonly string[] | undefined): boolean {
  const want = category.trim().toLowerCase();
  return !want || (categories ?? []).some((c) => c.trim().toLowerCase() === want);
}

export const ACTIVITIES = 'crmactivities';

export type ActivityConfig = CalendarConfig | TasksConfig;

export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/** ABRA `$date` value → UTC ISO with milliseconds, or '' when empty. */
export function isoOrEmpty(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  const t = Date.parse(String(v));
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

/**
 * A time of a synced record (start, end, due) as UTC ISO cut to the whole second, or '' when empty. Exchange keeps
 * appointment and task times to the second, while an ABRA row may carry milliseconds (its `$date` values are ISO
 * strings with milliseconds; a value written by another API client keeps them). Both sides' records use this, so
 * the record the engine sent, ABRA's stored row and the Outlook item hash alike and re-pairing (a lost state file,
 * a crash-interrupted create) finds them unchanged instead of rewriting one side with the other's precision.
 */
export function recordInstant(v: unknown): string {
  const iso = isoOrEmpty(v);
  if (!iso) return '';
  const t = Date.parse(iso);
  return new Date(t - (((t % 1000) + 1000) % 1000)).toISOString();
}

export function versionOf(row: AbraRow): string {
  return str(row.objversion);
}

export function modifiedAtOf(row: AbraRow): string | undefined {
  return isoOrEmpty(row['correctedat$date']) || isoOrEmpty(row['createdat$date']) || undefined;
}

/** The server-side filter of a part's activities (types, series, solver), without the time window. */
export function activityWhere(cfg: ActivityConfig, meId: string): string {
  const parts = [abraIn('activitytype_id', cfg.activityTypeIds)];
  if (cfg.queueIds.length) parts.push(abraIn('actqueue_id', cfg.queueIds));
  if (cfg.onlyMine) parts.push(`solveruser_id = '${meId.replace(/'/g, "''")}'`);
  return parts.join(' and ');
}

/** The same filter evaluated on a row (incremental runs read every changed activity, then judge scope here). */
export function activityMatches(cfg: ActivityConfig, meId: string, row: AbraRow): boolean {
  if (!cfg.activityTypeIds.includes(str(row.activitytype_id))) return false;
  if (cfg.queueIds.length && !cfg.queueIds.includes(str(row.actqueue_id))) return false;
  if (cfg.onlyMine && str(row.solveruser_id) !== meId) return false;
  return true;
}

export interface ActivityLoadOptions {
  part: 'calendar' | 'tasks';
  cfg: ActivityConfig;
  /** Extra server-side condition for the first, complete load (the time window). */
  fullWhere?: string;
  /** Extra local condition (the time window) — an item outside it is out of scope. */
  inRange?: (row: AbraRow) => boolean;
  toItem: (row: AbraRow, inScope: boolean) => AbraItem;
}

const SCAN_CURSOR = 'abraDeletionScan';

/**
 * Read activities: the first run reads the part's filtered set; later runs read every activity changed since the
 * cursor and judge scope locally (so an activity whose type, series or solver changed is seen leaving the filter
 * and is unlinked, not deleted). The expert `where` is evaluated by ABRA for the changed ids only. Deletions are
 * found by checking the linked ids, in batches, on the deletion-scan schedule.
 */
export async function loadActivities(
  ctx: RunContext,
  cursor: string | null,
  links: Map<string, string>,
  o: ActivityLoadOptions,
): Promise<AbraLoad> {
  const { cfg } = o;
  const me = ctx.me.id;
  const full = cursor === null;
  let rows: AbraRow[];
  let highWater: string | null;
  if (full) {
    const where = [activityWhere(cfg, me), o.fullWhere, cfg.where ? `(${cfg.where})` : '']
      .filter(Boolean)
      .join(' and ');
    ({ rows, highWater } = await ctx.abra.changedSince(ACTIVITIES, null, where));
  } else {
    ({ rows, highWater } = await ctx.abra.changedSince(ACTIVITIES, cursor));
  }
  let expertOk: Set<string> | null = null;
  if (!full && cfg.where && rows.length) {
    expertOk = new Set();
    const candidates = rows.filter((r) => activityMatches(cfg, me, r)).map((r) => r.id);
    for (let i = 0; i < candidates.length; i += 100) {
      const ids = await ctx.abra.listIds(
        ACTIVITIES,
        `${abraIn('id', candidates.slice(i, i + 100))} and (${cfg.where})`,
      );
      for (const id of ids) expertOk.add(id);
    }
  }
  const items: AbraItem[] = [];
  for (const row of rows) {
    const inScope =
      activityMatches(cfg, me, row) &&
      (o.inRange ? o.inRange(row) : true) &&
      (!expertOk || expertOk.has(row.id));
    if (!inScope && !links.has(row.id)) continue; // not ours, never was
    items.push(o.toItem(row, inScope));
  }
  const { deleted, extraCursors } = await deletionScan(ctx, o.part, cursor, links, ACTIVITIES);
  return { items, deleted, cursor: highWater ?? cursor, full, extraCursors };
}

/** Linked ids that no longer exist in ABRA, checked in batches of 100 when the scan is due. */
export async function deletionScan(
  ctx: RunContext,
  part: PartName,
  cursor: string | null,
  links: Map<string, string>,
  collection: string,
  idOf: (linkId: string) => string = (id) => id,
): Promise<{ deleted: string[]; extraCursors: Record<string, string> }> {
  const last = ctx.state.getCursor(part, SCAN_CURSOR);
  const due =
    cursor === null ||
    !last ||
    ctx.now().getTime() - Date.parse(last) >= ctx.config.safety.abraDeletionScanMinutes * 60_000;
  if (!due) return { deleted: [], extraCursors: {} };
  // Nothing linked yet (a first run): nothing can have been deleted — the scan is done as of now.
  if (links.size === 0) return { deleted: [], extraCursors: { [SCAN_CURSOR]: ctx.now().toISOString() } };
  const linked = [...links.keys()];
  const abraIds = [...new Set(linked.map(idOf))];
  const exists = new Set<string>();
  for (let i = 0; i < abraIds.length; i += 100) {
    for (const id of await ctx.abra.listIds(collection, abraIn('id', abraIds.slice(i, i + 100))))
      exists.add(id);
  }
  return {
    deleted: linked.filter((id) => !exists.has(idOf(id))),
    extraCursors: { [SCAN_CURSOR]: ctx.now().toISOString() },
  };
}

const typeDefaultsCache = new WeakMap<RunContext, Map<string, Promise<Record<string, unknown>>>>();

/** Solver role and division an ABRA activity type proposes (null on ABRA's own DEMO types). Read once per run and type. */
export function activityTypeDefaults(ctx: RunContext, typeId: string): Promise<Record<string, unknown>> {
  let perRun = typeDefaultsCache.get(ctx);
  if (!perRun) {
    perRun = new Map();
    typeDefaultsCache.set(ctx, perRun);
  }
  let p = perRun.get(typeId);
  if (!p) {
    p = ctx.abra.get('crmactivitytypes', typeId).then((t) => {
      const d: Record<string, unknown> = {};
      if (t?.solverrole_id) d.solverrole_id = t.solverrole_id;
      if (t?.division_id) d.division_id = t.division_id;
      return d;
    });
    perRun.set(typeId, p);
  }
  return p;
}

/** What a new ABRA activity needs besides its data: a real server refuses it without these (800, 810, 824). */
export interface ActivityAssignment {
  typeId: string;
  queueId: string;
  /** From the settings (or the admin's policy); empty = the type's value. */
  solverRoleId: string;
  divisionId: string;
}

/**
 * Type, series, solver role and division of a new activity: the settings first, else the activity type's own
 * values. A value still missing is refused here, before anything is written, naming the setting in the user's
 * language (a real ABRA would answer 810 / 824 for every item).
 */
export async function activityAssignmentBody(
  ctx: RunContext,
  a: ActivityAssignment,
  part: PartName,
): Promise<Record<string, unknown>> {
  const fromType = await activityTypeDefaults(ctx, a.typeId);
  const role = a.solverRoleId || str(fromType.solverrole_id);
  const division = a.divisionId || str(fromType.division_id);
  const missing = !a.queueId
    ? 'abra.activity.noQueue'
    : !role
      ? 'abra.activity.noSolverRole'
      : !division
        ? 'abra.activity.noDivision'
        : null;
  if (missing) {
    const n = note(missing, { part });
    throw new SyncError('config', noteText('en', n), { note: n });
  }
  return {
    activitytype_id: a.typeId,
    actqueue_id: a.queueId,
    solverrole_id: role,
    division_id: division,
    ...extraFieldsFor(ctx.config, ACTIVITIES),
  };
}

/** The admin-mapped user-defined fields (`abraExtraFields`) for new records of a collection. */
export function extraFieldsFor(
  cfg: { abraExtraFields?: { collection: string; field: string; value: unknown }[] },
  collection: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const x of cfg.abraExtraFields ?? []) if (x.collection === collection) out[x.field] = x.value;
  return out;
}

/** Body of a new ABRA activity created from an Outlook item. */
export async function newActivityBody(
  ctx: RunContext,
  cfg: ActivityConfig,
  part: 'calendar' | 'tasks',
): Promise<Record<string, unknown>> {
  return {
    ...(await activityAssignmentBody(
      ctx,
      {
        typeId: cfg.newItemTypeId,
        queueId: cfg.newItemQueueId,
        solverRoleId: cfg.newItemSolverRoleId,
        divisionId: cfg.newItemDivisionId,
      },
      part,
    )),
    solveruser_id: ctx.me.id,
  };
}

/** Changed fields of a common record, mapped to ABRA field names by `map`. */
export function abraPatch(
  record: CommonRecord,
  previous: CommonRecord | null,
  map: Record<string, (v: unknown) => [string, unknown][]>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [field, toAbra] of Object.entries(map)) {
    const next = record[field];
    if (previous && JSON.stringify(previous[field] ?? null) === JSON.stringify(next ?? null)) continue;
    for (const [k, v] of toAbra(next)) patch[k] = v;
  }
  return patch;
}

/** Resolve an ABRA firm/person from e-mail addresses (attendees of an Outlook appointment). */
export async function resolveByEmails(
  ctx: RunContext,
  emails: string[],
): Promise<{ firmId?: string; personId?: string }> {
  const clean = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
  if (!clean.length) return {};
  const persons = await ctx.abra.queryAll('persons', abraIn('address_id.email', clean), ['id']);
  const personId = persons[0]?.id;
  if (personId) {
    const firms = await ctx.abra.queryAll(
      'firms',
      `firm_id = null and exists(firmpersons where person_id = '${personId}')`,
      ['id'],
    );
    return { personId, firmId: firms[0]?.id };
  }
  const firms = await ctx.abra.queryAll(
    'firms',
    `firm_id = null and (${abraIn('residenceaddress_id.email', clean)} or ${abraIn('electronicaddress_id.email', clean)})`,
    ['id'],
  );
  return firms[0] ? { firmId: firms[0].id } : {};
}

/**
 * Activities of the part's new-item type and series created by the app's ABRA user after `since` (crash recovery:
 * where a create cut off by a crash may have left its record). One query.
 */
export async function activitiesCreatedSince(
  ctx: RunContext,
  cfg: ActivityConfig,
  since: string,
  toItem: (row: AbraRow) => AbraItem,
): Promise<{ item: AbraItem; createdAt: string }[]> {
  const where = [
    `createdby_id = ${abraLiteral(ctx.me.id)}`,
    `activitytype_id = ${abraLiteral(cfg.newItemTypeId)}`,
    `actqueue_id = ${abraLiteral(cfg.newItemQueueId)}`,
    // a real ABRA stamps createdat$date on the full minute: look a minute further back
    `createdat$date gt ${abraTimestamp(new Date(Date.parse(since) - 60_000).toISOString())}`,
  ].join(' and ');
  const rows = await ctx.abra.queryAll(ACTIVITIES, where);
  return rows
    .map((row) => ({ item: toItem(row), createdAt: isoOrEmpty(row['createdat$date']) }))
    .filter((x) => x.createdAt);
}

/** Same text, ignoring case and surrounding blanks; empty never matches. */
export function sameText(a: unknown, b: unknown): boolean {
  const x = str(a).trim().toLowerCase();
  return x !== '' && x === str(b).trim().toLowerCase();
}

/** Same instant; empty never matches. */
export function sameInstant(a: unknown, b: unknown): boolean {
  const x = isoOrEmpty(a);
  return x !== '' && x === isoOrEmpty(b);
}
