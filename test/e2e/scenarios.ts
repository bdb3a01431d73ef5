/**
 * Every part end to end over real HTTP: the engine with the app's own wiring against the ABRA emulator and an
 * Exchange emulator (EWS or Microsoft Graph), acting as the user on both sides. One suite, run per backend by
 * ews.test.ts and graph.test.ts, so both backends pass the same scenarios.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-main/sync/api';
import type { ServerFlavour } from '../emulators/ews/soap';
import { messageIdOf, originalOf } from '../mail/abra-records';
import { corpus, withAttachment } from '../mail/corpus';
import { abraFieldUsage, expectedContactIds, startWorld, type World, writes } from '../world/harness';
import { undocumentedAbraFields } from './field-table';

export function defineScenarios(kind: 'ews' | 'graph', o: { ewsVersion?: ServerFlavour } = {}): void {
  const DAY = 86400_000;
  const at = (days: number, hour: number) => {
    const d = new Date(Date.now() + days * DAY);
    d.setUTCHours(hour, 0, 0, 0);
    return d.toISOString();
  };

  let w: World;
  beforeEach(async () => {
    w = await startWorld({ exchange: kind, ...(o.ewsVersion ? { ewsVersion: o.ewsVersion } : {}) });
  });
  afterEach(async () => {
    try {
      // the Exchange 2007 profile: every answer the product read was valid in 2007's own schema
      if (o.ewsVersion && w?.ews?.validatesRequests) expect(w.ews.responseViolations()).toEqual([]);
    } finally {
      await w?.stop();
    }
  });
  afterAll(() => {
    // every ABRA field the product used against the emulator is in docs/abra-api.md's table with its grade
    expect(undocumentedAbraFields(abraFieldUsage)).toEqual([]);
  });

  const server = kind === 'graph' ? 'Graph' : o.ewsVersion ? `EWS (${o.ewsVersion})` : 'EWS';
  describe(`end to end over the ABRA and ${server} emulators`, () => {
    it('first run fills every part; the next run with nothing changed writes nothing', async () => {
      const s = await w.service();
      const first = await w.run(s);
      for (const p of ['addressBook', 'calendar', 'tasks', 'mail']) expect(first[p]?.result, p).toBe('ok');

      const contacts = w.outlook.contacts();
      expect(contacts.map((c) => c.abraId).sort()).toEqual(expectedContactIds(w));
      const someFirm = w.abra.control.list('firms', 'firm_id = null and hidden = false')[0]!;
      const contact = contacts.find((c) => c.abraId === someFirm.id)!;
      expect(contact.company).toBe(someFirm.name);

      // my meetings in the window became appointments, stamped with their activity id
      const mine = w.abra.control
        .list('crmactivities', `activitytype_id = '${w.ids.sch}' and solveruser_id = '${w.ids.me}'`)
        .filter((a) => {
          const t = Date.parse(String(a['sheduledstart$date']));
          return t > Date.now() - 30 * DAY && t < Date.now() + 365 * DAY;
        });
      const stamped = new Set(w.outlook.appointments().map((a) => a.abraId));
      for (const a of mine) expect(stamped.has(String(a.id)), String(a.subject)).toBe(true);

      w.resetExchangeLog();
      const second = await w.run(s);
      for (const p of ['addressBook', 'calendar', 'tasks', 'mail']) {
        expect(second[p]?.result, p).toBe('ok');
        expect(writes(second[p]), p).toBe(0);
      }
      expect(w.exchangeWrites()).toBe(0);
      if (w.graph) expect(w.graph.log.maxInFlight()).toBeLessThanOrEqual(4);
      // EWS: the echo of the first run's own writes is recognised by its ChangeKey and not fetched again
      if (w.ews) expect(w.ews.log.counts().GetItem ?? 0).toBe(0);

      // Steady state: the address book asks ABRA only what changed — firms changed since the last mark; rows the
      // overlap of that query brings back unchanged are not re-derived. Persons (no change stamps on this server)
      // are compared by hash only on the deletion scan's schedule (docs/sync-engine.md), not within it: no read.
      const before = w.abra.log.entries().length;
      await w.run(s, 'addressBook');
      await w.run(s, 'addressBook');
      const asked = w.abra.log
        .entries()
        .slice(before)
        .map((e) => `${e.method} ${e.collection}`);
      expect(asked.filter((x) => x === 'GET firms')).toHaveLength(2);
      expect(asked.filter((x) => x === 'GET persons')).toHaveLength(0);
    });

    it('the user deletes the "ABRA Gen" contacts folder for good: it is made anew and filled again, ABRA untouched', async () => {
      const s = await w.service();
      await w.run(s, 'addressBook');
      const before = w.outlook.contacts().length;
      expect(before).toBeGreaterThan(0);
      const firms = w.abra.control.list('firms').length;
      w.outlook.deleteContactFolder();
      expect(w.outlook.contacts()).toHaveLength(0);
      const r = (await w.run(s, 'addressBook')).addressBook!;
      const filledAgain = (run: RunSummary) => {
        expect(run.result).toBe('ok');
        expect(run.counts.exchange.created).toBe(before);
        expect(run.counts.abra).toEqual({ created: 0, updated: 0, deleted: 0 });

        expect(
          w.outlook
            .contacts()
            .map((c) => c.abraId)
            .sort(),
        ).toEqual(expectedContactIds(w));
        expect(w.abra.control.list('firms')).toHaveLength(firms);
      };
      filledAgain(r);
      // and an app restarted afterwards goes on from the new folder
      const again = (await w.run(await w.service(), 'addressBook')).addressBook!;
      expect(again.result).toBe('ok');
      expect(writes(again)).toBe(0);
      // deleted again while the app was closed: the folder kept in the state is stale, found out on first use
      w.outlook.deleteContactFolder();
      const s2 = await w.service();
      filledAgain((await w.run(s2, 'addressBook')).addressBook!);
      // the log says what happened before the run that filled it
      const [, gone] = s2.listRuns(2);
      expect(gone?.note?.key).toBe('run.folderGone');
    });

    it('address book is one-way: ABRA edits arrive, Outlook edits are overwritten, deletes re-created, hidden firms leave', async () => {
      const s = await w.service();
      await w.run(s, 'addressBook');
      const c = w.abra.control;
      const [a, b, hide] = c.list('firms', 'firm_id = null and hidden = false');
      c.update('firms', String(a!.id), { name: 'Přejmenovaná firma a.s.' });
      const bContact = w.outlook.contacts().find((x) => x.abraId === b!.id)!;
      w.outlook.edit(bContact.id, { companyName: 'Změněno v Outlooku' });
      const aContact = w.outlook.contacts().find((x) => x.abraId === a!.id)!;
      c.update('firms', String(hide!.id), { hidden: true });

      const r = (await w.run(s, 'addressBook')).addressBook!;
      expect(r.result).toBe('ok');
      const after = w.outlook.contacts();
      expect(after.find((x) => x.id === aContact.id)?.company).toBe('Přejmenovaná firma a.s.');
      expect(after.find((x) => x.abraId === b!.id)?.company).toBe(b!.name);
      expect(after.some((x) => x.abraId === hide!.id)).toBe(false);
      expect(c.get('firms', String(hide!.id))).toBeDefined(); // never deleted in ABRA

      w.outlook.remove(aContact.id);
      await w.run(s, 'addressBook');
      expect(w.outlook.contacts().filter((x) => x.abraId === a!.id)).toHaveLength(1);
      expect(c.get('firms', String(a!.id))).toBeDefined();
    });

    it('calendar both ways: Outlook meeting → ABRA activity; ABRA reschedule → Outlook; Outlook delete → ABRA delete', async () => {
      const s = await w.service();
      await w.run(s, 'calendar');
      const start = at(3, 9);
      const end = at(3, 10);
      const id = w.outlook.createAppointment({ subject: 'Schůzka u zákazníka Kovo', start, end });
      const r1 = (await w.run(s, 'calendar')).calendar!;
      expect(r1.result).toBe('ok');
      expect(r1.counts.abra.created).toBe(1);
      const act = w.abra.control
        .list('crmactivities', `subject = 'Schůzka u zákazníka Kovo'`)
        .find((a) => a.activitytype_id === w.ids.sch)!;
      expect(act).toBeDefined();
      expect(act.actqueue_id).toBe(w.ids.qSch);
      expect(act.solveruser_id).toBe(w.ids.me);
      expect(Date.parse(String(act['sheduledstart$date']))).toBe(Date.parse(start));

      const later = at(4, 13);
      w.abra.control.update('crmactivities', String(act.id), {
        sheduledstart$date: later,
        sheduledend$date: at(4, 14),
      });
      const r2 = (await w.run(s, 'calendar')).calendar!;
      expect(r2.counts.exchange.updated).toBe(1);
      expect(Date.parse(w.outlook.appointments().find((x) => x.id === id)!.start!)).toBe(Date.parse(later));

      w.outlook.remove(id);
      const r3 = (await w.run(s, 'calendar')).calendar!;
      expect(r3.counts.abra.deleted).toBe(1);
      expect(w.abra.control.get('crmactivities', String(act.id))).toBeUndefined();
    });

    it('a weekly series becomes one ABRA activity per occurrence; a deleted occurrence deletes its activity only', async () => {
      const s = await w.service();
      await w.run(s, 'calendar');
      const master = w.outlook.createAppointment({
        subject: 'Porada obchodu',
        start: at(1, 8),
        end: at(1, 9),
        weekly: { count: 4, day: new Date(at(1, 8)).toLocaleDateString('en-US', { weekday: 'long' }) },
      });
      await w.run(s, 'calendar');
      const acts = () => w.abra.control.list('crmactivities', `subject = 'Porada obchodu'`);
      expect(acts()).toHaveLength(4);
      w.outlook.deleteOccurrence(master, 2);
      const r = (await w.run(s, 'calendar')).calendar!;
      expect(r.counts.abra.deleted).toBe(1);
      expect(acts()).toHaveLength(3);
    });

    it('tasks both ways, and an Outlook task without dates still becomes a valid ABRA activity', async () => {
      const s = await w.service();
      await w.run(s, 'tasks');
      const id = w.outlook.createTask({ subject: 'Poslat nabídku Elektro' });
      const r = (await w.run(s, 'tasks')).tasks!;
      expect(r.result).toBe('ok');
      const act = w.abra.control.list('crmactivities', `subject = 'Poslat nabídku Elektro'`)[0]!;
      expect(act.activitytype_id).toBe(w.ids.ukol);
      expect(act.period_id).toBeTruthy();
      w.outlook.edit(id, { subject: 'Poslat nabídku Elektro – hotovo', status: 'Completed' });
      const r2 = (await w.run(s, 'tasks')).tasks!;
      expect(r2.counts.abra.updated).toBe(1);
      expect(w.abra.control.get('crmactivities', String(act.id))?.subject).toBe(
        'Poslat nabídku Elektro – hotovo',
      );
    });

    it('e-mail: a message from a firm is archived to that firm and stays in ABRA after it is deleted from the mailbox', async () => {
      const firm = w.abra.control
        .list('firms', 'firm_id = null and hidden = false')
        .find((f) => (f.electronicaddress_id as { email?: string } | null)?.email)!;
      const from = (firm.electronicaddress_id as { email: string }).email;
      const msgId = `<e2e-${Date.now()}@${from.split('@')[1]}>`;
      const mime = [
        `From: Zákazník <${from}>`,
        `To: ${w.exchangeEmail}`,
        'Subject: =?UTF-8?B?' + Buffer.from('Poptávka – 20 ks ventilů').toString('base64') + '?=',
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
      const s = await w.service();
      const r = (await w.run(s, 'mail')).mail!;
      expect(r.result).toBe('ok');
      const c = w.abra.control;
      const rec = c.list('emailsreceiveds').find((e) => messageIdOf(c, e) === msgId)!;
      expect(rec).toBeDefined();
      expect(rec).toMatchObject({
        firm_id: firm.id,
        sender: from.toLowerCase(),
        body: 'Dobrý den, posíláme poptávku.',
      });
      expect(originalOf(c, rec)?.toString('utf8')).toContain('posíláme poptávku');
      // the activity is linked through a document relation (1271: received e-mail), left side = activity
      const rel = c.list('relations', `rel_def = 1271 and rightside_id = '${rec.id}'`);
      expect(c.get('crmactivities', String(rel[0]?.leftside_id))?.firm_id).toBe(firm.id);

      const item = w.findInboxMessage(msgId);
      expect(item).toBeDefined();
      w.outlook.remove(item!);
      await w.run(s, 'mail');
      expect(c.list('emailsreceiveds').filter((e) => messageIdOf(c, e) === msgId)).toHaveLength(1);
      expect(w.abra.sentMails()).toEqual([]);
    });

    it('e-mail corpus through the mailbox server: Czech charsets, broken MIME, invitation archived as mail, bounce and auto-reply skipped, 20 MB attachment listed not stored', async () => {
      const received = [
        'cp1250-qp.eml',
        'iso88592-html-freemail.eml',
        'broken.eml',
        'forward.eml',
        'internal.eml',
        'invitation.eml',
        'auto-reply.eml',
        'bounce-ndr.eml',
      ];
      for (const f of received) w.outlook.deliverMail(corpus(f));
      const big = withAttachment({
        from: 'nakup@stavby-olomouc.cz',
        to: w.exchangeEmail,
        subject: 'Výkresy',
        messageId: '<big-1@stavby-olomouc.cz>',
        bytes: 20 * 1024 * 1024,
      });
      w.outlook.deliverMail(big);
      const s = await w.service((c) => {
        c.parts.mail.ownDomains = ['example.cz', 'firma.cz'];
      });
      const r = (await w.run(s, 'mail')).mail!;
      expect(r.result, JSON.stringify(r.failures)).toBe('ok');
      const stored = w.abra.control.list('emailsreceiveds');
      const ids = stored.map((e) => messageIdOf(w.abra.control, e)).sort();
      expect(ids).toEqual(
        [
          '<big-1@stavby-olomouc.cz>',
          '<broken-1@stavby-olomouc.cz>',
          '<cp1250-1@kovo-brno.cz>',
          '<fw-1@firma.cz>',
          '<int-1@firma.cz>',
          '<inv-1@kovo-brno.cz>',
          '<iso2-1@seznam.cz>',
        ].sort(),
      );
      const cp = stored.find((e) => messageIdOf(w.abra.control, e) === '<cp1250-1@kovo-brno.cz>')!;
      expect(String(cp.subject)).toBe('Poptávka ložisek');
      expect(originalOf(w.abra.control, cp)?.equals(corpus('cp1250-qp.eml'))).toBe(true);
      const bigRec = stored.find((e) => messageIdOf(w.abra.control, e) === '<big-1@stavby-olomouc.cz>')!;
      expect(originalOf(w.abra.control, bigRec)!.length).toBeLessThan(1024 * 1024);
      // the 20 MB attachment: a row with its name and size, no content
      expect((bigRec.attachments as Record<string, unknown>[])[0]).toMatchObject({
        filename: 'vykresy.zip',
        filesize: 20 * 1024 * 1024,
        blobdata: '',
      });
      // nothing became an appointment, and a second run archives nothing again
      expect(
        w.abra.control.list(
          'crmactivities',
          `activitytype_id = '${w.ids.sch}' and subject like '%Pozvánka%'`,
        ),
      ).toHaveLength(0);
      const again = (await w.run(s, 'mail')).mail!;
      expect(again.counts.abra.created).toBe(0);
    });

    it('dry run writes nothing on either side, and the real run then does what it showed', async () => {
      const s = await w.service();
      const before = w.abra.control.list('crmactivities').length;
      w.outlook.createAppointment({ subject: 'Jen náhled', start: at(2, 9), end: at(2, 10) });
      const { plan } = await s.preview();
      expect(
        plan.some((p) => p.part === 'addressBook' && p.action === 'create' && p.side === 'exchange'),
      ).toBe(true);
      expect(
        plan.some((p) => p.part === 'calendar' && p.action === 'create' && p.name === 'Jen náhled'),
      ).toBe(true);
      expect(w.outlook.contacts()).toHaveLength(0);
      expect(w.abra.control.list('crmactivities').length).toBe(before);
      expect(w.exchangeWrites()).toBe(0);

      const r = await w.run(s);
      const created = plan.filter((p) => p.part === 'addressBook' && p.action === 'create').length;
      expect(r.addressBook?.counts.exchange.created).toBe(created);
    });

    it('Exchange throttling in the middle of a run is waited out and the run still succeeds', async () => {
      const s = await w.service();
      w.throttleExchange(2);
      const r = await w.run(s, 'addressBook');
      expect(r.addressBook?.result).toBe('ok');
      expect(w.outlook.contacts().length).toBe(expectedContactIds(w).length);
    });

    it('a restarted app continues from its state: nothing is created twice', async () => {
      await w.run(await w.service(), 'addressBook');
      const n = w.outlook.contacts().length;
      w.resetExchangeLog();
      const again = await w.run(await w.service(), 'addressBook');
      expect(writes(again.addressBook)).toBe(0);
      expect(w.outlook.contacts()).toHaveLength(n);
      // the new process takes the folder from the state: one change read, no folder lookup
      if (w.ews) expect(w.ews.log.counts()).toEqual({ SyncFolderItems: 1 });
      else
        expect(w.graph!.log.entries().map((e) => `${e.method} ${e.path}`)).toEqual([
          expect.stringMatching(/^GET \/me\/contactFolders\/[^/]+\/contacts\/delta/),
        ]);
    });
  });
}
