/**
 * The changed-since cursor against the ABRA server's own clock (issue 15 item 5: after the ABRA clock was set back
 * 10 minutes a firm rename never reached Outlook). The server's clock is read from the `Date` header of its answers
 * (RFC 9110 §6.6.1 "Date": an origin server with a clock MUST send it; https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1);
 * a server that sends none leaves the mark to the stamps in the data.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbraClient, CHANGED_SINCE_OVERLAP_MS } from '../../src-main/abra/client';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra/index';

describe('ABRA emulator: Date header (RFC 9110 §6.6.1)', () => {
  let emu: AbraEmulator;
  beforeAll(async () => {
    emu = await startAbraEmulator({
      seed: 3,
      size: 'small',
      personAuditDates: true,
      now: '2026-03-02T09:00:00.000Z',
    });
  });
  afterAll(() => emu.stop());

  it("every answer carries the emulator's clock, also when it is set back", async () => {
    const auth = `Basic ${Buffer.from(`${emu.user}:${emu.password}`).toString('base64')}`;
    const date = async () =>
      (await fetch(`${emu.url}/currentuser`, { headers: { authorization: auth } })).headers.get('date');
    expect(await date()).toBe('Mon, 02 Mar 2026 09:00:00 GMT');
    emu.control.clock.set('2026-03-02T08:50:00.000Z');
    expect(await date()).toBe('Mon, 02 Mar 2026 08:50:00 GMT');
    // errors too
    const bad = await fetch(`${emu.url}/nosuchcollection`, { headers: { authorization: auth } });
    expect(bad.headers.get('date')).toBe('Mon, 02 Mar 2026 08:50:00 GMT');
  });

  it('a row written after the server clock was set back below the mark is read; the mark follows the clock back', async () => {
    emu.control.clock.set('2026-03-02T10:00:00.000Z');
    const c = new AbraClient({ baseUrl: emu.url, login: emu.user, password: emu.password, retryBaseMs: 1 });
    const first = await c.changedSince('persons', null);
    const someone = first.rows[0]!;
    emu.control.update('persons', someone.id, { note: 'a mark at 10:00' });
    const marked = await c.changedSince('persons', first.highWater);
    expect(marked.highWater).toBe('2026-03-02T10:00:00.000Z');
    // the clock is set back 2 hours; a user edits another person
    emu.control.clock.set('2026-03-02T08:00:00.000Z');
    const other = first.rows[1]!;
    emu.control.update('persons', other.id, { note: 'after the step back' });
    emu.control.clock.set('2026-03-02T08:05:00.000Z');
    const next = await c.changedSince('persons', marked.highWater);
    expect(next.rows.map((r) => r.id)).toContain(other.id);
    // the rows stamped 10:00 (before the step) are read again too; their stamps do not hold the mark ahead of the clock
    expect(next.highWater).toBe('2026-03-02T08:05:00.000Z');
    // nothing new: the mark is pulled back to the server's clock (not left 2 hours ahead of it)
    emu.control.clock.set('2026-03-02T08:20:00.000Z');
    const quiet = await c.changedSince('persons', '2026-03-02T10:00:00.000Z');
    expect(quiet.highWater).toBe('2026-03-02T08:20:00.000Z');
  });
});

describe('changed-since against a plain server', () => {
  let server: http.Server;
  let base = '';
  let dateHeader: string | null = null;
  const wheres: string[] = [];
  const rows = [
    {
      ID: 'P100000101',
      ObjVersion: 2,
      CreatedAt$DATE: '2026-03-02T07:00:00.000Z',
      CorrectedAt$DATE: '2026-03-02T09:59:30.000Z',
    },
  ];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      wheres.push(new URL(req.url ?? '/', 'http://x').searchParams.get('where') ?? '');
      res.sendDate = false;
      const h: Record<string, string> = { 'content-type': 'application/json' };
      if (dateHeader) h.date = dateHeader;
      res.writeHead(200, h);
      res.end(JSON.stringify(rows));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/demo`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const client = () => new AbraClient({ baseUrl: base, login: 'API', password: 'x', retryBaseMs: 1 });

  it('the default overlap is 15 minutes', async () => {
    wheres.length = 0;
    dateHeader = 'Mon, 02 Mar 2026 10:00:05 GMT';
    await client().changedSince('persons', '2026-03-02T10:00:00.000Z');
    expect(CHANGED_SINCE_OVERLAP_MS).toBe(15 * 60_000);
    expect(wheres).toHaveLength(1);
    expect(wheres[0]).toContain("createdat$date gt timestamp'2026-03-02T09:45:00.000Z'");
    expect(wheres[0]).toContain("correctedat$date gt timestamp'2026-03-02T09:45:00.000Z'");
  });

  it('no Date header: one read, the mark comes from the stamps', async () => {
    wheres.length = 0;
    dateHeader = null;
    const r = await client().changedSince('persons', '2026-03-02T12:00:00.000Z');
    expect(wheres).toHaveLength(1);
    expect(r.highWater).toBe('2026-03-02T09:59:30.000Z');
  });

  it('a Date behind the mark: read again from the server clock; a stamp ahead of the clock does not hold the mark', async () => {
    wheres.length = 0;
    dateHeader = 'Mon, 02 Mar 2026 09:30:00 GMT';
    const r = await client().changedSince('persons', '2026-03-02T12:00:00.000Z');
    expect(wheres).toHaveLength(2);
    expect(wheres[1]).toContain("gt timestamp'2026-03-02T09:15:00.000Z'");
    expect(r.highWater).toBe('2026-03-02T09:30:00.000Z');
  });
});
