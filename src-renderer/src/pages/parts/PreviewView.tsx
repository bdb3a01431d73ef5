import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../components/common';
import { useSaid } from '../../lib/said';
import { PlanTable } from './PlanTable';
import type { usePreview } from './use-preview';

/** The preview in its own view: the run's problems, the start button (when something waits), the plan. */
export function PreviewView({
  p,
  dirty,
  saving,
  firstRun,
  canApprove,
}: {
  p: ReturnType<typeof usePreview>;
  dirty: boolean;
  saving: boolean;
  firstRun: boolean;
  canApprove: boolean;
}) {
  const { t } = useTranslation();
  const said = useSaid();
  const { preview, previewError, previewing, approving, approve, setView } = p;
  const changes = preview?.plan.length ?? 0;
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
