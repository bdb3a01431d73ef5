import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppState, ProgressEvent, SchedulerStatus } from '../../src-main/app/ipc-contract';
import { LeaveDialog } from './components/leave';
import { SignInDialog } from './components/signin';
import { setLanguage } from './i18n';
import { AppCtx, type AppCtxValue, PAGES, type PageId } from './lib/app-context';
import { call, errorMessage, onEvent } from './lib/bridge';
import type { LeaveGuard } from './lib/leave-guard';
import { lockedBy } from './lib/paths';
import { ConflictsPage } from './pages/Conflicts';
import { ConnectionsPage } from './pages/Connections';
import { LogPage } from './pages/Log';
import { MailPage, UnassignedPage } from './pages/Mail';
import { OverviewPage } from './pages/Overview';
import { PartsPage } from './pages/Parts';
import { PreferencesPage } from './pages/Preferences';

/** A progress event marks its part as running with that progress (the next status event settles it). */
function applyProgress(status: SchedulerStatus | null, progress: ProgressEvent): SchedulerStatus | null {
  if (!status) return status;
  return {
    ...status,
    parts: status.parts.map((p) => (p.part === progress.part ? { ...p, running: true, progress } : p)),
  };
}

export function App() {
  const { t } = useTranslation();
  const [state, setStateRaw] = useState<AppState | null>(null);
  const [status, setStatus] = useState<SchedulerStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [page, setPage] = useState<PageId>('overview');
  const [message, setMessage] = useState('');
  const [runsVersion, setRunsVersion] = useState(0);
  const mainRef = useRef<HTMLElement>(null);
  // main may ask for a page (a clicked notification) before `go` below is defined: called through a ref
  const goRef = useRef<(p: PageId) => void>(() => undefined);

  const setState = useCallback((s: AppState) => {
    setStateRaw(s);
    setStatus(s.status);
    setLanguage(s.locale);
  }, []);

  const load = useCallback(() => {
    setLoadError(null);
    call('getState')
      .then(setState)
      .catch((e) => setLoadError(errorMessage(e)));
  }, [setState]);

  useEffect(() => {
    load();
    return onEvent((e) => {
      if (e.type === 'state') setState(e.state);
      else if (e.type === 'navigate') goRef.current(e.page);
      else if (e.event.type === 'status') setStatus(e.event.status);
      else if (e.event.type === 'progress') {
        const pr = e.event.progress;
        setStatus((s) => applyProgress(s, pr));
      } else if (e.event.type === 'run') setRunsVersion((v) => v + 1);
    });
  }, [load, setState]);

  // how many archived messages wait for a firm: shown in the sidebar, refreshed after every run
  const [unassignedCount, setUnassignedCount] = useState(0);
  const mailOn = state?.sync?.parts.mail.enabled === true;
  useEffect(() => {
    void runsVersion;
    void page; // and on every page change (an assignment lowers it)
    if (!mailOn) {
      setUnassignedCount(0);
      return;
    }
    call('listUnassignedMail')
      .then((l) => setUnassignedCount(l.length))
      .catch(() => undefined);
  }, [mailOn, runsVersion, page]);

  const open = useCallback((p: PageId) => {
    setPage(p);
    // Move focus to the page heading so keyboard and screen-reader users land on the new content.
    requestAnimationFrame(() => mainRef.current?.querySelector('h1')?.focus());
  }, []);
  // the shown page's unsaved-changes guard (lib/leave-guard.ts) and the page the user asked for meanwhile
  const guardRef = useRef<LeaveGuard | null>(null);
  const pageRef = useRef<PageId>(page);
  pageRef.current = page;
  const [leavingTo, setLeavingTo] = useState<PageId | null>(null);
  const setLeaveGuard = useCallback((g: LeaveGuard | null) => {
    guardRef.current = g;
  }, []);
  const go = useCallback(
    (p: PageId) => {
      if (p !== pageRef.current && guardRef.current?.dirty()) setLeavingTo(p);
      else open(p);
    },
    [open],
  );
  goRef.current = go;

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

  if (!ctx) {
    return (
      <main className="loading">
        {loadError ? (
          <div role="alert" className="banner banner-error">
            <p>{t('app.loadFailed', { message: loadError })}</p>
            <button type="button" onClick={load}>
              {t('common.retry')}
            </button>
          </div>
        ) : (
          <p aria-live="polite">{t('common.loading')}</p>
        )}
      </main>
    );
  }

  const attention = (status?.parts ?? []).some((p) => p.attention);
  const unassigned = unassignedCount;
  return (
    <AppCtx.Provider value={ctx}>
      <div className="shell">
        <nav className="sidebar" aria-label={t('app.navigation')}>
          <div className="brand">{t('app.title')}</div>
          <ul>
            {PAGES.map((p) => (
              <li key={p}>
                <button
                  type="button"
                  className="nav-item"
                  aria-current={page === p ? 'page' : undefined}
                  onClick={() => go(p)}
                >
                  {t(`nav.${p}`)}
                  {p === 'overview' && attention && (
                    <span className="dot" role="img" aria-label={t('overview.needsAttention')} />
                  )}
                  {p === 'unassigned' && unassigned > 0 && (
                    <span
                      className="badge badge-warn nav-count"
                      role="img"
                      aria-label={t('mail.waiting', { count: unassigned })}
                    >
                      {unassigned}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
          <div className="sidebar-foot">
            {status?.paused && <span className="badge badge-warn">{t('overview.paused')}</span>}
            {status && !status.online && <span className="badge badge-error">{t('overview.offline')}</span>}
            <span className="version">v{state?.version}</span>
          </div>
        </nav>
        <main className="content" ref={mainRef} data-page={page}>
          {page === 'overview' && <OverviewPage />}
          {page === 'connections' && <ConnectionsPage />}
          {page === 'parts' && <PartsPage />}
          {page === 'mail' && <MailPage />}
          {page === 'unassigned' && <UnassignedPage />}
          {page === 'conflicts' && <ConflictsPage />}
          {page === 'log' && <LogPage />}
          {page === 'preferences' && <PreferencesPage />}
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
