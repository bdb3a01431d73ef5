#!/usr/bin/env node
// Starts the app electron-builder packaged (release/*-unpacked, release/mac*/…app) once, with ABRA_SYNC_SMOKE_TEST=1:
// main.ts logs "smoke test: started" when the tray, IPC and controller are up and then quits. Passes when the app
// exits 0 within the time limit and the line is in its log. Run on CI after `npm run dist` (Linux: under xvfb-run).
//   node scripts/smoke-packaged.mjs [releaseDir]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const release = path.resolve(process.argv[2] ?? path.join(root, 'release'));
const product = 'ABRA Gen Exchange Sync';

function executable() {
  if (process.platform === 'win32') return [path.join(release, 'win-unpacked', `${product}.exe`)];
  if (process.platform === 'darwin') {
    const dirs = process.arch === 'arm64' ? ['mac-arm64', 'mac-universal'] : ['mac', 'mac-universal'];
    return dirs.map((d) => path.join(release, d, `${product}.app`, 'Contents', 'MacOS', product));
  }
  const dir = process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`;
  return [path.join(release, dir, 'abra-gen-exchange-sync')];
}

const exe = executable().find((p) => existsSync(p));
if (!exe) {
  console.error(`smoke: no packaged app found (looked for ${executable().join(', ')})`);
  process.exit(1);
}
const userData = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-smoke-'));
const args = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [];
console.log(`smoke: starting ${exe}`);
const r = spawnSync(exe, [...args, '--hidden'], {
  env: {
    ...process.env,
    ABRA_SYNC_USER_DATA: userData,
    ABRA_SYNC_SMOKE_TEST: '1',
    XDG_CONFIG_HOME: path.join(userData, 'xdg'),
  },
  encoding: 'utf8',
  timeout: 90_000,
});
const logFile = path.join(userData, 'logs', 'app.log');
const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
rmSync(userData, { recursive: true, force: true });
if (r.error || r.status !== 0 || !log.includes('smoke test: started')) {
  console.error(
    `smoke: failed (exit ${r.status}, signal ${r.signal}, ${r.error?.message ?? 'no spawn error'})`,
  );
  console.error(`--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n--- app.log\n${log}`);
  process.exit(1);
}
console.log('smoke: the packaged app started and quit cleanly');
