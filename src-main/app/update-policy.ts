/**
 * Automatic updates, the decisions only (pure, no Electron, no electron-updater): whether updates run at all and
 * from which feed, when to check, how electron-updater's events move the update along, when an update may be
 * installed (on quit, or "Restart to update" — never while a sync runs) and what the tray shows.
 * `updater.ts` wires these to electron-updater; `test/app/update-policy.test.ts` pins them.
 *
 * Verification is electron-updater's: every download is checked against the SHA-512 in the feed (all platforms),
 * on Windows the installer's Authenticode signature must come from the publisher the app was signed by
 * (app-update.yml `publisherName`, written by a signed build), on macOS Squirrel.Mac accepts only an update signed
 * with the app's own Developer ID. A failed check is an `error` event: nothing is installed.
 */
import { type MessageKey, type MessageParams, tr } from '../shared/messages';
import type { TrayMenuItem, TrayModel } from './tray-state';

/** The admin's `updates` section of the policy file (policy.ts `parseUpdatesPolicy`). */
export interface UpdatesPolicy {
  /** false: the app never checks, downloads or installs (IT deploys new versions itself, e.g. an MSI). */
  enabled?: boolean;
  /** A generic feed (https folder with latest.yml etc.) instead of the one built into the app. */
  feedUrl?: string;
  /** Hours between checks (1–168). */
  checkIntervalHours?: number;
}

export const DEFAULT_CHECK_INTERVAL_HOURS = 6;
/** The first check waits a little after start, so a login does not fetch the feed before the first sync. */
export const FIRST_CHECK_DELAY_MS = 3 * 60_000;
/** After a failed check or download, try again after this (or the interval, if shorter). */
export const RETRY_AFTER_ERROR_MS = 60 * 60_000;

export type UpdateFeedChoice = { kind: 'builtIn' } | { kind: 'generic'; url: string };

export type UpdateAvailability =
  | { enabled: true; feed: UpdateFeedChoice; intervalMs: number }
  | { enabled: false; reason: 'policy' | 'notPackaged' | 'noFeed' | 'unsupported' | 'perMachine' };

export interface UpdateEnvironment {
  policy: UpdatesPolicy | undefined;
  /** app.isPackaged: `electron .` in development never updates itself. */
  packaged: boolean;
  platform: NodeJS.Platform;
  /** resources/app-update.yml exists (a build with a publish configuration). */
  hasBuiltInFeed: boolean;
  /** Linux: running from an AppImage ($APPIMAGE set) — the only Linux package that replaces itself without root. */
  appImage?: boolean;
  /** Windows: installed for all users (Program Files: `/allusers` or the MSI) — updating needs admin rights. */
  perMachine?: boolean;
}

/** Windows: is this executable under Program Files (a per-machine install)? */
export function isPerMachineInstall(exePath: string, env: NodeJS.ProcessEnv): boolean {
  const norm = (p: string) => p.replace(/\//g, '\\').replace(/\\+$/, '').toLowerCase();
  const exe = norm(exePath);
  return [env.ProgramFiles, env.ProgramW6432, env['ProgramFiles(x86)']]
    .filter((d): d is string => Boolean(d))
    .some((d) => exe.startsWith(`${norm(d)}\\`));
}

/** Whether this installation updates itself, and from where. */
export function updateAvailability(env: UpdateEnvironment): UpdateAvailability {
  if (env.policy?.enabled === false) return { enabled: false, reason: 'policy' };
  if (!env.packaged) return { enabled: false, reason: 'notPackaged' };
  // deb installs are updated by the system's package manager (root); only an AppImage replaces itself
  if (env.platform === 'linux' && !env.appImage) return { enabled: false, reason: 'unsupported' };
  // a per-machine install would ask a user without admin rights for elevation at every update: IT deploys new
  // versions there, unless the admin's policy turns updates on explicitly (users who are local admins)
  if (env.perMachine && env.policy?.enabled !== true) return { enabled: false, reason: 'perMachine' };
  const hours = env.policy?.checkIntervalHours ?? DEFAULT_CHECK_INTERVAL_HOURS;
  const intervalMs = hours * 3_600_000;
  if (env.policy?.feedUrl)
    return { enabled: true, feed: { kind: 'generic', url: env.policy.feedUrl }, intervalMs };
  if (!env.hasBuiltInFeed) return { enabled: false, reason: 'noFeed' };
  return { enabled: true, feed: { kind: 'builtIn' }, intervalMs };
}

/** Where the update stands. `ready` = downloaded and verified; it installs when the app quits. */
export type UpdatePhase =
  | { kind: 'idle'; lastCheck: number | null }
  | { kind: 'checking' }
  | { kind: 'downloading'; version: string; percent: number }
  | { kind: 'ready'; version: string }
  | { kind: 'error'; message: string; at: number };

export const INITIAL_PHASE: UpdatePhase = { kind: 'idle', lastCheck: null };

/** electron-updater's events, reduced to what the decisions need. */
export type UpdaterEvent =
  | { type: 'checking-for-update' }
  | { type: 'update-not-available' }
  | { type: 'update-available'; version: string }
  | { type: 'download-progress'; percent: number }
  | { type: 'update-downloaded'; version: string }
  | { type: 'error'; message: string };

export function nextPhase(phase: UpdatePhase, e: UpdaterEvent, now: number): UpdatePhase {
  // a verified download stays ready until the app quits: later checks cannot take it away
  if (phase.kind === 'ready' && e.type !== 'update-downloaded') return phase;
  switch (e.type) {
    case 'checking-for-update':
      return { kind: 'checking' };
    case 'update-not-available':
      return { kind: 'idle', lastCheck: now };
    case 'update-available':
      return { kind: 'downloading', version: e.version, percent: 0 };
    case 'download-progress':
      return phase.kind === 'downloading'
        ? { ...phase, percent: Math.max(0, Math.min(100, Math.round(e.percent))) }
        : phase;
    case 'update-downloaded':
      return { kind: 'ready', version: e.version };
    case 'error':
      return { kind: 'error', message: e.message, at: now };
  }
}

/**
 * Milliseconds until the next check (0 = now), or null for none: nothing to check while a check or download runs
 * or once an update is ready.
 */
export function nextCheckIn(
  phase: UpdatePhase,
  opts: { now: number; startedAt: number; intervalMs: number },
): number | null {
  if (phase.kind === 'checking' || phase.kind === 'downloading' || phase.kind === 'ready') return null;
  if (phase.kind === 'error')
    return Math.max(0, phase.at + Math.min(RETRY_AFTER_ERROR_MS, opts.intervalMs) - opts.now);
  if (phase.lastCheck === null) return Math.max(0, opts.startedAt + FIRST_CHECK_DELAY_MS - opts.now);
  return Math.max(0, phase.lastCheck + opts.intervalMs - opts.now);
}

/**
 * "Restart to update" from the tray: install now only when an update is ready and no sync runs; while one runs,
 * wait for its end (the tray item stays; the engine is never interrupted for an update).
 */
export function restartDecision(
  phase: UpdatePhase,
  syncing: boolean,
): 'installNow' | 'waitForSync' | 'nothing' {
  if (phase.kind !== 'ready') return 'nothing';
  return syncing ? 'waitForSync' : 'installNow';
}

/**
 * On quit (after the engine has finished its batch and closed its store): install a ready update silently, without
 * starting the app again (the user chose to quit). Never when the admin switched updates off since it downloaded.
 */
export function installOnQuit(phase: UpdatePhase, availability: UpdateAvailability): boolean {
  return phase.kind === 'ready' && availability.enabled;
}

type Lang = 'cs' | 'en';

/**
 * The tray with the update: a downloading line (disabled), or "Restart to update to X" above Quit and a tooltip
 * line once it is ready (disabled with a waiting label while a restart waits for a sync). Other phases change
 * nothing: a failed check is in the log, not in the user's face.
 */
export function withUpdate(
  model: TrayModel,
  phase: UpdatePhase,
  lang: Lang,
  opts: { restartPending?: boolean } = {},
): TrayModel {
  const version = 'version' in phase ? phase.version : '';
  const t = (key: MessageKey, params?: MessageParams) => tr(lang, key, { version, ...params });
  let item: TrayMenuItem | null = null;
  let tooltip = model.tooltip;
  if (phase.kind === 'downloading')
    item = {
      type: 'item',
      id: 'installUpdate',
      label: t('tray.update.downloading', { percent: phase.percent }),
      enabled: false,
    };
  else if (phase.kind === 'ready') {
    item = opts.restartPending
      ? { type: 'item', id: 'installUpdate', label: t('tray.update.waiting'), enabled: false }
      : { type: 'item', id: 'installUpdate', label: t('tray.update.ready'), enabled: true };
    tooltip = `${model.tooltip}\n${t('tray.update.readyTip')}`;
  }
  if (!item) return model;
  const menu = [...model.menu];
  const quit = menu.findIndex((i) => i.type === 'item' && i.id === 'quit');
  const at = quit < 0 ? menu.length : quit;
  menu.splice(at, 0, item, { type: 'separator' });
  return { ...model, tooltip, menu };
}
