/**
 * Just enough RFC 5322/2045/2047 to turn a delivered MIME message into EWS message properties: Subject, From,
 * To, Cc, Date, Message-ID, In-Reply-To, References, a text body and the attachments (names, types, content).
 * The MIME itself is stored verbatim and returned as MimeContent.
 */

export interface MimeAddress {
  name?: string;
  address: string;
}

export interface ParsedMime {
  subject: string;
  from?: MimeAddress;
  sender?: MimeAddress;
  to: MimeAddress[];
  cc: MimeAddress[];
  bcc: MimeAddress[];
  date?: Date;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  textBody?: string;
  htmlBody?: string;
  attachments: { name: string; contentType: string; content: Buffer; isInline: boolean }[];
}

function decoder(charset: string): TextDecoder {
  try {
    return new TextDecoder(charset.trim().toLowerCase());
  } catch {
    return new TextDecoder('utf-8');
  }
}

function decodeQ(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '_') bytes.push(32);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (adjacent words joined without the whitespace between them). */
export function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, cs: string, enc: string, txt: string) => {
      const buf = enc.toUpperCase() === 'B' ? Buffer.from(txt, 'base64') : decodeQ(txt);
      return decoder(cs.split('*')[0] ?? 'utf-8').decode(buf);
    });
}

export function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const idx = raw.search(/\r?\n\r?\n/);
  const head = idx < 0 ? raw : raw.slice(0, idx);
  const body = idx < 0 ? '' : raw.slice(idx).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const k = line.slice(0, c).trim().toLowerCase();
    if (!headers.has(k)) headers.set(k, line.slice(c + 1).trim());
  }
  return { headers, body };
}

export function parseAddresses(v: string | undefined): MimeAddress[] {
  if (!v) return [];
  const out: MimeAddress[] = [];
  // split on commas outside quotes and angle brackets
  let depth = 0;
  let quoted = false;
  let cur = '';
  const parts: string[] = [];
  for (const ch of v) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '<') depth++;
    if (!quoted && ch === '>') depth--;
    if (!quoted && depth === 0 && (ch === ',' || ch === ';')) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const p of parts) {
    const t = p.trim();
    if (!t) continue;
    const m = /^(.*)<([^>]+)>\s*$/.exec(t);
    if (m) {
      const name = decodeWords((m[1] ?? '').trim().replace(/^"|"$/g, '')).trim();
      out.push({ address: (m[2] ?? '').trim(), ...(name ? { name } : {}) });
    } else out.push({ address: t.replace(/^"|"$/g, '') });
  }
  return out;
}

function param(v: string | undefined, name: string): string | undefined {
  if (!v) return undefined;
  const m = new RegExp(`${name}\\*?=("([^"]*)"|[^;\\s]+)`, 'i').exec(v);
  if (!m) return undefined;
  let val = m[2] ?? m[1] ?? '';
  const ext = /^([\w-]+)'[^']*'(.*)$/.exec(val);
  if (ext) {
    const bytes: number[] = [];
    const enc = ext[2] ?? '';
    for (let i = 0; i < enc.length; i++) {
      if (enc[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(enc.slice(i + 1, i + 3))) {
        bytes.push(Number.parseInt(enc.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(enc.charCodeAt(i) & 0xff);
    }
    val = decoder(ext[1] ?? 'utf-8').decode(Buffer.from(bytes));
  }
  return decodeWords(val);
}

function decodeBody(body: string, cte: string | undefined): Buffer {
  const enc = (cte ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (enc === 'quoted-printable') return decodeQ(body.replace(/=\r?\n/g, '').replace(/_/g, '=5F'));
  return Buffer.from(body, 'latin1');
}

function walk(raw: string, out: ParsedMime): void {
  const { headers, body } = splitHeaders(raw);
  const ct = headers.get('content-type') ?? 'text/plain';
  const type = ct.split(';')[0]?.trim().toLowerCase() ?? 'text/plain';
  if (type.startsWith('multipart/')) {
    const boundary = param(ct, 'boundary');
    if (!boundary) return;
    const parts = body.split(`--${boundary}`);
    for (const p of parts.slice(1)) {
      if (p.startsWith('--')) break;
      // the line break before a delimiter belongs to the delimiter (RFC 2046)
      walk(p.replace(/^\r?\n/, '').replace(/\r?\n$/, ''), out);
    }
    return;
  }
  const disp = headers.get('content-disposition');
  const filename = param(disp, 'filename') ?? param(ct, 'name');
  const content = decodeBody(body, headers.get('content-transfer-encoding'));
  if (filename || (disp ?? '').toLowerCase().startsWith('attachment')) {
    out.attachments.push({
      name: filename ?? 'attachment',
      contentType: type,
      content,
      isInline: (disp ?? '').toLowerCase().startsWith('inline'),
    });
    return;
  }
  const charset = param(ct, 'charset') ?? 'utf-8';
  // 8bit bodies are bytes in the part's charset; the raw string was read as latin1 for that reason
  if (type === 'text/plain' && out.textBody === undefined) out.textBody = decoder(charset).decode(content);
  else if (type === 'text/html' && out.htmlBody === undefined)
    out.htmlBody = decoder(charset).decode(content);
}

export function parseMime(mime: Buffer | string): ParsedMime {
  const raw =
    typeof mime === 'string' ? Buffer.from(mime, 'utf8').toString('latin1') : mime.toString('latin1');
  const { headers } = splitHeaders(raw);
  // header values: raw 8-bit UTF-8 (RFC 6532) is common; re-decode as UTF-8 when it is valid
  const h = (k: string) => {
    const v = headers.get(k);
    if (v === undefined) return undefined;
    const bytes = Buffer.from(v, 'latin1');
    const utf = bytes.toString('utf8');
    return utf.includes('\uFFFD') ? v : utf;
  };
  const out: ParsedMime = {
    subject: decodeWords(h('subject') ?? ''),
    to: parseAddresses(h('to')),
    cc: parseAddresses(h('cc')),
    bcc: parseAddresses(h('bcc')),
    attachments: [],
  };
  const from = parseAddresses(h('from'))[0];
  if (from) out.from = from;
  const sender = parseAddresses(h('sender'))[0];
  if (sender) out.sender = sender;
  const d = h('date');
  if (d && !Number.isNaN(Date.parse(d))) out.date = new Date(Date.parse(d));
  const mid = h('message-id');
  if (mid) out.messageId = mid.trim();
  const irt = h('in-reply-to');
  if (irt) out.inReplyTo = irt.trim();
  const refs = h('references');
  if (refs) out.references = refs.trim();
  walk(raw, out);
  return out;
}
