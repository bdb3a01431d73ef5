import type { GraphHttpOptions } from './http';

export interface GraphBackendOptions extends GraphHttpOptions {
  /** The user's time zone (IANA) for all-day events and To Do dates. */
  timeZone: string;
  /** To Do list for tasks: "ABRA Gen" (created when missing) or the user's default list. */
  tasksList?: 'abra' | 'default';
  /** Name of the contacts folder / To Do list (default "ABRA Gen"). */
  folderName?: string;
  /** Page size when the caller gives none (default 100). */
  defaultPageSize?: number;
  /** A cursor of the calendar whose window is further than this from the asked one is refused (default 7 days). */
  windowSlackMs?: number;
}
