/**
 * The engine as one long-running process, driven over stdin — what the tray app holds all day, without Electron.
 * Built by scripts/build-main.mjs into dist/main/engine-host.cjs (the same esbuild config as the app and the CLI);
 * `npm run bench` starts it once and performs the initial, idle and one-change runs in turn, as the app does.
 *
 *   node --expose-gc dist/main/engine-host.cjs --config FILE --secrets FILE --data-dir DIR
 *
 * Requests, one JSON object per line on stdin; one JSON answer per line on stdout (logs go to stderr):
 *   {"op":"sync","part"?:"addressBook"}  → {"ok":true,"summaries":[…],"cpuMs":…,"peakRssMB":…,"rssMB":…}
 *   {"op":"gc"}                           → {"ok":true,"rssMB":…,"heapUsedMB":…,"mallocHeapMB":…,…}  (a full GC first; needs --expose-gc)
 *   {"op":"mem"}                          → the same without a GC (e.g. right after start: the floor)
 *   {"op":"exit"}                         → stops the service and ends the process
 * cpuMs is user + system CPU of this process during the run; peakRssMB its peak resident memory during the run
 * (Linux: VmHWM after resetting it through /proc/self/clear_refs; elsewhere the process's lifetime peak).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PART_NAMES, type PartName, parseConfig, type SecretSource } from './sync/config';
import { tuneHeapForEngine } from './sync/memory';
import { createSyncService } from './sync/service';
import { connect } from './wiring';

const MB = 1024 * 1024;

/**
 * Secrets from the --secrets JSON file, else the CLI's environment variables. (cli.ts's envSecrets is not imported:
 * bundling cli.ts into this entry would run the CLI's own main, which checks its file name against argv[1].)
 */
function secretsFrom(file?: string): SecretSource {
  const fromFile = file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const env: Record<string, string | undefined> = {
    abraPassword: process.env.ABRA_PASSWORD,
    abraToken: process.env.ABRA_TOKEN,
    exchangePassword: process.env.EXCHANGE_PASSWORD,
    graphTokenCache: process.env.EXCHANGE_TOKEN,
  };
  return { get: async (name) => fromFile[name] ?? env[name] ?? null };
}

/**
 * Resident MB of the C allocator's main heap (glibc's brk `[heap]`, Linux; null elsewhere): memory the allocator
 * keeps after native frees (response buffers, ICU, SQLite) shows here, not in the JS heap.
 */
function mallocHeapMB(): number | null {
  try {
    const m = /\[heap\]\n(?:.*\n)*?Rss:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps', 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS mark (Linux); false where that is not possible. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRssMB(canReset: boolean): number {
  if (canReset) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      if (m) return Math.round(Number(m[1]) / 1024);
    } catch {
      // fall through to the lifetime peak
    }
  }
  return Math.round((process.resourceUsage().maxRSS * 1024) / MB);
}

async function main(): Promise<number> {
  tuneHeapForEngine(); // as the app does at its start (src-main/app/electron/main.ts)
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      secrets: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (!values.config || !values['data-dir']) {
    process.stderr.write('usage: engine-host --config FILE --data-dir DIR [--secrets FILE]\n');
    return 2;
  }
  const config = parseConfig(JSON.parse(readFileSync(values.config, 'utf8')));
  const service = await createSyncService({
    config,
    secrets: secretsFrom(values.secrets),
    dataDir: values['data-dir'],
    connect,
    log: (level, msg) => {
      if (level !== 'info') process.stderr.write(`${msg}\n`);
    },
  });
  const answer = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const lines = createInterface({ input: process.stdin });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      let req: { op?: string; part?: string };
      try {
        req = JSON.parse(line) as { op?: string; part?: string };
      } catch {
        answer({ ok: false, error: 'not JSON' });
        continue;
      }
      if (req.op === 'exit') break;
      if (req.op === 'gc' || req.op === 'mem') {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (req.op === 'gc') {
          if (!gc) {
            answer({ ok: false, error: 'start the host with --expose-gc' });
            continue;
          }
          gc();
        }
        const m = process.memoryUsage();
        answer({
          ok: true,
          rssMB: Math.round(m.rss / MB),
          heapUsedMB: Math.round(m.heapUsed / MB),
          heapTotalMB: Math.round(m.heapTotal / MB),
          externalMB: Math.round(m.external / MB),
          mallocHeapMB: mallocHeapMB(),
        });
        continue;
      }
      if (req.op === 'sync') {
        const part = req.part as PartName | undefined;
        if (part && !PART_NAMES.includes(part)) {
          answer({ ok: false, error: `part must be one of ${PART_NAMES.join(', ')}` });
          continue;
        }
        const canReset = resetPeak();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        try {
          const summaries = await service.syncNow(part);
          const cpu = process.cpuUsage(cpu0);
          answer({
            ok: true,
            summaries,
            wallMs: Math.round(performance.now() - t0),
            cpuMs: Math.round((cpu.user + cpu.system) / 1000),
            peakRssMB: peakRssMB(canReset),
            rssMB: Math.round(process.memoryUsage().rss / MB),
          });
        } catch (e) {
          answer({ ok: false, error: e instanceof Error ? e.message : String(e) });
        }
        continue;
      }
      answer({ ok: false, error: `unknown op ${String(req.op)}` });
    }
  } finally {
    await service.stop();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
