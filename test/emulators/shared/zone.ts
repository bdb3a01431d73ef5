/**
 * Time-zone arithmetic for the emulators, with Intl only (an emulator needs no library, and it must not share the
 * connectors' own time-zone code, or it would hide their bugs): Windows zone names, wall-clock parts of an instant,
 * and the instant of a wall-clock time (the later of two across a DST gap, like Exchange).
 */

const WINDOWS_TO_IANA: Record<string, string> = {
  'central europe standard time': 'Europe/Prague',
  'central european standard time': 'Europe/Warsaw',
  'w. europe standard time': 'Europe/Berlin',
  'romance standard time': 'Europe/Paris',
  'gmt standard time': 'Europe/London',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kyiv',
  'eastern standard time': 'America/New_York',
  'central standard time': 'America/Chicago',
  'pacific standard time': 'America/Los_Angeles',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'coordinated universal time': 'UTC',
  utc: 'UTC',
};

/** The IANA zone of a Windows zone name (any case), or undefined when it is not one the emulators know. */
export function windowsToIana(name: string | undefined | null): string | undefined {
  return name ? WINDOWS_TO_IANA[name.toLowerCase()] : undefined;
}

export interface WallParts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
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

/** The wall-clock time of an instant in an IANA zone (whole seconds). */
export function wallParts(d: Date, tz: string): WallParts {
  const o: Record<string, number> = {};
  for (const p of fmt(tz).formatToParts(d)) if (p.type !== 'literal') o[p.type] = Number(p.value);
  return {
    y: o.year ?? 0,
    mo: o.month ?? 1,
    d: o.day ?? 1,
    h: o.hour ?? 0,
    mi: o.minute ?? 0,
    s: o.second ?? 0,
  };
}

/** Offset (ms) of the zone from UTC at the instant. */
export function offsetMs(tz: string, utcMs: number): number {
  const p = wallParts(new Date(utcMs), tz);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in an IANA zone. */
export function fromWall(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  tz: string,
): Date {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  let t = guess;
  for (let i = 0; i < 3; i++) {
    const diff = offsetMs(tz, t) + Math.floor(t / 1000) * 1000 - guess;
    if (diff === 0) break;
    t -= diff;
  }
  return new Date(t);
}
