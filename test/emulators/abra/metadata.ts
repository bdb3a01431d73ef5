/**
 * ABRA's published metadata, normalised for the emulator.
 *
 * The source is `../shared/abra/metadata.json` (26 business objects, each field with the evidence it came from: ABRA's
 * apisandbox metadata pages, JSON captured from a real ABRA Gen 26 server, ABRA partner scripts). The emulator must
 * run without `../shared`, so `metadata.json` beside this file is a checked-in copy produced by `normalizeMetadata`
 * (`npx tsx test/emulators/abra/update-metadata.ts` rewrites it); test/abra/metadata.test.ts checks that the two
 * still agree.
 *
 * Normalising: names lower-cased (the API matches names case-insensitively and answers in lowercase); combined
 * entries (`CreatedAt$DATE / CorrectedAt$DATE`) split; entries the metadata itself marks as not proven (names
 * "inferred"/"unknown", UI captions, notes saying "NO evidence"/"not seen", untyped lists) are kept out of `fields`
 * and listed in `unconfirmed` with the reason — the emulator may only use them through `extra-fields.ts`.
 */

export interface MetaField {
  name: string;
  /** string | integer | number | boolean | date | array | object|string | bytes … as the metadata gives it. */
  type: string;
  /** Business object the field points to (metadata BO name), or null. */
  relation: string | null;
  owned: boolean;
  source: string;
}

export interface MetaBo {
  /** Top-level collection in the URL, or null (owned rows, no controller). */
  collection: string | null;
  clsid: string | null;
  label: string;
  fields: MetaField[];
  unconfirmed: { name: string; reason: string }[];
}

export type Metadata = Record<string, MetaBo>;

interface RawField {
  name: string;
  type: string;
  relation: string | null;
  owned: boolean;
  note?: string | null;
  source: string;
}
interface RawBo {
  collection?: string;
  clsid?: string | null;
  label?: string;
  fields: RawField[];
}

const UNPROVEN_NAME = /\(|unknown|inferred|\?|X_\*/i;
const UNPROVEN_NOTE = /NO evidence|not seen/i;

function pieces(s: string): string[] {
  return s
    .split(/\s*\/\s*|\s*,\s*/)
    .map((x) => x.trim())
    .filter(Boolean);
}

function collectionOf(raw: string | undefined): string | null {
  const first = (raw ?? '').trim().split(/\s+/)[0] ?? '';
  return /^[a-z]+$/.test(first) ? first : null;
}

function typeOfPiece(name: string, type: string, i: number, n: number): string {
  if (n === 1) return type;
  const parts = type.split('/').map((t) => t.trim());
  if (parts.length === n) return parts[i]!;
  if (parts.length === 1) return type;
  if (name.endsWith('$date')) return 'date';
  return 'string';
}

export function normalizeMetadata(raw: Record<string, RawBo>): Metadata {
  const out: Metadata = {};
  for (const [bo, r] of Object.entries(raw)) {
    const m: MetaBo = {
      collection: collectionOf(r.collection),
      clsid: r.clsid ?? null,
      label: r.label ?? bo,
      fields: [],
      unconfirmed: [],
    };
    for (const f of r.fields) {
      const note = f.note ?? '';
      if (UNPROVEN_NAME.test(f.name)) {
        m.unconfirmed.push({ name: f.name, reason: `name not proven: ${note}`.trim() });
        continue;
      }
      if (UNPROVEN_NOTE.test(note)) {
        for (const p of pieces(f.name)) m.unconfirmed.push({ name: p.toLowerCase(), reason: note });
        continue;
      }
      if (/various/i.test(f.type)) {
        m.unconfirmed.push({ name: f.name, reason: 'listed without a type' });
        continue;
      }
      const names = pieces(f.name);
      const rels = f.relation ? pieces(f.relation) : [];
      names.forEach((p, i) => {
        if (/…|\s/.test(p)) return;
        const name = p.toLowerCase();
        const type = typeOfPiece(name, f.type, i, names.length);
        const relation =
          rels.length === names.length ? (rels[i] ?? null) : rels.length === 1 ? rels[0]! : null;
        // an audit pair like "CreatedAt$DATE / CreatedBy_ID" with relation securityuser: only the _id points there
        const rel = relation && names.length > 1 && !name.endsWith('_id') ? null : relation;
        if (m.fields.some((x) => x.name === name)) return;
        m.fields.push({ name, type, relation: rel, owned: f.owned, source: f.source });
      });
    }
    out[bo] = m;
  }
  return out;
}
