import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createController } from '../../src-main/app/controller';
import { MemorySecretStore } from '../../src-main/app/secrets';
import {
  FileSettingsStore,
  MemorySettingsStore,
  MIGRATIONS,
  migrateSettings,
  SETTINGS_SCHEMA_VERSION,
  stripSecretFields,
} from '../../src-main/app/settings';

const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const v0 = {
  abra: { serverUrl: 'https://abra.firma.cz:8443', connection: 'data', login: 'jan', password: 'Heslo123!' },
  exchange: { email: 'jan@firma.cz', password: 'MailHeslo' },
  parts: { addressBook: { enabled: true } },
  startAtLogin: true,
};

describe('settings migrations', () => {
  it('v0 (configuration at the top level) → v1 moves it under sync and keeps startAtLogin', () => {
    const v1 = MIGRATIONS[0]!(structuredClone(v0));
    expect(v1).toMatchObject({
      schemaVersion: 1,
      sync: {
        abra: { login: 'jan' },
        exchange: { email: 'jan@firma.cz' },
        parts: { addressBook: { enabled: true } },
      },
      preferences: { startAtLogin: true },
    });
    expect(v1).not.toHaveProperty('abra');
    expect(MIGRATIONS[0]!({})).toMatchObject({ schemaVersion: 1, sync: null });
  });

  it('v1 → v2 renames lang, adds paused and takes the secrets out of the settings', () => {
    const v2 = MIGRATIONS[1]!({
      schemaVersion: 1,
      sync: {
        abra: { login: 'jan', password: 'Heslo123!', token: 'tok-1' },
        exchange: { password: 'MailHeslo' },
      },
      preferences: { lang: 'cs' },
    });
    expect(v2).toMatchObject({ schemaVersion: 2, paused: false, preferences: { language: 'cs' } });
    expect(v2.preferences).not.toHaveProperty('lang');
    expect(v2.legacySecrets).toEqual({
      abraPassword: 'Heslo123!',
      abraToken: 'tok-1',
      exchangePassword: 'MailHeslo',
    });
    expect(JSON.stringify(v2.sync)).not.toMatch(/Heslo|tok-1/);
  });

  it('migrateSettings runs the chain, fills defaults and refuses a newer schema', () => {
    const doc = migrateSettings(structuredClone(v0));
    expect(doc.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(doc.preferences).toEqual({ startAtLogin: true, language: 'auto', notifications: true });
    expect(doc.legacySecrets).toEqual({ abraPassword: 'Heslo123!', exchangePassword: 'MailHeslo' });
    expect(migrateSettings(undefined)).toEqual({
      schemaVersion: SETTINGS_SCHEMA_VERSION,
      sync: null,
      preferences: { startAtLogin: false, language: 'auto', notifications: true },
      paused: false,
    });
    expect(() => migrateSettings({ schemaVersion: 99 })).toThrow(/newer version of the app/);
    expect(migrateSettings({ schemaVersion: 2, preferences: { language: 'de' } }).preferences.language).toBe(
      'auto',
    );
  });

  it('stripSecretFields removes secret-like keys at any depth', () => {
    expect(
      stripSecretFields({
        a: { password: 'x', login: 'y', list: [{ accessToken: 't', n: 1 }] },
        clientSecret: 's',
      }),
    ).toEqual({ a: { login: 'y', list: [{ n: 1 }] } });
  });
});

describe('file settings store', () => {
  it('writes atomically with mode 600, never a secret, and reads back migrated', () => {
    const file = path.join(dir, 'a', 'settings.json');
    const s = new FileSettingsStore(file);
    const doc = s.load();
    expect(doc.sync).toBeNull();
    s.save({
      ...doc,
      sync: { abra: { login: 'jan', password: 'nope' } },
      legacySecrets: { abraPassword: 'p' },
    });
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain('nope');
    expect(raw).not.toContain('legacySecrets');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(s.load().sync).toEqual({ abra: { login: 'jan' } });
  });

  it('reports a damaged file clearly', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ not json');
    expect(() => new FileSettingsStore(file).load()).toThrow(/is not valid JSON/);
  });

  it('the controller moves legacy secrets into the secret store and out of the file', async () => {
    const file = path.join(dir, 'legacy', 'settings.json');
    const store = new FileSettingsStore(file);
    mkdirp(path.dirname(file));
    writeFileSync(file, JSON.stringify(v0));
    const secrets = new MemorySecretStore();
    const c = await createController({
      settings: store,
      secrets,
      connect: async () => {
        throw new Error('not used');
      },
      abraClientFor: () => {
        throw new Error('not used');
      },
      dataDir: path.join(dir, 'legacy', 'state'),
      logFile: path.join(dir, 'legacy', 'app.log'),
      version: 't',
      systemLocale: 'en',
      notify: () => undefined,
      openPath: async () => undefined,
      autoStart: false,
    });
    expect(await secrets.get('abraPassword')).toBe('Heslo123!');
    expect(await secrets.get('exchangePassword')).toBe('MailHeslo');
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toMatch(/Heslo/);
    expect(JSON.parse(raw).schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    const st = await c.getState();
    expect(st.sync?.abra.login).toBe('jan');
    expect(st.secrets.abraPassword).toBe(true);
    await c.dispose();
  });

  it('memory store keeps what a file would contain', () => {
    const m = new MemorySettingsStore({ schemaVersion: 2, paused: true });
    expect(m.load().paused).toBe(true);
    m.save({ ...m.load(), paused: false });
    expect(m.dump()).toMatchObject({ paused: false, schemaVersion: 2 });
  });
});

function mkdirp(p: string) {
  mkdirSync(p, { recursive: true });
}

describe('start at login (issue #18 item 4)', () => {
  it('is on for a new installation, stays as the user chose it, and an admin policy can lock it', async () => {
    const fresh = new FileSettingsStore(path.join(dir, 'autostart', 'settings.json'));
    expect(fresh.load().preferences.startAtLogin).toBe(true);
    const chosen = new MemorySettingsStore();
    chosen.save({ ...chosen.load(), preferences: { ...chosen.load().preferences, startAtLogin: false } });
    expect(chosen.load().preferences.startAtLogin).toBe(false);

    const { parsePolicy } = await import('../../src-main/app/policy');
    const policy = parsePolicy(
      { preferences: { startAtLogin: true }, locked: ['preferences.startAtLogin'] },
      'test policy',
    );
    const c = await createController({
      settings: chosen,
      secrets: new MemorySecretStore(),
      connect: async () => {
        throw new Error('not used');
      },
      abraClientFor: () => {
        throw new Error('not used');
      },
      dataDir: path.join(dir, 'autostart-state'),
      logFile: path.join(dir, 'autostart.log'),
      version: '0',
      systemLocale: 'cs-CZ',
      notify: () => undefined,
      openPath: async () => '',
      policy,
    });
    try {
      // the locked value wins over the user's old choice, and the user cannot turn it off
      expect(c.preferences().startAtLogin).toBe(true);
      const r = await c.savePreferences({ startAtLogin: false, language: 'auto', notifications: true });
      expect(r.ok).toBe(false);
      expect(c.preferences().startAtLogin).toBe(true);
    } finally {
      await c.dispose();
    }
  });
});
