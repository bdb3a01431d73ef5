import { useTranslation } from 'react-i18next';
import { ConnectFirst, IssueSummary, PageHeading } from '../components/common';
import { FormCtx } from '../components/form';
import { useApp } from '../lib/app-context';
import { useLeaveGuard } from '../lib/leave-guard';
import { useActivityPickers } from '../lib/use-pickers';
import { useSyncDraft } from '../lib/use-sync-draft';
import { CheckAgainstServer } from './parts/CheckAgainstServer';
import { PartCard, SYNC_PARTS } from './parts/PartCard';
import { PreviewView } from './parts/PreviewView';
import { useExpandedParts } from './parts/use-expanded';
import { usePreview } from './parts/use-preview';

export function PartsPage() {
  const { t } = useTranslation();
  const { state } = useApp();
  const { draft, save, saving, issues, form, dirty } = useSyncDraft();
  useLeaveGuard(dirty, save);
  const pickers = useActivityPickers(state.sync !== null);
  const pv = usePreview(draft, dirty, save);
  const { expanded, toggle } = useExpandedParts(draft, issues);

  if (!state.sync) {
    return <ConnectFirst title={t('nav.parts')} />;
  }

  // Parts that wait for the user's approval of their first run (or of a changed scope) in main.
  const waiting = (state.status?.parts ?? []).filter((p) => p.enabled && p.awaitingApproval);
  // the first run of the parts it starts (waiting ones; with unsaved edits, the parts already on)
  const enabledNow = (state.status?.parts ?? []).filter((p) => p.enabled);
  const firstRun = (waiting.length ? waiting : enabledNow).every((p) => !p.lastRun);
  const canApprove = pv.preview !== null && (dirty || waiting.length > 0);

  if (pv.view === 'preview') {
    return <PreviewView p={pv} dirty={dirty} saving={saving} firstRun={firstRun} canApprove={canApprove} />;
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
          <button type="button" onClick={pv.runPreview} disabled={pv.previewing || saving || pv.approving}>
            {pv.previewing ? t('preview.running') : t('preview.button')}
          </button>
          {dirty && <span className="hint">{t('parts.unsaved')}</span>}
        </div>
        <p className="hint">{t('parts.mailElsewhere')}</p>
        <CheckAgainstServer dirty={dirty} />
      </form>
    </FormCtx.Provider>
  );
}
