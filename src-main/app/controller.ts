/**
 * The app's brain, Electron-free: implements every {@link AppApi} call with real behaviour over injected
 * dependencies (settings store, secret store, the engine's `connect`, the file system). `main.ts` wires it to IPC and
 * the tray; tests and the renderer's test bridge run it under plain Node.
 *
 * - Settings are validated with the engine's `parseConfig`; an invalid configuration is answered with field issues
 *   and nothing is stored. Locked admin-policy values cannot be changed.
 * - Secrets are write-only: the state only says whether one is stored.
 * - The SyncService exists while a valid configuration is saved and runs its timers only while the secrets it needs
 *   are stored too; it is rebuilt or reconfigured whenever settings or secrets change.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AUTODISCOVER_CONFIRM } from '../exchange/ews/autodiscover';
import type { ExchangeBackend } from '../exchange/types';
import { contains, or } from '../shared/abra-where';
import { SyncError, toSyncError } from '../shared/errors';
import {
  failureNote,
  issueText,
  type Locale,
  type MessageKey,
  type MessageParams,
  type Note,
  noteText,
  tr,
} from '../shared/messages';
import type { ServiceEvent } from '../sync/api';
import {
  abraConnectionSchema,
  exchangeConnectionSchema,
  type PartName,
  type SecretName,
  type SecretSource,
  type SyncConfig,
  syncConfigSchema,
  validateWith,
} from '../sync/config';
import type { AnyPart } from '../sync/part';
import {
  type CheckResult,
  type PreflightClient,
  preflightExchange,
  preflightText,
  runPreflight,
  withExchange,
} from '../sync/preflight';
import {
  type Connections,
  createSyncService,
  type SyncService,
  type SyncServiceOptions,
} from '../sync/service';
import {
  autodiscoverKey,
  type Bindings,
  bindingHost,
  bindingKey,
  bindingKeysFor,
  boundSecrets,
  domainOf,
  isBound,
  originOf,
} from './bindings';
import type {
  AppApi,
  AppEvent,
  AppPreferences,
  AppState,
  ConnectionSide,
  ConnectionTestResult,
  FieldIssue,
  FirmHit,
  MailFolderItem,
  PickerItem,
  SaveResult,
  WhereCheck,
  WritableSecret,
} from './ipc-contract';
import { type Logger, nullLogger, redact } from './log';
import { type NoticePage, NotificationTracker } from './notifications';
import { applyPolicy, lockedViolations, NO_POLICY, type Policy } from './policy';
import { describeSecret, SECRET_NAMES, type SecretStore } from './secrets';
import { DEFAULT_PREFERENCES, type SettingsDoc, type SettingsStore, stripSecretFields } from './settings';
import { createZip, type ZipEntry } from './zip';

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
  /** The engine's wiring: both connections for a configuration (src-main/wiring.ts `connect`). */
  connect: (config: SyncConfig, secrets: SecretSource) => Promise<Connections>;
  /** An ABRA client for pickers and tests (src-main/wiring.ts `abraClientFor`). */
  abraClientFor: (config: SyncConfig, secrets: SecretSource) => AbraApiClient | Promise<AbraApiClient>;
  /** Only the Exchange backend (src-main/wiring.ts `exchangeFor`), so a mailbox can be tested before ABRA is set up. */
  exchangeFor?: (config: SyncConfig, secrets: SecretSource) => Promise<ExchangeBackend>;
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
  /** Ask the window to show a page (a notification was clicked). */
  navigate(page: Extract<AppEvent, { type: 'navigate' }>['page']): void;
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which secrets a configuration needs, and the sentence for each that is missing. */
export function secretNeeds(cfg: SyncConfig): { name: SecretName; missing: MessageKey }[] {
  const out: { name: SecretName; missing: MessageKey }[] = [];
  if (cfg.abra.authMode === 'token') out.push({ name: 'abraToken', missing: 'setup.missing.abraToken' });
  else out.push({ name: 'abraPassword', missing: 'setup.missing.abraPassword' });
  if (cfg.exchange.kind === 'graph' || cfg.exchange.auth === 'oauth')
    out.push({ name: 'graphTokenCache', missing: 'setup.missing.microsoft' });
  else out.push({ name: 'exchangePassword', missing: 'setup.missing.exchangePassword' });
  return out;
}

/** Plain-language explanation of a failed connection test, in the user's language. */
export function explainConnectionError(
  side: ConnectionSide,
  e: unknown,
  cfg: SyncConfig,
  locale: Locale = 'en',
): ConnectionTestResult {
  const err = toSyncError(e);
  const msg = (key: MessageKey, params?: MessageParams): ConnectionTestResult => ({
    ok: false,
    side,
    kind: err.kind,
    message: tr(locale, key, { detail: err.message, ...params }),
  });
  // a configuration error already says what to do, in the user's language when it has a note; the connector's own
  // (English) words only in English, the kind's sentence otherwise
  const ownWords = (): ConnectionTestResult => ({
    ok: false,
    side,
    kind: err.kind,
    message: noteText(locale, err.note ?? (locale === 'en' ? undefined : failureNote(err.kind)), err.message),
  });
  /** The side's "failed: {detail}" in English; in another language the kind's sentence, without English words. */
  const failed = (key: MessageKey): ConnectionTestResult =>
    locale === 'en' || err.note ? (err.note ? ownWords() : msg(key)) : ownWords();
  let host = '';
  try {
    host =
      side === 'abra'
        ? new URL(cfg.abra.serverUrl).host
        : new URL(cfg.exchange.kind === 'graph' ? cfg.exchange.graphUrl : cfg.exchange.ewsUrl || 'https://x')
            .host;
  } catch {
    host = '';
  }
  if (side === 'abra') {
    const { login, connection } = cfg.abra;
    switch (err.kind) {
      case 'unreachable':
      case 'timeout':
      case 'tls':
      case 'malformed':
        return msg(`abra.${err.kind}`, { host });
      case 'auth':
        return msg(cfg.abra.authMode === 'token' ? 'abra.authToken' : 'abra.authPassword', { login });
      case 'forbidden':
        return msg('abra.forbidden', { login });
      case 'notFound':
        return msg('abra.notFound', { connection });
      case 'config':
        return ownWords();
      default:
        return failed('abra.failed');
    }
  }
  const x = cfg.exchange;
  const graph = x.kind === 'graph';
  const oauth = graph || x.auth === 'oauth';
  const inParens = host && x.ewsUrl ? ` (${host})` : '';
  switch (err.kind) {
    case 'unreachable':
      return msg(graph ? 'graph.unreachable' : 'ews.unreachable', { host: graph ? ` (${host})` : inParens });
    case 'timeout':
      return msg(graph ? 'graph.timeout' : 'ews.timeout');
    case 'tls':
      return err.note ? ownWords() : msg(graph ? 'graph.tls' : 'ews.tls');
    case 'auth':
      return msg(oauth ? 'graph.auth' : 'ews.auth', { user: x.user || x.email });
    case 'forbidden':
      return msg(graph ? 'graph.forbidden' : 'ews.forbidden', { email: x.email });
    case 'notFound':
      return msg(graph ? 'graph.notFound' : inParens ? 'ews.notFoundOn' : 'ews.notFound', {
        email: x.email,
        host,
      });
    case 'malformed':
      return msg(graph ? 'graph.malformed' : 'ews.malformed', { host: host || x.ewsUrl });
    case 'config':
      return ownWords();
    default:
      return failed(graph ? 'graph.failed' : 'ews.failed');
  }
}

function resolveLocale(pref: AppPreferences['language'], system: string): 'cs' | 'en' {
  if (pref === 'cs' || pref === 'en') return pref;
  return /^(cs|sk)\b/i.test(system) ? 'cs' : 'en';
}

export async function createController(deps: ControllerDeps): Promise<Controller> {
  const log = deps.log ?? nullLogger;
  const policy = deps.policy ?? NO_POLICY;
  const now = deps.now ?? (() => new Date());
  const makeService = deps.createService ?? createSyncService;
  const listeners = new Set<(e: AppEvent) => void>();
  const tracker = new NotificationTracker();

  let doc: SettingsDoc = deps.settings.load();
  // Secrets an early build kept in the settings move into the secret store, then leave the settings file.
  if (doc.legacySecrets) {
    for (const [k, v] of Object.entries(doc.legacySecrets))
      if (v && !(await deps.secrets.has(k as SecretName))) await deps.secrets.set(k as SecretName, v);
    delete doc.legacySecrets;
    deps.settings.save(doc);
    log.info('settings: moved secrets found in the settings file into the secure store');
  }

  let service: SyncService | null = null;
  let serviceStarted = false;
  let serviceProfile = '';
  let unsubscribe: (() => void) | null = null;
  let disposed = false;
  let lifecycle: Promise<void> = Promise.resolve();
  let startError: { message: string; note?: Note } | null = null;

  const preferences = (): AppPreferences =>
    ({
      ...DEFAULT_PREFERENCES,
      ...(applyPolicy('preferences', { ...doc.preferences }, policy) ?? {}),
    }) as AppPreferences;

  /** The UI language: every sentence main answers the renderer with is in it. */
  const locale = (): Locale => resolveLocale(preferences().language, deps.systemLocale);
  const say = (key: MessageKey, params?: MessageParams): string => tr(locale(), key, params);

  /** The saved configuration with the policy applied, validated; or the problems why not. */
  const effective = (): { config: SyncConfig | null; issues: FieldIssue[] } => {
    const merged = applyPolicy('sync', doc.sync, policy);
    if (!merged) return { config: null, issues: [] };
    const r = validateWith(syncConfigSchema, merged, locale());
    return r.ok ? { config: r.data, issues: [] } : { config: null, issues: r.issues };
  };

  // ---- which server each secret was entered for (./bindings.ts) ----
  const bindings = (): Bindings => doc.bindings ?? {};
  const setBinding = (name: SecretName, keys: string[] | null) => {
    const b = { ...bindings() };
    if (keys === null) delete b[name];
    else b[name] = [...new Set(keys)];
    doc = { ...doc, bindings: b };
  };
  const addBinding = (name: SecretName, key: string) => setBinding(name, [...(bindings()[name] ?? []), key]);
  /**
   * Stored AND entered for where `cfg` would send it. A secret with no binding at all (stored by a version before
   * bindings, or entered before any server was known) is bound on its first use (trust on first use).
   */
  const usable = async (name: SecretName, cfg: SyncConfig): Promise<boolean> => {
    if (!(await deps.secrets.has(name))) return false;
    if (!bindings()[name]?.length) {
      setBinding(name, bindingKeysFor(name, cfg));
      deps.settings.save(doc);
      return true;
    }
    return isBound(bindings(), name, bindingKey(name, cfg));
  };
  const secretLabel = (name: SecretName) => say(`secretName.${name}`);
  const ask = async (message: string): Promise<boolean> => {
    if (!deps.confirm) return false;
    try {
      return await deps.confirm({ message, yes: say('confirm.yes'), no: say('confirm.no') });
    } catch {
      return false;
    }
  };

  const missingSecrets = async (cfg: SyncConfig): Promise<string[]> => {
    const out: string[] = [];
    for (const n of secretNeeds(cfg)) if (!(await usable(n.name, cfg))) out.push(say(n.missing));
    return out;
  };

  const problems = async (): Promise<string[]> => {
    // the engine could not start (another copy holds the state file, an unreadable state file): say so first
    if (startError) return [noteText(locale(), startError.note, startError.message)];
    const { config, issues } = effective();
    if (!config) {
      if (issues.length) return issues.map((i) => issueText(locale(), i));
      return [say('setup.notSetUp')];
    }
    const damaged = service?.recovered;
    return [
      ...(damaged ? [say('state.recovered', { file: damaged.file, kept: damaged.kept })] : []),
      ...(await missingSecrets(config)),
    ];
  };

  const getState = async (): Promise<AppState> => {
    const prefs = preferences();
    const { config } = effective();
    return {
      version: deps.version,
      locale: locale(),
      sync: config,
      preferences: prefs,
      // "stored" = stored for the saved servers; one entered for another server must be entered again
      secrets: {
        abraPassword: config ? await usable('abraPassword', config) : await deps.secrets.has('abraPassword'),
        abraToken: config ? await usable('abraToken', config) : await deps.secrets.has('abraToken'),
        exchangePassword: config
          ? await usable('exchangePassword', config)
          : await deps.secrets.has('exchangePassword'),
        microsoftSignedIn: config
          ? await usable('graphTokenCache', config)
          : await deps.secrets.has('graphTokenCache'),
      },
      policy: { source: policy.source, locked: [...policy.locked], values: structuredClone(policy.values) },
      status: service ? service.status() : null,
      problems: await problems(),
    };
  };

  const emit = (e: AppEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.warn(`event listener failed: ${(err as Error).message}`);
      }
    }
  };
  const emitState = async () => {
    if (listeners.size) emit({ type: 'state', state: await getState() });
  };

  const onServiceEvent = (e: ServiceEvent) => {
    emit({ type: 'service', event: e });
    if (e.type === 'status' || e.type === 'run') {
      const status = e.type === 'status' ? e.status : service?.status();
      if (!status) return;
      const prefs = preferences();
      tracker.setLanguage(locale());
      for (const n of tracker.update(status)) {
        log.warn(`notice: ${n.title} — ${n.body}`);
        if (prefs.notifications) {
          try {
            deps.notify(n.title, n.body, n.page);
          } catch (err) {
            log.warn(`notification failed: ${(err as Error).message}`);
          }
        }
      }
    }
  };

  const stopService = async () => {
    if (!service) return;
    const s = service;
    service = null;
    serviceStarted = false;
    unsubscribe?.();
    unsubscribe = null;
    await s.stop();
  };

  /** Bring the engine in line with the saved settings and stored secrets. Serialised. */
  const reconcile = (): Promise<void> => {
    const step = lifecycle.then(async () => {
      if (disposed) return;
      const { config } = effective();
      if (!config) {
        await stopService();
        return;
      }
      const ready = (await missingSecrets(config)).length === 0;
      const wantStarted = ready && deps.autoStart !== false;
      if (service && (serviceProfile !== config.profile || serviceStarted !== wantStarted))
        await stopService();
      if (!service) {
        service = await makeService({
          config,
          secrets: engineSecrets,
          dataDir: deps.dataDir,
          connect: deps.connect,
          now: deps.now,
          extraParts: deps.extraParts,
          log: (level, msg) => log.log(level, msg),
          approval: deps.approval ?? 'ask',
        });
        serviceProfile = config.profile;
        unsubscribe = service.subscribe(onServiceEvent);
        if (doc.paused) service.pause();
        if (wantStarted) {
          service.start();
          serviceStarted = true;
        }
        log.info(`engine: profile ${config.profile} ${wantStarted ? 'started' : 'ready (not started)'}`);
      } else {
        // Same profile: new settings or secrets take effect on the next run (the connection is rebuilt).
        service.updateConfig(config);
      }
    });
    lifecycle = step.then(
      () => {
        startError = null;
      },
      (e) => {
        const err = toSyncError(e);
        startError = { message: err.message, note: err.note };
        log.error(`engine: ${err.message}`);
      },
    );
    return step;
  };
  const requireService = async (): Promise<SyncService> => {
    await lifecycle;
    if (!service) {
      const p = await problems();
      throw new Error(p[0] ?? say('setup.engineNotRunning'));
    }
    return service;
  };

  /**
   * The user fixed something (secret stored, settings saved, a test passed): the parts that failed run again at once,
   * in the background, so the red state and the banner go as soon as it works — not at the next interval. Only
   * while the engine runs its timers (as shipped). One notification per problem: nothing is re-armed here.
   */
  const retryProblems = (): void => {
    void lifecycle.then(() => {
      if (!service || !serviceStarted || disposed) return;
      service.retryProblems().catch((e) => log.warn(`retry after a fix: ${(e as Error).message}`));
    });
  };

  const requireReady = async (): Promise<SyncService> => {
    const s = await requireService();
    const { config } = effective();
    if (config) {
      const missing = await missingSecrets(config);
      if (missing.length) throw new Error(say('setup.cannotSyncYet', { reasons: missing.join(' ') }));
    }
    return s;
  };

  const savedConfigOrThrow = (): SyncConfig => {
    const { config } = effective();
    if (!config) throw new Error(say('setup.saveConnectionsFirst'));
    return config;
  };

  /** Config for testing one side with unsaved input: that side must be valid; the other may be incomplete. */
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

  const abraClient = async (): Promise<AbraApiClient> =>
    deps.abraClientFor(savedConfigOrThrow(), deps.secrets);

  const picker = (rows: { id: string; code?: string; name?: string }[]): PickerItem[] =>
    rows.map((r) => ({
      id: r.id,
      ...(r.code ? { code: String(r.code) } : {}),
      name: String(r.name ?? r.code ?? r.id),
    }));

  /** Read the log (current and rotated files) for diagnostics, scrubbed once more. */
  const readLogs = async (): Promise<ZipEntry[]> => {
    const known: string[] = [];
    for (const n of ['abraPassword', 'abraToken', 'exchangePassword'] as const) {
      try {
        const v = await deps.secrets.get(n);
        if (v) known.push(v);
      } catch {
        // unreadable secret: nothing to scrub with
      }
    }
    const out: ZipEntry[] = [];
    for (const suffix of ['', '.1', '.2', '.3']) {
      try {
        const text = readFileSync(`${deps.logFile}${suffix}`, 'utf8');
        out.push({ name: `logs/${path.basename(deps.logFile)}${suffix}`, data: redact(text, known) });
      } catch {
        // that file does not exist
      }
    }
    return out;
  };

  /** What the engine may use: only secrets entered for the saved servers. */
  const engineSecrets = boundSecrets(deps.secrets, async (name) => {
    const cfg = effective().config;
    return cfg !== null && usable(name, cfg);
  });

  const testNow = async (side: ConnectionSide, input: unknown): Promise<ConnectionTestResult> => {
    const testSecrets = (cfg: SyncConfig) => boundSecrets(deps.secrets, (name) => usable(name, cfg));
    const notForThisServer = (name: SecretName, cfg: SyncConfig): ConnectionTestResult => ({
      ok: false,
      side,
      kind: 'auth',
      message: say('secrets.notForThisServer', { secret: secretLabel(name), host: bindingHost(name, cfg) }),
    });
    const built = configForTest(side, input);
    if ('issues' in built)
      return {
        ok: false,
        side,
        kind: 'config',
        message: built.issues.map((i) => issueText(locale(), i)).join('; '),
      };
    const cfg = built.config;
    try {
      if (side === 'abra') {
        const need = cfg.abra.authMode === 'token' ? 'abraToken' : 'abraPassword';
        if (!(await deps.secrets.has(need)))
          return { ok: false, side, kind: 'auth', message: say(`setup.enter.${need}`) };
        if (!(await usable(need, cfg))) return notForThisServer(need, cfg);
        const client = await deps.abraClientFor(cfg, testSecrets(cfg));
        const me = await client.currentUser();
        const who = me.name || me.loginname || me.login || cfg.abra.login;
        retryProblems();
        return { ok: true, side, message: say('abra.connected', { who }) };
      }
      const need = secretNeeds(cfg)[1]!;
      if (!(await deps.secrets.has(need.name)))
        return { ok: false, side, kind: 'auth', message: say(need.missing) };
      if (!(await usable(need.name, cfg))) return notForThisServer(need.name, cfg);
      const exchange = deps.exchangeFor
        ? await deps.exchangeFor(cfg, testSecrets(cfg))
        : (await deps.connect(cfg, testSecrets(cfg))).exchange;
      try {
        const info = await exchange.testConnection();
        const version = info.serverVersion ? ` (${info.serverVersion})` : '';
        // Exchange 2007 (#19): the legacy mode and legacy TLS are said, an unsupported 2007 SP1 is not "ok"
        const legacy =
          (info.legacyMode ? say('ews.legacyMode') : '') +
          (info.legacyTls ? say('ews.legacyTlsInUse', { protocol: info.legacyTls }) : '');
        if (info.unsupported) return { ok: false, side, kind: 'config', message: say('ews.exchange2007Sp1') };
        retryProblems();
        return {
          ok: true,
          side,
          message:
            (info.displayName
              ? say('ews.connectedAs', { name: info.displayName, email: info.email, version })
              : say('ews.connected', { email: info.email, version })) + legacy,
        };
      } finally {
        await exchange.close().catch(() => undefined);
      }
    } catch (e) {
      const r = explainConnectionError(side, e, cfg, locale());
      log.warn(`test connection ${side}: ${toSyncError(e).kind}: ${toSyncError(e).message}`);
      return r;
    }
  };

  const api: Controller = {
    getState,

    async saveSync(input) {
      if (!isObj(input))
        return { ok: false, issues: [{ path: '(root)', message: say('config.mustBeObject') }] };
      const candidate = stripSecretFields(input) as Obj;
      const locked = lockedViolations('sync', candidate, effective().config, policy, locale());
      if (locked.length) return { ok: false, issues: locked };
      const merged = applyPolicy('sync', candidate, policy) ?? candidate;
      const r = validateWith(syncConfigSchema, merged, locale());
      if (!r.ok) return { ok: false, issues: r.issues };
      // A stored secret follows a changed server only when the user says so in main's own dialog.
      for (const name of SECRET_NAMES) {
        if (!(await deps.secrets.has(name))) continue;
        const key = bindingKey(name, r.data);
        if (!bindings()[name]?.length) setBinding(name, bindingKeysFor(name, r.data));
        else if (
          !isBound(bindings(), name, key) &&
          secretNeeds(r.data).some((n) => n.name === name) &&
          (await ask(
            say('secrets.confirmNewServer', { secret: secretLabel(name), host: bindingHost(name, r.data) }),
          ))
        ) {
          addBinding(name, key);
          log.info(`secrets: ${describeSecret(name)} confirmed for ${bindingHost(name, r.data)}`);
        }
      }
      doc = { ...doc, sync: r.data as unknown as Obj };
      deps.settings.save(doc);
      log.info(`settings: configuration saved (profile ${r.data.profile})`);
      await reconcile();
      retryProblems();
      const state = await getState();
      emit({ type: 'state', state });
      return { ok: true, state };
    },

    async savePreferences(prefs): Promise<SaveResult> {
      const locked = lockedViolations('preferences', prefs, preferences(), policy, locale());
      if (locked.length) return { ok: false, issues: locked };
      doc = { ...doc, preferences: { ...prefs } };
      deps.settings.save(doc);
      const state = await getState();
      emit({ type: 'state', state });
      return { ok: true, state };
    },

    async setSecret(name: WritableSecret, value, forInput?: unknown) {
      await deps.secrets.set(name, value);
      if (value === null) setBinding(name, null);
      else {
        // bound to the server of the form it was typed in (else the saved one; else the next save)
        const drafted =
          forInput === undefined
            ? null
            : configForTest(name === 'exchangePassword' ? 'exchange' : 'abra', forInput);
        const cfg = drafted && 'config' in drafted ? drafted.config : effective().config;
        setBinding(name, cfg ? bindingKeysFor(name, cfg) : []);
      }
      deps.settings.save(doc);
      log.info(`secrets: ${describeSecret(name)} ${value === null ? 'removed' : 'stored'}`);
      await reconcile();
      if (value !== null) retryProblems();
      const state = await getState();
      emit({ type: 'state', state });
      return state;
    },

    async testConnection(side, input) {
      // bounded: the answer comes within testTimeoutMs whatever the server does (a server that never answers kept
      // "Testing…" for minutes); the request itself ends on its own time-outs in the background, its result dropped
      const ms = deps.testTimeoutMs ?? 15_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<ConnectionTestResult>((resolve) => {
        timer = setTimeout(() => {
          log.warn(`test connection ${side}: no answer within ${ms} ms`);
          const built = configForTest(side, input);
          resolve(
            'issues' in built
              ? {
                  ok: false,
                  side,
                  kind: 'timeout',
                  message: say(side === 'abra' ? 'abra.failed' : 'ews.timeout'),
                }
              : explainConnectionError(
                  side,
                  new SyncError('timeout', `no answer within ${ms} ms`),
                  built.config,
                  locale(),
                ),
          );
        }, ms);
      });
      try {
        return await Promise.race([testNow(side, input), late]);
      } finally {
        clearTimeout(timer);
      }
    },

    async autodiscover(email) {
      if (!exchangeConnectionSchema.shape.email.safeParse(email.trim()).success)
        return { ok: false, message: say('autodiscover.needsEmail') };
      email = email.trim();
      if (!deps.autodiscover) return { ok: false, message: say('autodiscover.unavailable') };
      const exchange = effective().config?.exchange ?? null;
      const oauth = exchange?.auth === 'oauth';
      // The stored sign-in goes only to Autodiscover for the domain it was entered for.
      const secret: SecretName = oauth ? 'graphTokenCache' : 'exchangePassword';
      if (!oauth && (await deps.secrets.has(secret)) && !bindings()[secret]?.length)
        setBinding(secret, [autodiscoverKey(email)]); // first use of a password entered with no server yet
      const forDomain = oauth
        ? !!exchange && domainOf(exchange.email) === domainOf(email)
        : isBound(bindings(), 'exchangePassword', autodiscoverKey(email));
      if ((await deps.secrets.has(secret)) && !forDomain)
        return { ok: false, message: say('autodiscover.passwordForDomain', { email }) };
      try {
        let url = '';
        for (let round = 0; ; round++) {
          try {
            url = await deps.autodiscover(email, exchange, deps.secrets, [...(doc.autodiscoverHosts ?? [])]);
            break;
          } catch (e) {
            const err = toSyncError(e);
            if (err.code !== AUTODISCOVER_CONFIRM || !err.detail) throw e;
            const host = err.detail;
            if (round >= 5 || !(await ask(say('autodiscover.confirmRedirect', { email, host }))))
              return { ok: false, message: say('autodiscover.redirectRefused', { email, host }) };
            doc = { ...doc, autodiscoverHosts: [...(doc.autodiscoverHosts ?? []), host] };
            deps.settings.save(doc);
            log.info(`autodiscover: the user confirmed the redirect to ${host}`);
          }
        }
        // the found URL came from the user's own domain (or a server they confirmed): the sign-in may go there
        const authority = exchange ? originOf(exchange.authorityUrl) : '';
        addBinding(secret, oauth ? `ews ${originOf(url)} via ${authority}` : `ews ${originOf(url)}`);
        deps.settings.save(doc);
        return { ok: true, url, message: say('autodiscover.found', { email, url }) };
      } catch (e) {
        const err = toSyncError(e);
        log.warn(`autodiscover: ${err.kind}: ${err.message}`);
        const key: MessageKey =
          err.kind === 'auth'
            ? 'autodiscover.needsPassword'
            : err.kind === 'tls'
              ? 'autodiscover.tls'
              : err.kind === 'config' || err.kind === 'notFound' || err.kind === 'unreachable'
                ? 'autodiscover.notFound'
                : 'autodiscover.failed';
        return { ok: false, message: say(key, { email, detail: err.message }) };
      }
    },

    async signInMicrosoft(input) {
      const built = configForTest('exchange', input);
      if ('issues' in built)
        return {
          ok: false,
          side: 'exchange',
          kind: 'config',
          message: built.issues.map((i) => issueText(locale(), i)).join('; '),
        };
      if (!deps.signInMicrosoft)
        return { ok: false, side: 'exchange', kind: 'config', message: say('graph.signInUnavailable') };
      try {
        const who = await deps.signInMicrosoft(built.config.exchange, deps.secrets);
        setBinding('graphTokenCache', [bindingKey('graphTokenCache', built.config)]);
        deps.settings.save(doc);
        log.info('secrets: Microsoft 365 sign-in stored');
        await reconcile();
        retryProblems();
        await emitState();
        return {
          ok: true,
          side: 'exchange',
          message: say('graph.signedIn', { who: who.name || who.username || built.config.exchange.email }),
        };
      } catch (e) {
        return explainConnectionError('exchange', e, built.config, locale());
      }
    },

    async signOutMicrosoft() {
      await deps.secrets.set('graphTokenCache', null);
      setBinding('graphTokenCache', null);
      deps.settings.save(doc);
      log.info('secrets: Microsoft 365 sign-in removed');
      await reconcile();
      const state = await getState();
      emit({ type: 'state', state });
      return state;
    },

    async activityTypes() {
      return picker(await (await abraClient()).activityTypes());
    },

    async activityQueues() {
      return picker(await (await abraClient()).activityQueues());
    },

    /** "Check against server": the preflight for the saved settings (fields in ABRA's API description, dry runs). */
    async checkAgainstServer(): Promise<CheckResult> {
      const cfg = savedConfigOrThrow();
      const c = (await abraClient()) as unknown as PreflightClient;
      const abra = await runPreflight(
        c,
        cfg,
        `${cfg.abra.serverUrl.replace(/\/+$/, '')}/${cfg.abra.connection}`,
      );
      // the Exchange side too: its version and the mode spoken to it (#19), in the words of "Test connection"
      const exchange = await preflightExchange(
        async () =>
          deps.exchangeFor
            ? await deps.exchangeFor(cfg, engineSecrets)
            : (await deps.connect(cfg, engineSecrets)).exchange,
        (e) => explainConnectionError('exchange', e, cfg, locale()).message,
      );
      const r = withExchange(abra, exchange);
      return { ...r, lines: preflightText(r, locale()) };
    },

    async solverRoles() {
      const c = await abraClient();
      return picker(c.solverRoles ? await c.solverRoles() : []);
    },

    async divisions() {
      const c = await abraClient();
      return picker(c.divisions ? await c.divisions() : []);
    },

    async emailAccounts() {
      const c = await abraClient();
      return picker(c.emailAccounts ? await c.emailAccounts() : []);
    },

    async mailFolders(): Promise<MailFolderItem[]> {
      const cfg = savedConfigOrThrow();
      const exchange = deps.exchangeFor
        ? await deps.exchangeFor(cfg, deps.secrets)
        : (await deps.connect(cfg, deps.secrets)).exchange;
      try {
        const folders = await exchange.listMailFolders();
        return folders.map((f) => ({ path: f.path ?? f.displayName, displayName: f.displayName }));
      } finally {
        await exchange.close().catch(() => undefined);
      }
    },

    async validateWhere(collection, where): Promise<WhereCheck> {
      const client = await abraClient();
      try {
        const rows = await client.queryAll(collection, { select: ['id'], where: where.trim() || undefined });
        return {
          ok: true,
          count: rows.length,
          message: say(collection === 'firms' ? 'where.validFirms' : 'where.validActivities', {
            count: rows.length,
          }),
        };
      } catch (e) {
        const err = toSyncError(e);
        if (err.kind === 'config' || err.kind === 'validation')
          return { ok: false, message: say('where.rejected', { detail: err.message }) };
        throw new Error(explainConnectionError('abra', err, savedConfigOrThrow(), locale()).message);
      }
    },

    async searchFirms(text): Promise<FirmHit[]> {
      const q = text.replace(/[*'"]/g, '').trim();
      if (q.length < 2) return [];
      const client = await abraClient();
      const where = or(contains('name', q), contains('code', q));
      const firms = await client.list('firms', {
        select: ['id', 'code', 'name'],
        where,
        orderby: 'name',
        take: 20,
      });
      const out: FirmHit[] = [];
      for (const f of firms) {
        let persons: PickerItem[] = [];
        try {
          const rows = await client.listOwned('firms', f.id, 'firmpersons', {
            select: ['id', 'person_id', 'person_id.firstname as firstname', 'person_id.lastname as lastname'],
          });
          persons = rows
            .filter((r) => typeof r.person_id === 'string' && r.person_id)
            .map((r) => ({
              id: String(r.person_id),
              name: [r.firstname, r.lastname].filter(Boolean).join(' ') || String(r.person_id),
            }));
        } catch (e) {
          log.warn(`searchFirms: persons of ${f.id}: ${toSyncError(e).message}`);
        }
        out.push({
          id: f.id,
          name: String(f.name ?? f.code ?? f.id),
          ...(f.code ? { code: String(f.code) } : {}),
          persons,
        });
      }
      return out;
    },

    async status() {
      await lifecycle;
      return service ? service.status() : null;
    },

    async syncNow(part?: PartName) {
      return (await requireReady()).syncNow(part);
    },

    async preview(part?: PartName | null, draft?: unknown) {
      const s = await requireReady();
      if (draft === undefined || draft === null) return s.preview(part ?? undefined);
      // The page's unsaved settings: checked like a save (policy, validation), then previewed without saving.
      if (!isObj(draft)) throw new Error(say('config.mustBeObject'));
      const candidate = stripSecretFields(draft) as Obj;
      const merged = applyPolicy('sync', candidate, policy) ?? candidate;
      const r = validateWith(syncConfigSchema, merged, locale());
      if (!r.ok) throw new Error(r.issues.map((i) => issueText(locale(), i)).join('; '));
      try {
        return await s.preview(part ?? undefined, r.data);
      } catch (e) {
        const err = toSyncError(e);
        throw new Error(noteText(locale(), err.note, err.message));
      }
    },

    async approve(part?: PartName) {
      return (await requireReady()).approve(part);
    },

    async pause() {
      doc = { ...doc, paused: true };
      deps.settings.save(doc);
      await lifecycle;
      service?.pause();
      log.info('engine: paused by the user');
      await emitState();
    },

    async resume() {
      doc = { ...doc, paused: false };
      deps.settings.save(doc);
      await lifecycle;
      service?.resume();
      log.info('engine: resumed by the user');
      await emitState();
    },

    async confirmMassDelete(part) {
      return (await requireReady()).confirmMassDelete(part);
    },

    async keepInsteadOfDelete(part) {
      return (await requireReady()).keepInsteadOfDelete(part);
    },

    async listRuns(limit) {
      await lifecycle;
      return service ? service.listRuns(limit) : [];
    },

    async listFailures(limit) {
      await lifecycle;
      return service ? service.listFailures(limit) : [];
    },

    async listConflicts(limit) {
      await lifecycle;
      return service ? service.listConflicts(limit) : [];
    },

    async flipConflict(id) {
      await (await requireService()).flipConflict(id);
    },

    async listUnassignedMail() {
      await lifecycle;
      return service ? service.listUnassignedMail() : [];
    },

    async ignoreMail(id) {
      (await requireService()).ignoreMail(id);
    },

    async assignMail(id, firmId, personId, applyToAddress) {
      await (await requireReady()).assignMail(id, firmId, personId, applyToAddress);
    },

    async exportDiagnostics() {
      try {
        const at = now();
        const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
        const dir = deps.diagnosticsDir ?? path.join(deps.dataDir, 'diagnostics');
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `abra-sync-diagnostics-${stamp}.zip`);
        await lifecycle;
        const state = await getState();
        const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
        const entries: ZipEntry[] = [
          ...(await readLogs()),
          {
            name: 'about.json',
            data: json({
              version: deps.version,
              exportedAt: at.toISOString(),
              platform: process.platform,
              arch: process.arch,
              node: process.versions.node,
              electron: process.versions.electron ?? null,
              locale: deps.systemLocale,
            }),
          },
          {
            name: 'settings.json',
            data: json(
              stripSecretFields({
                sync: state.sync,
                preferences: state.preferences,
                policy: state.policy,
                // names only (as values, so the secret-key filter keeps them)
                stored: Object.entries(state.secrets)
                  .filter(([, v]) => v)
                  .map(([k]) => k),
                problems: state.problems,
              }),
            ),
          },
          { name: 'status.json', data: json(state.status) },
          { name: 'runs.json', data: json(service ? service.listRuns(200) : []) },
          { name: 'failures.json', data: json(service ? service.listFailures(500) : []) },
          { name: 'conflicts.json', data: json(service ? service.listConflicts(200) : []) },
        ];
        writeFileSync(file, createZip(entries.map((e) => ({ ...e, date: at }))));
        log.info(`diagnostics exported to ${file}`);
        return { ok: true, path: file, message: say('diagnostics.saved', { file }) };
      } catch (e) {
        return { ok: false, message: say('diagnostics.failed', { detail: (e as Error).message }) };
      }
    },

    async openLog() {
      await deps.openPath(deps.logFile);
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async dispose() {
      disposed = true;
      await lifecycle.catch(() => undefined);
      await stopService();
      listeners.clear();
    },

    service: () => service,
    config: () => effective().config,
    preferences,
    navigate: (page) => emit({ type: 'navigate', page }),
  };

  // Secrets stored before bindings existed: bound to the servers saved now (the ones they were entered for).
  const saved = effective().config;
  if (saved) {
    let changed = false;
    for (const name of SECRET_NAMES)
      if (!doc.bindings?.[name] && (await deps.secrets.has(name))) {
        setBinding(name, bindingKeysFor(name, saved));
        changed = true;
      }
    if (changed) deps.settings.save(doc);
  }

  await reconcile().catch((e) => log.error(`engine could not start: ${(e as Error).message}`));
  return api;
}
