/**
 * Persons without changed-since fields. No source shows CreatedAt$DATE/CorrectedAt$DATE on persons (ABRA's
 * apisandbox person page lists none; ../shared/notes/abra-fields-audit.md "Osoba"), and a real server refuses an
 * unknown where column with 400 NxError 15. The address book must still see a person's edit on the next run: with
 * the fields it asks ABRA what changed; without them it compares the linked persons by hash, on the schedule of the
 * deletion scan (`safety.abraDeletionScanMinutes`): such an edit arrives within that interval.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../world/harness';

for (const audit of [false, true]) {
  describe(`persons ${audit ? 'with' : 'without'} createdat$date/correctedat$date`, () => {
    let w: World;
    afterEach(async () => {
      await w?.stop();
    });

    it('an ABRA edit of a linked person reaches its contact (next run / next comparison); nothing else is written', async () => {
      w = await startWorld({ abraPersonAuditDates: audit });
      const s = await w.service((c) => {
        c.parts.calendar.enabled = false;
        c.parts.tasks.enabled = false;
        c.parts.mail.enabled = false;
      });
      expect((await w.run(s, 'addressBook')).addressBook?.result).toBe('ok');
      const contact = w.outlook.contacts().find((c) => c.abraId?.includes(':'))!;
      const personId = contact.abraId!.split(':')[1]!;

      // nothing changed: a run writes nothing
      w.resetExchangeLog();
      expect((await w.run(s, 'addressBook')).addressBook?.result).toBe('ok');
      expect(w.exchangeWrites()).toBe(0);

      w.abra.control.update('persons', personId, { address_id: { email: 'nova.adresa@example.org' } });
      if (!audit) {
        // Without the fields the linked persons are compared on the deletion scan's schedule (docs/sync-engine.md),
        // not every run: within the interval a run reads no person and the edit waits…
        w.abra.log.reset();
        expect((await w.run(s, 'addressBook')).addressBook?.result).toBe('ok');
        expect(w.abra.log.entries().filter((e) => e.collection === 'persons')).toEqual([]);
        expect(w.outlook.contacts().find((c) => c.abraId === contact.abraId)?.emails).not.toContain(
          'nova.adresa@example.org',
        );
        // …and the first run once the interval has passed brings it (the last comparison back-dated by an hour)
        const cur = JSON.parse(s.state.getCursor('addressBook', 'abra') ?? '{}') as {
          personsComparedAt?: string;
        };
        expect(cur.personsComparedAt).toBeTruthy();
        const hourAgo = new Date(Date.parse(cur.personsComparedAt ?? '') - 60 * 60_000).toISOString();
        s.state.setCursor('addressBook', 'abra', JSON.stringify({ ...cur, personsComparedAt: hourAgo }));
      }
      w.abra.log.reset();
      const r = (await w.run(s, 'addressBook')).addressBook!;
      expect(r.result).toBe('ok');
      const after = w.outlook.contacts().find((c) => c.abraId === contact.abraId)!;
      expect(after.emails).toContain('nova.adresa@example.org');
      const personQueries = w.abra.log
        .entries()
        .filter(
          (e) => e.collection === 'persons' && decodeURIComponent(e.query).includes('correctedat$date'),
        );
      if (audit) expect(personQueries.every((e) => e.status === 200)).toBe(true);
      // without the fields the refused query is not repeated once the server said no
      else expect(personQueries).toEqual([]);
    });
  });
}
