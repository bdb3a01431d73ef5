import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
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

  it('only local content loads', () => {
    expect(isAllowedRequest('file:///opt/app/resources/app.asar/dist/renderer/index.html')).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html')).toBe(true);
    expect(isAllowedRequest('https://example.com/x.js')).toBe(false);
    expect(isAllowedRequest('http://127.0.0.1:5173/')).toBe(false);
    expect(isAllowedRequest('ws://evil')).toBe(false);
  });

  it('navigation only within the app page', () => {
    const app = 'file:///opt/app/dist/renderer/index.html';
    expect(isAllowedNavigation(`${app}#/log`, app)).toBe(true);
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
 * Security review, Electron items: the page's own meta CSP is as strong as the header CSP (a file: response may not
 * pass through onHeadersReceived, so the meta is the one that certainly applies); IPC is accepted only from the exact
 * app page, not from any file: page. Electron security checklist: "Define a Content Security Policy", "Validate the
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

  it('IPC sender: exactly the app page', () => {
    const app = 'file:///opt/app/resources/app.asar/dist/renderer/index.html';
    expect(isAppSender(`${app}#/connections`, app)).toBe(true);
    expect(isAppSender('file:///tmp/evil.html', app)).toBe(false);
    expect(isAppSender('file:///opt/app/resources/app.asar/dist/renderer/index.html.evil', app)).toBe(false);
    expect(isAppSender(undefined, app)).toBe(false);
  });
});
