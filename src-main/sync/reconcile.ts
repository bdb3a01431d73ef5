/**
 * The one decision table every part uses. Pure: given what is known of one item on each side, the link between
 * them (if any), the part's direction and conflict policy, it decides what to do. No I/O here.
 *
 * "Changed" means a *real* change: the side's version moved AND the hash of the mapped fields differs from the one
 * stored at the last sync. A version bump without a mapped-field change (a cosmetic server rewrite, the echo of our
 * own write) is not a change, so nothing ping-pongs.
 *
 * | link | ABRA            | Exchange        | direction  | action                                                    |
 * |------|-----------------|-----------------|------------|-----------------------------------------------------------|
 * | no   | new, in scope   | –               | A→E, both  | create in Exchange (after pairing)                        |
 * | no   | –               | new, in scope   | E→A, both  | create in ABRA (after pairing)                            |
 * | no   | present         | present (pair)  | any        | pair: equal → link; else source wins / policy (no base)   |
 * | yes  | left the filter | any             | any        | unlink — never delete (but see "mirror" below)             |
 * | yes  | any             | left the scope  | any        | unlink — never delete                                     |
 * | yes  | deleted         | deleted         | any        | drop the link                                             |
 * | yes  | deleted         | unchanged       | A→E, both  | delete in Exchange                                        |
 * | yes  | deleted         | changed         | both       | re-create in ABRA from Exchange (a change beats a delete)  |
 * | yes  | deleted         | any             | E→A        | re-create in ABRA (ABRA is the target; keep it equal)     |
 * | yes  | unchanged       | deleted         | E→A, both  | delete in ABRA (unless the part protects ABRA: re-create) |
 * | yes  | changed         | deleted         | both       | re-create in Exchange from ABRA                           |
 * | yes  | any             | deleted         | A→E        | re-create in Exchange (Exchange is the target)            |
 * | yes  | changed         | unchanged       | A→E, both  | update Exchange                                           |
 * | yes  | changed         | unchanged       | E→A        | overwrite ABRA with the last synced record                |
 * | yes  | unchanged       | changed         | E→A, both  | update ABRA                                               |
 * | yes  | unchanged       | changed         | A→E        | overwrite Exchange with the last synced record            |
 * | yes  | changed         | changed         | A→E / E→A  | the source side wins                                      |
 * | yes  | changed         | changed         | both       | equal → refresh the link; else policy: merge, abraWins, … |
 * | yes  | unchanged       | unchanged       | any        | nothing (refresh stored hashes if a version moved)        |
 *
 * Mirror: where the Exchange side is a folder the sync owns (the address book's "ABRA Gen" contacts folder) and the
 * direction is ABRA → Exchange, a record that leaves the ABRA filter is removed from that folder — the folder shows
 * exactly what the filter selects. ABRA is never touched, and the mass-delete guard still applies.
 */
import type { Side } from './api';
import type { ConflictPolicy, Direction } from './config';
import { type CommonRecord, canonical, isEmpty, sameValue } from './record';

export type SideState =
  /** Not reported this run: as it was at the last sync. */
  | { kind: 'none' }
  | {
      kind: 'present';
      record: CommonRecord;
      hash: string;
      /** A real change since the last sync (always true without a link). */
      changed: boolean;
      /** Still inside the part's filter/scope. */
      inScope: boolean;
      /** Last modification instant (UTC ISO), for "newest wins". */
      modifiedAt?: string;
    }
  | { kind: 'deleted' };

export interface LinkState {
  record: CommonRecord;
}

export interface DecideInput {
  link: LinkState | null;
  abra: SideState;
  exchange: SideState;
  direction: Direction;
  policy: ConflictPolicy;
  /** The part never deletes ABRA records because of an Exchange delete (address book: firms are master data). */
  protectAbraFromDeletes?: boolean;
  /** The Exchange side is a folder the sync owns and mirrors ABRA into (see "Mirror" above). */
  exchangeIsMirror?: boolean;
}

export interface FieldConflict {
  field: string;
  abraValue: unknown;
  exchangeValue: unknown;
  winner: Side;
}

export type Decision =
  | { action: 'nothing' }
  /** Store the sides' current hashes/versions (echo of our write, identical edits, pairing of equal items). */
  | { action: 'refreshLink'; record: CommonRecord }
  | { action: 'createExchange'; record: CommonRecord }
  | { action: 'createAbra'; record: CommonRecord }
  /** Write `record` to the sides marked; `conflicts` were resolved field by field. */
  | {
      action: 'update';
      record: CommonRecord;
      writeAbra: boolean;
      writeExchange: boolean;
      conflicts: FieldConflict[];
    }
  | { action: 'deleteExchange' }
  | { action: 'deleteAbra' }
  | { action: 'unlink' }
  | { action: 'dropLink' };

const toAbra = (d: Direction) => d === 'exchangeToAbra' || d === 'both';
const toExchange = (d: Direction) => d === 'abraToExchange' || d === 'both';

export function decide(input: DecideInput): Decision {
  const { link, abra, exchange, direction } = input;

  if (!link) return decideUnlinked(input);

  // A one-way mirror folder shows what the filter selects: a record that left the filter leaves the folder.
  if (
    input.exchangeIsMirror &&
    direction === 'abraToExchange' &&
    abra.kind === 'present' &&
    !abra.inScope &&
    exchange.kind !== 'deleted'
  ) {
    return { action: 'deleteExchange' };
  }

  // Leaving the filter or scope is never a delete: the pairing goes, both items stay.
  if ((abra.kind === 'present' && !abra.inScope) || (exchange.kind === 'present' && !exchange.inScope)) {
    return { action: 'unlink' };
  }

  const aDel = abra.kind === 'deleted';
  const eDel = exchange.kind === 'deleted';
  const aChg = abra.kind === 'present' && abra.changed;
  const eChg = exchange.kind === 'present' && exchange.changed;

  if (aDel && eDel) return { action: 'dropLink' };

  if (aDel) {
    if (direction === 'exchangeToAbra') {
      return { action: 'createAbra', record: exchange.kind === 'present' ? exchange.record : link.record };
    }
    if (direction === 'both' && eChg && exchange.kind === 'present') {
      return { action: 'createAbra', record: exchange.record };
    }
    return { action: 'deleteExchange' };
  }

  if (eDel) {
    if (direction === 'abraToExchange') {
      return { action: 'createExchange', record: abra.kind === 'present' ? abra.record : link.record };
    }
    if (direction === 'both' && aChg && abra.kind === 'present') {
      return { action: 'createExchange', record: abra.record };
    }
    if (input.protectAbraFromDeletes) {
      return direction === 'exchangeToAbra'
        ? { action: 'unlink' }
        : { action: 'createExchange', record: abra.kind === 'present' ? abra.record : link.record };
    }
    return { action: 'deleteAbra' };
  }

  if (aChg && eChg && abra.kind === 'present' && exchange.kind === 'present') {
    if (abra.hash === exchange.hash) return { action: 'refreshLink', record: abra.record };
    if (direction === 'abraToExchange') return update(abra.record, false, true);
    if (direction === 'exchangeToAbra') return update(exchange.record, true, false);
    return resolveConflict(input.policy, link.record, abra, exchange);
  }

  if (aChg && abra.kind === 'present') {
    if (toExchange(direction)) return update(abra.record, false, true);
    // One-way into ABRA: ABRA is kept equal to what Exchange has (the last synced record).
    return update(link.record, true, false);
  }

  if (eChg && exchange.kind === 'present') {
    if (toAbra(direction)) return update(exchange.record, true, false);
    return update(link.record, false, true);
  }

  // Neither changed for real; versions may have moved (echo of our own write): refresh the stored hashes.
  if (abra.kind === 'present' || exchange.kind === 'present')
    return { action: 'refreshLink', record: link.record };
  return { action: 'nothing' };
}

function update(record: CommonRecord, writeAbra: boolean, writeExchange: boolean): Decision {
  return { action: 'update', record, writeAbra, writeExchange, conflicts: [] };
}

function decideUnlinked(input: DecideInput): Decision {
  const { abra, exchange, direction } = input;
  const aIn = abra.kind === 'present' && abra.inScope;
  const eIn = exchange.kind === 'present' && exchange.inScope;

  if (aIn && eIn && abra.kind === 'present' && exchange.kind === 'present') {
    // A pair found by matching (first run) or by the AbraId stamp.
    if (abra.hash === exchange.hash) return { action: 'refreshLink', record: abra.record };
    if (direction === 'abraToExchange') return update(abra.record, false, true);
    if (direction === 'exchangeToAbra') return update(exchange.record, true, false);
    return resolveConflict(input.policy, null, abra, exchange);
  }
  if (aIn && abra.kind === 'present' && toExchange(direction))
    return { action: 'createExchange', record: abra.record };
  if (eIn && exchange.kind === 'present' && toAbra(direction))
    return { action: 'createAbra', record: exchange.record };
  return { action: 'nothing' };
}

type Present = Extract<SideState, { kind: 'present' }>;

function newer(a: Present, e: Present): Side {
  const ta = a.modifiedAt ? Date.parse(a.modifiedAt) : 0;
  const te = e.modifiedAt ? Date.parse(e.modifiedAt) : 0;
  // Ties go to ABRA: it is the system of record.
  return te > ta ? 'exchange' : 'abra';
}

function resolveConflict(
  policy: ConflictPolicy,
  base: CommonRecord | null,
  abra: Present,
  exchange: Present,
): Decision {
  if (policy === 'abraWins') return update(abra.record, false, true);
  if (policy === 'exchangeWins') return update(exchange.record, true, false);
  if (policy === 'newestWins') {
    return newer(abra, exchange) === 'abra'
      ? update(abra.record, false, true)
      : update(exchange.record, true, false);
  }
  const { record, conflicts } = mergeRecords(base, abra.record, exchange.record, newer(abra, exchange));
  return {
    action: 'update',
    record,
    writeAbra: !sameValue(canonical(record), canonical(abra.record)),
    writeExchange: !sameValue(canonical(record), canonical(exchange.record)),
    conflicts,
  };
}

/**
 * Field-level three-way merge. A field changed on one side only takes that side's value; a field changed on both
 * sides to different values takes the newest side's value and is reported as a conflict. Without a base (pairing
 * of two unlinked items) an empty field is filled from the other side and differing fields go to the newest side,
 * without reporting conflicts.
 */
export function mergeRecords(
  base: CommonRecord | null,
  abra: CommonRecord,
  exchange: CommonRecord,
  newest: Side,
): { record: CommonRecord; conflicts: FieldConflict[] } {
  const fields = new Set([
    ...Object.keys(abra),
    ...Object.keys(exchange),
    ...(base ? Object.keys(base) : []),
  ]);
  const record: CommonRecord = {};
  const conflicts: FieldConflict[] = [];
  for (const f of [...fields].sort()) {
    const a = abra[f];
    const e = exchange[f];
    if (sameValue(a, e)) {
      record[f] = a;
      continue;
    }
    if (base) {
      const b = base[f];
      const aChanged = !sameValue(a, b);
      const eChanged = !sameValue(e, b);
      if (aChanged && !eChanged) record[f] = a;
      else if (eChanged && !aChanged) record[f] = e;
      else {
        record[f] = newest === 'abra' ? a : e;
        conflicts.push({ field: f, abraValue: a ?? null, exchangeValue: e ?? null, winner: newest });
      }
    } else if (isEmpty(a)) record[f] = e;
    else if (isEmpty(e)) record[f] = a;
    else record[f] = newest === 'abra' ? a : e;
  }
  return { record, conflicts };
}
