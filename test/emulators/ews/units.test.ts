/** Unit tests of the EWS emulator's building blocks: recurrence expansion, MIME parsing, SyncState, restrictions. */
import { describe, expect, it } from 'vitest';
import { decodeWords, parseMime } from './mime';
import { evaluate } from './ops/restriction';
import { expand, fromWall, recurrenceNode } from './recurrence';
import { convertBody } from './serialize';
import { EwsStore, StoreError } from './store';
import { el, parseXml } from './xml';

const mk = (name: string, kids: ReturnType<typeof el>[] = [], text = '') => el(name, {}, kids, text);

describe('recurrence expansion', () => {
  it('weekly on Monday across the end of DST keeps 09:00 Prague (07:00Z in summer, 08:00Z in winter)', () => {
    const start = fromWall(2026, 10, 12, 9, 0, 0, 'Europe/Prague');
    expect(start.toISOString()).toBe('2026-10-12T07:00:00.000Z');
    const rec = recurrenceNode(
      { pattern: 'weekly', days: ['Monday'], numberOfOccurrences: 4 },
      '2026-10-12',
      mk,
    );
    const occ = expand(
      rec,
      start,
      new Date(start.getTime() + 3600000),
      'Europe/Prague',
      new Date('2030-01-01'),
    );
    expect(occ.map((o) => o.start.toISOString())).toEqual([
      '2026-10-12T07:00:00.000Z',
      '2026-10-19T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
    ]);
    expect(occ.map((o) => o.index)).toEqual([1, 2, 3, 4]);
    expect(occ.every((o) => o.end.getTime() - o.start.getTime() === 3600000)).toBe(true);
  });

  it('weekly on two days every second week, daily with an end date, monthly by day, relative monthly', () => {
    const s = new Date('2027-01-04T08:00:00Z'); // a Monday
    const e = new Date('2027-01-04T09:00:00Z');
    const two = parseXml(
      '<Recurrence xmlns="t"><WeeklyRecurrence><Interval>2</Interval><DaysOfWeek>Monday Thursday</DaysOfWeek></WeeklyRecurrence><NumberedRecurrence><StartDate>2027-01-04</StartDate><NumberOfOccurrences>4</NumberOfOccurrences></NumberedRecurrence></Recurrence>',
    );
    expect(
      expand(two, s, e, 'UTC', new Date('2030-01-01')).map((o) => o.start.toISOString().slice(0, 10)),
    ).toEqual(['2027-01-04', '2027-01-07', '2027-01-18', '2027-01-21']);
    const daily = recurrenceNode({ pattern: 'daily', interval: 3, endDate: '2027-01-12' }, '2027-01-04', mk);
    expect(expand(daily, s, e, 'UTC', new Date('2030-01-01')).map((o) => o.start.getUTCDate())).toEqual([
      4, 7, 10,
    ]);
    const monthly = recurrenceNode({ pattern: 'monthly', numberOfOccurrences: 3 }, '2027-01-31', mk);
    const ms = new Date('2027-01-31T08:00:00Z');
    expect(
      expand(monthly, ms, new Date(ms.getTime() + 3600000), 'UTC', new Date('2030-01-01')).map((o) =>
        o.start.toISOString().slice(0, 10),
      ),
    ).toEqual(['2027-01-31', '2027-03-31', '2027-05-31']);
    const rel = parseXml(
      '<Recurrence xmlns="t"><RelativeMonthlyRecurrence><Interval>1</Interval><DaysOfWeek>Friday</DaysOfWeek><DayOfWeekIndex>Last</DayOfWeekIndex></RelativeMonthlyRecurrence><NumberedRecurrence><StartDate>2027-01-01</StartDate><NumberOfOccurrences>2</NumberOfOccurrences></NumberedRecurrence></Recurrence>',
    );
    expect(
      expand(rel, s, e, 'UTC', new Date('2030-01-01')).map((o) => o.start.toISOString().slice(0, 10)),
    ).toEqual(['2027-01-29', '2027-02-26']);
  });

  it('a no-end series is bounded by the window', () => {
    const rec = recurrenceNode({ pattern: 'daily' }, '2027-01-01', mk);
    const s = new Date('2027-01-01T10:00:00Z');
    const occ = expand(rec, s, new Date(s.getTime() + 1000), 'UTC', new Date('2027-01-10T00:00:00Z'));
    expect(occ).toHaveLength(9);
  });
});

describe('MIME parsing', () => {
  it('decodes RFC 2047 words in UTF-8, ISO-8859-2 and windows-1250, Q and B, adjacent words joined', () => {
    expect(decodeWords('=?UTF-8?B?xb1sdcWlb3XEjWvDvQ==?= =?UTF-8?Q?_k=C5=AF=C5=88?=')).toBe('Žluťoučký kůň');
    expect(decodeWords('=?iso-8859-2?Q?P=F8=EDli=B9?=')).toBe('Příliš');
    expect(decodeWords('=?windows-1250?Q?=8Elu=9Dou=E8k=FD?=')).toBe('Žluťoučký');
  });

  it('multipart with a text body and an RFC 2231 attachment name; raw UTF-8 headers', () => {
    const mime = [
      'From: Jiří Černý <jiri@firma.cz>',
      'To: a@b.cz, "Novák, Jan" <jan@b.cz>',
      'Subject: Nabídka',
      'Message-ID: <m1@firma.cz>',
      'Date: Mon, 23 Nov 2026 10:00:00 +0100',
      'Content-Type: multipart/mixed; boundary="XX"',
      '',
      '--XX',
      'Content-Type: text/plain; charset=iso-8859-2',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Dobr=FD den',
      '--XX',
      'Content-Type: application/pdf',
      "Content-Disposition: attachment; filename*=UTF-8''Cen%C3%ADk.pdf",
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('PDF!').toString('base64'),
      '--XX--',
      '',
    ].join('\r\n');
    const m = parseMime(Buffer.from(mime, 'utf8'));
    expect(m.from).toEqual({ name: 'Jiří Černý', address: 'jiri@firma.cz' });
    expect(m.to).toEqual([{ address: 'a@b.cz' }, { name: 'Novák, Jan', address: 'jan@b.cz' }]);
    expect(m.textBody).toBe('Dobrý den');
    expect(m.attachments.map((a) => [a.name, a.content.toString()])).toEqual([['Ceník.pdf', 'PDF!']]);
    expect(m.date?.toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(m.messageId).toBe('<m1@firma.cz>');
  });
});

describe('SyncState', () => {
  it('round-trips, and any flipped byte or another folder key → ErrorInvalidSyncStateData', () => {
    const store = new EwsStore(() => new Date('2026-01-01T00:00:00Z'), 1);
    const known = new Map<number, [number, number]>([
      [5, [2, 0]],
      [9, [1, 1]],
    ]);
    const s = store.encodeState('I:f1', known);
    expect(store.decodeState('I:f1', s)).toEqual(known);
    const raw = Buffer.from(s, 'base64');
    raw[raw.length - 3] = (raw[raw.length - 3] ?? 0) ^ 0xff;
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return e instanceof StoreError ? e.code : String(e);
      }
    };
    expect(code(() => store.decodeState('I:f1', raw.toString('base64')))).toBe('ErrorInvalidSyncStateData');
    expect(code(() => store.decodeState('I:f2', s))).toBe('ErrorInvalidSyncStateData');
    expect(code(() => store.decodeState('I:f1', 'not base64 at all!'))).toBe('ErrorInvalidSyncStateData');
    const other = new EwsStore(() => new Date(), 2);
    expect(code(() => other.decodeState('I:f1', s))).toBe('ErrorInvalidSyncStateData');
  });
});

describe('restrictions and bodies', () => {
  const get = (vals: Record<string, string>) => (p: { attrs: Record<string, string> }) =>
    vals[p.attrs.FieldURI ?? p.attrs.PropertyName ?? ''];
  const r = (xml: string) => parseXml(`<R xmlns="t">${xml}</R>`).children[0] as ReturnType<typeof el>;
  it('Contains (prefix, substring, ignore case), Not, Exists, date comparison', () => {
    const v = get({ 'item:Subject': 'Poptávka Vysočina', 'item:DateTimeReceived': '2026-11-20T10:00:00Z' });
    expect(
      evaluate(
        r(
          '<Contains ContainmentMode="Prefixed" ContainmentComparison="IgnoreCase"><FieldURI FieldURI="item:Subject"/><Constant Value="poptávka"/></Contains>',
        ),
        v,
      ),
    ).toBe(true);
    expect(
      evaluate(
        r(
          '<Contains ContainmentMode="Substring" ContainmentComparison="Exact"><FieldURI FieldURI="item:Subject"/><Constant Value="vysočina"/></Contains>',
        ),
        v,
      ),
    ).toBe(false);
    expect(evaluate(r('<Not><Exists><FieldURI FieldURI="item:Categories"/></Exists></Not>'), v)).toBe(true);
    expect(
      evaluate(
        r(
          '<IsGreaterThan><FieldURI FieldURI="item:DateTimeReceived"/><FieldURIOrConstant><Constant Value="2026-11-20T09:59:59+00:00"/></FieldURIOrConstant></IsGreaterThan>',
        ),
        v,
      ),
    ).toBe(true);
  });

  it('HTML body asked as Text is stripped; Text asked as HTML is escaped and wrapped', () => {
    const html = el(
      'Body',
      { BodyType: 'HTML' },
      [],
      '<p>Dobrý&nbsp;den</p><script>x</script><b>a &amp; b</b>',
    );
    expect(convertBody(html, 'Text').text).toBe('Dobrý den\r\na & b');
    const text = el('Body', { BodyType: 'Text' }, [], 'a < b\nc');
    expect(convertBody(text, 'HTML').text).toContain('<body>a &lt; b<br>c</body>');
  });
});
