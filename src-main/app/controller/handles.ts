/**
 * The three handles the controller is made of, as every handler sees them through `Ctx` (./context.ts): the saved
 * settings (./settings-state.ts), the secret bindings (./secret-bindings.ts) and the engine host (./engine-host.ts).
 * Declared here, below those files, so that they and `Ctx` import only downward (no import circle).
 */
import type { Locale, MessageKey, MessageParams } from '../../shared/messages';
import type { SecretName, SecretSource, SyncConfig } from '../../sync/config';
import type { SyncService } from '../../sync/service';
import type { Bindings } from '../bindings';
import type { AppPreferences, ConnectionSide, FieldIssue } from '../ipc-contract';
import type { Policy } from '../policy';
import type { SettingsDoc } from '../settings';

export interface SettingsState {
  readonly policy: Policy;
  /** The settings document as it stands (saved by {@link save}). */
  doc(): SettingsDoc;
  /** Change the document in memory; {@link save} writes it. */
  change(patch: Partial<SettingsDoc>): void;
  save(): void;
  preferences(): AppPreferences;
  /** The UI language: every sentence main answers the renderer with is in it. */
  locale(): Locale;
  say(key: MessageKey, params?: MessageParams): string;
  /** The saved configuration with the policy applied, validated; or the problems why not. */
  effective(): { config: SyncConfig | null; issues: FieldIssue[] };
  savedConfigOrThrow(): SyncConfig;
  /** Config for testing one side with unsaved input: that side must be valid; the other may be incomplete. */
  configForTest(side: ConnectionSide, input: unknown): { config: SyncConfig } | { issues: FieldIssue[] };
  /** The page's unsaved settings checked like a save (policy, validation); throws the issues in the UI language. */
  checkDraft(draft: unknown): SyncConfig;
}

export interface SecretBindings {
  bindings(): Bindings;
  /** Bind a secret to these keys (null: to none). In memory; the settings' save writes it. */
  set(name: SecretName, keys: string[] | null): void;
  add(name: SecretName, key: string): void;
  /**
   * Stored AND entered for where `cfg` would send it. A secret with no binding at all (stored by a version before
   * bindings, or entered before any server was known) is bound on its first use (trust on first use).
   */
  usable(name: SecretName, cfg: SyncConfig): Promise<boolean>;
  /** The sentences for the secrets `cfg` needs that are not usable. */
  missingSecrets(cfg: SyncConfig): Promise<string[]>;
  /** The secrets as a connector for `cfg` may see them (only those entered for its servers). */
  forConfig(cfg: SyncConfig): SecretSource;
  /** What the engine may use: only secrets entered for the saved servers. */
  readonly engineSecrets: SecretSource;
  label(name: SecretName): string;
  /** A yes/no question in main's own dialog; no dialog, or a failed one, is a no. */
  ask(message: string): Promise<boolean>;
  /** A configuration about to be saved: each stored secret follows a changed server only if the user says so. */
  followServers(cfg: SyncConfig): Promise<void>;
  /** Secrets stored before bindings existed: bound to the servers saved now (the ones they were entered for). */
  bindUnbound(saved: SyncConfig): Promise<void>;
}

export interface EngineHost {
  /** The running engine, or null. */
  service(): SyncService | null;
  /** Resolves when the engine changes asked for so far are done. */
  settled(): Promise<void>;
  /** Bring the engine in line with the saved settings and stored secrets. Serialised. */
  applySettings(): Promise<void>;
  /** The engine, or an error that says why there is none. */
  requireService(): Promise<SyncService>;
  /** The engine with every secret it needs, or an error that says what is missing. */
  requireReady(): Promise<SyncService>;
  /**
   * The user fixed something (secret stored, settings saved, a test passed): the parts that failed run again at
   * once, in the background, so the red state and the banner go as soon as it works — not at the next interval. Only
   * while the engine runs its timers (as shipped). One notification per problem: nothing is re-armed here.
   */
  retryProblems(): void;
  /** What keeps the app from syncing, in the UI language (the overview's banner). */
  problems(): Promise<string[]>;
  dispose(): Promise<void>;
}
