import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FirmHit, MailFolderItem, UnassignedMail } from '../../../src-main/app/ipc-contract';
import { ConnectFirst, IssueSummary, PageHeading, Result } from '../components/common';
import {
  CheckField,
  FormCtx,
  ListField,
  NumberField,
  SelectField,
  TextField,
  useForm,
} from '../components/form';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { formatTime } from '../lib/format';
import { useLeaveGuard } from '../lib/leave-guard';
import { getIn } from '../lib/paths';
import { useActivityPickers } from '../lib/use-pickers';
import { useRunData } from '../lib/use-run-data';
import { useSyncDraft } from '../lib/use-sync-draft';

/** Folder patterns: picked from the mailbox's folders or typed (`Inbox/Customers/*`). */
function FolderPicker() {
  const { t } = useTranslation();
  const form = useForm();
  const { isLocked } = useApp();
  const id = useId().replace(/:/g, '');
  const [folders, setFolders] = useState<MailFolderItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const locked = isLocked('sync.parts.mail.folders');
  const list = (getIn(form.draft, 'parts.mail.folders') as string[] | undefined) ?? [];
  const load = useCallback(async () => {
    setError(null);
    try {
      setFolders(await call('mailFolders'));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const add = (p: string) => {
    const v = p.trim();
    if (v && !list.includes(v)) form.set('parts.mail.folders', [...list, v]);
  };
  return (
    <fieldset className="field">
      <legend>{t('mail.folders')}</legend>
      <p className="hint">{t('mail.foldersHint')}</p>
      {locked && <p className="hint locked">{t('common.lockedByAdmin')}</p>}
      <ul className="chips" aria-label={t('mail.chosenFolders')}>
        {list.map((f) => (
          <li key={f}>
            <code>{f}</code>
            <button
              type="button"
              disabled={locked}
              aria-label={t('mail.removeFolder', { folder: f })}
              onClick={() =>
                form.set(
                  'parts.mail.folders',
                  list.filter((x) => x !== f),
                )
              }
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="row">
        <label htmlFor={`${id}-pick`} className="sr-only">
          {t('mail.pickFolder')}
        </label>
        <select
          id={`${id}-pick`}
          disabled={locked || folders.length === 0}
          value=""
          onChange={(e) => add(e.target.value)}
        >
          <option value="">{t('mail.pickFolder')}</option>
          {folders.map((f) => (
            <option key={f.path} value={f.path}>
              {f.path}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <label htmlFor={`${id}-text`} className="sr-only">
          {t('mail.folderPattern')}
        </label>
        <input
          id={`${id}-text`}
          disabled={locked}
          placeholder={t('mail.folderPattern')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add(text);
              setText('');
            }
          }}
        />
        <button
          type="button"
          disabled={locked || !text.trim()}
          onClick={() => {
            add(text);
            setText('');
          }}
        >
          {t('mail.addFolder')}
        </button>
      </div>
      {error && <p className="field-error">{t('mail.foldersFailed', { message: error })}</p>}
    </fieldset>
  );
}

function AssignDialog({ mail, onDone }: { mail: UnassignedMail; onDone(assigned: boolean): void }) {
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

function UnassignedQueue() {
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

export function MailPage() {
  const { t } = useTranslation();
  const { state } = useApp();
  const { save, saving, issues, form, dirty } = useSyncDraft();
  useLeaveGuard(dirty, save);
  const pickers = useActivityPickers(state.sync !== null);
  if (!state.sync) {
    return <ConnectFirst title={t('nav.mail')} />;
  }
  const opt = (items: { id: string; code?: string | undefined; name: string }[]) => [
    { value: '', label: t('common.none') },
    ...items.map((i) => ({ value: i.id, label: i.code ? `${i.code} — ${i.name}` : i.name })),
  ];
  return (
    <div className="page">
      <PageHeading>{t('nav.mail')}</PageHeading>
      <FormCtx.Provider value={form}>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <IssueSummary issues={issues} />
          <section className="card" aria-labelledby="mail-settings">
            <h2 id="mail-settings">{t('mail.archive')}</h2>
            <p className="hint">{t('mail.explain')}</p>
            <div className="grid">
              <CheckField path="parts.mail.enabled" label={t('parts.enabled')} />
              <NumberField path="parts.mail.intervalMinutes" label={t('parts.interval')} min={1} max={1440} />
              <TextField path="parts.mail.startDate" type="date" label={t('mail.startDate')} />
              <SelectField
                path="parts.mail.activityTypeId"
                label={t('mail.activityType')}
                options={opt(pickers.types)}
              />
              <SelectField path="parts.mail.queueId" label={t('mail.queue')} options={opt(pickers.queues)} />
              <SelectField
                path="parts.mail.solverRoleId"
                label={t('mail.solverRole')}
                options={opt(pickers.roles)}
              />
              <SelectField
                path="parts.mail.divisionId"
                label={t('mail.division')}
                options={opt(pickers.divisions)}
              />
              <SelectField
                path="parts.mail.emailAccountId"
                label={t('mail.emailAccount')}
                options={opt(pickers.accounts)}
              />
              <CheckField path="parts.mail.includeInbox" label={t('mail.includeInbox')} />
              <CheckField path="parts.mail.includeSent" label={t('mail.includeSent')} />
            </div>
            {pickers.error && (
              <Result ok={false}>{t('parts.pickersFailed', { message: pickers.error })}</Result>
            )}
            <FolderPicker />
            <div className="grid">
              <ListField
                path="parts.mail.excludedAddresses"
                label={t('mail.excludedAddresses')}
                hint={t('mail.onePerLine')}
              />
              <ListField
                path="parts.mail.excludedDomains"
                label={t('mail.excludedDomains')}
                hint={t('mail.onePerLine')}
              />
              <ListField
                path="parts.mail.ownDomains"
                label={t('mail.ownDomains')}
                hint={t('mail.ownDomainsHint')}
              />
              <ListField
                path="parts.mail.freeMailDomains"
                label={t('mail.freeMail')}
                hint={t('mail.freeMailHint')}
                rows={5}
              />
              <ListField path="parts.mail.skipCategories" label={t('mail.skipCategories')} />
              <NumberField
                path="parts.mail.maxAttachmentBytes"
                label={t('mail.attachmentLimit')}
                hint={t('mail.attachmentLimitHint')}
                min={0}
                scale={1024 * 1024}
                step={0.5}
              />
            </div>
            <div className="grid">
              <CheckField path="parts.mail.skipPrivate" label={t('mail.skipPrivate')} />
              <CheckField path="parts.mail.headersOnly" label={t('mail.headersOnly')} />
              <CheckField path="parts.mail.skipAutoReplies" label={t('mail.skipAutoReplies')} />
              <CheckField path="parts.mail.skipDeliveryReports" label={t('mail.skipDeliveryReports')} />
              <SelectField
                path="parts.mail.ambiguous"
                label={t('mail.ambiguous')}
                options={[
                  { value: 'mostRecent', label: t('mail.ambiguousRecent') },
                  { value: 'unassigned', label: t('mail.ambiguousLeave') },
                ]}
              />
            </div>
            <div className="toolbar">
              <button type="submit" className="primary" disabled={saving}>
                {t('common.save')}
              </button>
            </div>
          </section>
        </form>
      </FormCtx.Provider>
    </div>
  );
}

/** The unassigned mail on its own page (the sidebar shows how many wait). */
export function UnassignedPage() {
  const { t } = useTranslation();
  const { state } = useApp();
  if (!state.sync) return <ConnectFirst title={t('nav.unassigned')} />;
  return (
    <div className="page">
      <PageHeading>{t('nav.unassigned')}</PageHeading>
      <UnassignedQueue />
    </div>
  );
}
