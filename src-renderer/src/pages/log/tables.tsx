import { useTranslation } from 'react-i18next';
import type { ItemFailure, RunSummary } from '../../../../src-main/app/ipc-contract';
import { FailureReason } from '../../components/common';
import { formatTime, uniqueKeys } from '../../lib/format';
import { useSaid } from '../../lib/said';

/** The runs shown (after the filters): time, part, result, counts, the message and the run's notes. */
export function RunsTable({ runs }: { runs: RunSummary[] }) {
  const { t, i18n } = useTranslation();
  const said = useSaid();
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
    <LogTable
      id="runs"
      title={t('log.runs', { count: runs.length })}
      empty={t('log.noRuns')}
      columns={[t('log.time'), t('log.part'), t('log.result'), t('log.counts'), t('log.message')]}
      rows={runs.map((r) => ({
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
  );
}

/** The failed items shown (after the filters). */
export function FailuresTable({ failures }: { failures: ItemFailure[] }) {
  const { t, i18n } = useTranslation();
  return (
    <LogTable
      id="failures"
      title={t('log.failures', { count: failures.length })}
      empty={t('log.noFailures')}
      columns={[t('log.time'), t('log.part'), t('preview.side'), t('preview.item'), t('log.reason')]}
      rows={uniqueKeys(failures, (f) => `${f.at}:${f.part}:${f.side}:${f.name}`).map(({ row: f, key }) => ({
        key,
        cells: [
          formatTime(f.at, i18n.language),
          t(`parts.${f.part}`),
          t(`side.${f.side}`),
          f.name,
          <FailureReason key="r" f={f} />,
        ],
      }))}
    />
  );
}

interface LogRow {
  key: string;
  /** Runs: the result, for styling and tests. */
  result?: string;
  cells: React.ReactNode[];
}

/** One titled, scrollable table of the log page (the runs, the failed items), or a line saying there is none. */
export function LogTable(props: {
  id: string;
  title: string;
  empty: string;
  columns: string[];
  rows: LogRow[];
}) {
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
