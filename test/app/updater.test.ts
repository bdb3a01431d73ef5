/**
 * src-main/app/updater.ts with a stand-in for electron-updater's autoUpdater (an EventEmitter with the same
 * properties): configured for background download and verification, the admin's feed set, events drive the phase,
 * install on quit only once an update is ready, "Restart to update" waits for a running sync, off by policy without
 * even loading electron-updater, and a build without electron-updater runs on without updates.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src-main/app/log';
import { type AutoUpdateDeps, startAutoUpdate } from '../../src-main/app/updater';

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  allowPrerelease = true;
  autoRunAppAfterInstall = true;
  disableWebInstaller = false;
  updateConfigPath = '';
  logger: unknown = console;
  feed: unknown = null;
  checks = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  setFeedURL(o: unknown) {
    this.feed = o;
  }
  async checkForUpdates() {
    this.checks++;
    return null;
  }
  quitAndInstall(silent?: boolean, runAfter?: boolean) {
    this.installs.push([silent, runAfter]);
  }
}

const resources = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-res-'));
writeFileSync(path.join(resources, 'app-update.yml'), 'provider: github\nowner: o\nrepo: r\n');
afterAll(() => rmSync(resources, { recursive: true, force: true }));

const lines: string[] = [];
const log = {
  info: (m: string) => lines.push(`info ${m}`),
  warn: (m: string) => lines.push(`warn ${m}`),
  error: (m: string) => lines.push(`error ${m}`),
} as unknown as Logger;

const savedAppImage = process.env.APPIMAGE;
beforeEach(() => {
  lines.length = 0;
  // on Linux only an AppImage updates itself
  process.env.APPIMAGE = '/tmp/x.AppImage';
});
afterEach(() => {
  if (savedAppImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = savedAppImage;
});

function deps(fake: FakeUpdater, o: Partial<AutoUpdateDeps> = {}) {
  const state = { syncing: false, changes: 0, quits: 0 };
  const d: AutoUpdateDeps = {
    policy: undefined,
    packaged: true,
    resourcesPath: resources,
    exePath: '/opt/abra/abra-gen-exchange-sync',
    userDataDir: path.join(resources, 'user'),
    log,
    syncing: () => state.syncing,
    onChange: () => state.changes++,
    quitForUpdate: () => state.quits++,
    loadUpdater: async () => fake as never,
    ...o,
  };
  return { d, state };
}

describe('startAutoUpdate', () => {
  it('configures background download, no downgrade or prerelease, and no install before an update is ready', async () => {
    const fake = new FakeUpdater();
    const u = await startAutoUpdate(deps(fake).d);
    expect(u).not.toBeNull();
    expect(fake).toMatchObject({
      autoDownload: true,
      autoInstallOnAppQuit: false,
      allowDowngrade: false,
      allowPrerelease: false,
      disableWebInstaller: true,
      feed: null, // the built-in feed (app-update.yml)
    });
    expect(lines).toContain('info automatic updates on: built-in feed, every 6 h');
    u?.dispose();
  });

  it('the admin feed becomes a generic provider; the built-in app-update.yml (publisher) stays in use', async () => {
    const fake = new FakeUpdater();
    const u = await startAutoUpdate(deps(fake, { policy: { feedUrl: 'https://u.firma.cz/abra/' } }).d);
    expect(fake.feed).toEqual({ provider: 'generic', url: 'https://u.firma.cz/abra/' });
    expect(fake.updateConfigPath).toBe('');
    u?.dispose();
  });

  it('a build without app-update.yml gets a stand-in for the admin feed (electron-updater reads it to download)', async () => {
    const fake = new FakeUpdater();
    const bare = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-bare-'));
    const user = path.join(bare, 'user');
    try {
      const u = await startAutoUpdate(
        deps(fake, {
          resourcesPath: bare,
          userDataDir: user,
          policy: { feedUrl: 'https://u.firma.cz/abra/' },
        }).d,
      );
      expect(fake.updateConfigPath).toBe(path.join(user, 'app-update.yml'));
      expect(readFileSync(fake.updateConfigPath, 'utf8')).toBe(
        'provider: generic\nurl: "https://u.firma.cz/abra/"\nupdaterCacheDirName: abra-gen-exchange-sync-updater\n',
      );
      u?.dispose();
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('events move the phase; a verified download installs on quit; the tray is told', async () => {
    const fake = new FakeUpdater();
    const { d, state } = deps(fake);
    const u = (await startAutoUpdate(d))!;
    fake.emit('checking-for-update');
    fake.emit('update-available', { version: '0.2.0' });
    fake.emit('download-progress', { percent: 50.4 });
    expect(u.phase()).toEqual({ kind: 'downloading', version: '0.2.0', percent: 50 });
    expect(fake.autoInstallOnAppQuit).toBe(false);
    fake.emit('update-downloaded', { version: '0.2.0' });
    expect(u.phase()).toEqual({ kind: 'ready', version: '0.2.0' });
    expect(fake.autoInstallOnAppQuit).toBe(true);
    expect(state.changes).toBe(4);
    expect(lines).toContain('info update 0.2.0 downloaded and verified; installs on quit');
    u.dispose();
  });

  it('a failed verification is an error: nothing installs', async () => {
    const fake = new FakeUpdater();
    const u = (await startAutoUpdate(deps(fake).d))!;
    fake.emit('update-available', { version: '0.2.0' });
    fake.emit('error', new Error('sha512 checksum mismatch'));
    expect(u.phase()).toMatchObject({ kind: 'error', message: 'sha512 checksum mismatch' });
    expect(fake.autoInstallOnAppQuit).toBe(false);
    expect(u.installAndRelaunch()).toBe(false);
    expect(fake.installs).toEqual([]);
    expect(lines).toContain('warn update failed: sha512 checksum mismatch');
    u.dispose();
  });

  it('"Restart to update" during a sync waits for its end, then quits; the install relaunches', async () => {
    const fake = new FakeUpdater();
    const { d, state } = deps(fake);
    const u = (await startAutoUpdate(d))!;
    expect(u.restartToUpdate()).toBe('nothing');
    fake.emit('update-downloaded', { version: '0.2.0' });
    state.syncing = true;
    expect(u.restartToUpdate()).toBe('waitForSync');
    expect(u.restartPending()).toBe(true);
    u.syncEnded(); // a status event while the sync still runs
    expect(state.quits).toBe(0);
    state.syncing = false;
    u.syncEnded();
    expect(state.quits).toBe(1);
    expect(u.restartPending()).toBe(false);
    // main.ts: engine disposed, then
    expect(u.installAndRelaunch()).toBe(true);
    expect(fake.installs).toEqual([[true, true]]);
    u.dispose();
  });

  it('off by policy, or in development: electron-updater is not even loaded', async () => {
    let loaded = 0;
    const load = async () => {
      loaded++;
      return new FakeUpdater() as never;
    };
    expect(
      await startAutoUpdate(deps(new FakeUpdater(), { policy: { enabled: false }, loadUpdater: load }).d),
    ).toBeNull();
    expect(
      await startAutoUpdate(deps(new FakeUpdater(), { packaged: false, loadUpdater: load }).d),
    ).toBeNull();
    expect(
      await startAutoUpdate(deps(new FakeUpdater(), { resourcesPath: undefined, loadUpdater: load }).d),
    ).toBeNull();
    expect(loaded).toBe(0);
    expect(lines).toEqual([
      'info automatic updates off: switched off by the admin policy',
      'info automatic updates off: not a packaged app',
      'info automatic updates off: this build has no update feed',
    ]);
  });

  it('a build without electron-updater logs it and runs on', async () => {
    const fake = new FakeUpdater();
    const { d } = deps(fake, {
      loadUpdater: async () => {
        throw new Error('module not included in this build: node_modules/electron-updater');
      },
    });
    expect(await startAutoUpdate(d)).toBeNull();
    expect(lines).toContain(
      'warn automatic updates unavailable: module not included in this build: node_modules/electron-updater',
    );
  });
});
