/** What the controller is given (the wiring, the stores, the host's dialogs and notifications) and what it offers. */
import type { probeEwsAuth } from '../../exchange/ews/auth-probe';
import type { ExchangeBackend } from '../../exchange/types';
import type { SecretSource, SyncConfig } from '../../sync/config';
import type { AnyPart } from '../../sync/part';
import type { Connections, SyncService, SyncServiceOptions } from '../../sync/service';
import type { AppApi, AppEvent, AppPreferences } from '../ipc-contract';
import type { Logger } from '../log';
import type { NoticePage } from '../notifications';
import type { Policy } from '../policy';
import type { SecretStore } from '../secrets';
import type { SettingsStore } from '../settings';

/** The ABRA client calls the controller needs (AbraClient from src-main/abra meets it). */
export interface AbraApiClient {
  currentUser(): Promise<{ id: string; name?: string; login?: string; loginname?: string }>;
  activityTypes(): Promise<{ id: string; code?: string; name?: string }[]>;
  activityQueues(): Promise<{ id: string; code?: string; name?: string }[]>;
  /** Optional: clients that cannot list them leave the pickers empty. */
  solverRoles?(): Promise<{ id: string; code?: string; name?: string }[]>;
  divisions?(): Promise<{ id: string; code?: string; name?: string }[]>;
  /** The own e-mail accounts for the e-mail archive (What to sync → E-mail). */
  emailAccounts?(): Promise<{ id: string; code?: string; name?: string }[]>;
  list(
    collection: string,
    q?: { select?: string[] | string; where?: string; orderby?: string; take?: number; skip?: number },
  ): Promise<(Record<string, unknown> & { id: string })[]>;
  queryAll(
    collection: string,
    q?: { select?: string[] | string; where?: string; orderby?: string },
  ): Promise<(Record<string, unknown> & { id: string })[]>;
  listOwned(
    collection: string,
    parentId: string,
    owned: string,
    q?: { select?: string[] | string },
  ): Promise<(Record<string, unknown> & { id: string })[]>;
}

export interface ControllerDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  /** The engine's wiring: both connections for a configuration (src-main/wiring/ `connect`). */
  connect: (config: SyncConfig, secrets: SecretSource) => Promise<Connections>;
  /** An ABRA client for pickers and tests (src-main/wiring/ `abraClientFor`). */
  abraClientFor: (
    config: SyncConfig,
    secrets: SecretSource,
    opts?: { signal?: AbortSignal },
  ) => AbraApiClient | Promise<AbraApiClient>;
  /** Only the Exchange backend (src-main/wiring/ `exchangeFor`), so a mailbox can be tested before ABRA is set up. */
  exchangeFor?: (
    config: SyncConfig,
    secrets: SecretSource,
    opts?: { signal?: AbortSignal },
  ) => Promise<ExchangeBackend>;
  /**
   * EWS Autodiscover (the EWS backend's; ./autodiscover.ts): the EWS URL for an address, signing in with the saved
   * Exchange settings (null before the first save) and the stored password.
   */
  autodiscover?: (
    email: string,
    exchange: SyncConfig['exchange'] | null,
    secrets: SecretSource,
    /** Hosts the user confirmed for a redirect (remembered in the settings). */
    trustedHosts: string[],
  ) => Promise<string>;
  /**
   * Ask the user a yes/no question in a dialog of the main process (Electron's message box): sending a secret to a
   * server it was not entered for, or following an Autodiscover redirect. Absent = the answer is no.
   */
  confirm?: (q: { message: string; yes: string; no: string }) => Promise<boolean>;
  /** Microsoft 365 interactive sign-in (the Graph auth module), when available; stores `graphTokenCache`. */
  signInMicrosoft?: (
    exchange: SyncConfig['exchange'],
    secrets: SecretStore,
  ) => Promise<{ username?: string; name?: string }>;
  dataDir: string;
  logFile: string;
  /** Where exportDiagnostics writes (default `<dataDir>/diagnostics`). */
  diagnosticsDir?: string;
  version: string;
  /** e.g. `cs-CZ`, `en-US` (app.getLocale()). */
  systemLocale: string;
  /** Show a notification; `page`: what a click on it should open (main.ts shows the window on that page). */
  notify: (title: string, body: string, page?: NoticePage) => void;
  openPath: (p: string) => Promise<unknown>;
  now?: () => Date;
  policy?: Policy;
  log?: Logger;
  /** The EWS sign-in methods probe of "Test / find settings" (default exchange/ews/auth-probe.ts). */
  probeEwsAuth?: typeof probeEwsAuth;
  /** How long a connection test may take before it answers "did not answer in time" (default 15 s). */
  testTimeoutMs?: number;
  /** Start the service's timers when ready (default true; the test bridge may turn it off). */
  autoStart?: boolean;
  /** Extra engine parts (tests). */
  extraParts?: AnyPart[];
  /**
   * Does a newly enabled part, or one whose scope changed, wait for the user's approval after the preview
   * (default `ask`, as shipped; see SyncService `approval`)?
   */
  approval?: 'ask' | 'auto';
  /** Engine factory (default createSyncService). */
  createService?: (opts: SyncServiceOptions) => Promise<SyncService>;
}

export type Controller = AppApi & {
  dispose(): Promise<void>;
  onEvent(listener: (e: AppEvent) => void): () => void;
  /** The running engine (tests, tray). */
  service(): SyncService | null;
  /** The effective, validated configuration, or null. */
  config(): SyncConfig | null;
  preferences(): AppPreferences;
  /** The UI language (the preference, else the system's): the tray and notifications speak it too. */
  locale(): 'cs' | 'en';
  /** Ask the window to show a page (a notification was clicked). */
  navigate(page: Extract<AppEvent, { type: 'navigate' }>['page']): void;
};
