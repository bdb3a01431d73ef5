/**
 * `npm run emulator -- <abra|ews|graph> --port <n> [--tls-port <n>] [--seed <n>] [--size small|demo|large]`
 * Starts one emulator on 127.0.0.1; once it accepts requests it prints one JSON line with its URL and test
 * credentials on stdout; SIGTERM/SIGINT stop it cleanly.
 */
import { parseArgs } from 'node:util';

const NAMES = ['abra', 'ews', 'graph'] as const;
type Name = (typeof NAMES)[number];

export interface StandaloneOptions {
  port: number;
  /** The https port of an emulator that serves TLS too (graph); others ignore it. */
  tlsPort?: number;
  seed: number;
  size: 'small' | 'demo' | 'large';
}

export interface RunningStandalone {
  /** The JSON line the issue specifies, already as an object. */
  info: Record<string, unknown>;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2).filter((a) => a !== '--');
  if (!name || !(NAMES as readonly string[]).includes(name)) {
    console.error(
      `usage: npm run emulator -- <${NAMES.join('|')}> --port <n> [--seed <n>] [--size small|demo|large]`,
    );
    process.exit(2);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string' },
      'tls-port': { type: 'string' },
      seed: { type: 'string' },
      size: { type: 'string' },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  const tlsPort = values['tls-port'] === undefined ? undefined : Number(values['tls-port']);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  const size = (values.size ?? 'demo') as StandaloneOptions['size'];
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be 0..65535, got ${values.port}`);
  if (tlsPort !== undefined && (!Number.isInteger(tlsPort) || tlsPort < 0 || tlsPort > 65535))
    fail(`--tls-port must be 0..65535, got ${values['tls-port']}`);
  if (!Number.isInteger(seed)) fail(`--seed must be an integer, got ${values.seed}`);
  if (!['small', 'demo', 'large'].includes(size))
    fail(`--size must be small, demo or large, got ${values.size}`);

  let mod: { startStandalone?: (o: StandaloneOptions) => Promise<RunningStandalone> };
  try {
    mod = await import(`./${name as Name}/standalone.ts`);
  } catch (e) {
    fail(`the ${name} emulator is not built yet (${e instanceof Error ? e.message.split('\n')[0] : e})`);
  }
  if (typeof mod.startStandalone !== 'function') fail(`the ${name} emulator has no standalone start yet`);
  const running = await mod.startStandalone({
    port,
    seed,
    size,
    ...(tlsPort === undefined ? {} : { tlsPort }),
  });
  process.stdout.write(`${JSON.stringify(running.info)}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function fail(msg: string): never {
  console.error(`emulator: ${msg}`);
  process.exit(2);
}

await main();
