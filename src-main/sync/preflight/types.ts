import type { Note } from '../../shared/messages';
import type { PartName } from '../config';

/** What the preflight needs from the ABRA client (AbraClient meets it). */
export interface PreflightClient {
  request<T = unknown>(method: 'GET', path: string): Promise<T>;
  currentUser(): Promise<{ id: string }>;
  validate(
    collection: string,
    body: Record<string, unknown>,
  ): Promise<{ ok: boolean; errors: { field: string; message: string; code?: number; label?: string }[] }>;
}

export interface PreflightProblem {
  collection: string;
  field?: string;
  note: Note;
  /** English text (logs, CLI). */
  message: string;
}

export interface PreflightPart {
  part: PartName;
  ok: boolean;
  /** Fields checked against the server's documents. */
  fieldsChecked: number;
  /** Dry-run writes made (`?validation=true`), e.g. `crmactivities`. */
  validated: string[];
  problems: PreflightProblem[];
}

export interface PreflightResult {
  ok: boolean;
  /** Server the result holds for (base URL incl. connection). */
  server: string;
  at: string;
  parts: PreflightPart[];
  /** Problems not tied to a part (documents missing). */
  general: PreflightProblem[];
  /** The Exchange side, when it was checked too (app, `sync check`): its version and mode (#19). */
  exchange?: PreflightExchange;
}

export interface PreflightExchange {
  ok: boolean;
  /** As the backend reports it, e.g. `15.2.1118.0 (…)` or `Exchange 2007 SP3 8.3.…, legacy mode`. */
  serverVersion?: string;
  legacyMode?: 'exchange2007';
  /** The sentence, in parts (the legacy notes start with a space): joined in the reader's language. */
  notes: Note[];
  /** English text (logs, CLI --json). */
  message: string;
}

/** "Check against server" result for the app: the preflight plus its lines in the UI's language. */
export type CheckResult = PreflightResult & { lines: string[] };
