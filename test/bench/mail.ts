/**
 * The e-mail parts of `npm run bench`: the archive's mailbox content (run.ts delivers it to the Exchange emulator
 * and archives it with the engine in its own process) and the hostile-mail timings of the MIME reader.
 */
import { parseMime, stripLargeAttachments } from '../../src-main/sync/parts/mail/mime';
import { simpleMime } from '../mail/corpus';
import { bigMultipart, hugeHeader, manyParts, singleLineHtml } from '../mail/hostile';

/** Target for each hostile message (issue #14 item 6): parsed, body text made and large attachments cut in < 1 s. */
export const HOSTILE_TARGET_MS = 1000;

export interface HostileResult {
  name: string;
  sizeMB: number;
  ms: number;
  /** What came out (so a parse that gives up early cannot pass for a fast one). */
  parts: number;
  textChars: number;
  limits: number;
  ok: boolean;
}

/**
 * The hostile-mail line of `npm run bench`: each message parsed as the archive does (parseMime, then the raw
 * message without attachments over 1 MB), timed on its own.
 */
export function runHostileMailBench(): HostileResult[] {
  const cases: [string, () => Buffer][] = [
    ['10 MB multipart', () => bigMultipart(10 * 1024 * 1024)],
    ['5 MB single-line HTML', () => singleLineHtml(5 * 1024 * 1024)],
    ['10 000 parts', () => manyParts(10_000)],
    ['2 MB header', () => hugeHeader(2 * 1024 * 1024)],
  ];
  const count = (p: { children: unknown[] }): number =>
    1 + p.children.reduce((a: number, c) => a + count(c as { children: unknown[] }), 0);
  return cases.map(([name, make]) => {
    const raw = make();
    const t = performance.now();
    const parsed = parseMime(raw);
    stripLargeAttachments(raw, parsed, 1024 * 1024);
    const ms = Math.round(performance.now() - t);
    return {
      name,
      sizeMB: Math.round((raw.length / 1024 / 1024) * 10) / 10,
      ms,
      parts: count(parsed.root),
      textChars: parsed.text.length,
      limits: parsed.limits.length,
      ok: ms < HOSTILE_TARGET_MS,
    };
  });
}

/**
 * The archive bench's mailbox: n messages (received mostly, every fourth one a copy of the user's own sent mail)
 * from firm addresses, free-mail customers and colleagues, one a minute from `since`.
 */
export function* benchMessages(n: number, me: string, firmMails: string[], since: number): Generator<Buffer> {
  const domain = me.slice(me.indexOf('@') + 1);
  for (let i = 0; i < n; i++) {
    const kind = i % 10;
    const counterpart =
      kind < 6 && firmMails.length
        ? firmMails[i % firmMails.length]!
        : kind < 8
          ? `zakaznik${i}@seznam.cz`
          : `kolega${i % 7}@${domain}`;
    const sent = i % 4 === 0;
    yield simpleMime({
      messageId: `<bench-${i}@bench.cz>`,
      from: sent ? me : counterpart,
      to: sent ? counterpart : me,
      subject: `Zpráva č. ${i} – poptávka`,
      body: `Dobrý den,\nzpráva ${i}.\n${'Text řádku. '.repeat(40)}`,
      date: new Date(since + i * 60_000).toUTCString(),
    });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  console.table(runHostileMailBench());
}
