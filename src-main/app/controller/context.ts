/**
 * What every handler of the controller works with: the injected dependencies and the four pieces the controller is
 * made of (settings, secret bindings, the engine host, the event fan-out), plus the app state they all answer with.
 */
import type { AppState } from '../ipc-contract';
import type { Logger } from '../log';
import type { ControllerDeps } from './deps';
import type { Events } from './events';
import type { EngineHost, SecretBindings, SettingsState } from './handles';

export interface Ctx {
  deps: ControllerDeps;
  log: Logger;
  settings: SettingsState;
  bindings: SecretBindings;
  host: EngineHost;
  events: Events;
  getState(): Promise<AppState>;
  /** Send the state to the window, when one listens. */
  emitState(): Promise<void>;
  /** Read the state, send it to the window, and answer with it. */
  publishState(): Promise<AppState>;
}
