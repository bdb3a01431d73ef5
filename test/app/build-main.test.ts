/**
 * The esbuild bundles: main, preload and CLI exist; the sandboxed preload requires only 'electron'; main requires
 * nothing but Node built-ins, electron and the declared native/optional modules; the EWS polyfill runs before the
 * library; the CLI bundle works under plain Node; main.cjs loads against a stand-in `electron` module.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../src-main/app/ipc-contract';
import { repoRoot } from '../helpers/env';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-build-'));
const out = path.join(tmp, 'dist', 'main');
let meta: Record<string, { bytes: number; external: string[] }>;

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/build-main.mjs', '--outdir', out], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build-main failed:\n${r.stdout}\n${r.stderr}`);
  meta = JSON.parse(readFileSync(path.join(out, 'meta.json'), 'utf8'));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const ALLOWED = new Set([
  'electron',
  'better-sqlite3',
  'deasync',
  'bufferutil',
  'utf-8-validate',
  'supports-color',
]);

describe('build-main', () => {
  it('writes the three bundles and the engine host of the bench', () => {
    for (const f of ['main.cjs', 'preload.cjs', 'cli.cjs', 'engine-host.cjs'])
      expect(existsSync(path.join(out, f))).toBe(true);
    expect(Object.keys(meta).sort()).toEqual(['cli.cjs', 'engine-host.cjs', 'main.cjs', 'preload.cjs']);
  });

  it('the sandboxed preload requires electron only, carries no zod, and uses the contract channels', () => {
    expect(meta['preload.cjs']?.external).toEqual(['electron']);
    const src = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    expect(src).not.toMatch(/zod|require\("node:/);
    expect(src).toContain(JSON.stringify(CALL_CHANNEL));
    expect(src).toContain(JSON.stringify(EVENT_CHANNEL));
    expect(src).toContain('exposeInMainWorld("abraSync"');
  });

  it('main, cli and the engine host require nothing unresolved besides built-ins, electron and declared optional natives', () => {
    for (const f of ['main.cjs', 'cli.cjs', 'engine-host.cjs']) {
      const bad = meta[f]!.external.filter((m) => !builtins.has(m) && !ALLOWED.has(m));
      expect(bad, f).toEqual([]);
    }
    expect(meta['main.cjs']!.external).toContain('electron');
    expect(meta['cli.cjs']!.external).not.toContain('electron');
    expect(meta['engine-host.cjs']!.external).not.toContain('electron');
  });

  it('electron-updater (a dependency) is bundled, not left as a require', () => {
    const src = readFileSync(path.join(out, 'main.cjs'), 'utf8');
    expect(src).toContain('// node_modules/electron-updater/');
    expect(meta['main.cjs']!.external).not.toContain('electron-updater');
  });

  it('the ews-javascript-api polyfill is initialised before the library in main', () => {
    const src = readFileSync(path.join(out, 'main.cjs'), 'utf8');
    const poly = src.indexOf('// src-main/exchange/ews/polyfill.ts');
    const lib = src.indexOf('// src-main/exchange/ews/ews-lib.ts');
    expect(poly).toBeGreaterThan(-1);
    expect(lib).toBeGreaterThan(poly);
  });

  it('the CLI bundle runs under plain Node', () => {
    const good = path.join(tmp, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        abra: { serverUrl: 'https://abra.firma.cz', connection: 'data', login: 'jan' },
        exchange: { email: 'jan@firma.cz' },
      }),
    );
    const bad = path.join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ abra: { serverUrl: 'nope' } }));
    const ok = spawnSync(process.execPath, [path.join(out, 'cli.cjs'), 'validate', '--config', good], {
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('configuration is valid');
    expect(ok.status).toBe(0);
    const no = spawnSync(process.execPath, [path.join(out, 'cli.cjs'), 'validate', '--config', bad], {
      encoding: 'utf8',
    });
    expect(no.status).toBe(2);
    expect(no.stderr).toContain('abra.serverUrl');
  });

  it('main.cjs loads against a stand-in electron: single-instance lock, the app: scheme, lifecycle handlers', () => {
    const fake = path.join(tmp, 'node_modules', 'electron');
    mkdirSync(fake, { recursive: true });
    writeFileSync(
      path.join(fake, 'index.js'),
      `const seen = [];
const app = {
  setPath() {}, getPath: (n) => require('node:path').join(${JSON.stringify(tmp)}, 'ud', n),
  getAppPath: () => ${JSON.stringify(repoRoot)}, isPackaged: false,
  requestSingleInstanceLock: () => process.env.FAKE_LOCK === '1',
  quit: () => seen.push('quit'),
  on: (ev) => seen.push('on:' + ev),
  whenReady: () => new Promise(() => {}),
};
process.on('exit', () => console.log(JSON.stringify(seen)));
const protocol = { registerSchemesAsPrivileged: (schemes) => seen.push('schemes:' + JSON.stringify(schemes)) };
module.exports = { app, protocol, ipcMain: {}, dialog: {}, Notification: {}, safeStorage: {}, shell: {},
  BrowserWindow: function () {}, Tray: function () {}, Menu: {}, nativeImage: {} };
`,
    );
    const run = (lock: string) =>
      spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(out, 'main.cjs'))})`], {
        encoding: 'utf8',
        env: { ...process.env, FAKE_LOCK: lock },
        timeout: 30_000,
      });
    const second = run('0');
    expect(second.stderr).toBe('');
    expect(JSON.parse(second.stdout.trim().split('\n').pop()!)).toEqual(['quit']);
    const first = run('1');
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout.trim().split('\n').pop()!)).toEqual([
      // the app: scheme is privileged before ready (Electron refuses it later), only in the instance that stays
      `schemes:${JSON.stringify([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])}`,
      'on:second-instance',
      'on:window-all-closed',
      'on:activate',
      'on:before-quit',
    ]);
  });
});
