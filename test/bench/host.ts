/**
 * The engine as `npm run bench` runs it: from the built bundle (dist/main, `npm run build:main`), either as one
 * long-running service process (dist/main/engine-host.cjs, driven over stdin — the way the tray app keeps the
 * engine all day) or as the one-shot CLI (dist/main/cli.cjs). Never through tsx: what is measured is what ships.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { RunSummary } from '../../src-main/sync/api';

export const root = path.resolve(import.meta.dirname, '../..');
export const DIST = path.join(root, 'dist', 'main');

/**
 * The Node that runs the engine: BENCH_NODE, else the Node 24 that `scripts/node24.mjs` keeps in .cache (the Node
 * line Electron embeds, where the state store uses node:sqlite), else this process's Node.
 */
export function engineNode(): string {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE;
  const cache = path.join(root, '.cache');
  const exe = process.platform === 'win32' ? 'node.exe' : path.join('bin', 'node');
  try {
    for (const d of readdirSync(cache)
      .filter((x) => x.startsWith('node24'))
      .sort()
      .reverse()) {
      const bin = path.join(cache, d, 'node_modules', `node-${process.platform}-${process.arch}`, exe);
      if (existsSync(bin)) return bin;
    }
  } catch {
    // no cache: this process's Node
  }
  return process.execPath;
}

/** Extra Node flags for the engine process (profiles: BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"). */
function nodeFlags(): string[] {
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  if (process.env.BENCH_HEAP_MB) flags.push(`--max-old-space-size=${process.env.BENCH_HEAP_MB}`);
  return flags;
}

export interface HostRun {
  summaries: RunSummary[];
  wallMs: number;
  cpuMs: number;
  peakRssMB: number;
  rssMB: number;
}

export class EngineHost {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly exited: Promise<number | null>;

  constructor(files: { configFile: string; secretsFile: string; dataDir: string }) {
    const entry = path.join(DIST, 'engine-host.cjs');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: npm run build:main`);
    this.child = spawn(
      engineNode(),
      [
        '--expose-gc',
        ...nodeFlags(),
        entry,
        '--config',
        files.configFile,
        '--secrets',
        files.secretsFile,
        '--data-dir',
        files.dataDir,
      ],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    createInterface({ input: this.child.stdout }).on('line', (l) => this.waiting.shift()?.(l));
    this.exited = new Promise((r) => this.child.on('exit', (c) => r(c)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  private async ask<T>(req: object): Promise<T> {
    const line = new Promise<string>((resolve, reject) => {
      this.waiting.push(resolve);
      void this.exited.then((c) => reject(new Error(`the engine process ended (exit ${c})`)));
    });
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const a = JSON.parse(await line) as T & { ok: boolean; error?: string };
    if (!a.ok) throw new Error(`engine host: ${a.error}`);
    return a;
  }

  sync(part?: string): Promise<HostRun> {
    return this.ask<HostRun>({ op: 'sync', part });
  }

  /** Memory after a full GC (`mem`: without one). */
  gc(op: 'gc' | 'mem' = 'gc'): Promise<{
    rssMB: number;
    heapUsedMB: number;
    heapTotalMB: number;
    externalMB: number;
    mallocHeapMB: number | null;
  }> {
    return this.ask({ op });
  }

  async exit(): Promise<void> {
    this.child.stdin.write(`${JSON.stringify({ op: 'exit' })}\n`);
    const code = await this.exited;
    if (code !== 0) throw new Error(`the engine process ended with exit ${code}`);
  }
}

/** One `run --once --json` of the built CLI; its own CPU and peak RSS from a preload that reports at exit. */
export async function cliOnce(
  files: { configFile: string; secretsFile: string; dataDir: string },
  part?: string,
) {
  const usageFile = path.join(files.dataDir, 'bench-usage.json');
  rmSync(usageFile, { force: true });
  const args = [
    ...nodeFlags(),
    '--require',
    path.join(import.meta.dirname, 'exit-usage.cjs'),
    path.join(DIST, 'cli.cjs'),
    'run',
    '--once',
    '--json',
    '--config',
    files.configFile,
    '--secrets',
    files.secretsFile,
    '--data-dir',
    files.dataDir,
  ];
  if (part) args.push('--part', part);
  const t0 = performance.now();
  const child = spawn(engineNode(), args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_USAGE_FILE: usageFile },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  if (code !== 0) throw new Error(`the CLI failed (exit ${code}): ${out.slice(0, 2000)}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number; peakRssMB: number };
  return {
    summaries: JSON.parse(out) as RunSummary[],
    wallMs: Math.round(performance.now() - t0),
    ...usage,
  };
}
