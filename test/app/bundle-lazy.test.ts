/**
 * What the shipped engine loads (issue #17, start and resident memory): the bundles as scripts/build-main.mjs builds
 * them, run with a Microsoft 365 configuration, never initialise ews-javascript-api (nor xmldom, moment-timezone);
 * with an EWS one never @azure/msal-node — the wiring loads each backend on first use (src-main/wiring/exchange.ts).
 * And the bundles are plain ASCII, so V8 holds their source one byte per character (scripts/build-main.mjs).
 *
 * How it is seen: the built engine host, with esbuild's two module wrappers (`__esm` for our ES modules, `__commonJS`
 * for CommonJS packages) wrapped to note the path of each module whose body runs. The host performs one run against
 * a closed port: the run fails after the wiring made its backend, which is all this needs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/env';
import { runFakeMain } from './fake-main';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-lazy-'));
const out = path.join(tmp, 'dist', 'main');

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A built bundle (the engine host, main), instrumented: each module body that runs is noted; printed to stderr at exit. */
function instrumented(bundle = 'engine-host'): string {
  const src = readFileSync(path.join(out, `${bundle}.cjs`), 'utf8');
  const at = src.indexOf('\nvar __export = ');
  if (at < 0 || !src.includes('\nvar __esm = ') || !src.includes('\nvar __commonJS = '))
    throw new Error("esbuild's module helpers are not where this test expects them: update the test");
  const probe = `
var __ran = new Set();
process.on('exit', () => process.stderr.write('RAN ' + JSON.stringify([...__ran]) + '\\n'));
var __esm0 = __esm, __commonJS0 = __commonJS;
__esm = (fn, ...rest) => { const n = __getOwnPropNames(fn)[0]; const init = __esm0(fn, ...rest); return function () { __ran.add(n); return init.apply(this, arguments); }; };
__commonJS = (cb, ...rest) => { const n = __getOwnPropNames(cb)[0]; const req = __commonJS0(cb, ...rest); return function () { __ran.add(n); return req.apply(this, arguments); }; };`;
  const file = path.join(out, `${bundle}.probe.cjs`);
  writeFileSync(file, src.slice(0, at) + probe + src.slice(at));
  return file;
}

/** One run of the instrumented host with this Exchange configuration; the module paths whose bodies ran. */
async function modulesRun(exchange: Record<string, unknown>): Promise<string[]> {
  const port = await closedPort();
  const dataDir = mkdtempSync(path.join(tmp, 'state-'));
  const configFile = path.join(dataDir, 'config.json');
  const secretsFile = path.join(dataDir, 'secrets.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      abra: { serverUrl: `https://127.0.0.1:${port}`, connection: 'firma', login: 'jan' },
      exchange,
      parts: { addressBook: { enabled: true } },
    }),
  );
  writeFileSync(
    secretsFile,
    JSON.stringify({ abraPassword: 'p', exchangePassword: 'p', graphTokenCache: 'a-token' }),
  );
  const child = spawn(
    process.execPath,
    [host, '--config', configFile, '--secrets', secretsFile, '--data-dir', dataDir],
    // the bundle's one native external (better-sqlite3, for a Node without node:sqlite) from the checkout
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.stdin.write(`${JSON.stringify({ op: 'sync' })}\n`);
  const line = (await answers.next()).value as string | undefined;
  if (line === undefined) {
    await new Promise((r) => child.on('exit', r));
    throw new Error(`the engine host ended without an answer:\n${stderr}`);
  }
  const answer = JSON.parse(line) as {
    ok: boolean;
    summaries?: { result: string }[];
  };
  // the run cannot succeed (nothing listens): what matters is that it got as far as the wiring
  expect(
    answer.ok && answer.summaries?.length && answer.summaries.every((s) => s.result === 'ok'),
  ).toBeFalsy();
  child.stdin.write(`${JSON.stringify({ op: 'exit' })}\n`);
  await new Promise((r) => child.on('exit', r));
  const ran = /^RAN (.*)$/m.exec(stderr);
  if (!ran) throw new Error(`no module list from the host:\n${stderr}`);
  return JSON.parse(ran[1]!) as string[];
}

let host: string;

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/build-main.mjs', '--outdir', out], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build-main failed:\n${r.stdout}\n${r.stderr}`);
  host = instrumented();
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const has = (mods: string[], re: RegExp) => mods.some((m) => re.test(m));
const EWS_LIB = /node_modules\/ews-javascript-api\//;
const MSAL = /node_modules\/@azure\/msal-node\//;

describe('the shipped engine loads only the backend its configuration uses', () => {
  it('Microsoft 365: the Graph backend, never ews-javascript-api, xmldom or moment-timezone', async () => {
    const mods = await modulesRun({
      kind: 'graph',
      email: 'jan@example.cz',
      graphUrl: `https://127.0.0.1:${await closedPort()}/v1.0`,
      tenantId: 'tenant',
      clientId: 'client',
    });
    expect(has(mods, /src-main\/exchange\/graph\//)).toBe(true);
    expect(has(mods, EWS_LIB)).toBe(false);
    expect(has(mods, /node_modules\/@xmldom\/|node_modules\/moment-timezone\//)).toBe(false);
    expect(has(mods, /src-main\/exchange\/ews\/(backend|ews-lib)\.ts/)).toBe(false);
  }, 60_000);

  it('EWS: ews-javascript-api, never @azure/msal-node or the Graph backend', async () => {
    const mods = await modulesRun({
      email: 'jan@example.cz',
      ewsUrl: `https://127.0.0.1:${await closedPort()}/EWS/Exchange.asmx`,
    });
    expect(has(mods, EWS_LIB)).toBe(true);
    expect(has(mods, /src-main\/exchange\/ews\/backend\.ts/)).toBe(true);
    expect(has(mods, MSAL)).toBe(false);
    expect(has(mods, /src-main\/exchange\/graph\//)).toBe(false);
  }, 60_000);
});

describe('the app shell loads no Microsoft sign-in it does not need', () => {
  it('main.cjs of an EWS user with a password never initialises @azure/msal-node or the Graph backend', () => {
    // main.cjs under Node 24 against the stand-in electron of the main-process smoke test, an EWS configuration
    const fake = path.join(tmp, 'node_modules', 'electron');
    mkdirSync(fake, { recursive: true });
    copyFileSync(
      path.join(import.meta.dirname, 'fixtures', 'fake-electron.cjs'),
      path.join(fake, 'index.js'),
    );
    const config = {
      abra: { serverUrl: 'http://127.0.0.1:9', connection: 'demo', login: 'jan.lazy' },
      exchange: { kind: 'ews', email: 'jan@firma.cz', ewsUrl: 'https://127.0.0.1:9/EWS/Exchange.asmx' },
      parts: { addressBook: { enabled: true, intervalMinutes: 600 } },
    };
    const main = instrumented('main');
    const r = runFakeMain(main, tmp, config, 'Lazy-Test-Heslo-1');
    expect(r.stdout, r.stderr).toMatch(/^FAKE_RESULT /m);
    const ran = /^RAN (.*)$/m.exec(r.stderr);
    expect(ran, r.stderr).toBeTruthy();
    const mods = JSON.parse(ran![1]!) as string[];
    // (our statically imported modules are inlined, not wrapped: only lazily loaded ones show in the list)
    expect(has(mods, /node_modules\/ews-javascript-api\//)).toBe(false);
    expect(has(mods, MSAL)).toBe(false);
    expect(has(mods, /src-main\/exchange\/graph\/(auth|backend)\.ts/)).toBe(false);
  }, 90_000);
});

describe('the bundles are ASCII', () => {
  it('main, cli and the engine host: no character beyond ASCII (V8 would hold the whole source twice as big)', () => {
    for (const f of ['main.cjs', 'cli.cjs', 'engine-host.cjs']) {
      const text = readFileSync(path.join(out, f), 'utf8');
      const at = text.search(/[^\x00-\x7f]/);
      expect(at, `${f} at ${at}: ${text.slice(Math.max(0, at - 40), at + 20)}`).toBe(-1);
    }
  });
});
