/**
 * The update feed electron-builder publishes beside the installers and electron-updater reads: one YAML file per
 * platform (`latest.yml` Windows, `latest-mac.yml` macOS, `latest-linux.yml` / `latest-linux-arm64.yml` Linux) with
 * the version and, per file, its URL (relative to the feed folder), base64 SHA-512 and size:
 *
 *   version: 0.2.0
 *   files:
 *     - url: abra-gen-exchange-sync-0.2.0-setup.exe
 *       sha512: 3q2+7w…==
 *       size: 91234567
 *   path: abra-gen-exchange-sync-0.2.0-setup.exe
 *   sha512: 3q2+7w…==
 *   releaseDate: '2026-12-06T01:00:00.000Z'
 *
 * In the app electron-updater itself downloads and checks the SHA-512 (and on Windows the Authenticode publisher);
 * this module is the same check outside the app, without dependencies: CI runs it on the release folder
 * (scripts/check-release.ts) and an admin on a mirrored feed (`npx tsx scripts/check-release.ts <https URL>`), so
 * a feed that would make every installed app fail its update is caught before the users see it.
 *
 * The parser reads what electron-builder writes (js-yaml `dump`: block mappings, one block list `files`, plain or
 * quoted scalars); anything else in the document is skipped, a missing or malformed required field is an error.
 */
import { createHash } from 'node:crypto';

export interface FeedFile {
  url: string;
  /** base64 SHA-512 of the file */
  sha512: string;
  size?: number;
}

export interface UpdateFeed {
  version: string;
  files: FeedFile[];
  releaseDate?: string;
}

/** The feed file electron-updater asks for on this platform (channel `latest`). */
export function feedFileName(platform: NodeJS.Platform, arch: string, channel = 'latest'): string {
  if (platform === 'win32') return `${channel}.yml`;
  if (platform === 'darwin') return `${channel}-mac.yml`;
  return arch === 'x64' ? `${channel}-linux.yml` : `${channel}-linux-${arch}.yml`;
}

function scalar(raw: string, where: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    if (!v.endsWith("'") || v.length < 2) throw new Error(`${where}: unterminated quoted value`);
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (v.startsWith('"')) {
    if (!v.endsWith('"') || v.length < 2) throw new Error(`${where}: unterminated quoted value`);
    return JSON.parse(v) as string;
  }
  return v.replace(/\s+#.*$/, '');
}

const BASE64_SHA512 = /^[A-Za-z0-9+/]{86}==$/;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Parse a `latest*.yml`; throws naming the source and the problem. */
export function parseUpdateFeed(text: string, source: string): UpdateFeed {
  const top = new Map<string, string>();
  const files: Record<string, string>[] = [];
  let inFiles = false;
  let cur: Record<string, string> | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const where = `${source} line ${i + 1}`;
    if (!line.trim() || /^\s*#/.test(line) || line === '---') continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      const m = /^([A-Za-z0-9_]+):(?:\s+(.*))?$/.exec(line);
      if (!m) throw new Error(`${where}: expected "key: value"`);
      inFiles = m[1] === 'files' && !m[2];
      cur = null;
      // block scalars (releaseNotes: |) continue on deeper-indented lines, skipped below
      if (m[2] !== undefined && !/^[|>]/.test(m[2])) top.set(m[1]!, scalar(m[2], where));
      continue;
    }
    if (!inFiles) continue; // the body of a block scalar or of a mapping we do not read
    const item = /^\s*-\s+([A-Za-z0-9_]+):\s*(.*)$/.exec(line);
    const field = /^\s+([A-Za-z0-9_]+):\s*(.*)$/.exec(line);
    if (item) {
      cur = { [item[1]!]: scalar(item[2]!, where) };
      files.push(cur);
    } else if (field && cur) cur[field[1]!] = scalar(field[2]!, where);
    else throw new Error(`${where}: unexpected line in "files"`);
  }
  const version = top.get('version');
  if (!version || !VERSION.test(version))
    throw new Error(`${source}: "version" missing or not a semantic version`);
  if (files.length === 0) throw new Error(`${source}: "files" is missing or empty`);
  const out: FeedFile[] = files.map((f, n) => {
    if (!f.url) throw new Error(`${source}: files[${n}] has no url`);
    if (!f.sha512 || !BASE64_SHA512.test(f.sha512))
      throw new Error(`${source}: files[${n}] (${f.url}) has no base64 sha512`);
    const file: FeedFile = { url: f.url, sha512: f.sha512 };
    if (f.size !== undefined) {
      if (!/^\d+$/.test(f.size)) throw new Error(`${source}: files[${n}] (${f.url}) size is not a number`);
      file.size = Number(f.size);
    }
    return file;
  });
  const feed: UpdateFeed = { version, files: out };
  const date = top.get('releaseDate');
  if (date) feed.releaseDate = date;
  return feed;
}

export function sha512Base64(data: Uint8Array): string {
  return createHash('sha512').update(data).digest('base64');
}

/** Throws unless `data` is the file the feed describes (size, then SHA-512). */
export function verifyFeedFile(file: FeedFile, data: Uint8Array): void {
  if (file.size !== undefined && data.byteLength !== file.size)
    throw new Error(`${file.url}: size ${data.byteLength} bytes, the feed says ${file.size}`);
  const got = sha512Base64(data);
  if (got !== file.sha512)
    throw new Error(`${file.url}: sha512 checksum mismatch (feed ${file.sha512}, file ${got})`);
}

/** The file this machine would install: Windows the setup .exe, macOS the zip of its arch, Linux the AppImage. */
export function pickFeedFile(feed: UpdateFeed, platform: NodeJS.Platform, arch: string): FeedFile | null {
  const ext = platform === 'win32' ? '.exe' : platform === 'darwin' ? '.zip' : '.AppImage';
  const candidates = feed.files.filter((f) => f.url.toLowerCase().endsWith(ext.toLowerCase()));
  if (platform === 'darwin') {
    const archRe = arch === 'arm64' ? /arm64/ : /^(?!.*arm64)/;
    return candidates.find((f) => archRe.test(f.url)) ?? null;
  }
  return candidates[0] ?? null;
}

/** Feed URLs must be https; plain http only to this machine (tests, a local mirror being checked). */
export function checkFeedUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`update feed "${url}" is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new Error(`update feed "${url}" must be an https URL`);
  if (u.username || u.password) throw new Error(`update feed "${u.origin}": no credentials in the URL`);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

export interface FeedCheck {
  feed: UpdateFeed;
  file: FeedFile;
  bytes: number;
}

/**
 * Fetch `<base>/<feed file>` and the file this platform would install, and verify it — what the app will do.
 * `fetchImpl` defaults to the global fetch.
 */
export async function checkRemoteFeed(
  base: string,
  platform: NodeJS.Platform,
  arch: string,
  fetchImpl: typeof fetch = fetch,
): Promise<FeedCheck> {
  const baseUrl = checkFeedUrl(base);
  const feedUrl = new URL(feedFileName(platform, arch), baseUrl);
  const res = await fetchImpl(feedUrl, { redirect: 'error' });
  if (!res.ok) throw new Error(`${feedUrl.href}: HTTP ${res.status}`);
  const feed = parseUpdateFeed(await res.text(), feedUrl.href);
  const file = pickFeedFile(feed, platform, arch);
  if (!file) throw new Error(`${feedUrl.href}: no file for ${platform}-${arch}`);
  const fileUrl = new URL(file.url, baseUrl);
  if (fileUrl.origin !== baseUrl.origin) throw new Error(`${feedUrl.href}: ${file.url} is on another server`);
  const bin = await fetchImpl(fileUrl, { redirect: 'error' });
  if (!bin.ok) throw new Error(`${fileUrl.href}: HTTP ${bin.status}`);
  const data = new Uint8Array(await bin.arrayBuffer());
  verifyFeedFile(file, data);
  return { feed, file, bytes: data.byteLength };
}
