/**
 * Facts about the machine the tests run on, so that tests that need something absent skip with one clear line
 * instead of failing: the `../shared` reference data, an Electron binary, Debian's Chromium, xmllint.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** `../shared` beside the checkout (developer machines and CI have it; a user's clone does not). */
export const sharedDir = process.env.ABRA_SYNC_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
export const hasShared = existsSync(path.join(sharedDir, 'ews', 'schema', 'messages.xsd'));
export const sharedSkipReason = `../shared not found at ${sharedDir} (reference data lives beside the checkout on developer machines and in CI)`;

export const ewsSchemaDir = path.join(sharedDir, 'ews', 'schema');
export const ewsRecordingsDir = path.join(sharedDir, 'ews', 'recordings');
/** Exchange 2007's own EWS schema (SP2/SP3 build and the pristine SP1 one), see ../shared/ews/README.md. */
export const ews2007SchemaDir = path.join(sharedDir, 'ews', 'schema-2007-sp2plus');
export const ews2007Sp1SchemaDir = path.join(sharedDir, 'ews', 'schema-2007-sp1');
export const hasEws2007Schema =
  existsSync(path.join(ews2007SchemaDir, 'messages.xsd')) &&
  existsSync(path.join(ews2007Sp1SchemaDir, 'messages.xsd'));
export const ews2007SkipReason = `Exchange 2007's schema not found in ${path.join(sharedDir, 'ews')} (schema-2007-sp2plus/, schema-2007-sp1/: reference data beside the checkout on developer machines and in CI)`;
export const abraNotesPath = path.join(sharedDir, 'notes', 'abra-gen-api.md');

function which(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export const xmllintPath = which('xmllint');
export const xmllintSkipReason = 'xmllint not installed (Debian package libxml2-utils)';

export const chromiumPath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : which('chromium'));
export const chromiumSkipReason = 'no Chromium found (install Debian package chromium or set CHROMIUM_PATH)';

/**
 * Path of a runnable Electron binary, or null with the reason. The `electron` npm package exports the binary's
 * path when its postinstall downloaded it, and throws otherwise (ELECTRON_SKIP_BINARY_DOWNLOAD=1, no network).
 */
export function electronBinary(): { path: string | null; reason: string } {
  // Resolve the binary the way the electron package does, without requiring it: its index.js downloads a missing
  // binary on first use, which here would only fail slowly and noisily.
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'Electron binary not present: the electron package is not installed' };
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const full = override ? path.join(override, rel || 'electron') : rel ? path.join(pkgDir, 'dist', rel) : '';
  if (full && existsSync(full)) return { path: full, reason: '' };
  return {
    path: null,
    reason:
      'Electron binary not present (installed with ELECTRON_SKIP_BINARY_DOWNLOAD, or no download possible)',
  };
}

export const nodeMajor = Number(process.versions.node.split('.')[0]);
