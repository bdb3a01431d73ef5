/**
 * The window's page comes from a custom privileged scheme, not from file: (Electron security checklist, "Avoid usage
 * of the file:// protocol and prefer custom protocols", electronjs.org/docs/latest/tutorial/security): `app://abra-sync/`
 * serves the built renderer folder and nothing else. This module is the whole decision, free of Electron: which URL
 * maps to which file (or is refused, and why), with which headers; `electron/app-protocol.ts` only registers it.
 *
 * Refused: another scheme, host, port or user info; a path with `..`/`.` segments, empty segments, backslashes, NUL
 * or other control characters, `:` (drive letters, alternate data streams), Windows device names, percent-encoded
 * `/`, `\` or `.` (encoded traversal), malformed or double percent-encoding; a file whose real path (symlinks resolved) is not
 * inside the renderer folder's real path; a file type not in the MIME table; any method but GET and HEAD.
 */
import { promises as fsp, realpathSync } from 'node:fs';
import path from 'node:path';
import { APP_HOST, APP_ORIGIN, APP_PAGE_URL, APP_SCHEME, CSP } from './window-policy';

export { APP_HOST, APP_ORIGIN, APP_PAGE_URL, APP_SCHEME };

/**
 * Privileges of the scheme, registered before the app is ready (`protocol.registerSchemesAsPrivileged`): a standard
 * scheme (origin, relative URLs), secure like https, fetch allowed. Not bypassCSP, no service workers, no CORS.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** The types the renderer bundle consists of; anything else is not served. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppPathResult =
  | { ok: true /** the path under the root, joined with the platform's separator */; relative: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): AppPathResult => ({ ok: false, status, reason });

const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The relative file path an `app:` request URL names, or why it is refused. Works on the raw URL text as well as
 * the parsed one, so a traversal hidden from the URL parser (encoded dots, backslashes) is refused, never normalised.
 */
export function appRequestPath(url: string, sep: string = path.sep): AppPathResult {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (u.protocol !== `${APP_SCHEME}:`) return refuse(400, `not an ${APP_SCHEME}: URL`);
  if (u.username || u.password || u.port) return refuse(400, 'user info or port in the URL');
  if (u.host !== APP_HOST) return refuse(404, `unknown host ${JSON.stringify(u.host)}`);
  // the raw path: what follows the origin up to the query or fragment, exactly as sent
  const prefix = `${APP_ORIGIN}/`;
  if (url.slice(0, prefix.length).toLowerCase() !== prefix) return refuse(400, 'not the app origin');
  const raw = url.slice(prefix.length).split(/[?#]/, 1)[0]!;
  if (raw === '') return refuse(404, 'no file named');
  if (raw.includes('\\')) return refuse(400, 'backslash in the path');
  if (/%(2f|5c|2e|00)/i.test(raw)) return refuse(400, 'encoded separator or dot in the path');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return refuse(400, 'malformed percent-encoding');
  }
  if (CONTROL.test(decoded)) return refuse(400, 'control character in the path');
  // a "%" left after decoding was encoded twice: no bundle file has one, and a second decoder must find nothing
  if (decoded.includes('%')) return refuse(400, 'double percent-encoding in the path');
  const segments = decoded.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') return refuse(400, 'empty, "." or ".." segment');
    if (s.includes(':')) return refuse(400, '":" in the path');
    if (s.includes('\\')) return refuse(400, 'backslash in the path');
    if (WINDOWS_DEVICE.test(s)) return refuse(400, 'a device name in the path');
    if (s.endsWith('.') || s.endsWith(' ')) return refuse(400, 'a name ending in "." or " "');
  }
  // the parsed URL must agree (a parser that normalised something away means the raw text was ambiguous)
  if (u.pathname !== `/${raw}`) return refuse(400, 'the path is not in canonical form');
  return { ok: true, relative: segments.join(sep) };
}

/** `file` (a real path) lies inside `root` (a real path), not the root itself. */
export function isInside(
  root: string,
  file: string,
  p: Pick<typeof path, 'relative' | 'isAbsolute' | 'sep'> = path,
): boolean {
  const rel = p.relative(root, file);
  return rel !== '' && !p.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${p.sep}`);
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string | null;
}

export interface AppFileSystem {
  realpath(p: string): string;
  readFile(p: string): Promise<Uint8Array>;
}

/** Node's fs; inside Electron it reads app.asar as well. */
export const NODE_FS: AppFileSystem = {
  realpath: (p) => realpathSync(p),
  readFile: (p) => fsp.readFile(p),
};

const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };

function refusal(status: number, reason: string): AppResponse {
  return {
    status,
    headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
    body: `${status} ${reason}`,
  };
}

/**
 * Answer one request of the `app:` scheme from `root` (the built renderer folder): the file with its MIME type and,
 * on HTML, the app's CSP header (the same policy as the page's meta CSP, plus `frame-ancestors`, which only a header
 * can carry). Never throws; a refusal says why in its body (no file system path in it).
 */
export async function serveAppRequest(
  req: { url: string; method?: string },
  root: string,
  fs: AppFileSystem = NODE_FS,
): Promise<AppResponse> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return refusal(405, 'method not allowed');
  const r = appRequestPath(req.url);
  if (!r.ok) return refusal(r.status, r.reason);
  const mime = MIME_TYPES[path.extname(r.relative).toLowerCase()];
  if (!mime) return refusal(403, 'file type not served');
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = fs.realpath(root);
    realFile = fs.realpath(path.join(realRoot, r.relative));
  } catch {
    return refusal(404, 'not found');
  }
  if (!isInside(realRoot, realFile)) return refusal(403, 'outside the app folder');
  let body: Uint8Array;
  try {
    body = await fs.readFile(realFile);
  } catch {
    return refusal(404, 'not found');
  }
  const headers: Record<string, string> = { ...COMMON_HEADERS, 'Content-Type': mime };
  if (mime.startsWith('text/html')) headers['Content-Security-Policy'] = CSP;
  return { status: 200, headers, body: method === 'HEAD' ? null : body };
}
