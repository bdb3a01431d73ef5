/**
 * Persons without changed-since fields. No source shows CreatedAt$DATE/CorrectedAt$DATE on persons (ABRA's
 * apisandbox person page lists none; ../shared/notes/abra-fields-audit.md "Osoba"), and a real server refuses an
 * unknown where column with 400 NxError 15. The address book must still see a person's edit on the next run: with
 * the fields it asks ABRA what changed; without them it compares the linked persons by hash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../world/harness';

for (const audit of [false, true]) {
  describe(`persons ${audit ? 'with' : 'without'} createdat$date/correctedat$date`, () => {
    let w: World;
    afterEach(async () => {
      await w?.stop();
    });

    it('an ABRA edit of a linked person reaches its contact on the next run; nothing else is written', async () => {
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
