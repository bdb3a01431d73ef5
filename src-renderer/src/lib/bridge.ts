/**
 * The renderer's only way to main: `window.abraSync` (the preload in Electron, the test bridge in UI tests), typed
 * by the IPC contract. Type imports only — the contract's zod schemas stay in main.
 */
import type { AppApi, AppEvent, AppMethod } from '../../../src-main/app/ipc-contract';

export function call<M extends AppMethod>(method: M, ...args: Parameters<AppApi[M]>): ReturnType<AppApi[M]> {
  return window.abraSync.call(method, ...args);
}

export function onEvent(listener: (e: AppEvent) => void): () => void {
  return window.abraSync.onEvent(listener);
}

/** The plain message of a failed call (Electron prefixes errors that cross IPC with its own words). */
export function errorMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return raw.replace(/^Error invoking remote method '[^']*': /, '').replace(/^(Error|SyncError): /, '');
}
