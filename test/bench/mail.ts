/**
 * Benchmark of the e-mail archive: 20 000 messages (received and sent, a mix of firm, free-mail and internal
 * senders) archived in one first run against the ABRA emulator over HTTP; the mailbox is the in-memory FakeMailbox
 * (requests counted the way a backend would: one per page, one per MIME). Called by `npm run bench`.
 */

import { parseConfig } from '../../src-main/sync/config';
import { parseMime, stripLargeAttachments } from '../../src-main/sync/parts/mail/mime';
import { mailPart } from '../../src-main/sync/parts/mail/part';
import { StateStore } from '../../src-main/sync/state/store';
import { startAbraEmulator } from '../emulators/abra';
import { abraPort } from '../mail/abra-port';
import { simpleMime } from '../mail/corpus';
import { FakeMailbox } from '../mail/fakes';
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

export async function runMailBench(
  n = 20_000,
): Promise<{ mailMessages: number; mailRequests: number; mailWallMs: number; peakRssMB: number }> {
  const emu = await startAbraEmulator({ seed: 3, size: 'small', now: '2026-12-01T08:00:00.000Z' });
  const state = StateStore.open(':memory:');
  try {
    const c = emu.control;
    const type = c.list('crmactivitytypes').find((t) => t.code === 'MAIL')!;
    c.update('crmactivitytypes', type.id as string, {
      solverrole_id: c.list('securityroles')[0]!.id,
      division_id: c.list('divisions')[0]!.id,
    });
    const queue = c.list('crmactivityqueues').find((q) => q.code === 'EML')!;
    // the mailbox's own ABRA e-mail account (the archive files mail under it, found by address)
    c.insert('emailaccounts', { name: 'Jan', emailaddress: 'jan.novak@firma.cz', accounttype: 0 });
    const firms = c.list('firms', 'firm_id = null').slice(0, 50);
    const firmMails = firms
      .map((f) => (f.electronicaddress_id as { email?: string } | null)?.email ?? '')
      .filter((e) => e.includes('@'));
    const mb = new FakeMailbox('jan.novak@firma.cz');
    const t0 = Date.parse('2026-11-02T08:00:00.000Z');
    for (let i = 0; i < n; i++) {
      const kind = i % 10;
      const counterpart =
        kind < 6 && firmMails.length
          ? firmMails[i % firmMails.length]!
          : kind < 8
            ? `zakaznik${i}@seznam.cz`
            : `kolega${i % 7}@firma.cz`;
      const sent = i % 4 === 0;
      const mime = simpleMime({
        messageId: `<bench-${i}@bench.cz>`,
        from: sent ? 'Jan Novák <jan.novak@firma.cz>' : counterpart,
        to: sent ? counterpart : 'jan.novak@firma.cz',
        subject: `Zpráva č. ${i} – poptávka`,
        body: `Dobrý den,\nzpráva ${i}.\n${'Text řádku. '.repeat(40)}`,
        date: new Date(t0 + i * 60_000).toUTCString(),
      });
      mb.deliver(sent ? 'Sent Items' : 'Inbox', mime);
    }
    const ctx = {
      config: parseConfig({
        abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'x' },
        exchange: { email: mb.email },
        parts: {
          mail: { enabled: true, activityTypeId: type.id, queueId: queue.id, startDate: '2026-11-01' },
        },
      }),
      abra: abraPort(emu.url, emu.user, emu.password),
      exchange: mb,
      state,
      me: { id: emu.currentUserId },
      now: () => new Date(),
      progress: () => undefined,
    };
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    timer.unref();
    const abraBefore = ctx.abra.requestCount();
    const start = performance.now();
    const r = await mailPart.run(ctx, {});
    const wall = performance.now() - start;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (r.summary.result !== 'ok')
      throw new Error(`mail bench run: ${r.summary.result} ${r.summary.message ?? ''}`);
    return {
      mailMessages: r.summary.counts.abra.created,
      mailRequests: ctx.abra.requestCount() - abraBefore + mb.requests,
      mailWallMs: Math.round(wall),
      peakRssMB: Math.round(peak / 1024 / 1024),
    };
  } finally {
    state.close();
    await emu.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  console.table(runHostileMailBench());
  const n = Number(process.env.MAIL_BENCH_N ?? 20_000);
  if (n > 0) runMailBench(n).then((r) => console.log(`BENCH ${JSON.stringify(r)}`));
}
