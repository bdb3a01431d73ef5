/**
 * Desktop notifications, once per problem: a part that starts failing, a run that waits for a mass-delete decision,
 * an expired password or token. The same problem on the next run stays quiet; when the part recovers the problem is
 * forgotten, so a new failure later notifies again. Pure: feed it statuses, it returns what to show.
 */
import { noteText, tr } from '../shared/messages';
import type { PartStatus, SchedulerStatus } from '../sync/api';
import type { PartName } from '../sync/config';

export interface Notice {
  /** Identity of the problem (part + kind); the same key never notifies twice in a row. */
  key: string;
  part: PartName;
  kind: 'massDelete' | 'auth' | 'config' | 'error' | 'warning';
  title: string;
  body: string;
  /** The window's page that shows the problem (a click on the notification opens it). */
  page: NoticePage;
}

export type NoticePage = 'overview' | 'connections' | 'parts' | 'mail';

/** Where the user deals with a problem of this kind. */
export function pageOf(kind: Notice['kind'], part: PartName): NoticePage {
  if (kind === 'auth') return 'connections';
  if (kind === 'config') return part === 'mail' ? 'mail' : 'parts';
  return 'overview';
}

export type NoticeLanguage = 'cs' | 'en';

function problemOf(
  p: PartStatus,
  language: NoticeLanguage,
): { kind: Notice['kind']; message: string } | null {
  if (p.attention)
    return { kind: p.attention.kind, message: noteText(language, p.attention.note, p.attention.message) };
  // the runs go on, but the same items failed again: the tray turns amber and the user hears it once
  if ((p.partialStreak ?? 0) >= 2 && p.lastRun?.result === 'partial') {
    const n = p.lastRun.failures.length || p.lastRun.counts.failed;
    return { kind: 'warning', message: tr(language, 'notice.itemsFailing', { count: n }) };
  }
  return null;
}

export class NotificationTracker {
  /** part → key of the problem already notified */
  private readonly active = new Map<PartName, string>();

  constructor(private language: NoticeLanguage = 'en') {}

  setLanguage(language: NoticeLanguage): void {
    this.language = language;
  }

  /** Notices to show for this status (each problem once); problems that went away are forgotten. */
  update(status: SchedulerStatus): Notice[] {
    const out: Notice[] = [];
    for (const p of status.parts) {
      const problem = p.enabled ? problemOf(p, this.language) : null;
      if (!problem) {
        this.active.delete(p.part);
        continue;
      }
      // Transient network trouble alone is not worth a notification until it repeats.
      if (problem.kind === 'error' && p.failureStreak < 2 && isNetwork(p)) continue;
      const key = `${p.part}:${problem.kind}`;
      if (this.active.get(p.part) === key) continue;
      this.active.set(p.part, key);
      const label = tr(this.language, `field.parts.${p.part}`);
      out.push({
        key,
        part: p.part,
        kind: problem.kind,
        title: tr(this.language, `notice.${problem.kind}`, { part: label }),
        body: problem.message || label,
        page: pageOf(problem.kind, p.part),
      });
    }
    return out;
  }

  /** Forget everything (e.g. after new settings were saved). */
  reset(): void {
    this.active.clear();
  }
}

function isNetwork(p: PartStatus): boolean {
  const k = p.lastRun?.errorKind;
  return k === 'unreachable' || k === 'timeout' || k === 'transient';
}
