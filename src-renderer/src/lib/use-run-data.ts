import { useCallback, useEffect, useState } from 'react';
import { useApp } from './app-context';
import { errorMessage } from './bridge';

/**
 * Data a page loads from main and loads again whenever a run finished (runs, failures, conflicts, unassigned mail):
 * `data` is null until the first answer; `error` is the plain message of a failed call (a page may set its own).
 */
export function useRunData<T>(fetch: () => Promise<T>) {
  const { runsVersion } = useApp();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    setError(null);
    try {
      setData(await fetch());
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [fetch]);
  useEffect(() => {
    void runsVersion;
    void reload();
  }, [reload, runsVersion]);
  return { data, error, setError, reload };
}
