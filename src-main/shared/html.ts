/**
 * HTML body → readable plain text (for the activity description when a message has no text/plain part).
 *
 * Linear in the input: every step is one left-to-right pass. Regular expressions that can fail after scanning to the
 * end of the input (an unclosed `<a `, `<script`, `<!--`, a long run of spaces not followed by a line break) would
 * restart that scan at every later position — quadratic — so those steps run only over the text up to the last
 * possible end of a match, or remember that no closing tag follows any more. The result is the same as applying, in
 * order: remove comments; remove
 * `<script|style|head|title …>…</…>` blocks; `<br>` and the ends of block elements → line break; `<li>` → bullet;
 * `<td>`/`<th>` → tab; remove every other tag; decode entities; tidy whitespace.
 */

const ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ndash: '–',
  mdash: '—',
  hellip: '…',
  bdquo: '„',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  euro: '€',
  copy: '©',
  reg: '®',
  bull: '•',
  middot: '·',
};

export function decodeEntities(s: string): string {
  // linear: a failed match costs the length of one `&…` run, and runs do not overlap
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code =
        e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/**
 * Characters examined by {@link htmlToText} so far, for tests that prove it linear without timing it: every pass
 * adds what it read.
 */
export const htmlWork = { chars: 0 };

/**
 * `s.replace(re, repl)` for a pattern whose every match ends with `last`: applied to the text up to the last
 * `last` only. There every candidate start finds its end, so the expression never scans on to the end of the text and
 * fails (then to be tried again at the next candidate: quadratic); after the last `last` nothing can match anyway.
 */
function replaceUpToLast(s: string, last: string, re: RegExp, repl: string): string {
  const k = s.lastIndexOf(last);
  htmlWork.chars += s.length;
  if (k < 0) return s;
  const end = k + last.length;
  return end === s.length ? s.replace(re, repl) : s.slice(0, end).replace(re, repl) + s.slice(end);
}

const RAW_OPEN = /<(script|style|head|title)\b/gi;

/** `<script|style|head|title\b…</same\s*>` removed, case-insensitive, shortest match (an unclosed one stays). */
function removeRawBlocks(s: string): string {
  // per name: the first closing tag at or after `from` (`at` -1: none), so that unclosed blocks cost one scan
  const close = new Map<string, { from: number; at: number; end: number; re: RegExp }>();
  const findClose = (name: string, from: number): { at: number; end: number } => {
    const c = close.get(name);
    if (c && c.from <= from && (c.at === -1 || c.at >= from)) return c;
    const re = c?.re ?? new RegExp(`</${name}\\s*>`, 'gi');
    re.lastIndex = from;
    const m = re.exec(s);
    htmlWork.chars += (m ? re.lastIndex : s.length) - from;
    const r = { from, at: m ? m.index : -1, end: m ? re.lastIndex : -1, re };
    close.set(name, r);
    return r;
  };
  const open = new RegExp(RAW_OPEN.source, RAW_OPEN.flags);
  const out: string[] = [];
  let last = 0;
  for (;;) {
    const from = open.lastIndex;
    const m = open.exec(s);
    htmlWork.chars += (m ? open.lastIndex : s.length) - from;
    if (!m) break;
    const c = findClose((m[1] as string).toLowerCase(), open.lastIndex);
    if (c.at < 0) {
      open.lastIndex = m.index + 1;
      continue;
    }
    out.push(s.slice(last, m.index));
    last = c.end;
    open.lastIndex = c.end;
  }
  if (!out.length) return s;
  out.push(s.slice(last));
  return out.join('');
}

/** Spaces, tabs and no-break spaces at the end of every line but the last removed (`[ \t\u00a0]+\n` → `\n`). */
function trimLineEnds(s: string): string {
  const lines = s.split('\n');
  for (let n = 0; n < lines.length - 1; n++) {
    const l = lines[n] as string;
    let e = l.length;
    while (e > 0) {
      const c = l.charCodeAt(e - 1);
      if (c !== 0x20 && c !== 0x09 && c !== 0xa0) break;
      e--;
    }
    if (e < l.length) lines[n] = l.slice(0, e);
  }
  htmlWork.chars += s.length;
  return lines.join('\n');
}

export function htmlToText(html: string): string {
  let s = replaceUpToLast(html, '-->', /<!--[\s\S]*?-->/g, '');
  s = removeRawBlocks(s);
  htmlWork.chars += 2 * s.length; // the two tag-to-line-break passes below cannot fail after a long scan
  s = s.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|tr|h[1-6]|li|blockquote|table)\s*>/gi, '\n');
  s = replaceUpToLast(s, '>', /<li\b[^>]*>/gi, '• ');
  s = replaceUpToLast(s, '>', /<(td|th)\b[^>]*>/gi, '\t');
  s = replaceUpToLast(s, '>', /<[^>]+>/g, '');
  htmlWork.chars += 5 * s.length; // entities, line breaks, blank lines, spaces, trim
  return trimLineEnds(decodeEntities(s).replace(/\r\n?/g, '\n'))
    .replace(/\n{3,}/g, '\n\n')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
