/**
 * Changes lost to clock skew (security review, faults probe S2: after the ABRA server's clock was set back 10
 * minutes a firm rename never reached Outlook). The ABRA emulator's clock is fixed and stepped back; writes made by
 * an ABRA user then carry stamps before the engine's high-water mark. The emulator's answers carry its clock in the
 * `Date` header (RFC 9110 §6.6.1), as a real server's do.
 * - a step back is seen in the server's `Date` header (behind the mark): the changed-since read starts from the
 *   server's clock and the mark follows it, so the change arrives with the next run, however large the step;
 * - what the header cannot show (a row stamped before the mark and committed late, or a clock set back and forward
 *   again between two runs) is caught by the 15-minute overlap or, beyond it, by the periodic full comparison
 *   (`safety.abraFullCompareHours`, default a day).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src-main/sync/config';
import { SyncService } from '../../src-main/sync/service';
import { abraClientFor, abraPortOf } from '../../src-main/wiring';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';
import { FakeExchange } from './fakes';

let abra: AbraEmulator;
const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-skew-'));
const T0 = '2026-03-02T09:00:00.000Z';
beforeAll(async () => {
  abra = await startAbraEmulator({ seed: 5, size: 'small', now: T0 });
});
afterAll(async () => {
  await abra?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function world(sub: string) {
  const config = parseConfig({
    profile: sub,
    abra: { serverUrl: abra.url.replace(/\/[^/]+$/, ''), connection: abra.connection, login: abra.user },
    exchange: { email: 'jan.novak@firma.cz', ewsUrl: 'https://127.0.0.1:1/EWS/Exchange.asmx' },
    parts: { addressBook: { enabled: true } },
  });
  const exchange = new FakeExchange();
  let now = new Date('2026-03-02T09:00:00.000Z').getTime();
  const secrets = { get: async () => abra.password };
  const s = new SyncService({
    config,
    secrets,
    dataDir: path.join(dir, sub),
    now: () => new Date(now),
    connect: async (c, sec) => ({
      abra: abraPortOf(await abraClientFor(c, sec, { retryBaseMs: 1, maxRetries: 1, timeoutMs: 5000 })),
      exchange,
    }),
  });
  const names = () =>
    [...exchange.items.values()].map((x) =>
      String((x.item as { data?: { companyName?: string } }).data?.companyName ?? ''),
    );
  return { s, exchange, names, later: (ms: number) => (now += ms) };
}

describe('ABRA clock stepped back', () => {
  it('10 minutes back (the review probe): the rename reaches Outlook with the next run', async () => {
    abra.control.clock.set(T0);
    const w = await world('skew10');
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    const firm = abra.control.list('firms').find((f) => !f.hidden)!;
    abra.control.clock.set(new Date(Date.parse(T0) + 60_000)); // a write a minute later sets the mark
    abra.control.update('firms', String(firm.id), { name: `${firm.name} (touched)` });
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    abra.control.clock.set(new Date(Date.parse(T0) - 9 * 60_000)); // the server clock steps back 10 min
    abra.control.update('firms', String(firm.id), { name: 'Přejmenovaná firma s.r.o.' });
    w.later(60_000);
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    expect(w.names()).toContain('Přejmenovaná firma s.r.o.');
    await w.s.stop();
  });

  it('3 hours back: the server clock behind the mark is seen in its Date header, the next incremental read finds the change', async () => {
    abra.control.clock.set(new Date(Date.parse(T0) + 3_600_000));
    const w = await world('skew3h');
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    const firm = abra.control.list('firms').filter((f) => !f.hidden)[1]!;
    abra.control.clock.set(new Date(Date.parse(T0) - 2 * 3_600_000));
    abra.control.update('firms', String(firm.id), { name: 'Firma po skoku hodin a.s.' });
    w.later(15 * 60_000);
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    expect(w.names()).toContain('Firma po skoku hodin a.s.');
    // the mark followed the server's clock back: a rename a little later (still before the old mark) is read too
    abra.control.clock.set(new Date(Date.parse(T0) - 2 * 3_600_000 + 30 * 60_000));
    abra.control.update('firms', String(firm.id), { name: 'Firma po skoku hodin II a.s.' });
    w.later(15 * 60_000);
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    expect(w.names()).toContain('Firma po skoku hodin II a.s.');
    await w.s.stop();
  });

  it('set back 3 hours and forward again between two runs (the header cannot show it): found by the full comparison a day later', async () => {
    abra.control.clock.set(new Date(Date.parse(T0) + 5 * 3_600_000));
    const w = await world('skewback');
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    const firm = abra.control.list('firms').filter((f) => !f.hidden)[2]!;
    abra.control.update('firms', String(firm.id), { name: `${firm.name} (touched)` }); // sets the mark at T0+5 h
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    abra.control.clock.set(new Date(Date.parse(T0) + 2 * 3_600_000));
    abra.control.update('firms', String(firm.id), { name: 'Firma mezi skoky a.s.' });
    abra.control.clock.set(new Date(Date.parse(T0) + 5 * 3_600_000 + 15 * 60_000));
    w.later(15 * 60_000);
    await w.s.syncNow('addressBook');
    expect(w.names()).not.toContain('Firma mezi skoky a.s.'); // stamped 3 h before the mark: not read
    w.later(24 * 3_600_000);
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    expect(w.names()).toContain('Firma mezi skoky a.s.');
    await w.s.stop();
  });
});
