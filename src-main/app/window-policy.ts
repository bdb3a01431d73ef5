/**
 * The window's security decisions as pure functions (window.ts applies them through Electron): the CSP, which
 * requests may load, which navigations are allowed, what happens to links that want a new window.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** No remote content: only the local bundle (file:), inline data, blobs and devtools. */
export function isAllowedRequest(url: string): boolean {
  return /^(file|data|blob|devtools):/i.test(url);
}

/** The page may only "navigate" to itself (hash changes); everything else is blocked. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  return url.split('#')[0] === appUrl.split('#')[0];
}

/** New windows are never opened; https links go to the system browser, anything else is dropped. */
export function externalLink(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password ? u.href : null;
  } catch {
    return null;
  }
}
