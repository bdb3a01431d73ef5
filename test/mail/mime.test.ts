import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src-main/shared/html';
import { decodeBytes, decodeEncodedWords } from '../../src-main/sync/parts/mail/charset';
import { parseMime, stripLargeAttachments } from '../../src-main/sync/parts/mail/mime';
import { parseAddressList, parseParams } from '../../src-main/sync/parts/mail/mime-headers';
import { corpus, withAttachment } from './corpus';

describe('charsets and encoded words', () => {
  it('decodes windows-1250 and iso-8859-2, and guesses for unknown labels', () => {
    expect(decodeBytes(Buffer.from([0x9e, 0xe1, 0x8a]), 'windows-1250')).toBe('žáŠ');
    expect(decodeBytes(Buffer.from([0xb9, 0xe8]), 'ISO-8859-2')).toBe('šč');
    expect(decodeBytes(Buffer.from([0x9e, 0xe1]), 'x-unknown-czech')).toBe('žá');
    expect(decodeBytes(Buffer.from('žluťoučký', 'utf8'), 'bogus')).toBe('žluťoučký');
    // declared utf-8 that is really cp1250
    expect(decodeBytes(Buffer.from([0x9e, 0xe1]), 'utf-8')).toBe('žá');
  });

  it('joins adjacent encoded words, also a character split across them', () => {
    const s = Buffer.from('Žádost', 'utf8');
    const a = s.subarray(0, 1).toString('base64');
    const b = s.subarray(1).toString('base64');
    expect(decodeEncodedWords(`=?utf-8?B?${a}?= \r\n =?utf-8?B?${b}?= o servis`)).toBe('Žádost o servis');
    expect(decodeEncodedWords('=?windows-1250?Q?Popt=E1vka_lo=9Eisek?=')).toBe('Poptávka ložisek');
    expect(decodeEncodedWords('=?utf-8*cs?Q?=C5=BE?=')).toBe('ž');
    expect(decodeEncodedWords('=?utf-8?Q?broken')).toBe('=?utf-8?Q?broken');
  });

  it('reads RFC 2231 parameters', () => {
    expect(parseParams("attachment; filename*=utf-8''Nab%C3%ADdka.pdf").params.filename).toBe('Nabídka.pdf');
    expect(
      parseParams("attachment; filename*0*=utf-8''%C5%BElu; filename*1*=%C5%A5ou.txt").params.filename,
    ).toBe('žluťou.txt');
    expect(parseParams('text/plain; charset="UTF-8"; format=flowed')).toEqual({
      value: 'text/plain',
      params: { charset: 'UTF-8', format: 'flowed' },
    });
  });

  it('parses address lists with quoted commas, groups and comments', () => {
    expect(
      parseAddressList('"Šťastný, Petr" <petr@kovo.cz>, eva@firma.cz (Eva), undisclosed-recipients:;'),
    ).toEqual([
      { address: 'petr@kovo.cz', name: 'Šťastný, Petr' },
      { address: 'eva@firma.cz', name: 'Eva' },
    ]);
  });

  it('turns HTML into readable text', () => {
    expect(htmlToText('<style>x{}</style><p>A&nbsp;b</p><p>c<br>d &amp; &#382;</p>')).toBe('A b\nc\nd & ž');
  });
});

describe('the corpus', () => {
  it('cp1250 quoted-printable with an encoded-word subject and sender name', () => {
    const p = parseMime(corpus('cp1250-qp.eml'));
    expect(p.subject).toBe('Poptávka ložisek');
    expect(p.from).toEqual({ address: 'Petr.Stastny@Kovo-Brno.cz', name: 'Petr Šťastný' });
    expect(p.text).toContain('pošlete nám prosím nabídku na 20 ks ložisek');
    expect(p.messageId).toBe('<cp1250-1@kovo-brno.cz>');
    expect(p.date).toBe('2026-11-24T08:15:00.000Z');
  });

  it('iso-8859-2 HTML-only mail from a free-mail sender', () => {
    const p = parseMime(corpus('iso88592-html-freemail.eml'));
    expect(p.subject).toBe('Žádost o servis kotle');
    expect(p.from?.name).toBe('Jiří Černý');
    expect(p.text).toBe('Dobrý den,\nmám zájem o servis kotle.\nJiří Černý');
  });

  it('a sent reply with alternative bodies and an RFC 2231-named attachment', () => {
    const p = parseMime(corpus('sent-reply-attachment.eml'));
    expect(p.to).toEqual([{ address: 'petr.stastny@kovo-brno.cz', name: 'Šťastný, Petr' }]);
    expect(p.cc.map((a) => a.address)).toEqual(['eva.mala@firma.cz', 'nakup@kovo-brno.cz']);
    expect(p.inReplyTo).toBe('<cp1250-1@kovo-brno.cz>');
    expect(p.text.startsWith('Dobrý den, v příloze posílám nabídku.')).toBe(true);
    expect(p.attachments).toHaveLength(1);
    expect(p.attachments[0]).toMatchObject({
      name: 'Nabídka ložisek.pdf',
      contentType: 'application/pdf',
      size: 3009,
    });
  });

  it('a forward keeps the forwarded message as an attachment', () => {
    const p = parseMime(corpus('forward.eml'));
    expect(p.text).toBe('Přeposílám reklamaci.');
    expect(p.attachments.map((a) => a.contentType)).toEqual(['message/rfc822']);
  });

  it('recognises invitations, bounces and auto-replies', () => {
    const inv = parseMime(corpus('invitation.eml'));
    expect(inv).toMatchObject({ isCalendar: true, isDeliveryReport: false, isAutoReply: false });
    expect(inv.attachments).toHaveLength(0);
    const ndr = parseMime(corpus('bounce-ndr.eml'));
    expect(ndr.isDeliveryReport).toBe(true);
    expect(ndr.text).toContain('could not be delivered');
    const oof = parseMime(corpus('auto-reply.eml'));
    expect(oof.isAutoReply).toBe(true);
    expect(oof.subject).toBe('Automatická odpověď: Nabídka');
    expect(parseMime(corpus('internal.eml')).isAutoReply).toBe(false);
  });

  it('survives broken MIME: unterminated multipart, unknown charset, raw 8-bit header, bad base64, bad date', () => {
    const p = parseMime(corpus('broken.eml'));
    expect(p.subject).toBe('Objednávka žárovek');
    expect(p.text).toBe('Objednáváme žárovky.');
    expect(p.date).toBeUndefined();
    expect(p.attachments.map((a) => a.name)).toEqual(['data.bin']);
    expect(() => parseMime(Buffer.from(''))).not.toThrow();
    expect(() => parseMime(Buffer.from('garbage\r\n\r\n--x'))).not.toThrow();
    const nested = `Content-Type: multipart/mixed; boundary=a\r\n\r\n${'--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n'.repeat(50)}`;
    expect(() => parseMime(nested)).not.toThrow();
  });

  it('a 20 MB attachment is measured without decoding and cut out of the stored MIME', () => {
    const raw = withAttachment({ bytes: 20 * 1024 * 1024, messageId: '<big-1@kovo-brno.cz>' });
    const p = parseMime(raw);
    expect(p.attachments).toHaveLength(1);
    expect(p.attachments[0]?.size).toBe(20 * 1024 * 1024);
    expect(p.text).toBe('Posílám výkresy.');
    const s = stripLargeAttachments(raw, p, 10 * 1024 * 1024);
    expect(s.removed).toEqual([
      { name: 'vykresy.zip', size: 20 * 1024 * 1024, contentType: 'application/zip' },
    ]);
    expect(s.mime.length).toBeLessThan(2000);
    const again = parseMime(s.mime);
    expect(again.text).toBe('Posílám výkresy.');
    expect(again.messageId).toBe('<big-1@kovo-brno.cz>');
    expect(again.attachments).toHaveLength(0); // replaced by an inline note
    expect(s.mime.toString('utf8')).toContain('vykresy.zip');
    // under the limit: byte-identical
    const small = corpus('sent-reply-attachment.eml');
    expect(stripLargeAttachments(small, parseMime(small), 1_000_000).mime).toBe(small);
  });
});
