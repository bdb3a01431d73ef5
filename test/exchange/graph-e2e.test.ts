/**
 * The engine with the app's own wiring (SyncService + connect) against the ABRA emulator and the Graph emulator:
 * config `exchange.kind = 'graph'`, the access token handed over as the `graphTokenCache` secret. The scenarios
 * mirror test/e2e/ews.test.ts through the same OutlookActor interface.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-main/sync/api';
import { type PartName, parseConfig, type SecretSource, type SyncConfig } from '../../src-main/sync/config';
import { SyncService } from '../../src-main/sync/service';
import { connect } from '../../src-main/wiring';
import type { OutlookActor } from '../e2e/harness';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';
import { graphActor } from '../emulators/graph/actor';
import { type GraphEmulator, startGraphEmulator } from '../emulators/graph/index';

const DAY = 86400_000;
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

interface GWorld {
  abra: AbraEmulator;
  graph: GraphEmulator;
  outlook: OutlookActor;
  ids: Record<'sch' | 'ukol' | 'mail' | 'qSch' | 'qUko' | 'qEml' | 'me', string>;
  service(over?: (c: SyncConfig) => void): SyncService;
  run(s: SyncService, part?: PartName): Promise<Record<string, RunSummary>>;
  stop(): Promise<void>;
}

async function startGraphWorld(): Promise<GWorld> {
  const abra = await startAbraEmulator({ size: 'small', seed: 11 });
  const graph = await startGraphEmulator({ size: 'empty', seed: 11 });
  const c = abra.control;
  const code = (coll: string, k: string) => String(c.list(coll).find((x) => x.code === k)!.id);
  const ids = {
    sch: code('crmactivitytypes', 'SCH'),
    ukol: code('crmactivitytypes', 'UKOL'),
    mail: code('crmactivitytypes', 'MAIL'),
    qSch: code('crmactivityqueues', 'SCH'),
    qUko: code('crmactivityqueues', 'UKO'),
    qEml: code('crmactivityqueues', 'EML'),
    me: abra.currentUserId,
  };
  const config = parseConfig({
    abra: { serverUrl: abra.url.slice(0, abra.url.lastIndexOf('/')), connection: 'demo', login: abra.user },
    exchange: {
      kind: 'graph',
      email: graph.email,
      graphUrl: graph.url,
      authorityUrl: graph.authorityUrl,
      tenantId: graph.tenantId,
      clientId: graph.clientId,
    },
    parts: {
      addressBook: { enabled: true },
      calendar: {
        enabled: true,
        activityTypeIds: [ids.sch],
        newItemTypeId: ids.sch,
        newItemQueueId: ids.qSch,
      },
      tasks: {
        enabled: true,
        activityTypeIds: [ids.ukol],
        newItemTypeId: ids.ukol,
        newItemQueueId: ids.qUko,
      },
      mail: {
        enabled: true,
        activityTypeId: ids.mail,
        queueId: ids.qEml,
        startDate: new Date(Date.now() - 90 * DAY).toISOString().slice(0, 10),
        ownDomains: ['example.cz'],
      },
    },
  });
  const values: Record<string, string> = { abraPassword: abra.password, graphTokenCache: graph.token };
  const secrets: SecretSource = { get: async (n) => values[n] ?? null };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-graph-e2e-'));
  const services: SyncService[] = [];
  return {
    abra,
    graph,
    outlook: graphActor(graph),
    ids,
    service(over) {
      const cfg = structuredClone(config);
      over?.(cfg);
      const s = new SyncService({ config: cfg, secrets, dataDir, connect });
      services.push(s);
      return s;
    },
    async run(s, part) {
      const out: Record<string, RunSummary> = {};
      for (const x of await s.syncNow(part)) out[x.part] = x;
      return out;
    },
    async stop() {
      for (const s of services) await s.stop().catch(() => undefined);
      await graph.stop();
      await abra.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function writes(s: RunSummary | undefined): number {
  if (!s) return -1;
  const { abra, exchange } = s.counts;
  return abra.created + abra.updated + abra.deleted + exchange.created + exchange.updated + exchange.deleted;
}

function expectedContactIds(w: GWorld): string[] {
  const c = w.abra.control;
  const ids: string[] = [];
  for (const f of c.list('firms', 'firm_id = null and hidden = false')) {
    ids.push(String(f.id));
    for (const fp of (f.firmpersons as { person_id: string }[] | undefined) ?? []) {
      const p = c.get('persons', fp.person_id);
      if (p && p.hidden !== true) ids.push(`${f.id}:${p.id}`);
    }
  }
  return ids.sort();
}

const writesOnGraph = (g: GraphEmulator) =>
  g.log.entries().filter((e) => e.inBatch && e.method !== 'GET' && !e.path.startsWith('/me/contactFolders'))
    .length;

let w: GWorld;
beforeEach(async () => {
  w = await startGraphWorld();
});
afterEach(async () => {
  await w?.stop();
});

describe('end to end over the ABRA and Graph emulators', () => {
  it('first run fills every part; the next run with nothing changed writes nothing', async () => {
    const s = w.service();
    const first = await w.run(s);
    for (const p of ['addressBook', 'calendar', 'tasks', 'mail'])
      expect(first[p]?.result, `${p}: ${JSON.stringify(first[p])}`).toBe('ok');
    expect(
      w.outlook
        .contacts()
        .map((c) => c.abraId)
        .sort(),
    ).toEqual(expectedContactIds(w));
    const mine = w.abra.control
      .list('crmactivities', `activitytype_id = '${w.ids.sch}' and solveruser_id = '${w.ids.me}'`)
      .filter((a) => {
        const t = Date.parse(String(a['sheduledstart$date']));
        return t > Date.now() - 30 * DAY && t < Date.now() + 365 * DAY;
      });
    const stamped = new Set(w.outlook.appointments().map((a) => a.abraId));
    for (const a of mine) expect(stamped.has(String(a.id)), String(a.subject)).toBe(true);

    w.graph.log.reset();
    const second = await w.run(s);
    for (const p of ['addressBook', 'calendar', 'tasks', 'mail']) {
      expect(second[p]?.result, p).toBe('ok');
      expect(writes(second[p]), p).toBe(0);
    }
    expect(writesOnGraph(w.graph)).toBe(0);
    expect(w.graph.log.maxInFlight()).toBeLessThanOrEqual(4);
  });

  it('calendar both ways: Outlook meeting → ABRA; ABRA reschedule → Outlook; Outlook delete → ABRA delete', async () => {
    const s = w.service();
    await w.run(s, 'calendar');
    const start = at(3, 9);
    const id = w.outlook.createAppointment({ subject: 'Schůzka u zákazníka Kovo', start, end: at(3, 10) });
    const r1 = (await w.run(s, 'calendar')).calendar!;
    expect(r1.result).toBe('ok');
    expect(r1.counts.abra.created).toBe(1);
    const act = w.abra.control.list('crmactivities', `subject = 'Schůzka u zákazníka Kovo'`)[0]!;
    expect(act.activitytype_id).toBe(w.ids.sch);
    expect(Date.parse(String(act['sheduledstart$date']))).toBe(Date.parse(start));

    const later = at(4, 13);
    w.abra.control.update('crmactivities', String(act.id), {
      sheduledstart$date: later,
      sheduledend$date: at(4, 14),
    });
    const r2 = (await w.run(s, 'calendar')).calendar!;
    expect(r2.counts.exchange.updated).toBe(1);
    expect(w.outlook.appointments().find((x) => x.id === id)!.start).toBe(new Date(later).toISOString());

    w.outlook.remove(id);
    const r3 = (await w.run(s, 'calendar')).calendar!;
    expect(r3.counts.abra.deleted).toBe(1);
    expect(w.abra.control.get('crmactivities', String(act.id))).toBeUndefined();
  });

  it('a weekly series becomes one ABRA activity per occurrence; a cancelled occurrence deletes its activity only', async () => {
    const s = w.service();
    await w.run(s, 'calendar');
    const master = w.outlook.createAppointment({
      subject: 'Porada obchodu',
      start: at(1, 8),
      end: at(1, 9),
      weekly: { count: 4, day: '' },
    });
    await w.run(s, 'calendar');
    const acts = () => w.abra.control.list('crmactivities', `subject = 'Porada obchodu'`);
    expect(acts()).toHaveLength(4);
    w.outlook.deleteOccurrence(master, 2);
    const r = (await w.run(s, 'calendar')).calendar!;
    expect(r.counts.abra.deleted).toBe(1);
    expect(acts()).toHaveLength(3);
    // a cancellation reported by delta only as the removed occurrence: still only that one activity goes
    w.graph.control.cancelOccurrence(master, 3, { quiet: true });
    const r2 = (await w.run(s, 'calendar')).calendar!;
    expect(r2.counts.abra.deleted).toBe(1);
    expect(acts()).toHaveLength(2);
  });

  it('tasks both ways in the "ABRA Gen" To Do list', async () => {
    const s = w.service();
    await w.run(s, 'tasks');
    const id = w.outlook.createTask({ subject: 'Poslat nabídku Elektro' });
    const r = (await w.run(s, 'tasks')).tasks!;
    expect(r.result).toBe('ok');
    const act = w.abra.control.list('crmactivities', `subject = 'Poslat nabídku Elektro'`)[0]!;
    expect(act.activitytype_id).toBe(w.ids.ukol);
    w.outlook.edit(id, { subject: 'Poslat nabídku Elektro – hotovo', status: 'Completed' });
    const r2 = (await w.run(s, 'tasks')).tasks!;
    expect(r2.counts.abra.updated).toBe(1);
    expect(w.abra.control.get('crmactivities', String(act.id))?.subject).toBe(
      'Poslat nabídku Elektro – hotovo',
    );
  });

  it('e-mail from a firm is archived to that firm (MIME via $value)', async () => {
    const firm = w.abra.control
      .list('firms', 'firm_id = null and hidden = false')
      .find((f) => (f.electronicaddress_id as { email?: string } | null)?.email)!;
    const from = (firm.electronicaddress_id as { email: string }).email;
    const msgId = `<graph-e2e-${Date.now()}@${from.split('@')[1]}>`;
    const mime = [
      `From: Zákazník <${from}>`,
      `To: ${w.graph.email}`,
      'Subject: Poptávka ventilů',
      `Date: ${new Date(Date.now() - 3600_000).toUTCString()}`,
      `Message-ID: ${msgId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Dobrý den, posíláme poptávku.',
      '',
    ].join('\r\n');
    w.outlook.deliverMail(mime);
    const r = (await w.run(w.service(), 'mail')).mail!;
    expect(r.result).toBe('ok');
    const rec = w.abra.control.list('emailsreceiveds').find((e) => e.messageid === msgId)!;
    expect(rec).toBeDefined();
    expect(rec.firm_id).toBe(firm.id);
    expect(Buffer.from(String(rec.rawmessage), 'base64').toString('utf8')).toContain('posíláme poptávku');
  });

  it('a delta link that expired (410) → full resync that pairs instead of duplicating', async () => {
    const s = w.service();
    await w.run(s, 'addressBook');
    await w.run(s, 'calendar');
    const n = w.outlook.contacts().length;
    const m = w.outlook.appointments().length;
    w.graph.control.expireDeltaTokens();
    const r = await w.run(s, 'addressBook');
    const rc = await w.run(s, 'calendar');
    expect(r.addressBook?.result).toBe('ok');
    expect(rc.calendar?.result).toBe('ok');
    expect(writes(r.addressBook)).toBe(0);
    expect(writes(rc.calendar)).toBe(0);
    expect(w.outlook.contacts()).toHaveLength(n);
    expect(w.outlook.appointments()).toHaveLength(m);
    expect(w.graph.log.entries().some((e) => e.status === 410)).toBe(true);
  });

  it('throttling in the middle of a run is waited out', async () => {
    const s = w.service();
    w.graph.faults.inject({
      status: 429,
      retryAfterSec: 1,
      method: 'POST',
      path: '/contacts',
      scope: 'batch',
      times: 5,
    });
    const r = await w.run(s, 'addressBook');
    expect(r.addressBook?.result).toBe('ok');
    expect(w.outlook.contacts().length).toBe(expectedContactIds(w).length);
  });
});
