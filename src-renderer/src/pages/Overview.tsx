import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PartName } from '../../../src-main/app/ipc-contract';
import { PageHeading } from '../components/common';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { PartCard } from './overview/PartCard';

export function OverviewPage() {
  const { t } = useTranslation();
  const { state, status, announce, go } = useApp();
  const [busy, setBusy] = useState(false);

  const sync = async (part?: PartName) => {
    setBusy(true);
    announce(t('overview.syncStarted'));
    try {
      const res = await call('syncNow', part);
      const bad = res.filter((r) => r.result !== 'ok');
      announce(
        bad.length === 0
          ? t('overview.syncDone', { count: res.length })
          : t('overview.syncDoneWithProblems', { count: bad.length }),
      );
    } catch (e) {
      announce(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const togglePause = async () => {
    try {
      if (status?.paused) await call('resume');
      else await call('pause');
      announce(status?.paused ? t('overview.resumed') : t('overview.pausedNow'));
    } catch (e) {
      announce(errorMessage(e));
    }
  };

  return (
    <div className="page">
      <PageHeading>{t('nav.overview')}</PageHeading>
      {state.sync && state.problems.length > 0 && (
        <div className="banner banner-error" role="alert">
          <p>{t('overview.problems')}</p>
          <ul>
            {state.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {!state.sync && (
        <div className="banner banner-info">
          <p>{t('overview.notConfigured')}</p>
          <button type="button" onClick={() => go('connections')}>
            {t('overview.setUp')}
          </button>
        </div>
      )}
      {status && (
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            disabled={busy || status.parts.every((p) => !p.enabled || p.running)}
            onClick={() => sync()}
          >
            {t('overview.syncAll')}
          </button>
          <button type="button" onClick={togglePause} aria-pressed={status.paused}>
            {status.paused ? t('overview.resume') : t('overview.pause')}
          </button>
          <span className={`badge ${status.online ? 'badge-ok' : 'badge-error'}`}>
            {status.online ? t('overview.online') : t('overview.offline')}
          </span>
        </div>
      )}
      <div className="cards">
        {(status?.parts ?? []).map((p) => (
          <PartCard key={p.part} p={p} busy={busy} onSync={sync} />
        ))}
      </div>
    </div>
  );
}
