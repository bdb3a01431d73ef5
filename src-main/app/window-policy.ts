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

/** An IPC call comes from the app's own page: exactly its URL (a hash route aside), not any file: page. */
export function isAppSender(frameUrl: string | undefined, appUrl: string): boolean {
  return typeof frameUrl === 'string' && frameUrl.split('#')[0] === appUrl.split('#')[0];
}

/** The page may only "navigate" to itself (hash changes); everything else is blocked. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  return url.split('#')[0] === appUrl.split('#')[0];
}

/** The CSP the page's own `<meta>` carries: the header's, less what a meta CSP cannot say (frame-ancestors). */
export const META_CSP = CSP.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');

/** The only hosts a link in the window may open in the system browser (documentation). */
export const EXTERNAL_HOSTS: readonly string[] = ['learn.microsoft.com', 'support.microsoft.com'];

/** New windows are never opened; https links to an allowed host go to the system browser, anything else is dropped. */
export function externalLink(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' &&
      !u.username &&
      !u.password &&
      !u.port &&
      EXTERNAL_HOSTS.includes(u.hostname.toLowerCase())
      ? u.href
      : null;
  } catch {
    return null;
  }
}
