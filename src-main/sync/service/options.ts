/** What the service is given: its connections (from `src-main/wiring/`) and its options. */
import type { ExchangeBackend } from '../../exchange/types';
import type { PartName, SecretSource, SyncConfig } from '../config';
import type { AnyPart } from '../part';
import type { AbraPort } from '../ports';
import type { PreflightResult } from '../preflight';

export interface Connections {
  abra: AbraPort;
  exchange: ExchangeBackend;
  /**
   * The preflight against this ABRA server (src-main/sync/preflight/), when the connection offers one: a part's
   * first run that may write to ABRA waits until it passed (safety.requirePreflight; an admin may switch it off).
   */
  preflight?: () => Promise<PreflightResult>;
  /** Identifies the ABRA server a preflight result holds for. */
  abraServer?: string;
}

export interface SyncServiceOptions {
  config: SyncConfig;
  secrets: SecretSource;
  /** Folder for the state file (`<profile>.sqlite`). */
  dataDir: string;
  connect: (config: SyncConfig, secrets: SecretSource) => Promise<Connections>;
  now?: () => Date;
  /** Extra parts (the e-mail archive registers itself here). */
  extraParts?: AnyPart[];
  /** Log sink (never receives secrets). */
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /**
   * Watchdog: the longest one part run may take (default 2 h). Then its signal is aborted (the runner stops at the
   * next item and records the run as aborted) and the connection is dropped, so the next run starts afresh.
   */
  runWatchdogMs?: number;
  /** The longest stop() waits for running parts (default 3 s): quitting never hangs on a slow server. */
  stopWaitMs?: number;
  /**
   * `ask` (the app): a part that is newly enabled or whose scope changed waits for the user — the scheduler does not
   * run it until {@link SyncService.approve} (after a preview, a dry run). `auto` (default; the CLI and other
   * headless use): the configuration given is the approval.
   */
  approval?: 'ask' | 'auto';
  /** After each run, give a big run's empty JS heap pages back (`../memory.ts`); on in the app (createSyncService). */
  releaseHeapAfterRuns?: boolean;
}

/** Do two configurations connect to the same ABRA and the same mailbox the same way? */
export function sameConnections(a: SyncConfig, b: SyncConfig): boolean {
  return (
    a.profile === b.profile &&
    JSON.stringify(a.abra) === JSON.stringify(b.abra) &&
    JSON.stringify(a.exchange) === JSON.stringify(b.exchange)
  );
}

/** State meta key of the scope the user approved for a part. */
export const approvedKey = (part: PartName) => `approvedScope:${part}`;
