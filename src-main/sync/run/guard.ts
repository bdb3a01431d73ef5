/**
 * The safety rules checked before anything is written: a complete read that returns nothing while links exist, and
 * a run that would delete more than the configured share of a part's items (unless the user confirmed it).
 */
import { type Note, note } from '../../shared/messages';
import type { DeleteReason, RunSummary } from '../api';
import type { WorkItem } from './items';
import type { SidesRead } from './read';
import type { PartRun } from './types';

/** Why the run stops before writing. */
export interface GuardStop {
  result: 'aborted' | 'needsConfirmation';
  why: Note;
  extra?: Partial<RunSummary>;
}

export function guard(
  run: PartRun,
  read: SidesRead,
  work: WorkItem[],
  confirmDeletes: boolean,
): GuardStop | null {
  const { abraLoad, ex, exItems, rescope } = read;
  const linkCount = read.links.length;
  // (not after the user changed the part's scope: a new filter may well match nothing; what it would delete still
  // goes through the mass-delete question, and the app showed it in the preview first)
  if (linkCount > 0 && abraLoad.full && !rescope && abraLoad.items.filter((i) => i.inScope).length === 0) {
    return { result: 'aborted', why: note('run.abraEmpty', { count: linkCount }) };
  }
  if (linkCount > 0 && ex.full && [...exItems.values()].filter((i) => i.inScope).length === 0) {
    return { result: 'aborted', why: note('run.exchangeEmpty', { count: linkCount }) };
  }
  const { massDeleteRatio, massDeleteMin } = run.ctx.config.safety;
  for (const side of ['exchange', 'abra'] as const) {
    const n = work.filter(
      (w) => w.decision.action === (side === 'exchange' ? 'deleteExchange' : 'deleteAbra'),
    ).length;
    if (!confirmDeletes && n >= massDeleteMin && n > massDeleteRatio * linkCount) {
      const why = note('run.massDelete', {
        count: n,
        total: linkCount,
        side: side === 'exchange' ? 'Exchange' : 'ABRA',
      });
      const going = work.filter(
        (w) => w.decision.action === (side === 'exchange' ? 'deleteExchange' : 'deleteAbra'),
      );
      const items = going.slice(0, 200).map((w) => w.name);
      const reasons = going.slice(0, 200).map(deleteReason);
      const byReason: Partial<Record<DeleteReason, number>> = {};
      for (const w of going) {
        const r = deleteReason(w);
        byReason[r] = (byReason[r] ?? 0) + 1;
      }
      return {
        result: 'needsConfirmation',
        why,
        extra: { pendingDeletes: { count: n, side, items, reasons, byReason } },
      };
    }
  }
  return null;
}

/**
 * Why the decision table deletes this item (see reconcile.ts): an Outlook item goes because its ABRA record was
 * deleted, or (a mirror folder) because the record left the part's filter; an ABRA record goes because its Outlook
 * item was deleted (also a leftover of an interrupted create whose Outlook item is gone).
 */
export function deleteReason(w: WorkItem): DeleteReason {
  if (w.decision.action === 'deleteAbra') return 'deletedInExchange';
  return w.abraDeleted ? 'deletedInAbra' : 'leftFilter';
}
