/** The realistic mail corpus (test/mail/corpus/*.eml) and generated messages (large ones are made at test time). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'corpus');

export function corpus(name: string): Buffer {
  return readFileSync(path.join(DIR, name));
}

/** A message with a generated attachment of `bytes` (base64, 76-char lines), built in memory. */
export function withAttachment(opts: {
  bytes: number;
  messageId: string;
  from?: string;
  to?: string;
  subject?: string;
  date?: string;
  fileName?: string;
}): Buffer {
  const data = Buffer.alloc(opts.bytes, 0x5a);
  const b64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
  const head =
    `From: ${opts.from ?? 'Petr Šťastný <petr.stastny@kovo-brno.cz>'}\r\n` +
    `To: ${opts.to ?? 'jan.novak@firma.cz'}\r\n` +
    `Subject: ${opts.subject ?? 'Výkresy'}\r\n` +
    `Date: ${opts.date ?? 'Mon, 30 Nov 2026 08:00:00 +0100'}\r\n` +
    `Message-ID: ${opts.messageId}\r\n` +
    'MIME-Version: 1.0\r\n' +
    'Content-Type: multipart/mixed; boundary="big"\r\n\r\n' +
    '--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPosílám výkresy.\r\n' +
    `--big\r\nContent-Type: application/zip; name="${opts.fileName ?? 'vykresy.zip'}"\r\n` +
    `Content-Disposition: attachment; filename="${opts.fileName ?? 'vykresy.zip'}"\r\n` +
    'Content-Transfer-Encoding: base64\r\n\r\n';
  return Buffer.concat([
    Buffer.from(head, 'utf8'),
    Buffer.from(b64, 'latin1'),
    Buffer.from('\r\n--big--\r\n'),
  ]);
}

/** A minimal single-part message. */
export function simpleMime(opts: {
  messageId: string;
  from: string;
  to: string;
  cc?: string;
  subject: string;
  body?: string;
  date?: string;
  extraHeaders?: string;
}): Buffer {
  return Buffer.from(
    `From: ${opts.from}\r\nTo: ${opts.to}\r\n${opts.cc ? `Cc: ${opts.cc}\r\n` : ''}Subject: ${opts.subject}\r\n` +
      `Date: ${opts.date ?? 'Mon, 30 Nov 2026 08:00:00 +0100'}\r\nMessage-ID: ${opts.messageId}\r\n${opts.extraHeaders ?? ''}` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${opts.body ?? 'Text.'}\r\n`,
    'utf8',
  );
}
