/**
 * Preload (sandboxed): exposes `window.abraSync` ({@link Bridge}) and nothing else. It only forwards — main validates
 * every call — and imports nothing but `electron` at run time (the contract is imported for types and constants
 * only, and the bundle inlines the two channel names), because a sandboxed preload may require only 'electron'.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { AppEvent, Bridge } from '../ipc-contract';

// Duplicated from ipc-contract.ts on purpose: importing the module would pull zod into the sandbox.
// test/app/build-main.test.ts checks they stay equal.
const CALL_CHANNEL = 'abra-sync:call';
const EVENT_CHANNEL = 'abra-sync:event';

const bridge: Bridge = {
  call: ((method: string, ...args: unknown[]) =>
    ipcRenderer.invoke(CALL_CHANNEL, method, ...args)) as Bridge['call'],
  onEvent(listener: (e: AppEvent) => void) {
    const h = (_e: IpcRendererEvent, payload: AppEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, h);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, h);
    };
  },
};

contextBridge.exposeInMainWorld('abraSync', bridge);
