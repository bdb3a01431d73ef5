/**
 * The main process's sentences (src-main/shared/messages.ts): Czech has every English sentence with the same
 * placeholders and its own plural forms; formatting fills placeholders and falls back for unknown notes.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGES, type MessageKey, noteText, tr } from '../../src-main/shared/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const forms = (e: unknown): string[] => (typeof e === 'string' ? [e] : Object.values(e as object));

describe('main-process messages', () => {
  const keys = Object.keys(MESSAGES.en) as MessageKey[];

  it('Czech has every sentence, translated, with the same placeholders', () => {
    expect(Object.keys(MESSAGES.cs).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      const want = placeholders(forms(MESSAGES.en[k])[0]!);
      for (const text of [...forms(MESSAGES.en[k]), ...forms(MESSAGES.cs[k])])
        expect(placeholders(text), `${k}: ${text}`).toEqual(want);
      expect(forms(MESSAGES.cs[k]).join('|'), k).not.toBe(forms(MESSAGES.en[k]).join('|'));
    }
  });

  it('fills placeholders and picks the plural form of the language', () => {
    expect(tr('en', 'abra.connected', { who: 'Jana Nováková' })).toBe(
      'Connected to ABRA Gen as Jana Nováková.',
    );
    expect(tr('cs', 'abra.connected', { who: 'Jana Nováková' })).toBe(
      'Připojeno k ABRA Gen jako Jana Nováková.',
    );
    expect(tr('en', 'where.validFirms', { count: 1 })).toBe('The expression is valid; it matches 1 firm.');
    expect(tr('en', 'where.validFirms', { count: 7 })).toBe('The expression is valid; it matches 7 firms.');
    expect(tr('cs', 'where.validFirms', { count: 1 })).toBe('Výraz je platný; odpovídá mu 1 firma.');
    expect(tr('cs', 'where.validFirms', { count: 3 })).toBe('Výraz je platný; odpovídají mu 3 firmy.');
    expect(tr('cs', 'where.validFirms', { count: 5 })).toBe('Výraz je platný; odpovídá mu 5 firem.');
    expect(tr('cs', 'where.validFirms', { count: 0 })).toBe('Výraz je platný; odpovídá mu 0 firem.');
    // a missing parameter stays visible rather than silently vanishing
    expect(tr('en', 'abra.connected')).toBe('Connected to ABRA Gen as {who}.');
  });

  it('a recorded note reads in the language asked for; an unknown one falls back to its recorded text', () => {
    const n = { key: 'run.abraEmpty', params: { count: 40 } } as const;
    expect(noteText('en', n)).toMatch(/^ABRA returned no records for this part although 40 are linked/);
    expect(noteText('cs', n)).toMatch(
      /^ABRA pro tuto část nevrátila žádné záznamy, přestože je propojeno 40/,
    );
    expect(noteText('cs', { key: 'run.fromTheFuture' as MessageKey }, 'recorded text')).toBe('recorded text');
    expect(noteText('cs', undefined, 'recorded text')).toBe('recorded text');
  });
});
