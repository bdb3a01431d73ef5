/**
 * What the tray shows, as a pure function of the engine status: the icon (idle / syncing / error / paused), the
 * tooltip (a line per part, the count of e-mails waiting for their firm) and the menu model (Sync now, one line per enabled part with its last result,
 * Pause/Resume, Settings…, Open log, Quit). `tray.ts` turns the model into an Electron Menu.
 */
import { type MessageKey, type MessageParams, tr } from '../shared/messages';
import type { PartStatus, RunSummary, SchedulerStatus } from '../sync/api';
import type { PartName } from '../sync/config';

/** `setup`: nothing configured yet — a neutral icon, not the red error (issue #18). */
export type TrayIcon = 'idle' | 'setup' | 'syncing' | 'error' | 'warning' | 'paused';

export type TrayAction =
  | 'syncNow'
  | 'pause'
  | 'resume'
  | 'settings'
  | 'openLog'
  /** The page of e-mails waiting for their firm. */
  | 'unassigned'
  | 'quit'
  | `part:${PartName}`
  /** "Restart to update" (update-policy.ts `withUpdate`) */
  | 'installUpdate';

export type TrayMenuItem =
  | { type: 'item'; id: TrayAction; label: string; enabled: boolean }
  | { type: 'separator' };

export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  /**
   * How many things wait for the user: e-mails without a firm, parts that need them (a decision, a sign-in, a
   * preview). `tray.ts` shows it where the platform has a place for it (next to the macOS menu-bar icon, the dock /
   * launcher badge); 0 = none.
   */
  badge: number;
  menu: TrayMenuItem[];
}

type Lang = 'cs' | 'en';

const APP_NAME = 'ABRA Gen Exchange Sync';

/** A tray sentence in the tray's language (../shared/messages/). */
const say = (lang: Lang, key: MessageKey, params?: MessageParams) => tr(lang, key, params);
const partName = (p: PartStatus, lang: Lang) => tr(lang, `field.parts.${p.part}`);
const resultText = (r: RunSummary, lang: Lang) => tr(lang, `tray.result.${r.result}`);

/** Attention that needs the user (not transient network trouble on the first failure). */
function needsUser(p: PartStatus): boolean {
  if (!p.enabled) return false;
  if (p.attention && p.attention.kind !== 'error') return true;
  if (p.lastRun?.result === 'needsConfirmation') return true;
  if (p.lastRun?.result === 'failed' || p.lastRun?.result === 'aborted') {
    const k = p.lastRun.errorKind;
    const network = k === 'unreachable' || k === 'timeout' || k === 'transient';
    return !network || p.failureStreak >= 3;
  }
  return false;
}

/** The runs go on, but the same items failed in two runs or more. */
function itemsFailing(p: PartStatus): boolean {
  return p.enabled && (p.partialStreak ?? 0) >= 2 && p.lastRun?.result === 'partial';
}

/** How many archived e-mails wait for their firm (0 when the archive is off). */
export function unassignedCount(status: SchedulerStatus | null): number {
  const mail = status?.parts.find((p) => p.part === 'mail');
  return mail?.enabled ? (mail.unassigned ?? 0) : 0;
}

export function trayIcon(status: SchedulerStatus | null): TrayIcon {
  if (!status) return 'setup';
  if (status.parts.some((p) => p.running)) return 'syncing';
  if (status.parts.some(needsUser)) return 'error';
  if (status.parts.some(itemsFailing)) return 'warning';
  if (status.paused) return 'paused';
  return 'idle';
}

/** One short line per part for the tooltip: a part that keeps failing shows since when, not hidden by the others. */
function tooltipLine(p: PartStatus, lang: Lang, now: Date): string {
  const name = partName(p, lang);
  if (p.running) return `${name}: ${say(lang, 'tray.running')}`;
  if (p.awaitingApproval) return `${name}: ${say(lang, 'tray.waiting')}`;
  const r = p.lastRun;
  if (!r) return `${name}: ${say(lang, 'tray.noRun')}`;
  if (needsUser(p) || r.result === 'failed' || r.result === 'aborted')
    return `${name}: ${say(lang, 'tray.failingSince')} ${p.lastSuccessAt ? fmtTime(p.lastSuccessAt, lang, now) : say(lang, 'tray.never')}`;
  return `${name}: ${resultText(r, lang)} ${fmtTime(r.finishedAt, lang, now)}`;
}

function fmtTime(iso: string, lang: Lang, now: Date): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === now.toDateString();
  const locale = lang === 'cs' ? 'cs-CZ' : 'en-GB';
  return sameDay
    ? d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(locale, { day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function partLine(p: PartStatus, lang: Lang, now: Date): string {
  const name = partName(p, lang);
  if (p.running) {
    const pr = p.progress;
    return `${name}: ${say(lang, 'tray.running')}${pr?.total ? ` ${pr.done}/${pr.total}` : ''}`;
  }
  const r = p.lastRun;
  if (!r) return `${name}: ${say(lang, 'tray.noRun')}`;
  const c = r.counts;
  const changes =
    r.result === 'ok' || r.result === 'partial'
      ? c.abra.created +
        c.abra.updated +
        c.abra.deleted +
        c.exchange.created +
        c.exchange.updated +
        c.exchange.deleted
      : 0;
  const extra = changes ? ` (${say(lang, 'tray.changes', { count: changes })})` : '';
  return `${name}: ${resultText(r, lang)}${extra}, ${fmtTime(r.finishedAt, lang, now)}`;
}

export function trayModel(
  status: SchedulerStatus | null,
  opts: { lang?: Lang; now?: Date; configured?: boolean } = {},
): TrayModel {
  const lang = opts.lang ?? 'en';
  const now = opts.now ?? new Date();
  const t = (key: MessageKey) => say(lang, key);
  const icon = trayIcon(status);
  const enabled = status?.parts.filter((p) => p.enabled) ?? [];
  const lastOk = enabled
    .map((p) => p.lastSuccessAt)
    .filter((x): x is string => Boolean(x))
    .sort()
    .pop();
  let headline: string;
  if (!status) headline = t('tray.notSetUp');
  else if (icon === 'syncing') headline = t('tray.syncing');
  else if (icon === 'error') headline = t('tray.needs');
  else if (icon === 'warning') headline = t('tray.warning');
  else if (icon === 'paused') headline = t('tray.paused');
  else headline = '';
  // one line per enabled part (a part that keeps failing is not hidden behind another's success); the overall
  // last success only when there is no part to list
  let tooltip = [
    APP_NAME,
    headline,
    ...(enabled.length
      ? enabled.map((p) => tooltipLine(p, lang, now))
      : [status ? `${t('tray.lastOk')}: ${lastOk ? fmtTime(lastOk, lang, now) : t('tray.never')}` : '']),
  ]
    .filter(Boolean)
    .join('\n');

  // archived e-mails waiting for the user to pick their firm: counted in the tooltip and the menu (issue #18 item 10)
  const unassigned = unassignedCount(status);
  if (unassigned) tooltip = `${tooltip}\n${say(lang, 'tray.unassigned', { count: unassigned })}`;

  const running = enabled.some((p) => p.running);
  const menu: TrayMenuItem[] = [
    {
      type: 'item',
      id: 'syncNow',
      label: t('tray.syncNow'),
      enabled: Boolean(status) && enabled.length > 0 && !running,
    },
    { type: 'separator' },
  ];
  if (!status) menu.push({ type: 'item', id: 'settings', label: t('tray.notSetUp'), enabled: true });
  for (const p of enabled)
    menu.push({ type: 'item', id: `part:${p.part}`, label: partLine(p, lang, now), enabled: true });
  if (unassigned)
    menu.push({
      type: 'item',
      id: 'unassigned',
      label: say(lang, 'tray.unassigned', { count: unassigned }),
      enabled: true,
    });
  menu.push({ type: 'separator' });
  if (status)
    menu.push(
      status.paused
        ? { type: 'item', id: 'resume', label: t('tray.resume'), enabled: true }
        : { type: 'item', id: 'pause', label: t('tray.pause'), enabled: true },
    );
  menu.push(
    { type: 'item', id: 'settings', label: t('tray.settings'), enabled: true },
    { type: 'item', id: 'openLog', label: t('tray.openLog'), enabled: true },
    { type: 'separator' },
    { type: 'item', id: 'quit', label: t('tray.quit'), enabled: true },
  );
  const badge = unassigned + enabled.filter((p) => needsUser(p) || p.awaitingApproval).length;
  return { icon, tooltip, menu, badge };
}
