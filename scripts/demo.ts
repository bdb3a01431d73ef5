/**
 * `npm run demo` — the product's main job on built-in data, no servers needed: starts the ABRA Gen and Exchange
 * (EWS, or Graph with --graph) emulators with seed data on loopback, runs all four parts with the real engine and wiring, then plays "a
 * day later" (edits in ABRA and in Outlook, a customer's e-mail) and syncs again, printing what happened.
 *
 *   npm run demo                 # run and exit
 *   npm run demo -- --keep       # leave the emulators running and print how to point the CLI or the app at them
 *   npm run demo -- --graph      # Microsoft 365 over Microsoft Graph instead of Exchange Server over EWS
 *   npm run demo -- --exchange2007   # against the emulator's Exchange 2007 SP3 profile (legacy mode, detected);
 *                                    # clean = every part ok, every answer valid in 2007's schema, 2007 mode in use
 *
 * State, configuration and a secrets file (mode 600) go to `.demo-state/` (git-ignored); each demo starts fresh.
 */

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary } from '../src-main/cli';
import type { RunSummary, ServiceEvent } from '../src-main/sync/api';
import { preflightText, runPreflight } from '../src-main/sync/preflight';
import { abraBaseUrl, abraClientFor } from '../src-main/wiring';
import { startWorld, type World } from '../test/world/harness';

const root = path.resolve(import.meta.dirname, '..');
const stateDir = path.join(root, '.demo-state');

/** Parts that ended with anything but `ok` in any run: the demo then exits 1. */
const notOk: string[] = [];

function print(title: string, summaries: Record<string, RunSummary>) {
  clearProgress();
  console.log(`\n${title}`);
  for (const s of Object.values(summaries)) if (s.result !== 'ok') notOk.push(`${s.part}: ${s.result}`);
  for (const s of Object.values(summaries)) console.log(`  ${formatSummary(s).replace(/\n/g, '\n  ')}`);
}

let progressShown = false;
let lastPhase = '';
function showProgress(e: ServiceEvent) {
  if (e.type !== 'progress') return;
  const p = e.progress;
  const count = p.total ? ` ${p.done}/${p.total}` : p.done ? ` ${p.done}` : '';
  if (process.stdout.isTTY) {
    process.stdout.write(`\r  … ${p.part} ${p.phase}${count}`.padEnd(60));
    progressShown = true;
  } else if (p.phase === 'writing' && p.total && `${p.part}:${p.phase}` !== lastPhase) {
    // not a terminal: one line per part that reaches the write phase (most items may need nothing), not per item
    lastPhase = `${p.part}:${p.phase}`;
    console.log(`  … ${p.part}: going through ${p.total} item${p.total === 1 ? '' : 's'}`);
  }
}
function clearProgress() {
  if (progressShown) process.stdout.write(`\r${' '.repeat(60)}\r`);
  progressShown = false;
  lastPhase = '';
}

function sides(w: World) {
  const c = w.abra.control;
  const fromOutlook = c
    .list('crmactivities')
    .filter((a) => a.activitytype_id === w.ids.sch || a.activitytype_id === w.ids.ukol).length;
  return {
    'Outlook contacts in "ABRA Gen"': w.outlook.contacts().length,
    'Outlook calendar items': w.outlook.appointments().length,
    'Outlook tasks': w.outlook.tasks().length,
    'ABRA meetings and tasks (types SCH, UKOL)': fromOutlook,
    'ABRA archived e-mails (received + sent)': c.list('emailsreceiveds').length + c.list('emailsents').length,
    // archived sent mail is stored as already sent: ABRA's (emulated) automation server must never send one again
    'E-mails ABRA sent to recipients because of the archive': w.abra.sentMails().length,
  };
}

/**
 * --exchange2007 is clean only when the product spoke Exchange 2007's dialect (the emulator refuses any other
 * RequestServerVersion) and every answer it read was valid in 2007's schema; without ../shared the emulator cannot
 * validate against that schema (only its built-in checks run), and the demo says so instead of claiming it.
 */
function exchange2007Check(w: World) {
  const ews = w.ews!;
  const refused = ews.log.entries().filter((e) => e.status !== 200 && e.status !== 401);
  const versionFaults = refused.filter((e) => e.responseCode === 'ErrorInvalidServerVersion');
  const other = refused.filter((e) => e.responseCode !== 'ErrorInvalidServerVersion');
  console.log(
    `\nExchange 2007 SP3 profile: ${ews.validatesRequests ? "every request validated against Exchange 2007's schema" : "NOT validated (Exchange 2007's schema in ../shared/ews not found)"}; ${versionFaults.length} version fault(s) answered by re-detection (the first call), ${other.length} other refusals`,
  );
  for (const e of other) notOk.push(`Exchange refused ${e.operation}: ${e.status} ${e.responseCode ?? ''}`);
  if (versionFaults.length > 1)
    notOk.push(`the 2007 mode was not kept: ${versionFaults.length} version faults`);
  for (const v of ews.responseViolations())
    notOk.push(`an answer to ${v.operation} is not valid in Exchange 2007's schema: ${v.errors[0]}`);
  if (!ews.validatesRequests)
    console.log(
      "  (Exchange 2007's schema is in ../shared/ews beside a developer checkout, not here: only the emulator's built-in 2007 checks ran — version, TimeZoneContext, StartTimeZone/EndTimeZone/SyncScope and the newer field names)",
    );
}

async function main() {
  const { values } = parseArgs({
    options: {
      keep: { type: 'boolean', default: false },
      graph: { type: 'boolean', default: false },
      exchange2007: { type: 'boolean', default: false },
    },
  });
  if (values.graph && values.exchange2007) throw new Error('--graph and --exchange2007 exclude each other');
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(path.join(stateDir, 'state'), { recursive: true });

  const exchange = values.graph ? 'graph' : 'ews';
  console.log(
    `Starting the ABRA Gen and ${values.graph ? 'Microsoft 365 (Graph)' : values.exchange2007 ? 'Exchange 2007 SP3 (EWS, legacy mode)' : 'Exchange Server (EWS)'} emulators with demo data …`,
  );
  const w = await startWorld({
    ...(values.exchange2007 ? { ewsVersion: 'Exchange2007_SP3' as const } : {}),
    exchange,
    abraSize: 'demo',
    exchangeSize: 'demo',
    seed: 2026,
    dataDir: path.join(stateDir, 'state'),
  });
  try {
    const configFile = path.join(stateDir, 'config.json');
    const secretsFile = path.join(stateDir, 'secrets.json');
    writeFileSync(configFile, `${JSON.stringify(w.config, null, 2)}\n`);
    writeFileSync(secretsFile, JSON.stringify(w.secretValues), { mode: 0o600 });
    console.log(`  ABRA Gen Web API  ${w.abra.url}  (user ${w.abra.user})`);
    console.log(
      `  Exchange ${w.kind === 'ews' ? 'EWS  ' : 'Graph'}    ${w.exchangeUrl}  (mailbox ${w.exchangeEmail})`,
    );

    // "Check against server": the preflight a part's first write run waits for (nothing is written)
    const client = await abraClientFor(w.config, w.secrets);
    const check = await runPreflight(client, w.config, abraBaseUrl(w.config.abra));
    console.log(`\nCheck against the ABRA server (${check.ok ? 'passed' : 'PROBLEMS'}):`);
    for (const line of preflightText(check, 'en')) console.log(`  ${line}`);
    if (!check.ok) notOk.push('preflight');

    const service = await w.service();
    service.subscribe(showProgress);
    const { plan } = await service.preview();
    const byPart = new Map<string, number>();
    for (const p of plan) byPart.set(p.part, (byPart.get(p.part) ?? 0) + 1);
    console.log(
      `\nPreview (dry run, nothing written): ${plan.length} changes — ${[...byPart].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );

    print(
      'First sync (address book ABRA → Exchange, calendar and tasks both ways, e-mail → ABRA):',
      await w.run(service),
    );
    console.log(sides(w));

    // A day later: the salesperson works in both programs.
    const c = w.abra.control;
    const firm = c.list('firms', 'firm_id = null and hidden = false')[0]!;
    c.update('firms', String(firm.id), { name: `${firm.name} (nový název)` });
    const meeting = c
      .list('crmactivities', `activitytype_id = '${w.ids.sch}' and solveruser_id = '${w.ids.me}'`)
      .find((a) => Date.parse(String(a['sheduledstart$date'])) > Date.now());
    if (meeting) {
      const start = Date.parse(String(meeting['sheduledstart$date'])) + 86400_000;
      c.update('crmactivities', String(meeting.id), {
        sheduledstart$date: new Date(start).toISOString(),
        sheduledend$date: new Date(start + 3600_000).toISOString(),
      });
    }
    const tomorrow = new Date(Date.now() + 86400_000);
    tomorrow.setUTCHours(8, 0, 0, 0);
    w.outlook.createAppointment({
      subject: 'Prezentace nového ceníku',
      start: tomorrow.toISOString(),
      end: new Date(tomorrow.getTime() + 5400_000).toISOString(),
      location: 'Brno',
    });
    const task = w.outlook.tasks()[0];
    if (task) w.outlook.edit(task.id, { status: 'Completed' });
    const email = (firm.electronicaddress_id as { email?: string } | null)?.email ?? 'info@zakaznik.cz';
    w.outlook.deliverMail(
      [
        `From: Nákup <${email}>`,
        `To: ${w.exchangeEmail}`,
        `Subject: =?UTF-8?B?${Buffer.from('Objednávka č. 2026/118').toString('base64')}?=`,
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: <demo-${Date.now()}@${email.split('@')[1]}>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Dobrý den, objednáváme 20 ks dle nabídky. Děkujeme.',
        '',
      ].join('\r\n'),
    );

    print(
      'A day later — renamed firm and moved meeting in ABRA; new meeting, completed task and a customer e-mail in Outlook:',
      await w.run(service),
    );
    console.log(sides(w));
    print('Once more, nothing changed (nothing is written):', await w.run(service));
    if (values.exchange2007) exchange2007Check(w);
    const sends = w.abra.sentMails();
    if (sends.length) notOk.push(`ABRA sent ${sends.length} archived e-mail(s) again`);

    if (values.keep) {
      await service.stop();
      console.log(
        `\nThe emulators keep running. Try the headless engine against them:\n  npm run sync -- run --once --config ${path.relative(root, configFile)} --secrets ${path.relative(root, secretsFile)} --data-dir ${path.relative(root, path.join(stateDir, 'state'))}\nCtrl+C stops.`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    await w.stop();
  }
}

main().then(
  () => {
    if (notOk.length) {
      console.error(`\ndemo: not every part ended ok — ${notOk.join(', ')}`);
      process.exit(1);
    }
    process.exit(0);
  },
  (e) => {
    console.error(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
