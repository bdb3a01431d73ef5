/**
 * End to end against the ABRA emulator over HTTP: ABRA's real e-mail agendas (emailsreceiveds / emailsents with
 * recipient and attachment rows, attachment content objects, e-mail accounts, relations 1271/1272 — #14,
 * ../shared/notes/abra-fields-audit.md §(a)–(c)), activities with business validation, two mailboxes archiving into
 * one ABRA. The mailbox side is the in-memory FakeMailbox (the Exchange backends run the same corpus in test/e2e).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src-main/sync/config';
import { ORIGINAL_EML } from '../../src-main/sync/parts/mail/archive';
import { mailPart } from '../../src-main/sync/parts/mail/part';
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
let janAccount: string;
let evaAccount: string;
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
  // the own e-mail accounts an ABRA admin sets up for the two colleagues (matched to the mailbox by address)
  janAccount = c.insert('emailaccounts', { name: 'Jan', emailaddress: 'jan.novak@firma.cz', accounttype: 0 })
    .id as string;
  evaAccount = c.insert('emailaccounts', { name: 'Eva', emailaddress: 'Eva.Mala@firma.cz', accounttype: 0 })
    .id as string;
  c.insertOwned('firms', kovoId, 'firmpersons', {
    person_id: personId,
    address_id: { email: 'petr.stastny@kovo-brno.cz' },
  });
});
afterAll(async () => {
  for (const s of stores) s.close();
  await emu?.stop();
});

function ctx(
  mb: FakeMailbox,
  meId: string,
  abra: AbraPort = port,
  mail: Record<string, unknown> = {},
): RunContext {
  const state = StateStore.open(':memory:');
  stores.push(state);
  return {
    config: parseConfig({
      abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'x' },
      exchange: { email: mb.email },
      parts: { mail: { enabled: true, activityTypeId: typeId, queueId, startDate: '2026-11-01', ...mail } },
    }),
    abra,
    exchange: mb,
    state,
    me: { id: meId },
    now: () => new Date('2026-12-01T08:00:00.000Z'),
    progress: () => undefined,
  };
}

type Row = Record<string, unknown>;
const rowsOf = (o: Row, k: string) => (o[k] as Row[] | undefined) ?? [];

/** The CRM activity a relation (1271 received / 1272 sent; left = activity, right = e-mail) links to an e-mail. */
function activityOf(e: AbraEmulator, emailId: string, relDef: number): Row | undefined {
  const rel = e.control.list('relations').filter((r) => r.rightside_id === emailId && r.rel_def === relDef);
  expect(rel).toHaveLength(1);
  return e.control.get('crmactivities', rel[0]!.leftside_id as string);
}

/** The bytes of a sent attachment row (its content object) or a received one (inline). */
function contentOf(e: AbraEmulator, row: Row): Buffer | null {
  if (row.content_id) {
    const c = e.control.get('emailsentattachcontents', row.content_id as string);
    return c ? Buffer.from(c.blobdata as string, 'base64') : null;
  }
  return row.blobdata ? Buffer.from(row.blobdata as string, 'base64') : null;
}

describe('e-mail archive end to end (ABRA emulator, real e-mail agendas)', () => {
  it('two mailboxes, one ABRA: each message once in emailsreceiveds/emailsents, real fields, linked to both users by relations, nothing sent', async () => {
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
    // Eva received Jan's reply: found in emailsents (same subject, date and body) and linked, not stored again
    const r2 = await mailPart.run(ctx(eva, evaId), {});
    expect(r2.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 0, updated: 1 } } });

    const received = emu.control.list('emailsreceiveds');
    const sent = emu.control.list('emailsents');
    expect(received).toHaveLength(6);
    expect(sent).toHaveLength(1);
    const s = sent[0]!;
    // stored as already sent, on Jan's own account, recipients as rows (0 To, 1 Cc)
    expect(s).toMatchObject({
      subject: 'Re: Poptávka ložisek',
      sentstate: 2,
      emailaccount_id: janAccount,
      firm_id: kovoId,
      person_id: personId,
      bodysavedas: 0,
    });
    expect(rowsOf(s, 'recipients').map((r) => [r.email, r.emailtype])).toEqual([
      ['petr.stastny@kovo-brno.cz', 0],
      ['eva.mala@firma.cz', 1],
      ['nakup@kovo-brno.cz', 1],
    ]);
    const act = activityOf(emu, s.id as string, 1272)!;
    expect(act).toMatchObject({
      firm_id: kovoId,
      activitytype_id: typeId,
      actqueue_id: queueId,
      subject: 'Re: Poptávka ložisek',
    });
    expect(act.participants).toEqual([{ securityuser_id: evaId }]);
    // attachments with content; the original message as .eml (nothing lost)
    const att = rowsOf(s, 'attachments');
    expect(att.map((a) => a.filename)).toEqual(['Nabídka ložisek.pdf', ORIGINAL_EML]);
    expect(att[0]!.filesize).toBeGreaterThan(0);
    expect(contentOf(emu, att[0]!)?.length).toBe(att[0]!.filesize);
    expect(contentOf(emu, att[1]!)?.equals(reply)).toBe(true);

    const cp = received.find((e) => e.subject === 'Poptávka ložisek')!;
    expect(cp).toMatchObject({
      sender: 'petr.stastny@kovo-brno.cz',
      emailaccount_id: janAccount,
      firm_id: kovoId,
      person_id: personId,
    });
    expect(activityOf(emu, cp.id as string, 1271)?.firm_id).toBe(kovoId);
    expect(
      contentOf(emu, rowsOf(cp, 'attachments').find((a) => a.filename === ORIGINAL_EML)!)?.equals(
        corpus('cp1250-qp.eml'),
      ),
    ).toBe(true);
    // the delivery report is not archived
    expect(received.some((e) => String(e.sender).startsWith('mailer-daemon'))).toBe(false);
    // the 20 MB attachment: a row with name and size, no content; the .eml without it; the note says so
    const big = received.find((e) => e.subject === 'Výkresy')!;
    const bigAtt = rowsOf(big, 'attachments');
    expect(bigAtt[0]).toMatchObject({ filename: 'vykresy.zip', filesize: 20 * 1024 * 1024, blobdata: '' });
    expect(contentOf(emu, bigAtt[1]!)!.length).toBeLessThan(5000);
    expect(String(activityOf(emu, big.id as string, 1271)?.description)).toContain('nearchivováno');
    const broken = received.find(
      (e) => e.sender === 'objednavky@stavby-olomouc.cz' || e.subject === 'Objednávka žárovek',
    );
    expect(broken?.subject).toBe('Objednávka žárovek');

    // the free-mail sender waits in the queue; assign it by hand for the address
    const janCtx = ctx(jan, janId);
    await mailPart.run(janCtx, {}); // a fresh state file: everything found again, nothing created
    expect(emu.control.list('emailsreceiveds')).toHaveLength(received.length);
    expect(emu.control.list('emailsents')).toHaveLength(1);
    const q = mailPart.listUnassigned!(janCtx);
    const free = q.find((x) => x.address === 'jiri.cerny@seznam.cz')!;
    await mailPart.assign!(janCtx, free.id, kovoId, null, true);
    const e = emu.control.list('emailsreceiveds').find((x) => x.sender === 'jiri.cerny@seznam.cz')!;
    expect(e.firm_id).toBe(kovoId);
    expect(activityOf(emu, e.id as string, 1271)?.firm_id).toBe(kovoId);
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
    expect(emu.control.list('emailsreceiveds').find((x) => x.subject === 'Další')?.firm_id).toBe(kovoId);
    // Eva's mail is filed under her own account
    eva.deliver(
      'Sent Items',
      simpleMime({
        messageId: '<eva-1@firma.cz>',
        from: 'eva.mala@firma.cz',
        to: 'info@kovo-brno.cz',
        subject: 'Od Evy',
      }),
    );
    await mailPart.run(ctx(eva, evaId), {});
    expect(emu.control.list('emailsents').find((x) => x.subject === 'Od Evy')?.emailaccount_id).toBe(
      evaAccount,
    );

    // every e-mail field the product named is a real (metadata) or graded field; and ABRA sent nothing
    expect(
      emu
        .fieldUsage()
        .filter((f) =>
          /\.(messageid|crmactivity_id|fromaddress|toaddresses|ccaddresses|rawmessage|messagesize|isread)$/.test(
            f,
          ),
        ),
    ).toEqual([]);
    expect(emu.sentMails()).toEqual([]);
    // no look-up carried a message's values in a URL
    const gets = emu.log.entries().filter((x) => x.method === 'GET' && /email|relations/.test(x.collection));
    expect(gets.filter((x) => /subject|sender|docdate/i.test(decodeURIComponent(x.query)))).toEqual([]);
  });
});
