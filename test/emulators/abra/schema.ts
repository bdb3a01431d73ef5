/**
 * The emulated business-object classes, built from ABRA's published metadata (metadata.json, a checked-in normalised
 * copy of ../shared/abra/metadata.json — see metadata.ts) plus the ONE list of fields the metadata does not give
 * (extra-fields.ts: generic fields, and every *assumed* field with its reason). Nothing else is emulated: a field
 * outside both is refused like a real server refuses an unknown field.
 */
import { ASSUMED_CLSIDS, EXTRA_FIELDS, GENERIC } from './extra-fields';
import { MAIL_COLLECTIONS, MAIL_EMULATED, MAIL_SCHEMA_OF_BO } from './mail-schema';
import type { Metadata, MetaField } from './metadata';
import metaJson from './metadata.json';

const META = metaJson as unknown as Metadata;

export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'ref' | 'owned' | 'ownedList' | 'json';

export interface FieldDef {
  kind: FieldKind;
  /** ref: target collection; owned/ownedList: schema name of the owned part. */
  target?: string;
  readonly?: boolean;
}

export interface Schema {
  name: string;
  clsid: string;
  /** Czech caption used in validation messages. */
  caption: string;
  audited: boolean;
  fields: Record<string, FieldDef>;
}

const base: Record<string, FieldDef> = {};
for (const g of GENERIC) base[g.field] = { kind: g.kind, ...(g.readonly ? { readonly: true } : {}) };

/** Fields the server fills and a client cannot write (a write of them is ignored). */
const READONLY = new Set([
  'createdat$date',
  'correctedat$date',
  'createdby_id',
  'correctedby_id',
  'ordnumber',
  'parent_id',
  'sentdate$date', // emailsents: set by ABRA when it sends, cannot be entered (help.abra.eu odeslane_emaily_ZS)
]);

/** Emulator schema → business object in metadata.json (null: not there; fields only from extra-fields.ts). */
export const EMULATED: Record<string, { bo: string | null; caption: string; clsid?: string }> = {
  address: { bo: 'address', caption: 'Adresa' },
  firm: { bo: 'firm', caption: 'Firma' },
  firmperson: { bo: 'firmperson', caption: 'Osoba firmy' },
  firmoffice: { bo: 'firmoffice', caption: 'Provozovna' },
  person: { bo: 'person', caption: 'Osoba' },
  securityuser: { bo: 'securityuser', caption: 'Uživatel' },
  crmactivity: { bo: 'crmactivity', caption: 'Aktivita' },
  crmactivitycontact: { bo: 'crmactivitycontact', caption: 'Kontakt aktivity' },
  crmactivitytype: { bo: 'crmactivitytype', caption: 'Typ aktivity' },
  crmactivityqueue: { bo: 'crmactivityqueue', caption: 'Řada aktivit' },
  // classid of the lastnumbers rows: metadata.json crmactivityqueue.lastnumbers relation text [L M-CLS]
  queuelastnumber: { bo: null, caption: 'Poslední číslo', clsid: 'SIZFKCWHZHK4JHZ5AINQD0SRBO' },
  crmactivityarea: { bo: 'crmactivityarea', caption: 'Oblast aktivit' },
  period: { bo: 'period', caption: 'Období' },
  division: { bo: 'division', caption: 'Středisko' },
  securityrole: { bo: 'securityrole', caption: 'Role' },
  ...MAIL_EMULATED,
};

/** Metadata BO name → the emulator schema that stands for it (owned parts). */
const SCHEMA_OF_BO: Record<string, string> = { ...MAIL_SCHEMA_OF_BO };
/** Metadata BO name → collection (references). */
const COLLECTION_OF_BO: Record<string, string> = { firmoffice: 'firmoffices', firmperson: 'firmpersons' };
for (const [bo, m] of Object.entries(META)) if (m.collection) COLLECTION_OF_BO[bo] ??= m.collection;

function defOf(f: MetaField): FieldDef {
  const t = f.type.toLowerCase();
  const rel = f.relation?.replace(/\?$/, '') ?? null;
  const ownedSchema = rel ? (SCHEMA_OF_BO[rel] ?? rel) : null;
  if (f.owned && t.startsWith('array'))
    return ownedSchema && ownedSchema in EMULATED
      ? { kind: 'ownedList', target: ownedSchema }
      : { kind: 'json' };
  if (f.owned) return { kind: 'owned', target: ownedSchema ?? 'address' };
  if (t.startsWith('array')) return { kind: 'json' };
  if (t.startsWith('date')) return { kind: 'date' };
  if (t.startsWith('integer') || t.startsWith('number')) return { kind: 'number' };
  if (t.startsWith('boolean')) return { kind: 'boolean' };
  if (rel) return { kind: 'ref', ...(COLLECTION_OF_BO[rel] ? { target: COLLECTION_OF_BO[rel] } : {}) };
  return { kind: 'string' };
}

export interface SchemaOptions {
  /** Emulate createdat$date/correctedat$date on persons (assumed, see extra-fields.ts). */
  personAuditDates?: boolean;
  /** Emulate a customer's user field x_messageid on both e-mail agendas (see mail-schema.ts). */
  mailMessageIdField?: boolean;
}

export type Schemas = Record<string, Schema>;

/** The emulated classes for an emulator's options. */
export function buildSchemas(opts: SchemaOptions = {}): Schemas {
  const out: Schemas = {};
  for (const [name, e] of Object.entries(EMULATED)) {
    const m = e.bo ? META[e.bo] : undefined;
    const fields: Record<string, FieldDef> = { ...base };
    for (const f of m?.fields ?? []) {
      if (f.name in base) continue;
      const d = defOf(f);
      if (READONLY.has(f.name)) d.readonly = true;
      fields[f.name] = d;
    }
    for (const x of EXTRA_FIELDS) {
      if (x.schema !== name || x.field.includes('[')) continue;
      if (x.option && !opts[x.option]) continue;
      fields[x.field] = {
        kind: x.kind,
        ...(x.target ? { target: x.target } : {}),
        ...(x.readonly || READONLY.has(x.field) ? { readonly: true } : {}),
      };
    }
    const clsid = e.clsid ?? m?.clsid ?? ASSUMED_CLSIDS[name];
    if (!clsid) throw new Error(`no CLSID for emulated class ${name}`);
    out[name] = { name, clsid, caption: e.caption, audited: 'createdat$date' in fields, fields };
  }
  return out;
}

/** The classes with default options (for code that only needs names and CLSIDs). */
export const SCHEMAS: Schemas = buildSchemas();

/** Top-level collections → schema. `addresses` is special: an index over every owned address. */
export const COLLECTIONS: Record<string, string> = {
  firms: 'firm',
  persons: 'person',
  addresses: 'address',
  securityusers: 'securityuser',
  securityroles: 'securityrole',
  crmactivities: 'crmactivity',
  crmactivitytypes: 'crmactivitytype',
  crmactivityqueues: 'crmactivityqueue',
  crmactivityareas: 'crmactivityarea',
  periods: 'period',
  divisions: 'division',
  ...MAIL_COLLECTIONS,
};

export function schemaOf(name: string, schemas: Schemas = SCHEMAS): Schema {
  const s = schemas[name];
  if (!s) throw new Error(`no schema ${name}`);
  return s;
}

/** A blank object of a schema: every field present with its empty value (as a full GET shows it). */
export function blank(s: Schema): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(s.fields)) {
    switch (f.kind) {
      case 'string':
        o[k] = '';
        break;
      case 'number':
        o[k] = 0;
        break;
      case 'boolean':
        o[k] = false;
        break;
      case 'ownedList':
      case 'json':
        o[k] = [];
        break;
      default:
        o[k] = null;
    }
  }
  o.classid = s.clsid;
  o.objversion = 0;
  return o;
}
