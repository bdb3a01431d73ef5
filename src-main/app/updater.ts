/**
 * Automatic updates in the running app: electron-updater, driven by the pure decisions in ./update-policy.ts.
 *
 * - Feed: the one built into the app (resources/app-update.yml from electron-builder.yml `publish`), or the admin
 *   policy's `updates.feedUrl` (generic provider); `updates.enabled: false` switches it all off.
 * - Verified by electron-updater: SHA-512 of the download against the feed everywhere; Windows: Authenticode
 *   publisher must equal the app's (`publisherName` in app-update.yml, written by a signed build); macOS:
 *   Squirrel.Mac installs only an update signed with the same Developer ID.
 * - Downloaded in the background; installed when the app quits (after the engine has finished its batch and closed
 *   its store — main.ts holds `before-quit` for that), or at "Restart to update", which waits for a running sync.
 *
 * electron-updater is loaded with a dynamic import only when updates are enabled, so nothing here runs in tests or
 * in development; a build without the package reports that in the log and the app runs without updates.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './log';
import {
  INITIAL_PHASE,
  installOnQuit,
  isPerMachineInstall,
  nextCheckIn,
  nextPhase,
  restartDecision,
  type UpdateAvailability,
  type UpdatePhase,
  type UpdaterEvent,
  type UpdatesPolicy,
  updateAvailability,
} from './update-policy';

/** The part of electron-updater's `autoUpdater` (AppUpdater) this file uses. */
interface ElectronUpdater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  autoRunAppAfterInstall: boolean;
  disableWebInstaller: boolean;
  /** The app-update.yml electron-updater reads (cache folder name, Windows publisher), default resources/. */
  updateConfigPath: string | null;
  logger: {
    info(m: unknown): void;
    warn(m: unknown): void;
    error(m: unknown): void;
    debug?(m: unknown): void;
  } | null;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{ downloadPromise?: Promise<unknown> | null } | null>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
}

export interface AutoUpdate {
  phase(): UpdatePhase;
  /** "Restart to update": now when no sync runs, else as soon as the running sync ends. */
  restartToUpdate(): 'installNow' | 'waitForSync' | 'nothing';
  /** A restart is waiting for a sync to end. */
  restartPending(): boolean;
  /** Check the feed now (the timer does it on its own; tests, a future "Check for updates"). */
  checkNow(): Promise<void>;
  /** Call when a sync run ends (status events): a pending restart goes ahead. */
  syncEnded(): void;
  /** Before the app quits for the update: main.ts disposes the engine first, then calls this; false = nothing to do. */
  installAndRelaunch(): boolean;
  dispose(): void;
}

export interface AutoUpdateDeps {
  policy: UpdatesPolicy | undefined;
  packaged: boolean;
  /** app.getPath('exe') */
  exePath: string;
  /** process.resourcesPath (undefined outside Electron) */
  resourcesPath: string | undefined;
  /** app.getPath('userData'): where a stand-in app-update.yml goes when the build has none */
  userDataDir: string;
  log: Logger;
  /** A sync run is in progress. */
  syncing: () => boolean;
  /** The phase changed (tray). */
  onChange: () => void;
  /** Quit the app through the normal path (engine disposed first); main.ts then calls installAndRelaunch. */
  quitForUpdate: () => void;
  now?: () => number;
  /** Tests: instead of importing electron-updater. */
  loadUpdater?: () => Promise<ElectronUpdater>;
}

async function importElectronUpdater(): Promise<ElectronUpdater> {
  // Loaded lazily: only the packaged app updates itself, and a failed load is reported by the caller.
  const mod = (await import('electron-updater')) as {
    autoUpdater?: ElectronUpdater;
    default?: { autoUpdater?: ElectronUpdater };
  };
  const u = mod.autoUpdater ?? mod.default?.autoUpdater;
  if (!u) throw new Error('electron-updater has no autoUpdater export');
  return u;
}

const REASONS: Record<Exclude<UpdateAvailability, { enabled: true }>['reason'], string> = {
  policy: 'switched off by the admin policy',
  notPackaged: 'not a packaged app',
  noFeed: 'this build has no update feed',
  unsupported: 'a Linux package is updated by the system (only the AppImage updates itself)',
  perMachine:
    'installed for all users: new versions come from IT (policy "updates": { "enabled": true } to allow)',
};

type Availability = ReturnType<typeof updateAvailability>;
type Enabled = Extract<Availability, { enabled: true }>;

/** Whether this app updates itself (policy, packaging, platform, install kind) and whether the build has a feed. */
function availabilityOf(deps: AutoUpdateDeps): { availability: Availability; hasBuiltInFeed: boolean } {
  const builtIn = deps.resourcesPath ? path.join(deps.resourcesPath, 'app-update.yml') : null;
  const hasBuiltInFeed = builtIn !== null && existsSync(builtIn);
  const availability = updateAvailability({
    policy: deps.policy,
    packaged: deps.packaged,
    platform: process.platform,
    hasBuiltInFeed,
    appImage: Boolean(process.env.APPIMAGE),
    perMachine: process.platform === 'win32' && isPerMachineInstall(deps.exePath, process.env),
  });
  return { availability, hasBuiltInFeed };
}

/**
 * electron-updater's settings: the log, a background download, no downgrade or pre-release, no web installer, and
 * the admin policy's feed (with a stand-in app-update.yml when the build has none).
 */
function configureUpdater(
  u: ElectronUpdater,
  deps: AutoUpdateDeps,
  availability: Enabled,
  hasBuiltInFeed: boolean,
): void {
  u.logger = {
    info: (m) => deps.log.info(`updater: ${String(m)}`),
    warn: (m) => deps.log.warn(`updater: ${String(m)}`),
    error: (m) => deps.log.error(`updater: ${String(m)}`),
  };
  u.autoDownload = true; // in the background, as soon as a newer version is in the feed
  u.allowDowngrade = false;
  u.allowPrerelease = false;
  u.disableWebInstaller = true;
  u.autoInstallOnAppQuit = false; // set from the decision once an update is ready
  if (availability.feed.kind === 'generic') {
    u.setFeedURL({ provider: 'generic', url: availability.feed.url });
    // electron-updater still reads app-update.yml while downloading (its cache folder name; on Windows the
    // publisher the installer's signature must match). A build without one gets a stand-in without a publisher.
    if (!hasBuiltInFeed) {
      const own = path.join(deps.userDataDir, 'app-update.yml');
      mkdirSync(deps.userDataDir, { recursive: true });
      writeFileSync(
        own,
        `provider: generic\nurl: ${JSON.stringify(availability.feed.url)}\nupdaterCacheDirName: abra-gen-exchange-sync-updater\n`,
      );
      u.updateConfigPath = own;
    }
  }
  deps.log.info(
    `automatic updates on: ${availability.feed.kind === 'generic' ? availability.feed.url : 'built-in feed'}, every ${availability.intervalMs / 3_600_000} h`,
  );
}

/** electron-updater's events as the pure policy's UpdaterEvents. */
function forwardEvents(u: ElectronUpdater, on: (e: UpdaterEvent) => void): void {
  const version = (info: unknown) => String((info as { version?: unknown } | null)?.version ?? '?');
  u.on('checking-for-update', () => on({ type: 'checking-for-update' }));
  u.on('update-not-available', () => on({ type: 'update-not-available' }));
  u.on('update-available', (info: never) => on({ type: 'update-available', version: version(info) }));
  u.on('download-progress', (p: never) =>
    on({ type: 'download-progress', percent: Number((p as { percent?: number }).percent ?? 0) }),
  );
  u.on('update-downloaded', (info: never) => on({ type: 'update-downloaded', version: version(info) }));
  u.on('error', (err: never) => on({ type: 'error', message: (err as Error)?.message ?? String(err) }));
}

export async function startAutoUpdate(deps: AutoUpdateDeps): Promise<AutoUpdate | null> {
  const now = deps.now ?? Date.now;
  const { availability, hasBuiltInFeed } = availabilityOf(deps);
  if (!availability.enabled) {
    deps.log.info(`automatic updates off: ${REASONS[availability.reason]}`);
    return null;
  }
  let u: ElectronUpdater;
  try {
    u = await (deps.loadUpdater ?? importElectronUpdater)();
  } catch (e) {
    deps.log.warn(`automatic updates unavailable: ${(e as Error).message}`);
    return null;
  }
  configureUpdater(u, deps, availability, hasBuiltInFeed);

  const startedAt = now();
  let phase: UpdatePhase = INITIAL_PHASE;
  let pending = false;
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;

  const check = () =>
    u.checkForUpdates().then(
      // the background download's failure (e.g. a sha512 mismatch) arrives as an 'error' event; its promise
      // would otherwise reject unhandled
      (r) => void r?.downloadPromise?.catch(() => undefined),
      (e: Error) => on({ type: 'error', message: e.message }),
    );
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (disposed) return;
    const wait = nextCheckIn(phase, { now: now(), startedAt, intervalMs: availability.intervalMs });
    if (wait === null) return;
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, wait);
    timer.unref?.();
  };
  const on = (e: UpdaterEvent) => {
    const before = phase;
    phase = nextPhase(phase, e, now());
    u.autoInstallOnAppQuit = installOnQuit(phase, availability);
    if (e.type === 'error') deps.log.warn(`update failed: ${e.message}`);
    if (e.type === 'update-downloaded')
      deps.log.info(`update ${e.version} downloaded and verified; installs on quit`);
    if (phase !== before) {
      deps.onChange();
      schedule();
    }
  };
  forwardEvents(u, on);
  schedule();

  return {
    phase: () => phase,
    restartPending: () => pending,
    async checkNow() {
      if (nextCheckIn(phase, { now: now(), startedAt, intervalMs: availability.intervalMs }) === null) return;
      await check();
    },
    restartToUpdate() {
      const d = restartDecision(phase, deps.syncing());
      if (d === 'waitForSync') {
        pending = true;
        deps.log.info('restart for the update waits for the running sync');
        deps.onChange();
      } else if (d === 'installNow') deps.quitForUpdate();
      return d;
    },
    syncEnded() {
      if (!pending || deps.syncing()) return;
      pending = false;
      if (restartDecision(phase, false) === 'installNow') deps.quitForUpdate();
    },
    installAndRelaunch() {
      if (phase.kind !== 'ready') return false;
      deps.log.info(`installing update ${phase.version} and restarting`);
      u.quitAndInstall(true, true);
      return true;
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
