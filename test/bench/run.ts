/**
 * `npm run bench` — speed and memory of the real engine over the emulators. The emulators run in this process
 * (loopback HTTP, XSD request validation off); the engine runs as the headless CLI in a child process, so its peak
 * resident memory (Linux: VmHWM) is its own. Prints a table and one `BENCH {json}` line for tooling.
 *
 *   npm run bench                       # 20 000 firms ≈ 50 000 contacts, plus 20 000 archived e-mails
 *   npm run bench -- --firms demo --mail 2000
 *   npm run bench -- --exchange graph     # Microsoft 365 over the Graph emulator instead of EWS
 *
 * Targets (docs/ARCHITECTURE.md): an unchanged incremental run costs a handful of requests whatever the size; the
 * first run of 20 000 firms stays under 10 minutes and 1 GB resident.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startWorld, type World } from '../e2e/harness';
import { runMailBench } from './mail';

const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    firms: { type: 'string', default: 'large' },
    mail: { type: 'string', default: '20000' },
    exchange: { type: 'string', default: 'ews' },
  },
});
const size = values.firms === 'demo' ? 'demo' : values.firms === 'small' ? 'small' : 'large';
const mailN = Number(values.mail);
const exchange = values.exchange === 'graph' ? 'graph' : 'ews';

function peakKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** One `run --once --part addressBook` of the CLI; wall time, peak RSS, requests seen by the emulators. */
async function cliRun(w: World, configFile: string, secretsFile: string) {
  const a0 = w.abra.log.total();
  w.resetExchangeLog();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'src-main/cli.ts'),
      'run',
      '--once',
      '--part',
      'addressBook',
      '--json',
      '--config',
      configFile,
      '--secrets',
      secretsFile,
      '--data-dir',
      w.dataDir,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, peakKb(child.pid!) ?? 0);
  }, 50);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`the CLI failed (exit ${code}): ${out.slice(0, 2000)}`);
  const s = (
    JSON.parse(out) as { result: string; counts: { exchange: { created: number; updated: number } } }[]
  )[0]!;
  return {
    ms: Math.round(performance.now() - t0),
    peakMB: peak ? Math.round(peak / 1024) : null,
    abraRequests: w.abra.log.total() - a0,
    exchangeRequests: w.exchangeRequests(),
    result: s.result,
    created: s.counts.exchange.created,
    updated: s.counts.exchange.updated,
  };
}

async function addressBook() {
  const w = await startWorld({ exchange, abraSize: size, validateRequests: false, seed: 5 });
  try {
    const cfg = structuredClone(w.config);
    cfg.parts.calendar.enabled = false;
    cfg.parts.tasks.enabled = false;
    cfg.parts.mail.enabled = false;
    const configFile = path.join(w.dataDir, 'bench-config.json');
    const secretsFile = path.join(w.dataDir, 'bench-secrets.json');
    writeFileSync(configFile, JSON.stringify(cfg));
    writeFileSync(secretsFile, JSON.stringify(w.secretValues), { mode: 0o600 });
    const first = await cliRun(w, configFile, secretsFile);
    // the next run reads back the echo of the first run's own writes (new ChangeKeys) and writes nothing
    const echo = await cliRun(w, configFile, secretsFile);
    const unchanged = await cliRun(w, configFile, secretsFile);
    for (const f of w.abra.control.list('firms', 'firm_id = null and hidden = false').slice(0, 10))
      w.abra.control.update('firms', String(f.id), { name: `${f.name} *` });
    const tenChanged = await cliRun(w, configFile, secretsFile);
    return { contacts: first.created, first, echo, unchanged, tenChanged };
  } finally {
    await w.stop();
  }
}

const ab = await addressBook();
console.log(
  `\nAddress book, ${ab.contacts} contacts (ABRA seed "${size}"), engine = the CLI in its own process`,
);
console.table({
  first: ab.first,
  'echo of own writes': ab.echo,
  unchanged: ab.unchanged,
  '10 firms renamed': ab.tenChanged,
});
const mail = mailN > 0 ? await runMailBench(mailN) : null;
if (mail)
  console.log(
    `E-mail archive: ${mail.mailMessages} messages in ${mail.mailWallMs} ms, ${mail.mailRequests} requests, peak ${mail.peakRssMB} MB (engine and ABRA emulator in one process)`,
  );
console.log(
  `BENCH ${JSON.stringify({
    exchange,
    addressBookContacts: ab.contacts,
    addressBookFirstMs: ab.first.ms,
    addressBookFirstPeakMB: ab.first.peakMB,
    addressBookFirstRequests: ab.first.abraRequests + ab.first.exchangeRequests,
    addressBookUnchangedMs: ab.unchanged.ms,
    addressBookUnchangedRequests: ab.unchanged.abraRequests + ab.unchanged.exchangeRequests,
    addressBookTenChangedRequests: ab.tenChanged.abraRequests + ab.tenChanged.exchangeRequests,
    ...(mail ?? {}),
  })}`,
);
process.exit(0);
