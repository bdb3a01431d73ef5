import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PartName, PartStatus, RunSummary } from '../../../src-main/app/ipc-contract';
import { FailureReason, PageHeading } from '../components/common';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { formatRelative, formatTime } from '../lib/format';
import { useSaid } from '../lib/said';

/** A time on a card, relative ("před 5 min"), with the exact date and time on hover; kept current each half minute. */
function When({ iso, lang }: { iso: string | undefined; lang: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!iso) return <>—</>;
  return (
    <time dateTime={iso} title={formatTime(iso, lang)}>
      {formatRelative(iso, lang, now)}
    </time>
  );
}

function Counts({ run }: { run: RunSummary }) {
  const { t } = useTranslation();
  const c = run.counts;
  return (
    <ul className="counts">
      <li>
        {t('overview.countsAbra', {
          created: c.abra.created,
          updated: c.abra.updated,
          deleted: c.abra.deleted,
        })}
      </li>
      <li>
        {t('overview.countsExchange', {
          created: c.exchange.created,
          updated: c.exchange.updated,
          deleted: c.exchange.deleted,
        })}
      </li>
      {c.conflicts > 0 && <li>{t('overview.countsConflicts', { count: c.conflicts })}</li>}
      {c.failed > 0 && <li className="text-error">{t('overview.countsFailed', { count: c.failed })}</li>}
    </ul>
  );
}

function PartCard({ p, busy, onSync }: { p: PartStatus; busy: boolean; onSync: (part: PartName) => void }) {
  const { t, i18n } = useTranslation();
  const said = useSaid();
  const { announce, go, state, unassigned } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [showList, setShowList] = useState(false);
  const run = p.lastRun;
  const lang = i18n.language;
  const confirm = async () => {
    setConfirming(true);
    try {
      const s = await call('confirmMassDelete', p.part);
      announce(t('overview.confirmedDone', { part: t(`parts.${p.part}`), result: t(`result.${s.result}`) }));
    } catch (e) {
      announce(errorMessage(e));
    } finally {
      setConfirming(false);
    }
  };
  const keep = async () => {
    setConfirming(true);
    try {
      const s = await call('keepInsteadOfDelete', p.part);
      announce(t('overview.keptDone', { part: t(`parts.${p.part}`), result: t(`result.${s.result}`) }));
    } catch (e) {
      announce(errorMessage(e));
    } finally {
      setConfirming(false);
    }
  };
  const headingId = `part-${p.part}`;
  return (
    <section className={`card part-card${p.enabled ? '' : ' part-off'}`} aria-labelledby={headingId}>
      <header className="card-head">
        <h2 id={headingId}>{t(`parts.${p.part}`)}</h2>
        <span className={`badge ${p.enabled ? 'badge-ok' : 'badge-muted'}`}>
          {p.enabled ? t('overview.enabled') : t('overview.disabled')}
        </span>
        {run && <span className={`badge result-${run.result}`}>{t(`result.${run.result}`)}</span>}
      </header>
      <dl className="facts">
        <dt>{t('overview.direction')}</dt>
        <dd>{t(`direction.${p.direction}`)}</dd>
        <dt>{t('overview.lastRun')}</dt>
        <dd>{run ? <When iso={run.finishedAt} lang={lang} /> : t('overview.never')}</dd>
        <dt>{t('overview.lastSuccess')}</dt>
        <dd>
          <When iso={p.lastSuccessAt} lang={lang} />
        </dd>
        <dt>{t('overview.nextRun')}</dt>
        <dd>{p.enabled && !state.status?.paused ? <When iso={p.nextRunAt} lang={lang} /> : '—'}</dd>
      </dl>
      {p.running && (
        <div className="progress">
          <label htmlFor={`progress-${p.part}`}>
            {!p.progress
              ? t('overview.running')
              : p.progress.total > 0
                ? t('overview.phase', {
                    phase: t(`phase.${p.progress.phase}`),
                    done: p.progress.done,
                    total: p.progress.total,
                  })
                : `${t(`phase.${p.progress.phase}`)}…`}
          </label>
          <progress
            id={`progress-${p.part}`}
            max={p.progress?.total || undefined}
            value={p.progress?.total ? p.progress.done : undefined}
          />
        </div>
      )}
      {run && <Counts run={run} />}
      {p.part === 'mail' && p.enabled && (unassigned ?? 0) > 0 && (
        <div className="banner banner-info">
          <p>{t('mail.waiting', { count: unassigned })}</p>
          <button type="button" onClick={() => go('unassigned')}>
            {t('mail.openQueue')}
          </button>
        </div>
      )}
      {run?.message && run.message !== p.attention?.message && <p className="run-message">{said(run)}</p>}
      {p.enabled && p.awaitingApproval && (
        <div className="banner banner-warn" role="status">
          <p>{t(p.lastRun ? 'overview.awaitingChanged' : 'overview.awaitingFirst')}</p>
          <button type="button" onClick={() => go('parts')}>
            {t('overview.showPreview')}
          </button>
        </div>
      )}
      {p.attention && (
        <div
          className={`banner ${p.attention.kind === 'massDelete' ? 'banner-warn' : 'banner-error'}`}
          role="alert"
        >
          <p>{said(p.attention)}</p>
          {p.attention.kind === 'massDelete' && (
            <>
              <p>{t('overview.waitsForDecision', { part: t(`parts.${p.part}`) })}</p>
              <div className="actions">
                <button type="button" className="danger" disabled={confirming} onClick={confirm}>
                  {p.attention.pendingDeletes
                    ? t('overview.confirmDeletes', { count: p.attention.pendingDeletes })
                    : t('overview.confirmDeletesUnknown')}
                </button>
                <button type="button" disabled={confirming} onClick={keep}>
                  {t(p.attention.side === 'abra' ? 'overview.keepInAbra' : 'overview.keepInOutlook')}
                </button>
                {p.attention.pendingItems && p.attention.pendingItems.length > 0 && (
                  <button type="button" aria-expanded={showList} onClick={() => setShowList((v) => !v)}>
                    {t('overview.showList')}
                  </button>
                )}
              </div>
              {showList && p.attention.pendingItems && (
                <ul className="pending-list" aria-label={t('overview.pendingList')}>
                  {p.attention.pendingItems.map((name, i) => (
                    // names may repeat (two meetings of the same subject)
                    // biome-ignore lint/suspicious/noArrayIndexKey: a static list shown once
                    <li key={`${i}:${name}`}>{name}</li>
                  ))}
                  {(p.attention.pendingDeletes ?? 0) > p.attention.pendingItems.length && (
                    <li>
                      {t('overview.andMore', {
                        count: (p.attention.pendingDeletes ?? 0) - p.attention.pendingItems.length,
                      })}
                    </li>
                  )}
                </ul>
              )}
            </>
          )}
          {p.attention.kind === 'auth' && (
            <button type="button" onClick={() => go('connections')}>
              {t('overview.signInAgain')}
            </button>
          )}
          {p.attention.kind === 'config' && (
            <button type="button" onClick={() => go(p.part === 'mail' ? 'mail' : 'parts')}>
              {t('overview.openSettings')}
            </button>
          )}
        </div>
      )}
      {run && run.failures.length > 0 && (
        <details className="failures">
          <summary>{t('overview.failedItems', { count: run.failures.length })}</summary>
          <ul>
            {run.failures.slice(0, 50).map((f) => (
              <li key={`${f.side}:${f.abraId ?? ''}:${f.exchangeId ?? ''}:${f.name}`}>
                <strong>{f.name}</strong> ({t(`side.${f.side}`)}): <FailureReason f={f} />
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="actions">
        <button
          type="button"
          disabled={!p.enabled || p.running || busy || p.awaitingApproval === true}
          onClick={() => onSync(p.part)}
          aria-describedby={headingId}
        >
          {t('overview.syncPart')}
        </button>
      </div>
    </section>
  );
}

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
