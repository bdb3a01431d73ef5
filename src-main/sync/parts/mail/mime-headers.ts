/**
 * The header side of the MIME reader (mime.ts): header blocks, `type/sub; a=b` parameters (RFC 2231), address
 * lists and dates. Forgiving like the rest of the reader: broken input gives empty values, never an exception, and
 * every scan is linear in what it reads (counted in {@link mimeWork} for the tests that prove it).
 */
import { decodeRawHeader, decodeRfc2231 } from './charset';

export interface AddressValue {
  address: string;
  name?: string;
}

/**
 * Characters the structure scans (header ends, boundaries, header blocks) have read so far, for tests that prove
 * the parser linear without timing it.
 */
export const mimeWork = { chars: 0 };

export function parseHeaderBlock(block: string): Map<string, string[]> {
  mimeWork.chars += block.length;
  const headers = new Map<string, string[]>();
  const lines = block.split(/\r?\n/);
  // the lines of one header, joined once when it is complete
  let cur: string[] | null = null;
  const flush = () => {
    if (cur === null) return;
    const line = cur.length === 1 ? (cur[0] as string) : cur.join(' ');
    const i = line.indexOf(':');
    if (i > 0) {
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (name && !/\s/.test(name)) {
        const list = headers.get(name);
        if (list) list.push(value);
        else headers.set(name, [value]);
      }
    }
    cur = null;
  };
  for (const line of lines) {
    const c = line.charCodeAt(0);
    if ((c === 0x20 || c === 0x09) && cur !== null) cur.push(line.trim());
    else {
      flush();
      cur = [line];
    }
  }
  flush();
  return headers;
}

/** `type/sub; a=b; c="d"` → value + params (RFC 2231 continuations and charsets understood). */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const parts: string[] = [];
  let from = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 && value.charCodeAt(i - 1) !== 0x5c) quoted = !quoted;
    if (c === 0x3b && !quoted) {
      parts.push(value.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(value.slice(from));
  const head = (parts.shift() ?? '').trim().toLowerCase();
  const params: Record<string, string> = {};
  const extended: Record<string, { idx: number; val: string; enc: boolean }[]> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"')) val = val.slice(1, val.endsWith('"') ? -1 : undefined).replace(/\\(.)/g, '$1');
    const m = /^([^*]+)\*(?:(\d+)\*?)?$/.exec(key);
    if (m && (key.endsWith('*') || m[2] !== undefined)) {
      const name = m[1] as string;
      const segs = extended[name] ?? [];
      extended[name] = segs;
      segs.push({ idx: Number(m[2] ?? 0), val, enc: key.endsWith('*') });
    } else params[key] = decodeRawHeader(val);
  }
  for (const [name, segs] of Object.entries(extended)) {
    segs.sort((a, b) => a.idx - b.idx);
    if (segs[0]?.enc) {
      // charset'lang'%XX… in the first segment, further %-encoded segments joined before decoding
      const joined = segs.map((s, i) => (i === 0 || s.enc ? s.val : encodeURIComponent(s.val))).join('');
      params[name] = decodeRfc2231(joined);
    } else params[name] = decodeRawHeader(segs.map((s) => s.val).join(''));
  }
  return { value: head, params };
}

export function first(h: Map<string, string[]>, name: string): string {
  return h.get(name)?.[0] ?? '';
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** `s.match(/<[^>]*>/)?.[0]`: the first `<` that a `>` follows, up to that `>`. */
export function firstAngle(s: string): string | undefined {
  const p = s.indexOf('<');
  const q = p < 0 ? -1 : s.indexOf('>', p + 1);
  return q < 0 ? undefined : s.slice(p, q + 1);
}

/** `s.replace(/\([^)]*\)/g, '')`: every `(…)` removed (an unclosed `(` stays). */
function removeComments(s: string): string {
  const out: string[] = [];
  let last = 0;
  for (;;) {
    const p = s.indexOf('(', last);
    const q = p < 0 ? -1 : s.indexOf(')', p + 1);
    if (q < 0) break;
    out.push(s.slice(last, p));
    last = q + 1;
  }
  if (!out.length) return s;
  out.push(s.slice(last));
  return out.join('');
}

/** Split an address list at commas outside quotes/angle brackets/comments; groups are flattened. */
export function parseAddressList(value: string): AddressValue[] {
  const out: AddressValue[] = [];
  const items: string[] = [];
  let from = 0;
  let q = false;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && q) {
      i++;
      continue;
    }
    if (c === '"' && !paren) q = !q;
    else if (!q && c === '<') angle++;
    else if (!q && c === '>') angle = Math.max(0, angle - 1);
    else if (!q && c === '(') paren++;
    else if (!q && c === ')') paren = Math.max(0, paren - 1);
    if (!q && !angle && !paren && (c === ',' || c === ';')) {
      items.push(value.slice(from, i));
      from = i + 1;
    }
  }
  items.push(value.slice(from));
  for (let it of items) {
    it = it.trim();
    if (!it) continue;
    const g = groupMembers(it); // group "name: a@b"
    if (g !== undefined && !it.includes('<')) it = g.trim();
    else if (g !== undefined && it.indexOf(':') < it.indexOf('<')) it = g.trim();
    // /^(.*?)<([^>]*)>/ without retrying every later `<` when no `>` follows
    const lt = it.indexOf('<');
    const gt = lt < 0 || LINE_TERMINATOR.test(it.slice(0, lt)) ? -1 : it.indexOf('>', lt + 1);
    let address = '';
    let name = '';
    if (gt >= 0) {
      address = it.slice(lt + 1, gt).trim();
      name = it.slice(0, lt).trim();
    } else {
      // /\(([^)]*)\)/: the first `(` that a `)` follows
      const open = it.indexOf('(');
      const close = open < 0 ? -1 : it.indexOf(')', open + 1);
      address = removeComments(it).trim();
      name = close >= 0 ? it.slice(open + 1, close).trim() : '';
    }
    name = name
      .replace(/^"(.*)"$/s, '$1')
      .replace(/\\(.)/g, '$1')
      .trim();
    address = address.replace(/^mailto:/i, '').replace(/\s+/g, '');
    if (!address.includes('@')) continue;
    out.push(name ? { address, name: decodeRawHeader(name) } : { address });
  }
  return out;
}

/**
 * /^[^"<>@]*:(.*)$/ (a group `name: members`): the members after the last `:` before the first `"<>@`, unless a
 * line break follows it.
 */
function groupMembers(it: string): string | undefined {
  let stop = it.length;
  for (const ch of '"<>@') {
    const i = it.indexOf(ch);
    if (i >= 0 && i < stop) stop = i;
  }
  if (stop === 0) return undefined;
  const colon = it.lastIndexOf(':', stop - 1);
  if (colon < 0) return undefined;
  const rest = it.slice(colon + 1);
  return LINE_TERMINATOR.test(rest) ? undefined : rest;
}

export function parseDate(v: string): string | undefined {
  if (!v) return undefined;
  const cleaned = removeComments(v).trim();
  const t = Date.parse(cleaned);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function flag(h: Map<string, string[]>, name: string): string {
  return first(h, name).trim().toLowerCase();
}

/** One part of a message as the reader keeps it: its headers and where its bytes are (mime.ts builds them). */
export interface MimePart {
  /** Lowercase header name → raw (latin1, unfolded) values in order. */
  headers: Map<string, string[]>;
  /** `type/subtype`, lowercase; `text/plain` when missing or unreadable. */
  contentType: string;
  params: Record<string, string>;
  disposition: string;
  dispParams: Record<string, string>;
  transferEncoding: string;
  /** Byte offsets in the raw message: the whole part (headers included), and its body. */
  start: number;
  bodyStart: number;
  end: number;
  children: MimePart[];
}
