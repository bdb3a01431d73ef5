import { useTranslation } from 'react-i18next';
import { CheckField, useForm } from '../../components/form';
import { WhereField } from '../../components/where';
import { partSummary } from '../../lib/part-summary';
import { getIn } from '../../lib/paths';
import type { useActivityPickers } from '../../lib/use-pickers';
import { ActivityFilters, Advanced, PartBasics } from './fields';

export const SYNC_PARTS = ['addressBook', 'calendar', 'tasks'] as const;

/** One part: its summary line (on/off and what it does) with the details collapsed until the user opens them. */
export function PartCard({
  part,
  pickers,
  expanded,
  onToggle,
}: {
  part: (typeof SYNC_PARTS)[number];
  pickers: ReturnType<typeof useActivityPickers>;
  expanded: boolean;
  onToggle: () => void;
}) {
  const { t } = useTranslation();
  const form = useForm();
  const cfg = getIn(form.draft, `parts.${part}`) as Record<string, unknown> | undefined;
  const enabled = cfg?.enabled === true;
  const typeName = (ids: string[]) => ids.map((id) => pickers.types.find((x) => x.id === id)?.name ?? id);
  const detailsId = `parts-${part}-details`;
  return (
    <section className={`card part-card${enabled ? '' : ' part-off'}`} aria-labelledby={`parts-${part}`}>
      <div className="part-head">
        <h2 id={`parts-${part}`} className="part-title">
          {t(`parts.${part}`)}
        </h2>
        <CheckField path={`parts.${part}.enabled`} label={t('parts.enabled')} />
        <button
          type="button"
          className="link-button"
          aria-expanded={expanded}
          aria-controls={detailsId}
          onClick={onToggle}
        >
          {t(expanded ? 'parts.hideDetails' : 'parts.showDetails')}
          <span className="sr-only"> — {t(`parts.${part}`)}</span>
        </button>
      </div>
      <p className="part-line" data-testid={`summary-${part}`}>
        {partSummary(part, cfg, t as never, typeName)}
      </p>
      {expanded && (
        <div id={detailsId} className="part-details">
          <PartBasics part={part} />
          {enabled && part === 'addressBook' && (
            <>
              <div className="grid">
                <CheckField path="parts.addressBook.onlyMine" label={t('parts.onlyMineFirms')} />
                <CheckField path="parts.addressBook.hideHidden" label={t('parts.hideHidden')} />
                <CheckField path="parts.addressBook.includePersons" label={t('parts.includePersons')} />
              </div>
              <Advanced part="addressBook">
                <WhereField path="parts.addressBook.where" collection="firms" label={t('parts.whereFirms')} />
              </Advanced>
            </>
          )}
          {enabled && part !== 'addressBook' && <ActivityFilters part={part} pickers={pickers} />}
        </div>
      )}
    </section>
  );
}
