/**
 * The engine, headless — for admins, tests and the demo.
 *
 *   npm run sync -- run --config sync.json [--part calendar] [--once] [--dry-run] [--data-dir DIR] [--json]
 *   npm run sync -- validate --config sync.json
 *   npm run sync -- check --config sync.json [--lang cs] [--json]   (preflight against the ABRA server; writes nothing)
 *
 * Secrets never go into the config file: they come from the environment (ABRA_PASSWORD or ABRA_TOKEN,
 * EXCHANGE_PASSWORD, EXCHANGE_TOKEN) or from a JSON file named by --secrets (mode 600 recommended).
 * Exit codes: 0 every part ok, 1 some part failed / needs a decision, 2 bad usage or configuration.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PlanEntry, RunSummary } from './sync/api';
import {
  ConfigError,
  PART_NAMES,
  type PartName,
  parseConfig,
  type SecretName,
  type SecretSource,
} from './sync/config';

export function envSecrets(file?: string): SecretSource {
  let fromFile: Record<string, string> = {};
  if (file) fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const env: Record<SecretName, string | undefined> = {
    abraPassword: process.env.ABRA_PASSWORD,
    abraToken: process.env.ABRA_TOKEN,
    exchangePassword: process.env.EXCHANGE_PASSWORD,
    graphTokenCache: process.env.EXCHANGE_TOKEN,
  };
  return {
    async get(name) {
      return fromFile[name] ?? env[name] ?? null;
    },
  };
}

export function defaultDataDir(): string {
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Application Support')
        : (process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'));
  return path.join(base, 'ABRA Gen Exchange Sync', 'state');
}

export function formatSummary(s: RunSummary): string {
  const c = s.counts;
  const side = (x: { created: number; updated: number; deleted: number }) =>
    `+${x.created} ~${x.updated} -${x.deleted}`;
  let line = `${s.part.padEnd(12)} ${s.result.padEnd(17)} ABRA ${side(c.abra)}  Exchange ${side(c.exchange)}  unlinked ${c.unlinked}  conflicts ${c.conflicts}  failed ${c.failed}`;
  if (s.message) line += `\n${' '.repeat(13)}${s.message}`;
  for (const f of s.failures.slice(0, 20)) line += `\n${' '.repeat(13)}✗ [${f.side}] ${f.name}: ${f.reason}`;
  if (s.failures.length > 20) line += `\n${' '.repeat(13)}… and ${s.failures.length - 20} more`;
  const notes = s.notes ?? [];
  for (const n of notes.slice(0, 20)) line += `\n${' '.repeat(13)}! [${n.side}] ${n.name}: ${n.message}`;
  if (notes.length > 20) line += `\n${' '.repeat(13)}… and ${notes.length - 20} more notes`;
  return line;
}

export function formatPlan(plan: PlanEntry[]): string {
  if (!plan.length) return 'Nothing to do.';
  return plan
    .map((p) => {
      const where = p.side === 'abra' ? 'ABRA' : 'Exchange';
      const fields = p.fields?.length ? ` (${p.fields.join(', ')})` : '';
      return `${p.part.padEnd(12)} ${p.action.padEnd(8)} ${where.padEnd(9)} ${p.name}${fields}`;
    })
    .join('\n');
}

const CLI_OPTIONS = {
  config: { type: 'string', short: 'c' },
  part: { type: 'string', short: 'p' },
  once: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  secrets: { type: 'string' },
  json: { type: 'boolean', default: false },
  lang: { type: 'string', default: 'en' },
} as const;

type CliValues = ReturnType<typeof parseArgs<{ args: string[]; options: typeof CLI_OPTIONS }>>['values'];
type Config = ReturnType<typeof parseConfig>;

interface CliCall {
  command: 'run' | 'validate' | 'check';
  values: CliValues;
  part: PartName | undefined;
  config: Config;
}

/** The command line and the configuration file, or the exit code of a usage or configuration error. */
function parseCli(argv: string[]): CliCall | number {
  const [command, ...rest] = argv.filter((a) => a !== '--');
  const { values } = parseArgs({ args: rest, options: CLI_OPTIONS });
  if (command !== 'run' && command !== 'validate' && command !== 'check') {
    console.error(
      'usage: npm run sync -- run --config FILE [--part addressBook|calendar|tasks|mail] [--once] [--dry-run] [--data-dir DIR] [--secrets FILE] [--json]\n' +
        '       npm run sync -- validate --config FILE\n' +
        '       npm run sync -- check --config FILE [--secrets FILE] [--lang en|cs] [--json]',
    );
    return 2;
  }
  if (!values.config) {
    console.error('error: --config FILE is required');
    return 2;
  }
  const part = values.part as PartName | undefined;
  if (part && !PART_NAMES.includes(part)) {
    console.error(`error: --part must be one of ${PART_NAMES.join(', ')}`);
    return 2;
  }
  let config: Config;
  try {
    config = parseConfig(JSON.parse(readFileSync(values.config, 'utf8')));
  } catch (e) {
    console.error(
      e instanceof ConfigError ? e.message : `error: cannot read ${values.config}: ${(e as Error).message}`,
    );
    return 2;
  }
  return { command, values, part, config };
}

async function main(argv: string[]): Promise<number> {
  const call = parseCli(argv);
  if (typeof call === 'number') return call;
  if (call.command === 'validate') {
    console.log('configuration is valid');
    return 0;
  }
  if (call.command === 'check') return runCheck(call.config, call.values);
  const service = await openService(call.config, call.values);
  if (typeof service === 'number') return service;
  return runService(service, call.values, call.part);
}

/**
 * The preflight: the server's API description and dry-run writes (?validation=true); nothing is saved. The Exchange
 * side is tried too: its version and the mode spoken to it (#19).
 */
async function runCheck(config: Config, values: CliValues): Promise<number> {
  const { abraClientFor, abraBaseUrl, exchangeFor } = await import('./wiring');
  const { runPreflight, preflightText, preflightExchange, withExchange } = await import('./sync/preflight');
  const secrets = envSecrets(values.secrets);
  const client = await abraClientFor(config, secrets);
  const abra = await runPreflight(client, config, abraBaseUrl(config.abra));
  const r = withExchange(
    abra,
    await preflightExchange(
      () => exchangeFor(config, secrets),
      (e) => (e instanceof Error ? e.message : String(e)),
    ),
  );
  if (values.json) console.log(JSON.stringify(r, null, 2));
  else {
    console.log(`ABRA ${r.server}`);
    for (const line of preflightText(r, values.lang === 'cs' ? 'cs' : 'en')) console.log(line);
  }
  return r.ok ? 0 : 1;
}

type Service = Awaited<ReturnType<typeof import('./sync/service').createSyncService>>;

/** The engine on the state file, with the progress line on a terminal; EXIT_LOCKED when another engine has it. */
async function openService(config: Config, values: CliValues): Promise<Service | number> {
  const { createSyncService } = await import('./sync/service');
  const { connect } = await import('./wiring');
  const { StateLockedError } = await import('./sync/state/lock');
  (await import('./sync/memory')).tuneHeapForEngine(); // the engine's heap growth, as in the app
  let service: Service;
  try {
    service = await createSyncService({
      config,
      secrets: envSecrets(values.secrets),
      dataDir: values['data-dir'] ?? defaultDataDir(),
      connect,
      log: (level, msg) => {
        if (!values.json && level !== 'info') console.error(msg);
      },
    });
  } catch (e) {
    // another engine (the tray app, another CLI) works with this state file: never a second writer
    if (e instanceof StateLockedError) {
      console.error(`error: ${e.message}`);
      return EXIT_LOCKED;
    }
    throw e;
  }
  let lastLine = '';
  service.subscribe((e) => {
    if (values.json || e.type !== 'progress' || !process.stderr.isTTY) return;
    const p = e.progress;
    const line = `${p.part}: ${p.phase} ${p.total ? `${p.done}/${p.total}` : p.done || ''}`;
    if (line !== lastLine) process.stderr.write(`\r${line.padEnd(60)}`);
    lastLine = line;
  });
  return service;
}

/** A dry run, one run (`--once` or `--part`), or the daemon until SIGINT/SIGTERM; the engine is stopped after. */
async function runService(service: Service, values: CliValues, part: PartName | undefined): Promise<number> {
  try {
    if (values['dry-run']) {
      const { plan, summaries } = await service.preview(part);
      if (values.json) console.log(JSON.stringify({ plan, summaries }, null, 2));
      else {
        console.log(formatPlan(plan));
        for (const s of summaries) if (s.result !== 'dryRun') console.log(formatSummary(s));
      }
      return summaries.every((s) => s.result === 'dryRun') ? 0 : 1;
    }
    if (values.once || part) {
      const summaries = await service.syncNow(part);
      if (process.stderr.isTTY && !values.json) process.stderr.write('\r'.padEnd(61) + '\r');
      if (values.json) console.log(JSON.stringify(summaries, null, 2));
      else for (const s of summaries) console.log(formatSummary(s));
      if (!summaries.length) console.log('No part is enabled in the configuration.');
      return summaries.every((s) => s.result === 'ok') ? 0 : 1;
    }
    // Daemon mode: the scheduler runs each enabled part on its interval until SIGINT/SIGTERM.
    service.subscribe((e) => {
      if (e.type === 'run') console.log(values.json ? JSON.stringify(e.summary) : formatSummary(e.summary));
    });
    service.start();
    // The scheduler's timers do not hold the process (the app quits without waiting for them): here the daemon
    // itself stays until a signal, or Node would end it after the first run with nothing left on its loop.
    const keepAlive = setInterval(() => {}, 2 ** 30);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(keepAlive);
    return 0;
  } finally {
    await service.stop();
  }
}

/** Exit code when another engine already works with the same state file (the app, another CLI). */
export const EXIT_LOCKED = 3;

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '');
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
