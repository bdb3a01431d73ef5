import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnassignedMail } from '../../../../src-main/app/ipc-contract';
import { Result } from '../../components/common';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';
import { formatTime } from '../../lib/format';
import { useRunData } from '../../lib/use-run-data';
import { AssignDialog } from './AssignDialog';

const listUnassignedMail = () => call('listUnassignedMail');

/** Case-insensitive, accent-insensitive match of what the user types (as they type it). */
function matches(m: UnassignedMail, query: string): boolean {
  const fold = (x: string) =>
    x
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  const q = fold(query.trim());
  return !q || fold(`${m.subject} ${m.address}`).includes(q);
}

/** The message as archived in ABRA (sender, recipients, attachments, the text), read when the user asks. */
function ArchivedText({ id, label }: { id: number; label: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call('readUnassignedMail', id)
      .then((x) => live && setText(x))
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [id]);
  if (error) return <Result ok={false}>{error}</Result>;
  if (text === null) return <p aria-live="polite">{t('common.loading')}</p>;
  return (
    <section className="mail-text" aria-label={label}>
      <pre>{text || t('mail.noText')}</pre>
    </section>
  );
}
/** The mail the archive could not assign to a firm: filter, read, assign or ignore each. */
export function UnassignedQueue() {
  const { t, i18n } = useTranslation();
  const { announce } = useApp();
  const { data: items, error, reload: load } = useRunData(listUnassignedMail);
  const [open, setOpen] = useState<number | null>(null);
  const [reading, setReading] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const id = useId().replace(/:/g, '');
  const shown = (items ?? []).filter((m) => matches(m, query));
  return (
    <section className="card" aria-labelledby="unassigned-heading">
      <h2 id="unassigned-heading">{t('mail.unassigned')}</h2>
      <p className="hint">{t('mail.unassignedHint')}</p>
      {error && <Result ok={false}>{error}</Result>}
      {items && items.length === 0 && <p>{t('mail.unassignedEmpty')}</p>}
      {items && items.length > 0 && (
        <div className="field">
          <label htmlFor={`${id}-q`}>{t('mail.filter')}</label>
          <input id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
      )}
      {items && items.length > 0 && (
        <ul className="queue">
          {shown.map((m) => (
            <li key={m.id} data-mail-id={m.id}>
              <div className="queue-row">
                <span className="queue-date">{formatTime(m.date, i18n.language)}</span>
                <span className="queue-subject">{m.subject || t('mail.noSubject')}</span>
                <span className="queue-address">
                  {t(`mail.dir.${m.direction}`)} {m.address}
                </span>
                <button
                  type="button"
                  aria-expanded={reading === m.id}
                  onClick={() => setReading(reading === m.id ? null : m.id)}
                >
                  {t(reading === m.id ? 'mail.hideText' : 'mail.showText')}
                </button>
                {open !== m.id && (
                  <>
                    <button type="button" onClick={() => setOpen(m.id)}>
                      {t('mail.assignButton')}
                    </button>
                    <button
                      type="button"
                      onClick={async () => {
                        try {
                          await call('ignoreMail', m.id);
                          announce(t('mail.ignored', { subject: m.subject || t('mail.noSubject') }));
                          void load();
                        } catch (e) {
                          announce(errorMessage(e));
                        }
                      }}
                    >
                      {t('mail.ignore')}
                    </button>
                  </>
                )}
              </div>
              {reading === m.id && (
                <ArchivedText
                  id={m.id}
                  label={t('mail.textOf', { subject: m.subject || t('mail.noSubject') })}
                />
              )}
              {open === m.id && (
                <AssignDialog
                  mail={m}
                  onDone={(assigned) => {
                    setOpen(null);
                    if (assigned) void load();
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
