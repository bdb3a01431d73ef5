/**
 * "Máte neuložené změny": opening another page while the current one has unsaved edits asks first — Uložit (save,
 * then go; a refused save stays and shows why), Zahodit (go, the edits are dropped), Zůstat (stay). Issue #18 item 9.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export function LeaveDialog({
  onSave,
  onDiscard,
  onStay,
}: {
  onSave: () => Promise<void>;
  onDiscard: () => void;
  onStay: () => void;
}) {
  const { t } = useTranslation();
  const id = useId().replace(/:/g, '');
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    requestAnimationFrame(() => first.current?.focus());
  }, []);
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog card"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onStay();
        }}
      >
        <h2 id={`${id}-title`}>{t('leave.title')}</h2>
        <p id={`${id}-text`}>{t('leave.explain')}</p>
        <div className="actions">
          <button
            type="button"
            className="primary"
            ref={first}
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void onSave().finally(() => setBusy(false));
            }}
          >
            {t('leave.save')}
          </button>
          <button type="button" disabled={busy} onClick={onDiscard}>
            {t('leave.discard')}
          </button>
          <button type="button" disabled={busy} onClick={onStay}>
            {t('leave.stay')}
          </button>
        </div>
      </div>
    </div>
  );
}
