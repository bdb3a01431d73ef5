/**
 * End to end against the real ABRA emulator over HTTP (e-mail storage collections, activities with business
 * validation) with two mailboxes archiving into one ABRA. The mailbox side is the in-memory FakeMailbox until the
 * EWS emulator lands (see docs/mail.md "Tests").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src-main/sync/config';
import { mailPart } from '../../src-main/sync/parts/mail';
import type { AbraPort, RunContext } from '../../src-main/sync/ports';
import { StateStore } from '../../src-main/sync/state/store';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';
import { abraPort } from './abra-port';
import { corpus, simpleMime, withAttachment } from './corpus';
import { FakeMailbox } from './fakes';

let emu: AbraEmulator;
let port: AbraPort;
let typeId: string;
let queueId: string;
let kovoId: string;
let personId: string;
const stores: StateStore[] = [];

beforeAll(async () => {
  emu = await startAbraEmulator({ seed: 7, size: 'small', now: '2026-12-01T08:00:00.000Z' });
  port = abraPort(emu.url, emu.user, emu.password);
  const c = emu.control;
  const type = c.list('crmactivitytypes').find((t) => t.code === 'MAIL')!;
  const role = c.list('securityroles')[0]!;
  const division = c.list('divisions')[0]!;
  // what an ABRA admin sets up for the archive: the type's default solver role and division
  c.update('crmactivitytypes', type.id as string, { solverrole_id: role.id, division_id: division.id });
  typeId = type.id as string;
  queueId = c.list('crmactivityqueues').find((q) => q.code === 'EML')!.id as string;
  const person = c.insert('persons', { firstname: 'Petr', lastname: 'Šťastný' });
  personId = person.id as string;
  const firm = c.insert('firms', {
    code: 'KOVO-E2E',
    name: 'Kovo Brno E2E s.r.o.',
    wwwaddress: 'https://www.kovo-brno.cz',
    electronicaddress_id: { email: 'info@kovo-brno.cz' },
  });
  kovoId = firm.id as string;
  c.insertOwned('firms', kovoId, 'firmpersons', {
    person_id: personId,
    address_id: { email: 'petr.stastny@kovo-brno.cz' },
  });
});
afterAll(async () => {
  for (const s of stores) s.close();
  await emu?.stop();
});

function ctx(mb: FakeMailbox, meId: string): RunContext {
  const state = StateStore.open(':memory:');
  stores.push(state);
  return {
    config: parseConfig({
      abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'x' },
      exchange: { email: mb.email },
      parts: { mail: { enabled: true, activityTypeId: typeId, queueId, startDate: '2026-11-01' } },
    }),
    abra: port,
    exchange: mb,
    state,
    me: { id: meId },
    now: () => new Date('2026-12-01T08:00:00.000Z'),
    progress: () => undefined,
  };
}

describe('e-mail archive end to end (ABRA emulator)', () => {
  it('two mailboxes, one ABRA: each message once, linked to both users, assigned, MIME stored', async () => {
    const users = emu.control.users();
    const janId = emu.currentUserId;
    const evaId = (users.find((u) => u.id !== janId) ?? users[0])!.id;
    const jan = new FakeMailbox('jan.novak@firma.cz');
    const eva = new FakeMailbox('eva.mala@firma.cz');
    const reply = corpus('sent-reply-attachment.eml'); // Jan → Kovo, Cc Eva
    jan.deliver('Sent Items', reply);
    eva.deliver('Inbox', reply);
    jan.deliver('Inbox', corpus('cp1250-qp.eml'));
    jan.deliver('Inbox', corpus('iso88592-html-freemail.eml'));
    jan.deliver('Inbox', corpus('invitation.eml'));
    jan.deliver('Inbox', corpus('bounce-ndr.eml'));
    jan.deliver('Inbox', corpus('forward.eml'));
    jan.deliver('Inbox', corpus('broken.eml'));
    jan.deliver('Inbox', withAttachment({ bytes: 20 * 1024 * 1024, messageId: '<big-e2e@kovo-brno.cz>' }));

    const r1 = await mailPart.run(ctx(jan, janId), {});
    expect(r1.summary.failures).toEqual([]);
    expect(r1.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 7 } } });
    const r2 = await mailPart.run(ctx(eva, evaId), {});
    expect(r2.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 0, updated: 1 } } });

    const received = emu.control.list('emailsreceiveds');
    const sent = emu.control.list('emailsents');
    const ids = [...received, ...sent].map((e) => e.messageid);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sent.map((e) => e.messageid)).toEqual(['<reply-1@firma.cz>']);
    const s = sent[0]!;
    expect(s).toMatchObject({ firm_id: kovoId, person_id: personId });
    const act = emu.control.get('crmactivities', s.crmactivity_id as string)!;
    expect(act).toMatchObject({
      firm_id: kovoId,
      activitytype_id: typeId,
      actqueue_id: queueId,
      subject: 'Re: Poptávka ložisek',
    });
    expect(act.participants).toEqual([{ securityuser_id: evaId }]);
    expect(Buffer.from(s.rawmessage as string, 'base64').equals(reply)).toBe(true);
    expect((s.attachments as { filename: string }[]).map((a) => a.filename)).toEqual(['Nabídka ložisek.pdf']);

    const cp = received.find((e) => e.messageid === '<cp1250-1@kovo-brno.cz>')!;
    expect(cp).toMatchObject({ subject: 'Poptávka ložisek', firm_id: kovoId, person_id: personId });
    expect(received.find((e) => e.messageid === '<ndr-1@mx.firma.cz>')).toBeUndefined();
    const big = received.find((e) => e.messageid === '<big-e2e@kovo-brno.cz>')!;
    expect(big.messagesize as number).toBeLessThan(5000);
    expect((big.attachments as { size: number }[])[0]?.size).toBe(20 * 1024 * 1024);
    const broken = received.find((e) => e.messageid === '<broken-1@stavby-olomouc.cz>')!;
    expect(broken.subject).toBe('Objednávka žárovek');

    // the free-mail sender waits in the queue; assign it by hand for the address
    const janCtx = ctx(jan, janId);
    await mailPart.run(janCtx, {}); // a fresh state file: everything found by Message-ID, nothing created
    expect(emu.control.list('emailsreceiveds')).toHaveLength(received.length);
    const q = mailPart.listUnassigned!(janCtx);
    const free = q.find((x) => x.address === 'jiri.cerny@seznam.cz')!;
    await mailPart.assign!(janCtx, free.id, kovoId, null, true);
    const e = emu.control.list('emailsreceiveds').find((x) => x.messageid === '<iso2-1@seznam.cz>')!;
    expect(e.firm_id).toBe(kovoId);
    expect(emu.control.get('crmactivities', e.crmactivity_id as string)?.firm_id).toBe(kovoId);
    jan.deliver(
      'Inbox',
      simpleMime({
        messageId: '<later@seznam.cz>',
        from: 'jiri.cerny@seznam.cz',
        to: 'jan.novak@firma.cz',
        subject: 'Další',
      }),
    );
    await mailPart.run(janCtx, {});
    expect(
      emu.control.list('emailsreceiveds').find((x) => x.messageid === '<later@seznam.cz>')?.firm_id,
    ).toBe(kovoId);
  });
});
