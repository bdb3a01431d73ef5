import { type Note, noteText } from '../../shared/messages';
import type { PartName, SyncConfig } from '../config';
import { ADDRESS_FIELDS, FIRM_MAIL_READ, FIRM_READ, PERSON_SELECT } from '../parts/abra-reads';
import { ACTIVITIES, extraFieldsFor } from '../parts/activities';
import type { PreflightClient, PreflightProblem } from './types';

export const problem = (collection: string, n: Note, field?: string): PreflightProblem => ({
  collection,
  ...(field ? { field } : {}),
  note: n,
  message: noteText('en', n),
});

export const subPaths = (expand: string | undefined): string[] => {
  const out: string[] = [];
  for (const m of (expand ?? '').matchAll(/(\w+)\(([^)]*)\)/g))
    for (const f of m[2]!.split(',')) out.push(`${m[1]}.${f.trim()}`);
  return out;
};

export const writesToAbra = (d: string) => d !== 'abraToExchange';

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
export function describedFields(doc: unknown): { main: Set<string>; any: Set<string> } {
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
export async function representative(
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
export async function withTypeDefaults(
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
