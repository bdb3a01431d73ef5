import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PartName, PartStatus, RunSummary } from '../../../../src-main/app/ipc-contract';
import { FailureReason } from '../../components/common';
import { useApp } from '../../lib/app-context';
import { formatRelative, formatTime } from '../../lib/format';
import { useSaid } from '../../lib/said';
import { Attention } from './Attention';

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

/** The running part's phase and progress bar. */
function RunProgress({ p }: { p: PartStatus }) {
  const { t } = useTranslation();
  return (
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
  );
}

/** The last run's failed items (the first 50), closed until opened. */
function FailedItems({ run }: { run: RunSummary }) {
  const { t } = useTranslation();
  return (
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
  );
}

/** One part on the overview: its state, times, progress, last counts, what it needs from the user. */
export function PartCard({
  p,
  busy,
  onSync,
}: {
  p: PartStatus;
  busy: boolean;
  onSync: (part: PartName) => void;
}) {
  const { t, i18n } = useTranslation();
  const said = useSaid();
  const { go, state, unassigned } = useApp();
  const run = p.lastRun;
  const lang = i18n.language;
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
      {p.running && <RunProgress p={p} />}
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
      <Attention p={p} />
      {run && run.failures.length > 0 && <FailedItems run={run} />}
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
