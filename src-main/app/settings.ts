/**
 * The app's saved settings: the engine configuration (as last saved, validated) and the app preferences, in one
 * versioned document. Two stores share the {@link SettingsStore} interface: electron-store in the app (./electron/), a plain JSON
 * file in tests and the renderer test bridge. Secrets are never part of the document (see ./secrets.ts); a migration
 * moves any that an early build left in it out into `legacySecrets`, which the controller hands to the SecretStore and
 * drops.
 *
 * No Electron here: the electron-store adapter is ./electron/settings-store.ts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretName } from '../sync/config';
import { type AppPreferences, LANGUAGES } from './ipc-contract';

export const SETTINGS_SCHEMA_VERSION = 2;

export interface SettingsDoc {
  schemaVersion: number;
  /** The saved engine configuration (parsed, defaults filled), or null before the first valid save. */
  sync: Record<string, unknown> | null;
  preferences: AppPreferences;
  /** The user paused syncing (survives a restart). */
  paused: boolean;
  /** Only between a migration and the controller moving them into the SecretStore; never written back. */
  legacySecrets?: Partial<Record<SecretName, string>>;
  /** Which server each stored secret was entered for (./bindings.ts); names and URLs only, never a value. */
  bindings?: Partial<Record<SecretName, string[]>>;
  /** Hosts the user confirmed for an Autodiscover redirect (they may receive the Exchange sign-in). */
  autodiscoverHosts?: string[];
}

const stringList = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 100) : undefined;

export const DEFAULT_PREFERENCES: AppPreferences = {
  startAtLogin: true,
  language: 'auto',
  notifications: true,
};

export interface SettingsStore {
  /** The document, migrated to the current schema version, defaults filled. */
  load(): SettingsDoc;
  save(doc: SettingsDoc): void;
  /** Where the settings live (shown in diagnostics, used by e2e tests). */
  readonly location: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Migrations on plain objects, `from` version → `from + 1`. Version 0 is the unversioned layout of the first
 * previews, which kept the engine configuration at the top level next to `startAtLogin`.
 */
export const MIGRATIONS: Record<number, (doc: Obj) => Obj> = {
  0: (doc) => {
    const { abra, exchange, parts, safety, profile, startAtLogin, ...rest } = doc;
    const sync = abra || exchange || parts ? { profile, abra, exchange, parts, safety } : null;
    if (sync)
      for (const k of Object.keys(sync))
        if (sync[k as keyof typeof sync] === undefined) delete sync[k as keyof typeof sync];
    return {
      ...rest,
      schemaVersion: 1,
      sync,
      preferences: {
        ...(isObj(rest.preferences) ? rest.preferences : {}),
        startAtLogin: startAtLogin === true,
      },
    };
  },
  1: (doc) => {
    // v2: `preferences.lang` became `language`; pause survives restarts; secrets never live in the settings.
    const prefs = isObj(doc.preferences) ? { ...doc.preferences } : {};
    if ('lang' in prefs) {
      if (prefs.language === undefined) prefs.language = prefs.lang;
      delete prefs.lang;
    }
    const legacySecrets: Partial<Record<SecretName, string>> = {};
    let sync = isObj(doc.sync) ? structuredClone(doc.sync) : null;
    if (sync) {
      const abra = isObj(sync.abra) ? sync.abra : null;
      const exchange = isObj(sync.exchange) ? sync.exchange : null;
      if (abra && typeof abra.password === 'string' && abra.password)
        legacySecrets.abraPassword = abra.password;
      if (abra && typeof abra.token === 'string' && abra.token) legacySecrets.abraToken = abra.token;
      if (exchange && typeof exchange.password === 'string' && exchange.password)
        legacySecrets.exchangePassword = exchange.password;
      sync = stripSecretFields(sync) as Obj;
    }
    const out: Obj = { ...doc, schemaVersion: 2, preferences: prefs, sync, paused: doc.paused === true };
    if (Object.keys(legacySecrets).length) out.legacySecrets = legacySecrets;
    return out;
  },
};

/** Keys that hold (or may hold) a secret: removed from settings and diagnostics. */
export const SECRET_KEY =
  /pass(word)?$|passwd|token|secret|authorization|cookie|credential|apikey|tokencache/i;

/** Deep copy without any secret-like field. */
export function stripSecretFields(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripSecretFields);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (!SECRET_KEY.test(k)) out[k] = stripSecretFields(x);
    return out;
  }
  return v;
}

/** Bring any stored document (any version, or nothing) to the current schema. Pure; throws on a future version. */
export function migrateSettings(input: unknown): SettingsDoc {
  let doc: Obj = isObj(input) ? structuredClone(input) : {};
  let version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0;
  if (version > SETTINGS_SCHEMA_VERSION)
    throw new Error(
      `the settings were saved by a newer version of the app (schema ${version}, this version knows ${SETTINGS_SCHEMA_VERSION}); update the app`,
    );
  while (version < SETTINGS_SCHEMA_VERSION) {
    const m = MIGRATIONS[version];
    if (!m) throw new Error(`no settings migration from schema ${version}`);
    doc = m(doc);
    version = doc.schemaVersion as number;
  }
  return normalise(doc);
}

function normalise(doc: Obj): SettingsDoc {
  const p = isObj(doc.preferences) ? doc.preferences : {};
  const preferences: AppPreferences = {
    startAtLogin: typeof p.startAtLogin === 'boolean' ? p.startAtLogin : DEFAULT_PREFERENCES.startAtLogin,
    language: (LANGUAGES as readonly unknown[]).includes(p.language)
      ? (p.language as AppPreferences['language'])
      : DEFAULT_PREFERENCES.language,
    notifications: typeof p.notifications === 'boolean' ? p.notifications : DEFAULT_PREFERENCES.notifications,
  };
  const out: SettingsDoc = {
    schemaVersion: SETTINGS_SCHEMA_VERSION,
    sync: isObj(doc.sync) ? (stripSecretFields(doc.sync) as Obj) : null,
    preferences,
    paused: doc.paused === true,
  };
  if (isObj(doc.legacySecrets)) out.legacySecrets = doc.legacySecrets as SettingsDoc['legacySecrets'];
  if (isObj(doc.bindings)) {
    const b: Partial<Record<SecretName, string[]>> = {};
    for (const [k, v] of Object.entries(doc.bindings)) {
      const list = stringList(v);
      if (list && ['abraPassword', 'abraToken', 'exchangePassword', 'graphTokenCache'].includes(k))
        b[k as SecretName] = list;
    }
    out.bindings = b;
  }
  const hosts = stringList(doc.autodiscoverHosts);
  if (hosts) out.autodiscoverHosts = hosts;
  return out;
}

/** What is written: never the legacy secrets, never a secret-like field. */
export function toStored(doc: SettingsDoc): Obj {
  return {
    schemaVersion: SETTINGS_SCHEMA_VERSION,
    sync: doc.sync ? stripSecretFields(doc.sync) : null,
    preferences: { ...doc.preferences },
    paused: doc.paused,
    // names and URLs only (the keys are secret *names*, so they must not go through stripSecretFields)
    ...(doc.bindings ? { bindings: structuredClone(doc.bindings) } : {}),
    ...(doc.autodiscoverHosts ? { autodiscoverHosts: [...doc.autodiscoverHosts] } : {}),
  };
}

/** Plain JSON file (atomic replace, mode 600). For tests, the renderer test bridge and the CLI. */
export class FileSettingsStore implements SettingsStore {
  constructor(readonly location: string) {}

  load(): SettingsDoc {
    if (!existsSync(this.location)) return migrateSettings({ schemaVersion: SETTINGS_SCHEMA_VERSION });
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.location, 'utf8'));
    } catch (e) {
      throw new Error(`the settings file ${this.location} is not valid JSON: ${(e as Error).message}`);
    }
    return migrateSettings(raw);
  }

  save(doc: SettingsDoc): void {
    mkdirSync(path.dirname(this.location), { recursive: true });
    const tmp = `${this.location}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(toStored(doc), null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.location);
    try {
      chmodSync(this.location, 0o600);
    } catch {
      // not supported on every file system
    }
  }
}

/** In memory (unit tests). */
export class MemorySettingsStore implements SettingsStore {
  readonly location = ':memory:';
  constructor(private raw: unknown = {}) {}
  load(): SettingsDoc {
    return migrateSettings(this.raw);
  }
  save(doc: SettingsDoc): void {
    this.raw = structuredClone(toStored(doc));
  }
  /** What a store file would contain (tests). */
  dump(): unknown {
    return structuredClone(this.raw);
  }
}
