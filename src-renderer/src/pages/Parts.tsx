import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CheckResult, PartName, PlanEntry, RunSummary } from '../../../src-main/app/ipc-contract';
import { ConnectFirst, IssueSummary, PageHeading } from '../components/common';
import {
  CheckField,
  FormCtx,
  MultiPickField,
  NumberField,
  SelectField,
  TextField,
  useForm,
} from '../components/form';
import { WhereField } from '../components/where';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { formatTime, uniqueKeys } from '../lib/format';
import { getIn } from '../lib/paths';
import { useSaid } from '../lib/said';
import { useActivityPickers } from '../lib/use-pickers';
import { useSyncDraft } from '../lib/use-sync-draft';

const SYNC_PARTS = ['addressBook', 'calendar', 'tasks'] as const;

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

function PartBasics({ part }: { part: PartName }) {
  const { t } = useTranslation();
  const { directions, policies } = useCommonOptions();
  const base = `parts.${part}`;
  return (
    <div className="grid">
      <CheckField path={`${base}.enabled`} label={t('parts.enabled')} />
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

function ActivityFilters({
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
  const opt = (items: { id: string; code?: string | undefined; name: string }[]) => [
    { value: '', label: t('common.none') },
    ...items.map((i) => ({ value: i.id, label: i.code ? `${i.code} — ${i.name}` : i.name })),
  ];
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
      <WhereField path={`${base}.where`} collection="crmactivities" label={t('parts.whereActivities')} />
    </>
  );
}

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

/**
 * "Check against server" (#13): the preflight of the SAVED settings in main — ABRA's API description and dry-run
 * writes per part, and the Exchange server's version and mode. Main phrases the lines in the UI's language.
 */
function CheckAgainstServer({ dirty }: { dirty: boolean }) {
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

export function PartsPage() {
  const { t } = useTranslation();
  const said = useSaid();
  const { state, announce } = useApp();
  const { draft, save, saving, issues, form, dirty } = useSyncDraft();
  const pickers = useActivityPickers(state.sync !== null);
  const [preview, setPreview] = useState<{ plan: PlanEntry[]; summaries: RunSummary[] } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [approving, setApproving] = useState(false);

  if (!state.sync) {
    return <ConnectFirst title={t('nav.parts')} />;
  }

  // Parts that wait for the user's approval of their first run (or of a changed scope) in main.
  const waiting = (state.status?.parts ?? []).filter((p) => p.enabled && p.awaitingApproval);
  // the first run of the parts it starts (waiting ones; with unsaved edits, the parts already on)
  const enabledNow = (state.status?.parts ?? []).filter((p) => p.enabled);
  const firstRun = (waiting.length ? waiting : enabledNow).every((p) => !p.lastRun);

  /** A dry run of the page as it is now, saved or not: nothing is saved, nothing written. */
  const runPreview = async () => {
    setPreviewing(true);
    setPreview(null);
    setPreviewError(null);
    try {
      announce(t('preview.running'));
      const r = await call('preview', null, dirty ? draft : undefined);
      setPreview(r);
      announce(t('preview.done', { count: r.plan.length }));
    } catch (e) {
      setPreviewError(errorMessage(e));
    } finally {
      setPreviewing(false);
    }
  };

  /** The user saw the preview: save what it showed (when unsaved) and start the waiting parts' runs. */
  const approve = async () => {
    setApproving(true);
    setPreviewError(null);
    try {
      if (dirty && !(await save())) return;
      const runs = await call('approve');
      setPreview(null);
      announce(
        t('preview.started', {
          count: runs.length,
          parts: runs.map((r) => t(`parts.${r.part}`)).join(', '),
        }),
      );
    } catch (e) {
      setPreviewError(errorMessage(e));
    } finally {
      setApproving(false);
    }
  };
  const canApprove = preview !== null && (dirty || waiting.length > 0);
  const changes = preview?.plan.length ?? 0;

  return (
    <FormCtx.Provider value={form}>
      <form
        className="page"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <PageHeading>{t('nav.parts')}</PageHeading>
        <IssueSummary issues={issues} />
        {SYNC_PARTS.map((part) => (
          <section className="card" key={part} aria-labelledby={`parts-${part}`}>
            <h2 id={`parts-${part}`}>{t(`parts.${part}`)}</h2>
            <PartBasics part={part} />
            {getIn(draft, `parts.${part}.enabled`) === true && part === 'addressBook' && (
              <>
                <div className="grid">
                  <CheckField path="parts.addressBook.onlyMine" label={t('parts.onlyMineFirms')} />
                  <CheckField path="parts.addressBook.hideHidden" label={t('parts.hideHidden')} />
                  <CheckField path="parts.addressBook.includePersons" label={t('parts.includePersons')} />
                </div>
                <WhereField path="parts.addressBook.where" collection="firms" label={t('parts.whereFirms')} />
              </>
            )}
            {getIn(draft, `parts.${part}.enabled`) === true && part !== 'addressBook' && (
              <ActivityFilters part={part} pickers={pickers} />
            )}
          </section>
        ))}
        <p className="hint">{t('parts.mailElsewhere')}</p>
        <div className="toolbar sticky">
          <button type="submit" className="primary" disabled={saving}>
            {t('common.save')}
          </button>
          <button type="button" onClick={runPreview} disabled={previewing || saving || approving}>
            {previewing ? t('preview.running') : t('preview.button')}
          </button>
        </div>
        {waiting.length > 0 && !preview && (
          <div className="banner banner-warn" role="status">
            <p>
              {t('preview.waiting', {
                count: waiting.length,
                parts: waiting.map((p) => t(`parts.${p.part}`)).join(', '),
              })}
            </p>
          </div>
        )}
        <section className="card" aria-labelledby="preview-heading" aria-busy={previewing}>
          <h2 id="preview-heading">{t('preview.title')}</h2>
          <p className="hint">{t('preview.explain')}</p>
          {previewError && (
            <p className="result result-error" role="alert">
              {previewError}
            </p>
          )}
          {preview?.summaries
            .filter((s) => s.result === 'failed' || s.result === 'aborted' || s.message)
            .map((s) => (
              <p key={s.part} className="result result-error" role="alert">
                {t(`parts.${s.part}`)}: {s.message ? said(s) : t(`result.${s.result}`)}
              </p>
            ))}
          {preview && <PlanTable plan={preview.plan} />}
          {canApprove && (
            <div className="toolbar">
              <button type="button" className="primary" onClick={approve} disabled={approving || saving}>
                {t(firstRun ? 'preview.startFirst' : 'preview.startChanged', { count: changes })}
              </button>
              <p className="hint">{t('preview.startHint')}</p>
            </div>
          )}
        </section>
        <CheckAgainstServer dirty={dirty} />
      </form>
    </FormCtx.Provider>
  );
}
