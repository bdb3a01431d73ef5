/**
 * Preflight: before a part writes to a customer's ABRA, check that this server has what the part uses.
 *
 * 1. The server's own description of itself: `GET /{conn}/api-docs/openapis` (index of controllers), then
 *    `GET /{conn}/api-docs/openapi/{controller}` for each collection the enabled parts use; every field the parts read
 *    or write must be described there (help.abra.eu …/Part53_API/OpenAPI.htm; docs/abra-api.md "Preflight").
 * 2. Per enabled part and ABRA-bound direction, one representative record goes to `POST …?validation=true` (ABRA's dry
 *    run: nothing is saved). A refusal names the field and ABRA's reason.
 * Results per part, in English and Czech (notes). Nothing is written to ABRA.
 */

import type { ExchangeBackend } from '../exchange/types';
import { SyncError, toSyncError } from '../shared/errors';
import { type Note, note, noteText } from '../shared/messages';
import type { PartName, SyncConfig } from './config';
import { ADDRESS_FIELDS, FIRM_MAIL_READ, FIRM_READ, PERSON_SELECT } from './parts/abra-reads';
import { ACTIVITIES, extraFieldsFor } from './parts/activities';

/** What the preflight needs from the ABRA client (AbraClient meets it). */
export interface PreflightClient {
  request<T = unknown>(method: 'GET', path: string): Promise<T>;
  currentUser(): Promise<{ id: string }>;
  validate(
    collection: string,
    body: Record<string, unknown>,
  ): Promise<{ ok: boolean; errors: { field: string; message: string; code?: number; label?: string }[] }>;
}

export interface PreflightProblem {
  collection: string;
  field?: string;
  note: Note;
  /** English text (logs, CLI). */
  message: string;
}

export interface PreflightPart {
  part: PartName;
  ok: boolean;
  /** Fields checked against the server's documents. */
  fieldsChecked: number;
  /** Dry-run writes made (`?validation=true`), e.g. `crmactivities`. */
  validated: string[];
  problems: PreflightProblem[];
}

export interface PreflightResult {
  ok: boolean;
  /** Server the result holds for (base URL incl. connection). */
  server: string;
  at: string;
  parts: PreflightPart[];
  /** Problems not tied to a part (documents missing). */
  general: PreflightProblem[];
  /** The Exchange side, when it was checked too (app, `sync check`): its version and mode (#19). */
  exchange?: PreflightExchange;
}

export interface PreflightExchange {
  ok: boolean;
  /** As the backend reports it, e.g. `15.2.1118.0 (…)` or `Exchange 2007 SP3 8.3.…, legacy mode`. */
  serverVersion?: string;
  legacyMode?: 'exchange2007';
  /** The sentence, in parts (the legacy notes start with a space): joined in the reader's language. */
  notes: Note[];
  /** English text (logs, CLI --json). */
  message: string;
}

/** "Check against server" result for the app: the preflight plus its lines in the UI's language. */
export type CheckResult = PreflightResult & { lines: string[] };

/**
 * The Exchange side of the check: a connection test (EWS: GetFolder/ResolveNames; Graph: /me) that names the server's
 * version and the mode the app speaks to it; Exchange 2007 before SP2 is not ok. `explain` turns a failure into a
 * sentence (the app's connection-error wording, or the error's own message in the CLI). Nothing is written.
 */
export async function preflightExchange(
  open: () => Promise<ExchangeBackend>,
  explain: (e: unknown) => string,
): Promise<PreflightExchange> {
  const done = (ok: boolean, notes: Note[], extra: Partial<PreflightExchange> = {}): PreflightExchange => ({
    ok,
    ...extra,
    notes,
    message: notes.map((n) => noteText('en', n)).join(''),
  });
  let backend: ExchangeBackend | undefined;
  try {
    backend = await open();
    const info = await backend.testConnection();
    const extra = {
      ...(info.serverVersion ? { serverVersion: info.serverVersion } : {}),
      ...(info.legacyMode ? { legacyMode: info.legacyMode } : {}),
    };
    if (info.unsupported) return done(false, [note('ews.exchange2007Sp1')], extra);
    const notes = [note('preflight.exchange', { version: info.serverVersion ?? '?', email: info.email })];
    if (info.legacyMode) notes.push(note('ews.legacyMode'));
    if (info.legacyTls) notes.push(note('ews.legacyTlsInUse', { protocol: info.legacyTls }));
    return done(true, notes, extra);
  } catch (e) {
    return done(false, [note('preflight.exchangeFailed', { detail: explain(e) })]);
  } finally {
    await backend?.close().catch(() => undefined);
  }
}

/** The preflight with its Exchange side: overall ok only when both are. */
export function withExchange(r: PreflightResult, exchange: PreflightExchange): PreflightResult {
  return { ...r, ok: r.ok && exchange.ok, exchange };
}

const problem = (collection: string, n: Note, field?: string): PreflightProblem => ({
  collection,
  ...(field ? { field } : {}),
  note: n,
  message: noteText('en', n),
});

const subPaths = (expand: string | undefined): string[] => {
  const out: string[] = [];
  for (const m of (expand ?? '').matchAll(/(\w+)\(([^)]*)\)/g))
    for (const f of m[2]!.split(',')) out.push(`${m[1]}.${f.trim()}`);
  return out;
};

const writesToAbra = (d: string) => d !== 'abraToExchange';

/** Fields (dotted paths) each enabled part reads and writes, per collection. */
export function partFields(cfg: SyncConfig): Map<PartName, Map<string, Set<string>>> {
  const out = new Map<PartName, Map<string, Set<string>>>();
  const add = (part: PartName, coll: string, fields: readonly string[]) => {
    const m = out.get(part) ?? new Map<string, Set<string>>();
    out.set(part, m);
    const s = m.get(coll) ?? new Set<string>();
    m.set(coll, s);
    for (const f of fields) s.add(f.toLowerCase());
  };
  const extra = (part: PartName, coll: string) => add(part, coll, Object.keys(extraFieldsFor(cfg, coll)));
  const ab = cfg.parts.addressBook;
  if (ab.enabled) {
    add('addressBook', 'firms', [...(FIRM_READ.select ?? []), ...subPaths(FIRM_READ.expand)]);
    add('addressBook', 'persons', PERSON_SELECT);
    if (writesToAbra(ab.direction)) {
      add('addressBook', 'firms', [
        'name',
        'wwwaddress',
        ...ADDRESS_FIELDS.map((f) => `residenceaddress_id.${f}`),
      ]);
      add('addressBook', 'firms', ['firmpersons.person_id']);
      add('addressBook', 'persons', ['firstname', 'lastname', 'title', 'grade', 'address_id.email']);
      extra('addressBook', 'firms');
      extra('addressBook', 'persons');
    }
  }
  const activityRead = [
    'id',
    'objversion',
    'createdat$date',
    'correctedat$date',
    'createdby_id',
    'subject',
    'description',
    'activitytype_id',
    'actqueue_id',
    'solveruser_id',
    'sheduledstart$date',
    'sheduledend$date',
    'status',
    'priority',
    'isprivate',
    'firm_id',
    'person_id',
  ];
  const activityWrite = ['activitytype_id', 'actqueue_id', 'solverrole_id', 'division_id', 'solveruser_id'];
  for (const part of ['calendar', 'tasks'] as const) {
    const p = cfg.parts[part];
    if (!p.enabled) continue;
    add(part, ACTIVITIES, activityRead);
    if (writesToAbra(p.direction)) {
      add(part, ACTIVITIES, activityWrite);
      extra(part, ACTIVITIES);
    }
  }
  const mail = cfg.parts.mail;
  if (mail.enabled) {
    add('mail', ACTIVITIES, [...activityWrite, 'subject', 'description', 'realstart$date', 'realend$date']);
    extra('mail', ACTIVITIES);
    add('mail', 'firms', [...(FIRM_MAIL_READ.select ?? []), ...subPaths(FIRM_MAIL_READ.expand)]);
    add('mail', 'persons', PERSON_SELECT);
    // the e-mail agendas as the archive writes them (#14, src-main/sync/parts/mail/abra.ts; docs/mail.md)
    const email = [
      'subject',
      'body',
      'bodysavedas',
      'emailaccount_id',
      'firm_id',
      'person_id',
      'docdate$date',
    ];
    add('mail', 'emailsreceiveds', [...email, 'sender', 'attachments']);
    add('mail', 'emailsents', [...email, 'sentstate', 'recipients', 'attachments']);
    add('mail', 'emailsentattachcontents', ['blobdata']);
    add('mail', 'relations', ['rel_def', 'leftside_id', 'rightside_id']);
    // without a chosen account the archive finds the mailbox's own by its address
    add('mail', 'emailaccounts', mail.emailAccountId ? ['id'] : ['id', 'emailaddress']);
  }
  return out;
}

/** Property names per class of one controller document (all `components.schemas`, lower-cased). */
function describedFields(doc: unknown): { main: Set<string>; any: Set<string> } {
  const schemas = ((doc as { components?: { schemas?: Record<string, unknown> } })?.components?.schemas ??
    {}) as Record<string, { properties?: Record<string, unknown> }>;
  const any = new Set<string>();
  let main: Set<string> | null = null;
  for (const s of Object.values(schemas)) {
    const names = new Set(Object.keys(s?.properties ?? {}).map((k) => k.toLowerCase()));
    for (const n of names) any.add(n);
    main ??= names; // [A] the controller's own class comes first
  }
  return { main: main ?? new Set(), any };
}

/** A representative record per part for the dry run (nothing is saved). */
async function representative(
  cfg: SyncConfig,
  part: PartName,
  meId: string,
): Promise<{ collection: string; body: Record<string, unknown> }[]> {
  const now = new Date();
  now.setUTCHours(now.getUTCHours() + 1, 0, 0, 0);
  const start = now.toISOString();
  const activity = (typeId: string, queueId: string, roleId: string, divisionId: string) => ({
    activitytype_id: typeId,
    actqueue_id: queueId,
    ...(roleId ? { solverrole_id: roleId } : {}),
    ...(divisionId ? { division_id: divisionId } : {}),
    solveruser_id: meId,
    subject: 'Preflight (ABRA Gen Exchange Sync) — not saved',
    sheduledstart$date: start,
    sheduledend$date: start,
    ...extraFieldsFor(cfg, ACTIVITIES),
  });
  switch (part) {
    case 'calendar':
    case 'tasks': {
      const p = cfg.parts[part];
      if (!writesToAbra(p.direction)) return [];
      return [
        {
          collection: ACTIVITIES,
          body: activity(p.newItemTypeId, p.newItemQueueId, p.newItemSolverRoleId, p.newItemDivisionId),
        },
      ];
    }
    case 'mail': {
      const m = cfg.parts.mail;
      return [
        { collection: ACTIVITIES, body: activity(m.activityTypeId, m.queueId, m.solverRoleId, m.divisionId) },
        // archived sent mail is created as already sent (SentState 2): never a send job for ABRA's automation
        ...(m.emailAccountId
          ? [
              {
                collection: 'emailsents',
                body: {
                  emailaccount_id: m.emailAccountId,
                  subject: 'Preflight (ABRA Gen Exchange Sync) — not saved',
                  body: '',
                  bodysavedas: 0,
                  sentstate: 2,
                  recipients: [{ email: cfg.exchange.email, emailtype: 0 }],
                },
              },
            ]
          : []),
      ];
    }
    case 'addressBook':
      if (!writesToAbra(cfg.parts.addressBook.direction)) return [];
      return [
        {
          collection: 'firms',
          body: {
            name: 'Preflight s.r.o.',
            residenceaddress_id: { email: 'preflight@example.org' },
            ...extraFieldsFor(cfg, 'firms'),
          },
        },
        {
          collection: 'persons',
          body: {
            firstname: 'Preflight',
            lastname: 'Test',
            address_id: { email: 'preflight@example.org' },
            ...extraFieldsFor(cfg, 'persons'),
          },
        },
      ];
  }
}

/**
 * Solver role and division the type supplies when the settings leave them empty: the dry run then shows what a real
 * create would send (activityAssignmentBody does the same at run time).
 */
async function withTypeDefaults(
  client: PreflightClient,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (body.solverrole_id && body.division_id) return body;
  const typeId = String(body.activitytype_id ?? '');
  if (!typeId) return body;
  try {
    const t = await client.request<Record<string, unknown>>(
      'GET',
      `/crmactivitytypes/${encodeURIComponent(typeId)}`,
    );
    return {
      ...body,
      ...(!body.solverrole_id && t.solverrole_id ? { solverrole_id: t.solverrole_id } : {}),
      ...(!body.division_id && t.division_id ? { division_id: t.division_id } : {}),
    };
  } catch {
    return body;
  }
}

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

/** A result as lines of text in a language (CLI, demo). */
export function preflightText(r: PreflightResult, locale: 'en' | 'cs'): string[] {
  const lines: string[] = [];
  for (const g of r.general) lines.push(noteText(locale, g.note, g.message));
  for (const p of r.parts) {
    const head = noteText(
      locale,
      p.ok
        ? note('preflight.partOk', {
            part: p.part,
            count: p.fieldsChecked,
            validated: p.validated.join(', ') || '—',
          })
        : note('preflight.partFailed', { part: p.part, count: p.problems.length }),
    );
    lines.push(head);
    for (const x of p.problems) lines.push(`  - ${noteText(locale, x.note, x.message)}`);
  }
  if (r.exchange) lines.push(r.exchange.notes.map((n) => noteText(locale, n)).join('') || r.exchange.message);
  return lines;
}
