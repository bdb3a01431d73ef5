import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LeaveDialog } from './components/leave';
import { Sidebar } from './components/Sidebar';
import { SignInDialog } from './components/signin';
import { AppCtx, type AppCtxValue, type PageId } from './lib/app-context';
import { lockedBy } from './lib/paths';
import { useAppState, useUnassignedCount } from './lib/use-app-state';
import { useNavigation } from './lib/use-navigation';
import { ConflictsPage } from './pages/Conflicts';
import { ConnectionsPage } from './pages/Connections';
import { LogPage } from './pages/Log';
import { MailPage, UnassignedPage } from './pages/Mail';
import { OverviewPage } from './pages/Overview';
import { PartsPage } from './pages/Parts';
import { PreferencesPage } from './pages/Preferences';

/** The shown page. */
function Page({ page }: { page: PageId }) {
  return (
    <>
      {page === 'overview' && <OverviewPage />}
      {page === 'connections' && <ConnectionsPage />}
      {page === 'parts' && <PartsPage />}
      {page === 'mail' && <MailPage />}
      {page === 'unassigned' && <UnassignedPage />}
      {page === 'conflicts' && <ConflictsPage />}
      {page === 'log' && <LogPage />}
      {page === 'preferences' && <PreferencesPage />}
    </>
  );
}

/** Before main's state is there: loading, or why it failed with a retry. */
function Loading({ error, retry }: { error: string | null; retry(): void }) {
  const { t } = useTranslation();
  return (
    <main className="loading">
      {error ? (
        <div role="alert" className="banner banner-error">
          <p>{t('app.loadFailed', { message: error })}</p>
          <button type="button" onClick={retry}>
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <p aria-live="polite">{t('common.loading')}</p>
      )}
    </main>
  );
}

export function App() {
  const [message, setMessage] = useState('');
  const mainRef = useRef<HTMLElement>(null);
  // main may ask for a page (a clicked notification) before `go` below is defined: called through a ref
  const goRef = useRef<(p: PageId) => void>(() => undefined);
  const { state, setState, status, loadError, load, runsVersion } = useAppState(goRef);
  const { page, open, go, guardRef, leavingTo, setLeavingTo, setLeaveGuard } = useNavigation(mainRef);
  goRef.current = go;
  const unassignedCount = useUnassignedCount(state?.sync?.parts.mail.enabled === true, runsVersion, page);

  const ctx = useMemo<AppCtxValue | null>(
    () =>
      state && {
        state,
        setState,
        status,
        announce: setMessage,
        go,
        isLocked: (path) => lockedBy(state.policy.locked, path),
        runsVersion,
        unassigned: unassignedCount,
        setLeaveGuard,
      },
    [state, status, setState, go, runsVersion, unassignedCount, setLeaveGuard],
  );

  if (!ctx) return <Loading error={loadError} retry={load} />;

  return (
    <AppCtx.Provider value={ctx}>
      <div className="shell">
        <Sidebar page={page} go={go} status={status} unassigned={unassignedCount} version={state?.version} />
        <main className="content" ref={mainRef} data-page={page}>
          <Page page={page} />
        </main>
        <footer className="statusbar" aria-live="polite" role="status">
          {message}
        </footer>
        <SignInDialog />
        {leavingTo && (
          <LeaveDialog
            onSave={async () => {
              if (await guardRef.current?.save()) {
                setLeavingTo(null);
                open(leavingTo);
              } else setLeavingTo(null); // refused: stay, the page shows why
            }}
            onDiscard={() => {
              setLeavingTo(null);
              open(leavingTo);
            }}
            onStay={() => setLeavingTo(null)}
          />
        )}
      </div>
    </AppCtx.Provider>
  );
}
