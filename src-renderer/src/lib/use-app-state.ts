import { type RefObject, useCallback, useEffect, useState } from 'react';
import type { AppState, ProgressEvent, SchedulerStatus } from '../../../src-main/app/ipc-contract';
import { setLanguage } from '../i18n';
import type { PageId } from './app-context';
import { call, errorMessage, onEvent } from './bridge';

/** A progress event marks its part as running with that progress (the next status event settles it). */
function applyProgress(status: SchedulerStatus | null, progress: ProgressEvent): SchedulerStatus | null {
  if (!status) return status;
  return {
    ...status,
    parts: status.parts.map((p) => (p.part === progress.part ? { ...p, running: true, progress } : p)),
  };
}

/**
 * Main's state as the window sees it: loaded once, then kept current by main's events (state, status, progress,
 * a finished run); a page main asks for (a clicked notification) goes through `goRef`.
 */
export function useAppState(goRef: RefObject<(p: PageId) => void>) {
  const [state, setStateRaw] = useState<AppState | null>(null);
  const [status, setStatus] = useState<SchedulerStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [runsVersion, setRunsVersion] = useState(0);

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
  }, [load, setState, goRef]);

  return { state, setState, status, loadError, load, runsVersion };
}

/** How many archived messages wait for a firm: shown in the sidebar, refreshed after every run and page change. */
export function useUnassignedCount(mailOn: boolean, runsVersion: number, page: PageId) {
  const [unassignedCount, setUnassignedCount] = useState(0);
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
  return unassignedCount;
}
