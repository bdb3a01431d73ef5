/**
 * Recurrence expansion for calendar masters (EWS RecurrenceType): Daily / Weekly / AbsoluteMonthly /
 * RelativeMonthly / AbsoluteYearly patterns with NoEnd / EndDate / Numbered ranges, expanded in the master's
 * start time zone (Windows zone id → IANA) so that the wall-clock time stays put across DST like in Outlook.
 */
import { fromWall, wallParts as parts, windowsToIana } from '../shared/zone';
import { childText, type XNode } from './xml';

export { fromWall };

export function ianaFor(windowsId: string | undefined): string {
  return windowsToIana(windowsId) ?? 'UTC';
}

export interface Occurrence {
  /** 1-based InstanceIndex. */
  index: number;
  start: Date;
  end: Date;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export class RecurrenceError extends Error {}

/**
 * Expands a series. `until` bounds NoEnd series (and is a performance bound for others); `max` caps the count.
 */
export function expand(
  recurrence: XNode,
  masterStart: Date,
  masterEnd: Date,
  tz: string,
  until: Date,
  max = 5000,
): Occurrence[] {
  const RANGES = ['NoEndRecurrence', 'EndDateRecurrence', 'NumberedRecurrence'];
  const pattern = recurrence.children.find((c) => !RANGES.includes(c.name));
  const range = recurrence.children.find((c) => RANGES.includes(c.name));
  if (!pattern || !range) throw new RecurrenceError('Recurrence needs a pattern and a range');
  const duration = masterEnd.getTime() - masterStart.getTime();
  const sp = parts(masterStart, tz);
  const rangeStart = childText(range, 'StartDate') ?? isoDate(sp);
  const [ry, rm, rd] = rangeStart.slice(0, 10).split('-').map(Number) as [number, number, number];
  let endDate: { y: number; mo: number; d: number } | undefined;
  let count = Number.POSITIVE_INFINITY;
  if (range.name === 'EndDateRecurrence') {
    const e = (childText(range, 'EndDate') ?? '').slice(0, 10).split('-').map(Number);
    endDate = { y: e[0] ?? 0, mo: e[1] ?? 1, d: e[2] ?? 1 };
  } else if (range.name === 'NumberedRecurrence') {
    count = Number(childText(range, 'NumberOfOccurrences') ?? '0');
  }
  const interval = Math.max(1, Number(childText(pattern, 'Interval') ?? '1'));
  const out: Occurrence[] = [];
  const push = (y: number, mo: number, d: number): boolean => {
    if (endDate && cmpDate({ y, mo, d }, endDate) > 0) return false;
    if (out.length >= count || out.length >= max) return false;
    const start = fromWall(y, mo, d, sp.h, sp.mi, sp.s, tz);
    if (start.getTime() > until.getTime() && !Number.isFinite(count) && !endDate) return false;
    if (start.getTime() > until.getTime() + 400 * 86400000) return false;
    out.push({ index: out.length + 1, start, end: new Date(start.getTime() + duration) });
    return true;
  };
  const base = Date.UTC(ry, rm - 1, rd);
  const dayAt = (n: number) => {
    const dt = new Date(base + n * 86400000);
    return { y: dt.getUTCFullYear(), mo: dt.getUTCMonth() + 1, d: dt.getUTCDate(), wd: dt.getUTCDay() };
  };
  switch (pattern.name) {
    case 'DailyRecurrence': {
      for (let n = 0; ; n += interval) {
        const x = dayAt(n);
        if (!push(x.y, x.mo, x.d)) break;
      }
      break;
    }
    case 'WeeklyRecurrence': {
      const days = (childText(pattern, 'DaysOfWeek') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .flatMap((n) =>
          n === 'Weekday'
            ? [1, 2, 3, 4, 5]
            : n === 'WeekendDay'
              ? [0, 6]
              : n === 'Day'
                ? [0, 1, 2, 3, 4, 5, 6]
                : [DAY_NAMES.indexOf(n)],
        )
        .filter((n) => n >= 0);
      if (!days.length) throw new RecurrenceError('WeeklyRecurrence needs DaysOfWeek');
      const firstDow = DAY_NAMES.indexOf(childText(pattern, 'FirstDayOfWeek') ?? 'Sunday');
      const startWd = dayAt(0).wd;
      const weekStartOffset = -((startWd - Math.max(firstDow, 0) + 7) % 7);
      outer: for (let w = 0; ; w += interval) {
        for (let k = 0; k < 7; k++) {
          const n = weekStartOffset + w * 7 + k;
          if (n < 0) continue;
          const x = dayAt(n);
          if (!days.includes(x.wd)) continue;
          if (!push(x.y, x.mo, x.d)) break outer;
        }
        if (w > 5000) break;
      }
      break;
    }
    case 'AbsoluteMonthlyRecurrence':
    case 'AbsoluteYearlyRecurrence':
    case 'RelativeMonthlyRecurrence':
    case 'RelativeYearlyRecurrence': {
      const yearly = pattern.name.includes('Yearly');
      const step = yearly ? 12 : interval;
      const monthOfYear = yearly ? MONTHS.indexOf(childText(pattern, 'Month') ?? '') + 1 || rm : undefined;
      for (let k = 0; k < 5000; k++) {
        const mIdx = (monthOfYear ? monthOfYear - 1 : rm - 1) + k * step;
        const y = ry + Math.floor(mIdx / 12);
        const mo = (mIdx % 12) + 1;
        const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
        let d: number | undefined;
        if (pattern.name.startsWith('Absolute')) {
          const dom = Number(childText(pattern, 'DayOfMonth') ?? sp.d);
          d = dom <= dim ? dom : undefined;
        } else {
          d = relativeDay(
            y,
            mo,
            childText(pattern, 'DaysOfWeek') ?? 'Monday',
            childText(pattern, 'DayOfWeekIndex') ?? 'First',
          );
        }
        if (d === undefined) continue;
        if (cmpDate({ y, mo, d }, { y: ry, mo: rm, d: rd }) < 0) continue;
        if (!push(y, mo, d)) break;
      }
      break;
    }
    default:
      throw new RecurrenceError(`recurrence pattern ${pattern.name} is not supported by the emulator`);
  }
  return out;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function relativeDay(y: number, mo: number, dow: string, idx: string): number | undefined {
  const wd = DAY_NAMES.indexOf(dow);
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const matches: number[] = [];
  for (let d = 1; d <= dim; d++) {
    const w = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
    if (
      wd >= 0
        ? w === wd
        : dow === 'Weekday'
          ? w > 0 && w < 6
          : dow === 'WeekendDay'
            ? w === 0 || w === 6
            : true
    )
      matches.push(d);
  }
  const i = ['First', 'Second', 'Third', 'Fourth'].indexOf(idx);
  return idx === 'Last' ? matches[matches.length - 1] : matches[i];
}

function cmpDate(a: { y: number; mo: number; d: number }, b: { y: number; mo: number; d: number }): number {
  return a.y - b.y || a.mo - b.mo || a.d - b.d;
}
function isoDate(p: { y: number; mo: number; d: number }): string {
  return `${String(p.y).padStart(4, '0')}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** Local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(d: Date, tz: string): string {
  return isoDate(parts(d, tz));
}

/** Builds a Recurrence XNode from the control API's simple description. */
export function recurrenceNode(
  r: {
    pattern: 'daily' | 'weekly' | 'monthly';
    interval?: number;
    days?: string[];
    numberOfOccurrences?: number;
    endDate?: string;
  },
  startDate: string,
  mk: (name: string, kids?: XNode[], text?: string) => XNode,
): XNode {
  const interval = mk('Interval', [], String(r.interval ?? 1));
  let pattern: XNode;
  if (r.pattern === 'daily') pattern = mk('DailyRecurrence', [interval]);
  else if (r.pattern === 'weekly')
    pattern = mk('WeeklyRecurrence', [interval, mk('DaysOfWeek', [], (r.days ?? ['Monday']).join(' '))]);
  else
    pattern = mk('AbsoluteMonthlyRecurrence', [
      interval,
      mk('DayOfMonth', [], String(Number(startDate.slice(8, 10)))),
    ]);
  const sd = mk('StartDate', [], startDate);
  const range = r.numberOfOccurrences
    ? mk('NumberedRecurrence', [sd, mk('NumberOfOccurrences', [], String(r.numberOfOccurrences))])
    : r.endDate
      ? mk('EndDateRecurrence', [sd, mk('EndDate', [], r.endDate.slice(0, 10))])
      : mk('NoEndRecurrence', [sd]);
  return mk('Recurrence', [pattern, range]);
}
