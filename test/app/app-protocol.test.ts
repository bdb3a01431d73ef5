/**
 * The app: scheme's file server (src-main/app/app-protocol.ts). Electron security checklist: "Avoid usage of the
 * file:// protocol and prefer custom protocols" (electronjs.org/docs/latest/tutorial/security) — a custom protocol
 * that serves only the app's own folder; Electron's protocol API: `protocol.registerSchemesAsPrivileged`,
 * `protocol.handle` (electronjs.org/docs/latest/api/protocol). Security review (issue 15 item 7): the page was a
 * file: page whose IPC sender check was a file: prefix.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_PAGE_URL,
  APP_SCHEME_PRIVILEGES,
  type AppResponse,
  appRequestPath,
  isInside,
  MIME_TYPES,
  serveAppRequest,
} from '../../src-main/app/app-protocol';
import { CSP, META_CSP } from '../../src-main/app/window-policy';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-app-protocol-'));
const root = path.join(tmp, 'renderer');
const HTML = '<!doctype html><title>x</title>';

beforeAll(() => {
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), HTML);
  writeFileSync(path.join(root, 'assets', 'index-AbC123.js'), 'void 0;');
  writeFileSync(path.join(root, 'assets', 'index-AbC123.css'), 'body{}');
  writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(root, 'assets', 'font.woff2'), 'w');
  writeFileSync(path.join(root, 'assets', 'notes.exe'), 'MZ');
  writeFileSync(path.join(tmp, 'secret.txt'), 'SECRET-CONTENT');
  writeFileSync(path.join(tmp, 'renderer-sibling.txt'), 'SECRET-CONTENT');
  try {
    symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'link.txt'));
    symlinkSync(tmp, path.join(root, 'up'), 'dir');
    symlinkSync(path.join(root, 'index.html'), path.join(root, 'inner.html'));
  } catch {
    // no symlinks allowed here (Windows without the privilege): the symlink test says so
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const get = (url: string, method = 'GET'): Promise<AppResponse> => serveAppRequest({ url, method }, root);
const text = (r: AppResponse) => Buffer.from(r.body as Uint8Array).toString('utf8');

describe('app: URL → file path', () => {
  it('the page and its assets map to paths under the folder', () => {
    expect(appRequestPath(APP_PAGE_URL, '/')).toEqual({ ok: true, relative: 'index.html' });
    expect(appRequestPath('app://abra-sync/assets/index-AbC123.js?v=1#x', '/')).toEqual({
      ok: true,
      relative: 'assets/index-AbC123.js',
    });
    expect(appRequestPath('app://abra-sync/assets/a%20b.png', '\\')).toEqual({
      ok: true,
      relative: 'assets\\a b.png',
    });
  });

  it.each([
    ['app://abra-sync/../secret.txt', 400],
    ['app://abra-sync/assets/../../secret.txt', 400],
    ['app://abra-sync/./index.html', 400],
    ['app://abra-sync/%2e%2e/secret.txt', 400],
    ['app://abra-sync/%2E%2E/secret.txt', 400],
    ['app://abra-sync/.%2e/secret.txt', 400],
    ['app://abra-sync/assets%2f..%2f..%2fsecret.txt', 400],
    ['app://abra-sync/assets%2F..%2F..%2Fsecret.txt', 400],
    ['app://abra-sync/..%5csecret.txt', 400],
    ['app://abra-sync/..\\secret.txt', 400],
    ['app://abra-sync/assets\\..\\..\\secret.txt', 400],
    ['app://abra-sync/%252e%252e/secret.txt', 400], // double-encoded: decodes to "%2e%2e", not served either
    ['app://abra-sync//etc/passwd', 400],
    ['app://abra-sync/C:/Windows/win.ini', 400],
    ['app://abra-sync/C%3A/Windows/win.ini', 400],
    ['app://abra-sync/index.html%00.png', 400],
    ['app://abra-sync/index.html::$DATA', 400],
    ['app://abra-sync/CON', 400],
    ['app://abra-sync/assets/nul.txt', 400],
    ['app://abra-sync/index.html.', 400],
    ['app://abra-sync/%E0%A4%A', 400],
    ['app://abra-sync/', 404],
    ['app://other-host/index.html', 404],
    ['app://ABRA-SYNC/index.html', 404],
    ['app://abra-sync.evil/index.html', 404],
    ['app://user@abra-sync/index.html', 400],
    ['app://abra-sync:8080/index.html', 400],
    ['file:///etc/passwd', 400],
    ['https://abra-sync/index.html', 400],
    ['not a url', 400],
  ])('refuses %s (%i)', (url, status) => {
    const r = appRequestPath(url);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status).toBe(status);
  });

  it('isInside: strictly below the root, on both path flavours', () => {
    expect(isInside('/a/r', '/a/r/index.html', path.posix)).toBe(true);
    expect(isInside('/a/r', '/a/r/x/y.js', path.posix)).toBe(true);
    expect(isInside('/a/r', '/a/r', path.posix)).toBe(false);
    expect(isInside('/a/r', '/a/secret', path.posix)).toBe(false);
    expect(isInside('/a/r', '/a/r-sibling/x', path.posix)).toBe(false);
    expect(isInside('/a/r', '/a/r/..x', path.posix)).toBe(true); // a name starting with dots, still inside
    expect(isInside('C:\\app\\r', 'C:\\app\\r\\index.html', path.win32)).toBe(true);
    expect(isInside('C:\\app\\r', 'D:\\app\\r\\index.html', path.win32)).toBe(false);
    expect(isInside('C:\\app\\r', 'C:\\app\\secret', path.win32)).toBe(false);
  });

  it('the scheme is standard, secure and fetchable, and nothing more (no CSP bypass, no service workers)', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true });
  });
});

describe('serving the renderer folder', () => {
  it('the page: HTML with the CSP header, which is the meta CSP plus frame-ancestors', async () => {
    const r = await get(APP_PAGE_URL);
    expect(r.status).toBe(200);
    expect(text(r)).toBe(HTML);
    expect(r.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
    const header = r.headers['Content-Security-Policy']!;
    expect(header).toBe(CSP);
    expect(
      header
        .split('; ')
        .filter((d) => !d.startsWith('frame-ancestors'))
        .join('; '),
    ).toBe(META_CSP);
    expect(header).toContain("frame-ancestors 'none'");
  });

  it('assets with their MIME types; no CSP header on non-HTML', async () => {
    const js = await get('app://abra-sync/assets/index-AbC123.js');
    expect(js.status).toBe(200);
    expect(js.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['Content-Security-Policy']).toBeUndefined();
    expect((await get('app://abra-sync/assets/index-AbC123.css')).headers['Content-Type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get('app://abra-sync/assets/logo.svg')).headers['Content-Type']).toBe('image/svg+xml');
    expect((await get('app://abra-sync/assets/font.woff2')).headers['Content-Type']).toBe('font/woff2');
    expect(MIME_TYPES['.png']).toBe('image/png');
  });

  it('HEAD has headers and no body; other methods are refused', async () => {
    const head = await get(APP_PAGE_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect((await get(APP_PAGE_URL, 'POST')).status).toBe(405);
  });

  it('refusals: traversal, unknown type, missing file, directory — and the body never names a path', async () => {
    for (const url of [
      'app://abra-sync/../secret.txt',
      'app://abra-sync/%2e%2e/secret.txt',
      'app://abra-sync/..%2fsecret.txt',
      'app://abra-sync/..%5Csecret.txt',
      'app://other/index.html',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(String(r.body)).not.toContain('SECRET-CONTENT');
      expect(String(r.body)).not.toContain(tmp);
    }
    expect((await get('app://abra-sync/assets/notes.exe')).status).toBe(403);
    expect((await get('app://abra-sync/missing.js')).status).toBe(404);
    expect((await get('app://abra-sync/assets')).status).toBe(403); // no extension: no type, not served
  });

  it('a symlink leaving the folder is refused; one inside it is served', async (ctx) => {
    let hasLinks = true;
    try {
      (await import('node:fs')).lstatSync(path.join(root, 'link.txt'));
    } catch {
      hasLinks = false;
    }
    if (!hasLinks) ctx.skip();
    const out = await get('app://abra-sync/link.txt');
    expect(out.status).toBe(403);
    expect(String(out.body)).not.toContain('SECRET-CONTENT');
    expect((await get('app://abra-sync/up/secret.txt')).status).toBe(403);
    const inner = await get('app://abra-sync/inner.html');
    expect(inner.status).toBe(200);
    expect(text(inner)).toBe(HTML);
  });

  it('a broken file system is a 404, never a throw', async () => {
    const r = await serveAppRequest({ url: APP_PAGE_URL }, root, {
      realpath: (p) => p,
      readFile: () => Promise.reject(new Error('EIO')),
    });
    expect(r.status).toBe(404);
  });
});
