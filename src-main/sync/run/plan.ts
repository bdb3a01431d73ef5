/** The plan: what the run will do, item by item (the preview shows it; a real run records it). */
import type { PlanEntry, Side } from '../api';
import type { PartName } from '../config';
import type { CommonRecord } from '../record';
import type { Link } from '../state/store';
import type { WorkItem } from './items';

export function planOf(part: PartName, work: WorkItem[], plan: PlanEntry[]): void {
  for (const w of work) {
    const d = w.decision;
    const rec = w.abra?.record ?? w.exRecord ?? {};
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const when = text(rec.start) ?? text(rec.due);
    const firm = text(rec.companyName);
    const entry = (side: Side, action: PlanEntry['action'], fields?: string[]) =>
      plan.push({
        part,
        side,
        action,
        name: w.name,
        abraId: w.abraId ?? undefined,
        exchangeId: w.exId ?? undefined,
        fields,
        ...(when ? { when } : {}),
        ...(firm ? { firm } : {}),
      });
    switch (d.action) {
      case 'createExchange':
        entry('exchange', 'create');
        break;
      case 'createAbra':
        entry('abra', 'create');
        break;
      case 'deleteExchange':
        entry('exchange', 'delete');
        break;
      case 'deleteAbra':
        entry('abra', 'delete');
        break;
      case 'unlink':
        entry('abra', 'unlink');
        break;
      case 'update': {
        const prevA = w.abraRecord ?? {};
        const prevE = w.exRecord ?? {};
        if (d.writeAbra) entry('abra', 'update', changedFields(prevA, d.record));
        if (d.writeExchange) entry('exchange', 'update', changedFields(prevE, d.record));
        for (const c of d.conflicts) entry(c.winner, 'conflict', [c.field]);
        break;
      }
      case 'refreshLink':
        if (!w.link) entry('abra', 'pair');
        break;
      default:
        break;
    }
  }
}

/** The user keeps what the run stopped before deleting: every linked item it would delete is unlinked instead. */
export function keepInsteadOfDelete(
  work: WorkItem[],
  plan: PlanEntry[],
  linkByAbra: Map<string, Link>,
): void {
  for (const w of work) {
    const a = w.decision.action;
    if ((a === 'deleteExchange' || a === 'deleteAbra') && w.link) w.decision = { action: 'unlink' };
  }
  for (const e of plan)
    if (e.action === 'delete' && e.abraId && linkByAbra.has(e.abraId)) {
      e.action = 'unlink';
      e.side = 'abra';
    }
}

function changedFields(prev: CommonRecord, next: CommonRecord): string[] {
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  return [...keys].filter((k) => JSON.stringify(prev[k] ?? null) !== JSON.stringify(next[k] ?? null)).sort();
}
