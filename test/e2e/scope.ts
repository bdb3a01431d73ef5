/**
 * A part's scope changes after it has synced (issue #18, item 2): the next run must judge EVERY record of the part
 * by the new scope, not only those edited since the cursor. Each kind of change — types, series, `where`, "only
 * mine", direction, the e-mail archive's filters — is made on a world that already synced, previewed first (the dry
 * run shows it all and writes nothing), then run. Called by ews.test.ts and graph.test.ts (both backends).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncConfig } from '../../src-main/sync/config';
import { SyncService } from '../../src-main/sync/service';
import { connect } from '../../src-main/wiring';
import { messageIdOf } from '../mail/abra-records';
import { startWorld, type World } from '../world/harness';

const DAY = 86400_000;
type Obj = Record<string, unknown>;

export function defineScopeChanges(kind: 'ews' | 'graph'): void {
  let w: World;
  beforeEach(async () => {
    w = await startWorld({ exchange: kind });
  });
  afterEach(async () => {
    await w?.stop();
  });

  /** The engine restarted with changed settings (as the app does after a save), over the same state. */
  const changed = async (old: SyncService, edit: (c: SyncConfig) => void): Promise<SyncService> => {
    await old.stop();
    return w.service(edit);
  };
  const typeId = (code: string) =>
    String(w.abra.control.list('crmactivitytypes').find((t) => t.code === code)!.id);
  const queueId = (code: string) =>
    String(w.abra.control.list('crmactivityqueues').find((t) => t.code === code)!.id);
  /** Activities the calendar's window (30 days back, 365 ahead) holds. */
  // The seed's activities have fixed times, so as the days pass some cross the calendar window's edge (30 days back,
  // 365 ahead, from the engine's clock at the run). One within minutes of an edge is in or out depending on the
  // second the run starts: the tests count it as either (`atEdge`), every other one exactly (`inWindow`).
  const EDGE = 10 * 60_000;
  const startOf = (a: Obj) => Date.parse(String(a['sheduledstart$date']));
  const inWindow = (a: Obj) => {
    const t = startOf(a);
    return t >= Date.now() - 30 * DAY + EDGE && t < Date.now() + 365 * DAY - EDGE;
  };
  const atEdge = (a: Obj) => {
    const t = startOf(a);
    return Math.abs(t - (Date.now() - 30 * DAY)) < EDGE || Math.abs(t - (Date.now() + 365 * DAY)) < EDGE;
  };
  const appointmentIds = () => new Set(w.outlook.appointments().map((a) => a.abraId));

  describe(`the first run of a part waits for the user's approval (${kind === 'ews' ? 'EWS' : 'Graph'})`, () => {
    it('a new part does not run on its timer; the preview writes nothing; approving runs it; a changed scope waits again', async () => {
      const cfg = structuredClone(w.config);
      cfg.parts.calendar.enabled = false;
      cfg.parts.tasks.enabled = false;
      cfg.parts.mail.enabled = false;
      const ask = (config: SyncConfig) =>
        new SyncService({ config, secrets: w.secrets, dataDir: w.dataDir, connect, approval: 'ask' });
      const s = ask(cfg);
      const runs: string[] = [];
      s.subscribe((e) => {
        if (e.type === 'run') runs.push(`${e.summary.part}:${e.summary.result}`);
      });
      s.start();
      await new Promise((r) => setTimeout(r, 300));
      const book = () => s.status().parts.find((p) => p.part === 'addressBook')!;
      expect(book().awaitingApproval).toBe(true);
      expect(book().nextRunAt).toBeUndefined();
      expect(await s.syncNow()).toEqual([]);
      expect(runs).toEqual([]);

      const { plan } = await s.preview();
      const creates = plan.filter((p) => p.part === 'addressBook' && p.action === 'create');
      expect(creates.length).toBeGreaterThan(0);
      // the preview names the firm each contact belongs to
      expect(creates.some((p) => p.firm)).toBe(true);
      expect(w.outlook.contacts()).toHaveLength(0);
      expect(w.exchangeWrites()).toBe(0);

      const [r] = await s.approve('addressBook');
      expect(r?.result).toBe('ok');
      expect(r?.counts.exchange.created).toBe(creates.length);
      expect(book().awaitingApproval).toBe(false);
      expect(book().nextRunAt).toBeDefined();

      // a new scope (another setting of the same part) waits again; the interval alone does not
      const interval = structuredClone(cfg);
      interval.parts.addressBook.intervalMinutes = 30;
      s.updateConfig(interval);
      expect(book().awaitingApproval).toBe(false);
      const narrower = structuredClone(interval);
      narrower.parts.addressBook.includePersons = false;
      s.updateConfig(narrower);
      expect(book().awaitingApproval).toBe(true);
      expect(book().nextRunAt).toBeUndefined();
      await s.stop();

      // the approval is kept in the state: a restarted app with the approved settings runs on its timer
      const again = ask(interval);
      again.start();
      expect(again.status().parts.find((p) => p.part === 'addressBook')?.awaitingApproval).toBe(false);
      await again.stop();
    });
  });

  describe(`a changed scope applies to what is already synced (${kind === 'ews' ? 'EWS' : 'Graph'})`, () => {
    it('types: adding "Telefonát" to the calendar brings every phone call in the window, not only edited ones', async () => {
      const s1 = await w.service((c) => {
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.calendar.onlyMine = false;
      });
      await w.run(s1, 'calendar');
      const tel = typeId('TEL');
      const allCalls = w.abra.control.list('crmactivities', `activitytype_id = '${tel}'`);
      const calls = allCalls.filter(inWindow);
      const callsAtEdge = allCalls.filter(atEdge).length;
      expect(calls.length, 'the seed has phone calls in the window').toBeGreaterThan(1);
      for (const a of calls) expect(appointmentIds().has(String(a.id))).toBe(false);

      const s2 = await changed(s1, (c) => {
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.calendar.onlyMine = false;
        c.parts.calendar.activityTypeIds = [w.ids.sch, tel];
      });
      w.resetExchangeLog();
      const { plan } = await s2.preview('calendar');
      const planned = new Set(plan.filter((p) => p.action === 'create').map((p) => p.abraId));
      for (const a of calls) expect(planned.has(String(a.id)), String(a.subject)).toBe(true);
      // the preview names when each item happens
      expect(plan.find((p) => p.abraId === String(calls[0]!.id))?.when).toBeTruthy();
      expect(w.exchangeWrites()).toBe(0);

      const r = (await w.run(s2, 'calendar')).calendar!;
      expect(r.result).toBe('ok');
      expect(r.counts.exchange.created).toBeGreaterThanOrEqual(calls.length);
      expect(r.counts.exchange.created).toBeLessThanOrEqual(calls.length + callsAtEdge);
      const now = appointmentIds();
      for (const a of calls) expect(now.has(String(a.id)), String(a.subject)).toBe(true);
      // and the scope is settled: the next run reads incrementally and writes nothing
      const again = (await w.run(s2, 'calendar')).calendar!;
      expect(again.counts.exchange.created + again.counts.exchange.deleted).toBe(0);
    });

    it('series and "only mine": turning off "only mine" brings colleagues\' meetings; a series filter then lets the others go (unlinked, the appointments stay)', async () => {
      const s1 = await w.service((c) => {
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
      });
      await w.run(s1, 'calendar');
      const theirs = w.abra.control
        .list('crmactivities', `activitytype_id = '${w.ids.sch}' and solveruser_id <> '${w.ids.me}'`)
        .filter(inWindow);
      expect(theirs.length, "the seed has colleagues' meetings").toBeGreaterThan(1);

      const s2 = await changed(s1, (c) => {
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.calendar.onlyMine = false;
      });
      await w.run(s2, 'calendar');
      const ids = appointmentIds();
      for (const a of theirs) expect(ids.has(String(a.id)), String(a.subject)).toBe(true);
      const linked = s2.state.countLinks('calendar');

      // a series no meeting is in: every link goes; the calendar is two-way, so the appointments stay in Outlook
      const count = w.outlook.appointments().length;
      const s3 = await changed(s2, (c) => {
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.calendar.onlyMine = false;
        c.parts.calendar.queueIds = [queueId('TEL')];
        c.parts.calendar.activityTypeIds = [w.ids.sch, typeId('TEL')];
      });
      const r = (await w.run(s3, 'calendar')).calendar!;
      expect(['ok', 'partial']).toContain(r.result);
      const telAll = w.abra.control.list('crmactivities', `activitytype_id = '${typeId('TEL')}'`);
      const tel = telAll.filter(inWindow).length;
      const links = s3.state.countLinks('calendar');
      expect(links).toBeGreaterThanOrEqual(tel);
      expect(links).toBeLessThanOrEqual(tel + telAll.filter(atEdge).length);
      expect(r.counts.unlinked).toBe(linked);
      expect(w.outlook.appointments().length).toBe(count + links);
      expect(r.counts.exchange.deleted).toBe(0);
    });

    it('"only mine" and `where` on the address book: narrowing removes every contact that left, after the mass-delete question', async () => {
      // a few firms are mine (the seed gives them to the sales people)
      const visible = w.abra.control.list('firms', 'firm_id = null and hidden = false');
      for (const f of visible.slice(0, 3))
        w.abra.control.update('firms', String(f.id), { responsibleuser_id: w.ids.me });
      const s1 = await w.service((c) => {
        c.parts.calendar.enabled = false;
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
      });
      await w.run(s1, 'addressBook');
      const all = w.outlook.contacts().length;
      const mine = w.abra.control
        .list('firms', `firm_id = null and hidden = false and responsibleuser_id = '${w.ids.me}'`)
        .map((f) => String(f.id));
      expect(mine.length, 'some firms are mine').toBeGreaterThan(0);

      const s2 = await changed(s1, (c) => {
        c.parts.calendar.enabled = false;
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.addressBook.onlyMine = true;
      });
      const { plan, summaries } = await s2.preview('addressBook');
      const leaving = plan.filter((p) => p.action === 'delete' && p.side === 'exchange');
      // a preview of a narrowing says what would go, and stops at the same question the run does
      const staying = w.outlook.contacts().filter((c) => mine.includes(String(c.abraId).split(':')[0] ?? ''));
      expect(leaving).toHaveLength(all - staying.length);
      expect(summaries[0]?.result).toBe('needsConfirmation');
      const r = (await w.run(s2, 'addressBook')).addressBook!;
      expect(r.result).toBe('needsConfirmation');
      expect(w.outlook.contacts()).toHaveLength(all);
      const confirmed = await s2.confirmMassDelete('addressBook');
      expect(confirmed.result).toBe('ok');
      const firmsLeft = new Set(w.outlook.contacts().map((c) => String(c.abraId).split(':')[0]));
      expect([...firmsLeft].sort()).toEqual([...new Set(mine)].sort());

      // `where`: one firm of mine only
      const one = mine[0]!;
      const s3 = await changed(s2, (c) => {
        c.parts.calendar.enabled = false;
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.addressBook.onlyMine = true;
        c.parts.addressBook.where = `id = '${one}'`;
        c.safety.massDeleteMin = 1000;
      });
      const r3 = (await w.run(s3, 'addressBook')).addressBook!;
      expect(r3.result).toBe('ok');
      expect(new Set(w.outlook.contacts().map((c) => String(c.abraId).split(':')[0]))).toEqual(
        new Set([one]),
      );
    });

    it('mass delete: the question lists the items; "keep them in Outlook" unlinks them instead, nothing is deleted', async () => {
      const visible = w.abra.control.list('firms', 'firm_id = null and hidden = false');
      for (const f of visible.slice(0, 2))
        w.abra.control.update('firms', String(f.id), { responsibleuser_id: w.ids.me });
      const only = (c: SyncConfig) => {
        c.parts.calendar.enabled = false;
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
      };
      const s1 = await w.service(only);
      await w.run(s1, 'addressBook');
      const all = w.outlook.contacts().length;
      const s2 = await changed(s1, (c) => {
        only(c);
        c.parts.addressBook.onlyMine = true;
      });
      const r = (await w.run(s2, 'addressBook')).addressBook!;
      expect(r.result).toBe('needsConfirmation');
      const pending = r.pendingDeletes!;
      expect(pending.side).toBe('exchange');
      expect(pending.items).toHaveLength(Math.min(pending.count, 200));
      const attention = s2.status().parts.find((p) => p.part === 'addressBook')!.attention!;
      expect(attention.pendingItems?.[0]).toBe(pending.items?.[0]);
      // why: "only firms I am responsible for" narrowed the filter; nothing was deleted in ABRA
      expect(pending.byReason).toEqual({ leftFilter: pending.count });
      expect(pending.reasons).toEqual(pending.items!.map(() => 'leftFilter'));
      expect(attention.pendingByReason).toEqual({ leftFilter: pending.count });
      expect(attention.pendingReasons).toEqual(pending.reasons);

      w.resetExchangeLog();
      const kept = await s2.keepInsteadOfDelete('addressBook');
      expect(kept.result).toBe('ok');
      expect(kept.counts.exchange.deleted).toBe(0);
      expect(kept.counts.unlinked).toBe(pending.count);
      expect(w.outlook.contacts()).toHaveLength(all);
      expect(s2.state.countLinks('addressBook')).toBe(all - pending.count);
      // decided: the next run neither asks again nor deletes
      const next = (await w.run(s2, 'addressBook')).addressBook!;
      expect(next.result).toBe('ok');
      expect(next.counts.exchange.deleted).toBe(0);
      expect(w.outlook.contacts()).toHaveLength(all);
    });

    it('unassigned mail: Ignorovat takes a message off the queue for good; it stays archived', async () => {
      w.outlook.deliverMail(
        [
          'From: Neznámý <nekdo@neznama-firma.example>',
          `To: ${w.exchangeEmail}`,
          'Subject: Dotaz',
          `Date: ${new Date(Date.now() - 3600_000).toUTCString()}`,
          `Message-ID: <ignore-${Date.now()}@neznama-firma.example>`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Dobrý den.',
          '',
        ].join('\r\n'),
      );
      const s = await w.service((c) => {
        c.parts.addressBook.enabled = false;
        c.parts.calendar.enabled = false;
        c.parts.tasks.enabled = false;
      });
      await w.run(s, 'mail');
      const queue = s.listUnassignedMail().filter((m) => m.subject === 'Dotaz');
      expect(queue).toHaveLength(1);
      const archived = w.abra.control.list('emailsreceiveds').length;
      // Zobrazit zprávu: the message as ABRA holds it (the activity's description: sender, then the text)
      const text = await s.readUnassignedMail(queue[0]!.id);
      expect(text).toContain('nekdo@neznama-firma.example');
      expect(text).toContain('Dobrý den.');
      await expect(s.readUnassignedMail(987654)).rejects.toThrow(/no archived message/);
      // the mail part's status counts the queue (the tray's line and badge), and a status event follows a change
      const waiting = () => s.status().parts.find((p) => p.part === 'mail')?.unassigned;
      const before = s.listUnassignedMail().length;
      expect(waiting()).toBe(before);
      const heard: (number | undefined)[] = [];
      const off = s.subscribe((e) => {
        if (e.type === 'status') heard.push(e.status.parts.find((p) => p.part === 'mail')?.unassigned);
      });
      s.ignoreMail(queue[0]!.id);
      off();
      expect(waiting()).toBe(before - 1);
      expect(heard).toContain(before - 1);
      expect(s.listUnassignedMail().filter((m) => m.subject === 'Dotaz')).toHaveLength(0);
      expect(() => s.ignoreMail(queue[0]!.id)).toThrow(/not waiting/);
      await w.run(s, 'mail');
      expect(s.listUnassignedMail().filter((m) => m.subject === 'Dotaz')).toHaveLength(0);
      expect(w.abra.control.list('emailsreceiveds')).toHaveLength(archived);
    });

    it('direction: a task made in Outlook while the part ran ABRA → Outlook reaches ABRA once the part runs both ways', async () => {
      const s1 = await w.service((c) => {
        c.parts.calendar.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.tasks.direction = 'abraToExchange';
      });
      await w.run(s1, 'tasks');
      w.outlook.createTask({
        subject: 'Jen v Outlooku: nabídka',
        due: new Date(Date.now() + 3 * DAY).toISOString(),
      });
      await w.run(s1, 'tasks');
      const inAbra = () =>
        w.abra.control.list('crmactivities').filter((a) => a.subject === 'Jen v Outlooku: nabídka');
      expect(inAbra()).toHaveLength(0);

      const s2 = await changed(s1, (c) => {
        c.parts.calendar.enabled = false;
        c.parts.mail.enabled = false;
        c.parts.tasks.direction = 'both';
      });
      const { plan } = await s2.preview('tasks');
      expect(
        plan.some((p) => p.action === 'create' && p.side === 'abra' && p.name === 'Jen v Outlooku: nabídka'),
      ).toBe(true);
      expect(inAbra()).toHaveLength(0);
      const r = (await w.run(s2, 'tasks')).tasks!;
      expect(r.result).toBe('ok');
      expect(inAbra()).toHaveLength(1);
    });

    it('e-mail filters: a message skipped by an excluded domain is archived once the exclusion is removed', async () => {
      const firm = w.abra.control
        .list('firms', 'firm_id = null and hidden = false')
        .find((f) => (f.electronicaddress_id as { email?: string } | null)?.email)!;
      const from = (firm.electronicaddress_id as { email: string }).email;
      const domain = from.split('@')[1]!;
      const msgId = `<scope-${Date.now()}@${domain}>`;
      w.outlook.deliverMail(
        [
          `From: Zákazník <${from}>`,
          `To: ${w.exchangeEmail}`,
          'Subject: Objednávka',
          `Date: ${new Date(Date.now() - 3600_000).toUTCString()}`,
          `Message-ID: ${msgId}`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Objednáváme.',
          '',
        ].join('\r\n'),
      );
      const only = (c: SyncConfig) => {
        c.parts.addressBook.enabled = false;
        c.parts.calendar.enabled = false;
        c.parts.tasks.enabled = false;
      };
      const s1 = await w.service((c) => {
        only(c);
        c.parts.mail.excludedDomains = [domain];
      });
      await w.run(s1, 'mail');
      const archived = () =>
        w.abra.control.list('emailsreceiveds').filter((e) => messageIdOf(w.abra.control, e) === msgId);
      expect(archived()).toHaveLength(0);
      const s2 = await changed(s1, only);
      const r = (await w.run(s2, 'mail')).mail!;
      expect(r.result).toBe('ok');
      expect(archived()).toHaveLength(1);
      // read again in full once, never archived twice
      await w.run(s2, 'mail');
      expect(archived()).toHaveLength(1);
    });
  });
}
