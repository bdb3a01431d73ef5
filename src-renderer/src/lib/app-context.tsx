import { createContext, useContext } from 'react';
import type { AppState, SchedulerStatus } from '../../../src-main/app/ipc-contract';

/** What a page with a form tells the app, so leaving it with unsaved edits asks first (issue #18 item 9). */
export interface LeaveGuard {
  /** Are there edits that are not saved? */
  dirty(): boolean;
  /** Save them; true when saved (false: the page shows why, and the user stays). */
  save(): Promise<boolean>;
}

export const PAGES = [
  'overview',
  'connections',
  'parts',
  'mail',
  'unassigned',
  'conflicts',
  'log',
  'preferences',
] as const;
export type PageId = (typeof PAGES)[number];

export interface AppCtxValue {
  state: AppState;
  setState(s: AppState): void;
  /** Latest scheduler status (from events, fresher than state.status). */
  status: SchedulerStatus | null;
  /** Say something in the polite live region (screen readers) and the status bar. */
  announce(msg: string): void;
  go(page: PageId): void;
  /** How many archived messages wait for a firm (the sidebar, the overview). */
  unassigned?: number;
  /** Admin policy lock of a setting by its full dotted path (`sync.abra.serverUrl`, `preferences.language`). */
  isLocked(path: string): boolean;
  /** Bumped after every run event, so pages showing history reload. */
  runsVersion: number;
  /** A page with unsaved edits registers how to ask before it is left (lib/leave-guard.ts). */
  setLeaveGuard?(guard: LeaveGuard | null): void;
}

export const AppCtx = createContext<AppCtxValue | null>(null);

export function useApp(): AppCtxValue {
  const v = useContext(AppCtx);
  if (!v) throw new Error('useApp outside AppCtx');
  return v;
}
