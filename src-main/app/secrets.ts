/**
 * Secrets (ABRA password or token, Exchange password, the Microsoft token cache `graphTokenCache`): stored apart from
 * the settings, encrypted with Electron's safeStorage (OS keychain / DPAPI / libsecret). When the OS offers no real
 * encryption the store refuses to save instead of falling back to plain text. Values are never logged and never sent
 * to the renderer (the controller only reports whether one is stored).
 *
 * Electron-free: the safeStorage object is injected, so the logic runs under plain Node in tests.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretName, SecretSource } from '../sync/config';

export const SECRET_NAMES: readonly SecretName[] = [
  'abraPassword',
  'abraToken',
  'exchangePassword',
  'graphTokenCache',
];

export interface SecretStore extends SecretSource {
  get(name: SecretName): Promise<string | null>;
  /** Store, or with null forget. */
  set(name: SecretName, value: string | null): Promise<void>;
  has(name: SecretName): Promise<boolean>;
}

export class SecretStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

/** For tests and the renderer test bridge. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<SecretName, string>();
  constructor(initial: Partial<Record<SecretName, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) if (v) this.values.set(k as SecretName, v);
  }
  async get(name: SecretName): Promise<string | null> {
    return this.values.get(name) ?? null;
  }
  async set(name: SecretName, value: string | null): Promise<void> {
    if (value === null || value === '') this.values.delete(name);
    else this.values.set(name, value);
  }
  async has(name: SecretName): Promise<boolean> {
    return this.values.has(name);
  }
}

/** The part of Electron's `safeStorage` we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means a hard-coded key, i.e. effectively plain text. */
  getSelectedStorageBackend?(): string;
}

interface SecretFile {
  version: 1;
  /** name → base64 of the safeStorage ciphertext */
  secrets: Partial<Record<SecretName, string>>;
}

/**
 * safeStorage-encrypted secrets in their own JSON file (`secrets.json` beside the settings, mode 600). Only
 * ciphertext is ever written.
 */
export class SafeStorageSecretStore implements SecretStore {
  constructor(
    readonly file: string,
    private readonly safe: SafeStorageLike,
  ) {}

  /** Null when secrets can be stored; otherwise the reason, in plain language. */
  unavailableReason(): string | null {
    if (!this.safe.isEncryptionAvailable())
      return 'This computer offers no secure storage for passwords (the system keychain is not available), so the app does not store them. Ask your administrator.';
    if (this.safe.getSelectedStorageBackend?.() === 'basic_text')
      return 'No system keyring (GNOME Keyring / KWallet) is running, so passwords could only be stored as readable text; the app refuses. Start a keyring and try again.';
    return null;
  }

  private read(): SecretFile {
    if (!existsSync(this.file)) return { version: 1, secrets: {} };
    try {
      const raw = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SecretFile>;
      if (!raw || typeof raw !== 'object' || !raw.secrets || typeof raw.secrets !== 'object')
        throw new Error('no secrets object');
      return { version: 1, secrets: raw.secrets };
    } catch {
      // A damaged file (disk full, killed mid-write by another tool) must not lock the user out: move it aside and
      // start empty, so the app asks for the passwords again.
      try {
        renameSync(this.file, `${this.file}.damaged-${Date.now()}`);
      } catch {
        rmSync(this.file, { force: true });
      }
      return { version: 1, secrets: {} };
    }
  }

  private write(f: SecretFile): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(f, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    try {
      chmodSync(this.file, 0o600);
    } catch {
      // not supported on every file system
    }
  }

  async get(name: SecretName): Promise<string | null> {
    const enc = this.read().secrets[name];
    if (!enc) return null;
    const why = this.unavailableReason();
    if (why) throw new SecretStoreError(why);
    try {
      return this.safe.decryptString(Buffer.from(enc, 'base64'));
    } catch {
      throw new SecretStoreError(
        `the stored ${describeSecret(name)} cannot be decrypted (the system keychain changed?); enter it again`,
      );
    }
  }

  async set(name: SecretName, value: string | null): Promise<void> {
    const f = this.read();
    if (value === null || value === '') {
      delete f.secrets[name];
      this.write(f);
      return;
    }
    const why = this.unavailableReason();
    if (why) throw new SecretStoreError(why);
    f.secrets[name] = this.safe.encryptString(value).toString('base64');
    this.write(f);
  }

  async has(name: SecretName): Promise<boolean> {
    return Boolean(this.read().secrets[name]);
  }
}

export function describeSecret(name: SecretName): string {
  switch (name) {
    case 'abraPassword':
      return 'ABRA password';
    case 'abraToken':
      return 'ABRA user token';
    case 'exchangePassword':
      return 'Exchange password';
    case 'graphTokenCache':
      return 'Microsoft 365 sign-in';
  }
}
