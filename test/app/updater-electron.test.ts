/**
 * The real electron-updater (its NsisUpdater, which downloads the same way on every OS) behind
 * src-main/app/updater.ts, against an update feed served on loopback exactly as electron-builder writes it: the
 * admin's generic feed is read, the newer version downloaded in the background and verified by electron-updater's
 * SHA-512 check, and the app reports "ready"; a tampered installer fails that check and nothing becomes ready.
 * Outside Electron the updater gets a stand-in app adapter and Node's HTTP (electron-updater's own tests do the
 * same). Skipped with one line where electron-updater is not installed (it is an app dependency the lead adds).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src-main/app/log';
import { type AutoUpdate, startAutoUpdate } from '../../src-main/app/updater';
import { repoRoot } from '../helpers/env';

const require = createRequire(path.join(repoRoot, 'package.json'));

// biome-ignore lint/suspicious/noExplicitAny: electron-updater and builder-util are loaded untyped (optional here)
type Any = any;

const sha = (b: Buffer) => createHash('sha512').update(b).digest('base64');
const setup = randomBytes(300_000);
let serveTampered = false;
let server: http.Server;
let feedUrl: string;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-eu-'));

const feedText = () =>
  [
    'version: 0.2.0',
    'files:',
    '  - url: abra-gen-exchange-sync-0.2.0-setup.exe',
    `    sha512: ${sha(setup)}`,
    `    size: ${setup.length}`,
    'path: abra-gen-exchange-sync-0.2.0-setup.exe',
    `sha512: ${sha(setup)}`,
    "releaseDate: '2026-12-06T01:00:00.000Z'",
    '',
  ].join('\n');

/** electron-updater with a stand-in for Electron's app and Node's HTTP instead of Electron's net. */
function realUpdater(dir: string): Any {
  const { NsisUpdater } = require('electron-updater/out/NsisUpdater');
  const { NodeHttpExecutor } = require('builder-util/out/nodeHttpExecutor');
  const { configureRequestUrl, configureRequestOptions } = require('builder-util-runtime');
  // ElectronHttpExecutor.download over Node's http (the digest check is the shared HttpExecutor's)
  class NodeDownloadExecutor extends NodeHttpExecutor {
    download(url: URL, destination: string, options: Any): Promise<string> {
      return options.cancellationToken.createPromise((resolve: Any, reject: Any, onCancel: Any) => {
        const requestOptions = { headers: options.headers || undefined, redirect: 'manual' };
        configureRequestUrl(url, requestOptions);
        configureRequestOptions(requestOptions);
        (this as Any).doDownload(
          requestOptions,
          {
            destination,
            options,
            onCancel,
            callback: (e: Error | null) => (e == null ? resolve(destination) : reject(e)),
            responseHandler: null,
          },
          0,
        );
      });
    }
  }
  const app = {
    version: '0.1.0',
    name: 'abra-gen-exchange-sync',
    isPackaged: true,
    appUpdateConfigPath: path.join(dir, 'resources', 'app-update.yml'),
    userDataPath: dir,
    baseCachePath: path.join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    quit: () => undefined,
    relaunch: () => undefined,
    onQuit: () => undefined,
  };
  const u = new NsisUpdater(null, app);
  u.httpExecutor = new NodeDownloadExecutor();
  return u;
}

const lines: string[] = [];
const log = {
  info: (m: string) => lines.push(`info ${m}`),
  warn: (m: string) => lines.push(`warn ${m}`),
  error: (m: string) => lines.push(`error ${m}`),
} as unknown as Logger;

describe('electron-updater against a loopback feed', () => {
  const savedAppImage = process.env.APPIMAGE;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      if (/^\/feed\/latest[\w-]*\.yml/.test(url))
        res.end(feedText()); // latest.yml / -mac / -linux: same content
      else if (url === '/feed/abra-gen-exchange-sync-0.2.0-setup.exe') {
        const body = Buffer.from(setup);
        if (serveTampered) body[1234] = body[1234]! ^ 0x01;
        res.end(body);
      } else res.writeHead(404).end(); // no .blockmap: a full download
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed/`;
  });
  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines.length = 0;
    process.env.APPIMAGE = '/tmp/x.AppImage'; // Linux: only an AppImage updates itself
  });
  afterEach(() => {
    if (savedAppImage === undefined) delete process.env.APPIMAGE;
    else process.env.APPIMAGE = savedAppImage;
  });

  async function run(tampered: boolean): Promise<{ u: AutoUpdate; dir: string }> {
    serveTampered = tampered;
    const dir = mkdtempSync(path.join(tmp, 'app-'));
    const real = realUpdater(dir);
    const u = (await startAutoUpdate({
      policy: { feedUrl },
      packaged: true,
      resourcesPath: path.join(dir, 'resources'), // no app-update.yml: the stand-in is written
      userDataDir: dir,
      exePath: path.join(dir, 'app', 'abra-gen-exchange-sync'),
      log,
      syncing: () => false,
      onChange: () => undefined,
      quitForUpdate: () => undefined,
      loadUpdater: async () => real,
    }))!;
    expect(u).not.toBeNull();
    await u.checkNow();
    // autoDownload: the download runs in the background after the check
    const end = Date.now() + 30_000;
    while (!['ready', 'error'].includes(u.phase().kind) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    return { u, dir };
  }

  it('downloads the newer version in the background, verifies its sha512 and is ready to install on quit', async () => {
    const { u, dir } = await run(false);
    expect(u.phase(), lines.join('\n')).toEqual({ kind: 'ready', version: '0.2.0' });
    expect(
      existsSync(
        path.join(
          dir,
          'cache',
          'abra-gen-exchange-sync-updater',
          'pending',
          'abra-gen-exchange-sync-0.2.0-setup.exe',
        ),
      ),
    ).toBe(true);
    expect(lines).toContain('info update 0.2.0 downloaded and verified; installs on quit');
    u.dispose();
  });

  it('a tampered installer fails electron-updater’s sha512 check: nothing is ready, nothing installs', async () => {
    const { u } = await run(true);
    expect(u.phase()).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/sha512 checksum mismatch/),
    });
    expect(u.installAndRelaunch()).toBe(false);
    u.dispose();
  });
});
