import { SyncError, toSyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import type { PlanEntry, RunSummary, SchedulerStatus, ServiceEvent, SyncServiceApi } from '../api';
import { PART_NAMES, type PartName, type SyncConfig } from '../config';
import { releaseHeapAfterRun } from '../memory';
import { type AnyPart, isOwnFlowPart } from '../part';
import { addressBookPart } from '../parts/address-book';
import { calendarPart } from '../parts/calendar';
import { mailPart } from '../parts/mail/part';
import { tasksPart } from '../parts/tasks';
import type { RunContext } from '../ports';
import { type RunOptions, runPart } from '../run';
import { scopeFingerprint } from '../scope';
import type { StateLock } from '../state/lock';
import type { StateStore } from '../state/store';
import { abraUser, preflightGate, scopeChangedSinceApproval } from './gates';
import * as mailQueue from './mail-queue';
import { openState } from './open-state';
import { approvedKey, type Connections, type SyncServiceOptions, sameConnections } from './options';
import {
  attentionAfter,
  delayAfter,
  failedSummary,
  firstDelay,
  newRuntime,
  type PartRuntime,
  partStatus,
  runExclusive,
  settleWithin,
  withWatchdog,
} from './runtime';

export { openOrRecover } from './open-state';
export type { Connections, SyncServiceOptions } from './options';

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
    const opened = openState(opts.dataDir, opts.config.profile, (m) => opts.log?.('warn', m));
    this.lock = opened.lock;
    this.state = opened.state;
    this.recovered = opened.recovered;
    for (const p of [addressBookPart, calendarPart, tasksPart, mailPart, ...(opts.extraParts ?? [])])
      this.parts.set(p.name, p);
    for (const name of PART_NAMES) this.rt.set(name, newRuntime());
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
    await settleWithin(
      [...this.rt.values()].map((r) => r.running),
      this.opts.stopWaitMs ?? 3000,
      () => this.opts.log?.('warn', 'stop: a run did not finish in time; the state file is closed under it'),
    );
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
    return scopeChangedSinceApproval(this.config, this.state, part);
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

  /** One run per part at a time: waits for the part's run under way, then runs `fn` as the part's run. */
  private exclusive<T extends { summary: RunSummary }>(part: PartName, fn: () => Promise<T>): Promise<T> {
    return runExclusive(this.rt.get(part)!, part, this.now, () => this.emitStatus(), fn);
  }

  private async runOnce(part: PartName, options: RunOptions): Promise<RunSummary> {
    const module = this.parts.get(part);
    if (!module) throw new SyncError('config', `the ${part} part is not available in this version`);
    let summary: RunSummary;
    try {
      const limit = this.opts.runWatchdogMs ?? 2 * 60 * 60_000;
      const out = await withWatchdog(
        limit,
        this.abort.signal,
        (run) => {
          this.opts.log?.(
            'warn',
            `${part}: the run exceeded ${Math.round(limit / 1000)} s; stopping it (watchdog)`,
          );
          run.abort();
          // a hung connection is not reused by the next run
          const conn = this.conn;
          this.conn = null;
          void conn?.exchange.close().catch(() => undefined);
        },
        (signal) =>
          this.exclusive(part, async () => {
            const ctx = await this.context(part, signal);
            await preflightGate(this.config, this.conn, this.state, part);
            return isOwnFlowPart(module) ? module.run(ctx, options) : runPart(module, ctx, options);
          }),
      );
      summary = out.summary;
    } catch (e) {
      // Connecting failed (auth, network, TLS): record it as a failed run so the user sees it.
      const err = toSyncError(e);
      const runId = this.state.startRun(part, false);
      summary = { ...failedSummary(part, err, this.now()), runId };
      this.state.finishRun(summary);
      if (err.kind === 'auth' || err.kind === 'unreachable' || err.kind === 'tls') this.conn = null;
    }
    this.afterRun(part, summary);
    if (this.opts.releaseHeapAfterRuns) releaseHeapAfterRun(); // the tray app holds the engine all day
    return summary;
  }

  private afterRun(part: PartName, s: RunSummary): void {
    const r = this.rt.get(part)!;
    if (s.result === 'failed' || s.result === 'aborted') r.failureStreak++;
    else r.failureStreak = 0;
    if (s.result === 'partial') r.partialStreak++;
    else if (s.result === 'ok') r.partialStreak = 0;
    this.online = !(s.result === 'failed' && (s.errorKind === 'unreachable' || s.errorKind === 'timeout'));
    r.attention = attentionAfter(s);
    this.opts.log?.(
      s.result === 'ok' ? 'info' : 'warn',
      `${part}: ${s.result}${s.message ? ` — ${s.message}` : ''} (${JSON.stringify(s.counts)})`,
    );
    this.emit({ type: 'run', summary: s });
    if (this.started && !this.stopping)
      this.schedule(part, delayAfter(this.config.parts[part].intervalMinutes, r.failureStreak, s));
    this.emitStatus();
  }

  private schedule(part: PartName, delayMs: number): void {
    const r = this.rt.get(part)!;
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    r.nextRunAt = null;
    if (!this.config.parts[part].enabled || !this.parts.has(part) || this.stopping) return;
    if (r.attention?.kind === 'massDelete') return; // waits for the user's decision
    if (this.awaitingApproval(part)) return; // waits until the user saw the preview and approved it
    const delay =
      delayMs === 0
        ? firstDelay(this.state, part, this.config.parts[part].intervalMinutes, this.now())
        : delayMs;
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

  private async context(part: PartName, signal: AbortSignal = this.abort.signal): Promise<RunContext> {
    if (!this.conn) this.conn = await this.opts.connect(this.config, this.opts.secrets);
    if (!this.me) this.me = await abraUser(this.config, this.state, this.now, this.conn.abra);
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
      parts: PART_NAMES.map((name) =>
        partStatus(name, this.rt.get(name)!, this.config, this.state, {
          available: this.parts.has(name),
          awaitingApproval: this.awaitingApproval(name),
          unassigned: () => mailQueue.countUnassignedMail(this.parts.get('mail'), this.state),
        }),
      ),
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
    return mailQueue.listUnassignedMail(this.parts.get('mail'), this.state);
  }

  ignoreMail(id: number): void {
    mailQueue.ignoreMail(this.parts.get('mail'), this.state, id);
    this.emitStatus(); // the count of waiting messages changed
  }

  async readUnassignedMail(id: number): Promise<string> {
    return mailQueue.readUnassignedMail(this.parts.get('mail'), () => this.context('mail'), id);
  }

  async assignMail(
    id: number,
    firmId: string,
    personId: string | null,
    applyToAddress: boolean,
  ): Promise<void> {
    await mailQueue.assignMail(
      this.parts.get('mail'),
      () => this.context('mail'),
      id,
      firmId,
      personId,
      applyToAddress,
    );
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

export async function createSyncService(opts: SyncServiceOptions): Promise<SyncService> {
  return new SyncService({ releaseHeapAfterRuns: true, ...opts });
}
