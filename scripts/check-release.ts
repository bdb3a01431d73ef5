/**
 * After `npm run dist` (CI) or against a published feed (admins):
 *
 *   npx tsx scripts/check-release.ts release                          # this platform's installers + feed agree
 *   npx tsx scripts/check-release.ts https://updates.firma.cz/abra-sync/ [--platform win32 --arch x64]
 *
 * Folder: the installers this platform builds exist (Windows setup .exe + .msi, macOS .dmg + update .zip, Linux
 * .AppImage + .deb), the platform's update feed (latest*.yml) exists, and every file it lists is in the folder with
 * the size and SHA-512 the feed states — what electron-updater will check on every installed app.
 * URL: downloads the feed and the file this platform would install and verifies it the same way.
 * Exit code 0 when everything holds, 1 with one line per problem otherwise.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkRemoteFeed, parseUpdateFeed, verifyFeedFile } from '../src-main/app/update-feed';

const INSTALLERS: Record<string, { feeds: string[]; patterns: RegExp[] }> = {
  win32: { feeds: ['latest.yml'], patterns: [/-setup\.exe$/, /\.msi$/] },
  darwin: { feeds: ['latest-mac.yml'], patterns: [/\.dmg$/, /-mac-(x64|arm64)\.zip$/] },
  linux: { feeds: ['latest-linux.yml'], patterns: [/\.AppImage$/, /\.deb$/] },
};

export function checkReleaseFolder(dir: string, platform: NodeJS.Platform): string[] {
  const problems: string[] = [];
  const want = INSTALLERS[platform];
  if (!want) return [`no installers defined for ${platform}`];
  if (!existsSync(dir)) return [`${dir} does not exist (run npm run dist first)`];
  const names = readdirSync(dir);
  for (const re of want.patterns)
    if (!names.some((n) => re.test(n))) problems.push(`no installer matching ${re} in ${dir}`);
  for (const feedName of want.feeds) {
    const feedPath = path.join(dir, feedName);
    if (!existsSync(feedPath)) {
      problems.push(`${feedName} missing in ${dir}: installed apps would find no update`);
      continue;
    }
    try {
      const feed = parseUpdateFeed(readFileSync(feedPath, 'utf8'), feedName);
      for (const f of feed.files) {
        const p = path.join(dir, f.url);
        if (!existsSync(p)) problems.push(`${feedName} lists ${f.url}, which is not in ${dir}`);
        else
          try {
            verifyFeedFile(f, readFileSync(p));
          } catch (e) {
            problems.push(`${feedName}: ${(e as Error).message}`);
          }
      }
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { platform: { type: 'string' }, arch: { type: 'string' } },
  });
  const target = positionals[0] ?? 'release';
  const platform = (values.platform ?? process.platform) as NodeJS.Platform;
  const arch = values.arch ?? process.arch;
  if (/^https?:\/\//i.test(target)) {
    try {
      const r = await checkRemoteFeed(target, platform, arch);
      console.log(
        `ok: ${target} offers ${r.feed.version}: ${r.file.url} (${r.bytes} bytes, sha512 verified)`,
      );
      return 0;
    } catch (e) {
      console.error(`update feed check failed: ${(e as Error).message}`);
      return 1;
    }
  }
  const problems = checkReleaseFolder(path.resolve(target), platform);
  for (const p of problems) console.error(`release check: ${p}`);
  if (problems.length === 0)
    console.log(`ok: ${target} has the ${platform} installers and a matching update feed`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename)
  process.exitCode = await main();
