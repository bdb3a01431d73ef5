/**
 * The update feed (latest.yml & co.) as electron-builder writes it and electron-updater reads it
 * (https://www.electron.build/auto-update: "latest.yml … sha512"), served from a local HTTP server on loopback:
 * parsed, the platform's file picked, downloaded and its SHA-512 and size verified; a tampered file, a wrong size, a
 * missing file, a file on another server and a non-https feed are refused with a message that names the problem.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFeedUrl,
  checkRemoteFeed,
  feedFileName,
  parseUpdateFeed,
  pickFeedFile,
  verifyFeedFile,
} from '../../src-main/app/update-feed';

const require = createRequire(import.meta.url);
// electron-builder serialises the feed with js-yaml's dump (builder-util serializeToYaml, lineWidth 8000)
const yaml = require('js-yaml') as { dump(o: unknown, opts: Record<string, unknown>): string };
const dump = (o: unknown) => yaml.dump(o, { lineWidth: 8000 });

const sha = (b: Buffer) => createHash('sha512').update(b).digest('base64');
const exe = randomBytes(200_000);
const zipArm = randomBytes(50_000);
const zipX64 = randomBytes(60_000);
const appImage = randomBytes(70_000);

const winFeed = {
  version: '0.2.0',
  files: [{ url: 'abra-gen-exchange-sync-0.2.0-setup.exe', sha512: sha(exe), size: exe.length }],
  path: 'abra-gen-exchange-sync-0.2.0-setup.exe',
  sha512: sha(exe),
  releaseDate: '2026-12-06T01:00:00.000Z',
};

/** What the server serves, path → body (or a status). */
const routes = new Map<string, Buffer | number>();
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const r = routes.get(req.url ?? '');
    if (r === undefined || typeof r === 'number') {
      res.writeHead(typeof r === 'number' ? r : 404).end();
      return;
    }
    res.writeHead(200, { 'content-length': r.length }).end(r);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/updates/`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

function serve(feedName: string, feed: unknown, files: Record<string, Buffer | number>): void {
  routes.clear();
  routes.set(`/updates/${feedName}`, Buffer.from(typeof feed === 'string' ? feed : dump(feed)));
  for (const [name, body] of Object.entries(files)) routes.set(`/updates/${encodeURI(name)}`, body);
}

describe('update feed file names (electron-updater channel files)', () => {
  it('latest.yml on Windows, latest-mac.yml on macOS, latest-linux[-arch].yml on Linux', () => {
    expect(feedFileName('win32', 'x64')).toBe('latest.yml');
    expect(feedFileName('win32', 'arm64')).toBe('latest.yml');
    expect(feedFileName('darwin', 'arm64')).toBe('latest-mac.yml');
    expect(feedFileName('linux', 'x64')).toBe('latest-linux.yml');
    expect(feedFileName('linux', 'arm64')).toBe('latest-linux-arm64.yml');
  });
});

describe('parseUpdateFeed', () => {
  it('reads what electron-builder writes, including the quoted date and a block-scalar release note', () => {
    const text = `${dump(winFeed)}releaseNotes: |-\n  Fixes:\n  - url: not-a-file.exe\n`;
    expect(parseUpdateFeed(text, 'latest.yml')).toEqual({
      version: '0.2.0',
      files: winFeed.files,
      releaseDate: '2026-12-06T01:00:00.000Z',
    });
  });

  it('every file of a macOS feed, with extra fields (blockMapSize) ignored', () => {
    const feed = {
      version: '1.0.0-beta.2',
      files: [
        {
          url: 'abra-gen-exchange-sync-1.0.0-beta.2-mac-x64.zip',
          sha512: sha(zipX64),
          size: 3,
          blockMapSize: 9,
        },
        { url: 'abra-gen-exchange-sync-1.0.0-beta.2-mac-arm64.zip', sha512: sha(zipArm), size: 4 },
        { url: 'abra-gen-exchange-sync-1.0.0-beta.2-arm64.dmg', sha512: sha(zipArm), size: 5 },
      ],
      path: 'x.zip',
      sha512: sha(zipX64),
    };
    const parsed = parseUpdateFeed(dump(feed), 'latest-mac.yml');
    expect(parsed.version).toBe('1.0.0-beta.2');
    expect(parsed.files.map((f) => f.url)).toEqual(feed.files.map((f) => f.url));
    expect(pickFeedFile(parsed, 'darwin', 'arm64')?.url).toMatch(/mac-arm64\.zip$/);
    expect(pickFeedFile(parsed, 'darwin', 'x64')?.url).toMatch(/mac-x64\.zip$/);
    expect(pickFeedFile(parsed, 'win32', 'x64')).toBeNull();
  });

  it.each([
    ['no version', { files: winFeed.files }, /"version" missing/],
    [
      'a version that is not semver',
      { ...winFeed, version: 'latest' },
      /"version" missing or not a semantic/,
    ],
    ['no files', { version: '0.2.0', path: 'a.exe', sha512: sha(exe) }, /"files" is missing or empty/],
    ['a file without sha512', { ...winFeed, files: [{ url: 'a.exe', size: 1 }] }, /has no base64 sha512/],
    [
      'a hex sha512 (not base64)',
      { ...winFeed, files: [{ url: 'a.exe', sha512: 'ab'.repeat(64) }] },
      /sha512/,
    ],
    ['a file without url', { ...winFeed, files: [{ sha512: sha(exe) }] }, /files\[0\] has no url/],
    [
      'a size that is no number',
      { ...winFeed, files: [{ url: 'a.exe', sha512: sha(exe), size: 'big' }] },
      /size/,
    ],
  ])('refuses a feed with %s', (_what, feed, err) => {
    expect(() => parseUpdateFeed(dump(feed), 'latest.yml')).toThrow(err);
  });

  it('refuses text that is not a feed, naming the line', () => {
    expect(() => parseUpdateFeed('<html>\n<body>Not found</body>', 'latest.yml')).toThrow(
      /latest.yml line 1/,
    );
  });
});

describe('verifyFeedFile', () => {
  it('accepts the file the feed describes and refuses one changed byte or a different size', () => {
    const f = { url: 'a.exe', sha512: sha(exe), size: exe.length };
    expect(() => verifyFeedFile(f, exe)).not.toThrow();
    const bad = Buffer.from(exe);
    bad[1000] = (bad[1000]! + 1) % 256;
    expect(() => verifyFeedFile(f, bad)).toThrow(/sha512 checksum mismatch/);
    expect(() => verifyFeedFile(f, exe.subarray(1))).toThrow(/size 199999 bytes, the feed says 200000/);
    expect(() => verifyFeedFile({ url: 'a.exe', sha512: sha(exe) }, bad)).toThrow(/sha512 checksum mismatch/);
  });
});

describe('a feed served on loopback', () => {
  it('Windows: latest.yml → the setup exe, downloaded and verified', async () => {
    serve('latest.yml', winFeed, { [winFeed.path]: exe });
    const r = await checkRemoteFeed(base, 'win32', 'x64');
    expect(r.feed.version).toBe('0.2.0');
    expect(r.file.url).toBe(winFeed.path);
    expect(r.bytes).toBe(exe.length);
  });

  it('the base URL may omit its trailing slash; a file name with spaces is URL-encoded', async () => {
    const name = 'ABRA Gen Exchange Sync-0.2.0.AppImage';
    serve(
      'latest-linux.yml',
      { version: '0.2.0', files: [{ url: name, sha512: sha(appImage) }] },
      {
        [name]: appImage,
      },
    );
    const r = await checkRemoteFeed(base.replace(/\/$/, ''), 'linux', 'x64');
    expect(r.file.url).toBe(name);
  });

  it('macOS arm64: latest-mac.yml → the arm64 zip', async () => {
    const feed = {
      version: '0.2.0',
      files: [
        { url: 'a-0.2.0-mac-x64.zip', sha512: sha(zipX64), size: zipX64.length },
        { url: 'a-0.2.0-mac-arm64.zip', sha512: sha(zipArm), size: zipArm.length },
      ],
    };
    serve('latest-mac.yml', feed, { 'a-0.2.0-mac-x64.zip': zipX64, 'a-0.2.0-mac-arm64.zip': zipArm });
    expect((await checkRemoteFeed(base, 'darwin', 'arm64')).file.url).toBe('a-0.2.0-mac-arm64.zip');
  });

  it('a tampered installer on the server is refused', async () => {
    const evil = Buffer.from(exe);
    evil[0] = evil[0]! ^ 0xff;
    serve('latest.yml', winFeed, { [winFeed.path]: evil });
    await expect(checkRemoteFeed(base, 'win32', 'x64')).rejects.toThrow(/sha512 checksum mismatch/);
  });

  it('a missing feed or installer names the URL and the status', async () => {
    serve('latest.yml', winFeed, {});
    await expect(checkRemoteFeed(base, 'win32', 'x64')).rejects.toThrow(/setup\.exe: HTTP 404/);
    await expect(checkRemoteFeed(base, 'linux', 'x64')).rejects.toThrow(/latest-linux\.yml: HTTP 404/);
  });

  it('a feed that points at another server, or has no file for this platform, is refused', async () => {
    serve('latest.yml', { ...winFeed, files: [{ url: 'https://evil.example/x.exe', sha512: sha(exe) }] }, {});
    await expect(checkRemoteFeed(base, 'win32', 'x64')).rejects.toThrow(/is on another server/);
    serve('latest.yml', { version: '0.2.0', files: [{ url: 'a.msi', sha512: sha(exe) }] }, {});
    await expect(checkRemoteFeed(base, 'win32', 'x64')).rejects.toThrow(/no file for win32-x64/);
  });
});

describe('checkFeedUrl', () => {
  it('https anywhere, plain http only on loopback, no credentials in the URL', () => {
    expect(checkFeedUrl('https://updates.firma.cz/abra-sync').href).toBe(
      'https://updates.firma.cz/abra-sync/',
    );
    expect(checkFeedUrl('http://127.0.0.1:8080/u/').href).toBe('http://127.0.0.1:8080/u/');
    expect(() => checkFeedUrl('http://updates.firma.cz/')).toThrow(/must be an https URL/);
    expect(() => checkFeedUrl('file:///C:/updates/')).toThrow(/must be an https URL/);
    expect(() => checkFeedUrl('https://jan:heslo@updates.firma.cz/')).toThrow(/no credentials/);
    expect(() => checkFeedUrl('updates.firma.cz')).toThrow(/is not a URL/);
  });
});

describe('scripts/check-release.ts (CI, after npm run dist)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-release-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes when the installers exist and the feed matches them; names every problem otherwise', async () => {
    const { checkReleaseFolder } = await import('../../scripts/check-release');
    const setup = 'abra-gen-exchange-sync-0.2.0-setup.exe';
    writeFileSync(path.join(dir, setup), exe);
    writeFileSync(path.join(dir, 'abra-gen-exchange-sync-0.2.0-x64.msi'), zipX64);
    writeFileSync(
      path.join(dir, 'latest.yml'),
      dump({ version: '0.2.0', files: [{ url: setup, sha512: sha(exe), size: exe.length }] }),
    );
    expect(checkReleaseFolder(dir, 'win32')).toEqual([]);
    // a corrupted installer, a missing MSI, and the other platforms' installers absent
    writeFileSync(path.join(dir, setup), exe.subarray(0, 10));
    rmSync(path.join(dir, 'abra-gen-exchange-sync-0.2.0-x64.msi'));
    expect(checkReleaseFolder(dir, 'win32')).toEqual([
      'no installer matching /\\.msi$/ in ' + dir,
      `latest.yml: ${setup}: size 10 bytes, the feed says 200000`,
    ]);
    expect(checkReleaseFolder(dir, 'linux')).toEqual([
      `no installer matching /\\.AppImage$/ in ${dir}`,
      `no installer matching /\\.deb$/ in ${dir}`,
      `latest-linux.yml missing in ${dir}: installed apps would find no update`,
    ]);
  });
});
