import { describe, expect, it } from 'vitest';
import { CSP, externalLink, isAllowedNavigation, isAllowedRequest } from '../../src-main/app/window-policy';

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

  it('links: https to the system browser, everything else dropped', () => {
    expect(externalLink('https://learn.microsoft.com/exchange')).toBe('https://learn.microsoft.com/exchange');
    expect(externalLink('http://example.com')).toBeNull();
    expect(externalLink('file:///C:/Windows/System32/calc.exe')).toBeNull();
    expect(externalLink('javascript:alert(1)')).toBeNull();
    expect(externalLink('https://user:pw@example.com')).toBeNull();
    expect(externalLink('not a url')).toBeNull();
  });
});
