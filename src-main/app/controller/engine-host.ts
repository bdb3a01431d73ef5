/**
 * The engine's lifecycle in the app. The SyncService exists while a valid configuration is saved and runs its
 * timers only while the secrets it needs are stored too; {@link EngineHost.applySettings} rebuilds or reconfigures
 * it whenever settings or secrets change, one change at a time. Its events go to the window, its problems to
 * notifications (once per problem).
 */
import { toSyncError } from '../../shared/errors';
import { issueText, type Note, noteText } from '../../shared/messages';
import type { ServiceEvent } from '../../sync/api';
import { createSyncService, type SyncService } from '../../sync/service';
import type { Logger } from '../log';
import { NotificationTracker } from '../notifications';
import type { ControllerDeps } from './deps';
import type { Events } from './events';
import type { EngineHost, SecretBindings, SettingsState } from './handles';

export type { EngineHost } from './handles';

/** Engine events go to the window; status changes also to notifications (once per problem, if wanted). */
function serviceEventHandler(
  deps: ControllerDeps,
  log: Logger,
  settings: SettingsState,
  events: Events,
  service: () => SyncService | null,
): (e: ServiceEvent) => void {
  const tracker = new NotificationTracker();
  return (e) => {
    events.emit({ type: 'service', event: e });
    if (e.type !== 'status' && e.type !== 'run') return;
    const status = e.type === 'status' ? e.status : service()?.status();
    if (!status) return;
    const prefs = settings.preferences();
    tracker.setLanguage(settings.locale());
    for (const n of tracker.update(status)) {
      log.warn(`notice: ${n.title} — ${n.body}`);
      if (!prefs.notifications) continue;
      try {
        deps.notify(n.title, n.body, n.page);
      } catch (err) {
        log.warn(`notification failed: ${(err as Error).message}`);
      }
    }
  };
}

/** What keeps the app from syncing, first of all an engine that could not start. */
async function problemsOf(
  settings: SettingsState,
  bindings: SecretBindings,
  startError: { message: string; note?: Note } | null,
  service: SyncService | null,
): Promise<string[]> {
  // the engine could not start (another copy holds the state file, an unreadable state file): say so first
  if (startError) return [noteText(settings.locale(), startError.note, startError.message)];
  const { config, issues } = settings.effective();
  if (!config) {
    if (issues.length) return issues.map((i) => issueText(settings.locale(), i));
    return [settings.say('setup.notSetUp')];
  }
  const damaged = service?.recovered;
  return [
    ...(damaged ? [settings.say('state.recovered', { file: damaged.file, kept: damaged.kept })] : []),
    ...(await bindings.missingSecrets(config)),
  ];
}

export function createEngineHost(
  deps: ControllerDeps,
  log: Logger,
  settings: SettingsState,
  bindings: SecretBindings,
  events: Events,
): EngineHost {
  const makeService = deps.createService ?? createSyncService;
  let service: SyncService | null = null;
  let serviceStarted = false;
  let serviceProfile = '';
  let unsubscribe: (() => void) | null = null;
  let disposed = false;
  let lifecycle: Promise<void> = Promise.resolve();
  let startError: { message: string; note?: Note } | null = null;

  const onServiceEvent = serviceEventHandler(deps, log, settings, events, () => service);

  const stopService = async () => {
    if (!service) return;
    const s = service;
    service = null;
    serviceStarted = false;
    unsubscribe?.();
    unsubscribe = null;
    await s.stop();
  };

  const applySettings = (): Promise<void> => {
    const step = lifecycle.then(async () => {
      if (disposed) return;
      const { config } = settings.effective();
      if (!config) {
        await stopService();
        return;
      }
      const ready = (await bindings.missingSecrets(config)).length === 0;
      const wantStarted = ready && deps.autoStart !== false;
      if (service && (serviceProfile !== config.profile || serviceStarted !== wantStarted))
        await stopService();
      if (!service) {
        service = await makeService({
          config,
          secrets: bindings.engineSecrets,
          dataDir: deps.dataDir,
          connect: deps.connect,
          now: deps.now,
          extraParts: deps.extraParts,
          log: (level, msg) => log.log(level, msg),
          approval: deps.approval ?? 'ask',
        });
        serviceProfile = config.profile;
        unsubscribe = service.subscribe(onServiceEvent);
        if (settings.doc().paused) service.pause();
        if (wantStarted) {
          service.start();
          serviceStarted = true;
        }
        log.info(`engine: profile ${config.profile} ${wantStarted ? 'started' : 'ready (not started)'}`);
      } else {
        // Same profile: new settings or secrets take effect on the next run (the connection is rebuilt).
        service.updateConfig(config);
      }
    });
    lifecycle = step.then(
      () => {
        startError = null;
      },
      (e) => {
        const err = toSyncError(e);
        startError = { message: err.message, note: err.note };
        log.error(`engine: ${err.message}`);
      },
    );
    return step;
  };

  const problems = () => problemsOf(settings, bindings, startError, service);

  const requireService = async (): Promise<SyncService> => {
    await lifecycle;
    if (!service) {
      const p = await problems();
      throw new Error(p[0] ?? settings.say('setup.engineNotRunning'));
    }
    return service;
  };

  return {
    service: () => service,
    settled: () => lifecycle,
    applySettings,
    requireService,
    async requireReady() {
      const s = await requireService();
      const { config } = settings.effective();
      if (config) {
        const missing = await bindings.missingSecrets(config);
        if (missing.length)
          throw new Error(settings.say('setup.cannotSyncYet', { reasons: missing.join(' ') }));
      }
      return s;
    },
    retryProblems() {
      void lifecycle.then(() => {
        if (!service || !serviceStarted || disposed) return;
        service.retryProblems().catch((e) => log.warn(`retry after a fix: ${(e as Error).message}`));
      });
    },
    problems,
    async dispose() {
      disposed = true;
      await lifecycle.catch(() => undefined);
      await stopService();
    },
  };
}
