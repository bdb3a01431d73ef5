import { describe, expect, it } from 'vitest';
import { ianaZone, localToUtc, utcToLocal } from '../../../src-main/exchange/graph/time';

// Graph reports dateTimeTimeZone with an IANA or a Windows zone name
// (https://learn.microsoft.com/graph/api/resources/datetimetimezone); an unknown name is read as UTC.
describe('Graph time zones', () => {
  it('IANA names stay, Windows names map, unknown names are UTC — the same answer every time (the check is cached)', () => {
    for (let i = 0; i < 3; i++) {
      expect(ianaZone('Europe/Prague')).toBe('Europe/Prague');
      expect(ianaZone('Central Europe Standard Time')).toBe('Europe/Prague');
      expect(ianaZone('Not/AZone')).toBe('UTC');
      expect(ianaZone('')).toBe('UTC');
      expect(ianaZone(null)).toBe('UTC');
    }
  });

  it('converts local wall time in a zone both ways, across the summer-time change', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST in Prague
    expect(new Date(localToUtc('2026-03-28T12:00:00', 'Europe/Prague')).toISOString()).toBe(
      '2026-03-28T11:00:00.000Z',
    );
    expect(new Date(localToUtc('2026-03-30T12:00:00', 'Europe/Prague')).toISOString()).toBe(
      '2026-03-30T10:00:00.000Z',
    );
    expect(utcToLocal(Date.parse('2026-07-01T10:00:00Z'), 'Europe/Prague')).toBe('2026-07-01T12:00:00.000');
    expect(utcToLocal(Date.parse('2026-07-01T10:00:00Z'), 'Not/AZone')).toBe('2026-07-01T10:00:00.000');
  });

  it('after many distinct zone names from a server (the cache is emptied at 256) the answers are still right', () => {
    for (let i = 0; i < 600; i++) expect(ianaZone(`Bogus/Zone${i}`)).toBe('UTC');
    expect(ianaZone('America/New_York')).toBe('America/New_York');
  });
});
