/**
 * Runs a built main.cjs under Node 24 (as inside Electron: node:sqlite; better-sqlite3 is not shipped with the app)
 * against the stand-in `electron` module (fixtures/fake-electron.cjs, found in `root`'s node_modules), driven by
 * fixtures/drive-main.cjs: the main-process smoke test and the bundle test of what the app shell loads.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../helpers/env';

export function runFakeMain(
  mainFile: string,
  root: string,
  config: unknown,
  secret: string,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['scripts/node24.mjs', '-e', `require(${JSON.stringify(mainFile)})`], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      FAKE_ROOT: root,
      FAKE_APP_PATH: repoRoot,
      FAKE_SCRIPT: path.join(import.meta.dirname, 'fixtures', 'drive-main.cjs'),
      FAKE_CONFIG: JSON.stringify(config),
      FAKE_SECRET: secret,
      XDG_CONFIG_HOME: path.join(root, 'xdg'), // Linux start-at-login writes its autostart entry here
    },
  });
}
