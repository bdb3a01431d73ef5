/**
 * A strict XML 1.0 well-formedness check of the bytes a client sent, as Exchange's XML reader does it before
 * anything else (the emulator's tree parser, @xmldom/xmldom, silently accepts a bare `&`, `<` in attribute values,
 * `]]>` in text, control characters and unclosed elements). It covers what a SOAP request can contain: an XML
 * declaration, comments, processing instructions, CDATA, elements with namespaced attributes, text and references.
 * A DOCTYPE is refused (Exchange does not process DTDs in requests; they are an entity-expansion attack vector).
 *
 * Checked (W3C XML 1.0 5th ed.): UTF-8 (§4.3.3), Char (§2.2), one root element (§2.1), names (§2.3), matching tags
 * (§3, WFC Element Type Match), unique attributes (WFC Unique Att Spec), no `<` in attribute values (WFC No < in
 * Attribute Values), references to the five predefined entities or legal characters only (WFC Entity Declared,
 * Legal Character), no `]]>` in character data (§2.4), comments without `--` (§2.5), and every prefix bound
 * (Namespaces in XML 1.0 §5, NSC Prefix Declared).
 */

export interface WellFormedError {
  message: string;
  line: number;
  column: number;
}

const CHAR_OK = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

const START_CHARS =
  'A-Z_a-z:\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
/** NameStartChar and NameChar (§2.3). */
const NAME_START = new RegExp(`^[${START_CHARS}]`, 'u');
const NAME = new RegExp(
  `^[${START_CHARS}][${START_CHARS}.\\-0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`,
  'u',
);
const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

class Fail extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/** Decodes UTF-8 strictly; null when the bytes are not UTF-8. */
export function decodeUtf8Strict(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

function position(s: string, at: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < at && i < s.length; i++)
    if (s.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, column: at - last };
}

/** Null when `xml` is well-formed; else the first violation with its line and column. */
export function checkWellFormed(xml: string): WellFormedError | null {
  try {
    scan(xml);
    return null;
  } catch (e) {
    if (e instanceof Fail) return { message: e.message, ...position(xml, e.at) };
    throw e;
  }
}

function scan(s: string): void {
  // characters first (§2.2): a surrogate pair counts as one character
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i) ?? 0;
    if (c > 0xffff) {
      i++;
      continue;
    }
    if (!CHAR_OK(c) || (c >= 0xd800 && c <= 0xdfff))
      throw new Fail(`character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, i);
  }
  let i = 0;
  if (s.charCodeAt(0) === 0xfeff) i = 1;
  const n = s.length;
  const stack: { name: string; ns: Map<string, string>; at: number }[] = [];
  let rootSeen = false;
  const nsIn = () =>
    stack[stack.length - 1]?.ns ?? new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]);

  const references = (text: string, base: number) => {
    for (let k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) {
      const semi = text.indexOf(';', k);
      const ref = semi > k ? text.slice(k + 1, semi) : '';
      if (!ref || /\s/.test(ref)) throw new Fail("'&' must start a reference such as &amp;", base + k);
      if (ref.startsWith('#')) {
        const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
        const code = m ? Number.parseInt(m[1] ?? m[2] ?? '', m[1] ? 16 : 10) : Number.NaN;
        if (!m || !CHAR_OK(code))
          throw new Fail(`character reference &${ref}; is not a legal character`, base + k);
      } else if (!PREDEFINED.has(ref)) throw new Fail(`entity &${ref}; is not declared`, base + k);
    }
  };

  const prolog =
    /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>/;
  if (s.startsWith('<?xml', i) && /^<\?xml[\s?]/.test(s.slice(i, i + 6))) {
    const m = prolog.exec(s.slice(i));
    if (!m) throw new Fail('malformed XML declaration', i);
    i += m[0].length;
  }
  while (i < n) {
    const lt = s.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const text = s.slice(i, textEnd);
      if (!stack.length) {
        if (/\S/.test(text)) throw new Fail('text outside the root element', i + text.search(/\S/));
      } else {
        const cd = text.indexOf(']]>');
        if (cd >= 0) throw new Fail("']]>' is not allowed in text", i + cd);
        references(text, i);
      }
    }
    if (lt < 0) break;
    i = lt;
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      if (end < 0) throw new Fail('unterminated comment', i);
      const body = s.slice(i + 4, end);
      if (body.includes('--') || body.endsWith('-')) throw new Fail("'--' is not allowed in a comment", i);
      i = end + 3;
      continue;
    }
    if (s.startsWith('<![CDATA[', i)) {
      if (!stack.length) throw new Fail('CDATA outside the root element', i);
      const end = s.indexOf(']]>', i + 9);
      if (end < 0) throw new Fail('unterminated CDATA section', i);
      i = end + 3;
      continue;
    }
    if (s.startsWith('<!', i)) throw new Fail('a DOCTYPE or declaration is not allowed in a request', i);
    if (s.startsWith('<?', i)) {
      const end = s.indexOf('?>', i + 2);
      if (end < 0) throw new Fail('unterminated processing instruction', i);
      const target = /^[^\s?]+/.exec(s.slice(i + 2))?.[0] ?? '';
      if (!NAME.test(target) || target.toLowerCase() === 'xml')
        throw new Fail('malformed processing instruction', i);
      i = end + 2;
      continue;
    }
    if (s.startsWith('</', i)) {
      const m = /^<\/([^\s>]+)\s*>/.exec(s.slice(i, i + 1024));
      const top = stack.pop();
      if (!m || !top || m[1] !== top.name)
        throw new Fail(
          top ? `end tag does not match the start tag <${top.name}>` : 'end tag without a start tag',
          i,
        );
      i += m[0].length;
      continue;
    }
    // start tag
    if (!stack.length && rootSeen) throw new Fail('a document has one root element', i);
    let j = i + 1;
    const nameM = /^[^\s/>=]+/.exec(s.slice(j, j + 1024));
    const name = nameM?.[0] ?? '';
    if (!name || !NAME.test(name) || !NAME_START.test(name))
      throw new Fail("'<' must start a tag (write &lt; in text)", i);
    j += name.length;
    const attrs = new Map<string, string>();
    let selfClose = false;
    for (;;) {
      const ws = /^\s*/.exec(s.slice(j, j + 4096))?.[0].length ?? 0;
      j += ws;
      if (j >= n) throw new Fail('unterminated start tag', i);
      if (s.startsWith('/>', j)) {
        selfClose = true;
        j += 2;
        break;
      }
      if (s[j] === '>') {
        j++;
        break;
      }
      if (!ws) throw new Fail('attributes must be separated by white space', j);
      const an = /^[^\s=/>]+/.exec(s.slice(j, j + 1024))?.[0] ?? '';
      if (!an || !NAME.test(an)) throw new Fail('malformed attribute name', j);
      j += an.length;
      const eq = /^\s*=\s*/.exec(s.slice(j, j + 4096))?.[0];
      if (!eq) throw new Fail(`attribute ${an} has no value`, j);
      j += eq.length;
      const q = s[j];
      if (q !== '"' && q !== "'") throw new Fail(`the value of ${an} must be quoted`, j);
      const close = s.indexOf(q, j + 1);
      if (close < 0) throw new Fail(`unterminated value of ${an}`, j);
      const v = s.slice(j + 1, close);
      const ltIn = v.indexOf('<');
      if (ltIn >= 0) throw new Fail(`'<' is not allowed in an attribute value (${an})`, j + 1 + ltIn);
      references(v, j + 1);
      if (attrs.has(an)) throw new Fail(`attribute ${an} appears twice`, j);
      attrs.set(an, v);
      j = close + 1;
    }
    // namespaces in scope, and every prefix bound
    const ns = new Map(nsIn());
    for (const [k, v] of attrs) {
      if (k === 'xmlns') ns.set('', v);
      else if (k.startsWith('xmlns:')) {
        if (!v) throw new Fail(`namespace prefix ${k.slice(6)} bound to an empty name`, i);
        ns.set(k.slice(6), v);
      }
    }
    const bound = (qn: string) => {
      const c = qn.indexOf(':');
      if (c < 0) return;
      const p = qn.slice(0, c);
      if (!p || qn.indexOf(':', c + 1) >= 0 || c === qn.length - 1) throw new Fail(`malformed name ${qn}`, i);
      if (p !== 'xmlns' && !ns.has(p)) throw new Fail(`namespace prefix ${p} is not declared`, i);
    };
    bound(name);
    const expanded = new Set<string>();
    for (const k of attrs.keys()) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      bound(k);
      const c = k.indexOf(':');
      const key = c < 0 ? k : `${ns.get(k.slice(0, c))}|${k.slice(c + 1)}`;
      if (expanded.has(key)) throw new Fail(`attribute ${k} appears twice`, i);
      expanded.add(key);
    }
    rootSeen = true;
    if (!selfClose) stack.push({ name, ns, at: i });
    i = j;
  }
  const open = stack.pop();
  if (open) throw new Fail(`element <${open.name}> is not closed`, open.at);
  if (!rootSeen) throw new Fail('no root element', 0);
}
