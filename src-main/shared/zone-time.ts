/**
 * Time-zone arithmetic with Intl only: IANA names, `UTC`, and the Windows names Graph may report. Shared by the Graph
 * backend (its dateTimeTimeZone values) and the engine (the tasks part compares To Do's dates by day in the user's zone).
 */

const WINDOWS_ZONES: Record<string, string> = {
  'central europe standard time': 'Europe/Prague',
  'central european standard time': 'Europe/Warsaw',
  'w. europe standard time': 'Europe/Berlin',
  'gmt standard time': 'Europe/London',
  'pacific standard time': 'America/Los_Angeles',
  'eastern standard time': 'America/New_York',
  utc: 'UTC',
  'coordinated universal time': 'UTC',
};

/**
 * Zone names already checked → the zone to use. Checking a name made a new Intl.DateTimeFormat on every call (two
 * per converted time): each holds ICU objects in native memory until the next GC, which made the Graph runs' peak
 * and resident memory (issue #17). The formatter made by the check is the one the conversions use.
 */
const zoneCache = new Map<string, string>();

export function ianaZone(tz: string | undefined | null): string {
  if (!tz) return 'UTC';
  const w = WINDOWS_ZONES[tz.toLowerCase()];
  if (w) return w;
  let zone = zoneCache.get(tz);
  if (zone === undefined) {
    try {
      fmt(tz);
      zone = tz;
    } catch {
      zone = 'UTC';
    }
    if (zoneCache.size >= 256) zoneCache.clear(); // names come from the server: never an unbounded map
    zoneCache.set(tz, zone);
  }
  return zone;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

/** Offset (ms) of the zone from UTC at the instant. */
export function offsetMs(tz: string, utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR);
  let byHour = offsetCache.get(tz);
  if (!byHour) {
    if (offsetCache.size >= 64) offsetCache.clear(); // zone names come from servers: never an unbounded map
    byHour = new Map();
    offsetCache.set(tz, byHour);
  }
  let off = byHour.get(hour);
  if (off === undefined) {
    // One offset for the whole hour when it starts and ends with the same one (no transition inside; no zone has
    // two within an hour); an hour with a transition is marked NaN and converted instant by instant.
    const start = formattedOffsetMs(tz, hour * HOUR);
    off = start === formattedOffsetMs(tz, hour * HOUR + HOUR - 1000) ? start : Number.NaN;
    if (byHour.size >= 20_000) byHour.clear();
    byHour.set(hour, off);
  }
  return Number.isNaN(off) ? formattedOffsetMs(tz, utcMs) : off;
}

const HOUR = 3_600_000;
/**
 * Zone → UTC hour → the zone's offset in that hour. formatToParts was the Graph engine's largest own CPU item (a
 * fifth of a millisecond per converted time, three conversions per task; issue #17); the items of a sync share
 * few hours, so nearly every conversion is a map look-up.
 */
const offsetCache = new Map<string, Map<number, number>>();

/** The offset as Intl formats the instant (whole seconds: offsets in the time-zone database are). */
function formattedOffsetMs(tz: string, utcMs: number): number {
  const parts: Record<string, string> = {};
  for (const p of fmt(tz).formatToParts(new Date(utcMs))) parts[p.type] = p.value;
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
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
