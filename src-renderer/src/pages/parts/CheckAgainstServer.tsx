import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CheckResult } from '../../../../src-main/app/ipc-contract';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';
import { uniqueKeys } from '../../lib/format';

/**
 * "Check against server" (#13): the preflight of the SAVED settings in main — ABRA's API description and dry-run
 * writes per part, and the Exchange server's version and mode. Main phrases the lines in the UI's language.
 */
export function CheckAgainstServer({ dirty }: { dirty: boolean }) {
  const { t } = useTranslation();
  const { announce } = useApp();
  const [result, setResult] = useState<CheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    setResult(null);
    setError(null);
    try {
      announce(t('check.running'));
      const r = await call('checkAgainstServer');
      setResult(r);
      announce(r.ok ? t('check.ok') : t('check.problems'));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section className="card" aria-labelledby="check-heading" aria-busy={running}>
      <h2 id="check-heading">{t('check.title')}</h2>
      <p className="hint">{t('check.explain')}</p>
      {dirty && <p className="hint">{t('check.unsaved')}</p>}
      <div className="toolbar">
        <button type="button" onClick={run} disabled={running}>
          {running ? t('check.running') : t('check.button')}
        </button>
      </div>
      {error && (
        <p className="result result-error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div className={`result ${result.ok ? 'result-ok' : 'result-error'}`} role="status">
          <p>{result.ok ? t('check.ok') : t('check.problems')}</p>
          <ul className="check-lines">
            {uniqueKeys(result.lines, (l) => l).map(({ row, key }) => (
              <li key={key}>{row}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
