/**
 * The calls the window makes on the engine itself: status, sync now, preview and approval, pause/resume, the
 * mass-delete answer, the run/failure/conflict lists and the unassigned e-mail. Reads answer empty while there is no
 * engine; actions say why there is none (or which secret is missing).
 */
import { toSyncError } from '../../shared/errors';
import { noteText } from '../../shared/messages';
import type { PartName } from '../../sync/config';
import type { AppApi } from '../ipc-contract';
import type { Ctx } from './context';

type EngineCalls = Pick<
  AppApi,
  | 'status'
  | 'syncNow'
  | 'preview'
  | 'approve'
  | 'pause'
  | 'resume'
  | 'confirmMassDelete'
  | 'keepInsteadOfDelete'
  | 'listRuns'
  | 'listFailures'
  | 'listConflicts'
  | 'flipConflict'
  | 'listUnassignedMail'
  | 'ignoreMail'
  | 'readUnassignedMail'
  | 'assignMail'
>;

/** Pause or resume: remembered in the settings (a paused app starts paused), then told to the engine. */
async function setPaused(ctx: Ctx, paused: boolean): Promise<void> {
  ctx.settings.change({ paused });
  ctx.settings.save();
  await ctx.host.settled();
  const s = ctx.host.service();
  if (paused) s?.pause();
  else s?.resume();
  ctx.log.info(`engine: ${paused ? 'paused' : 'resumed'} by the user`);
  await ctx.emitState();
}

export function engineCalls(ctx: Ctx): EngineCalls {
  const { host, settings } = ctx;
  /** The engine's answer to a read, or `empty` while there is no engine. */
  const read = async <T>(empty: T, f: (s: NonNullable<ReturnType<typeof host.service>>) => T): Promise<T> => {
    await host.settled();
    const s = host.service();
    return s ? f(s) : empty;
  };
  return {
    status: () => read(null, (s) => s.status()),

    async syncNow(part?: PartName) {
      return (await host.requireReady()).syncNow(part);
    },

    async preview(part?: PartName | null, draft?: unknown) {
      const s = await host.requireReady();
      if (draft === undefined || draft === null) return s.preview(part ?? undefined);
      // The page's unsaved settings: checked like a save (policy, validation), then previewed without saving.
      const config = settings.checkDraft(draft);
      try {
        return await s.preview(part ?? undefined, config);
      } catch (e) {
        const err = toSyncError(e);
        throw new Error(noteText(settings.locale(), err.note, err.message));
      }
    },

    async approve(part?: PartName) {
      return (await host.requireReady()).approve(part);
    },

    pause: () => setPaused(ctx, true),
    resume: () => setPaused(ctx, false),

    async confirmMassDelete(part) {
      return (await host.requireReady()).confirmMassDelete(part);
    },

    async keepInsteadOfDelete(part) {
      return (await host.requireReady()).keepInsteadOfDelete(part);
    },

    listRuns: (limit) => read([], (s) => s.listRuns(limit)),
    listFailures: (limit) => read([], (s) => s.listFailures(limit)),
    listConflicts: (limit) => read([], (s) => s.listConflicts(limit)),

    async flipConflict(id) {
      await (await host.requireService()).flipConflict(id);
    },

    listUnassignedMail: () => read([], (s) => s.listUnassignedMail()),

    async ignoreMail(id) {
      (await host.requireService()).ignoreMail(id);
    },

    async readUnassignedMail(id) {
      return (await host.requireReady()).readUnassignedMail(id);
    },

    async assignMail(id, firmId, personId, applyToAddress) {
      await (await host.requireReady()).assignMail(id, firmId, personId, applyToAddress);
    },
  };
}
