/**
 * The zone offset is cached per UTC hour (issue #17: formatToParts was the Graph engine's largest own CPU item). The
 * cached answer must be the one Intl gives for the very instant — across DST transitions, half-hour and 45-minute
 * zones, a 30-minute DST shift, and the local mean time offsets (whole seconds) before 1900.
 */
import { describe, expect, it } from 'vitest';
import { localToUtc, offsetMs, utcToLocal } from '../../src-main/shared/zone-time';

/** The offset straight from Intl, without any cache (the definition). */
const formats = new Map<string, Intl.DateTimeFormat>();
function intlOffset(tz: string, utcMs: number): number {
  const f =
    formats.get(tz) ??
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  formats.set(tz, f);
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(new Date(utcMs))) p[x.type] = x.value;
  const asUtc = Date.UTC(
    +(p.year ?? 0),
    +(p.month ?? 1) - 1,
    +(p.day ?? 1),
    +(p.hour ?? 0),
    +(p.minute ?? 0),
    +(p.second ?? 0),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

const ZONES = [
  'Europe/Prague',
  'America/New_York',
  'America/St_Johns', // −3:30, DST
  'Australia/Lord_Howe', // DST of 30 minutes
  'Asia/Kathmandu', // +5:45
  'Pacific/Chatham', // +12:45 / +13:45
  'UTC',
];

describe('zone offsets cached per hour agree with Intl for the instant', () => {
  it('every 5 minutes across the 2026 transitions (and a day around them) in every zone', () => {
    for (const tz of ZONES) {
      // every minute from 36 h before to 36 h after each instant where the offset changes in 2026
      const changes: number[] = [];
      for (let d = Date.UTC(2026, 0, 1); d < Date.UTC(2027, 0, 1); d += 86_400_000)
        if (intlOffset(tz, d) !== intlOffset(tz, d + 86_400_000))
          for (let t = d; t < d + 86_400_000; t += 3_600_000)
            if (intlOffset(tz, t) !== intlOffset(tz, t + 3_600_000)) changes.push(t);
      if (!['UTC', 'Asia/Kathmandu'].includes(tz)) expect(changes.length, tz).toBeGreaterThan(0);
      for (const c of changes)
        for (
          let t = c - 36 * 3_600_000;
          t <= c + 36 * 3_600_000;
          t += 5 * 60_000 + 7 // + 7 ms: not on whole seconds
        )
          expect(offsetMs(tz, t), `${tz} ${new Date(t).toISOString()}`).toBe(intlOffset(tz, t));
    }
  });

  it('local mean time (whole seconds) before 1900 and far dates', () => {
    for (const t of [Date.UTC(1850, 5, 1, 12), Date.UTC(1891, 9, 1, 0, 30), Date.UTC(2099, 2, 29, 1, 30), -1])
      for (const tz of ZONES) expect(offsetMs(tz, t), `${tz} ${t}`).toBe(intlOffset(tz, t));
  });

  it('conversions both ways stay exact around Prague spring and autumn (local ↔ UTC)', () => {
    expect(new Date(localToUtc('2026-03-29T01:59:59', 'Europe/Prague')).toISOString()).toBe(
      '2026-03-29T00:59:59.000Z',
    );
    expect(new Date(localToUtc('2026-03-29T03:00:00', 'Europe/Prague')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    expect(utcToLocal(Date.parse('2026-10-25T00:59:59.500Z'), 'Europe/Prague')).toBe(
      '2026-10-25T02:59:59.500',
    );
    expect(utcToLocal(Date.parse('2026-10-25T01:00:00Z'), 'Europe/Prague')).toBe('2026-10-25T02:00:00.000');
  });
});
