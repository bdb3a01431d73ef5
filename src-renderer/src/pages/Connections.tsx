import { useTranslation } from 'react-i18next';
import { IssueSummary, PageHeading } from '../components/common';
import { FormCtx } from '../components/form';
import { useApp } from '../lib/app-context';
import { errorMessage } from '../lib/bridge';
import { useSyncDraft } from '../lib/use-sync-draft';
import { AbraCard } from './connections/AbraCard';
import { ExchangeCard } from './connections/ExchangeCard';
import { useAdminOpen } from './connections/use-admin-open';
import { useTypedSecrets } from './connections/use-secrets';
import { useConnectionTests } from './connections/use-tests';

export function ConnectionsPage() {
  const { t } = useTranslation();
  const { announce } = useApp();
  const { draft, draftRef, set, save, saving, issues, form } = useSyncDraft();
  const secrets = useTypedSecrets(draftRef);
  const tests = useConnectionTests(draftRef, secrets.storeTyped, set);
  const admin = useAdminOpen(draftRef, issues);

  const onSave = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await secrets.storeTyped();
    } catch (err) {
      announce(errorMessage(err));
      return;
    }
    await save();
  };

  return (
    <FormCtx.Provider value={form}>
      <form className="page" onSubmit={onSave} noValidate>
        <PageHeading>{t('nav.connections')}</PageHeading>
        <IssueSummary issues={issues} />
        <ExchangeCard
          draft={draft}
          draftRef={draftRef}
          set={set}
          secrets={secrets}
          tests={tests}
          admin={admin}
        />
        <AbraCard draft={draft} secrets={secrets} tests={tests} admin={admin} />
        <div className="toolbar sticky">
          <button type="submit" className="primary" disabled={saving}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </FormCtx.Provider>
  );
}
