import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PartName } from '../../../../src-main/app/ipc-contract';
import {
  CheckField,
  MultiPickField,
  NumberField,
  SelectField,
  TextField,
  useForm,
} from '../../components/form';
import { WhereField } from '../../components/where';
import { getIn } from '../../lib/paths';
import { pickerOptions, type useActivityPickers } from '../../lib/use-pickers';

function useCommonOptions() {
  const { t } = useTranslation();
  return {
    directions: (['abraToExchange', 'exchangeToAbra', 'both'] as const).map((d) => ({
      value: d,
      label: t(`direction.${d}`),
    })),
    policies: (['merge', 'abraWins', 'exchangeWins', 'newestWins'] as const).map((p) => ({
      value: p,
      label: t(`policy.${p}`),
    })),
  };
}

export function PartBasics({ part }: { part: PartName }) {
  const { t } = useTranslation();
  const { directions, policies } = useCommonOptions();
  const base = `parts.${part}`;
  return (
    <div className="grid">
      <SelectField path={`${base}.direction`} label={t('parts.direction')} options={directions} />
      <NumberField
        path={`${base}.intervalMinutes`}
        label={t('parts.interval')}
        min={1}
        max={1440}
        hint={t('parts.intervalHint')}
      />
      <SelectField path={`${base}.conflictPolicy`} label={t('parts.conflictPolicy')} options={policies} />
    </div>
  );
}

/** Fields a salesperson rarely needs (the expert `where`, the new items' role and division): closed until asked. */
export function Advanced({ part, children }: { part: PartName; children: React.ReactNode }) {
  const { t } = useTranslation();
  const form = useForm();
  const base = `parts.${part}.`;
  const hasIssue = Object.keys(form.issues).some(
    (k) =>
      k.startsWith(`${base}where`) ||
      k.startsWith(`${base}newItemSolverRoleId`) ||
      k.startsWith(`${base}newItemDivisionId`),
  );
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (hasIssue) setOpen(true);
  }, [hasIssue]);
  return (
    <details className="advanced" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('parts.advanced')}</summary>
      {children}
    </details>
  );
}

export function ActivityFilters({
  part,
  pickers,
}: {
  part: 'calendar' | 'tasks';
  pickers: ReturnType<typeof useActivityPickers>;
}) {
  const { t } = useTranslation();
  const form = useForm();
  const graph = getIn(form.draft, 'exchange.kind') === 'graph';
  const base = `parts.${part}`;
  const opt = (items: { id: string; code?: string | undefined; name: string }[]) =>
    pickerOptions(items, t('common.none'));
  return (
    <>
      {pickers.error && (
        <div className="banner banner-error" role="alert">
          <p>{t('parts.pickersFailed', { message: pickers.error })}</p>
          <button type="button" onClick={() => void pickers.reload()}>
            {t('common.retry')}
          </button>
        </div>
      )}
      <div className="grid">
        <MultiPickField
          path={`${base}.activityTypeIds`}
          label={t('parts.activityTypes')}
          items={pickers.types}
        />
        <MultiPickField
          path={`${base}.queueIds`}
          label={t('parts.queues')}
          hint={t('parts.queuesHint')}
          items={pickers.queues}
        />
      </div>
      <div className="grid">
        <CheckField path={`${base}.onlyMine`} label={t('parts.onlyMineActivities')} />
        <SelectField
          path={`${base}.privateItems`}
          label={t('parts.privateItems')}
          options={[
            { value: 'keepPrivate', label: t('parts.keepPrivate') },
            { value: 'skip', label: t('parts.skipPrivate') },
          ]}
        />
        <SelectField
          path={`${base}.newItemTypeId`}
          label={t('parts.newItemType')}
          hint={t('parts.newItemHint')}
          options={opt(pickers.types)}
        />
        <SelectField
          path={`${base}.newItemQueueId`}
          label={t('parts.newItemQueue')}
          options={opt(pickers.queues)}
        />
        <TextField
          path={`${base}.newItemsCategory`}
          label={t('parts.newItemsCategory')}
          hint={t('parts.newItemsCategoryHint')}
          placeholder="ABRA"
        />
        {part === 'tasks' && graph && (
          <SelectField
            path="parts.tasks.tasksList"
            label={t('parts.tasksList')}
            options={[
              { value: 'abra', label: t('parts.tasksListAbra') },
              { value: 'default', label: t('parts.tasksListDefault') },
            ]}
          />
        )}
        {part === 'calendar' && (
          <>
            <NumberField path={`${base}.windowPastDays`} label={t('parts.windowPast')} min={0} max={3650} />
            <NumberField
              path={`${base}.windowFutureDays`}
              label={t('parts.windowFuture')}
              min={1}
              max={3650}
            />
          </>
        )}
      </div>
      <Advanced part={part}>
        <div className="grid">
          <SelectField
            path={`${base}.newItemSolverRoleId`}
            label={t('parts.newItemSolverRole')}
            options={opt(pickers.roles)}
          />
          <SelectField
            path={`${base}.newItemDivisionId`}
            label={t('parts.newItemDivision')}
            options={opt(pickers.divisions)}
          />
        </div>
        <WhereField path={`${base}.where`} collection="crmactivities" label={t('parts.whereActivities')} />
      </Advanced>
    </>
  );
}
