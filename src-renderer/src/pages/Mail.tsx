import { useTranslation } from 'react-i18next';
import { ConnectFirst, IssueSummary, PageHeading, Result } from '../components/common';
import { CheckField, FormCtx, ListField, NumberField, SelectField, TextField } from '../components/form';
import { useApp } from '../lib/app-context';
import { useLeaveGuard } from '../lib/leave-guard';
import { pickerOptions, useActivityPickers } from '../lib/use-pickers';
import { useSyncDraft } from '../lib/use-sync-draft';
import { FolderPicker } from './mail/FolderPicker';
import { UnassignedQueue } from './mail/UnassignedQueue';

export function MailPage() {
  const { t } = useTranslation();
  const { state } = useApp();
  const { save, saving, issues, form, dirty } = useSyncDraft();
  useLeaveGuard(dirty, save);
  const pickers = useActivityPickers(state.sync !== null);
  if (!state.sync) {
    return <ConnectFirst title={t('nav.mail')} />;
  }
  const opt = (items: { id: string; code?: string | undefined; name: string }[]) =>
    pickerOptions(items, t('common.none'));
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
