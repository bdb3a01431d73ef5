/**
 * ABRA's `where` language, built in one place for the client, the engine's parts and the app's look-ups — and
 * the row such a query returns ({@link AbraRow}). Building expressions safely: Every literal goes through `lit()` (strings: `'` doubled, so
 * `O'Neil & syn` stays one literal; `&` needs no escaping inside a literal and axios URL-encodes the query string).
 * Field names are checked against ABRA's identifier shape so a field name can never smuggle in an expression.
 */
import { SyncError } from './errors';

/** A row of an ABRA collection as the Web API returns it: lowercase field names, always an `id`. */
export type AbraRow = Record<string, unknown> & { id: string };

export type Literal = string | number | boolean | null | Date;

const FIELD = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$/;

/** A field path such as `ResidenceAddress_ID.EMail`; throws `config` for anything else. */
export function field(name: string): string {
  if (!FIELD.test(name)) throw new SyncError('config', `invalid ABRA field name: ${JSON.stringify(name)}`);
  return name;
}

/** ABRA literal: `'text'` with `''` for a quote, numbers, `true`/`false`, `null`, `timestamp'…Z'` for dates. */
export function lit(v: Literal): string {
  if (v === null) return 'null';
  if (v instanceof Date) return ts(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SyncError('config', `invalid number literal ${v}`);
    return String(v);
  }
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** `timestamp'2026-06-08T10:00:00.000Z'` (always UTC with Z). */
export function ts(v: Date | string): string {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new SyncError('config', `invalid timestamp ${String(v)}`);
  return `timestamp'${d.toISOString()}'`;
}

export type Op = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** `field op literal`; `eq null` / `ne null` become `= null` / `<> null`. */
export function cmp(f: string, op: Op, v: Literal): string {
  if (v === null) {
    if (op === 'eq') return `${field(f)} = null`;
    if (op === 'ne') return `${field(f)} <> null`;
    throw new SyncError('config', `cannot compare ${f} ${op} null`);
  }
  return `${field(f)} ${op} ${lit(v)}`;
}

export const eq = (f: string, v: Literal) => cmp(f, 'eq', v);
export const ne = (f: string, v: Literal) => cmp(f, 'ne', v);
export const gt = (f: string, v: Literal) => cmp(f, 'gt', v);
export const ge = (f: string, v: Literal) => cmp(f, 'ge', v);
export const lt = (f: string, v: Literal) => cmp(f, 'lt', v);
export const le = (f: string, v: Literal) => cmp(f, 'le', v);
export const isNull = (f: string) => `${field(f)} = null`;

/** `field like 'pattern'` — `*` in `pattern` is ABRA's wildcard (there is no known escape for a literal `*`). */
export function like(f: string, pattern: string): string {
  return `${field(f)} like ${lit(pattern)}`;
}

/** Case-sensitive "contains" search; `*` in the text is dropped (it would act as a wildcard). */
export function contains(f: string, text: string): string {
  return like(f, `*${text.replace(/\*/g, '')}*`);
}

/** `field in ('a', 'b')`; an empty list gives a never-true expression. */
export function inList(f: string, values: readonly Literal[]): string {
  if (values.length === 0) return `${field(f)} = '__none__' and ${field(f)} <> '__none__'`;
  return `${field(f)} in (${values.map(lit).join(', ')})`;
}

function join(op: 'and' | 'or', parts: (string | undefined | null | false)[]): string {
  const xs = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (xs.length === 0) return '';
  if (xs.length === 1) return xs[0]!;
  return xs.map((x) => `(${x})`).join(` ${op} `);
}

/** Conjunction; empty parts are skipped, every part is parenthesised. */
export const and = (...parts: (string | undefined | null | false)[]) => join('and', parts);
export const or = (...parts: (string | undefined | null | false)[]) => join('or', parts);
export const not = (p: string) => `not (${p})`;
/** `exists(Coll WHERE cond)` over an owned collection (e.g. `FirmPersons`). */
export const exists = (coll: string, cond: string) => `exists(${field(coll)} WHERE ${cond})`;
