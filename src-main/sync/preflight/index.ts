/**
 * Preflight: before a part writes to a customer's ABRA, check that this server has what the part uses.
 *
 * 1. The server's own description of itself: `GET /{conn}/api-docs/openapis` (index of controllers), then
 *    `GET /{conn}/api-docs/openapi/{controller}` for each collection the enabled parts use; every field the parts read
 *    or write must be described there (help.abra.eu …/Part53_API/OpenAPI.htm; docs/abra-api.md "Preflight").
 * 2. Per enabled part and ABRA-bound direction, one representative record goes to `POST …?validation=true` (ABRA's dry
 *    run: nothing is saved). A refusal names the field and ABRA's reason.
 * Results per part, in English and Czech (notes). Nothing is written to ABRA.
 *
 * The types in `types.ts`, the fields and representative records in `fields.ts`, the Exchange line in `exchange.ts`,
 * the text in `text.ts`.
 */
import { SyncError, toSyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import type { SyncConfig } from '../config';
import { ACTIVITIES } from '../parts/activities';
import { describedFields, partFields, problem, representative, withTypeDefaults } from './fields';
import type { PreflightClient, PreflightPart, PreflightProblem, PreflightResult } from './types';

export * from './exchange';
export { partFields } from './fields';
export { preflightText } from './text';
export type {
  CheckResult,
  PreflightClient,
  PreflightExchange,
  PreflightPart,
  PreflightProblem,
  PreflightResult,
} from './types';

export async function runPreflight(
  client: PreflightClient,
  cfg: SyncConfig,
  server: string,
): Promise<PreflightResult> {
  const general: PreflightProblem[] = [];
  const fields = partFields(cfg);
  const colls = new Set<string>();
  for (const m of fields.values()) for (const c of m.keys()) colls.add(c);

  // 1. the server's description of itself
  const docs = new Map<string, { main: Set<string>; any: Set<string> } | null>();
  let index: { name?: string }[] | null = null;
  try {
    const raw = await client.request<unknown>('GET', '/api-docs/openapis');
    index = (Array.isArray(raw) ? raw : ((raw as { items?: unknown[] })?.items ?? [])) as { name?: string }[];
  } catch (e) {
    const err = toSyncError(e);
    general.push(problem('api-docs', note('preflight.noDocs', { detail: err.message })));
  }
  if (index) {
    const names = new Set(index.map((x) => String(x.name ?? '').toLowerCase()));
    for (const c of colls) {
      if (!names.has(c)) {
        docs.set(c, null);
        continue;
      }
      try {
        docs.set(
          c,
          describedFields(await client.request<unknown>('GET', `/api-docs/openapi/${encodeURIComponent(c)}`)),
        );
      } catch (e) {
        general.push(problem(c, note('preflight.noDocs', { detail: toSyncError(e).message })));
      }
    }
  }

  const me = await client.currentUser();
  const parts: PreflightPart[] = [];
  for (const [part, byColl] of fields) {
    const problems: PreflightProblem[] = [];
    let checked = 0;
    if (index) {
      for (const [coll, fs] of byColl) {
        const d = docs.get(coll);
        if (d === null) {
          problems.push(problem(coll, note('preflight.noCollection', { collection: coll })));
          continue;
        }
        if (!d) continue;
        for (const f of fs) {
          checked++;
          const segs = f.split('.');
          const ok = d.main.has(segs[0]!) && segs.slice(1).every((x) => d.any.has(x));
          if (!ok)
            problems.push(problem(coll, note('preflight.missingField', { collection: coll, field: f }), f));
        }
      }
    }
    // 2. dry-run writes
    const validated: string[] = [];
    for (const r of await representative(cfg, part, me.id)) {
      const body = r.collection === ACTIVITIES ? await withTypeDefaults(client, r.body) : r.body;
      try {
        const v = await client.validate(r.collection, body);
        validated.push(r.collection);
        for (const e of v.errors)
          problems.push(
            problem(
              r.collection,
              note('preflight.refused', {
                collection: r.collection,
                field: e.field,
                detail: `${e.message}${e.code !== undefined ? ` (${e.code})` : ''}`,
              }),
              e.field,
            ),
          );
      } catch (e) {
        const err = e instanceof SyncError ? e : toSyncError(e);
        const field = /: (\w+)$/.exec(err.message)?.[1];
        problems.push(
          problem(
            r.collection,
            note('preflight.refused', { collection: r.collection, field: field ?? '?', detail: err.message }),
            field,
          ),
        );
      }
    }
    parts.push({ part, ok: problems.length === 0, fieldsChecked: checked, validated, problems });
  }
  return {
    ok: general.length === 0 && parts.every((p) => p.ok),
    server,
    at: new Date().toISOString(),
    parts,
    general,
  };
}
