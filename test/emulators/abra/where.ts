/**
 * ABRA Gen's `where` language: tokenizer, recursive-descent parser and evaluator.
 *
 * Grammar (a deliberate superset of what the notes confirm, §5.3):
 *   expr    := and ( OR and )*
 *   and     := unary ( AND unary )*
 *   unary   := NOT unary | primary
 *   primary := '(' expr ')' | EXISTS '(' ident WHERE expr ')' | cmp
 *   cmp     := operand ( op operand | [NOT] IN '(' operand (',' operand)* ')' | [NOT] LIKE operand | IS [NOT] NULL )
 *   op      := eq ne lt le gt ge = <> != < <= > >=
 *   operand := path | 'string' ('' escapes a quote) | number | true | false | null | timestamp'ISO'
 * Keywords and field names are case-insensitive.
 */

export class WhereSyntaxError extends Error {}

type Tok =
  | { t: 'id'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'ts'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'punc'; v: '(' | ')' | ','; pos: number }
  | { t: 'eof'; pos: number };

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  const readQuoted = (start: number): [string, number] => {
    // src[start] === "'"
    let j = start + 1;
    let s = '';
    for (;;) {
      if (j >= n) throw new WhereSyntaxError(`unterminated string literal at ${start}`);
      const c = src[j]!;
      if (c === "'") {
        if (src[j + 1] === "'") {
          s += "'";
          j += 2;
          continue;
        }
        return [s, j + 1];
      }
      s += c;
      j++;
    }
  };
  while (i < n) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punc', v: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const [s, j] = readQuoted(i);
      out.push({ t: 'str', v: s, pos: i });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '<>' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ t: 'op', v: two, pos: i });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ t: 'op', v: c, pos: i });
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: 'num', v: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_:]/.test(c)) {
      const m = /^[A-Za-z_:][A-Za-z0-9_$.]*/.exec(src.slice(i))!;
      const word = m[0];
      if (word.toLowerCase() === 'timestamp' && src[i + word.length] === "'") {
        const [s, j] = readQuoted(i + word.length);
        out.push({ t: 'ts', v: s, pos: i });
        i = j;
        continue;
      }
      out.push({ t: 'id', v: word, pos: i });
      i += word.length;
      continue;
    }
    throw new WhereSyntaxError(`unexpected character '${c}' at ${i}`);
  }
  out.push({ t: 'eof', pos: n });
  return out;
}

export type Operand =
  | { k: 'path'; path: string[]; text: string }
  | { k: 'lit'; v: string | number | boolean | null; ts?: boolean };

export type Node =
  | { k: 'and' | 'or'; a: Node; b: Node }
  | { k: 'not'; a: Node }
  | { k: 'cmp'; op: string; l: Operand; r: Operand }
  | { k: 'in'; l: Operand; list: Operand[]; neg: boolean }
  | { k: 'like'; l: Operand; r: Operand; neg: boolean }
  | { k: 'isnull'; l: Operand; neg: boolean }
  | { k: 'exists'; coll: string; cond: Node };

const OPS: Record<string, string> = {
  eq: '=',
  '=': '=',
  ne: '<>',
  '<>': '<>',
  '!=': '<>',
  lt: '<',
  '<': '<',
  le: '<=',
  '<=': '<=',
  gt: '>',
  '>': '>',
  ge: '>=',
  '>=': '>=',
};
const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'like',
  'is',
  'null',
  'true',
  'false',
  'exists',
  'where',
]);

export function parseWhere(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p]!;
  const isKw = (t: Tok, kw: string) => t.t === 'id' && t.v.toLowerCase() === kw;
  const fail = (msg: string): never => {
    throw new WhereSyntaxError(`${msg} at position ${peek().pos} in "${src}"`);
  };
  const expectPunc = (v: string) => {
    const t = peek();
    if (t.t !== 'punc' || t.v !== v) fail(`expected '${v}'`);
    p++;
  };
  const operand = (): Operand => {
    const t = peek();
    p++;
    switch (t.t) {
      case 'str':
        return { k: 'lit', v: t.v };
      case 'num':
        return { k: 'lit', v: t.v };
      case 'ts':
        return { k: 'lit', v: t.v, ts: true };
      case 'id': {
        const w = t.v.toLowerCase();
        if (w === 'true') return { k: 'lit', v: true };
        if (w === 'false') return { k: 'lit', v: false };
        if (w === 'null') return { k: 'lit', v: null };
        if (KEYWORDS.has(w)) return fail(`unexpected keyword '${t.v}'`);
        if (t.v.startsWith(':')) return fail(`unbound parameter ${t.v}`);
        return { k: 'path', path: w.split('.'), text: t.v };
      }
      default:
        return fail('expected a field or a value');
    }
  };
  const cmp = (): Node => {
    const l = operand();
    const t = peek();
    if (t.t === 'op' || (t.t === 'id' && OPS[t.v.toLowerCase()])) {
      p++;
      const op = OPS[t.v.toLowerCase()]!;
      const r = operand();
      if (r.k === 'lit' && r.v === null && !r.ts) {
        if (op === '=') return { k: 'isnull', l, neg: false };
        if (op === '<>') return { k: 'isnull', l, neg: true };
        fail('null can only be compared with = or <>');
      }
      return { k: 'cmp', op, l, r };
    }
    let neg = false;
    if (isKw(t, 'not')) {
      neg = true;
      p++;
    }
    const t2 = peek();
    if (isKw(t2, 'in')) {
      p++;
      expectPunc('(');
      const list: Operand[] = [operand()];
      while (peek().t === 'punc' && (peek() as { v: string }).v === ',') {
        p++;
        list.push(operand());
      }
      expectPunc(')');
      return { k: 'in', l, list, neg };
    }
    if (isKw(t2, 'like')) {
      p++;
      return { k: 'like', l, r: operand(), neg };
    }
    if (!neg && isKw(t2, 'is')) {
      p++;
      let n2 = false;
      if (isKw(peek(), 'not')) {
        n2 = true;
        p++;
      }
      if (!isKw(peek(), 'null')) fail("expected 'null'");
      p++;
      return { k: 'isnull', l, neg: n2 };
    }
    return fail('expected an operator');
  };
  const primary = (): Node => {
    const t = peek();
    if (t.t === 'punc' && t.v === '(') {
      p++;
      const e = expr();
      expectPunc(')');
      return e;
    }
    if (isKw(t, 'exists') && toks[p + 1]?.t === 'punc') {
      p++;
      expectPunc('(');
      const c = peek();
      if (c.t !== 'id') fail('expected a collection name');
      p++;
      if (!isKw(peek(), 'where')) fail("expected 'WHERE'");
      p++;
      const cond = expr();
      expectPunc(')');
      return { k: 'exists', coll: (c as { v: string }).v.toLowerCase(), cond };
    }
    return cmp();
  };
  const unary = (): Node => {
    if (isKw(peek(), 'not')) {
      p++;
      return { k: 'not', a: unary() };
    }
    return primary();
  };
  const and = (): Node => {
    let a = unary();
    while (isKw(peek(), 'and')) {
      p++;
      a = { k: 'and', a, b: unary() };
    }
    return a;
  };
  const expr = (): Node => {
    let a = and();
    while (isKw(peek(), 'or')) {
      p++;
      a = { k: 'or', a, b: and() };
    }
    return a;
  };
  const root = expr();
  if (peek().t !== 'eof') fail('unexpected input');
  return root;
}

/** What the evaluator needs from the data model. */
export interface WhereContext<R> {
  /** Value of a path on a record and its kind; throws for an unknown field. */
  resolve(rec: R, path: string[], text: string): { v: unknown; kind: string };
  /** Rows of an owned collection of the record (for `exists`); throws when the record has no such collection. */
  owned(rec: R, coll: string): R[];
  /** Check a path without a record (validation before evaluation); throws for an unknown field. */
  check(path: string[], text: string, ownedStack: string[]): void;
}

const DAY_MS = 86_400_000;
const DELPHI_EPOCH_MS = Date.UTC(1899, 11, 30);

function parseTs(s: string): number {
  // timestamp'2020-04-09T12:11:23.835Z' ; zone-less and space forms are read as UTC (assumption, docs/abra-api.md)
  let iso = s.trim().replace(' ', 'T');
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new WhereSyntaxError(`invalid timestamp '${s}'`);
  return ms;
}

function normaliseForCompare(v: unknown, kind: string, other: Operand): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'date') {
    const ms = typeof v === 'string' ? Date.parse(v) : Number(v);
    return ms;
  }
  if (kind === 'boolean' && other.k === 'lit' && typeof other.v === 'string') return v ? 'A' : 'N';
  return v;
}

function litValue(o: Operand & { k: 'lit' }, kind: string): unknown {
  if (o.v === null) return null;
  if (o.ts) return parseTs(o.v as string);
  if (kind === 'date') {
    if (typeof o.v === 'number') return DELPHI_EPOCH_MS + o.v * DAY_MS; // ABRA stores TDateTime floats
    if (typeof o.v === 'string') return parseTs(o.v);
  }
  if (kind === 'boolean' && typeof o.v === 'string') return o.v.toUpperCase();
  return o.v;
}

function likeToRegex(pattern: string): RegExp {
  const esc = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${esc}$`, 's');
}

export function compileWhere<R>(node: Node, ctx: WhereContext<R>): (rec: R) => boolean {
  const checkOperand = (o: Operand, stack: string[]) => {
    if (o.k === 'path') ctx.check(o.path, o.text, stack);
  };
  const walk = (n: Node, stack: string[]) => {
    switch (n.k) {
      case 'and':
      case 'or':
        walk(n.a, stack);
        walk(n.b, stack);
        break;
      case 'not':
        walk(n.a, stack);
        break;
      case 'cmp':
      case 'like':
        checkOperand(n.l, stack);
        checkOperand(n.r, stack);
        break;
      case 'in':
        checkOperand(n.l, stack);
        for (const o of n.list) checkOperand(o, stack);
        break;
      case 'isnull':
        checkOperand(n.l, stack);
        break;
      case 'exists':
        walk(n.cond, [...stack, n.coll]);
        break;
    }
  };
  walk(node, []);

  const value = (rec: R, o: Operand, other: Operand): { v: unknown; kind: string } => {
    if (o.k === 'path') {
      const r = ctx.resolve(rec, o.path, o.text);
      return { v: normaliseForCompare(r.v, r.kind, other), kind: r.kind };
    }
    const kind = other.k === 'path' ? '' : 'lit';
    return { v: o.v, kind };
  };
  const pair = (rec: R, l: Operand, r: Operand): [unknown, unknown] => {
    const lv = value(rec, l, r);
    const rv = value(rec, r, l);
    const a = l.k === 'lit' ? litValue(l, rv.kind) : lv.v;
    const b = r.k === 'lit' ? litValue(r, lv.kind) : rv.v;
    return [a, b];
  };
  const ev = (n: Node, rec: R): boolean => {
    switch (n.k) {
      case 'and':
        return ev(n.a, rec) && ev(n.b, rec);
      case 'or':
        return ev(n.a, rec) || ev(n.b, rec);
      case 'not':
        return !ev(n.a, rec);
      case 'isnull': {
        const v = n.l.k === 'path' ? ctx.resolve(rec, n.l.path, n.l.text).v : n.l.v;
        const isNull = v === null || v === undefined || v === '0000000000';
        return n.neg ? !isNull : isNull;
      }
      case 'cmp': {
        const [a, b] = pair(rec, n.l, n.r);
        if (a === null || b === null || a === undefined || b === undefined) return false; // SQL three-valued logic
        switch (n.op) {
          case '=':
            return a === b;
          case '<>':
            return a !== b;
          case '<':
            return (a as number) < (b as number);
          case '<=':
            return (a as number) <= (b as number);
          case '>':
            return (a as number) > (b as number);
          default:
            return (a as number) >= (b as number);
        }
      }
      case 'like': {
        const [a, b] = pair(rec, n.l, n.r);
        if (a === null || b === null || a === undefined || b === undefined) return false;
        const hit = likeToRegex(String(b)).test(String(a));
        return n.neg ? !hit : hit;
      }
      case 'in': {
        let hit = false;
        for (const o of n.list) {
          const [a, b] = pair(rec, n.l, o);
          if (a !== null && a !== undefined && a === b) {
            hit = true;
            break;
          }
        }
        return n.neg ? !hit : hit;
      }
      case 'exists':
        return ctx.owned(rec, n.coll).some((row) => ev(n.cond, row));
    }
  };
  return (rec) => ev(node, rec);
}
