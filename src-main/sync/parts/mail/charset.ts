/**
 * Charset and header-word decoding for real-world mail: declared charsets that TextDecoder does not know, 8-bit
 * headers without any declaration (common in Czech mail from old clients), RFC 2047 encoded words and RFC 2231
 * parameter values. Pure code: no I/O.
 */

import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

const ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'utf-8': 'utf-8',
  cp1250: 'windows-1250',
  'x-cp1250': 'windows-1250',
  win1250: 'windows-1250',
  windows1250: 'windows-1250',
  cp1252: 'windows-1252',
  latin2: 'iso-8859-2',
  'iso8859-2': 'iso-8859-2',
  iso88592: 'iso-8859-2',
  'iso_8859-2': 'iso-8859-2',
  'x-unknown': '',
  unknown: '',
  'unknown-8bit': '',
  'x-user-defined': '',
  default: '',
  'us-ascii': 'utf-8', // ASCII is a subset; 8-bit bytes in "ASCII" mail are nearly always UTF-8 or cp1250
  ascii: 'utf-8',
};

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | null {
  if (decoders.has(label)) return decoders.get(label) ?? null;
  let d: TextDecoder | null = null;
  try {
    d = new TextDecoder(label);
  } catch {
    d = null;
  }
  decoders.set(label, d);
  return d;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** The fallback for undeclared/unknown 8-bit text: most non-UTF-8 Czech mail is windows-1250. */
const FALLBACK = 'windows-1250';

/** True when the bytes are all ASCII (no decoding question at all). */
function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if ((b[i] as number) > 0x7f) return false;
  return true;
}

/** Guess for text without a (usable) charset: UTF-8 when it is valid UTF-8, else windows-1250. */
export function decodeUnknown(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes).toString('latin1');
  // checked, not tried: a thrown decoding error costs tens of µs, and a header can hold thousands of names
  if (isUtf8(bytes)) return strictUtf8.decode(bytes);
  return (decoderFor(FALLBACK) as TextDecoder).decode(bytes);
}

/** Decode bytes declared to be in `charset`; never throws (unknown labels fall back to a guess). */
export function decodeBytes(bytes: Uint8Array, charset?: string | null): string {
  const raw = (charset ?? '')
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  const label = raw in ALIASES ? (ALIASES[raw] as string) : raw;
  if (!label) return decodeUnknown(bytes);
  if (label === 'utf-8') {
    // Declared UTF-8 that is not (mislabelled cp1250): guess instead of producing U+FFFD everywhere.
    return decodeUnknown(bytes);
  }
  const d = decoderFor(label);
  return d ? d.decode(bytes) : decodeUnknown(bytes);
}

/** A header value as read from the raw message (latin1 string, one char per byte) → text. */
export function decodeRawHeader(latin1: string): string {
  if (!/[^\x00-\x7f]/.test(latin1)) return decodeEncodedWords(latin1);
  // already text (characters above U+00FF cannot come from a byte string)
  if (/[^\x00-\xff]/.test(latin1)) return decodeEncodedWords(latin1);
  return decodeEncodedWords(decodeUnknown(Buffer.from(latin1, 'latin1')));
}

function decodeQWord(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9a-f]{2}$/i.test(s.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(out);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/**
 * RFC 2047: `=?charset?B|Q?…?=` words; whitespace between adjacent encoded words is dropped; words of the same
 * charset are joined before decoding (a multi-byte character may be split across two words).
 */
export function decodeEncodedWords(s: string): string {
  if (!s.includes('=?')) return s;
  // a run of words in one charset collects its byte chunks and is joined once (not copied again per word)
  const tokens: { text: string; charset?: string; bytes?: Buffer[] }[] = [];
  let last = 0;
  for (const m of s.matchAll(ENCODED_WORD)) {
    const idx = m.index ?? 0;
    const between = s.slice(last, idx);
    const prev = tokens[tokens.length - 1];
    if (!(prev?.bytes && /^\s*$/.test(between))) {
      if (between) tokens.push({ text: between });
    }
    const charset = (m[1] as string).split('*')[0] as string; // RFC 2231 language suffix
    const enc = (m[2] as string).toUpperCase();
    const data = m[3] as string;
    const bytes = enc === 'B' ? Buffer.from(data, 'base64') : decodeQWord(data);
    const p = tokens[tokens.length - 1];
    if (p?.bytes && p.charset?.toLowerCase() === charset.toLowerCase()) p.bytes.push(bytes);
    else tokens.push({ text: '', charset, bytes: [bytes] });
    last = idx + m[0].length;
  }
  if (last < s.length) tokens.push({ text: s.slice(last) });
  return tokens.map((t) => (t.bytes ? decodeBytes(Buffer.concat(t.bytes), t.charset) : t.text)).join('');
}

/** RFC 2231 extended value `charset'lang'%XX…` → text. */
export function decodeRfc2231(value: string): string {
  const m = /^([^']*)'[^']*'(.*)$/s.exec(value);
  const charset = m ? (m[1] as string) : 'utf-8';
  const data = m ? (m[2] as string) : value;
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i] as string;
    if (c === '%' && /^[0-9a-f]{2}$/i.test(data.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return decodeBytes(Buffer.from(bytes), charset || 'utf-8');
}
