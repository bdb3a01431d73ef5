/**
 * IPC between the renderer and the controller. Every call goes through `checkCall` (known method, arguments that
 * match the contract's zod schema) before the controller sees it; events go to the window on EVENT_CHANNEL.
 * Only type imports from Electron, so the dispatcher is testable under plain Node.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { type AppApi, type AppEvent, CALL_CHANNEL, checkCall, EVENT_CHANNEL } from '../ipc-contract';
import type { Logger } from '../log';

export interface DispatchError extends Error {
  kind: 'invalidArguments' | 'unknownMethod' | 'failed';
}

function callError(kind: DispatchError['kind'], message: string): DispatchError {
  const e = new Error(message) as DispatchError;
  e.kind = kind;
  return e;
}

/**
 * Validate and run one call. Rejects with an Error whose message starts with the kind (Electron passes only the
 * message across IPC): `invalidArguments: …`, `unknownMethod: …`, `failed: …`.
 */
export function createDispatcher(api: AppApi, log?: Logger) {
  return async (method: unknown, args: unknown): Promise<unknown> => {
    const c = checkCall(method, args);
    if (!c.ok) {
      log?.warn(`ipc: rejected ${String(method).slice(0, 40)}: ${c.error.message}`);
      throw callError(c.error.kind, `${c.error.kind}: ${c.error.message}`);
    }
    const fn = api[c.method] as (...a: unknown[]) => Promise<unknown>;
    try {
      return await fn.apply(api, c.args);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log?.warn(`ipc: ${c.method} failed: ${msg}`);
      throw callError('failed', `failed: ${msg}`);
    }
  };
}

/**
 * Register the handler. `allowed(event)` must confirm the sender is our own window (the app's file:// page), so no
 * other frame can call main.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  api: AppApi,
  allowed: (e: IpcMainInvokeEvent) => boolean,
  log?: Logger,
): () => void {
  const dispatch = createDispatcher(api, log);
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, ...args: unknown[]) => {
    if (!allowed(event)) {
      log?.warn('ipc: call from an unexpected sender refused');
      throw callError('failed', 'failed: sender not allowed');
    }
    return dispatch(method, args);
  });
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}

/** Forward controller events to a window (dropped while it is closed). */
export function forwardEvents(
  onEvent: (l: (e: AppEvent) => void) => () => void,
  target: () => WebContents | null,
): () => void {
  return onEvent((e) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, e);
  });
}
