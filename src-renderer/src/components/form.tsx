/**
 * Form fields bound to a configuration draft by dotted path. Every field has a real <label>, shows the save error
 * for its path next to it (aria-describedby), and is disabled with a hint when the admin policy locks it.
 */
import { createContext, type ReactNode, useContext, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { getIn, linesToList, listToLines } from '../lib/paths';

export interface FormCtxValue {
  draft: unknown;
  set(path: string, value: unknown): void;
  /** Save errors by config path (`abra.serverUrl`). */
  issues: Record<string, string>;
  /** Prefix of the policy path (`sync.` for the engine configuration). */
  lockPrefix: string;
  isLocked(path: string): boolean;
}

export const FormCtx = createContext<FormCtxValue | null>(null);

export function useForm(): FormCtxValue {
  const v = useContext(FormCtx);
  if (!v) throw new Error('field outside FormCtx');
  return v;
}

interface FieldShellProps {
  id: string;
  label: string;
  path: string;
  hint?: string | undefined;
  children: ReactNode;
  inline?: boolean;
}

/** Label, control, hint, policy lock and error of one field. */
export function FieldShell({ id, label, path, hint, children, inline }: FieldShellProps) {
  const { t } = useTranslation();
  const form = useForm();
  const error = form.issues[path];
  const locked = form.isLocked(form.lockPrefix + path);
  return (
    <div
      className={`field${inline ? ' field-inline' : ''}${error ? ' has-error' : ''}`}
      data-field-path={path}
      data-field-label={label}
    >
      {inline ? (
        <>
          {children}
          <label htmlFor={id}>{label}</label>
        </>
      ) : (
        <>
          <label htmlFor={id}>{label}</label>
          {children}
        </>
      )}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {locked && (
        <p className="hint locked" id={`${id}-locked`}>
          {t('common.lockedByAdmin')}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function useFieldProps(path: string, hint?: string) {
  const form = useForm();
  const id = `f-${path.replace(/\./g, '-')}-${useId().replace(/:/g, '')}`;
  const error = form.issues[path];
  const locked = form.isLocked(form.lockPrefix + path);
  const describedBy = [hint && `${id}-hint`, locked && `${id}-locked`, error && `${id}-error`]
    .filter(Boolean)
    .join(' ');
  return {
    form,
    id,
    control: {
      id,
      name: path,
      disabled: locked,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': describedBy || undefined,
    },
  };
}

interface BaseProps {
  path: string;
  label: string;
  hint?: string | undefined;
  disabled?: boolean;
}

export function TextField({
  path,
  label,
  hint,
  disabled,
  type = 'text',
  placeholder,
  autoComplete = 'off',
}: BaseProps & { type?: string; placeholder?: string; autoComplete?: string }) {
  const { form, id, control } = useFieldProps(path, hint);
  const value = getIn(form.draft, path);
  return (
    <FieldShell id={id} label={label} path={path} hint={hint}>
      <input
        {...control}
        disabled={control.disabled || disabled}
        type={type}
        placeholder={placeholder}
        autoComplete={autoComplete}
        spellCheck={false}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => form.set(path, e.target.value)}
      />
    </FieldShell>
  );
}

export function TextAreaField({ path, label, hint, disabled, rows = 3 }: BaseProps & { rows?: number }) {
  const { form, id, control } = useFieldProps(path, hint);
  const value = getIn(form.draft, path);
  return (
    <FieldShell id={id} label={label} path={path} hint={hint}>
      <textarea
        {...control}
        disabled={control.disabled || disabled}
        rows={rows}
        spellCheck={false}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => form.set(path, e.target.value)}
      />
    </FieldShell>
  );
}

export function NumberField({
  path,
  label,
  hint,
  disabled,
  min,
  max,
  scale = 1,
  step = 1,
}: BaseProps & { min?: number; max?: number; scale?: number; step?: number }) {
  const { form, id, control } = useFieldProps(path, hint);
  const value = getIn(form.draft, path);
  const shown = typeof value === 'number' ? String(Math.round((value / scale) * 100) / 100) : '';
  return (
    <FieldShell id={id} label={label} path={path} hint={hint}>
      <input
        {...control}
        disabled={control.disabled || disabled}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        value={shown}
        onChange={(e) => {
          const raw = e.target.value.trim();
          const n = Number(raw);
          // Keep the raw text as an invalid value (main names the field) instead of silently dropping it.
          form.set(path, raw === '' || Number.isNaN(n) ? raw : Math.round(n * scale));
        }}
      />
    </FieldShell>
  );
}

export function SelectField({
  path,
  label,
  hint,
  disabled,
  options,
}: BaseProps & { options: { value: string; label: string }[] }) {
  const { form, id, control } = useFieldProps(path, hint);
  const value = getIn(form.draft, path);
  const v = typeof value === 'string' ? value : '';
  const known = options.some((o) => o.value === v);
  return (
    <FieldShell id={id} label={label} path={path} hint={hint}>
      <select
        {...control}
        disabled={control.disabled || disabled}
        value={v}
        onChange={(e) => form.set(path, e.target.value)}
      >
        {!known && <option value={v}>{v || '—'}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckField({ path, label, hint, disabled }: BaseProps) {
  const { form, id, control } = useFieldProps(path, hint);
  const value = getIn(form.draft, path);
  return (
    <FieldShell id={id} label={label} path={path} hint={hint} inline>
      <input
        {...control}
        disabled={control.disabled || disabled}
        type="checkbox"
        checked={value === true}
        onChange={(e) => form.set(path, e.target.checked)}
      />
    </FieldShell>
  );
}

/** A list of strings edited as lines of a text area; parsed on blur so typing is not disturbed. */
export function ListField({ path, label, hint, disabled, rows = 3 }: BaseProps & { rows?: number }) {
  const { form, id, control } = useFieldProps(path, hint);
  const value = getIn(form.draft, path);
  const list = Array.isArray(value) ? (value as string[]) : [];
  return (
    <FieldShell id={id} label={label} path={path} hint={hint}>
      <textarea
        {...control}
        key={listToLines(list)}
        disabled={control.disabled || disabled}
        rows={rows}
        spellCheck={false}
        defaultValue={listToLines(list)}
        onBlur={(e) => form.set(path, linesToList(e.target.value))}
      />
    </FieldShell>
  );
}

/** A set of ids chosen from a live-loaded list of checkboxes; ids not in the list are kept and shown. */
export function MultiPickField({
  path,
  label,
  hint,
  items,
}: BaseProps & { items: { id: string; code?: string | undefined; name: string }[] }) {
  const { t } = useTranslation();
  const form = useForm();
  const baseId = `f-${path.replace(/\./g, '-')}-${useId().replace(/:/g, '')}`;
  const value = getIn(form.draft, path);
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  const locked = form.isLocked(form.lockPrefix + path);
  const error = form.issues[path];
  const unknown = chosen.filter((c) => !items.some((i) => i.id === c));
  const toggle = (id: string, on: boolean) =>
    form.set(path, on ? [...chosen.filter((c) => c !== id), id] : chosen.filter((c) => c !== id));
  return (
    <fieldset
      className={`field picker${error ? ' has-error' : ''}`}
      aria-describedby={error ? `${baseId}-error` : undefined}
      data-field-path={path}
      data-field-label={label}
    >
      <legend>{label}</legend>
      {hint && <p className="hint">{hint}</p>}
      {locked && <p className="hint locked">{t('common.lockedByAdmin')}</p>}
      <div className="picker-list">
        {items.length === 0 && unknown.length === 0 && <p className="hint">{t('common.nothingToPick')}</p>}
        {items.map((i) => (
          <div className="field-inline" key={i.id}>
            <input
              type="checkbox"
              id={`${baseId}-${i.id}`}
              disabled={locked}
              checked={chosen.includes(i.id)}
              onChange={(e) => toggle(i.id, e.target.checked)}
            />
            <label htmlFor={`${baseId}-${i.id}`}>{i.code ? `${i.code} — ${i.name}` : i.name}</label>
          </div>
        ))}
        {unknown.map((id) => (
          <div className="field-inline" key={id}>
            <input
              type="checkbox"
              id={`${baseId}-${id}`}
              disabled={locked}
              checked
              onChange={() => toggle(id, false)}
            />
            <label htmlFor={`${baseId}-${id}`}>{t('common.unknownId', { id })}</label>
          </div>
        ))}
      </div>
      {error && (
        <p className="field-error" id={`${baseId}-error`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
