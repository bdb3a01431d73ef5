/**
 * The common record both sides of a part map to, and the two forms the engine compares it in: `canonical` (JSON
 * with sorted keys and empty values dropped) and `recordHash` (the hash stored in a link, of the mapped fields only).
 */
import * as crypto from 'node:crypto';

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

/**
 * One-shot hashing where this Node has it (≥ 20.12): no Hash object per record (half the hash's CPU, issue #17).
 * A hand-written canonical writer was tried too and was slower than JSON.stringify of the sorted copy.
 */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

/** Hash of the mapped fields only (canonical JSON: sorted keys, empty values dropped). */
export function recordHash(record: CommonRecord): string {
  const text = canonical(record);
  const hex = oneShot
    ? oneShot('sha256', text, 'hex')
    : crypto.createHash('sha256').update(text).digest('hex');
  return hex.slice(0, 32);
}
