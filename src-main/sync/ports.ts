/**
 * What the engine needs from ABRA Gen, as an interface: the engine imports no HTTP library. The ABRA client in
 * `src-main/abra/` is wrapped into this port by `src-main/wiring/`; tests may pass fakes.
 *
 * Rows are plain objects with lowercase keys (ABRA's own field names, e.g. `sheduledstart$date`).
 */
import type { ExchangeBackend } from '../exchange/types';
import { type AbraRow, lit, ts } from '../shared/abra-where';
import type { ProgressEvent } from './api';
import type { SyncConfig } from './config';
import type { StateStore } from './state/store';

export type { AbraRow } from '../shared/abra-where';

export interface AbraChanged {
  rows: AbraRow[];
  /** New high-water mark (from the data, not the local clock); null when nothing changed. */
  highWater: string | null;
}

/**
 * What a list read asks for. A real ABRA list row carries an owned object (an address) only as its id and no owned
 * collection (firmpersons) unless the request names it: `select` paths such as `residenceaddress_id.email` and
 * `expand=firmpersons(person_id,address_id.email)`. Rows come back with those dotted keys; {@link nestRow} folds them
 * into nested objects, so a part reads `row.residenceaddress_id.email` whichever way the server answered.
 */
export interface AbraRead {
  select?: string[];
  expand?: string;
}

export interface AbraPort {
  currentUser(): Promise<{ id: string; name?: string; login?: string }>;
  /** Rows created or corrected after `since` (null = all rows matching `where`). */
  changedSince(
    collection: string,
    since: string | null,
    where?: string,
    read?: AbraRead,
  ): Promise<AbraChanged>;
  /** Every row matching `where` (paged). */
  queryAll(collection: string, where?: string, select?: string[], expand?: string): Promise<AbraRow[]>;
  /** One row, or null when it does not exist. */
  get(collection: string, id: string): Promise<AbraRow | null>;
  /** Ids of all rows matching `where` (cheap paged scan for deletion detection). */
  listIds(collection: string, where?: string): Promise<string[]>;
  create(collection: string, body: Record<string, unknown>): Promise<AbraRow>;
  /** Partial update. */
  update(collection: string, id: string, patch: Record<string, unknown>): Promise<AbraRow>;
  delete(collection: string, id: string): Promise<void>;
  /** Rows owned by a parent, e.g. firmpersons of a firm. */
  createOwned(
    collection: string,
    parentId: string,
    owned: string,
    body: Record<string, unknown>,
  ): Promise<AbraRow>;
  /** Requests sent so far (for the benchmark). */
  requestCount(): number;
  /**
   * ABRA's JSON query form (`POST /{collection}/query`): the condition travels in the request body, so a long
   * value (a 2 kB Message-ID, a long subject) never makes a URL too long. One page of at most `take` rows.
   */
  query(
    collection: string,
    q: { where?: string; select?: string[]; take?: number; skip?: number },
  ): Promise<AbraRow[]>;
  /** `POST /{collection}?validation=true`: would ABRA accept this create? Nothing is stored. */
  validate(collection: string, body: Record<string, unknown>): Promise<AbraValidation>;
}

export interface AbraValidation {
  ok: boolean;
  errors: { field: string; message: string }[];
  /** The object as the server would store it. */
  object: Record<string, unknown>;
}

export interface RunContext {
  config: SyncConfig;
  abra: AbraPort;
  exchange: ExchangeBackend;
  state: StateStore;
  /** The ABRA user the app signs in as (solver/responsible filters, new activities). */
  me: { id: string; name?: string };
  now: () => Date;
  progress: (p: Omit<ProgressEvent, 'part'>) => void;
  /** Cancelled when the app quits: stop between batches. */
  signal?: AbortSignal;
}

/**
 * The engine's older spellings of the shared where-builder (src-main/shared/abra-where.ts), which now quotes for
 * them. They stay until the parts being moved (the e-mail archive, the run pipeline) call `lit`/`ts`/`inList`
 * directly; new code uses the builder.
 */
export const abraLiteral = (v: string): string => lit(v);

/** `field in ('a','b')`, or a never-true expression for an empty list. */
export function abraIn(field: string, values: string[]): string {
  if (values.length === 0) return `${field} = '__none__'`;
  return `${field} in (${values.map(lit).join(', ')})`;
}

/** ABRA timestamp literal. */
export const abraTimestamp = (iso: string): string => ts(iso);

/**
 * Fold dotted keys of a list row (`residenceaddress_id.email`, also inside expanded rows) into nested objects. A key
 * that already holds an object (a server that embeds) is merged, never replaced by a bare id string.
 */
export function nestRow<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  const dotted: [string[], unknown][] = [];
  for (const [k, v] of Object.entries(row)) {
    const val = Array.isArray(v)
      ? v.map((x) =>
          x && typeof x === 'object' && !Array.isArray(x) ? nestRow(x as Record<string, unknown>) : x,
        )
      : v;
    if (k.includes('.')) dotted.push([k.split('.'), val]);
    else out[k] = val;
  }
  for (const [path, v] of dotted) {
    let o = out;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      const cur = o[k];
      if (!cur || typeof cur !== 'object' || Array.isArray(cur))
        o[k] = typeof cur === 'string' ? { id: cur } : {};
      o = o[k] as Record<string, unknown>;
    }
    o[path[path.length - 1]!] = v;
  }
  return out as T;
}
