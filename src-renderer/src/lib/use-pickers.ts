import { useCallback, useEffect, useState } from 'react';
import type { PickerItem } from '../../../src-main/app/ipc-contract';
import { call, errorMessage } from './bridge';

/** Activity types and series, loaded live from ABRA through main. */
export function useActivityPickers(enabled: boolean) {
  const [types, setTypes] = useState<PickerItem[]>([]);
  const [queues, setQueues] = useState<PickerItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const [ty, qu] = await Promise.all([call('activityTypes'), call('activityQueues')]);
      setTypes(ty);
      setQueues(qu);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    if (enabled) void load();
  }, [enabled, load]);
  return { types, queues, error, loading, reload: load };
}
