import { useCallback, useEffect, useState } from 'react';
import type { PickerItem } from '../../../src-main/app/ipc-contract';
import { call, errorMessage } from './bridge';

/** Activity types and series, solver roles, divisions and own e-mail accounts, loaded live from ABRA through main. */
export function useActivityPickers(enabled: boolean) {
  const [types, setTypes] = useState<PickerItem[]>([]);
  const [queues, setQueues] = useState<PickerItem[]>([]);
  const [roles, setRoles] = useState<PickerItem[]>([]);
  const [divisions, setDivisions] = useState<PickerItem[]>([]);
  const [accounts, setAccounts] = useState<PickerItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const [ty, qu, ro, di] = await Promise.all([
        call('activityTypes'),
        call('activityQueues'),
        call('solverRoles'),
        call('divisions'),
      ]);
      setTypes(ty);
      setQueues(qu);
      setRoles(ro);
      setDivisions(di);
      // the e-mail archive's own accounts: optional (empty = the account matching the mailbox)
      setAccounts(await call('emailAccounts').catch(() => []));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    if (enabled) void load();
  }, [enabled, load]);
  return { types, queues, roles, divisions, accounts, error, loading, reload: load };
}

/** A picker's choices for a select: "none" first, then each item as "code — name" (or its name). */
export function pickerOptions(
  items: { id: string; code?: string | undefined; name: string }[],
  none: string,
): { value: string; label: string }[] {
  return [
    { value: '', label: none },
    ...items.map((i) => ({ value: i.id, label: i.code ? `${i.code} — ${i.name}` : i.name })),
  ];
}
