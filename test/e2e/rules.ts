/**
 * The engine's rules end to end, over either Exchange backend (issue #5, "Tests and benchmark"): the conflict
 * policies, the mass-delete guard, leaving the filter, DST in Europe/Prague, the address book both ways and private
 * appointments. Each scenario acts as the user in ABRA (the ABRA emulator's control) and in Outlook (the EWS or
 * Graph emulator's control) and checks both sides with the real SyncService. Called by ews.test.ts and graph.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncConfig } from '../../src-main/sync/config';
import { SyncService } from '../../src-main/sync/service';
import { connect } from '../../src-main/wiring';
import type { ServerFlavour } from '../emulators/ews/soap';
import { startWorld, type World } from '../world/harness';

type Obj = Record<string, unknown>;

const DAY = 86400_000;
const at = (days: number, hour: number) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (v: unknown) => Date.parse(String(v));

/** An Outlook item's fields the rules look at, read straight from the emulator. */
interface OutlookView {
  subject: string;
  body: string;
  location: string;
  sensitivity: string;
  start: string;
  end: string;
}

function view(w: World, id: string): OutlookView | undefined {
  if (w.ews) {
    const s = w.ews.control.get(id);
    if (!s) return undefined;
    const f = s.fields;
    return {
      subject: f.Subject ?? '',
      body: (f.Body ?? '').trim(),
      location: f.Location ?? '',
      sensitivity: f.Sensitivity ?? 'Normal',
      start: f.Start ? new Date(f.Start).toISOString() : '',
      end: f.End ? new Date(f.End).toISOString() : '',
    };
  }
  const d = w.graph!.control.get(id);
  if (!d) return undefined;
  const dt = (v: unknown) => {
    const x = v as { dateTime?: string } | undefined;
    return x?.dateTime ? new Date(`${x.dateTime.slice(0, 23)}Z`).toISOString() : '';
  };
  const sens = String(d.sensitivity ?? 'normal');
  return {
    subject: String(d.subject ?? ''),
    body: String((d.body as { content?: string } | undefined)?.content ?? '').trim(),
    location: String((d.location as { displayName?: string } | undefined)?.displayName ?? ''),
    sensitivity: sens.charAt(0).toUpperCase() + sens.slice(1),
    start: dt(d.start),
    end: dt(d.end),
  };
}

/** The user edits an Outlook item; field names are EWS-style, translated to Graph's where they differ. */
function edit(w: World, id: string, f: Obj): void {
  if (w.ews) {
    w.ews.control.update(id, f);
    return;
  }
  const patch: Obj = {};
  for (const [k, v] of Object.entries(f)) {
    if (k === 'body') patch.body = { contentType: 'text', content: String(v) };
    else if (k === 'location') patch.location = { displayName: String(v) };
    else if (k === 'sensitivity') patch.sensitivity = String(v).toLowerCase();
    else patch[k] = v;
  }
  w.graph!.control.update(id, patch);
}

/** The user creates a single appointment in Outlook, optionally private. */
function createAppointment(
  w: World,
  f: { subject: string; start: string; end: string; private?: boolean; categories?: string[] },
): string {
  if (w.ews) {
    return w.ews.control.createAppointment({
      subject: f.subject,
      start: f.start,
      end: f.end,
      sensitivity: f.private ? 'Private' : 'Normal',
      ...(f.categories ? { categories: f.categories } : {}),
    }).id;
  }
  return String(
    w.graph!.control.createEvent({
      subject: f.subject,
      start: { dateTime: f.start.replace('Z', ''), timeZone: 'UTC' },
      end: { dateTime: f.end.replace('Z', ''), timeZone: 'UTC' },
      sensitivity: f.private ? 'private' : 'normal',
      ...(f.categories ? { categories: f.categories } : {}),
    }).id,
  );
}

/** Hour of an instant on the wall clock in Prague. */
function pragueHour(iso: string): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Prague', hour: '2-digit', hourCycle: 'h23' }).format(
      new Date(iso),
    ),
  );
}

export function defineRules(kind: 'ews' | 'graph', o: { ewsVersion?: ServerFlavour } = {}): void {
  const server = kind === 'graph' ? 'Graph' : o.ewsVersion ? `EWS (${o.ewsVersion})` : 'EWS';
  describe(`the engine's rules end to end over ${server}`, () => {
    let w: World;
    const own: SyncService[] = [];
    beforeEach(async () => {
      w = await startWorld({ exchange: kind, ...(o.ewsVersion ? { ewsVersion: o.ewsVersion } : {}) });
    });
    afterEach(async () => {
      for (const s of own.splice(0)) await s.stop().catch(() => undefined);
      try {
        // the Exchange 2007 profile: every answer the product read was valid in 2007's own schema
        if (o.ewsVersion && w?.ews?.validatesRequests) expect(w.ews.responseViolations()).toEqual([]);
      } finally {
        await w?.stop();
      }
    });

    /**
     * An engine whose clock can be moved forward (the ABRA deletion scan runs at most every
     * `safety.abraDeletionScanMinutes`, at least one minute).
     */
    function clockedService(overrides?: (c: SyncConfig) => void): {
      s: SyncService;
      advance(ms: number): void;
    } {
      let offset = 0;
      const cfg = structuredClone(w.config);
      overrides?.(cfg);
      const s = new SyncService({
        config: cfg,
        secrets: w.secrets,
        dataDir: w.dataDir,
        connect,
        now: () => new Date(Date.now() + offset),
      });
      own.push(s);
      return { s, advance: (d) => (offset += d) };
    }

    /** A meeting of mine in ABRA (type and series of the calendar), like the ABRA client would save it. */
    function abraMeeting(subject: string, start: string, end: string, extra: Obj = {}): Obj {
      const c = w.abra.control;
      const model = c.list('crmactivities', `activitytype_id = '${w.ids.sch}'`)[0]!;
      return c.insert('crmactivities', {
        subject,
        description: '',
        activitytype_id: w.ids.sch,
        actqueue_id: w.ids.qSch,
        solveruser_id: w.ids.me,
        solverrole_id: model.solverrole_id,
        division_id: model.division_id,
        status: 0,
        sheduledstart$date: start,
        sheduledend$date: end,
        ...extra,
      });
    }

    const activity = (id: string) => w.abra.control.get('crmactivities', id)!;
    const appointmentOf = (abraId: string) => w.outlook.appointments().find((a) => a.abraId === abraId);

    /** A meeting created in ABRA and synced: its activity id and its appointment id. */
    async function linkedMeeting(
      s: SyncService,
      subject: string,
    ): Promise<{ actId: string; apptId: string }> {
      const act = abraMeeting(subject, at(5, 9), at(5, 10), { description: 'Agenda: nabídka' });
      const r = (await w.run(s, 'calendar')).calendar!;
      expect(r.result).toBe('ok');
      const appt = appointmentOf(String(act.id));
      expect(appt, 'the ABRA meeting became an appointment').toBeDefined();
      return { actId: String(act.id), apptId: appt!.id };
    }

    describe('conflicts in the calendar', () => {
      it('merge: ABRA changes the subject, Outlook the body → both kept on both sides, no conflict', async () => {
        const s = await w.service();
        await w.run(s);
        const { actId, apptId } = await linkedMeeting(s, 'Schůzka Strojírny');

        w.abra.control.update('crmactivities', actId, { subject: 'Schůzka Strojírny – přesunuto' });
        edit(w, apptId, { body: 'Agenda: nabídka, servisní smlouva' });

        const r = (await w.run(s, 'calendar')).calendar!;
        expect(r.result).toBe('ok');
        expect(r.counts.conflicts).toBe(0);
        expect(r.counts.abra.updated).toBe(1);
        expect(r.counts.exchange.updated).toBe(1);
        expect(s.listConflicts()).toHaveLength(0);

        const a = activity(actId);
        expect(a.subject).toBe('Schůzka Strojírny – přesunuto');
        expect(a.description).toBe('Agenda: nabídka, servisní smlouva');
        const o = view(w, apptId)!;
        expect(o.subject).toBe('Schůzka Strojírny – přesunuto');
        expect(o.body).toBe('Agenda: nabídka, servisní smlouva');

        const again = (await w.run(s, 'calendar')).calendar!;
        expect(again.counts.abra.updated + again.counts.exchange.updated).toBe(0);
      });

      // An ABRA activity has no location: ABRA's changes must not erase the one the user typed in Outlook.
      it('an ABRA change written to Outlook keeps the location the user typed there', async () => {
        const s = await w.service();
        await w.run(s);
        const { actId, apptId } = await linkedMeeting(s, 'Schůzka v zasedačce');
        edit(w, apptId, { location: 'Zasedačka 2' });
        await w.run(s, 'calendar');
        expect(view(w, apptId)!.location).toBe('Zasedačka 2');

        w.abra.control.update('crmactivities', actId, { subject: 'Schůzka v zasedačce – přesunuto' });
        const r = (await w.run(s, 'calendar')).calendar!;
        expect(r.counts.exchange.updated).toBe(1);
        const o = view(w, apptId)!;
        expect(o.subject).toBe('Schůzka v zasedačce – přesunuto');
        expect(o.location).toBe('Zasedačka 2');
      });

      it('merge: both change the subject → the newer side wins on both sides, a conflict is listed; flipping it writes the other value to both sides', async () => {
        const s = await w.service();
        await w.run(s);
        const { actId, apptId } = await linkedMeeting(s, 'Porada Elektro');

        w.abra.control.update('crmactivities', actId, { subject: 'Porada Elektro (ABRA)' });
        await sleep(1200); // Outlook's edit is clearly the newer one (ties would go to ABRA)
        edit(w, apptId, { subject: 'Porada Elektro (Outlook)' });

        const r = (await w.run(s, 'calendar')).calendar!;
        expect(r.result).toBe('ok');
        expect(r.counts.conflicts).toBe(1);
        expect(activity(actId).subject).toBe('Porada Elektro (Outlook)');
        expect(view(w, apptId)!.subject).toBe('Porada Elektro (Outlook)');

        const conflicts = s.listConflicts();
        expect(conflicts).toHaveLength(1);
        const c = conflicts[0]!;
        expect(c).toMatchObject({
          part: 'calendar',
          abraId: actId,
          field: 'subject',
          abraValue: 'Porada Elektro (ABRA)',
          exchangeValue: 'Porada Elektro (Outlook)',
          winner: 'exchange',
        });

        await s.flipConflict(c.id);
        const f = (await w.run(s, 'calendar')).calendar!;
        expect(f.result).toBe('ok');
        expect(activity(actId).subject).toBe('Porada Elektro (ABRA)');
        expect(view(w, apptId)!.subject).toBe('Porada Elektro (ABRA)');
        expect(s.listConflicts().some((x) => x.id === c.id)).toBe(false);

        // the flip is applied once: the next run writes nothing and keeps the flipped value
        const again = (await w.run(s, 'calendar')).calendar!;
        expect(again.counts.abra.updated + again.counts.exchange.updated).toBe(0);
        expect(activity(actId).subject).toBe('Porada Elektro (ABRA)');
        expect(view(w, apptId)!.subject).toBe('Porada Elektro (ABRA)');
      });

      it("abraWins: both change the subject → ABRA's value on both sides, even though Outlook's edit is newer", async () => {
        const s = await w.service((c) => {
          c.parts.calendar.conflictPolicy = 'abraWins';
        });
        await w.run(s);
        const { actId, apptId } = await linkedMeeting(s, 'Návštěva Kovo');

        w.abra.control.update('crmactivities', actId, { subject: 'Návštěva Kovo (ABRA)' });
        await sleep(1200);
        edit(w, apptId, { subject: 'Návštěva Kovo (Outlook)', body: 'jen v Outlooku' });

        const r = (await w.run(s, 'calendar')).calendar!;
        expect(r.result).toBe('ok');
        expect(r.counts.exchange.updated).toBe(1);
        expect(r.counts.abra.updated).toBe(0);
        const a = activity(actId);
        expect(a.subject).toBe('Návštěva Kovo (ABRA)');
        expect(a.description).toBe('Agenda: nabídka');
        const o = view(w, apptId)!;
        expect(o.subject).toBe('Návštěva Kovo (ABRA)');
        expect(o.body).toBe('Agenda: nabídka');
      });
    });

    it('mass delete: deleting more than 20 % of the linked meetings in ABRA stops for confirmation; confirming deletes them in Outlook', async () => {
      for (let i = 0; i < 12; i++) abraMeeting(`Hromadná schůzka ${i + 1}`, at(2 + i, 9), at(2 + i, 10));
      const { s, advance } = clockedService();
      await w.run(s);
      const linked = w.outlook.appointments().filter((a) => a.abraId);
      const n = linked.length;
      expect(n).toBeGreaterThanOrEqual(12);
      const k = Math.max(w.config.safety.massDeleteMin, Math.floor(n * w.config.safety.massDeleteRatio) + 1);
      const victims = linked.slice(0, k);
      for (const v of victims) w.abra.control.remove('crmactivities', v.abraId!);

      advance(2 * 60 * 60_000); // the ABRA deletion scan is due
      w.resetExchangeLog();
      const r = (await w.run(s, 'calendar')).calendar!;
      expect(r.result).toBe('needsConfirmation');
      expect(r.message).toContain(`${k} of ${n}`);
      expect(w.exchangeWrites()).toBe(0);
      expect(w.outlook.appointments().filter((a) => a.abraId)).toHaveLength(n);
      expect(s.status().parts.find((p) => p.part === 'calendar')?.attention?.kind).toBe('massDelete');
      // why: each was deleted in ABRA (the card's summary and its list say so)
      expect(r.pendingDeletes?.byReason).toEqual({ deletedInAbra: k });
      expect(r.pendingDeletes?.reasons).toEqual(Array(Math.min(k, 200)).fill('deletedInAbra'));

      const c = await s.confirmMassDelete('calendar');
      expect(c.result).toBe('ok');
      expect(c.counts.exchange.deleted).toBe(k);
      const left = w.outlook.appointments();
      for (const v of victims) expect(left.some((a) => a.id === v.id)).toBe(false);
      expect(left.filter((a) => a.abraId)).toHaveLength(n - k);
      expect(s.status().parts.find((p) => p.part === 'calendar')?.attention).toBeUndefined();
    });

    it('a meeting that leaves the filter (type or solver changed) is unlinked: the appointment stays, later ABRA edits no longer reach it', async () => {
      const c = w.abra.control;
      const s = await w.service();
      await w.run(s);
      const retyped = await linkedMeeting(s, 'Schůzka se stane telefonátem');
      const handedOver = await linkedMeeting(s, 'Schůzku převezme kolega');
      const before = {
        retyped: view(w, retyped.apptId)!,
        handedOver: view(w, handedOver.apptId)!,
      };
      const tel = String(c.list('crmactivitytypes').find((t) => t.code === 'TEL')!.id);
      const colleague = c.users().find((u) => u.id !== w.ids.me)!;
      expect(colleague, 'the ABRA seed has a second user').toBeDefined();
      c.update('crmactivities', retyped.actId, { activitytype_id: tel });
      c.update('crmactivities', handedOver.actId, { solveruser_id: colleague.id });

      w.resetExchangeLog();
      const r = (await w.run(s, 'calendar')).calendar!;
      expect(r.result).toBe('ok');
      expect(r.counts.unlinked).toBe(2);
      expect(r.counts.exchange.deleted + r.counts.exchange.updated).toBe(0);
      expect(w.exchangeWrites()).toBe(0); // no cancellation, no update, nothing
      expect(view(w, retyped.apptId)).toEqual(before.retyped);
      expect(view(w, handedOver.apptId)).toEqual(before.handedOver);
      expect(c.get('crmactivities', retyped.actId)).toBeDefined();
      expect(c.get('crmactivities', handedOver.actId)).toBeDefined();

      c.update('crmactivities', retyped.actId, { subject: 'Telefonát – upraveno v ABRA' });
      c.update('crmactivities', handedOver.actId, {
        subject: 'Kolegova schůzka – upraveno v ABRA',
        sheduledstart$date: at(6, 12),
        sheduledend$date: at(6, 13),
      });
      const r2 = (await w.run(s, 'calendar')).calendar!;
      expect(r2.result).toBe('ok');
      expect(r2.counts.exchange.updated + r2.counts.exchange.created + r2.counts.exchange.deleted).toBe(0);
      expect(view(w, retyped.apptId)).toEqual(before.retyped);
      expect(view(w, handedOver.apptId)).toEqual(before.handedOver);
      // and the appointments left behind do not come back as new activities
      expect(c.list('crmactivities', `subject = 'Schůzka se stane telefonátem'`)).toHaveLength(0);
      expect(c.list('crmactivities', `subject = 'Schůzku převezme kolega'`)).toHaveLength(0);
      expect(c.get('crmactivities', retyped.actId)?.subject).toBe('Telefonát – upraveno v ABRA');
    });

    it('DST in Europe/Prague: a weekly 09:00 series across 28 March 2027 keeps 09:00 local in ABRA; an ABRA meeting at 07:00Z shows at 09:00 in Prague', async () => {
      const s = await w.service();
      await w.run(s, 'calendar');
      const subject = 'Týdenní porada přes změnu času';
      // Monday 15 March 2027, 09:00 CET (= 08:00Z), weekly, 4 occurrences: 15, 22 March (CET), 29 March, 5 April (CEST)
      if (w.ews) {
        w.ews.control.createAppointment({
          subject,
          start: '2027-03-15T08:00:00Z',
          end: '2027-03-15T09:00:00Z',
          timeZone: 'Central Europe Standard Time',
          recurrence: { pattern: 'weekly', interval: 1, days: ['Monday'], numberOfOccurrences: 4 },
        });
      } else {
        w.graph!.control.createWeeklySeries({
          subject,
          start: '2027-03-15T08:00:00Z',
          durationMinutes: 60,
          count: 4,
          timeZone: 'Europe/Prague',
        });
      }
      const r = (await w.run(s, 'calendar')).calendar!;
      expect(r.result).toBe('ok');
      const acts = w.abra.control
        .list('crmactivities', `subject = '${subject}'`)
        .map((a) => ({
          start: new Date(ms(a['sheduledstart$date'])).toISOString(),
          end: ms(a['sheduledend$date']),
        }))
        .sort((a, b) => a.start.localeCompare(b.start));
      expect(acts.map((a) => a.start)).toEqual([
        '2027-03-15T08:00:00.000Z',
        '2027-03-22T08:00:00.000Z',
        '2027-03-29T07:00:00.000Z',
        '2027-04-05T07:00:00.000Z',
      ]);
      for (const a of acts) expect(a.end - ms(a.start)).toBe(3600_000);

      const act = abraMeeting(
        'Schůzka po změně času',
        '2027-03-29T07:00:00.000Z',
        '2027-03-29T08:00:00.000Z',
      );
      const r2 = (await w.run(s, 'calendar')).calendar!;
      expect(r2.counts.exchange.created).toBe(1);
      const appt = appointmentOf(String(act.id))!;
      expect(appt).toBeDefined();
      const o = view(w, appt.id)!;
      expect(o.start).toBe('2027-03-29T07:00:00.000Z');
      expect(o.end).toBe('2027-03-29T08:00:00.000Z');
      expect(pragueHour(o.start)).toBe(9);
      // nothing travels back: the series' activities and the new appointment are stable
      const r3 = (await w.run(s, 'calendar')).calendar!;
      expect(r3.counts.abra.updated + r3.counts.exchange.updated).toBe(0);
    });

    it("address book both ways: Outlook edits of a person's job title and mobile and of a firm's name reach the right ABRA fields", async () => {
      const c = w.abra.control;
      const s = await w.service((cfg) => {
        cfg.parts.addressBook.direction = 'both';
      });
      await w.run(s, 'addressBook');
      const firm = c
        .list('firms', 'firm_id = null and hidden = false')
        .find((f) =>
          ((f.firmpersons as { person_id: string }[] | undefined) ?? []).some(
            (fp) => c.get('persons', fp.person_id)?.hidden !== true,
          ),
        )!;
      const firmId = String(firm.id);
      const personId = (firm.firmpersons as { person_id: string }[])
        .map((fp) => fp.person_id)
        .find((id) => c.get('persons', id)?.hidden !== true)!;
      const personBefore = c.get('persons', personId)!;
      const contacts = w.outlook.contacts();
      const personContact = contacts.find((x) => x.abraId === `${firmId}:${personId}`)!;
      const firmContact = contacts.find((x) => x.abraId === firmId)!;
      expect(personContact).toBeDefined();
      expect(firmContact).toBeDefined();

      edit(w, personContact.id, { jobTitle: 'Vedoucí nákupu', mobilePhone: '+420 777 123 456' });
      edit(w, firmContact.id, { companyName: 'Nový název firmy s.r.o.' });
      const r = (await w.run(s, 'addressBook')).addressBook!;
      expect(r.result).toBe('ok');
      expect(r.counts.abra.updated).toBe(2);

      const person = c.get('persons', personId)!;
      expect(person.grade).toBe('Vedoucí nákupu');
      const addr = person.address_id as Obj;
      expect(addr.phonenumber2).toBe('+420 777 123 456');
      // the rest of the person's address is untouched
      expect(addr.email).toBe((personBefore.address_id as Obj).email);
      expect(person.firstname).toBe(personBefore.firstname);
      expect(c.get('firms', firmId)!.name).toBe('Nový název firmy s.r.o.');

      // the firm's new name reaches its person contacts; then everything is at rest
      await w.run(s, 'addressBook');
      expect(w.outlook.contacts().find((x) => x.id === personContact.id)?.company).toBe(
        'Nový název firmy s.r.o.',
      );
      const again = (await w.run(s, 'addressBook')).addressBook!;
      expect(again.counts.abra.updated + again.counts.exchange.updated).toBe(0);
      expect(c.get('persons', personId)!.grade).toBe('Vedoucí nákupu');
    });

    describe('private Outlook appointments', () => {
      it("keepPrivate: a private appointment becomes a private ABRA activity (isprivate); a normal one doesn't", async () => {
        const s = await w.service();
        await w.run(s, 'calendar');
        createAppointment(w, { subject: 'Lékař', start: at(3, 7), end: at(3, 8), private: true });
        createAppointment(w, { subject: 'Schůzka Veřejná', start: at(3, 10), end: at(3, 11) });
        const r = (await w.run(s, 'calendar')).calendar!;
        expect(r.result).toBe('ok');
        const priv = w.abra.control.list('crmactivities', `subject = 'Lékař'`);
        expect(priv).toHaveLength(1);
        expect(priv[0]!.isprivate).toBe(true);
        const pub = w.abra.control.list('crmactivities', `subject = 'Schůzka Veřejná'`);
        expect(pub).toHaveLength(1);
        expect(pub[0]!.isprivate).toBe(false);
      });

      it('skip: a private appointment is not synced to ABRA, a normal one is', async () => {
        const s = await w.service((c) => {
          c.parts.calendar.privateItems = 'skip';
        });
        await w.run(s, 'calendar');
        const privId = createAppointment(w, {
          subject: 'Lékař',
          start: at(3, 7),
          end: at(3, 8),
          private: true,
        });
        createAppointment(w, { subject: 'Schůzka Veřejná', start: at(3, 10), end: at(3, 11) });
        const r = (await w.run(s, 'calendar')).calendar!;
        expect(r.result).toBe('ok');
        expect(r.counts.abra.created).toBe(1);
        expect(w.abra.control.list('crmactivities', `subject = 'Lékař'`)).toHaveLength(0);
        expect(w.abra.control.list('crmactivities', `subject = 'Schůzka Veřejná'`)).toHaveLength(1);
        // and it stays out when the user edits it later
        edit(w, privId, { subject: 'Lékař – kontrola' });
        await w.run(s, 'calendar');
        expect(w.abra.control.list('crmactivities', `subject = 'Lékař – kontrola'`)).toHaveLength(0);
        expect(view(w, privId)!.subject).toBe('Lékař – kontrola');
      });
    });

    it('opt-in category: only Outlook appointments tagged "ABRA" become activities; tagging one later brings it over', async () => {
      const s = await w.service((c) => {
        c.parts.calendar.newItemsCategory = 'ABRA';
      });
      await w.run(s, 'calendar');
      const personal = createAppointment(w, { subject: 'Kadeřník', start: at(4, 7), end: at(4, 8) });
      createAppointment(w, {
        subject: 'Prezentace u zákazníka',
        start: at(4, 10),
        end: at(4, 11),
        categories: ['ABRA'],
      });
      const r = (await w.run(s, 'calendar')).calendar!;
      expect(r.result).toBe('ok');
      expect(r.counts.abra.created).toBe(1);
      expect(w.abra.control.list('crmactivities', `subject = 'Prezentace u zákazníka'`)).toHaveLength(1);
      expect(w.abra.control.list('crmactivities', `subject = 'Kadeřník'`)).toHaveLength(0);
      edit(w, personal, { categories: ['ABRA'] });
      await w.run(s, 'calendar');
      expect(w.abra.control.list('crmactivities', `subject = 'Kadeřník'`)).toHaveLength(1);
    });
  });
}
