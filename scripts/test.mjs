#!/usr/bin/env node
// `npm test`: every Vitest test on this machine's Node, then the engine and connector tests again on Node 24
// (the Node inside Electron), where ews-javascript-api needs its polyfill. Exits non-zero if either fails.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const extra = process.argv.slice(2);
const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root }).status ?? 1;

console.log(`\n== Vitest on Node ${process.versions.node} ==`);
const first = run(['node_modules/vitest/vitest.mjs', 'run', ...extra]);
if (first !== 0) process.exit(first);
if (extra.length > 0) process.exit(0);
console.log(
  '\n== Engine, connector, e-mail, end-to-end and shell tests on Node 24 (the Node inside Electron) ==',
);
process.exit(
  run([
    'scripts/node24.mjs',
    'node_modules/vitest/vitest.mjs',
    'run',
    'test/sync',
    'test/shared',
    'test/abra',
    'test/exchange',
    'test/emulators',
    'test/mail',
    'test/e2e',
    'test/app',
  ]),
);
