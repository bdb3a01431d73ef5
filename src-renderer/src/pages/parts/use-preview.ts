import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanEntry, RunSummary } from '../../../../src-main/app/ipc-contract';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';

export type Preview = { plan: PlanEntry[]; summaries: RunSummary[] };

/**
 * The preview of the Parts page: a dry run of the page as it is (saved or not), shown in its own view with the
 * draft kept behind it, and the approval that saves what it showed and starts the waiting parts' runs.
 */
export function usePreview(draft: unknown, dirty: boolean, save: () => Promise<boolean>) {
  const { t } = useTranslation();
  const { announce } = useApp();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [approving, setApproving] = useState(false);
  // the settings, or the preview in its own view (the draft stays as it is behind it)
  const [view, setView] = useState<'settings' | 'preview'>('settings');

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
  return { preview, previewError, previewing, approving, view, setView, runPreview, approve };
}
