import { useTranslation } from 'react-i18next';
import type { PlanEntry } from '../../../../src-main/app/ipc-contract';
import { formatTime, uniqueKeys } from '../../lib/format';

/** The dry run's plan: the count per action, then the first 500 rows. */
export function PlanTable({ plan }: { plan: PlanEntry[] }) {
  const { t, i18n } = useTranslation();
  const shown = plan.slice(0, 500);
  const byAction = new Map<string, number>();
  for (const p of plan) byAction.set(p.action, (byAction.get(p.action) ?? 0) + 1);
  return (
    <div className="plan">
      <p>
        {plan.length === 0
          ? t('preview.nothing')
          : [...byAction].map(([a, n]) => `${t(`action.${a}`)}: ${n}`).join(' · ')}
      </p>
      {plan.length > 0 && (
        <div className="table-wrap">
          <table className="plan-table">
            <caption className="sr-only">{t('preview.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('log.part')}</th>
                <th scope="col">{t('preview.action')}</th>
                <th scope="col">{t('preview.side')}</th>
                <th scope="col">{t('preview.item')}</th>
                <th scope="col">{t('preview.fields')}</th>
              </tr>
            </thead>
            <tbody>
              {uniqueKeys(
                shown,
                (p) => `${p.part}:${p.action}:${p.abraId ?? ''}:${p.exchangeId ?? ''}:${p.name}`,
              ).map(({ row: p, key }) => (
                <tr key={key} data-action={p.action}>
                  <td>{t(`parts.${p.part}`)}</td>
                  <td>{t(`action.${p.action}`)}</td>
                  <td>{t(`preview.sideName.${p.side}`)}</td>
                  <td>
                    {p.name}
                    {(p.when || p.firm) && (
                      <span className="hint">
                        {' '}
                        ·{' '}
                        {[p.when ? formatTime(p.when, i18n.language) : '', p.firm ?? '']
                          .filter(Boolean)
                          .join(' · ')}
                      </span>
                    )}
                  </td>
                  <td>{p.fields?.join(', ') ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plan.length > shown.length && (
        <p className="hint">{t('preview.more', { count: plan.length - shown.length })}</p>
      )}
    </div>
  );
}
