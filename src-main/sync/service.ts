/**
 * The engine as one object per profile: the state store, the parts, the scheduler (per-part interval, sync now,
 * pause/resume, one run per part at a time, back-off after failures, waiting while offline), progress events and
 * run summaries. Used by the CLI and the Electron shell alike. No Electron, no HTTP: connections come from the
 * injected `connect` function (see `src-main/wiring.ts`).
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { ExchangeBackend } from '../exchange/types';
import { SyncError, toSyncError } from '../shared/errors';
import { failureNote, note, noteText } from '../shared/messages';
import type {
  Attention,
  PartStatus,
  PlanEntry,
  RunSummary,
  SchedulerStatus,
  ServiceEvent,
  SyncServiceApi,
} from './api';
import { PART_NAMES, type PartName, type SecretSource, type SyncConfig } from './config';
import { releaseHeapAfterRun } from './memory';
import { type AnyPart, isOwnFlowPart } from './part';
import { addressBookPart } from './parts/address-book';
import { calendarPart } from './parts/calendar';
import { mailPart } from './parts/mail/part';
import { tasksPart } from './parts/tasks';
import type { AbraPort, RunContext } from './ports';
import type { PreflightResult } from './preflight';
import { type RunOptions, runPart } from './run';
import { scopeFingerprint } from './scope';
import { StateLock } from './state/lock';
import { StateStore } from './state/store';

export interface Connections {
  abra: AbraPort;
  exchange: ExchangeBackend;
  /**
   * The preflight against this ABRA server (src-main/sync/preflight.ts), when the connection offers one: a part's
   * first run that may write to ABRA waits until it passed (safety.requirePreflight; an admin may switch it off).
   */
  preflight?: () => Promise<PreflightResult>;
  /** Identifies the ABRA server a preflight result holds for. */
  abraServer?: string;
}

export interface SyncServiceOptions {
  config: SyncConfig;
  secrets: SecretSource;
  /** Folder for the state file (`<profile>.sqlite`). */
  dataDir: string;
  connect: (config: SyncConfig, secrets: SecretSource) => Promise<Connections>;
  now?: () => Date;
  /** Extra parts (the e-mail archive registers itself here). */
  extraParts?: AnyPart[];
  /** Log sink (never receives secrets). */
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /**
   * Watchdog: the longest one part run may take (default 2 h). Then its signal is aborted (the runner stops at the
   * next item and records the run as aborted) and the connection is dropped, so the next run starts afresh.
   */
  runWatchdogMs?: number;
  /** The longest stop() waits for running parts (default 3 s): quitting never hangs on a slow server. */
  stopWaitMs?: number;
  /**
   * `ask` (the app): a part that is newly enabled or whose scope changed waits for the user — the scheduler does not
   * run it until {@link SyncService.approve} (after a preview, a dry run). `auto` (default; the CLI and other
   * headless use): the configuration given is the approval.
   */
  approval?: 'ask' | 'auto';
  /** After each run, give a big run's empty JS heap pages back (`memory.ts`); on in the app (createSyncService). */
  releaseHeapAfterRuns?: boolean;
}

/** State meta key of the scope the user approved for a part. */
const approvedKey = (part: PartName) => `approvedScope:${part}`;

const MAX_BACKOFF_MS = 4 * 60 * 60_000;

interface PartRuntime {
  running: Promise<RunSummary> | null;
  timer: ReturnType<typeof setTimeout> | null;
  nextRunAt: number | null;
  failureStreak: number;
  /** Consecutive runs that applied everything but some items (which keep failing). */
  partialStreak: number;
  progress?: PartStatus['progress'];
  attention?: Attention;
}

const CORRUPT =
  /SQLITE_(CORRUPT|NOTADB)|file is not a database|database disk image is malformed|malformed database/i;

/**
 * Open the state file; a damaged one (SQLite: not a database, malformed image) is kept aside as
 * `<file>.damaged-<time>` with its -wal/-shm, and a new state is started: the next runs rebuild the links by pairing
 * (by the AbraId stamp on the Outlook items), which is duplicate-free by design. Says which file, what happened and
 * where the damaged copy is.
 */
export function openOrRecover(
  file: string,
  warn: (message: string) => void,
  recovered?: (kept: string) => void,
): StateStore {
  try {
    return StateStore.open(file);
  } catch (e) {
    const why = `${(e as { code?: string }).code ?? ''} ${(e as Error).message}`;
    if (!CORRUPT.test(why)) throw e;
    const kept = `${file}.damaged-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(file + suffix)) renameSync(file + suffix, kept + suffix);
    warn(
      `the state file ${file} is damaged (SQLite: ${(e as Error).message}); it was kept as ${kept} and a new state is started — the next runs pair the existing items again by their stamps, without duplicates`,
    );
    recovered?.(kept);
    return StateStore.open(file);
  }
}

export class SyncService implements SyncServiceApi {
  readonly state: StateStore;
  /** Set when this start found the state file damaged: where it was kept (the app says so on its overview). */
  recovered: { file: string; kept: string } | null = null;
  private readonly lock: StateLock;
  private config: SyncConfig;
  private readonly parts = new Map<PartName, AnyPart>();
  private readonly rt = new Map<PartName, PartRuntime>();
  private readonly listeners = new Set<(e: ServiceEvent) => void>();
  private conn: Connections | null = null;
  private me: { id: string; name?: string } | null = null;
  private paused = false;
  private online = true;
  private started = false;
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly now: () => Date;

  constructor(private readonly opts: SyncServiceOptions) {
    this.config = opts.config;
    this.now = opts.now ?? (() => new Date());
    const dir = path.resolve(opts.dataDir);
    const file = path.resolve(dir, `${opts.config.profile}.sqlite`);
    if (path.dirname(file) !== dir)
      throw new SyncError(
        'config',
        `the profile name "${opts.config.profile}" would put the state file outside ${dir}`,
      );
    // one engine per state file: a second one (the CLI next to the app) is refused, never a second writer
    this.lock = StateLock.acquire(file);
    try {
      this.state = openOrRecover(
        file,
        (m) => opts.log?.('warn', m),
        (kept) => {
          this.recovered = { file, kept };
        },
      );
    } catch (e) {
      this.lock.release();
      throw e;
    }
    for (const p of [addressBookPart, calendarPart, tasksPart, mailPart, ...(opts.extraParts ?? [])])
      this.parts.set(p.name, p);
    for (const name of PART_NAMES)
      this.rt.set(name, { running: null, timer: null, nextRunAt: null, failureStreak: 0, partialStreak: 0 });
  }

  // ---------------- lifecycle ----------------
  start(): void {
    this.started = true;
    for (const name of PART_NAMES) this.schedule(name, 0);
    this.emitStatus();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.rt.values()) if (r.timer) clearTimeout(r.timer);
    this.abort.abort();
    // the runs stop at their next item; a request in flight has its own deadline, but quitting does not wait for it
    let waited: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.rt.values()].map((r) => r.running)),
      new Promise<void>((resolve) => {
        waited = setTimeout(() => {
          this.opts.log?.('warn', 'stop: a run did not finish in time; the state file is closed under it');
          resolve();
        }, this.opts.stopWaitMs ?? 3000);
      }),
    ]);
    clearTimeout(waited);
    await this.conn?.exchange.close().catch(() => undefined);
    this.state.close();
    this.lock.release();
  }

  /** New settings: reconnect on the next run, reschedule. */
  updateConfig(config: SyncConfig): void {
    this.config = config;
    this.conn = null;
    this.me = null;
    if (this.started) for (const name of PART_NAMES) this.schedule(name, 0);
    this.emitStatus();
  }

  pause(): void {
    this.paused = true;
    this.emitStatus();
  }

  resume(): void {
    this.paused = false;
    if (this.started) for (const name of PART_NAMES) this.schedule(name, 0);
    this.emitStatus();
  }

  subscribe(listener: (e: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------- runs ----------------
  enabledParts(): PartName[] {
    return PART_NAMES.filter((p) => this.config.parts[p].enabled && this.parts.has(p));
  }

  /**
   * Does the part wait for the user's approval of its scope (newly enabled, or its scope changed since approved)?
   * A part that synced before approvals were recorded counts as approved for the scope it has now.
   */
  awaitingApproval(part: PartName): boolean {
    if (this.opts.approval !== 'ask') return false;
    if (!this.config.parts[part].enabled || !this.parts.has(part)) return false;
    const scope = scopeFingerprint(this.config, part);
    const approved = this.state.getMeta(approvedKey(part));
    if (approved === null && this.state.lastSuccess(part)) {
      this.state.setMeta(approvedKey(part), scope);
      return false;
    }
    return approved !== scope;
  }

  /**
   * The user saw the preview and approves the part's (or every waiting part's) current scope: recorded, and the
   * part runs at once. Returns the runs' summaries.
   */
  async approve(part?: PartName): Promise<RunSummary[]> {
    const names = part ? [part] : this.enabledParts().filter((p) => this.awaitingApproval(p));
    const out: RunSummary[] = [];
    for (const n of names) {
      if (!this.config.parts[n].enabled || !this.parts.has(n)) continue;
      this.state.setMeta(approvedKey(n), scopeFingerprint(this.config, n));
      this.opts.log?.('info', `${n}: the user approved its scope after the preview`);
      out.push(await this.runOnce(n, {}));
    }
    return out;
  }

  /**
   * The user fixed something (a password stored, settings saved, a connection test passed): every part whose last
   * run failed (sign-in, settings, connection) runs again at once instead of staying red until its next interval.
   * Resolves when those runs end.
   */
  async retryProblems(): Promise<RunSummary[]> {
    const failing = (n: PartName) => {
      const k = this.rt.get(n)!.attention?.kind;
      return (k === 'auth' || k === 'config' || k === 'error') && !this.awaitingApproval(n);
    };
    const out: RunSummary[] = [];
    for (const n of this.enabledParts()) {
      const r = this.rt.get(n)!;
      // a run under way may have started before the fix: the part runs again after it, if it still fails
      if (!failing(n) && !r.running) continue;
      await r.running?.catch(() => undefined);
      if (failing(n) && !this.stopping) out.push(await this.runOnce(n, {}));
    }
    return out;
  }

  /** Run now; a part waiting for approval is left out (it runs through {@link approve}). */
  async syncNow(part?: PartName): Promise<RunSummary[]> {
    const names = (part ? [part] : this.enabledParts()).filter((n) => !this.awaitingApproval(n));
    const out: RunSummary[] = [];
    // One after another: two parts share the mailbox's concurrency budget.
    for (const n of names) out.push(await this.runOnce(n, {}));
    return out;
  }

  /**
   * Dry run of one part or every enabled part; writes nothing. `draft`: preview these settings instead of the
   * saved ones (unsaved changes of the parts; the connections must be the saved ones).
   */
  async preview(
    part?: PartName,
    draft?: SyncConfig,
  ): Promise<{ plan: PlanEntry[]; summaries: RunSummary[] }> {
    if (draft && !sameConnections(draft, this.config))
      throw new SyncError('config', 'save the connection settings before previewing them', {
        note: note('preview.saveConnectionsFirst'),
      });
    const cfg = draft ?? this.config;
    const names = part ? [part] : PART_NAMES.filter((p) => cfg.parts[p].enabled && this.parts.has(p));
    const plan: PlanEntry[] = [];
    const summaries: RunSummary[] = [];
    for (const n of names) {
      const module = this.parts.get(n);
      if (!module) continue;
      const r = await this.exclusive(n, async () => {
        const saved = await this.context(n);
        const ctx = draft ? { ...saved, config: draft } : saved;
        return isOwnFlowPart(module)
          ? module.run(ctx, { dryRun: true })
          : runPart(module, ctx, { dryRun: true });
      });
      plan.push(...r.plan);
      summaries.push(r.summary);
    }
    return { plan, summaries };
  }

  async confirmMassDelete(part: PartName): Promise<RunSummary> {
    const r = this.rt.get(part);
    if (r) r.attention = undefined;
    return this.runOnce(part, { confirmDeletes: true });
  }

  async keepInsteadOfDelete(part: PartName): Promise<RunSummary> {
    const r = this.rt.get(part);
    if (r) r.attention = undefined;
    return this.runOnce(part, { keepInsteadOfDelete: true });
  }

  private async exclusive<T extends { summary: RunSummary }>(
    part: PartName,
    fn: () => Promise<T>,
  ): Promise<T> {
    const r = this.rt.get(part)!;
    while (r.running) await r.running.catch(() => undefined);
    let resolveSummary!: (s: RunSummary) => void;
    r.running = new Promise<RunSummary>((res) => {
      resolveSummary = res;
    });
    this.emitStatus();
    try {
      const out = await fn();
      resolveSummary(out.summary);
      return out;
    } catch (e) {
      const err = toSyncError(e);
      const s = this.failedSummary(part, err);
      resolveSummary(s);
      throw e;
    } finally {
      r.running = null;
      r.progress = undefined;
    }
  }

  private failedSummary(part: PartName, err: SyncError): RunSummary {
    const at = this.now().toISOString();
    const zero = { created: 0, updated: 0, deleted: 0 };
    return {
      runId: 0,
      part,
      startedAt: at,
      finishedAt: at,
      result: 'failed',
      counts: { abra: zero, exchange: { ...zero }, unlinked: 0, conflicts: 0, failed: 0, examined: 0 },
      failures: [],
      message: err.message,
      ...(err.note || failureNote(err.kind) ? { note: err.note ?? failureNote(err.kind) } : {}),
      errorKind: err.kind,
      dryRun: false,
    };
  }

  private async runOnce(part: PartName, options: RunOptions): Promise<RunSummary> {
    const module = this.parts.get(part);
    if (!module) throw new SyncError('config', `the ${part} part is not available in this version`);
    let summary: RunSummary;
    try {
      const run = new AbortController();
      const onStop = () => run.abort();
      this.abort.signal.addEventListener('abort', onStop);
      const limit = this.opts.runWatchdogMs ?? 2 * 60 * 60_000;
      const watchdog = setTimeout(() => {
        this.opts.log?.(
          'warn',
          `${part}: the run exceeded ${Math.round(limit / 1000)} s; stopping it (watchdog)`,
        );
        run.abort();
        // a hung connection is not reused by the next run
        const conn = this.conn;
        this.conn = null;
        void conn?.exchange.close().catch(() => undefined);
      }, limit);
      try {
        const out = await this.exclusive(part, async () => {
          const ctx = await this.context(part, run.signal);
          await this.preflightGate(part);
          return isOwnFlowPart(module) ? module.run(ctx, options) : runPart(module, ctx, options);
        });
        summary = out.summary;
      } finally {
        clearTimeout(watchdog);
        this.abort.signal.removeEventListener('abort', onStop);
      }
    } catch (e) {
      // Connecting failed (auth, network, TLS): record it as a failed run so the user sees it.
      const err = toSyncError(e);
      const runId = this.state.startRun(part, false);
      summary = { ...this.failedSummary(part, err), runId };
      this.state.finishRun(summary);
      if (err.kind === 'auth' || err.kind === 'unreachable' || err.kind === 'tls') this.conn = null;
    }
    this.afterRun(part, summary);
    if (this.opts.releaseHeapAfterRuns) releaseHeapAfterRun(); // the tray app holds the engine all day
    return summary;
  }

  /** Does this part write to ABRA with the current settings? */
  private writesToAbra(part: PartName): boolean {
    if (part === 'mail') return true;
    return this.config.parts[part].direction !== 'abraToExchange';
  }

  /**
   * A part that writes to ABRA runs only once a preflight passed for it on this server (recorded in the state file).
   * The preflight runs here when none is recorded; a refusal stops the part with the problems named.
   */
  private async preflightGate(part: PartName): Promise<void> {
    const conn = this.conn;
    if (!this.config.safety.requirePreflight || !conn?.preflight || !this.writesToAbra(part)) return;
    const key = `preflight:${conn.abraServer ?? ''}`;
    if (this.state.getCursor(part, key)) return;
    const r = await conn.preflight();
    for (const p of r.parts) if (p.ok && r.general.length === 0) this.state.setCursor(p.part, key, r.at);
    const mine = r.parts.find((p) => p.part === part);
    if (mine?.ok && r.general.length === 0) return;
    const problems = [...r.general, ...(mine?.problems ?? [])].map((x) => x.message).join('; ');
    const n = note('preflight.blocked', { part, problems });
    throw new SyncError('config', noteText('en', n), { note: n });
  }

  private afterRun(part: PartName, s: RunSummary): void {
    const r = this.rt.get(part)!;
    if (s.result === 'failed' || s.result === 'aborted') r.failureStreak++;
    else r.failureStreak = 0;
    if (s.result === 'partial') r.partialStreak++;
    else if (s.result === 'ok') r.partialStreak = 0;
    this.online = !(s.result === 'failed' && (s.errorKind === 'unreachable' || s.errorKind === 'timeout'));
    const said = {
      message: s.message ?? '',
      ...(s.note ? { note: s.note } : {}),
      ...(s.errorKind ? { errorKind: s.errorKind } : {}),
    };
    if (s.result === 'needsConfirmation') {
      const pending = s.pendingDeletes;
      r.attention = {
        kind: 'massDelete',
        ...said,
        ...(pending
          ? {
              pendingDeletes: pending.count,
              side: pending.side,
              ...(pending.items ? { pendingItems: pending.items } : {}),
            }
          : {}),
      };
    } else if (s.result === 'failed' && s.errorKind === 'auth') r.attention = { kind: 'auth', ...said };
    else if (s.result === 'failed' && s.errorKind === 'config') r.attention = { kind: 'config', ...said };
    else if (s.result === 'failed' || s.result === 'aborted') r.attention = { kind: 'error', ...said };
    else r.attention = undefined;
    this.opts.log?.(
      s.result === 'ok' ? 'info' : 'warn',
      `${part}: ${s.result}${s.message ? ` — ${s.message}` : ''} (${JSON.stringify(s.counts)})`,
    );
    this.emit({ type: 'run', summary: s });
    if (this.started && !this.stopping) this.schedule(part, this.delayAfter(part, s));
    this.emitStatus();
  }

  /** Next run: the interval; after failures an exponential back-off (sooner for network trouble, capped). */
  private delayAfter(part: PartName, s: RunSummary): number {
    const interval = this.config.parts[part].intervalMinutes * 60_000;
    const streak = this.rt.get(part)!.failureStreak;
    if (streak === 0 || s.result === 'needsConfirmation') return interval;
    const base = s.errorKind === 'unreachable' || s.errorKind === 'timeout' ? 60_000 : interval;
    return Math.min(base * 2 ** (streak - 1), Math.max(MAX_BACKOFF_MS, interval));
  }

  private schedule(part: PartName, delayMs: number): void {
    const r = this.rt.get(part)!;
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    r.nextRunAt = null;
    if (!this.config.parts[part].enabled || !this.parts.has(part) || this.stopping) return;
    if (r.attention?.kind === 'massDelete') return; // waits for the user's decision
    if (this.awaitingApproval(part)) return; // waits until the user saw the preview and approved it
    const last = this.state.listRuns(1, part)[0];
    let delay = delayMs;
    if (delayMs === 0 && last) {
      // On start, honour the interval since the last run instead of running everything at once.
      const due = Date.parse(last.finishedAt) + this.config.parts[part].intervalMinutes * 60_000;
      delay = Math.max(0, due - this.now().getTime());
    }
    r.nextRunAt = this.now().getTime() + delay;
    r.timer = setTimeout(() => {
      r.timer = null;
      if (this.paused) {
        this.schedule(part, this.config.parts[part].intervalMinutes * 60_000);
        return;
      }
      void this.runOnce(part, {});
    }, delay);
    r.timer.unref?.();
  }

  /**
   * Who the ABRA login is (filters say "mine" by this id): asked once and kept in the state, so a new process does
   * not ask again for a day; another server, connection or login asks anew.
   */
  private async abraUser(abra: Connections['abra']): Promise<{ id: string; name?: string }> {
    const a = this.config.abra;
    const who = `${a.serverUrl}|${a.connection}|${a.login}`.toLowerCase();
    try {
      const kept = JSON.parse(this.state.getMeta('abraUser') ?? 'null') as {
        who?: string;
        at?: number;
        me?: { id?: unknown; name?: unknown };
      } | null;
      const age = this.now().getTime() - Number(kept?.at);
      if (kept?.who === who && typeof kept.me?.id === 'string' && kept.me.id && age >= 0 && age < 86_400_000)
        return { id: kept.me.id, ...(typeof kept.me.name === 'string' ? { name: kept.me.name } : {}) };
    } catch {
      // not kept yet, or unreadable: ask
    }
    const me = await abra.currentUser();
    const kept = { who, at: this.now().getTime(), me: { id: me.id, ...(me.name ? { name: me.name } : {}) } };
    this.state.setMeta('abraUser', JSON.stringify(kept));
    return me;
  }

  private async context(part: PartName, signal: AbortSignal = this.abort.signal): Promise<RunContext> {
    if (!this.conn) this.conn = await this.opts.connect(this.config, this.opts.secrets);
    if (!this.me) this.me = await this.abraUser(this.conn.abra);
    return {
      config: this.config,
      abra: this.conn.abra,
      exchange: this.conn.exchange,
      state: this.state,
      me: this.me,
      now: this.now,
      signal,
      progress: (p) => {
        const r = this.rt.get(part)!;
        r.progress = { part, ...p };
        this.emit({ type: 'progress', progress: r.progress });
      },
    };
  }

  // ---------------- queries ----------------
  status(): SchedulerStatus {
    return {
      paused: this.paused,
      online: this.online,
      parts: PART_NAMES.map((name): PartStatus => {
        const r = this.rt.get(name)!;
        const cfg = this.config.parts[name];
        return {
          part: name,
          enabled: cfg.enabled && this.parts.has(name),
          direction: cfg.direction,
          running: r.running !== null,
          progress: r.progress,
          lastRun: this.state.listRuns(1, name)[0],
          lastSuccessAt: this.state.lastSuccess(name) ?? undefined,
          nextRunAt: r.nextRunAt ? new Date(r.nextRunAt).toISOString() : undefined,
          failureStreak: r.failureStreak,
          partialStreak: r.partialStreak,
          attention: r.attention,
          awaitingApproval: this.awaitingApproval(name),
          ...(name === 'mail' && cfg.enabled ? { unassigned: this.listUnassignedMail().length } : {}),
        };
      }),
    };
  }

  listRuns(limit = 50): RunSummary[] {
    return this.state.listRuns(limit);
  }

  listFailures(limit = 200) {
    return this.state.listFailures(limit);
  }

  listConflicts(limit = 200) {
    return this.state.listConflicts(limit);
  }

  async flipConflict(id: number): Promise<void> {
    this.state.flipConflict(id);
  }

  listUnassignedMail() {
    const mail = this.parts.get('mail');
    return mail && isOwnFlowPart(mail) && mail.listUnassigned
      ? mail.listUnassigned({ state: this.state })
      : [];
  }

  ignoreMail(id: number): void {
    const mail = this.parts.get('mail');
    if (!mail || !isOwnFlowPart(mail) || !mail.ignore)
      throw new SyncError('config', 'the e-mail archive is not available in this version');
    if (!mail.ignore({ state: this.state }, id))
      throw new SyncError('notFound', `message ${id} is not waiting for assignment`);
    this.emitStatus(); // the count of waiting messages changed
  }

  async readUnassignedMail(id: number): Promise<string> {
    const mail = this.parts.get('mail');
    if (!mail || !isOwnFlowPart(mail) || !mail.readArchived)
      throw new SyncError('config', 'the e-mail archive is not available in this version');
    return mail.readArchived(await this.context('mail'), id);
  }

  async assignMail(
    id: number,
    firmId: string,
    personId: string | null,
    applyToAddress: boolean,
  ): Promise<void> {
    const mail = this.parts.get('mail');
    if (!mail || !isOwnFlowPart(mail) || !mail.assign) {
      throw new SyncError('config', 'the e-mail archive is not available in this version');
    }
    await mail.assign(await this.context('mail'), id, firmId, personId, applyToAddress);
    this.emitStatus(); // the count of waiting messages changed
  }

  private emit(e: ServiceEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure must not stop the engine
      }
    }
  }

  private emitStatus(): void {
    if (this.listeners.size) this.emit({ type: 'status', status: this.status() });
  }
}

/** Do two configurations connect to the same ABRA and the same mailbox the same way? */
function sameConnections(a: SyncConfig, b: SyncConfig): boolean {
  return (
    a.profile === b.profile &&
    JSON.stringify(a.abra) === JSON.stringify(b.abra) &&
    JSON.stringify(a.exchange) === JSON.stringify(b.exchange)
  );
}

export async function createSyncService(opts: SyncServiceOptions): Promise<SyncService> {
  return new SyncService({ releaseHeapAfterRuns: true, ...opts });
}
