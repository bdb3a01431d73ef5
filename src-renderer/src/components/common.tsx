import { useTranslation } from 'react-i18next';
import type { FieldIssue, ItemFailure } from '../../../src-main/app/ipc-contract';
import { useApp } from '../lib/app-context';

/** Summary of save errors at the top of a form (each is also shown next to its field when the field is here). */
/**
 * The label the user sees for a settings path (`parts.calendar.newItemTypeId` → "Typ pro položky vytvořené v
 * Outlooku"): the label of the field on the page, else the part or section it belongs to. Never the path itself.
 */
export function useFieldLabel(): (path: string) => string {
  const { t, i18n } = useTranslation();
  return (raw: string) => {
    const path = raw.replace(/^sync\./, '');
    const el = document.querySelector<HTMLElement>(`[data-field-path="${CSS.escape(path)}"]`);
    const label = el?.dataset.fieldLabel;
    const [head, part] = path.split('.');
    const section =
      head === 'parts' && part && i18n.exists(`parts.${part}`)
        ? t(`parts.${part}`)
        : head === 'abra' || head === 'exchange'
          ? t(head === 'abra' ? 'connections.abra' : 'connections.exchange')
          : '';
    return [section, label].filter(Boolean).join(' – ');
  };
}

export function IssueSummary({ issues }: { issues: FieldIssue[] }) {
  const { t } = useTranslation();
  const labelOf = useFieldLabel();
  if (issues.length === 0) return null;
  return (
    <div className="banner banner-error" role="alert">
      <p>{t('common.fixBeforeSave')}</p>
      <ul>
        {issues.map((i) => {
          const label = i.path && i.path !== '(root)' ? labelOf(i.path) : '';
          return (
            <li key={`${i.path}:${i.message}`} data-path={i.path}>
              {label && <strong>{label}:</strong>} {i.message}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function Result({ ok, children }: { ok: boolean; children: React.ReactNode }) {
  return (
    <p className={ok ? 'result result-ok' : 'result result-error'} role="status">
      {children}
    </p>
  );
}

export function PageHeading({ children }: { children: React.ReactNode }) {
  return (
    <h1 tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}

/** A settings page before any connection is saved: says so and leads to Connections. */
export function ConnectFirst({ title }: { title: string }) {
  const { t } = useTranslation();
  const { go } = useApp();
  return (
    <div className="page">
      <PageHeading>{title}</PageHeading>
      <div className="banner banner-info">
        <p>{t('parts.connectFirst')}</p>
        <button type="button" onClick={() => go('connections')}>
          {t('nav.connections')}
        </button>
      </div>
    </div>
  );
}

/** Why an item failed: the kind in the user's language first, then the server's own words. */
export function FailureReason({ f }: { f: ItemFailure }) {
  const { t } = useTranslation();
  const plain = f.kind ? t(`kind.${f.kind}`, { defaultValue: '' }) : '';
  return (
    <>
      {plain && <span className="reason-kind">{plain}</span>}
      {plain && ' — '}
      <span className="reason-detail">{f.reason}</span>
    </>
  );
}
