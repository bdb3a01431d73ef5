import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemFailure, RunResult, RunSummary } from '../../../src-main/app/ipc-contract';
import { FailureReason, PageHeading, Result } from '../components/common';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { formatTime, uniqueKeys } from '../lib/format';
import { useSaid } from '../lib/said';
import { useRunData } from '../lib/use-run-data';

const PARTS = ['addressBook', 'calendar', 'tasks', 'mail'] as const;
const RESULTS: RunResult[] = ['ok', 'partial', 'failed', 'needsConfirmation', 'aborted', 'dryRun'];

const NO_RUNS: RunSummary[] = [];
const NO_FAILURES: ItemFailure[] = [];
const loadLog = async () => {
  const [runs, failures] = await Promise.all([call('listRuns', 200), call('listFailures', 500)]);
  return { runs, failures };
};

export function LogPage() {
  const { t, i18n } = useTranslation();
  const { announce } = useApp();
  const said = useSaid();
  const id = useId().replace(/:/g, '');
  const { data, error, reload: load } = useRunData(loadLog);
  const runs = data?.runs ?? NO_RUNS;
  const failures = data?.failures ?? NO_FAILURES;
  const [part, setPart] = useState('');
  const [result, setResult] = useState('');
  const [text, setText] = useState('');
  const [exported, setExported] = useState<{ ok: boolean; message: string; path?: string } | null>(null);

  const needle = text.trim().toLowerCase();
  const shownRuns = useMemo(
    () =>
      runs.filter(
        (r) =>
          (!part || r.part === part) &&
          (!result || r.result === result) &&
          (!needle ||
            `${r.message ?? ''} ${said(r)}`.toLowerCase().includes(needle) ||
            r.failures.some((f) => `${f.name} ${f.reason}`.toLowerCase().includes(needle))),
      ),
    [runs, part, result, needle, said],
  );
  const shownFailures = useMemo(
    () =>
      failures.filter(
        (f) =>
          (!part || f.part === part) &&
          (!needle || `${f.name} ${f.reason} ${f.kind ?? ''}`.toLowerCase().includes(needle)),
      ),
    [failures, part, needle],
  );

  const exportDiag = async () => {
    setExported(null);
    try {
      const r = await call('exportDiagnostics');
      setExported(r);
      announce(r.message);
    } catch (e) {
      setExported({ ok: false, message: errorMessage(e) });
    }
  };

  const c = (r: RunSummary) =>
    t('log.countsShort', {
      ac: r.counts.abra.created,
      au: r.counts.abra.updated,
      ad: r.counts.abra.deleted,
      ec: r.counts.exchange.created,
      eu: r.counts.exchange.updated,
      ed: r.counts.exchange.deleted,
    });

  return (
    <div className="page">
      <PageHeading>{t('nav.log')}</PageHeading>
      <fieldset className="toolbar filters">
        <legend className="sr-only">{t('log.filter')}</legend>
        <div className="field">
          <label htmlFor={`${id}-part`}>{t('log.part')}</label>
          <select id={`${id}-part`} value={part} onChange={(e) => setPart(e.target.value)}>
            <option value="">{t('log.allParts')}</option>
            {PARTS.map((p) => (
              <option key={p} value={p}>
                {t(`parts.${p}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-result`}>{t('log.result')}</label>
          <select id={`${id}-result`} value={result} onChange={(e) => setResult(e.target.value)}>
            <option value="">{t('log.allResults')}</option>
            {RESULTS.map((r) => (
              <option key={r} value={r}>
                {t(`result.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor={`${id}-text`}>{t('log.search')}</label>
          <input id={`${id}-text`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
      </fieldset>
      <div className="toolbar">
        <button type="button" onClick={exportDiag}>
          {t('log.export')}
        </button>
        <button type="button" onClick={() => call('openLog').catch((e) => announce(errorMessage(e)))}>
          {t('log.openLog')}
        </button>
        <button type="button" onClick={load}>
          {t('common.refresh')}
        </button>
      </div>
      {exported && (
        <Result ok={exported.ok}>
          {exported.message}
          {exported.path && !exported.message.includes(exported.path) && (
            <>
              {' '}
              <code>{exported.path}</code>
            </>
          )}
        </Result>
      )}
      {error && <Result ok={false}>{error}</Result>}
      <LogTable
        id="runs"
        title={t('log.runs', { count: shownRuns.length })}
        empty={t('log.noRuns')}
        columns={[t('log.time'), t('log.part'), t('log.result'), t('log.counts'), t('log.message')]}
        rows={shownRuns.map((r) => ({
          key: String(r.runId),
          result: r.result,
          cells: [
            formatTime(r.finishedAt, i18n.language),
            t(`parts.${r.part}`),
            <span key="b" className={`badge result-${r.result}`}>
              {t(`result.${r.result}`)}
            </span>,
            c(r)
              .split(' · ')
              .map((line) => (
                <div key={line} className="nowrap">
                  {line}
                </div>
              )),
            <>
              {r.message
                ? said(r)
                : r.failures.length
                  ? t('overview.failedItems', { count: r.failures.length })
                  : ''}
              {(r.notes ?? []).map((n) => (
                <div key={`${n.at}:${n.name}:${n.abraId ?? ''}`} className="run-note">
                  {n.name}: {said(n)}
                </div>
              ))}
            </>,
          ],
        }))}
      />
      <LogTable
        id="failures"
        title={t('log.failures', { count: shownFailures.length })}
        empty={t('log.noFailures')}
        columns={[t('log.time'), t('log.part'), t('preview.side'), t('preview.item'), t('log.reason')]}
        rows={uniqueKeys(shownFailures, (f) => `${f.at}:${f.part}:${f.side}:${f.name}`).map(
          ({ row: f, key }) => ({
            key,
            cells: [
              formatTime(f.at, i18n.language),
              t(`parts.${f.part}`),
              t(`side.${f.side}`),
              f.name,
              <FailureReason key="r" f={f} />,
            ],
          }),
        )}
      />
    </div>
  );
}

interface LogRow {
  key: string;
  /** Runs: the result, for styling and tests. */
  result?: string;
  cells: React.ReactNode[];
}

/** One titled, scrollable table of the log page (the runs, the failed items), or a line saying there is none. */
function LogTable(props: { id: string; title: string; empty: string; columns: string[]; rows: LogRow[] }) {
  return (
    <section aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p>{props.empty}</p>
      ) : (
        <div className="table-wrap">
          <table className={`${props.id}-table`}>
            <thead>
              <tr>
                {props.columns.map((col) => (
                  <th key={col} scope="col">
                    {col}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={row.key} data-result={row.result}>
                  {row.cells.map((cell, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
                    <td key={i}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
