/** EWS Restriction evaluation (IsEqualTo, IsNotEqualTo, IsGreaterThan[OrEqualTo], IsLessThan[OrEqualTo], Exists,
 * Contains, Excludes, And, Or, Not) over a field getter. Comparison is date-aware, numeric-aware, and
 * case-insensitive for strings like Exchange's default collation. */
import { StoreError } from '../store';
import type { XNode } from '../xml';
import { child } from '../xml';

export type Getter = (path: XNode) => string | undefined;

const PATHS = new Set(['FieldURI', 'IndexedFieldURI', 'ExtendedFieldURI']);

function compare(a: string, b: string): number {
  const da = /^\d{4}-\d\d-\d\dT/.test(a)
    ? Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(a) ? a : `${a}Z`)
    : Number.NaN;
  const db = /^\d{4}-\d\d-\d\dT/.test(b)
    ? Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(b) ? b : `${b}Z`)
    : Number.NaN;
  if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) return Number(a) - Number(b);
  return a.localeCompare(b, 'en', { sensitivity: 'base' });
}

export function evaluate(expr: XNode, get: Getter): boolean {
  switch (expr.name) {
    case 'And':
      return expr.children.every((c) => evaluate(c, get));
    case 'Or':
      return expr.children.some((c) => evaluate(c, get));
    case 'Not':
      return !expr.children[0] || !evaluate(expr.children[0], get);
    case 'Exists': {
      const p = expr.children[0];
      return !!p && get(p) !== undefined;
    }
    case 'Contains':
    case 'Excludes': {
      const p = expr.children.find((c) => PATHS.has(c.name));
      const constant = child(expr, 'Constant')?.attrs.Value ?? '';
      const v = p ? get(p) : undefined;
      if (expr.name === 'Excludes') {
        const mask = Number(
          child(child(expr, 'Bitmask'), '')?.attrs.Value ?? expr.children[1]?.attrs.Value ?? 0,
        );
        return v !== undefined && (Number(v) & mask) === 0;
      }
      if (v === undefined) return false;
      const ignoreCase = (expr.attrs.ContainmentComparison ?? 'Exact').includes('IgnoreCase');
      const a = ignoreCase ? v.toLowerCase() : v;
      const b = ignoreCase ? constant.toLowerCase() : constant;
      const mode = expr.attrs.ContainmentMode ?? 'FullString';
      if (mode === 'FullString') return a === b;
      if (mode === 'Prefixed') return a.startsWith(b);
      if (mode === 'PrefixOnWords') return a.split(/\s+/).some((w) => w.startsWith(b));
      return a.includes(b);
    }
    case 'IsEqualTo':
    case 'IsNotEqualTo':
    case 'IsGreaterThan':
    case 'IsGreaterThanOrEqualTo':
    case 'IsLessThan':
    case 'IsLessThanOrEqualTo': {
      const p = expr.children.find((c) => PATHS.has(c.name));
      const rhsNode = child(expr, 'FieldURIOrConstant')?.children[0];
      if (!p || !rhsNode) throw new StoreError('ErrorInvalidRestriction', 'Restriction is incomplete.');
      const lhs = get(p);
      const rhs = rhsNode.name === 'Constant' ? rhsNode.attrs.Value : get(rhsNode);
      if (lhs === undefined || rhs === undefined) return expr.name === 'IsNotEqualTo';
      const c = compare(lhs, rhs);
      switch (expr.name) {
        case 'IsEqualTo':
          return c === 0;
        case 'IsNotEqualTo':
          return c !== 0;
        case 'IsGreaterThan':
          return c > 0;
        case 'IsGreaterThanOrEqualTo':
          return c >= 0;
        case 'IsLessThan':
          return c < 0;
        default:
          return c <= 0;
      }
    }
    default:
      throw new StoreError('ErrorUnsupportedQueryFilter', `Restriction ${expr.name} is not supported.`);
  }
}
