/**
 * "Export diagnostics": one zip with the log (current and rotated files, scrubbed of the stored secrets once more),
 * the versions, the settings without secrets, the status, and the recent runs, failures and conflicts. And "Open log".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppApi } from '../ipc-contract';
import { redact } from '../log';
import { stripSecretFields } from '../settings';
import { createZip, type ZipEntry } from '../zip';
import type { Ctx } from './context';
import type { ControllerDeps } from './deps';

/** Read the log (current and rotated files) for diagnostics, scrubbed once more. */
async function readLogs(deps: ControllerDeps): Promise<ZipEntry[]> {
  const known: string[] = [];
  for (const n of ['abraPassword', 'abraToken', 'exchangePassword'] as const) {
    try {
      const v = await deps.secrets.get(n);
      if (v) known.push(v);
    } catch {
      // unreadable secret: nothing to scrub with
    }
  }
  const out: ZipEntry[] = [];
  for (const suffix of ['', '.1', '.2', '.3']) {
    try {
      const text = readFileSync(`${deps.logFile}${suffix}`, 'utf8');
      out.push({ name: `logs/${path.basename(deps.logFile)}${suffix}`, data: redact(text, known) });
    } catch {
      // that file does not exist
    }
  }
  return out;
}

async function exportDiagnostics(ctx: Ctx): ReturnType<AppApi['exportDiagnostics']> {
  const { deps, settings } = ctx;
  try {
    const at = (deps.now ?? (() => new Date()))();
    const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const dir = deps.diagnosticsDir ?? path.join(deps.dataDir, 'diagnostics');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `abra-sync-diagnostics-${stamp}.zip`);
    await ctx.host.settled();
    const state = await ctx.getState();
    const logs = await readLogs(deps);
    const service = ctx.host.service();
    const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
    const entries: ZipEntry[] = [
      ...logs,
      {
        name: 'about.json',
        data: json({
          version: deps.version,
          exportedAt: at.toISOString(),
          platform: process.platform,
          arch: process.arch,
          node: process.versions.node,
          electron: process.versions.electron ?? null,
          locale: deps.systemLocale,
        }),
      },
      {
        name: 'settings.json',
        data: json(
          stripSecretFields({
            sync: state.sync,
            preferences: state.preferences,
            policy: state.policy,
            // names only (as values, so the secret-key filter keeps them)
            stored: Object.entries(state.secrets)
              .filter(([, v]) => v)
              .map(([k]) => k),
            problems: state.problems,
          }),
        ),
      },
      { name: 'status.json', data: json(state.status) },
      { name: 'runs.json', data: json(service ? service.listRuns(200) : []) },
      { name: 'failures.json', data: json(service ? service.listFailures(500) : []) },
      { name: 'conflicts.json', data: json(service ? service.listConflicts(200) : []) },
    ];
    writeFileSync(file, createZip(entries.map((e) => ({ ...e, date: at }))));
    ctx.log.info(`diagnostics exported to ${file}`);
    return { ok: true, path: file, message: settings.say('diagnostics.saved', { file }) };
  } catch (e) {
    return { ok: false, message: settings.say('diagnostics.failed', { detail: (e as Error).message }) };
  }
}

export function diagnosticsCalls(ctx: Ctx): Pick<AppApi, 'exportDiagnostics' | 'openLog'> {
  return {
    exportDiagnostics: () => exportDiagnostics(ctx),
    async openLog() {
      await ctx.deps.openPath(ctx.deps.logFile);
    },
  };
}
