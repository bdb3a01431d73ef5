/**
 * The saved settings as the controller sees them: the document (secrets an early build kept in it move to the
 * secret store on load), the preferences and the UI language, the effective configuration (admin policy applied,
 * validated with the engine's schema), a configuration for testing one side with unsaved input, and the two saves.
 * An invalid configuration is answered with field issues and nothing is stored; locked policy values cannot change.
 */
import { issueText, type Locale, type MessageKey, type MessageParams, tr } from '../../shared/messages';
import {
  abraConnectionSchema,
  exchangeConnectionSchema,
  type SecretName,
  type SyncConfig,
  syncConfigSchema,
  validateWith,
} from '../../sync/config';
import type { AppApi, AppPreferences, ConnectionSide, FieldIssue, SaveResult } from '../ipc-contract';
import type { Logger } from '../log';
import { applyPolicy, lockedViolations, NO_POLICY } from '../policy';
import { DEFAULT_PREFERENCES, type SettingsDoc, stripSecretFields } from '../settings';
import type { Ctx } from './context';
import type { ControllerDeps } from './deps';
import type { SettingsState } from './handles';

export type { SettingsState } from './handles';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The UI language: the preference, or the system's (Czech for a Czech or Slovak system, else English). */
export function resolveLocale(pref: AppPreferences['language'], system: string): Locale {
  if (pref === 'cs' || pref === 'en') return pref;
  return /^(cs|sk)\b/i.test(system) ? 'cs' : 'en';
}

export async function createSettingsState(deps: ControllerDeps, log: Logger): Promise<SettingsState> {
  const policy = deps.policy ?? NO_POLICY;
  let doc: SettingsDoc = deps.settings.load();
  // Secrets an early build kept in the settings move into the secret store, then leave the settings file.
  if (doc.legacySecrets) {
    for (const [k, v] of Object.entries(doc.legacySecrets))
      if (v && !(await deps.secrets.has(k as SecretName))) await deps.secrets.set(k as SecretName, v);
    delete doc.legacySecrets;
    deps.settings.save(doc);
    log.info('settings: moved secrets found in the settings file into the secure store');
  }

  const preferences = (): AppPreferences =>
    ({
      ...DEFAULT_PREFERENCES,
      ...(applyPolicy('preferences', { ...doc.preferences }, policy) ?? {}),
    }) as AppPreferences;
  const locale = (): Locale => resolveLocale(preferences().language, deps.systemLocale);
  const say = (key: MessageKey, params?: MessageParams): string => tr(locale(), key, params);

  const effective = (): { config: SyncConfig | null; issues: FieldIssue[] } => {
    const merged = applyPolicy('sync', doc.sync, policy);
    if (!merged) return { config: null, issues: [] };
    const r = validateWith(syncConfigSchema, merged, locale());
    return r.ok ? { config: r.data, issues: [] } : { config: null, issues: r.issues };
  };

  const configForTest = (
    side: ConnectionSide,
    input: unknown,
  ): { config: SyncConfig } | { issues: FieldIssue[] } => {
    const obj = isObj(input) ? input : {};
    const merged = applyPolicy('sync', obj, policy) ?? {};
    const abraIn = merged.abra ?? (side === 'abra' ? obj : undefined);
    const exIn = merged.exchange ?? (side === 'exchange' ? obj : undefined);
    const abra = validateWith(abraConnectionSchema, abraIn ?? {}, locale(), 'abra');
    const exchange = validateWith(exchangeConnectionSchema, exIn ?? {}, locale(), 'exchange');
    if (side === 'abra' && !abra.ok) return { issues: abra.issues };
    if (side === 'exchange' && !exchange.ok) return { issues: exchange.issues };
    const base = effective().config;
    const config = syncConfigSchema.parse({
      profile: typeof merged.profile === 'string' && merged.profile ? merged.profile : 'default',
      abra: abra.ok
        ? abra.data
        : (base?.abra ?? { serverUrl: 'http://127.0.0.1:1', connection: 'x', login: 'x' }),
      exchange: exchange.ok ? exchange.data : (base?.exchange ?? { email: 'not-set@example.invalid' }),
    });
    return { config };
  };

  return {
    policy,
    doc: () => doc,
    change(patch) {
      doc = { ...doc, ...patch };
    },
    save: () => deps.settings.save(doc),
    preferences,
    locale,
    say,
    effective,
    savedConfigOrThrow() {
      const { config } = effective();
      if (!config) throw new Error(say('setup.saveConnectionsFirst'));
      return config;
    },
    configForTest,
    checkDraft(draft) {
      if (!isObj(draft)) throw new Error(say('config.mustBeObject'));
      const candidate = stripSecretFields(draft) as Obj;
      const merged = applyPolicy('sync', candidate, policy) ?? candidate;
      const r = validateWith(syncConfigSchema, merged, locale());
      if (!r.ok) throw new Error(r.issues.map((i) => issueText(locale(), i)).join('; '));
      return r.data;
    },
  };
}

/** Save the engine configuration (a stored secret follows a changed server only when the user says so). */
async function saveSync(ctx: Ctx, input: unknown): Promise<SaveResult> {
  const { settings, log } = ctx;
  if (!isObj(input))
    return { ok: false, issues: [{ path: '(root)', message: settings.say('config.mustBeObject') }] };
  const candidate = stripSecretFields(input) as Obj;
  const locked = lockedViolations(
    'sync',
    candidate,
    settings.effective().config,
    settings.policy,
    settings.locale(),
  );
  if (locked.length) return { ok: false, issues: locked };
  const merged = applyPolicy('sync', candidate, settings.policy) ?? candidate;
  const r = validateWith(syncConfigSchema, merged, settings.locale());
  if (!r.ok) return { ok: false, issues: r.issues };
  await ctx.bindings.followServers(r.data);
  settings.change({ sync: r.data as unknown as Obj });
  settings.save();
  log.info(`settings: configuration saved (profile ${r.data.profile})`);
  await ctx.host.applySettings();
  ctx.host.retryProblems();
  return { ok: true, state: await ctx.publishState() };
}

export function settingsCalls(ctx: Ctx): Pick<AppApi, 'saveSync' | 'savePreferences'> {
  const { settings } = ctx;
  return {
    saveSync: (input) => saveSync(ctx, input),

    async savePreferences(prefs): Promise<SaveResult> {
      const locked = lockedViolations(
        'preferences',
        prefs,
        settings.preferences(),
        settings.policy,
        settings.locale(),
      );
      if (locked.length) return { ok: false, issues: locked };
      settings.change({ preferences: { ...prefs } });
      settings.save();
      return { ok: true, state: await ctx.publishState() };
    },
  };
}
