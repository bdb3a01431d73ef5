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

/** The custom scheme the renderer is served from (`app-protocol.ts`), never file:. */
export const APP_SCHEME = 'app';
/** The scheme's one host (a standard scheme needs one; it names the origin `app://abra-sync`). */
export const APP_HOST = 'abra-sync';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads; the only page IPC calls are accepted from. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/** Scheme, host and no user info or port: the URL is on the app's origin. */
function onAppOrigin(u: URL): boolean {
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password && !u.port;
}

function parse(url: string | undefined): URL | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * No remote content and no file: — only the app's own origin (the local bundle through the app: scheme), inline
 * data, blobs and devtools.
 */
export function isAllowedRequest(url: string): boolean {
  if (/^(data|blob|devtools):/i.test(url)) return true;
  const u = parse(url);
  return u !== null && onAppOrigin(u);
}

/**
 * The URL is the app page itself: the app origin (scheme, the one host, no user info, no port) and exactly its path
 * and query; only the fragment (the hash route) may differ.
 */
function isAppPage(url: string | undefined, appUrl: string): boolean {
  const u = parse(url);
  const a = parse(appUrl);
  return (
    u !== null &&
    a !== null &&
    onAppOrigin(u) &&
    onAppOrigin(a) &&
    u.pathname === a.pathname &&
    u.search === a.search
  );
}

/** An IPC call comes from the app's own page: exactly its origin and page (a hash route aside), nothing else. */
export function isAppSender(frameUrl: string | undefined, appUrl: string = APP_PAGE_URL): boolean {
  return isAppPage(frameUrl, appUrl);
}

/** The page may only "navigate" to itself (hash changes); everything else is blocked. */
export function isAllowedNavigation(url: string, appUrl: string = APP_PAGE_URL): boolean {
  return isAppPage(url, appUrl);
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
