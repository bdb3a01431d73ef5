/**
 * A small, forgiving MIME reader for archiving: it never throws on broken input, works on byte offsets of the raw
 * message (so parts can be cut out again byte-exactly), never decodes attachment contents (a 20 MB attachment costs
 * one scan for its size, not a decoded copy), and knows the few signals the archive needs: plain-text body,
 * attachment list, calendar invitations, delivery reports and auto-replies.
 *
 * Written here instead of taking a parser package because the archive must also rewrite the message without its
 * large attachments at the original byte positions, which the common parsers (postal-mime, mailparser) do not expose.
 *
 * Linear in the size of the message: every search is bounded by the part it belongs to (a search that runs on to the
 * end of the message for every one of many parts is quadratic), and no regular expression can fail after scanning to
 * the end of a value and then be tried again at the next position. The structure is capped ({@link MAX_DEPTH},
 * {@link MAX_PARTS}); what was left unread is said in {@link ParsedMail.limits}. An optional time budget makes a parse
 * that still takes too long stop with a {@link MimeBudgetError} instead of holding the process.
 */

import { htmlToText } from '../shared/html';
import { decodeBytes, decodeRawHeader, decodeRfc2231 } from './charset';

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

export interface AddressValue {
  address: string;
  name?: string;
}

export interface AttachmentInfo {
  name: string;
  contentType: string;
  /** Decoded size in bytes (computed from the encoded length, never by decoding). */
  size: number;
  inline: boolean;
  /** Byte range of the whole part in the raw message. */
  start: number;
  end: number;
}

export interface ParsedMail {
  messageId: string;
  subject: string;
  from?: AddressValue;
  to: AddressValue[];
  cc: AddressValue[];
  /** UTC ISO from the Date header, when readable. */
  date?: string;
  inReplyTo?: string;
  /** Lowercase header name → decoded first value. */
  headers: Record<string, string>;
  text: string;
  attachments: AttachmentInfo[];
  /** Contains a text/calendar part (an invitation or a reply to one). */
  isCalendar: boolean;
  /** A delivery status notification (multipart/report; report-type=delivery-status) or message/delivery-status. */
  isDeliveryReport: boolean;
  /** Auto-Submitted other than "no", X-Autoreply, Precedence auto_reply, X-Auto-Response-Suppress. */
  isAutoReply: boolean;
  size: number;
  root: MimePart;
  /** What the parser left unread because of its caps (English sentences; empty for every ordinary message). */
  limits: string[];
}

/** Deepest multipart nesting that is read; a multipart below it is kept as one unread part. */
export const MAX_DEPTH = 20;
/** Most MIME parts read per message (bounds the memory of the tree); later parts are left unread. */
export const MAX_PARTS = 2000;

export interface MimeParseOptions {
  /** Stop with a {@link MimeBudgetError} once the parse has taken longer than this (checked per part and step). */
  budgetMs?: number;
  /** Milliseconds, monotonic (default `performance.now`); tests pass a fake clock. */
  clock?: () => number;
}

/** A parse that went over its time budget (see {@link MimeParseOptions.budgetMs}). */
export class MimeBudgetError extends Error {
  constructor(
    readonly elapsedMs: number,
    readonly budgetMs: number,
  ) {
    super(`reading the message took longer than ${budgetMs} ms (stopped after ${Math.round(elapsedMs)} ms)`);
    this.name = 'MimeBudgetError';
  }
}

/**
 * Characters the structure scans (header ends, boundaries, header blocks) have read so far, for tests that prove
 * the parser linear without timing it.
 */
export const mimeWork = { chars: 0 };

/** `src.indexOf('\n', from)`, counting what it reads. */
function nextNewline(src: string, from: number): number {
  const i = src.indexOf('\n', from);
  mimeWork.chars += (i < 0 ? src.length : i + 1) - from;
  return i;
}

/** Where the header block of the part [start, end) ends: the first blank line (CRLF or LF) that starts inside it. */
function findHeaderEnd(src: string, start: number, end: number): { headerEnd: number; bodyStart: number } {
  // A part may start with its body when it has no headers at all (blank first line).
  if (src.startsWith('\r\n', start)) return { headerEnd: start, bodyStart: start + 2 };
  if (src.startsWith('\n', start)) return { headerEnd: start, bodyStart: start + 1 };
  // line by line, never past the part: a part without a blank line must not cost a scan to the end of the message
  for (let p = start; ; ) {
    const i = nextNewline(src, p);
    if (i === -1 || i > end) break;
    if (i - 1 >= start && src.charCodeAt(i - 1) === 13 && src.startsWith('\r\n', i + 1))
      return { headerEnd: i - 1, bodyStart: i + 3 };
    if (i < end && src.charCodeAt(i + 1) === 10) return { headerEnd: i, bodyStart: i + 2 };
    p = i + 1;
  }
  return { headerEnd: end, bodyStart: end };
}

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

function first(h: Map<string, string[]>, name: string): string {
  return h.get(name)?.[0] ?? '';
}

interface ParseRun {
  /** Parts read so far. */
  n: number;
  limits: Set<string>;
  check: () => void;
}

function parsePart(src: string, start: number, end: number, depth: number, run: ParseRun): MimePart {
  run.n++;
  run.check();
  const { headerEnd, bodyStart: blankEnd } = findHeaderEnd(src, start, end);
  // a blank line that ends right at the part's end (an empty body) must not put the body after the part
  const bodyStart = Math.min(blankEnd, end);
  const headers = parseHeaderBlock(src.slice(start, headerEnd));
  const ct = parseParams(first(headers, 'content-type') || 'text/plain');
  const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(ct.value) ? ct.value : 'text/plain';
  const disp = parseParams(first(headers, 'content-disposition'));
  const part: MimePart = {
    headers,
    contentType,
    params: ct.params,
    disposition: disp.value,
    dispParams: disp.params,
    transferEncoding: first(headers, 'content-transfer-encoding').trim().toLowerCase(),
    start,
    bodyStart,
    end,
    children: [],
  };
  const boundary = ct.params.boundary;
  if (!contentType.startsWith('multipart/') || !boundary) return part;
  if (depth >= MAX_DEPTH) {
    run.limits.add(`multipart nesting deeper than ${MAX_DEPTH} levels: the inner parts were not read`);
    return part;
  }
  const room = MAX_PARTS - run.n;
  const { ranges, more } = splitMultipart(src, bodyStart, end, boundary, Math.max(0, room));
  for (const r of ranges) {
    if (run.n >= MAX_PARTS) {
      run.limits.add(`more than ${MAX_PARTS} MIME parts: the rest were not read`);
      break;
    }
    part.children.push(parsePart(src, r.start, r.end, depth + 1, run));
  }
  if (more) run.limits.add(`more than ${MAX_PARTS} MIME parts: the rest were not read`);
  return part;
}

/**
 * Byte ranges of the parts of a multipart body (at most `max`; `more` when there were more); a missing closing
 * boundary (truncated mail) ends at `end`. A delimiter counts only at the start of a line, so the body is read line
 * by line inside [start, end) — never searched on past `end` for a boundary that only occurs further on.
 */
function splitMultipart(
  src: string,
  start: number,
  end: number,
  boundary: string,
  max: number,
): { ranges: { start: number; end: number }[]; more: boolean } {
  const delim = `--${boundary}`;
  const ranges: { start: number; end: number }[] = [];
  let partStart = -1;
  let line = start;
  while (line < end) {
    mimeWork.chars += delim.length;
    if (src.startsWith(delim, line)) {
      const closing = src.startsWith('--', line + delim.length);
      if (partStart !== -1) {
        if (ranges.length >= max) return { ranges, more: true };
        // the line break before the delimiter belongs to the delimiter
        let e = line;
        if (src[e - 1] === '\n') e--;
        if (src[e - 1] === '\r') e--;
        ranges.push({ start: partStart, end: Math.max(partStart, e) });
      }
      if (closing) return { ranges, more: false };
      const eol = nextNewline(src, line);
      partStart = eol === -1 || eol >= end ? end : eol + 1;
      line = partStart;
      continue;
    }
    const nl = nextNewline(src, line);
    if (nl === -1 || nl >= end) break;
    line = nl + 1;
  }
  if (partStart !== -1 && partStart < end) {
    if (ranges.length >= max) return { ranges, more: true };
    ranges.push({ start: partStart, end });
  }
  return { ranges, more: false };
}

/** Decoded bytes of a leaf part's body. */
export function bodyBytes(src: string, p: MimePart): Buffer {
  const raw = src.slice(p.bodyStart, p.end);
  if (p.transferEncoding === 'base64') return Buffer.from(raw.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (p.transferEncoding === 'quoted-printable') return decodeQuotedPrintable(raw);
  return Buffer.from(raw, 'latin1');
}

/** Value of a hex digit's char code, or -1. */
function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export function decodeQuotedPrintable(s: string): Buffer {
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const hi = i + 2 < s.length ? hexVal(s.charCodeAt(i + 1)) : -1;
      const lo = hi < 0 ? -1 : hexVal(s.charCodeAt(i + 2));
      if (lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
      // soft line break
      if (s[i + 1] === '\r' && s[i + 2] === '\n') {
        i += 2;
        continue;
      }
      if (s[i + 1] === '\n') {
        i += 1;
        continue;
      }
    }
    out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

/** Decoded size of a part's body without decoding it. */
function decodedSize(src: string, p: MimePart): number {
  const len = p.end - p.bodyStart;
  if (p.transferEncoding === 'base64') {
    let chars = 0;
    let pad = 0;
    for (let i = p.bodyStart; i < p.end; i++) {
      const c = src.charCodeAt(i);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47)
        chars++;
      else if (c === 61) pad++;
    }
    return Math.max(0, Math.floor(((chars + pad) * 3) / 4) - Math.min(pad, 2));
  }
  if (p.transferEncoding === 'quoted-printable')
    return decodeQuotedPrintable(src.slice(p.bodyStart, p.end)).length;
  return len;
}

export function textOf(src: string, p: MimePart): string {
  return decodeBytes(bodyBytes(src, p), p.params.charset);
}

function leaves(p: MimePart, out: MimePart[] = []): MimePart[] {
  if (p.children.length) for (const c of p.children) leaves(c, out);
  else out.push(p);
  return out;
}

function isAttachment(p: MimePart): boolean {
  if (p.disposition === 'attachment') return true;
  const named = !!(p.dispParams.filename || p.params.name);
  if (p.contentType.startsWith('text/plain') || p.contentType === 'text/html')
    return named && p.disposition !== 'inline';
  if (p.contentType.startsWith('multipart/')) return false;
  // calendar parts of an invitation are the invitation itself, not a file the user attached
  if (p.contentType === 'text/calendar' && !named) return false;
  if (p.contentType === 'message/delivery-status' || p.contentType === 'message/disposition-notification')
    return false;
  return true;
}

/** The plain-text body: the first text/plain leaf that is not an attachment; else the first HTML one, converted. */
function bodyText(src: string, root: MimePart, check: () => void): string {
  const ls = leaves(root).filter((p) => !isAttachment(p));
  const plain = ls.find((p) => p.contentType === 'text/plain');
  if (plain) return normalizeNewlines(textOf(src, plain));
  const html = ls.find((p) => p.contentType === 'text/html');
  if (!html) return '';
  const text = textOf(src, html);
  check();
  return htmlToText(text);
}

function normalizeNewlines(s: string): string {
  // trimEnd() removes what /\s+$/ does, without retrying a long inner run of spaces at each of its positions
  return s.replace(/\r\n?/g, '\n').trimEnd();
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** `s.match(/<[^>]*>/)?.[0]`: the first `<` that a `>` follows, up to that `>`. */
function firstAngle(s: string): string | undefined {
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

function parseDate(v: string): string | undefined {
  if (!v) return undefined;
  const cleaned = removeComments(v).trim();
  const t = Date.parse(cleaned);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function flag(h: Map<string, string[]>, name: string): string {
  return first(h, name).trim().toLowerCase();
}

/**
 * Parse a raw message. Never throws on its content: whatever cannot be read is left empty. Only with a
 * `budgetMs` it throws a {@link MimeBudgetError} when the parse takes longer than that.
 */
export function parseMime(raw: Buffer | string, opts: MimeParseOptions = {}): ParsedMail {
  const clock = opts.clock ?? (() => performance.now());
  const budget = opts.budgetMs;
  const t0 = budget === undefined ? 0 : clock();
  const check =
    budget === undefined
      ? () => undefined
      : () => {
          const elapsed = clock() - t0;
          if (elapsed > budget) throw new MimeBudgetError(elapsed, budget);
        };
  const src = typeof raw === 'string' ? raw : raw.toString('latin1');
  const run: ParseRun = { n: 0, limits: new Set(), check };
  const root = parsePart(src, 0, src.length, 0, run);
  const h = root.headers;
  const decoded: Record<string, string> = {};
  for (const [k, v] of h) decoded[k] = decodeRawHeader(v[0] ?? '');
  const all = leaves(root);
  const attachments: AttachmentInfo[] = [];
  const visit = (p: MimePart) => {
    if (p.children.length) {
      for (const c of p.children) visit(c);
      return;
    }
    if (p === root || !isAttachment(p)) return;
    const name =
      p.dispParams.filename ||
      p.params.name ||
      (p.contentType === 'message/rfc822' ? 'forwarded-message.eml' : `attachment-${attachments.length + 1}`);
    attachments.push({
      name,
      contentType: p.contentType,
      size: decodedSize(src, p),
      inline: p.disposition === 'inline' || !!first(p.headers, 'content-id'),
      start: p.start,
      end: p.end,
    });
  };
  visit(root);
  check();
  const walk = (p: MimePart, f: (x: MimePart) => boolean): boolean =>
    f(p) || p.children.some((c) => walk(c, f));
  const autoSubmitted = flag(h, 'auto-submitted');
  const precedence = flag(h, 'precedence');
  const text = bodyText(src, root, check);
  check();
  return {
    messageId: (firstAngle(first(h, 'message-id')) ?? first(h, 'message-id')).trim(),
    subject: decoded.subject ?? '',
    from: parseAddressList(first(h, 'from'))[0],
    to: h.get('to')?.flatMap(parseAddressList) ?? [],
    cc: h.get('cc')?.flatMap(parseAddressList) ?? [],
    date: parseDate(first(h, 'date')),
    inReplyTo: firstAngle(first(h, 'in-reply-to')),
    headers: decoded,
    text,
    attachments,
    isCalendar:
      all.some((p) => p.contentType === 'text/calendar') ||
      walk(root, (p) => p.contentType === 'text/calendar'),
    isDeliveryReport: walk(
      root,
      (p) =>
        (p.contentType === 'multipart/report' &&
          (p.params['report-type'] ?? '').toLowerCase() === 'delivery-status') ||
        p.contentType === 'message/delivery-status',
    ),
    isAutoReply:
      (autoSubmitted !== '' && autoSubmitted !== 'no') ||
      h.has('x-autoreply') ||
      h.has('x-autorespond') ||
      precedence === 'auto_reply' ||
      h.has('x-auto-response-suppress'),
    size: src.length,
    root,
    limits: [...run.limits],
  };
}

export interface StrippedMime {
  mime: Buffer;
  /** Attachments that were left out (over the limit). */
  removed: { name: string; size: number; contentType: string }[];
}

/**
 * The raw message without the attachments larger than `maxBytes`: each is replaced, at its place in the MIME tree,
 * by a short text/plain part naming it and its size. Everything else stays byte-identical.
 */
export function stripLargeAttachments(raw: Buffer, parsed: ParsedMail, maxBytes: number): StrippedMime {
  const big = parsed.attachments.filter((a) => a.size > maxBytes && a.start > 0);
  if (!big.length) return { mime: raw, removed: [] };
  const chunks: Buffer[] = [];
  let pos = 0;
  for (const a of [...big].sort((x, y) => x.start - y.start)) {
    if (a.start < pos) continue;
    chunks.push(raw.subarray(pos, a.start));
    const safeName = a.name.replace(/[\r\n"]/g, ' ');
    const note =
      `Content-Type: text/plain; charset=utf-8\r\n` +
      `Content-Transfer-Encoding: 8bit\r\n` +
      `Content-Disposition: inline\r\n` +
      `X-Archive-Omitted-Attachment: name*=utf-8''${encodeURIComponent(safeName)}; size=${a.size}\r\n` +
      `\r\n` +
      `[Attachment "${safeName}" (${a.size} bytes, ${a.contentType}) was not archived: larger than the limit of ${maxBytes} bytes.]`;
    chunks.push(Buffer.from(note, 'utf8'));
    pos = a.end;
  }
  chunks.push(raw.subarray(pos));
  return {
    mime: Buffer.concat(chunks),
    removed: big.map((a) => ({ name: a.name, size: a.size, contentType: a.contentType })),
  };
}
