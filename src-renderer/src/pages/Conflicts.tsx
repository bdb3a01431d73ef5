import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConflictRecord } from '../../../src-main/app/ipc-contract';
import { PageHeading, Result } from '../components/common';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { formatTime, formatValue } from '../lib/format';
import { useRunData } from '../lib/use-run-data';

const listConflicts = () => call('listConflicts', 500);

export function ConflictsPage() {
  const { t, i18n } = useTranslation();
  const { announce } = useApp();
  const { data: items, error, setError, reload: load } = useRunData(listConflicts);
  const [busy, setBusy] = useState<number | null>(null);

  const flip = async (c: ConflictRecord) => {
    setBusy(c.id);
    try {
      await call('flipConflict', c.id);
      const other = c.winner === 'abra' ? 'exchange' : 'abra';
      announce(t('conflicts.flipped', { name: c.name, side: t(`side.${other}`) }));
      await load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page">
      <PageHeading>{t('nav.conflicts')}</PageHeading>
      <p className="hint">{t('conflicts.explain')}</p>
      {error && <Result ok={false}>{error}</Result>}
      {items && items.length === 0 && <p>{t('conflicts.none')}</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="conflicts-table">
            <caption className="sr-only">{t('nav.conflicts')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('conflicts.item')}</th>
                <th scope="col">{t('conflicts.field')}</th>
                <th scope="col">{t('conflicts.abraValue')}</th>
                <th scope="col">{t('conflicts.exchangeValue')}</th>
                <th scope="col">{t('conflicts.kept')}</th>
                <th scope="col">
                  <span className="sr-only">{t('conflicts.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-conflict-id={c.id}>
                  <td>
                    <strong>{c.name}</strong>
                    <br />
                    <span className="hint">
                      {t(`parts.${c.part}`)} · {formatTime(c.at, i18n.language)}
                    </span>
                  </td>
                  <td>
                    {i18n.exists(`recordField.${c.field}`) ? (
                      t(`recordField.${c.field}`)
                    ) : (
                      <code>{c.field}</code>
                    )}
                  </td>
                  <td className={c.winner === 'abra' ? 'winner' : ''}>{formatValue(c.abraValue)}</td>
                  <td className={c.winner === 'exchange' ? 'winner' : ''}>{formatValue(c.exchangeValue)}</td>
                  <td>{t(`side.${c.winner}`)}</td>
                  <td>
                    <button type="button" disabled={busy !== null} onClick={() => flip(c)}>
                      {c.winner === 'abra' ? t('conflicts.useExchange') : t('conflicts.useAbra')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
