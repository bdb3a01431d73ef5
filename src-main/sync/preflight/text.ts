import { note, noteText } from '../../shared/messages';
import type { PreflightResult } from './types';

/** A result as lines of text in a language (CLI, demo). */
export function preflightText(r: PreflightResult, locale: 'en' | 'cs'): string[] {
  const lines: string[] = [];
  for (const g of r.general) lines.push(noteText(locale, g.note, g.message));
  for (const p of r.parts) {
    const head = noteText(
      locale,
      p.ok
        ? note('preflight.partOk', {
            part: p.part,
            count: p.fieldsChecked,
            validated: p.validated.join(', ') || '—',
          })
        : note('preflight.partFailed', { part: p.part, count: p.problems.length }),
    );
    lines.push(head);
    for (const x of p.problems) lines.push(`  - ${noteText(locale, x.note, x.message)}`);
  }
  if (r.exchange) lines.push(r.exchange.notes.map((n) => noteText(locale, n)).join('') || r.exchange.message);
  return lines;
}
