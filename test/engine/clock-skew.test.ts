/**
 * Changes lost to clock skew (security review, faults probe S2: after the ABRA server's clock was set back 10
 * minutes a firm rename never reached Outlook). The ABRA emulator's clock is fixed and stepped back; writes made by
 * an ABRA user then carry stamps before the engine's high-water mark.
 * - a step back is caught by the periodic full comparison (`safety.abraFullCompareHours`, default a day); the
 *   changed-since overlap stays at the client's 5 s (a larger one re-reads activities created from Outlook, whose
 *   stored hash does not match ABRA's second-truncated times — see docs/sync-engine.md).
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
  it('10 minutes back (the review probe): the rename reaches Outlook at the latest with the next full comparison', async () => {
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
    w.later(24 * 3_600_000);
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    expect(w.names()).toContain('Přejmenovaná firma s.r.o.');
    await w.s.stop();
  });

  it('3 hours back: missed by the incremental read, found by the full comparison a day later', async () => {
    abra.control.clock.set(new Date(Date.parse(T0) + 3_600_000));
    const w = await world('skew3h');
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    const firm = abra.control.list('firms').filter((f) => !f.hidden)[1]!;
    abra.control.clock.set(new Date(Date.parse(T0) - 2 * 3_600_000));
    abra.control.update('firms', String(firm.id), { name: 'Firma po skoku hodin a.s.' });
    w.later(15 * 60_000);
    await w.s.syncNow('addressBook');
    expect(w.names()).not.toContain('Firma po skoku hodin a.s.'); // stamped 3 h before the mark: not read
    w.later(24 * 3_600_000);
    expect((await w.s.syncNow('addressBook'))[0]?.result).toBe('ok');
    expect(w.names()).toContain('Firma po skoku hodin a.s.');
    await w.s.stop();
  });
});
