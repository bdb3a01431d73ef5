/**
 * The renderer's only way to main: `window.abraSync` (the preload in Electron, the test bridge in UI tests), typed
 * by the IPC contract. Type imports only — the contract's zod schemas stay in main.
 */
import type { AppApi, AppEvent, AppMethod } from '../../../src-main/app/ipc-contract';

function bridge() {
  if (!window.abraSync) throw new Error('This window only works inside the ABRA Gen Exchange Sync app.');
  return window.abraSync;
}

export function call<M extends AppMethod>(method: M, ...args: Parameters<AppApi[M]>): ReturnType<AppApi[M]> {
  return bridge().call(method, ...args);
}

export function onEvent(listener: (e: AppEvent) => void): () => void {
  return bridge().onEvent(listener);
}

export { errorMessage } from './errors';
