import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { WritableSecret } from '../../../src-main/app/ipc-contract';

/**
 * A write-only secret: the field starts empty, shows whether a value is stored, and never displays it. The typed
 * value goes to main on Save / Test connection; "Forget" removes the stored one.
 */
export function SecretField({
  name,
  label,
  stored,
  value,
  onChange,
  onForget,
  disabled,
}: {
  name: WritableSecret;
  label: string;
  stored: boolean;
  value: string;
  onChange(v: string): void;
  onForget(): void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const id = `secret-${name}-${useId().replace(/:/g, '')}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input
          id={id}
          name={name}
          type="password"
          autoComplete="new-password"
          disabled={disabled}
          value={value}
          placeholder={stored ? t('secret.placeholderStored') : t('secret.placeholderNone')}
          aria-describedby={`${id}-state`}
          onChange={(e) => onChange(e.target.value)}
        />
        {stored && (
          <button type="button" onClick={onForget} disabled={disabled}>
            {t('secret.forget')}
          </button>
        )}
      </div>
      <p className="hint" id={`${id}-state`}>
        <span className={`badge ${stored ? 'badge-ok' : 'badge-muted'}`} data-secret-state={name}>
          {stored ? t('secret.stored') : t('secret.notStored')}
        </span>
      </p>
    </div>
  );
}
