/**
 * dist/main/main.cjs started under plain Node against a stand-in `electron` module (fixtures/fake-electron.cjs):
 * the whole start path runs — policy, electron-store settings, safeStorage secrets, controller, IPC, tray, window
 * served from the app: scheme — then IPC calls like the renderer's, refused senders, and a clean quit. Covers the Electron wiring that the e2e
 * test cannot run here.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../src-main/app/window-policy';
import { repoRoot } from '../helpers/env';
import { runFakeMain } from './fake-main';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-main-'));
const appDir = path.join(tmp, 'app');
const SECRET = 'Smoke-Test-Heslo-77';
const PAGE = '<!doctype html><title>smoke</title>';

beforeAll(() => {
  const r = spawnSync(
    process.execPath,
    ['scripts/build-main.mjs', '--outdir', path.join(appDir, 'dist', 'main')],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`build-main failed:\n${r.stderr}`);
  const fake = path.join(appDir, 'node_modules', 'electron');
  mkdirSync(fake, { recursive: true });
  copyFileSync(path.join(import.meta.dirname, 'fixtures', 'fake-electron.cjs'), path.join(fake, 'index.js'));
  // a stand-in renderer build for the app: scheme to serve
  mkdirSync(path.join(appDir, 'dist', 'renderer'), { recursive: true });
  writeFileSync(path.join(appDir, 'dist', 'renderer', 'index.html'), PAGE);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('main process (stand-in electron)', () => {
  it('starts, serves the renderer over IPC, keeps secrets encrypted, quits cleanly', () => {
    const config = {
      abra: { serverUrl: 'http://127.0.0.1:9', connection: 'demo', login: 'jan.smoke' },
      exchange: { kind: 'ews', email: 'jan@firma.cz', ewsUrl: 'https://127.0.0.1:9/EWS/Exchange.asmx' },
      parts: { addressBook: { enabled: true, intervalMinutes: 600 } },
    };
    // Node 24 like inside Electron (node:sqlite; better-sqlite3 is not shipped with the app)
    const main = path.join(appDir, 'dist', 'main', 'main.cjs');
    const r = runFakeMain(main, tmp, config, SECRET);
    const line = r.stdout.split('\n').find((l) => l.startsWith('FAKE_RESULT '));
    expect(line, `${r.stdout}\n${r.stderr}`).toBeTruthy();
    const rec = JSON.parse(line!.slice('FAKE_RESULT '.length));
    expect(rec.errors).toEqual([]);
    expect(rec.handlers).toEqual(['abra-sync:call']);
    expect(rec.events).toEqual(
      expect.arrayContaining(['second-instance', 'window-all-closed', 'before-quit']),
    );
    // first start: nothing configured → the window opens, sandboxed, with the preload and the renderer bundle
    expect(rec.windows).toBe(1);
    expect(rec.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(rec.webPreferences.preload).toMatch(/dist[\\/]main[\\/]preload\.cjs$/);
    // the page comes from the privileged app: scheme (Electron security checklist: prefer custom protocols), not file:
    expect(rec.loaded).toBe('app://abra-sync/index.html');
    expect(rec.loadedFile).toBeUndefined();
    expect(rec.schemes).toEqual([
      {
        schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }],
        beforeReady: true,
      },
    ]);
    expect(rec.protocols).toEqual(['app']);
    expect(rec.served.page).toEqual({ status: 200, type: 'text/html; charset=utf-8', csp: CSP, body: PAGE });
    expect(rec.served.traversal.status).toBe(400);
    expect(rec.served.otherHost.status).toBe(404);
    expect(rec.served.traversal.body).not.toContain('require');
    // tray: not set up, then Czech once the locale resolves
    expect(rec.trayImage).toMatch(/assets[\\/]tray[\\/](error|idle)\.png$/);
    expect(rec.tooltips[0]).toContain('ABRA Gen Exchange Sync');
    expect(rec.menus.at(-1)).toContain('Ukončit');
    expect(rec.results).toEqual({
      before: null,
      saved: true,
      secret: true,
      bad: expect.stringMatching(/^invalidArguments: syncNow: /),
      evil: 'failed: sender not allowed',
      // security review: any file: page used to pass the sender check; now only the app page itself
      otherFile: 'failed: sender not allowed',
      // nor the page's own former file: URL, nor another app: host
      oldFile: 'failed: sender not allowed',
      otherHost: 'failed: sender not allowed',
      after: 'jan.smoke',
    });
    // packaged: no application menu (the default one offers DevTools), no DevTools in the window
    expect(rec.appMenu).toBeNull();
    expect(rec.webPreferences.devTools).toBe(false);
    if (process.platform === 'linux') {
      expect(rec.login).toEqual([]);
      const entry = readFileSync(
        path.join(tmp, 'xdg', 'autostart', 'abra-gen-exchange-sync.desktop'),
        'utf8',
      );
      expect(entry).toMatch(/^Exec=.* --hidden$/m);
    } else
      expect(rec.login).toEqual([
        { openAtLogin: false, args: ['--hidden'] },
        { openAtLogin: true, args: ['--hidden'] },
      ]);
    // electron-store wrote the settings; the secret exists only encrypted
    const written = files(path.join(tmp, 'ud'));
    const settings = written.find((f) => f.endsWith('settings.json'))!;
    expect(JSON.parse(readFileSync(settings, 'utf8')).sync.abra.login).toBe('jan.smoke');
    expect(written.some((f) => f.endsWith('secrets.json'))).toBe(true);
    for (const f of written) expect(readFileSync(f, 'utf8').includes(SECRET), f).toBe(false);
    expect(readFileSync(written.find((f) => f.endsWith('app.log'))!, 'utf8')).toContain('stopped');
  });
});
