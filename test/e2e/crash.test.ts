/**
 * A sync killed mid-run (power cut, task manager, SIGKILL) and started again creates nothing twice and loses
 * nothing: the headless CLI runs in a child process against the emulators in this process, is killed once it has
 * written part of the address book, and a second run finishes the job.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness';

const root = path.resolve(import.meta.dirname, '../..');
let w: World;

beforeAll(async () => {
  w = await startWorld({ abraSize: 'demo' });
});
afterAll(async () => {
  await w?.stop();
});

function cli(configFile: string, secretsFile: string) {
  return spawn(
    process.execPath,
    [
      // one process (the tsx CLI would fork a second one that SIGKILL would leave running)
      '--import',
      'tsx',
      path.join(root, 'src-main/cli.ts'),
      'run',
      '--once',
      '--part',
      'addressBook',
      '--config',
      configFile,
      '--secrets',
      secretsFile,
      '--data-dir',
      w.dataDir,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe('crash safety', () => {
  it('SIGKILL in the middle of the first run, then a second run: every contact exactly once', async () => {
    const cfg = structuredClone(w.config);
    cfg.parts.calendar.enabled = false;
    cfg.parts.tasks.enabled = false;
    cfg.parts.mail.enabled = false;
    const configFile = path.join(w.dataDir, 'config.json');
    const secretsFile = path.join(w.dataDir, 'secrets.json');
    writeFileSync(configFile, JSON.stringify(cfg));
    writeFileSync(secretsFile, JSON.stringify(w.secretValues), { mode: 0o600 });
    const expected = w.abra.control.list('firms', 'firm_id = null and hidden = false').length;

    // slow Exchange down so that the kill lands between batches of creates
    w.ews!.faults.setLatency(40);
    const child = cli(configFile, secretsFile);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 60_000;
    while ((w.ews!.log.counts().CreateItem ?? 0) < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(w.ews!.log.counts().CreateItem ?? 0, stderr).toBeGreaterThanOrEqual(2);
    child.kill('SIGKILL');
    await exited;
    w.ews!.faults.setLatency(0);

    const partial = w.outlook.contacts();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.filter((c) => !(c.abraId ?? '').includes(':')).length).toBeLessThan(expected);

    const second = cli(configFile, secretsFile);
    let out = '';
    second.stdout.on('data', (d) => {
      out += String(d);
    });
    const code = await new Promise<number | null>((r) => second.on('exit', (c) => r(c)));
    expect(code, out).toBe(0);

    const contacts = w.outlook.contacts();
    const ids = contacts.map((c) => c.abraId ?? '');
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
    expect(ids.filter((id) => id && !id.includes(':'))).toHaveLength(expected); // nothing lost
  });
});
