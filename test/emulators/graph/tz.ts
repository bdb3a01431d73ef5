/** Graph's time texts over the emulators' shared zone arithmetic: IANA names, `UTC`, and a few Windows names. */
import { offsetMs, windowsToIana } from '../shared/zone';

export { offsetMs };

export function ianaZone(tz: string | undefined | null): string {
  if (!tz) return 'UTC';
  const w = windowsToIana(tz);
  if (w) return w;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

/** Local wall time (`YYYY-MM-DDTHH:mm:ss[.fffffff]`) in the zone → UTC ms. */
export function localToUtc(local: string, tz: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?/.exec(local);
  if (!m) return Number.NaN;
  const ms = m[3] ? Math.round(Number(`0${m[3]}`) * 1000) : 0;
  const guess = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${m[2]?.length === 5 ? ':00' : ''}Z`) + ms;
  const zone = ianaZone(tz);
  const off = offsetMs(zone, guess);
  let t = guess - off;
  const off2 = offsetMs(zone, t);
  if (off2 !== off) t = guess - off2;
  return t;
}

/** UTC ms → local wall time `YYYY-MM-DDTHH:mm:ss.fff` in the zone. */
export function utcToLocal(ms: number, tz: string): string {
  const zone = ianaZone(tz);
  return new Date(ms + offsetMs(zone, ms)).toISOString().slice(0, 23);
}

/** Graph's dateTimeTimeZone text: 7 fractional digits, no offset. */
export function graphDateTime(ms: number, tz = 'UTC'): string {
  return `${utcToLocal(ms, tz)}0000`;
}
