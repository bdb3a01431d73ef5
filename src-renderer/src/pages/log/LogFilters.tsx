import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunResult } from '../../../../src-main/app/ipc-contract';

const PARTS = ['addressBook', 'calendar', 'tasks', 'mail'] as const;
const RESULTS: RunResult[] = ['ok', 'partial', 'failed', 'needsConfirmation', 'aborted', 'dryRun'];

export interface LogFilter {
  part: string;
  result: string;
  text: string;
}

/** The log's filters: a part, a result, a text searched in the messages and the failed items. */
export function LogFilters({ value, onChange }: { value: LogFilter; onChange(next: LogFilter): void }) {
  const { t } = useTranslation();
  const id = useId().replace(/:/g, '');
  return (
    <fieldset className="toolbar filters">
      <legend className="sr-only">{t('log.filter')}</legend>
      <div className="field">
        <label htmlFor={`${id}-part`}>{t('log.part')}</label>
        <select
          id={`${id}-part`}
          value={value.part}
          onChange={(e) => onChange({ ...value, part: e.target.value })}
        >
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
        <select
          id={`${id}-result`}
          value={value.result}
          onChange={(e) => onChange({ ...value, result: e.target.value })}
        >
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
        <input
          id={`${id}-text`}
          type="search"
          value={value.text}
          onChange={(e) => onChange({ ...value, text: e.target.value })}
        />
      </div>
    </fieldset>
  );
}
