/**
 * HTML body → readable plain text (for the activity description when a message has no text/plain part).
 *
 * Linear in the input: every step is one left-to-right pass. Regular expressions that can fail after scanning to the
 * end of the input (an unclosed `<a `, `<script`, `<!--`, a long run of spaces not followed by a line break) would
 * restart that scan at every later position — quadratic — so those steps are written as scans that stop for good once
 * the closing text does not occur any more. The result is the same as applying, in order: remove comments; remove
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
 * Characters examined by {@link htmlToText} so far, for tests that prove it linear without timing it: every scan
 * adds what it read (the regular-expression passes that cannot backtrack count the input's length).
 */
export const htmlWork = { chars: 0 };

/** `s.indexOf(needle, from)`, counting the characters it reads. */
function find(s: string, needle: string, from: number): number {
  const i = s.indexOf(needle, from);
  htmlWork.chars += (i < 0 ? s.length : i + needle.length) - from;
  return i;
}

/** `\s` of JavaScript regular expressions. */
function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `\w` (ASCII) of JavaScript regular expressions. */
function isWord(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** ASCII case-insensitive: does `s` hold the lowercase word `name` at `at`? */
function hasName(s: string, at: number, name: string): boolean {
  if (at + name.length > s.length) return false;
  for (let k = 0; k < name.length; k++)
    if ((s.charCodeAt(at + k) | 0x20) !== name.charCodeAt(k)) return false;
  return true;
}

/** The first of `names` at `at` followed by a word boundary (`name\b`), or undefined. */
function nameAt(s: string, at: number, names: readonly string[]): string | undefined {
  for (const n of names) if (hasName(s, at, n) && !isWord(s.charCodeAt(at + n.length))) return n;
  return undefined;
}

/** `<!--…-->` removed (an unclosed comment stays). */
function removeComments(s: string): string {
  const out: string[] = [];
  let last = 0;
  for (;;) {
    const i = find(s, '<!--', last);
    if (i < 0) break;
    const j = find(s, '-->', i + 4);
    if (j < 0) break; // no later comment can close either
    out.push(s.slice(last, i));
    last = j + 3;
  }
  if (!out.length) return s;
  out.push(s.slice(last));
  return out.join('');
}

const RAW_BLOCKS = ['script', 'style', 'head', 'title'] as const;

/** `<script|style|head|title\b…</same\s*>` removed, case-insensitive, shortest match (an unclosed one stays). */
function removeRawBlocks(s: string): string {
  // per name: the first closing tag at or after `from` (`at` -1: none), so that unclosed blocks cost one scan
  const close = new Map<string, { from: number; at: number; end: number }>();
  const findClose = (name: string, from: number): { at: number; end: number } => {
    const c = close.get(name);
    if (c && c.from <= from && (c.at === -1 || c.at >= from)) return c;
    let p = from;
    for (;;) {
      const k = find(s, '</', p);
      if (k < 0) break;
      if (hasName(s, k + 2, name)) {
        let e = k + 2 + name.length;
        while (e < s.length && isSpace(s.charCodeAt(e))) e++;
        htmlWork.chars += e - k;
        if (s.charCodeAt(e) === 0x3e) {
          const r = { from, at: k, end: e + 1 };
          close.set(name, r);
          return r;
        }
      }
      p = k + 2;
    }
    const none = { from, at: -1, end: -1 };
    close.set(name, none);
    return none;
  };
  const out: string[] = [];
  let last = 0;
  let pos = 0;
  for (;;) {
    const i = find(s, '<', pos);
    if (i < 0) break;
    const name = nameAt(s, i + 1, RAW_BLOCKS);
    const c = name ? findClose(name, i + 1 + name.length) : undefined;
    if (!c || c.at < 0) {
      pos = i + 1;
      continue;
    }
    out.push(s.slice(last, i));
    last = c.end;
    pos = c.end;
  }
  if (!out.length) return s;
  out.push(s.slice(last));
  return out.join('');
}

/** `<name\b[^>]*>` (any of `names`, case-insensitive) → `repl`. */
function replaceOpenTags(s: string, names: readonly string[], repl: string): string {
  const out: string[] = [];
  let last = 0;
  let pos = 0;
  for (;;) {
    const i = find(s, '<', pos);
    if (i < 0) break;
    const name = nameAt(s, i + 1, names);
    if (!name) {
      pos = i + 1;
      continue;
    }
    const j = find(s, '>', i + 1 + name.length);
    if (j < 0) break; // no `>` left: no later tag can end either
    out.push(s.slice(last, i), repl);
    last = j + 1;
    pos = j + 1;
  }
  if (!out.length) return s;
  out.push(s.slice(last));
  return out.join('');
}

/** `<[^>]+>` removed. */
function removeTags(s: string): string {
  const out: string[] = [];
  let last = 0;
  let pos = 0;
  for (;;) {
    const i = find(s, '<', pos);
    if (i < 0 || i + 1 >= s.length) break;
    if (s.charCodeAt(i + 1) === 0x3e) {
      pos = i + 1; // `<>` is not a tag
      continue;
    }
    const j = find(s, '>', i + 2);
    if (j < 0) break; // no `>` left: nothing after this is a tag
    out.push(s.slice(last, i));
    last = j + 1;
    pos = j + 1;
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
  let s = removeRawBlocks(removeComments(html));
  htmlWork.chars += 2 * s.length; // the two tag-to-line-break passes below
  s = s.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|tr|h[1-6]|li|blockquote|table)\s*>/gi, '\n');
  s = removeTags(replaceOpenTags(replaceOpenTags(s, ['li'], '• '), ['td', 'th'], '\t'));
  htmlWork.chars += 5 * s.length; // entities, line breaks, blank lines, spaces, trim
  return trimLineEnds(decodeEntities(s).replace(/\r\n?/g, '\n'))
    .replace(/\n{3,}/g, '\n\n')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
