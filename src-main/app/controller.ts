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
import type { ExchangeBackend } from '../exchange/types';
import { toSyncError } from '../shared/errors';
import type { ServiceEvent } from '../sync/api';
import {
  abraConnectionSchema,
  exchangeConnectionSchema,
  type PartName,
  type SecretName,
  type SecretSource,
  type SyncConfig,
  syncConfigSchema,
} from '../sync/config';
import type { AnyPart } from '../sync/part';
import {
  type Connections,
  createSyncService,
  type SyncService,
  type SyncServiceOptions,
} from '../sync/service';
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
import { NotificationTracker } from './notifications';
import { applyPolicy, lockedViolations, NO_POLICY, type Policy } from './policy';
import { describeSecret, type SecretStore } from './secrets';
import { DEFAULT_PREFERENCES, type SettingsDoc, type SettingsStore, stripSecretFields } from './settings';
import { createZip, type ZipEntry } from './zip';

/** The ABRA client calls the controller needs (AbraClient from src-main/abra meets it). */
export interface AbraApiClient {
  currentUser(): Promise<{ id: string; name?: string; login?: string; loginname?: string }>;
  activityTypes(): Promise<{ id: string; code?: string; name?: string }[]>;
  activityQueues(): Promise<{ id: string; code?: string; name?: string }[]>;
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
  ) => Promise<string>;
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
  notify: (title: string, body: string) => void;
  openPath: (p: string) => Promise<unknown>;
  now?: () => Date;
  policy?: Policy;
  log?: Logger;
  /** Start the service's timers when ready (default true; the test bridge may turn it off). */
  autoStart?: boolean;
  /** Extra engine parts (tests). */
  extraParts?: AnyPart[];
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
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function zodIssues(e: { issues: { path: PropertyKey[]; message: string }[] }, prefix = ''): FieldIssue[] {
  return e.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: i.message,
  }));
}

/** Which secrets a configuration needs, and a sentence for each that is missing. */
export function secretNeeds(cfg: SyncConfig): { name: SecretName; missing: string }[] {
  const out: { name: SecretName; missing: string }[] = [];
  if (cfg.abra.authMode === 'token')
    out.push({ name: 'abraToken', missing: 'The ABRA user token is not stored yet (Connections → ABRA).' });
  else
    out.push({ name: 'abraPassword', missing: 'The ABRA password is not stored yet (Connections → ABRA).' });
  if (cfg.exchange.kind === 'graph' || cfg.exchange.auth === 'oauth')
    out.push({
      name: 'graphTokenCache',
      missing: 'Sign in to Microsoft 365 first (Connections → Exchange).',
    });
  else
    out.push({
      name: 'exchangePassword',
      missing: 'The Exchange password is not stored yet (Connections → Exchange).',
    });
  return out;
}

/** Plain-language explanation of a failed connection test. */
export function explainConnectionError(
  side: ConnectionSide,
  e: unknown,
  cfg: SyncConfig,
): ConnectionTestResult {
  const err = toSyncError(e);
  const msg = (m: string): ConnectionTestResult => ({ ok: false, side, kind: err.kind, message: m });
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
    switch (err.kind) {
      case 'unreachable':
        return msg(
          `Cannot reach the ABRA server ${host}. Check the server address and port, and that this computer is on the company network or VPN.`,
        );
      case 'timeout':
        return msg(`The ABRA server ${host} did not answer in time. Try again later or check the address.`);
      case 'tls':
        return msg(
          `The ABRA server's TLS certificate is not trusted (${err.message}). Ask your administrator for the company CA certificate or the server certificate's fingerprint and enter it under Advanced.`,
        );
      case 'auth':
        return msg(
          cfg.abra.authMode === 'token'
            ? `ABRA rejected the login "${cfg.abra.login}" with the stored user token. Check the login and enter the token again.`
            : `ABRA rejected the login "${cfg.abra.login}" or the password. Check both and enter the password again.`,
        );
      case 'forbidden':
        return msg(
          `The ABRA user "${cfg.abra.login}" has no right to use the ABRA Gen Web API. Ask your ABRA administrator to grant it.`,
        );
      case 'notFound':
        return msg(
          `The ABRA server has no Web API connection named "${cfg.abra.connection}". Check the connection name (ask your ABRA administrator).`,
        );
      case 'malformed':
        return msg(
          `The server at ${host} does not answer like the ABRA Gen Web API (perhaps a wrong port or a proxy page).`,
        );
      case 'config':
        return msg(err.message);
      default:
        return msg(`Connecting to ABRA failed: ${err.message}`);
    }
  }
  const what = cfg.exchange.kind === 'graph' ? 'Microsoft 365' : 'the Exchange server';
  switch (err.kind) {
    case 'unreachable':
      return msg(
        `Cannot reach ${what}${host ? ` (${host})` : ''}. Check the EWS address and that this computer is on the company network or VPN.`,
      );
    case 'timeout':
      return msg(`${cap(what)} did not answer in time. Try again later.`);
    case 'tls':
      return msg(
        `The TLS certificate of ${what} is not trusted (${err.message}). Ask your administrator for the company CA certificate.`,
      );
    case 'auth':
      return msg(
        cfg.exchange.kind === 'graph' || cfg.exchange.auth === 'oauth'
          ? 'The Microsoft 365 sign-in has expired or was revoked. Sign in again.'
          : `${cap(what)} rejected the user name or password for ${cfg.exchange.user || cfg.exchange.email}. Check both and enter the password again.`,
      );
    case 'forbidden':
      return msg(
        cfg.exchange.kind === 'graph'
          ? 'Signed in, but the app may not access this mailbox (missing consent or permissions). Ask your Microsoft 365 administrator.'
          : `Signed in, but access to the mailbox ${cfg.exchange.email} through EWS is not allowed. Ask your Exchange administrator to enable EWS for it.`,
      );
    case 'notFound':
      return msg(
        `The mailbox ${cfg.exchange.email} was not found${host ? ` on ${host}` : ''}. Check the e-mail address and the EWS address.`,
      );
    case 'malformed':
      return msg(
        `The address ${host || 'given'} does not answer like Exchange Web Services. Check the EWS URL.`,
      );
    case 'config':
      return msg(err.message);
    default:
      return msg(`Connecting to ${what} failed: ${err.message}`);
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
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

  const preferences = (): AppPreferences =>
    ({
      ...DEFAULT_PREFERENCES,
      ...(applyPolicy('preferences', { ...doc.preferences }, policy) ?? {}),
    }) as AppPreferences;

  /** The saved configuration with the policy applied, validated; or the problems why not. */
  const effective = (): { config: SyncConfig | null; issues: FieldIssue[] } => {
    const merged = applyPolicy('sync', doc.sync, policy);
    if (!merged) return { config: null, issues: [] };
    const r = syncConfigSchema.safeParse(merged);
    return r.success ? { config: r.data, issues: [] } : { config: null, issues: zodIssues(r.error) };
  };

  const missingSecrets = async (cfg: SyncConfig): Promise<string[]> => {
    const out: string[] = [];
    for (const n of secretNeeds(cfg)) if (!(await deps.secrets.has(n.name))) out.push(n.missing);
    return out;
  };

  const problems = async (): Promise<string[]> => {
    const { config, issues } = effective();
    if (!config) {
      if (issues.length) return issues.map((i) => `${i.path}: ${i.message}`);
      return [
        'The connections are not set up yet: enter your ABRA Gen server and your mailbox (Connections).',
      ];
    }
    return missingSecrets(config);
  };

  const getState = async (): Promise<AppState> => {
    const prefs = preferences();
    const { config } = effective();
    return {
      version: deps.version,
      locale: resolveLocale(prefs.language, deps.systemLocale),
      sync: config,
      preferences: prefs,
      secrets: {
        abraPassword: await deps.secrets.has('abraPassword'),
        abraToken: await deps.secrets.has('abraToken'),
        exchangePassword: await deps.secrets.has('exchangePassword'),
        microsoftSignedIn: await deps.secrets.has('graphTokenCache'),
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
      tracker.setLanguage(resolveLocale(prefs.language, deps.systemLocale));
      for (const n of tracker.update(status)) {
        log.warn(`notice: ${n.title} — ${n.body}`);
        if (prefs.notifications) {
          try {
            deps.notify(n.title, n.body);
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
          secrets: deps.secrets,
          dataDir: deps.dataDir,
          connect: deps.connect,
          now: deps.now,
          extraParts: deps.extraParts,
          log: (level, msg) => log.log(level, msg),
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
    lifecycle = step.catch((e) => log.error(`engine: ${(e as Error).message}`));
    return step;
  };
  const requireService = async (): Promise<SyncService> => {
    await lifecycle;
    if (!service) {
      const p = await problems();
      throw new Error(p[0] ?? 'The sync engine is not running.');
    }
    return service;
  };

  const requireReady = async (): Promise<SyncService> => {
    const s = await requireService();
    const { config } = effective();
    if (config) {
      const missing = await missingSecrets(config);
      if (missing.length) throw new Error(`Cannot sync yet: ${missing.join(' ')}`);
    }
    return s;
  };

  const savedConfigOrThrow = (): SyncConfig => {
    const { config } = effective();
    if (!config) throw new Error('Save the connection settings first (Connections).');
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
    const abra = abraConnectionSchema.safeParse(abraIn ?? {});
    const exchange = exchangeConnectionSchema.safeParse(exIn ?? {});
    if (side === 'abra' && !abra.success) return { issues: zodIssues(abra.error, 'abra') };
    if (side === 'exchange' && !exchange.success) return { issues: zodIssues(exchange.error, 'exchange') };
    const base = effective().config;
    const config = syncConfigSchema.parse({
      profile: typeof merged.profile === 'string' && merged.profile ? merged.profile : 'default',
      abra: abra.success
        ? abra.data
        : (base?.abra ?? { serverUrl: 'http://127.0.0.1:1', connection: 'x', login: 'x' }),
      exchange: exchange.success ? exchange.data : (base?.exchange ?? { email: 'not-set@example.invalid' }),
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

  const api: Controller = {
    getState,

    async saveSync(input) {
      if (!isObj(input)) return { ok: false, issues: [{ path: '(root)', message: 'must be an object' }] };
      const candidate = stripSecretFields(input) as Obj;
      const locked = lockedViolations('sync', candidate, effective().config, policy);
      if (locked.length) return { ok: false, issues: locked };
      const merged = applyPolicy('sync', candidate, policy) ?? candidate;
      const r = syncConfigSchema.safeParse(merged);
      if (!r.success) return { ok: false, issues: zodIssues(r.error) };
      doc = { ...doc, sync: r.data as unknown as Obj };
      deps.settings.save(doc);
      log.info(`settings: configuration saved (profile ${r.data.profile})`);
      tracker.reset();
      await reconcile();
      const state = await getState();
      emit({ type: 'state', state });
      return { ok: true, state };
    },

    async savePreferences(prefs): Promise<SaveResult> {
      const locked = lockedViolations('preferences', prefs, preferences(), policy);
      if (locked.length) return { ok: false, issues: locked };
      doc = { ...doc, preferences: { ...prefs } };
      deps.settings.save(doc);
      const state = await getState();
      emit({ type: 'state', state });
      return { ok: true, state };
    },

    async setSecret(name: WritableSecret, value) {
      await deps.secrets.set(name, value);
      log.info(`secrets: ${describeSecret(name)} ${value === null ? 'removed' : 'stored'}`);
      tracker.reset();
      await reconcile();
      const state = await getState();
      emit({ type: 'state', state });
      return state;
    },

    async testConnection(side, input) {
      const built = configForTest(side, input);
      if ('issues' in built)
        return {
          ok: false,
          side,
          kind: 'config',
          message: built.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        };
      const cfg = built.config;
      try {
        if (side === 'abra') {
          const need = cfg.abra.authMode === 'token' ? 'abraToken' : 'abraPassword';
          if (!(await deps.secrets.has(need)))
            return { ok: false, side, kind: 'auth', message: `Enter the ${describeSecret(need)} first.` };
          const client = await deps.abraClientFor(cfg, deps.secrets);
          const me = await client.currentUser();
          const who = me.name || me.loginname || me.login || cfg.abra.login;
          return { ok: true, side, message: `Connected to ABRA Gen as ${who}.` };
        }
        const need = secretNeeds(cfg)[1]!;
        if (!(await deps.secrets.has(need.name)))
          return { ok: false, side, kind: 'auth', message: need.missing };
        const exchange = deps.exchangeFor
          ? await deps.exchangeFor(cfg, deps.secrets)
          : (await deps.connect(cfg, deps.secrets)).exchange;
        try {
          const info = await exchange.testConnection();
          const version = info.serverVersion ? ` (${info.serverVersion})` : '';
          return {
            ok: true,
            side,
            message: `Connected to the mailbox ${info.displayName ? `of ${info.displayName} ` : ''}<${info.email}>${version}.`,
          };
        } finally {
          await exchange.close().catch(() => undefined);
        }
      } catch (e) {
        const r = explainConnectionError(side, e, cfg);
        log.warn(`test connection ${side}: ${toSyncError(e).kind}: ${toSyncError(e).message}`);
        return r;
      }
    },

    async autodiscover(email) {
      if (!deps.autodiscover)
        return {
          ok: false,
          message:
            'Autodiscover is not available in this version; enter the EWS address (usually https://mail.<your company>/EWS/Exchange.asmx).',
        };
      try {
        const url = await deps.autodiscover(email, effective().config?.exchange ?? null, deps.secrets);
        return { ok: true, url, message: `Found the EWS address for ${email}: ${url}` };
      } catch (e) {
        const err = toSyncError(e);
        log.warn(`autodiscover: ${err.kind}: ${err.message}`);
        let message: string;
        if (err.kind === 'auth')
          message = `Autodiscover needs your Exchange password: store the correct password for ${email}, then try again.`;
        else if (err.kind === 'tls')
          message = `Autodiscover reached a server whose TLS certificate is not trusted (${err.message}). Ask your administrator for the CA certificate, or enter the EWS address by hand.`;
        else if (err.kind === 'config' || err.kind === 'notFound' || err.kind === 'unreachable')
          message = `Autodiscover found no Exchange server for ${email}. Enter the EWS address by hand (usually https://mail.<your company>/EWS/Exchange.asmx).`;
        else message = `Autodiscover failed: ${err.message}`;
        return { ok: false, message };
      }
    },

    async signInMicrosoft(input) {
      const built = configForTest('exchange', input);
      if ('issues' in built)
        return {
          ok: false,
          side: 'exchange',
          kind: 'config',
          message: built.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        };
      if (!deps.signInMicrosoft)
        return {
          ok: false,
          side: 'exchange',
          kind: 'config',
          message: 'Microsoft 365 sign-in is not available in this version.',
        };
      try {
        const who = await deps.signInMicrosoft(built.config.exchange, deps.secrets);
        log.info('secrets: Microsoft 365 sign-in stored');
        await reconcile();
        await emitState();
        return {
          ok: true,
          side: 'exchange',
          message: `Signed in to Microsoft 365 as ${who.name || who.username || built.config.exchange.email}.`,
        };
      } catch (e) {
        return explainConnectionError('exchange', e, built.config);
      }
    },

    async signOutMicrosoft() {
      await deps.secrets.set('graphTokenCache', null);
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
          message: `The expression is valid; it matches ${rows.length} ${collection === 'firms' ? 'firms' : 'activities'}.`,
        };
      } catch (e) {
        const err = toSyncError(e);
        if (err.kind === 'config' || err.kind === 'validation')
          return { ok: false, message: `ABRA does not accept the expression: ${err.message}` };
        throw new Error(explainConnectionError('abra', err, savedConfigOrThrow()).message);
      }
    },

    async searchFirms(text): Promise<FirmHit[]> {
      const q = text.replace(/[*'"]/g, '').trim();
      if (q.length < 2) return [];
      const client = await abraClient();
      const where = `(name like '*${q}*') or (code like '*${q}*')`;
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

    async preview(part?: PartName) {
      return (await requireReady()).preview(part);
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
        return { ok: true, path: file, message: `Diagnostics saved to ${file}` };
      } catch (e) {
        return { ok: false, message: `Could not export diagnostics: ${(e as Error).message}` };
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
  };

  await reconcile().catch((e) => log.error(`engine could not start: ${(e as Error).message}`));
  return api;
}
