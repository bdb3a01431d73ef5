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
 *
 * This file is the structure (parts, boundaries, attachments, signals); the headers are read in mime-headers.ts, the
 * bodies decoded in mime-body.ts.
 */

import { htmlToText } from '../../../shared/html';
import { decodeRawHeader } from './charset';
import { decodedSize, textOf } from './mime-body';
import {
  type AddressValue,
  first,
  firstAngle,
  flag,
  type MimePart,
  mimeWork,
  parseAddressList,
  parseDate,
  parseHeaderBlock,
  parseParams,
} from './mime-headers';

export type { MimePart } from './mime-headers';

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
