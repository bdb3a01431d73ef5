/** The controller's events to the window (state, engine events, navigation); a failing listener is logged only. */
import type { AppEvent } from '../ipc-contract';
import type { Logger } from '../log';

export interface Events {
  emit(e: AppEvent): void;
  /** Does anyone listen (the state is read only for a listener)? */
  listening(): boolean;
  onEvent(listener: (e: AppEvent) => void): () => void;
  clear(): void;
}

export function createEvents(log: Logger): Events {
  const listeners = new Set<(e: AppEvent) => void>();
  return {
    emit(e) {
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          log.warn(`event listener failed: ${(err as Error).message}`);
        }
      }
    },
    listening: () => listeners.size > 0,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}
