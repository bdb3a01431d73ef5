import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WhereCheck } from '../../../src-main/app/ipc-contract';
import { call, errorMessage } from '../lib/bridge';
import { getIn } from '../lib/paths';
import { Result } from './common';
import { TextAreaField, useForm } from './form';

/** Expert field: an ABRA `where` expression with a Validate button that asks ABRA through main. */
export function WhereField({
  path,
  collection,
  label,
}: {
  path: string;
  collection: 'firms' | 'crmactivities';
  label: string;
}) {
  const { t } = useTranslation();
  const form = useForm();
  const [check, setCheck] = useState<WhereCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const validate = async () => {
    setBusy(true);
    setCheck(null);
    try {
      const where = String(getIn(form.draft, path) ?? '');
      setCheck(await call('validateWhere', collection, where));
    } catch (e) {
      setCheck({ ok: false, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="where">
      <TextAreaField path={path} label={label} hint={t('parts.whereHint')} rows={2} />
      <div className="actions">
        <button type="button" onClick={validate} disabled={busy}>
          {t('parts.validate')}
        </button>
      </div>
      {check && (
        <Result ok={check.ok}>
          {check.message}
          {check.ok &&
            check.count !== undefined &&
            !check.message.includes(String(check.count)) &&
            ` ${t('parts.whereCount', { count: check.count })}`}
        </Result>
      )}
    </div>
  );
}
