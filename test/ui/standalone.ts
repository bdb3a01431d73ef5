/**
 * The renderer in any browser, for looking at it by hand: builds it, starts the ABRA and EWS emulators, the real
 * controller and engine, and the test bridge, then prints the URL and the credentials to type in.
 *
 *   npx tsx test/ui/standalone.ts [--port 5180] [--exchange memory]
 *
 * Ctrl+C stops everything (the temp folders are removed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { createController } from '../../src-main/app/controller';
import { repoRoot } from '../helpers/env';
import { startBridgeServer } from './bridge-server';
import { EXCHANGE_PASSWORD, MAILBOX, startUiBackends } from './ui-deps';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const outDir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-renderer-'));
await build({
  configFile: path.join(repoRoot, 'src-renderer', 'vite.config.ts'),
  build: { outDir, emptyOutDir: true },
  logLevel: 'warn',
});
const backends = await startUiBackends({ exchange: arg('exchange') === 'memory' ? 'memory' : 'ews' });
backends.ews?.control.createFolder('inbox', 'Customers', 'IPF.Note', MAILBOX.email);
const controller = await createController(backends.deps({ name: 'standalone' }));
const bridge = await startBridgeServer({
  rootDir: outDir,
  controller,
  ...(arg('port') ? { port: Number(arg('port')) } : {}),
});
console.log(
  JSON.stringify(
    {
      url: bridge.url,
      abra: {
        serverUrl: `http://127.0.0.1:${backends.abra.port}`,
        connection: backends.abra.connection,
        login: backends.abra.user,
        password: backends.abra.password,
      },
      exchange: { email: MAILBOX.email, ewsUrl: backends.ewsUrl, password: EXCHANGE_PASSWORD },
    },
    null,
    2,
  ),
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await bridge.stop();
  await controller.dispose();
  await backends.stop();
  rmSync(outDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
