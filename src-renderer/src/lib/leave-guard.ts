import { useEffect, useRef } from 'react';
import { useApp } from './app-context';

export type { LeaveGuard } from './app-context';

/**
 * Registers the page's unsaved-changes guard while it is shown: opening another page (the sidebar, a button, a
 * clicked notification) with unsaved edits asks "Uložit / Zahodit / Zůstat" instead of throwing them away.
 */
export function useLeaveGuard(dirty: boolean, save: () => Promise<boolean>): void {
  const { setLeaveGuard } = useApp();
  const latest = useRef({ dirty, save });
  latest.current = { dirty, save };
  useEffect(() => {
    if (!setLeaveGuard) return;
    setLeaveGuard({ dirty: () => latest.current.dirty, save: () => latest.current.save() });
    return () => setLeaveGuard(null);
  }, [setLeaveGuard]);
}
