/**
 * Hostile messages for the MIME reader, generated at any size: the unit tests use small ones (to prove the parse
 * linear by counting its work), `npm run bench` the full ones (10 MB multipart, 5 MB single-line HTML, 10 000 parts,
 * 2 MB header) and prints how long each takes.
 */

const head = (extra = '') =>
  'From: Mallory <m@evil.example>\r\nTo: sales@example.cz\r\nSubject: hostile\r\n' +
  `Message-ID: <h@evil.example>\r\nDate: Mon, 1 Jun 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n${extra}`;

/** About `bytes` of multipart/mixed: a text + HTML alternative, then text, HTML and base64 parts of ~64 kB each. */
export function bigMultipart(bytes: number): Buffer {
  const chunks: string[] = [
    head('Content-Type: multipart/mixed; boundary="outer"\r\n\r\n'),
    '--outer\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n',
    '--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDobrý den, posílám podklady.\r\n',
    '--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Dobrý den, posílám <b>podklady</b>.</p>\r\n',
    '--alt--\r\n',
  ];
  let size = chunks.join('').length;
  const line = `${'Řádek textu s diakritikou a <značkami>. '.repeat(2)}\r\n`;
  const b64 = Buffer.alloc(48 * 1024, 0x41)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  for (let i = 0; size < bytes; i++) {
    const kind = i % 3;
    const part =
      kind === 0
        ? `--outer\r\nContent-Type: text/plain; charset=utf-8; name="t${i}.txt"\r\nContent-Disposition: attachment; filename="t${i}.txt"\r\n\r\n${line.repeat(700)}`
        : kind === 1
          ? `--outer\r\nContent-Type: text/html; charset=utf-8\r\nContent-Disposition: attachment; filename="h${i}.html"\r\n\r\n<table>${'<tr><td>a<td>b &amp; c</tr>'.repeat(2500)}</table>\r\n`
          : `--outer\r\nContent-Type: application/octet-stream; name="b${i}.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`;
    chunks.push(part);
    size += part.length;
  }
  chunks.push('--outer--\r\n');
  return Buffer.from(chunks.join(''), 'latin1');
}

/**
 * An HTML-only message whose body is one line of about `bytes`: ordinary markup mixed with what used to make the
 * converter rescan to the end (unclosed `<a `, `<script`, `<!--`, `<li`, runs of spaces not followed by a line break).
 */
export function singleLineHtml(bytes: number): Buffer {
  const unit =
    '<div class="x"><p>Nabídka &amp; poptávka&nbsp;č. 1</p><ul><li>položka<li>další</ul><table><tr><td>a<th>b</tr></table>' +
    '<a <script <!-- <li <td' +
    '      '.repeat(4);
  const body = unit.repeat(Math.max(1, Math.round(bytes / unit.length)));
  return Buffer.from(head(`Content-Type: text/html; charset=utf-8\r\n\r\n${body}\r\n`), 'utf8');
}

/** A flat multipart/mixed with `n` tiny text parts. */
export function manyParts(n: number): Buffer {
  return Buffer.from(
    head(
      `Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(n)}--b--\r\n`,
    ),
    'latin1',
  );
}

/**
 * A header block of about `bytes`: half a `To:` of addresses folded over many lines (with unmatched `<` and `(`
 * that used to be rescanned), half one single-line `X-Junk:` header.
 */
export function hugeHeader(bytes: number): Buffer {
  const half = Math.round(bytes / 2);
  const addr = '"Novák, Jan" <jan.novak@example.cz> (obchod),\r\n ';
  const to = `To: ${addr.repeat(Math.max(1, Math.round(half / addr.length)))}<<< (((\r\n`;
  const junk = `X-Junk: ${'A'.repeat(half)}\r\n`;
  return Buffer.from(
    'From: Mallory <m@evil.example>\r\nSubject: hostile\r\nMessage-ID: <h@evil.example>\r\n' +
      `${to}${junk}Content-Type: text/plain\r\n\r\nbody\r\n`,
    'latin1',
  );
}

/** `depth` multiparts nested in each other, each with its own boundary. */
export function deepNesting(depth: number): Buffer {
  let s = head('Content-Type: multipart/mixed; boundary=b0\r\n\r\n');
  for (let i = 1; i <= depth; i++)
    s += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary=b${i}\r\n\r\n`;
  s += `--b${depth}\r\nContent-Type: text/plain\r\n\r\ninnermost\r\n`;
  for (let i = depth; i >= 0; i--) s += `--b${i}--\r\n`;
  return Buffer.from(s, 'latin1');
}
