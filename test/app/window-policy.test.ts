import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_PAGE_URL,
  CSP,
  externalLink,
  isAllowedNavigation,
  isAllowedRequest,
  isAppSender,
  META_CSP,
} from '../../src-main/app/window-policy';

describe('window security decisions', () => {
  it('CSP: no eval, no inline script, nothing remote', () => {
    expect(CSP).not.toMatch(/unsafe-eval|unsafe-inline|\*|https?:/);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).toContain("object-src 'none'");
    expect(CSP).toContain("frame-ancestors 'none'");
  });

  it('only the app: origin and inline content load — no remote content, no file:', () => {
    expect(isAllowedRequest('app://abra-sync/index.html')).toBe(true);
    expect(isAllowedRequest('app://abra-sync/assets/index-AbC.js')).toBe(true);
    // security review: the page was a file: page; no file: URL loads any more
    expect(isAllowedRequest('file:///opt/app/resources/app.asar/dist/renderer/index.html')).toBe(false);
    expect(isAllowedRequest('file:///etc/passwd')).toBe(false);
    expect(isAllowedRequest('app://other/index.html')).toBe(false);
    expect(isAllowedRequest('app://abra-sync:1/index.html')).toBe(false);
    expect(isAllowedRequest('app://x@abra-sync/index.html')).toBe(false);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(isAllowedRequest('https://example.com/x.js')).toBe(false);
    expect(isAllowedRequest('http://127.0.0.1:5173/')).toBe(false);
    expect(isAllowedRequest('ws://evil')).toBe(false);
  });

  it('navigation only within the app page', () => {
    const app = APP_PAGE_URL;
    expect(app).toBe('app://abra-sync/index.html');
    expect(isAllowedNavigation(`${app}#/log`)).toBe(true);
    expect(isAllowedNavigation(`${app}#/log`, app)).toBe(true);
    expect(isAllowedNavigation('app://abra-sync/assets/x.html', app)).toBe(false);
    expect(isAllowedNavigation('file:///opt/app/dist/renderer/index.html', app)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', app)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', app)).toBe(false);
  });

  it('links: https to an allowed documentation host to the system browser, everything else dropped', () => {
    // security review: any https link reached openExternal; now an allow-list
    expect(externalLink('https://evil.example/phish')).toBeNull();
    expect(externalLink('https://learn.microsoft.com:8443/x')).toBeNull();
    expect(externalLink('https://learn.microsoft.com/exchange')).toBe('https://learn.microsoft.com/exchange');
    expect(externalLink('http://learn.microsoft.com')).toBeNull();
    expect(externalLink('file:///C:/Windows/System32/calc.exe')).toBeNull();
    expect(externalLink('javascript:alert(1)')).toBeNull();
    expect(externalLink('https://user:pw@example.com')).toBeNull();
    expect(externalLink('not a url')).toBeNull();
  });
});

/**
 * Security review, Electron items: the page's own meta CSP is as strong as the header CSP (the app: scheme's response
 * carries the header CSP itself; the meta is the same policy less frame-ancestors); IPC is accepted only from the
 * exact app page on the app: origin, not from any file: page. Electron security checklist: "Define a Content Security Policy", "Validate the
 * sender of all IPC messages" (electronjs.org/docs/latest/tutorial/security).
 */
describe('the page and its IPC sender', () => {
  it("index.html's meta CSP is the header CSP (less frame-ancestors, which a meta cannot carry)", () => {
    const html = readFileSync(path.join(import.meta.dirname, '../../src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(META_CSP);
    expect(META_CSP).toContain("default-src 'none'");
    expect(META_CSP).not.toContain('frame-ancestors');
  });

  it('IPC sender: exactly the app page on the app origin (scheme, host, no port or user info)', () => {
    expect(isAppSender(APP_PAGE_URL)).toBe(true);
    expect(isAppSender(`${APP_PAGE_URL}#/connections`)).toBe(true);
    expect(isAppSender('app://abra-sync/index.html', APP_PAGE_URL)).toBe(true);
    // security review: the check was a file: prefix, so any file: page passed
    expect(isAppSender('file:///opt/app/resources/app.asar/dist/renderer/index.html')).toBe(false);
    expect(isAppSender('file:///tmp/evil.html')).toBe(false);
    expect(isAppSender('app://abra-sync/index.html.evil')).toBe(false);
    expect(isAppSender('app://abra-sync/assets/other.html')).toBe(false);
    expect(isAppSender('app://abra-sync/index.html?x=1')).toBe(false);
    expect(isAppSender('app://abra-sync.evil/index.html')).toBe(false);
    expect(isAppSender('app://evil/index.html')).toBe(false);
    expect(isAppSender('app://abra-sync:8080/index.html')).toBe(false);
    expect(isAppSender('app://u:p@abra-sync/index.html')).toBe(false);
    expect(isAppSender('https://abra-sync/index.html')).toBe(false);
    expect(isAppSender('about:blank')).toBe(false);
    expect(isAppSender('')).toBe(false);
    expect(isAppSender(undefined)).toBe(false);
  });
});
