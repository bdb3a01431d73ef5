/**
 * One engine per state file (security review, faults probe S1: the CLI next to the tray app duplicated ABRA e-mails
 * and Outlook contacts). Two CLI processes started together on one data folder: exactly one works, the other stops
 * at once with exit code 3 and a sentence naming the file; a holder killed with SIGKILL does not block the next one
 * (the OS drops SQLite's file lock with the process). In one process the lock refuses a second service too.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_LOCKED } from '../../src-main/cli';
import { parseConfig } from '../../src-main/sync/config';
import { createSyncService } from '../../src-main/sync/service';
import { StateLock, StateLockedError } from '../../src-main/sync/state/lock';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// the address book on an unreachable loopback port: the daemon keeps retrying (and holding its state)
const configFile = path.join(dir, 'config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    profile: 'shared',
    abra: { serverUrl: 'http://127.0.0.1:1', connection: 'x', login: 'x' },
    exchange: { kind: 'ews', email: 'jan@firma.cz', ewsUrl: 'https://127.0.0.1:1/EWS/Exchange.asmx' },
    parts: { addressBook: { enabled: true } },
  }),
);

function cli(args: string[]) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'src-main/cli.ts'),
      'run',
      '--config',
      configFile,
      '--data-dir',
      dir,
      ...args,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ABRA_PASSWORD: 'x', EXCHANGE_PASSWORD: 'x' },
    },
  );
  let err = '';
  child.stderr.on('data', (d) => {
    err += String(d);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, err: () => err };
}

describe('one engine per state file', () => {
  it('two CLIs started together: one works, the other exits 3 with a clear message; SIGKILL frees the lock', async () => {
    const a = cli([]);
    const b = cli([]);
    const first = await Promise.race([a.exited.then(() => a), b.exited.then(() => b)]);
    const holder = first === a ? b : a;
    expect(await first.exited).toBe(EXIT_LOCKED);
    expect(first.err()).toMatch(
      /another copy of the sync .* is already working with shared\.sqlite \(process (\d+|\?)\)/,
    );
    expect(holder.child.exitCode).toBeNull(); // still running, holding the state
    // a failed first run (the server is unreachable) does not end the daemon: it stays to retry on its schedule
    for (let i = 0; i < 300 && !/unreachable/.test(holder.err()); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(holder.err()).toMatch(/unreachable/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(holder.child.exitCode).toBeNull();

    holder.child.kill('SIGKILL');
    await holder.exited;
    // the next engine is not blocked by a stale lock: it runs (and fails to reach the loopback port: exit 1)
    const c = cli(['--once']);
    expect(await c.exited).toBe(1);
    expect(c.err()).not.toMatch(/another copy/);
  }, 60_000);

  it('in one process: a second service on the same state is refused until the first stops', async () => {
    const config = parseConfig(
      JSON.parse(String(await import('node:fs').then((f) => f.readFileSync(configFile)))),
    );
    const inproc = path.join(dir, 'inproc');
    const s1 = await createSyncService({
      config,
      secrets: { get: async () => null },
      dataDir: inproc,
      connect: async () => {
        throw new Error('no');
      },
    });
    const e = await createSyncService({
      config,
      secrets: { get: async () => null },
      dataDir: inproc,
      connect: async () => {
        throw new Error('no');
      },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StateLockedError);
    expect((e as StateLockedError).note).toMatchObject({
      key: 'engine.locked',
      params: { file: 'shared.sqlite', pid: String(process.pid) },
    });
    await s1.stop();
    const s2 = await createSyncService({
      config,
      secrets: { get: async () => null },
      dataDir: inproc,
      connect: async () => {
        throw new Error('no');
      },
    });
    await s2.stop();
    // and the lock is a plain acquire/release
    const l = StateLock.acquire(path.join(inproc, 'shared.sqlite'));
    expect(l.held).toBe(true);
    l.release();
    expect(l.held).toBe(false);
  });
});
