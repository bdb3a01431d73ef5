/**
 * List reads vs single-record reads. Real captures (../shared/notes/abra-fields-audit.md, securityusers list in
 * ABRA-MobileCRM sprint-3b0 results) show an owned address in a LIST row as its id string; only a full GET of one
 * record embeds owned objects and collections (firms/{id} with firmpersons, contact-model.md). ABRA's documentation
 * names the nested values with select paths (`ResidenceAddress_ID.EMail`) and `expand=firmoffices(id,address_id.street)`
 * (official e-shop Postman collection, ../shared/notes/abra-gen-api.md §5.1). Every part must work whichever way a
 * server answers: each runs here against both list shapes of the emulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageIdOf } from '../mail/abra-records';
import { startWorld, type World } from '../world/harness';

type Row = Record<string, unknown>;
const obj = (v: unknown): Row => (v && typeof v === 'object' ? (v as Row) : {});

for (const shape of ['ids', 'embedded'] as const) {
  describe(`ABRA list rows ${shape === 'ids' ? 'with owned objects as id strings (real)' : 'with everything embedded'}`, () => {
    let w: World;
    afterEach(async () => {
      await w?.stop();
    });

    it('the emulator answers list and detail reads in this shape', async () => {
      w = await startWorld({ abraListShape: shape });
      const auth = `Basic ${Buffer.from(`${w.abra.user}:${w.abra.password}`).toString('base64')}`;
      const get = async (p: string) =>
        (await (await fetch(`${w.abra.url}/${p}`, { headers: { authorization: auth } })).json()) as Row &
          Row[];
      const [row] = await get('firms?take=1&where=firm_id%20%3D%20null');
      const detail = await get(`firms/${String(row!.id)}`);
      expect(typeof detail.residenceaddress_id).toBe('object');
      expect(Array.isArray(detail.firmpersons)).toBe(true);
      if (shape === 'ids') {
        expect(typeof row!.residenceaddress_id).toBe('string');
        expect(row!.firmpersons).toBeUndefined();
      } else {
        expect(typeof row!.residenceaddress_id).toBe('object');
      }
      const [asked] = await get(
        `firms?take=1&where=firm_id%20%3D%20null&select=id,residenceaddress_id.email&expand=firmpersons(person_id)`,
      );
      expect(asked!['residenceaddress_id.email']).toBe(obj(detail.residenceaddress_id).email);
      expect(asked!.firmpersons).toEqual(
        (detail.firmpersons as Row[]).map((fp) => ({ person_id: fp.person_id })),
      );
    });

    it('address book: company and person contacts carry the e-mails and phones from ABRA', async () => {
      w = await startWorld({ abraListShape: shape });
      const r = await w.run(await w.service(), 'addressBook');
      expect(r.addressBook?.result).toBe('ok');
      const contacts = w.outlook.contacts();
      const firms = w.abra.control
        .list('firms', 'firm_id = null and hidden = false')
        .filter((f) => obj(f.residenceaddress_id).email);
      expect(firms.length).toBeGreaterThan(0);
      for (const f of firms.slice(0, 5)) {
        const c = contacts.find((x) => x.abraId === f.id)!;
        expect(c.emails, String(f.name)).toContain(String(obj(f.residenceaddress_id).email));
      }
      const person = w.abra.control.list('persons', 'hidden = false').find((p) => obj(p.address_id).email)!;
      const pc = contacts.find((x) => x.abraId?.endsWith(`:${String(person.id)}`));
      if (pc) expect(pc.emails).toContain(String(obj(person.address_id).email));
    });

    it('calendar and tasks: the first run reads and syncs activities', async () => {
      w = await startWorld({ abraListShape: shape });
      const r = await w.run(await w.service());
      expect(r.calendar?.result).toBe('ok');
      expect(r.tasks?.result).toBe('ok');
      expect(w.outlook.appointments().length + w.outlook.tasks().length).toBeGreaterThan(0);
    });

    it('e-mail: a message from a firm person is assigned to that firm and person', async () => {
      w = await startWorld({ abraListShape: shape });
      const firm = w.abra.control
        .list('firms', 'firm_id = null and hidden = false')
        .find((f) => (f.firmpersons as Row[]).length > 0)!;
      const personId = String((firm.firmpersons as Row[])[0]!.person_id);
      const email = String(obj(w.abra.control.get('persons', personId)!.address_id).email);
      expect(email).toContain('@');
      const msgId = `<shape-${shape}-${Date.now()}@example.org>`;
      w.outlook.deliverMail(
        [
          `From: <${email}>`,
          `To: ${w.exchangeEmail}`,
          'Subject: Objednávka',
          `Date: ${new Date(Date.now() - 3600_000).toUTCString()}`,
          `Message-ID: ${msgId}`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Dobrý den.',
          '',
        ].join('\r\n'),
      );
      const r = await w.run(await w.service(), 'mail');
      expect(r.mail?.result).toBe('ok');
      const rec = w.abra.control
        .list('emailsreceiveds')
        .find((e) => messageIdOf(w.abra.control, e) === msgId)!;
      expect(rec.person_id).toBe(personId);
      expect(rec.firm_id).toBeTruthy();
    });
  });
}
