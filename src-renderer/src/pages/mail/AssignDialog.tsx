import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FirmHit, UnassignedMail } from '../../../../src-main/app/ipc-contract';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';

/** Assign one unassigned message to a firm (and a person), optionally every message from its address. */
export function AssignDialog({ mail, onDone }: { mail: UnassignedMail; onDone(assigned: boolean): void }) {
  const { t } = useTranslation();
  const { announce } = useApp();
  const id = useId().replace(/:/g, '');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<FirmHit[] | null>(null);
  const [firmId, setFirmId] = useState('');
  const [personId, setPersonId] = useState('');
  const [applyAll, setApplyAll] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firm = hits?.find((h) => h.id === firmId);
  const search = async () => {
    setError(null);
    try {
      const r = await call('searchFirms', query.trim());
      setHits(r);
      setFirmId(r[0]?.id ?? '');
      setPersonId('');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const assign = async () => {
    setBusy(true);
    setError(null);
    try {
      await call('assignMail', mail.id, firmId, personId || null, applyAll);
      announce(t('mail.assigned', { subject: mail.subject, firm: firm?.name ?? firmId }));
      onDone(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="assign">
      <legend>{t('mail.assignTitle', { subject: mail.subject })}</legend>
      <div className="row row-end">
        <div className="field">
          <label htmlFor={`${id}-q`}>{t('mail.searchFirm')}</label>
          <input
            id={`${id}-q`}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void search();
              }
            }}
          />
        </div>
        <button type="button" className="inline-button" onClick={search}>
          {t('mail.search')}
        </button>
      </div>
      {hits && hits.length === 0 && <p className="hint">{t('mail.noFirms')}</p>}
      {hits && hits.length > 0 && (
        <div className="grid">
          <div className="field">
            <label htmlFor={`${id}-firm`}>{t('mail.firm')}</label>
            <select
              id={`${id}-firm`}
              value={firmId}
              onChange={(e) => {
                setFirmId(e.target.value);
                setPersonId('');
              }}
            >
              {hits.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.code ? `${h.code} — ${h.name}` : h.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-person`}>{t('mail.person')}</label>
            <select id={`${id}-person`} value={personId} onChange={(e) => setPersonId(e.target.value)}>
              <option value="">{t('mail.noPerson')}</option>
              {(firm?.persons ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-inline">
            <input
              type="checkbox"
              id={`${id}-all`}
              checked={applyAll}
              onChange={(e) => setApplyAll(e.target.checked)}
            />
            <label htmlFor={`${id}-all`}>{t('mail.applyToAddress', { address: mail.address })}</label>
          </div>
        </div>
      )}
      {error && (
        <p className="result result-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={!firmId || busy} onClick={assign}>
          {t('mail.assign')}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </fieldset>
  );
}
