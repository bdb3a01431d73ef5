/**
 * One run of one part: read what changed on both sides, pair, decide with the shared table, check the safety
 * rules, then write — per item isolated — and only then advance the cursors. Used by every part, by the scheduler,
 * the CLI and the dry run ("preview").
 *
 * The phases, each in its own file with a typed input and output:
 * `folder.ts` (open the part's folder) → `read.ts` (`SidesRead`) → `pair.ts` (`Pairing`, declared with its reader in `items.ts`) → `items.ts` (the work list,
 * decided) → `plan.ts` → `guard.ts` (stop before writing?) → `write-abra.ts` (item by item; Exchange job lists) →
 * `write-exchange.ts` (batches) → `commit.ts` (cursors). `recorder.ts` keeps the run's counts, failures and summary.
 */
import { toSyncError } from '../../shared/errors';
import { failureNote, note } from '../../shared/messages';
import type { TwoWayPart } from '../part';
import type { RunContext } from '../ports';
import { commitCursors } from './commit';
import { folderReplaced, openFolder } from './folder';
import { guard } from './guard';
import { buildWork } from './items';
import { writerFor } from './links';
import { pair } from './pair';
import { keepInsteadOfDelete, planOf } from './plan';
import { type ReadStage, readSides } from './read';
import { RunRecorder } from './recorder';
import type { PartRun, RunOptions, RunOutcome } from './types';
import { stampPaired, writeItems } from './write-abra';
import { writeExchange } from './write-exchange';

export type { RunOptions, RunOutcome } from './types';

export async function runPart(part: TwoWayPart, ctx: RunContext, opts: RunOptions = {}): Promise<RunOutcome> {
  const dryRun = opts.dryRun ?? false;
  const batchSize = opts.batchSize ?? ctx.exchange.writeBatchSize ?? 50;
  const rec = new RunRecorder(part.name, ctx, dryRun);
  const direction = part.direction(ctx);
  const partCfg = ctx.config.parts[part.name];
  const policy = 'conflictPolicy' in partCfg ? partCfg.conflictPolicy : 'merge';

  let folderId = '';
  const stage: ReadStage = { readingExchange: false };
  try {
    const opened = await openFolder(part, ctx, dryRun);
    folderId = opened.folder.id;
    ctx = opened.ctx;
    const run: PartRun = { part, ctx, folder: opened.folder, dryRun, direction };

    const read = await readSides(run, stage);
    const pairing = await pair(run, read);
    const { items: work, overrideByAbra } = buildWork(run, read, pairing, policy);
    rec.counts.examined = work.length;
    planOf(part.name, work, rec.plan);
    if (opts.keepInsteadOfDelete) keepInsteadOfDelete(work, rec.plan, read.linkByAbra);

    const stop = guard(run, read, work, opts.confirmDeletes ?? false);
    if (stop) return rec.finish(stop.result, stop.why, undefined, undefined, stop.extra);
    if (dryRun) return rec.finish('dryRun');

    ctx.progress({ phase: 'writing', done: 0, total: work.length });
    stampPaired(run, work, pairing);
    const writer = writerFor(run, rec, overrideByAbra, work.length);
    const jobs = await writeItems(writer, work);
    await writeExchange(writer, jobs, read, batchSize);

    if (ctx.signal?.aborted) {
      // Cursors stay where they were: the next run reads the same changes again; links make that idempotent.
      return rec.finish(rec.failures.length ? 'partial' : 'failed', note('run.stopped'));
    }
    commitCursors(run, read, work.length);
    return rec.finish(rec.failures.length ? 'partial' : 'ok');
  } catch (e) {
    const err = toSyncError(e);
    // The folder vanished under a cached reference (deleted in Outlook since the last run): when it resolves to a new
    // one now, this run says so and the part runs again at once over it rather than fail until the next interval.
    if (stage.readingExchange && err.kind === 'notFound' && !dryRun && !opts.afterFolderLoss && folderId) {
      if (await folderReplaced(part, ctx, folderId)) {
        rec.finish('failed', note('run.folderGone'), err.kind);
        return runPart(part, ctx, { ...opts, afterFolderLoss: true });
      }
    }
    return rec.finish('failed', err.message, err.kind, err.note ?? failureNote(err.kind));
  }
}
