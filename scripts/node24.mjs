#!/usr/bin/env node
// Runs a Node script with Node 24 — the Node line that Electron ≥ 40 embeds — so that the engine and the
// connectors are tested on it as well as on the machine's Node. The binary comes from the npm registry package
// node-<platform>-<arch> (no download from anywhere else) into .cache/node24, once.
//   node scripts/node24.mjs <script> [args...]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const NODE24_VERSION = '24.18.0'; // the Node of Electron 43 (see package.json "electron")
const root = path.resolve(import.meta.dirname, '..');
const platformPkg = `node-${process.platform}-${process.arch}`;
const prefix = path.join(root, '.cache', `node${NODE24_VERSION}`);
const bin =
  process.platform === 'win32'
    ? path.join(prefix, 'node_modules', platformPkg, 'bin', 'node.exe')
    : path.join(prefix, 'node_modules', platformPkg, 'bin', 'node');

if (process.versions.node.split('.')[0] === '24') {
  // Already on Node 24: run directly.
  const r = spawnSync(process.execPath, process.argv.slice(2), { stdio: 'inherit', cwd: root });
  process.exit(r.status ?? 1);
}

if (!existsSync(bin)) {
  const r = spawnSync(
    'npm',
    ['install', '--no-save', '--no-package-lock', '--prefix', prefix, `${platformPkg}@${NODE24_VERSION}`],
    { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, shell: process.platform === 'win32' },
  );
  if (r.status !== 0 || !existsSync(bin)) {
    console.error(`node24: could not install ${platformPkg}@${NODE24_VERSION} from the npm registry`);
    process.exit(1);
  }
}
const r = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
