import { useEffect, useRef } from 'react';
import { useApp } from './app-context';

/** What a page with a form tells the app, so leaving it with unsaved edits asks first (issue #18 item 9). */
export interface LeaveGuard {
  /** Are there edits that are not saved? */
  dirty(): boolean;
  /** Save them; true when saved (false: the page shows why, and the user stays). */
  save(): Promise<boolean>;
}

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
