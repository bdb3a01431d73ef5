import type { RunCounts } from '../../../src-main/app/ipc-contract';

export function formatTime(iso: string | undefined, locale: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === 'cs' ? 'cs-CZ' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(d);
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function countsTotal(c: RunCounts): number {
  return (
    c.abra.created +
    c.abra.updated +
    c.abra.deleted +
    c.exchange.created +
    c.exchange.updated +
    c.exchange.deleted
  );
}

/** Stable, unique React keys for rows that may repeat (the same base key gets #2, #3, …). */
export function uniqueKeys<T>(rows: readonly T[], base: (row: T) => string): { row: T; key: string }[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const b = base(row);
    const n = (seen.get(b) ?? 0) + 1;
    seen.set(b, n);
    return { row, key: n === 1 ? b : `${b}#${n}` };
  });
}
