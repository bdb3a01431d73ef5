/**
 * The MIME reader and the HTML → text converter on hostile messages (issue #14 item 6: "no freeze on one message").
 * Linearity is proven by counting the characters the scans read (mimeWork / htmlWork), never by timing: doubling the
 * input must about double the work (a quadratic scan quadruples it). The timed line is in `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import { htmlToText, htmlWork } from '../../src-main/shared/html';
import { decodeEncodedWords } from '../../src-main/sync/parts/mail/charset';
import {
  MAX_DEPTH,
  MAX_PARTS,
  MimeBudgetError,
  type MimePart,
  parseMime,
} from '../../src-main/sync/parts/mail/mime';
import { mimeWork, parseAddressList } from '../../src-main/sync/parts/mail/mime-headers';
import { bigMultipart, deepNesting, hugeHeader, manyParts, singleLineHtml } from './hostile';

const count = (p: MimePart): number => 1 + p.children.reduce((a, c) => a + count(c), 0);
const depthOf = (p: MimePart): number => 1 + Math.max(0, ...p.children.map(depthOf));

/** Work of `f` on the input of size n and 2n: [work(n), work(2n)]. */
function work(counter: { chars: number }, f: (n: number) => void, n: number): [number, number] {
  const at = (k: number) => {
    const before = counter.chars;
    f(k);
    return counter.chars - before;
  };
  return [at(n), at(2 * n)];
}

/** Doubling the input at most ~doubles the work, and the work is a small multiple of the input size. */
function expectLinear([w1, w2]: [number, number], size1: number, perChar = 20) {
  expect(w1).toBeGreaterThan(0);
  expect(w2 / w1).toBeLessThan(2.3);
  expect(w1).toBeLessThan(perChar * size1);
}

const head = 'From: a@b.cz\r\nSubject: x\r\n';

describe('MIME reader: work grows linearly with the message', () => {
  const cases: [string, (n: number) => string][] = [
    // every part without a blank line used to search on to the end of the message for one
    [
      'parts without a blank line',
      (n) =>
        `${head}Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\nX-A: 1\r\n'.repeat(n)}--b--\r\n`,
    ],
    [
      'tiny normal parts (LF only)',
      (n) =>
        `${head}Content-Type: multipart/mixed; boundary=b\n\n${'--b\nContent-Type: text/plain\n\nx\n'.repeat(n)}--b--\n`,
    ],
    // sibling multiparts whose boundary only occurs at the very end: each used to be searched for to the end
    [
      'boundaries that only occur at the end',
      (n) =>
        `${head}Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\nx\r\n'.repeat(n)}--b--\r\n--zz\r\n`,
    ],
    ['a folded header of many lines', (n) => `${head}X-Long: a\r\n${' b\r\n'.repeat(n)}\r\nbody\r\n`],
  ];
  for (const [name, make] of cases)
    it(name, () => {
      const n = 900; // below MAX_PARTS at 2n too, so every part is really read
      expect(2 * n).toBeLessThan(MAX_PARTS);
      expectLinear(
        work(mimeWork, (k) => parseMime(make(k)), n),
        make(n).length,
      );
    });
});

describe('HTML → text: work grows linearly with the body', () => {
  const cases: [string, (n: number) => string][] = [
    ['unclosed "<a "', (n) => '<a '.repeat(n)],
    ['unclosed "<script x>"', (n) => '<script x>'.repeat(n)],
    ['unclosed "<style" and "<title"', (n) => '<style <title '.repeat(n)],
    ['unclosed comments', (n) => 'x<!-- '.repeat(n)],
    ['unclosed <li and <td', (n) => '<li <td <th '.repeat(n)],
    ['one script closed only at the end', (n) => `${'<script>x'.repeat(n)}</script>`],
    ['long runs of spaces without a line break', (n) => `${' \u00a0\t'.repeat(n)}x`],
    ['the single-line hostile mix', (n) => singleLineHtml(n * 10).toString('utf8')],
  ];
  for (const [name, make] of cases)
    it(name, () => {
      const n = 20_000;
      expectLinear(
        work(htmlWork, (k) => htmlToText(make(k)), n),
        make(n).length,
      );
    });

  it('still converts what is there', () => {
    expect(htmlToText(`${'<a '.repeat(1000)}>after`)).toBe('after');
    // unclosed script blocks stay text to the tag remover, which takes them as tags
    expect(htmlToText(`<p>keep</p>${'<script x>'.repeat(1000)}<p>and this</p>`)).toBe('keep\nand this');
    expect(htmlToText(`${' '.repeat(10_000)}x\n`)).toBe('x');
    const t = htmlToText(singleLineHtml(200_000).toString('utf8'));
    expect(t).toContain('Nabídka & poptávka č. 1');
    expect(t).toContain('• položka');
  });
});

describe('MIME reader: hostile structure gives the right result, memory bounded by the caps', () => {
  it(`10 000 parts: the first ${MAX_PARTS} are read, the rest named as not read`, () => {
    const p = parseMime(manyParts(10_000));
    expect(count(p.root)).toBe(MAX_PARTS);
    expect(p.text).toBe('x');
    expect(p.limits).toEqual([`more than ${MAX_PARTS} MIME parts: the rest were not read`]);
    // an ordinary message has no limit note
    expect(parseMime(manyParts(10)).limits).toEqual([]);
    expect(count(parseMime(manyParts(10)).root)).toBe(11);
  });

  it(`nesting is read to ${MAX_DEPTH} levels; deeper is named as not read`, () => {
    const ok = parseMime(deepNesting(MAX_DEPTH - 2));
    expect(ok.text).toBe('innermost');
    expect(ok.limits).toEqual([]);
    const deep = parseMime(deepNesting(500));
    expect(depthOf(deep.root)).toBe(MAX_DEPTH + 1);
    expect(deep.text).toBe('');
    expect(deep.limits).toEqual([
      `multipart nesting deeper than ${MAX_DEPTH} levels: the inner parts were not read`,
    ]);
  });

  it('a huge header: every address of a folded To, the long header intact, the body found', () => {
    const raw = hugeHeader(400_000);
    const p = parseMime(raw);
    const n = (raw.toString('latin1').match(/jan\.novak@example\.cz/g) ?? []).length;
    expect(n).toBeGreaterThan(3000);
    expect(p.to).toHaveLength(n);
    expect(p.to[0]).toEqual({ address: 'jan.novak@example.cz', name: 'Novák, Jan' });
    expect(p.headers['x-junk']).toHaveLength(200_000);
    expect(p.text).toBe('body');
    // unmatched "<" and "(" (each used to be rescanned to the end): read as one address, as before
    const angles = parseAddressList(`${'<'.repeat(50_000)} a@b.cz`);
    expect(angles.length === 1 && angles[0]?.address === `${'<'.repeat(50_000)}a@b.cz`).toBe(true);
    expect(parseAddressList(`${'('.repeat(50_000)}a@b.cz`)).toEqual([
      { address: `${'('.repeat(50_000)}a@b.cz` },
    ]);
  });

  it('thousands of adjacent encoded words of one charset decode as one run', () => {
    const s = '=?utf-8?B?w6HDqcOtw7PDug==?= '.repeat(20_000);
    const out = decodeEncodedWords(s);
    expect(out.length).toBe(5 * 20_000 + 1); // the space after the last word stays
    expect(out === `${'áéíóú'.repeat(20_000)} `).toBe(true);
  });

  it('a 2 MB multipart: its parts, attachments and body', () => {
    const p = parseMime(bigMultipart(2 * 1024 * 1024));
    expect(p.text).toBe('Dobrý den, posílám podklady.');
    expect(p.attachments.length).toBeGreaterThan(20);
    expect(p.attachments.filter((a) => a.name.endsWith('.bin')).every((a) => a.size === 48 * 1024)).toBe(
      true,
    );
    expect(p.limits).toEqual([]);
  });
});

describe('MIME reader: time budget', () => {
  it('stops with MimeBudgetError once the (fake) clock passes the budget, checked per part', () => {
    // a fake clock: 10 ms per check, and a part costs one check
    let t = 0;
    const clock = () => {
      t += 10;
      return t;
    };
    let err: unknown;
    try {
      parseMime(manyParts(1000), { budgetMs: 5000, clock });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MimeBudgetError);
    expect((err as MimeBudgetError).budgetMs).toBe(5000);
    expect((err as MimeBudgetError).elapsedMs).toBeGreaterThan(5000);
    expect(t).toBeLessThan(5100); // stopped right after the budget, not at the end of the message
    // a small message stays within it; without a budget the clock is not even asked
    t = 0;
    expect(parseMime(manyParts(10), { budgetMs: 5000, clock }).text).toBe('x');
    let asked = 0;
    parseMime(manyParts(10), { clock: () => ++asked });
    expect(asked).toBe(0);
  });
});

describe('same results as the quadratic code it replaced (outputs recorded from it)', () => {
  const html: [string, string][] = [
    ['<!-- a --><p>x</p><!-- unclosed', 'x\n<!-- unclosed'],
    ['<script>1</script >b<SCRIPT x>c</script\n>d', 'bd'],
    ['<scripts>keep</scripts>', 'keep'],
    ['<header>h</header><head><title>t</title></head>body', 'hbody'],
    ['<style <title x</style>y', 'y'],
    ['<br/>a<BR >b<br \n/>c', 'a\nb\nc'],
    ['<li>one<li class=x>two<lix>three', '\u2022 one\u2022 twothree'],
    ['<td>a<th>b<tdx>c', 'a\tbc'],
    ['<>x<<y>z', '<>xz'],
    ['a <b>b</b> &amp; &#x41; &#0; &nbsp;&bogus; &#65;', 'a b & A &#0; &bogus; A'],
    ['a  \u00a0\t\nb   c\n\n\n\nd \t', 'a\nb c\n\nd'],
    ['<a href="x">link</a> <a unclosed', 'link <a unclosed'],
    ['x<!-->y-->z', 'xz'],
    ['<script>a<!-- </script> -->b', 'ab'],
    ['</p></ p></div ></TABLE>', ''],
    ['\r\n<p>a</p>\r\n\r\n\r\n<p>b</p>', 'a\n\nb'],
    ['<title>t</title<title>u</title>v', 'v'],
    ['<li <td <th x', '<li <td <th x'],
    ['a\u2028b<br>', 'a\u2028b'],
    ['<head>unclosed <p>text</p>', 'unclosed text'],
  ];
  it.each(html)('htmlToText(%j)', (input, expected) => {
    expect(htmlToText(input)).toBe(expected);
  });
  const addresses: [string, unknown][] = [
    ['"A, B" <a@b.cz>, c@d.cz', [{ address: 'a@b.cz', name: 'A, B' }, { address: 'c@d.cz' }]],
    ['x (y) <z@w.cz>', [{ address: 'z@w.cz', name: 'x (y)' }]],
    ['g: a@b.c, d@e.f;', [{ address: 'a@b.c' }, { address: 'd@e.f' }]],
    ['<<a@b', [{ address: '<<a@b' }]],
    ['(a) b@c.d (e', [{ address: 'b@c.d(e', name: 'a' }]],
    ['a@b (c', [{ address: 'a@b(c' }]],
    ['"Q \\" q" <q@q.cz>', [{ address: 'q@q.cz', name: 'Q " q' }]],
    ['mailto:M@X.CZ', [{ address: 'M@X.CZ' }]],
    ['n: <a@b.c>', [{ address: 'a@b.c' }]],
    ['a:b@c.d', [{ address: 'b@c.d' }]],
    ['"x:y" <z@w>', [{ address: 'z@w', name: 'x:y' }]],
    ['=?utf-8?Q?=C3=A1?= <a@b.cz>', [{ address: 'a@b.cz', name: '\u00e1' }]],
    ['a@b\r(c)', [{ address: 'a@b', name: 'c' }]],
    ['x\r<y@z>', [{ address: 'x<y@z>' }]],
  ];
  it.each(addresses)('parseAddressList(%j)', (input, expected) => {
    expect(parseAddressList(input)).toEqual(expected);
  });
});

describe('MIME structure: same byte ranges as the code it replaced (recorded from it)', () => {
  // [start, bodyStart, end, content type, children?] per part
  const tree = (p: MimePart): unknown[] => [
    p.start,
    p.bodyStart,
    p.end,
    p.contentType,
    ...(p.children.length ? [p.children.map(tree)] : []),
  ];
  const cases: [string, unknown[], string][] = [
    [
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-A: 1\r\n\r\n--b--\r\n',
      [0, 45, 67, 'multipart/mixed', [[50, 58, 58, 'text/plain']] /* body clamped to the part (was 60) */],
      '',
    ],
    [
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nX: 1\n--b--\n',
      [
        0,
        43,
        91,
        'multipart/mixed',
        [
          [47, 73, 75, 'text/plain'],
          [80, 84, 84, 'text/plain'],
        ],
      ],
      'hi',
    ],
    [
      'Content-Type: multipart/mixed; boundary=b\r\n\r\npre --b\r\n--b\r\n\r\nno headers\r\n--b \r\nX: 2\r\n\r\nx',
      [
        0,
        45,
        88,
        'multipart/mixed',
        [
          [59, 61, 71, 'text/plain'],
          [79, 87, 88, 'text/plain'],
        ],
      ],
      'no headers',
    ],
    [
      'Content-Type: multipart/alternative; boundary="c"\r\n\r\n--c\r\nContent-Type: text/html\r\n\r\n<p>a</p>\r\n--c\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c--\r\n',
      [
        0,
        53,
        152,
        'multipart/alternative',
        [
          [58, 85, 93, 'text/html'],
          [100, 143, 143, 'multipart/mixed'], // body clamped to the part (was 145: after its end)
        ],
      ],
      'a',
    ],
    ['Subject: x\r\n\r\n', [0, 14, 14, 'text/plain'], ''],
    ['Subject: x\n\r\n\r\nbody', [0, 15, 19, 'text/plain'], 'body'],
    ['X: 1\r\n\n\r\nbody', [0, 7, 13, 'text/plain'], '\nbody'],
    [
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n   spaced   \r\n\r\n--b--',
      [0, 45, 99, 'multipart/mixed', [[50, 78, 92, 'text/plain']]],
      '   spaced',
    ],
  ];
  it('an empty attachment has size 0 (not -2: its body used to start after the part)', () => {
    const p = parseMime(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf; name=e.pdf\r\n\r\n--b--\r\n',
    );
    expect(p.attachments.map((a) => [a.name, a.size])).toEqual([['e.pdf', 0]]);
  });
  it.each(cases)('parseMime(%j)', (raw, expected, text) => {
    const p = parseMime(raw);
    expect(tree(p.root)).toEqual(expected);
    expect(p.text).toBe(text);
  });
});
