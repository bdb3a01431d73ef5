/**
 * THE ONE PLACE for emulated ABRA fields that ABRA's published metadata (`metadata.json`, see metadata.ts) does not list.
 *
 * - `confirmed`: proven by another cited capture, only not part of metadata.json's field lists (generic fields every
 *   object has, the queue's last-number rows).
 * - `assumed`: NOT proven. Emulated so that existing product code keeps working, each with the reason. A field the
 *   product uses that is in neither metadata.json nor this list is refused by the emulator like a real server refuses
 *   an unknown field (test/abra/metadata.test.ts, test/abra/field-grades.test.ts).
 *
 * docs/abra-api.md ("Fields the product uses") shows the same grades to users and admins.
 */
import { MAIL_CLSIDS, MAIL_EXTRA_FIELDS } from './mail-schema';
import type { FieldKind } from './schema';

export type Grade = 'confirmed' | 'assumed';

export interface ExtraField {
  /** Emulator schema name (see schema.ts). */
  schema: string;
  field: string;
  kind: FieldKind;
  /** ref: target collection; owned/ownedList: schema name. */
  target?: string;
  readonly?: boolean;
  grade: Grade;
  /** Where it is confirmed, or why it is assumed. */
  source: string;
  /** Only emulated when this emulator option is on. */
  option?: 'personAuditDates' | 'mailMessageIdField';
  /** Assumed until this issue replaces it. */
  issue?: number;
}

const NOTES_4_2 =
  '../shared/notes/abra-gen-api.md §4.2: "Every object has id, classid (26-char packed CLSID), displayname, objversion, and usually externalids: []" (real GETs of crmactivities, periods, types, queues)';

/** Fields every emulated object has (added to each schema). */
export const GENERIC: Omit<ExtraField, 'schema'>[] = [
  { field: 'id', kind: 'string', readonly: true, grade: 'confirmed', source: NOTES_4_2 },
  { field: 'classid', kind: 'string', readonly: true, grade: 'confirmed', source: NOTES_4_2 },
  { field: 'displayname', kind: 'string', readonly: true, grade: 'confirmed', source: NOTES_4_2 },
  { field: 'objversion', kind: 'number', readonly: true, grade: 'confirmed', source: NOTES_4_2 },
  { field: 'externalids', kind: 'json', grade: 'confirmed', source: NOTES_4_2 },
];

export const EXTRA_FIELDS: ExtraField[] = [
  // queue last-number rows: fields listed in the audit's crmactivityqueues capture, not in metadata.json's field list
  ...(['docqueue_id', 'period_id', 'lastnumber'] as const).map(
    (field): ExtraField => ({
      schema: 'queuelastnumber',
      field,
      kind: field === 'lastnumber' ? 'number' : 'ref',
      target: field === 'period_id' ? 'periods' : field === 'docqueue_id' ? 'crmactivityqueues' : undefined,
      grade: 'confirmed',
      source:
        '../shared/notes/abra-fields-audit.md "Řada aktivit — crmactivityqueues" [L M-CLS]: lastnumbers rows docqueue_id, period_id, lastnumber',
    }),
  ),
  // divisions: ABRA publishes no field list
  ...(['code', 'name'] as const).map(
    (field): ExtraField => ({
      schema: 'division',
      field,
      kind: 'string',
      grade: 'assumed',
      source:
        'no field list of divisions found (metadata.json: "no field list found"); every captured ABRA code list (crmactivityareas, crmactivityqueues, crmactivitytypes, periods) has code and name — the division picker selects only id, code, name',
    }),
  ),
  // persons: change-since fields are not proven on persons — emulated only when the option asks for such a server
  ...(['createdat$date', 'correctedat$date'] as const).map(
    (field): ExtraField => ({
      schema: 'person',
      field,
      kind: 'date',
      readonly: true,
      grade: 'assumed',
      option: 'personAuditDates',
      source:
        'no source shows CreatedAt$DATE/CorrectedAt$DATE on persons (metadata.json person: "NO evidence on persons"); emulated only with the option personAuditDates, to test a server that has them — the product must not depend on them',
    }),
  ),
  // activity participants: an owned collection whose row fields were never captured non-empty
  {
    schema: 'crmactivity',
    field: 'participants[].securityuser_id',
    kind: 'json',
    grade: 'assumed',
    source:
      'participants is a real owned collection but every capture has it empty; the row field name securityuser_id (written by the e-mail archive when it links to an existing activity) is a guess — to be replaced by #14',
    issue: 14,
  },
  // e-mail agendas (#14): see mail-schema.ts
  ...MAIL_EXTRA_FIELDS,
];

/** CLSIDs the metadata does not give: the emulator needs one per class; these values are invented. */
export const ASSUMED_CLSIDS: Record<string, string> = {
  address: 'NAK0JOCMHVDL3DRDM5AKZFQOQU',
  firmperson: 'A3XJKP0ZYVDL3CL4000ILPWJF4',
  ...MAIL_CLSIDS,
};
export const ASSUMED_CLSID_REASON =
  'metadata.json gives no CLSID for owned addresses, firm-person rows and e-mail attachment rows; the emulator needs one per class (error texts name it) — the value is invented';
