/**
 * A small, forgiving MIME reader for archiving: it never throws on broken input, works on byte offsets of the raw
 * message (so parts can be cut out again byte-exactly), never decodes attachment contents (a 20 MB attachment costs
 * one scan for its size, not a decoded copy), and knows the few signals the archive needs: plain-text body,
 * attachment list, calendar invitations, delivery reports and auto-replies.
 *
 * Written here instead of taking a parser package because the archive must also rewrite the message without its
 * large attachments at the original byte positions, which the common parsers (postal-mime, mailparser) do not expose.
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
}

const MAX_DEPTH = 20;
const MAX_PARTS = 2000;

function findHeaderEnd(src: string, start: number, end: number): { headerEnd: number; bodyStart: number } {
  // A part may start with its body when it has no headers at all (blank first line).
  if (src.startsWith('\r\n', start)) return { headerEnd: start, bodyStart: start + 2 };
  if (src.startsWith('\n', start)) return { headerEnd: start, bodyStart: start + 1 };
  const crlf = src.indexOf('\r\n\r\n', start);
  const lf = src.indexOf('\n\n', start);
  const candidates: { headerEnd: number; bodyStart: number }[] = [];
  if (crlf !== -1 && crlf < end) candidates.push({ headerEnd: crlf, bodyStart: crlf + 4 });
  if (lf !== -1 && lf < end) candidates.push({ headerEnd: lf, bodyStart: lf + 2 });
  if (!candidates.length) return { headerEnd: end, bodyStart: end };
  return candidates.reduce((a, b) => (b.headerEnd < a.headerEnd ? b : a));
}

export function parseHeaderBlock(block: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const lines = block.split(/\r?\n/);
  let cur: string | null = null;
  const flush = () => {
    if (cur === null) return;
    const i = cur.indexOf(':');
    if (i > 0) {
      const name = cur.slice(0, i).trim().toLowerCase();
      const value = cur.slice(i + 1).trim();
      if (name && !/\s/.test(name)) {
        const list = headers.get(name);
        if (list) list.push(value);
        else headers.set(name, [value]);
      }
    }
    cur = null;
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line) && cur !== null) cur += ` ${line.trim()}`;
    else {
      flush();
      cur = line;
    }
  }
  flush();
  return headers;
}

/** `type/sub; a=b; c="d"` → value + params (RFC 2231 continuations and charsets understood). */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
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

function parsePart(src: string, start: number, end: number, depth: number, count: { n: number }): MimePart {
  count.n++;
  const { headerEnd, bodyStart } = findHeaderEnd(src, start, end);
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
  if (contentType.startsWith('multipart/') && boundary && depth < MAX_DEPTH && count.n < MAX_PARTS) {
    part.children = splitMultipart(src, bodyStart, end, boundary).map((r) =>
      parsePart(src, r.start, r.end, depth + 1, count),
    );
  }
  return part;
}

/** Byte ranges of the parts of a multipart body; a missing closing boundary (truncated mail) ends at `end`. */
function splitMultipart(
  src: string,
  start: number,
  end: number,
  boundary: string,
): { start: number; end: number }[] {
  const delim = `--${boundary}`;
  const ranges: { start: number; end: number }[] = [];
  let pos = start;
  let partStart = -1;
  while (pos < end) {
    const i = src.indexOf(delim, pos);
    if (i === -1 || i >= end) break;
    const atLineStart = i === start || src[i - 1] === '\n';
    if (!atLineStart) {
      pos = i + delim.length;
      continue;
    }
    const closing = src.startsWith('--', i + delim.length);
    if (partStart !== -1) {
      // the line break before the delimiter belongs to the delimiter
      let e = i;
      if (src[e - 1] === '\n') e--;
      if (src[e - 1] === '\r') e--;
      ranges.push({ start: partStart, end: Math.max(partStart, e) });
    }
    if (closing) return ranges;
    const eol = src.indexOf('\n', i);
    partStart = eol === -1 || eol >= end ? end : eol + 1;
    pos = partStart;
  }
  if (partStart !== -1 && partStart < end) ranges.push({ start: partStart, end });
  return ranges;
}

/** Decoded bytes of a leaf part's body. */
export function bodyBytes(src: string, p: MimePart): Buffer {
  const raw = src.slice(p.bodyStart, p.end);
  if (p.transferEncoding === 'base64') return Buffer.from(raw.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (p.transferEncoding === 'quoted-printable') return decodeQuotedPrintable(raw);
  return Buffer.from(raw, 'latin1');
}

export function decodeQuotedPrintable(s: string): Buffer {
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d) {
      const h = s.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(h)) {
        out[n++] = Number.parseInt(h, 16);
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
function bodyText(src: string, root: MimePart): string {
  const ls = leaves(root).filter((p) => !isAttachment(p));
  const plain = ls.find((p) => p.contentType === 'text/plain');
  if (plain) return normalizeNewlines(textOf(src, plain));
  const html = ls.find((p) => p.contentType === 'text/html');
  if (html) return htmlToText(textOf(src, html));
  return '';
}

function normalizeNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
}

/** Split an address list at commas outside quotes/angle brackets/comments; groups are flattened. */
export function parseAddressList(value: string): AddressValue[] {
  const out: AddressValue[] = [];
  const items: string[] = [];
  let cur = '';
  let q = false;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && q) {
      cur += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"' && !paren) q = !q;
    else if (!q && c === '<') angle++;
    else if (!q && c === '>') angle = Math.max(0, angle - 1);
    else if (!q && c === '(') paren++;
    else if (!q && c === ')') paren = Math.max(0, paren - 1);
    if (!q && !angle && !paren && (c === ',' || c === ';')) {
      items.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  items.push(cur);
  for (let it of items) {
    it = it.trim();
    if (!it) continue;
    const g = /^[^"<>@]*:(.*)$/.exec(it); // group "name: a@b"
    if (g && !it.includes('<')) it = (g[1] as string).trim();
    else if (g && it.indexOf(':') < it.indexOf('<')) it = (g[1] as string).trim();
    const m = /^(.*?)<([^>]*)>/.exec(it);
    let address = '';
    let name = '';
    if (m) {
      address = (m[2] as string).trim();
      name = (m[1] as string).trim();
    } else {
      const cm = /\(([^)]*)\)/.exec(it);
      address = it.replace(/\([^)]*\)/g, '').trim();
      name = cm ? (cm[1] as string).trim() : '';
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

function parseDate(v: string): string | undefined {
  if (!v) return undefined;
  const cleaned = v.replace(/\([^)]*\)/g, '').trim();
  const t = Date.parse(cleaned);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function flag(h: Map<string, string[]>, name: string): string {
  return first(h, name).trim().toLowerCase();
}

/** Parse a raw message. Never throws: whatever cannot be read is left empty. */
export function parseMime(raw: Buffer | string): ParsedMail {
  const src = typeof raw === 'string' ? raw : raw.toString('latin1');
  const root = parsePart(src, 0, src.length, 0, { n: 0 });
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
  const walk = (p: MimePart, f: (x: MimePart) => boolean): boolean =>
    f(p) || p.children.some((c) => walk(c, f));
  const autoSubmitted = flag(h, 'auto-submitted');
  const precedence = flag(h, 'precedence');
  return {
    messageId: (first(h, 'message-id').match(/<[^>]*>/)?.[0] ?? first(h, 'message-id')).trim(),
    subject: decoded.subject ?? '',
    from: parseAddressList(first(h, 'from'))[0],
    to: h.get('to')?.flatMap(parseAddressList) ?? [],
    cc: h.get('cc')?.flatMap(parseAddressList) ?? [],
    date: parseDate(first(h, 'date')),
    inReplyTo: first(h, 'in-reply-to').match(/<[^>]*>/)?.[0],
    headers: decoded,
    text: bodyText(src, root),
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
