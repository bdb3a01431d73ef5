/**
 * The body side of the MIME reader (mime.ts): a leaf part's bytes decoded (base64, quoted-printable), its size
 * without decoding it, and its text in its charset.
 */
import { decodeBytes } from './charset';
import type { MimePart } from './mime-headers';

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
export function decodedSize(src: string, p: MimePart): number {
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
