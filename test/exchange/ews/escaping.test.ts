/**
 * Issue #12: text from ABRA goes into EWS SOAP escaped exactly once, at the one place ews-javascript-api writes
 * values (./src-main/exchange/ews/ews-lib.ts patches EwsServiceXmlWriter). Before, `Novák & syn s.r.o.`,
 * `Cena < 1000 Kč` or a pasted control character made the request not well-formed XML (Exchange refuses such a
 * request as a whole: every item of the batch failed, on every run), and a crafted subject injected a second item.
 *
 * Everything goes through the real backend and library to the EWS emulator over HTTP; the emulator parses the
 * received bytes strictly (XML 1.0) and validates them against Microsoft's schema where ../shared and xmllint exist,
 * as Exchange does ("The request failed schema validation", ErrorSchemaValidation:
 * https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode).
 * Characters XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets: C0 controls but TAB/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF) cannot be sent at all, even as references: they are removed and the item's result says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import { ews } from '../../../src-main/exchange/ews/ews-lib';
import { stripXmlForbidden, xmlAttr, xmlText } from '../../../src-main/exchange/ews/xml-text';
import type {
  AppointmentData,
  CalendarEvent,
  FolderRef,
  WriteResult,
} from '../../../src-main/exchange/types';
import { tr } from '../../../src-main/shared/messages';
import { type EwsEmulator, startEwsEmulator } from '../../emulators/ews/index';
import { checkWellFormed } from '../../emulators/ews/wellformed';

const C0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
/** What XML can carry of C0: TAB, LF, CR. */
const C0_KEPT = '\t\n\r';
const INJECTION =
  'Porada</t:Subject></t:CalendarItem><t:CalendarItem><t:Subject>INJECTED: pay to CZ65 0800 0000 1920 0014 5399';

function backendFor(emu: EwsEmulator, sent?: string[]): EwsBackend {
  return new EwsBackend(
    { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
    { password: emu.password },
    {
      transport: { baseDelayMs: 5, maxBackoffMs: 5_000, maxRetries: 4 },
      ...(sent ? { xhr: spy(sent) } : {}),
    },
  );
}

/** An XhrApi that records the bodies it sends (the library's real one underneath). */
function spy(sent: string[]) {
  // biome-ignore lint/suspicious/noExplicitAny: the library's XHR interface is untyped
  const { XhrApi } = require('@ewsjs/xhr') as { XhrApi: new (o: unknown) => any };
  const real = new XhrApi({ timeout: 30_000 });
  return {
    xhr: (o: { data?: unknown }, p?: unknown) => {
      if (typeof o.data === 'string') sent.push(o.data);
      return real.xhr(o, p);
    },
    xhrStream: (o: unknown, p: unknown) => real.xhrStream(o, p),
    disconnect: () => real.disconnect(),
    apiName: 'spy',
  };
}

const ok = (r: WriteResult | undefined) => {
  if (!r?.ok) throw new Error(`write failed: ${r && !r.ok ? r.error.message : 'no result'}`);
  return r;
};

describe('XML text for EWS requests (unit)', () => {
  it('escapes & < > in text and also " TAB LF CR in attributes; CR survives as a reference', () => {
    expect(xmlText(`a & b < c > d "e" 'f' ]]>`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f' ]]&gt;`);
    expect(xmlAttr(`a&b<c>"d"'e'\tf\ng\rh`)).toBe(`a&amp;b&lt;c&gt;&quot;d&quot;'e'&#9;f&#10;g&#13;h`);
    expect(xmlText('line1\r\nline2')).toBe('line1&#13;\nline2');
  });

  it('removes every C0 control but TAB/LF/CR, lone surrogates and U+FFFE/U+FFFF; keeps pairs (emoji)', () => {
    expect(stripXmlForbidden(C0)).toEqual({ text: C0_KEPT, removed: 29 });
    expect(stripXmlForbidden('a\uD800b\uDC00c\uFFFEd\uFFFF😀')).toEqual({ text: 'abcd😀', removed: 4 });
    expect(stripXmlForbidden('Novák & syn s.r.o.')).toEqual({ text: 'Novák & syn s.r.o.', removed: 0 });
  });

  it('the library in use writes through the escaping writer, exactly once (no &amp;amp;)', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the library's internal writer
    const W = (ews as any).EwsServiceXmlWriter;
    const w = new W({});
    w.WriteStartElement(ews.XmlNamespace.Types, 'Subject');
    w.WriteAttributeValue('Name', 'A & "B"');
    w.WriteValue('Novák & syn <s.r.o.> \u0001', 'Subject');
    w.WriteEndElement();
    const xml = w.GetXML();
    expect(xml).toContain('Name="A &amp; &quot;B&quot;"');
    expect(xml).toContain('>Novák &amp; syn &lt;s.r.o.&gt; </t:Subject>');
    expect(xml).not.toContain('&amp;amp;');
    expect(checkWellFormed(xml)).toBeNull();
  });
});

describe('EWS backend → emulator: hostile text arrives as sent, batches line up', () => {
  let emu: EwsEmulator;
  let b: EwsBackend;
  let sent: string[];

  beforeAll(async () => {
    emu = await startEwsEmulator({ size: 'empty' });
  });
  afterAll(async () => {
    await emu.stop();
  });
  beforeEach(() => {
    emu.faults.clear();
    sent = [];
    b = backendFor(emu, sent);
  });

  it('calendar: & < > " \', every C0 control, lone surrogates, the injection string and a 1 MB body in ONE batch', async () => {
    const cal = await b.getFolder('calendar');
    const before = emu.control.list(cal.id).length;
    const start = '2026-12-10T08:00:00.000Z';
    const end = '2026-12-10T09:00:00.000Z';
    const big = `${'Řádek s & a < a > a "uvozovky" a \'apostrof\'\r\n'.repeat(23_000)}konec`;
    expect(big.length).toBeGreaterThan(1_000_000);
    const subjects = [
      `Schůzka Novák & syn s.r.o. <Cena < 1000 Kč> "nabídka" 'B'`,
      `C0:${C0}:end`,
      'lone \uD800 high, lone \uDC00 low, \uFFFE and \uFFFF, pair 😀',
      INJECTION,
      'innocent batch-mate',
      'the big one',
    ];
    const reqs = subjects.map((subject, i) => ({
      abraId: `ESC-${i}`,
      data: {
        subject,
        start,
        end,
        location: `Místnost "A" & <B>`,
        ...(i === 5 ? { body: big } : { body: `Poznámka: ${subject}` }),
      } satisfies AppointmentData,
    }));
    const res = await b.createItems(cal, reqs);
    // one result per request, all written, every id different
    expect(res).toHaveLength(subjects.length);
    const ids = res.map((r) => ok(r).id);
    expect(new Set(ids).size).toBe(subjects.length);
    // no extra item: exactly the requests were stored
    expect(emu.control.list(cal.id).length - before).toBe(subjects.length);
    // the request the library sent was well-formed (and the emulator accepted it, schema-checked)
    const create = sent.find((x) => x.includes('CreateItem'));
    expect(create && checkWellFormed(create)).toBeNull();
    expect(
      emu.log
        .entries()
        .filter((e) => e.operation === 'CreateItem')
        .map((e) => e.status),
    ).toEqual([200]);
    // each result points at the item made from its own request, which holds the text sent (minus forbidden chars)
    subjects.forEach((s, i) => {
      const it = emu.control.get(ids[i] ?? '');
      const expected = stripXmlForbidden(s).text;
      expect(it?.fields.Subject).toBe(expected);
      expect(it?.extended[`c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/AbraId`]).toBe(`ESC-${i}`);
      expect(it?.fields.Location).toBe(`Místnost "A" & <B>`);
      expect(it?.fields.Body).toBe(i === 5 ? big : `Poznámka: ${expected}`);
    });
    expect(emu.control.list(cal.id).some((x) => x.fields.Subject?.startsWith('INJECTED'))).toBe(false);
    // the items that lost characters say so, in both languages; the others carry no note
    const removedC0 = 29 * 2; // subject and body
    expect(ok(res[1]).note).toEqual({ key: 'run.xmlCharsRemoved', params: { count: removedC0 } });
    expect(ok(res[2]).note).toEqual({ key: 'run.xmlCharsRemoved', params: { count: 8 } });
    for (const i of [0, 3, 4, 5]) expect(ok(res[i]).note).toBeUndefined();
    const n = ok(res[1]).note;
    expect(n && tr('en', n.key, n.params)).toContain(`${removedC0} characters`);
    expect(n && tr('cs', n.key, n.params)).toContain(`${removedC0} znaků`);
    // and the backend reads back what it wrote (the emulator answers a stored CR literally, and an XML parser reads
    // a literal CR as LF, XML 1.0 §2.11; what Exchange itself writes for CR is not known)
    const back = await b.getItems<CalendarEvent>(cal, ids);
    const subjectOf = new Map(back.map((e) => [e.id, e.data.subject]));
    expect(ids.map((id) => subjectOf.get(id))).toEqual(
      subjects.map((s) => stripXmlForbidden(s).text.replace(/\r\n?/g, '\n')),
    );
  }, 120_000);

  it('contacts: a firm "Novák & syn s.r.o." and a name with quotes; updates escape too; AbraId stamp with & " <', async () => {
    const folder = await b.getFolder('contacts');
    const stamp = `F&1<"x">'y'`;
    const res = await b.createItems(folder, [
      { abraId: stamp, data: { displayName: 'Novák & syn s.r.o.', companyName: 'Novák & syn s.r.o.' } },
      {
        abraId: 'P-2',
        data: { displayName: 'Jan "Honza" <Novák>', givenName: 'Jan', surname: "O'Brien & Co" },
      },
    ]);
    const [a, p] = res.map(ok);
    expect(emu.control.get(a?.id ?? '')?.fields.CompanyName).toBe('Novák & syn s.r.o.');
    expect(emu.control.get(a?.id ?? '')?.extended[`c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/AbraId`]).toBe(stamp);
    expect(emu.control.get(p?.id ?? '')?.fields.Surname).toBe("O'Brien & Co");
    // found again by the stamp (the restriction's attribute value is escaped too)
    const found = await b.findByAbraIds(folder, [stamp]);
    expect(found.map((f) => f.id)).toEqual([a?.id]);
    const up = await b.updateItems(folder, [
      {
        id: a?.id ?? '',
        changeKey: a?.changeKey ?? '',
        data: { displayName: 'A < B', companyName: 'A\u000bB & C' },
      },
    ]);
    expect(ok(up[0]).note).toEqual({ key: 'run.xmlCharsRemoved', params: { count: 1 } });
    expect(emu.control.get(a?.id ?? '')?.fields.CompanyName).toBe('AB & C');
    expect(emu.control.get(a?.id ?? '')?.fields.DisplayName).toBe('A < B');
  });

  it('tasks: subject and body with markup arrive as text', async () => {
    const folder = await b.getFolder('tasks');
    const subject = `Úkol <b>tučně</b> & "jinak" ${INJECTION}`;
    const [r] = await b.createItems(folder, [
      { abraId: 'T-1', data: { subject, status: 'NotStarted', body: '<script>alert(1)</script> & co' } },
    ]);
    const it = emu.control.get(ok(r).id);
    expect(it?.fields.Subject).toBe(subject);
    expect(it?.fields.Body).toBe('<script>alert(1)</script> & co');
    expect(emu.control.list(folder.id)).toHaveLength(1);
  });

  it('a mail folder whose name has & " < > is found by name (FindFolder restriction value escaped)', async () => {
    const name = `Zákazníci & "VIP" <2026>`;
    const id = emu.control.createFolder('inbox', name);
    const f: FolderRef = await b.getFolder('mail', `Inbox/${name}`);
    expect(f.id).toBe(id);
  });
});
