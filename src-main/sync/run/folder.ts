/**
 * The part's Exchange folder: resolved (from the reference the last run kept, or looked up / created), the links
 * dropped when it was made anew, and the check after a read found it gone.
 */
import type { FolderRef } from '../../exchange/types';
import { SyncError } from '../../shared/errors';
import type { TwoWayPart } from '../part';
import type { RunContext } from '../ports';

/** The backend as seen through a folder that does not exist yet: reads return nothing (dry runs only). */
function emptyFolderView(exchange: RunContext['exchange'], none: FolderRef): RunContext['exchange'] {
  return new Proxy(exchange, {
    get(target, prop, receiver) {
      if (prop === 'getChanges')
        return async (f: FolderRef, ...rest: unknown[]) =>
          f === none
            ? { changes: [], cursor: '', more: false }
            : (target.getChanges as (...a: unknown[]) => unknown)(f, ...rest);
      if (prop === 'getItems' || prop === 'findByAbraIds')
        return async (f: FolderRef, ...rest: unknown[]) =>
          f === none ? [] : (target[prop] as (...a: unknown[]) => unknown).call(target, f, ...rest);
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * Resolve the part's folder. A preview before the first real run gets an empty view of a folder not made yet (the
 * returned context). A folder made anew drops the links and both cursors.
 */
export async function openFolder(
  part: TwoWayPart,
  ctx: RunContext,
  dryRun: boolean,
): Promise<{ folder: FolderRef; ctx: RunContext }> {
  const { state } = ctx;
  ctx.progress({ phase: 'connecting', done: 0, total: 0 });
  let folder: FolderRef;
  const stored = parseFolderRef(state.getCursor(part.name, 'exFolder'));
  try {
    folder = await ctx.exchange.getFolder(part.folderKind, undefined, {
      create: !dryRun,
      ...(!dryRun && stored?.kind === part.folderKind ? { known: stored } : {}),
    });
  } catch (e) {
    if (!(dryRun && e instanceof SyncError && e.kind === 'notFound')) throw e;
    // A preview before the first real run: the part's own folder does not exist yet. It is empty, and a dry run
    // does not create it.
    folder = { id: '', kind: part.folderKind, displayName: '(not created yet)' };
    ctx = { ...ctx, exchange: emptyFolderView(ctx.exchange, folder) };
  }
  // The part's folder was made anew (the user deleted the "ABRA Gen" contacts folder or To Do list): the links
  // point into a folder that is gone and the Exchange cursor belongs to it. Nothing is deleted anywhere: the links
  // are dropped and the new folder is filled again (items found there are paired by stamp or content first).
  if (!dryRun && folder.id) {
    const known = stored?.id ?? null;
    if (known !== folder.id) {
      const ref = JSON.stringify(folder);
      state.transaction(() => {
        if (known) {
          for (const l of state.listLinks(part.name)) state.deleteLink(part.name, l.abraId);
          // both sides are read in full again: every ABRA record in scope goes into the new folder
          state.setCursor(part.name, 'exchange', null);
          state.setCursor(part.name, 'abra', null);
        }
        state.setCursor(part.name, 'exFolder', ref);
      });
    }
  }
  return { folder, ctx };
}

/**
 * The folder vanished under a cached reference (deleted in Outlook since the last run): true when it resolves to
 * a new one now, so the part can run again at once over it.
 */
export async function folderReplaced(part: TwoWayPart, ctx: RunContext, folderId: string): Promise<boolean> {
  const again = await ctx.exchange.getFolder(part.folderKind, undefined, { create: true }).catch(() => null);
  return !!again && again.id !== folderId;
}

/** The part's folder as the last run resolved it (kept in the state: a new process need not look it up again). */
function parseFolderRef(text: string | null): FolderRef | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<FolderRef>;
    return typeof v.id === 'string' && v.id && typeof v.kind === 'string'
      ? {
          id: v.id,
          kind: v.kind,
          displayName: String(v.displayName ?? ''),
          ...(v.ewsVersion === 'Exchange2007_SP1' ? { ewsVersion: v.ewsVersion } : {}),
        }
      : null;
  } catch {
    return null;
  }
}
