import { useEffect, useRef, useState } from 'react';
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
import { useLeaveGuard } from '../lib/leave-guard';
import { partSummary } from '../lib/part-summary';
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
function Advanced({ part, children }: { part: PartName; children: React.ReactNode }) {
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

/** One part: its summary line (on/off and what it does) with the details collapsed until the user opens them. */
function PartCard({
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

export function PartsPage() {
  const { t } = useTranslation();
  const said = useSaid();
  const { state, announce } = useApp();
  const { draft, save, saving, issues, form, dirty } = useSyncDraft();
  useLeaveGuard(dirty, save);
  const pickers = useActivityPickers(state.sync !== null);
  const [preview, setPreview] = useState<{ plan: PlanEntry[]; summaries: RunSummary[] } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [approving, setApproving] = useState(false);
  // the settings, or the preview in its own view (the draft stays as it is behind it)
  const [view, setView] = useState<'settings' | 'preview'>('settings');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (part: string) =>
    setExpanded((xs) => {
      const next = new Set(xs);
      if (next.has(part)) next.delete(part);
      else next.add(part);
      return next;
    });
  // a part the user turns on opens its details (what to choose next); a part with a save error opens too
  const wasOn = useRef<Record<string, boolean> | null>(null);
  useEffect(() => {
    const on: Record<string, boolean> = {};
    for (const part of SYNC_PARTS) on[part] = getIn(draft, `parts.${part}.enabled`) === true;
    const before = wasOn.current;
    wasOn.current = on;
    if (!before) return;
    const opened = SYNC_PARTS.filter((p) => on[p] && !before[p]);
    if (opened.length) setExpanded((xs) => new Set([...xs, ...opened]));
  }, [draft]);
  useEffect(() => {
    const withIssue = SYNC_PARTS.filter((p) =>
      issues.some((i) => i.path.replace(/^sync\./, '').startsWith(`parts.${p}.`)),
    );
    if (withIssue.length) setExpanded((xs) => new Set([...xs, ...withIssue]));
  }, [issues]);

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
    setView('preview');
    setPreviewing(true);
    setPreview(null);
    setPreviewError(null);
    requestAnimationFrame(() => document.getElementById('preview-heading')?.focus());
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
      if (dirty && !(await save())) {
        setView('settings'); // the refused save's reasons are on the settings
        return;
      }
      const runs = await call('approve');
      setPreview(null);
      setView('settings');
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

  if (view === 'preview') {
    return (
      <div className="page">
        <PageHeading>{t('nav.parts')}</PageHeading>
        <section className="card" aria-labelledby="preview-heading" aria-busy={previewing}>
          <h2 id="preview-heading" tabIndex={-1}>
            {t('preview.title')}
          </h2>
          <p className="hint">{t(dirty ? 'preview.explainUnsaved' : 'preview.explain')}</p>
          {previewing && <p role="status">{t('preview.running')}</p>}
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
          <div className="toolbar">
            {canApprove && (
              <button type="button" className="primary" onClick={approve} disabled={approving || saving}>
                {t(firstRun ? 'preview.startFirst' : 'preview.startChanged', { count: changes })}
              </button>
            )}
            <button type="button" onClick={() => setView('settings')} disabled={approving}>
              {t('preview.back')}
            </button>
          </div>
          {canApprove && <p className="hint">{t('preview.startHint')}</p>}
          {/* the table after the buttons: with many rows the start button stays in view */}
          {preview && <PlanTable plan={preview.plan} />}
        </section>
      </div>
    );
  }

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
        {waiting.length > 0 && (
          <div className="banner banner-warn" role="status">
            <p>
              {t('preview.waiting', {
                count: waiting.length,
                parts: waiting.map((p) => t(`parts.${p.part}`)).join(', '),
              })}
            </p>
          </div>
        )}
        {SYNC_PARTS.map((part) => (
          <PartCard
            key={part}
            part={part}
            pickers={pickers}
            expanded={expanded.has(part)}
            onToggle={() => toggle(part)}
          />
        ))}
        <div className="toolbar sticky">
          <button type="submit" className="primary" disabled={saving}>
            {t('common.save')}
          </button>
          <button type="button" onClick={runPreview} disabled={previewing || saving || approving}>
            {previewing ? t('preview.running') : t('preview.button')}
          </button>
          {dirty && <span className="hint">{t('parts.unsaved')}</span>}
        </div>
        <p className="hint">{t('parts.mailElsewhere')}</p>
        <CheckAgainstServer dirty={dirty} />
      </form>
    </FormCtx.Provider>
  );
}
