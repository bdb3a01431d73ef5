import { type RefObject, useCallback, useRef, useState } from 'react';
import type { PageId } from './app-context';
import type { LeaveGuard } from './leave-guard';

/**
 * The shown page and the way to another: `go` asks the shown page's unsaved-changes guard (lib/leave-guard.ts)
 * first and keeps the page the user asked for meanwhile in `leavingTo`; `open` switches and moves the focus.
 */
export function useNavigation(mainRef: RefObject<HTMLElement | null>) {
  const [page, setPage] = useState<PageId>('overview');
  const open = useCallback(
    (p: PageId) => {
      setPage(p);
      // Move focus to the page heading so keyboard and screen-reader users land on the new content.
      requestAnimationFrame(() => mainRef.current?.querySelector('h1')?.focus());
    },
    [mainRef],
  );
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
  return { page, open, go, guardRef, leavingTo, setLeavingTo, setLeaveGuard };
}
