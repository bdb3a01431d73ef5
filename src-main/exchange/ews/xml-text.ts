/**
 * Text on its way into an EWS SOAP request. ews-javascript-api 0.15.3 appends every value to the request as it is
 * (`EwsServiceXmlWriter.WriteValue`: "todo: validate invalid characters"), so a firm named "Novák & syn", a subject
 * "Cena < 1000 Kč" or a pasted vertical tab made the whole batch not well-formed XML (Exchange refuses it as a
 * whole with ErrorSchemaValidation), and a crafted subject could close its element and inject a second item.
 * `ews-lib.ts` routes the library's two sinks (element text, attribute values) through {@link xmlText} and
 * {@link xmlAttr}, so every value is escaped exactly once, at the one place the library writes it.
 *
 * XML 1.0 (§2.2 Char) allows only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; the
 * rest (C0 controls, lone UTF-16 surrogates, U+FFFE, U+FFFF) cannot be sent even as a character reference and is
 * removed. The backend strips the same characters from ABRA's values before writing so that it can tell the run's
 * item note which item lost characters ({@link stripXmlForbidden}).
 */

/** Characters XML 1.0 cannot carry at all: C0 controls but TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `s` without the characters XML 1.0 forbids, and how many were removed. */
export function stripXmlForbidden(s: string): { text: string; removed: number } {
  let removed = 0;
  const text = s.replace(FORBIDDEN, () => {
    removed++;
    return '';
  });
  return { text, removed };
}

const TEXT_ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR_ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Element content: `& < >` escaped (`>` for `]]>`), CR as a character reference (a parser turns a literal CR or
 * CRLF into LF, §2.11, so the stored text would differ from the sent one), forbidden characters removed.
 */
export function xmlText(s: string): string {
  return stripXmlForbidden(s).text.replace(/[&<>\r]/g, (c) => TEXT_ESC[c] ?? c);
}

/** An attribute value inside double quotes: also `"`, and TAB/LF/CR as references (attribute normalisation, §3.3.3). */
export function xmlAttr(s: string): string {
  return stripXmlForbidden(s).text.replace(/[&<>"\t\n\r]/g, (c) => ATTR_ESC[c] ?? c);
}

/**
 * A copy of `value` (an item's data: strings, arrays, plain objects) with forbidden characters removed from every
 * string, and how many were removed in all. Values that are not plain data are returned as they are.
 */
export function stripXmlForbiddenDeep<T>(value: T): { value: T; removed: number } {
  let removed = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const r = stripXmlForbidden(v);
      removed += r.removed;
      return r.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  const out = walk(value) as T;
  return { value: out, removed };
}
