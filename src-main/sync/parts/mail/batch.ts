/**
 * One run of the archive over pages of messages: what the run keeps (counts, failures, the dry run's plan, the
 * interrupted creates, the assigner), the per-message read budget, and a page's way through the filters, the
 * "already archived" checks and the company-wide look-up to {@link archive} — one message failing fails only itself.
 */

import type { MessageItem } from '../../../exchange/types';
import { SyncError, toSyncError } from '../../../shared/errors';
import type { ItemFailure, PlanEntry } from '../../api';
import type { RunContext } from '../../ports';
import { emptyCounts } from '../../run/recorder';
import { type MailSetup, type Prefetched, prefetchEmails } from './abra';
import { normAddress } from './address';
import { type ArchivedRecord, apply, commitArchived, type Decision, decide, intentOf } from './archive';
import { Assigner } from './assign-abra';
import { summaryVerdict } from './filters';
import { fmtSize } from './format';
import {
  type FolderSpec,
  type MailSettings,
  messageDate,
  type Prepared,
  prepareMessage,
  retryKey,
} from './message';
import { MimeBudgetError, type ParsedMail, parseMime } from './mime';

/**
 * Longest the MIME of one message may take to read (ms). Reading runs on the app's main process; a message that
 * takes longer fails alone, for good (see {@link UNREADABLE}). Ordinary mail takes a few ms, 10 MB about 0.2 s.
 */
export const PARSE_BUDGET_MS = 5000;
/** `SyncError.code` of a message that can never be read within the limits: recorded once, never retried. */
export const UNREADABLE = 'mailUnreadable';

/** What a test may replace: the clock that measures how long a message takes to read, and the budget. */
export interface MailPartOptions {
  /** Milliseconds, monotonic (default `performance.now`). */
  clock?: () => number;
  parseBudgetMs?: number;
}

/** An error that stops the whole run (not only its message). */
export function isFatal(e: unknown): boolean {
  return e instanceof SyncError && ['auth', 'forbidden', 'tls', 'unreachable', 'config'].includes(e.kind);
}

/** One run of the archive (state for the run: counts, interrupted creates, the assigner's caches). */
export class MailRun {
  readonly cfg: MailSettings;
  readonly counts = emptyCounts();
  readonly failures: ItemFailure[] = [];
  readonly plan: PlanEntry[] = [];
  /** Creates an interrupted run recorded (by Message-ID): what they had created so far. */
  readonly intents: Map<string, Record<string, unknown>>;
  readonly assigner: Assigner;
  readonly startIso: string;
  /** The current chunk's archived messages, committed together at its end. */
  archived: ArchivedRecord[] | null = null;
  private readonly mailbox: string;
  private done = 0;

  constructor(
    readonly ctx: RunContext,
    readonly dryRun: boolean,
    private readonly limits: MailPartOptions = {},
  ) {
    this.cfg = ctx.config.parts.mail;
    this.mailbox = normAddress(ctx.config.exchange.email);
    this.assigner = new Assigner(ctx, this.cfg, this.mailbox);
    this.intents = new Map(ctx.state.listIntents('mail', 'abra').map((i) => [i.sourceKey, i.payload]));
    this.startIso = new Date(`${this.cfg.startDate}T00:00:00.000Z`).toISOString();
  }

  fail(p: Pick<Prepared, 'item' | 'folder' | 'key'>, e: unknown): void {
    const err = toSyncError(e);
    this.counts.failed++;
    const name = p.item.subject || '(no subject)';
    const at = this.ctx.now().toISOString();
    this.failures.push({
      part: 'mail',
      side: 'abra',
      name,
      reason: err.message,
      kind: err.kind,
      exchangeId: p.item.id,
      at,
    });
    if (this.dryRun) return;
    const key = retryKey(p.folder.ref, p.item.id);
    if (err.code === UNREADABLE)
      // reading it again would take as long again, on every run: given up for good (the mailbox keeps it)
      this.ctx.state.transaction(() => {
        this.ctx.state.mail.putUnreadable(p.key, name, err.message, at);
        this.ctx.state.clearRetry('mail', 'exchange', key);
      });
    else this.ctx.state.addRetry('mail', 'exchange', key, name, err.message);
  }

  /** The message's MIME read within {@link PARSE_BUDGET_MS}; over it: a permanent {@link UNREADABLE} failure. */
  parse(raw: Buffer): ParsedMail {
    const budgetMs = this.limits.parseBudgetMs ?? PARSE_BUDGET_MS;
    try {
      return parseMime(raw, { budgetMs, clock: this.limits.clock });
    } catch (e) {
      if (!(e instanceof MimeBudgetError)) throw e;
      throw new SyncError(
        'malformed',
        `Not archived: reading this message (${fmtSize(raw.length)}) took longer than ${budgetMs / 1000} s, the limit ` +
          'for one message. It stays in the mailbox and is not tried again.',
        { code: UNREADABLE, cause: e },
      );
    }
  }

  tick(total: number): void {
    this.ctx.progress({ phase: 'writing', done: ++this.done, total });
  }

  /** The page's messages still to archive: filtered, and none archived, given up or seen in this run already. */
  private candidates(items: MessageItem[], folder: FolderSpec, seen: Set<string>): Prepared[] {
    const todo: Prepared[] = [];
    for (const item of items) {
      if (item.kind !== 'message') continue;
      this.counts.examined++;
      const p = prepareMessage(item, folder, this.mailbox, () => this.ctx.now());
      const v = summaryVerdict(item, this.cfg, this.startIso);
      if (!v.archive) {
        if (!this.dryRun) this.ctx.state.clearRetry('mail', 'exchange', retryKey(folder.ref, item.id));
        continue;
      }
      if (seen.has(p.key) || this.ctx.state.mail.get(p.key) || this.ctx.state.mail.unreadable(p.key)) {
        // moved between tracked folders, already archived, or given up for good: never twice
        if (!this.dryRun) this.ctx.state.clearRetry('mail', 'exchange', retryKey(folder.ref, item.id));
        continue;
      }
      seen.add(p.key);
      todo.push(p);
    }
    return todo;
  }

  /** One page of messages of one folder: filter, then archive each (isolated: one failure fails one message). */
  async processBatch(
    items: MessageItem[],
    folder: FolderSpec,
    seen: Set<string>,
    setup: MailSetup,
  ): Promise<void> {
    const todo = this.candidates(items, folder, seen);
    // the page's candidates in two POST queries (falls back to one look-up per message when refused)
    let pre: Prefetched | null = null;
    if (!this.dryRun && todo.length)
      try {
        pre = await prefetchEmails(
          this.ctx,
          setup,
          todo.map((p) => ({
            key: p.key,
            subject: (p.item.subject ?? '').slice(0, 255),
            date: messageDate(p),
          })),
        );
      } catch (e) {
        if (isFatal(e)) throw e;
        pre = null;
      }
    if (this.dryRun) {
      // a dry run reads no message source: the look-up by body is left to the real run
      for (const p of todo)
        this.plan.push({
          part: 'mail',
          side: 'abra',
          action: 'create',
          name: p.item.subject || '(no subject)',
          exchangeId: p.item.id,
        });
      return;
    }
    // a chunk at a time: its MIME read in one request, each message read and looked up, the intents of those to
    // create committed together, then each written; the chunk's bytes are dropped before the next is read
    for (const chunk of mimeChunks(todo, this.cfg.headersOnly)) {
      if (this.ctx.signal?.aborted) return;
      await this.processChunk(chunk, setup, pre, todo.length);
    }
  }

  /** One chunk: read and decide each message, one transaction for the intents, then write each (in order). */
  private async processChunk(
    chunk: Prepared[],
    setup: MailSetup,
    pre: Prefetched | null,
    total: number,
  ): Promise<void> {
    this.archived = [];
    try {
      await this.writeChunk(chunk, setup, pre, total);
    } finally {
      // the chunk's archived messages in one commit, also when it stopped early or failed
      const done = this.archived;
      this.archived = null;
      commitArchived(this, done);
    }
  }

  private async writeChunk(
    chunk: Prepared[],
    setup: MailSetup,
    pre: Prefetched | null,
    total: number,
  ): Promise<void> {
    const mimes = await this.readMimes(chunk);
    const decided: { p: Prepared; d: Decision }[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const p = chunk[i]!;
      if (this.ctx.signal?.aborted) return;
      const mime = mimes[i];
      mimes[i] = undefined;
      try {
        decided.push({ p, d: await decide(this, p, setup, pre, mime) });
      } catch (e) {
        this.fail(p, e);
        if (isFatal(e)) throw e;
        this.tick(total);
      }
    }
    // before the first create of the chunk: every intent of it, in one commit instead of one per message
    const creates = decided.filter((x) => x.d.kind === 'create');
    const { state } = this.ctx;
    state.transaction(() => {
      for (const { p, d } of creates)
        if (d.kind === 'create') state.addIntent('mail', 'abra', p.key, intentOf(this, p, d.read.subject));
    });
    // the run stops: the intents of the messages not begun are withdrawn (nothing was sent for them); an intent of
    // an earlier run stays (its message was begun then)
    const withdraw = (from: number) =>
      state.transaction(() => {
        for (const x of decided.slice(from))
          if (x.d.kind === 'create' && !this.intents.has(x.p.key))
            state.removeIntent('mail', 'abra', x.p.key);
      });
    for (let i = 0; i < decided.length; i++) {
      const { p, d } = decided[i]!;
      if (this.ctx.signal?.aborted) return withdraw(i);
      decided[i] = { p, d: { kind: 'skip' } }; // the message's bytes go once it is written
      try {
        await apply(this, p, setup, d, d.kind === 'create');
      } catch (e) {
        this.fail(p, e);
        if (isFatal(e)) {
          withdraw(i + 1);
          throw e;
        }
      }
      this.tick(total);
    }
  }

  /**
   * The chunk's MIME in one request (`getMimes`), one entry per message in order; undefined where the message is to
   * be read on its own: the backend reads only one at a time, the chunk is a single message, the whole request
   * failed (not fatally), or the server answered an error for that message (read again alone: its own error then
   * fails it, and only it).
   */
  private async readMimes(chunk: Prepared[]): Promise<(Buffer | undefined)[]> {
    const none = chunk.map(() => undefined);
    const ex = this.ctx.exchange;
    if (this.cfg.headersOnly || chunk.length < 2 || !ex.getMimes) return none;
    let got: (Buffer | SyncError)[];
    try {
      got = await ex.getMimes(chunk.map((p) => p.item.id));
    } catch (e) {
      if (isFatal(e)) throw e;
      return none;
    }
    if (got.length !== chunk.length) return none;
    return got.map((x) => (Buffer.isBuffer(x) ? x : undefined));
  }
}

/** Most messages whose MIME is read in one request (Graph's `$batch` limit; EWS GetItem takes as many). */
export const MIME_CHUNK = 20;
/**
 * Most bytes of MIME (as the server reports the messages' sizes) read in one request and held at once; a bigger
 * message is read alone. A message of unknown size counts as a quarter of it.
 */
export const MIME_CHUNK_BYTES = 8 * 1024 * 1024;

/** The page's messages in reading order, cut into chunks of at most {@link MIME_CHUNK} messages and bytes. */
export function mimeChunks(todo: Prepared[], headersOnly: boolean): Prepared[][] {
  if (headersOnly) return todo.length ? [todo] : [];
  const out: Prepared[][] = [];
  let cur: Prepared[] = [];
  let bytes = 0;
  for (const p of todo) {
    const size = p.item.size && p.item.size > 0 ? p.item.size : MIME_CHUNK_BYTES / 4;
    if (cur.length && (cur.length >= MIME_CHUNK || bytes + size > MIME_CHUNK_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(p);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}
