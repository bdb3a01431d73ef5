import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySecretStore, type SafeStorageLike, SafeStorageSecretStore } from '../../src-main/app/secrets';

const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Stand-in for Electron's safeStorage: XOR with a key and a marker, so ciphertext never equals the plain text. */
function fakeSafe(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike & { calls: number } {
  const key = 0x5a;
  const s = {
    calls: 0,
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString(t: string) {
      s.calls++;
      return Buffer.concat([Buffer.from('v10'), Buffer.from(Buffer.from(t, 'utf8').map((b) => b ^ key))]);
    },
    decryptString(b: Buffer) {
      if (b.subarray(0, 3).toString() !== 'v10') throw new Error('bad');
      return Buffer.from(b.subarray(3).map((x) => x ^ key)).toString('utf8');
    },
  };
  return s;
}

describe('secret stores', () => {
  it('safeStorage store keeps only ciphertext on disk (mode 600) and reads it back', async () => {
    const file = path.join(dir, 'ok', 'secrets.json');
    const s = new SafeStorageSecretStore(file, fakeSafe());
    expect(await s.has('abraPassword')).toBe(false);
    await s.set('abraPassword', 'Tajné-heslo-1');
    await s.set('graphTokenCache', '{"RefreshToken":{"x":{"secret":"rt-123"}}}');
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain('Tajné-heslo-1');
    expect(raw).not.toContain('rt-123');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new SafeStorageSecretStore(file, fakeSafe());
    expect(await again.get('abraPassword')).toBe('Tajné-heslo-1');
    expect(await again.has('graphTokenCache')).toBe(true);
    await again.set('abraPassword', null);
    expect(await again.get('abraPassword')).toBeNull();
  });

  it('refuses to store when the OS offers no encryption, or only plain text', async () => {
    const none = new SafeStorageSecretStore(path.join(dir, 'none.json'), fakeSafe({ available: false }));
    await expect(none.set('abraPassword', 'x')).rejects.toThrow(/no secure storage for passwords/);
    const basic = new SafeStorageSecretStore(
      path.join(dir, 'basic.json'),
      fakeSafe({ backend: 'basic_text' }),
    );
    await expect(basic.set('exchangePassword', 'x')).rejects.toThrow(/refuses/);
    expect(await basic.has('exchangePassword')).toBe(false);
    // forgetting still works
    await expect(basic.set('exchangePassword', null)).resolves.toBeUndefined();
  });

  it('a secret that cannot be decrypted asks the user to enter it again', async () => {
    const file = path.join(dir, 'bad', 'secrets.json');
    const s = new SafeStorageSecretStore(file, fakeSafe());
    await s.set('exchangePassword', 'pw');
    const other = new SafeStorageSecretStore(file, {
      ...fakeSafe(),
      decryptString: () => {
        throw new Error('x');
      },
    });
    await expect(other.get('exchangePassword')).rejects.toThrow(
      /Exchange password cannot be decrypted.*enter it again/,
    );
  });

  it('a damaged store file is moved aside and the secrets are asked for again', async () => {
    const file = path.join(dir, 'damaged', 'secrets.json');
    const s = new SafeStorageSecretStore(file, fakeSafe());
    await s.set('abraPassword', 'pw');
    writeFileSync(file, '{"version":1,"secr');
    expect(await s.has('abraPassword')).toBe(false);
    expect(readdirSync(path.dirname(file)).some((f) => f.startsWith('secrets.json.damaged-'))).toBe(true);
    await s.set('abraPassword', 'again');
    expect(await s.get('abraPassword')).toBe('again');
  });

  it('memory store', async () => {
    const m = new MemorySecretStore({ abraToken: 't' });
    expect(await m.get('abraToken')).toBe('t');
    await m.set('abraToken', '');
    expect(await m.has('abraToken')).toBe(false);
  });
});
