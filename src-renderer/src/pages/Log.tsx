import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemFailure, RunSummary } from '../../../src-main/app/ipc-contract';
import { PageHeading, Result } from '../components/common';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { useSaid } from '../lib/said';
import { useRunData } from '../lib/use-run-data';
import { type LogFilter, LogFilters } from './log/LogFilters';
import { FailuresTable, RunsTable } from './log/tables';

const NO_RUNS: RunSummary[] = [];
const NO_FAILURES: ItemFailure[] = [];
const loadLog = async () => {
  const [runs, failures] = await Promise.all([call('listRuns', 200), call('listFailures', 500)]);
  return { runs, failures };
};

export function LogPage() {
  const { t } = useTranslation();
  const { announce } = useApp();
  const said = useSaid();
  const { data, error, reload: load } = useRunData(loadLog);
  const runs = data?.runs ?? NO_RUNS;
  const failures = data?.failures ?? NO_FAILURES;
  const [filter, setFilter] = useState<LogFilter>({ part: '', result: '', text: '' });
  const { part, result } = filter;
  const [exported, setExported] = useState<{ ok: boolean; message: string; path?: string } | null>(null);

  const needle = filter.text.trim().toLowerCase();
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

  return (
    <div className="page">
      <PageHeading>{t('nav.log')}</PageHeading>
      <LogFilters value={filter} onChange={setFilter} />
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
      <RunsTable runs={shownRuns} />
      <FailuresTable failures={shownFailures} />
    </div>
  );
}
