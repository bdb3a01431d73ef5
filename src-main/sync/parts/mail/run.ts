/**
 * One run of the e-mail archive (Exchange → ABRA only, create-only, never deletes): check the server before any
 * write (mailSetup), then for every tracked folder the messages left to retry and the changes since the folder's
 * cursor, page by page through {@link MailRun.processBatch}; the run's summary at the end. See docs/mail.md.
 */
import type { MessageItem } from '../../../exchange/types';
import { SyncError, toSyncError } from '../../../shared/errors';
import { failureNote, type Note, note, tr, wordsOf } from '../../../shared/messages';
import type { PlanEntry, RunSummary } from '../../api';
import type { RunContext } from '../../ports';
import { SCOPE_CURSOR, scopeFingerprint } from '../../scope';
import type { RetryEntry } from '../../state/store';
import { type MailSetup, mailSetup } from './abra';
import { type MailPartOptions, MailRun } from './batch';
import { resolveFolders } from './folders';
import { type FolderSpec, retryKey } from './message';

const PAGE_SIZE = 100;

/** Creates a crash interrupted: their messages are read again (the look-up makes this idempotent). */
function retryInterrupted(ctx: RunContext): void {
  for (const i of ctx.state.listIntents('mail', 'abra')) {
    const { folderId, itemId, subject } = i.payload as {
      folderId?: string;
      itemId?: string;
      subject?: string;
    };
    if (folderId && itemId)
      ctx.state.addRetry('mail', 'exchange', `${folderId}\n${itemId}`, String(subject ?? ''), 'interrupted');
  }
}

/**
 * One folder: first the messages of its retry list (failed or interrupted before), then the changes since its
 * cursor; the cursor moves after each page is applied (or queued for retry). `rescope`: read from the start date.
 */
async function readFolder(
  run: MailRun,
  folder: FolderSpec,
  retries: RetryEntry[],
  seen: Set<string>,
  setup: MailSetup,
  rescope: boolean,
): Promise<void> {
  const { ctx, dryRun, cfg } = run;
  const { state } = ctx;
  const mine = retries.filter((r) => r.id.startsWith(`${folder.ref.id}\n`));
  if (mine.length) {
    const ids = mine.map((r) => r.id.slice(folder.ref.id.length + 1));
    const items = await ctx.exchange.getItems<MessageItem>(folder.ref, ids);
    const got = new Set(items.map((i) => i.id));
    // deleted from the mailbox meanwhile: nothing to archive (and ABRA is never touched by a mailbox delete)
    if (!dryRun)
      for (const id of ids) if (!got.has(id)) state.clearRetry('mail', 'exchange', retryKey(folder.ref, id));
    await run.processBatch(items, folder, seen, setup);
  }
  const cursorName = `folder:${folder.ref.id}`;
  const cursor = rescope ? null : state.getCursor('mail', cursorName);
  const read = async (start: string | null) => {
    let c = start;
    for (let page = 0; page < 1_000_000; page++) {
      if (ctx.signal?.aborted) return;
      ctx.progress({ phase: 'reading', done: run.counts.examined, total: 0 });
      const pg = await ctx.exchange.getChanges<MessageItem>(folder.ref, c, {
        pageSize: PAGE_SIZE,
        since: run.startIso,
        withBody: !cfg.headersOnly,
      });
      const items = pg.changes.flatMap((ch) => (ch.type === 'upsert' ? [ch.item] : []));
      // deletes are ignored: removing a message from the mailbox never touches ABRA
      await run.processBatch(items, folder, seen, setup);
      if (ctx.signal?.aborted) return;
      c = pg.cursor;
      if (!dryRun) state.setCursor('mail', cursorName, c);
      if (!pg.more) return;
    }
  };
  try {
    await read(cursor);
  } catch (e) {
    if (cursor !== null && e instanceof SyncError && e.kind === 'cursorInvalid')
      await read(null); // from scratch: the Message-ID index prevents duplicates
    else throw e;
  }
}

export async function runMail(
  ctx: RunContext,
  opts: { dryRun?: boolean },
  limits: MailPartOptions = {},
): Promise<{ summary: RunSummary; plan: PlanEntry[] }> {
  const dryRun = opts.dryRun ?? false;
  const { state } = ctx;
  const startedAt = ctx.now().toISOString();
  const runId = dryRun ? 0 : state.startRun('mail', false);
  const run = new MailRun(ctx, dryRun, limits);
  const finish = (result: RunSummary['result'], said?: string | Note, errorKind?: string, why?: Note) => {
    const summary: RunSummary = {
      runId,
      part: 'mail',
      startedAt,
      finishedAt: ctx.now().toISOString(),
      result,
      counts: run.counts,
      failures: run.failures,
      ...wordsOf(said, why),
      errorKind,
      dryRun,
    };
    if (!dryRun) state.finishRun(summary);
    return { summary, plan: run.plan };
  };
  try {
    const cfg = run.cfg;
    if (!cfg.activityTypeId || !cfg.queueId) {
      throw new SyncError('config', tr('en', 'config.mailType'), { note: note('config.mailType') });
    }
    ctx.progress({ phase: 'connecting', done: 0, total: 0 });
    // before any write: the own e-mail account, proof that sent mail is stored as already sent, the Message-ID field
    const setup = await mailSetup(ctx, cfg);
    const folders = await resolveFolders(ctx, cfg);
    const seen = new Set<string>();
    if (!dryRun) retryInterrupted(ctx);
    const retries = state.listRetries('mail', 'exchange');
    // Another scope than the folders' cursors were read with (folders, start date, filters, ...): every folder is
    // read again from the start date; the Message-ID index keeps what is archived from being archived twice.
    const scope = scopeFingerprint(ctx.config, 'mail');
    const storedScope = state.getCursor('mail', SCOPE_CURSOR);
    const rescope = storedScope !== null && storedScope !== scope;
    for (const folder of folders) {
      if (ctx.signal?.aborted) break;
      await readFolder(run, folder, retries, seen, setup, rescope);
    }
    if (ctx.signal?.aborted) return finish(run.failures.length ? 'partial' : 'failed', note('run.stopped'));
    ctx.progress({ phase: 'finishing', done: run.counts.examined, total: run.counts.examined });
    if (dryRun) return finish('dryRun');
    state.setCursor('mail', SCOPE_CURSOR, scope);
    return finish(run.failures.length ? 'partial' : 'ok');
  } catch (e) {
    const err = toSyncError(e);
    return finish('failed', err.message, err.kind, err.note ?? failureNote(err.kind));
  }
}
