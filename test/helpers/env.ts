/**
 * Facts about the machine the tests run on, so that tests that need something absent skip with one clear line
 * instead of failing: the `../shared` reference data, an Electron binary, Debian's Chromium, xmllint.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** `../shared` beside the checkout (developer machines and CI have it; a user's clone does not). */
export const sharedDir = process.env.ABRA_SYNC_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
export const hasShared = existsSync(path.join(sharedDir, 'ews', 'schema', 'messages.xsd'));
export const sharedSkipReason = `../shared not found at ${sharedDir} (reference data lives beside the checkout on developer machines and in CI)`;

export const ewsSchemaDir = path.join(sharedDir, 'ews', 'schema');
export const ewsRecordingsDir = path.join(sharedDir, 'ews', 'recordings');
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
  try {
    const require = createRequire(import.meta.url);
    const p = require('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return { path: p, reason: '' };
    return {
      path: null,
      reason: 'Electron binary not present (electron package installed without its binary)',
    };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { path: null, reason: `Electron binary not present: ${msg}` };
  }
}

export const nodeMajor = Number(process.versions.node.split('.')[0]);
