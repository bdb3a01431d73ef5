import { useTranslation } from 'react-i18next';
import type { SchedulerStatus } from '../../../src-main/app/ipc-contract';
import { PAGES, type PageId } from '../lib/app-context';

/** The pages, with a dot where a part needs attention and the count of unassigned mail; paused/offline below. */
export function Sidebar({
  page,
  go,
  status,
  unassigned,
  version,
}: {
  page: PageId;
  go(p: PageId): void;
  status: SchedulerStatus | null;
  unassigned: number;
  version: string | undefined;
}) {
  const { t } = useTranslation();
  const attention = (status?.parts ?? []).some((p) => p.attention);
  return (
    <nav className="sidebar" aria-label={t('app.navigation')}>
      <div className="brand">{t('app.title')}</div>
      <ul>
        {PAGES.map((p) => (
          <li key={p}>
            <button
              type="button"
              className="nav-item"
              aria-current={page === p ? 'page' : undefined}
              onClick={() => go(p)}
            >
              {t(`nav.${p}`)}
              {p === 'overview' && attention && (
                <span className="dot" role="img" aria-label={t('overview.needsAttention')} />
              )}
              {p === 'unassigned' && unassigned > 0 && (
                <span
                  className="badge badge-warn nav-count"
                  role="img"
                  aria-label={t('mail.waiting', { count: unassigned })}
                >
                  {unassigned}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        {status?.paused && <span className="badge badge-warn">{t('overview.paused')}</span>}
        {status && !status.online && <span className="badge badge-error">{t('overview.offline')}</span>}
        <span className="version">v{version}</span>
      </div>
    </nav>
  );
}
