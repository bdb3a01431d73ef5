/**
 * The one typed contract between the renderer and the main process. The renderer sees only `window.abraSync`
 * ({@link Bridge}), built by the preload from this file; main validates every argument with the zod schemas in
 * {@link methodArgs} before it acts. Nothing here carries a secret from main to the renderer: the renderer can set a
 * password or token, never read one back (it sees only whether one is stored).
 *
 * This file is imported by the preload, the main process and the renderer: it may import zod, types, the engine's
 * part names and the message catalogue's `noteText` and `tr` (the renderer's only run-time imports of main; its bundle
 * takes the catalogue and no zod, because the renderer imports nothing else here at run time).
 */
import { z } from 'zod';
import type {
  ConflictRecord,
  ItemFailure,
  PlanEntry,
  RunSummary,
  SchedulerStatus,
  ServiceEvent,
  UnassignedMail,
} from '../sync/api';
import { PART_NAMES, type PartName, type SyncConfig } from '../sync/config';
import type { CheckResult } from '../sync/preflight';

/**
 * The engine's recorded notes, read in the UI language (the one catalogue: ../shared/messages/), and `tr` for the
 * words the renderer shares with main (part names, field labels: src-renderer/src/locales/catalogue.ts).
 */
export { type Locale, type MessageKey, type Note, noteText, tr } from '../shared/messages';
// Everything of main's the renderer needs, so the renderer imports main only through this file.
export type {
  ConflictRecord,
  DeleteReason,
  ItemFailure,
  PartStatus,
  PlanEntry,
  ProgressEvent,
  RunCounts,
  RunResult,
  RunSummary,
  SchedulerStatus,
  UnassignedMail,
} from '../sync/api';
export type { PartName } from '../sync/config';
export { NEW_CONFIG_DEFAULTS } from '../sync/new-config';
export type { CheckResult } from '../sync/preflight';

/** Secrets the renderer may set (write-only). The Microsoft 365 token cache is managed by main alone. */
export const WRITABLE_SECRETS = ['abraPassword', 'abraToken', 'exchangePassword'] as const;
export type WritableSecret = (typeof WRITABLE_SECRETS)[number];

export const LANGUAGES = ['auto', 'cs', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** App-level preferences (not part of the engine configuration). */
export interface AppPreferences {
  startAtLogin: boolean;
  language: Language;
  /** Desktop notifications when a part starts failing or needs a decision. */
  notifications: boolean;
}

export interface PolicyInfo {
  /** Path of the admin policy file in force, or null. */
  source: string | null;
  /** Dotted paths of locked settings (`sync.parts.mail.enabled`, `sync.abra.serverUrl`, …). */
  locked: string[];
  /**
   * The policy's preset values (never secrets), so the renderer can show a locked or preset setting before the user
   * saved anything (until then `AppState.sync` is null).
   */
  values?: { sync?: Record<string, unknown>; preferences?: Record<string, unknown> };
}

export interface AppState {
  version: string;
  /** Resolved UI language. */
  locale: 'cs' | 'en';
  /** The saved engine configuration; null until the user saved a valid one the first time. */
  sync: SyncConfig | null;
  preferences: AppPreferences;
  /** Which secrets are stored (never their values). */
  secrets: Record<WritableSecret, boolean> & { microsoftSignedIn: boolean };
  policy: PolicyInfo;
  status: SchedulerStatus | null;
  /** Problems of the saved configuration the engine cannot start with, in plain language. */
  problems: string[];
}

export interface FieldIssue {
  path: string;
  message: string;
}

export type SaveResult = { ok: true; state: AppState } | { ok: false; issues: FieldIssue[] };

export type ConnectionSide = 'abra' | 'exchange';

export interface ConnectionTestResult {
  ok: boolean;
  side: ConnectionSide;
  /** SyncError kind when not ok: unreachable, tls, auth, forbidden, notFound (e.g. wrong connection name), config… */
  kind?: string;
  /** Plain-language result, e.g. "Connected as Jana Nováková (ABRA Gen 24.1)". */
  message: string;
}

/** "Test / find settings" (connection-discover.ts): the test's answer, the steps taken, and what was found. */
export interface DiscoverResult extends ConnectionTestResult {
  /** What was done before the test, in the user's language ("EWS URL found …", "Sign-in: NTLM …"). */
  steps: string[];
  /** Settings found for the form (the page puts them in; Save stores them). */
  found: { ewsUrl?: string; auth?: 'basic' | 'ntlm' | 'oauth' };
}

export interface PickerItem {
  id: string;
  code?: string;
  name: string;
}

export interface MailFolderItem {
  path: string;
  displayName: string;
}

export interface WhereCheck {
  ok: boolean;
  message: string;
  /** Rows the expression matches, when valid. */
  count?: number;
}

export interface FirmHit {
  id: string;
  name: string;
  code?: string;
  persons: PickerItem[];
}

export type AppEvent =
  | { type: 'service'; event: ServiceEvent }
  | { type: 'state'; state: AppState }
  /** Main asks the window to show a page (a click on a notification or a tray line). */
  | { type: 'navigate'; page: 'overview' | 'connections' | 'parts' | 'mail' | 'unassigned' | 'log' };

/** Everything the renderer can ask of main. All calls are async and their results plain serialisable data. */
export interface AppApi {
  getState(): Promise<AppState>;
  /** Validate and save the engine configuration (the whole object); invalid → issues, nothing saved. */
  saveSync(config: unknown): Promise<SaveResult>;
  savePreferences(prefs: AppPreferences): Promise<SaveResult>;
  /** Store (or with null: forget) a secret. */
  /** `forInput`: the connection form it was typed in; the secret is bound to that form's server (bindings.ts). */
  setSecret(name: WritableSecret, value: string | null, forInput?: unknown): Promise<AppState>;
  /** Test a connection with the given (possibly unsaved) configuration and the stored secrets. */
  testConnection(side: ConnectionSide, config: unknown): Promise<ConnectionTestResult>;
  /** Cancel the running test of that side: its requests are aborted (the socket closed); false when none ran. */
  cancelTest(side: ConnectionSide): Promise<boolean>;
  /** Mailbox from e-mail + password: Autodiscover when no EWS URL, the server's sign-in method, then the test. */
  discoverExchange(config: unknown): Promise<DiscoverResult>;
  /** EWS URL from the e-mail address. */
  autodiscover(email: string): Promise<{ ok: boolean; url?: string; message: string }>;
  signInMicrosoft(config: unknown): Promise<ConnectionTestResult>;
  signOutMicrosoft(): Promise<AppState>;
  activityTypes(): Promise<PickerItem[]>;
  activityQueues(): Promise<PickerItem[]>;
  /** Solver roles and divisions for new activities (What to sync → new items). */
  solverRoles(): Promise<PickerItem[]>;
  /** Preflight against the ABRA server of the saved settings (Connections / What to sync → Check against server). */
  checkAgainstServer(): Promise<CheckResult>;
  divisions(): Promise<PickerItem[]>;
  /** ABRA's own e-mail accounts for the e-mail archive (emailAccountId; default = the one matching the mailbox). */
  emailAccounts(): Promise<PickerItem[]>;
  mailFolders(): Promise<MailFolderItem[]>;
  validateWhere(collection: 'firms' | 'crmactivities', where: string): Promise<WhereCheck>;
  status(): Promise<SchedulerStatus | null>;
  syncNow(part?: PartName): Promise<RunSummary[]>;
  /**
   * Dry run of one part (null/undefined: every enabled part); writes and saves nothing. `draft`: the unsaved
   * settings of the page (validated like saveSync) to preview instead of the saved ones.
   */
  preview(part?: PartName | null, draft?: unknown): Promise<{ plan: PlanEntry[]; summaries: RunSummary[] }>;
  /** The user saw the preview: approve the waiting part (or every waiting part) and run it at once. */
  approve(part?: PartName): Promise<RunSummary[]>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  confirmMassDelete(part: PartName): Promise<RunSummary>;
  /** Keep the items a run stopped before deleting (unlinked, no longer synced); nothing is deleted. */
  keepInsteadOfDelete(part: PartName): Promise<RunSummary>;
  listRuns(limit?: number): Promise<RunSummary[]>;
  listFailures(limit?: number): Promise<ItemFailure[]>;
  listConflicts(limit?: number): Promise<ConflictRecord[]>;
  flipConflict(id: number): Promise<void>;
  listUnassignedMail(): Promise<UnassignedMail[]>;
  /** Take a message off the unassigned queue (Ignorovat). */
  ignoreMail(id: number): Promise<void>;
  /** The archived text of a queued message (headers and body), read from ABRA. */
  readUnassignedMail(id: number): Promise<string>;
  searchFirms(text: string): Promise<FirmHit[]>;
  assignMail(id: number, firmId: string, personId: string | null, applyToAddress: boolean): Promise<void>;
  /** Writes a zip of logs, run history and settings without secrets; returns its path. */
  exportDiagnostics(): Promise<{ ok: boolean; path?: string; message: string }>;
  openLog(): Promise<void>;
}

export type AppMethod = keyof AppApi;

const part = z.enum(PART_NAMES);
const optPart = part.optional();
const limit = z.number().int().min(1).max(10_000).optional();
const side = z.enum(['abra', 'exchange']);
const secretName = z.enum(WRITABLE_SECRETS);
const anyConfig = z.unknown();

export const preferencesSchema = z.object({
  startAtLogin: z.boolean(),
  language: z.enum(LANGUAGES),
  notifications: z.boolean(),
});

/** zod schema of each method's argument tuple; main rejects a call whose arguments do not match. */
export const methodArgs = {
  getState: z.tuple([]),
  saveSync: z.tuple([anyConfig]),
  savePreferences: z.tuple([preferencesSchema]),
  setSecret: z.tuple([secretName, z.string().min(1).max(8192).nullable(), anyConfig.optional()]),
  testConnection: z.tuple([side, anyConfig]),
  cancelTest: z.tuple([side]),
  discoverExchange: z.tuple([anyConfig]),
  // any text: an empty or wrong address is answered in the user's language by the controller, not by this check
  autodiscover: z.tuple([z.string().max(320)]),
  signInMicrosoft: z.tuple([anyConfig]),
  signOutMicrosoft: z.tuple([]),
  activityTypes: z.tuple([]),
  activityQueues: z.tuple([]),
  solverRoles: z.tuple([]),
  checkAgainstServer: z.tuple([]),
  divisions: z.tuple([]),
  emailAccounts: z.tuple([]),
  mailFolders: z.tuple([]),
  validateWhere: z.tuple([z.enum(['firms', 'crmactivities']), z.string().max(4000)]),
  status: z.tuple([]),
  syncNow: z.tuple([optPart]),
  preview: z.tuple([part.nullish(), anyConfig.optional()]),
  approve: z.tuple([optPart]),
  pause: z.tuple([]),
  resume: z.tuple([]),
  confirmMassDelete: z.tuple([part]),
  keepInsteadOfDelete: z.tuple([part]),
  listRuns: z.tuple([limit]),
  listFailures: z.tuple([limit]),
  listConflicts: z.tuple([limit]),
  flipConflict: z.tuple([z.number().int().min(1)]),
  listUnassignedMail: z.tuple([]),
  ignoreMail: z.tuple([z.number().int().min(1)]),
  readUnassignedMail: z.tuple([z.number().int().min(1)]),
  searchFirms: z.tuple([z.string().max(200)]),
  assignMail: z.tuple([
    z.number().int().min(1),
    z.string().min(1),
    z.string().min(1).nullable(),
    z.boolean(),
  ]),
  exportDiagnostics: z.tuple([]),
  openLog: z.tuple([]),
} satisfies Record<AppMethod, z.ZodType>;

export const APP_METHODS = Object.keys(methodArgs) as AppMethod[];

/** IPC channel of a method call (ipcRenderer.invoke / ipcMain.handle). */
export const CALL_CHANNEL = 'abra-sync:call';
/** IPC channel of main → renderer events. */
export const EVENT_CHANNEL = 'abra-sync:event';

/** What a failed call rejects with, across IPC (Electron keeps only the message of thrown errors). */
export interface CallError {
  kind: 'invalidArguments' | 'unknownMethod' | 'failed';
  message: string;
}

/** What the preload exposes as `window.abraSync`. */
export interface Bridge {
  call<M extends AppMethod>(method: M, ...args: Parameters<AppApi[M]>): ReturnType<AppApi[M]>;
  /** Subscribe to events; returns the unsubscribe function. */
  onEvent(listener: (e: AppEvent) => void): () => void;
}

/**
 * Check one incoming call: a known method and arguments that match its schema. Returns the parsed arguments or a
 * {@link CallError}. Main runs every renderer message through this before doing anything.
 */
export function checkCall(
  method: unknown,
  args: unknown,
):
  | { ok: true; method: AppMethod; args: unknown[] }
  | {
      ok: false;
      error: CallError;
    } {
  if (typeof method !== 'string' || !Object.hasOwn(methodArgs, method))
    return { ok: false, error: { kind: 'unknownMethod', message: `unknown method ${String(method)}` } };
  const schema = methodArgs[method as AppMethod];
  const r = schema.safeParse(Array.isArray(args) ? args : []);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return { ok: false, error: { kind: 'invalidArguments', message: `${method}: ${detail}` } };
  }
  return { ok: true, method: method as AppMethod, args: r.data as unknown[] };
}

declare global {
  interface Window {
    abraSync: Bridge;
  }
}
