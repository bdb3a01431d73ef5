/**
 * The common record both sides of a part map to, and the two forms the engine compares it in: `canonical` (JSON
 * with sorted keys and empty values dropped) and `recordHash` (the hash stored in a link, of the mapped fields only).
 */
import { createHash } from 'node:crypto';

/** One item of a part mapped to the fields both sides share (the part decides the keys). */
export type CommonRecord = Record<string, unknown>;

/** An absent value: undefined, null, '' or an empty list all count as "no value". */
export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** JSON with sorted keys and empty values dropped: the form hashes and comparisons use. */
export function canonical(v: unknown): string {
  return JSON.stringify(normalise(v));
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (isEmpty(x)) continue;
      out[k] = normalise(x);
    }
    return out;
  }
  return v;
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  return canonical(a) === canonical(b);
}

/** Hash of the mapped fields only (canonical JSON: sorted keys, empty values dropped). */
export function recordHash(record: CommonRecord): string {
  return createHash('sha256').update(canonical(record)).digest('hex').slice(0, 32);
}
