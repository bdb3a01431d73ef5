import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type SyncConfig } from '../../src-main/sync/config';
import { EMAILS_RECEIVED, EMAILS_SENT } from '../../src-main/sync/parts/mail/abra';
import { ORIGINAL_EML } from '../../src-main/sync/parts/mail/archive';
import { PARSE_BUDGET_MS } from '../../src-main/sync/parts/mail/batch';
import { createMailPart, mailPart } from '../../src-main/sync/parts/mail/part';
import type { RunContext } from '../../src-main/sync/ports';
import { SyncService } from '../../src-main/sync/service';
import { StateStore } from '../../src-main/sync/state/store';
import { writeV1StateFile } from '../sync/state-v1';
import { corpus, simpleMime, withAttachment } from './corpus';
import { FakeMailbox, FaultyAbra } from './fakes';
import { manyParts } from './hostile';

const JAN = 'USER000001';
const EVA = 'USER000002';
let dir: string;
let abra: FaultyAbra;
const stores: StateStore[] = [];

function config(email: string, mail: Record<string, unknown> = {}): SyncConfig {
  return parseConfig({
    abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'jan' },
    exchange: { email },
    parts: {
      addressBook: { enabled: false },
      calendar: { enabled: false },
      tasks: { enabled: false },
      mail: {
        enabled: true,
        activityTypeId: 'TYPMAIL001',
        queueId: 'QUEUEML001',
        // a real ABRA requires solver role and division on the archive's activities (810 / 824)
        solverRoleId: 'ROLE000001',
        divisionId: 'DIVISION01',
        startDate: '2026-11-01',
        emailAccountId: 'ACCOUNT001',
        ...mail,
      },
    },
  });
}

function ctxFor(
  mailbox: FakeMailbox,
  me: string,
  mail: Record<string, unknown> = {},
  state?: StateStore,
): RunContext {
  const st = state ?? StateStore.open(':memory:');
  if (!state) stores.push(st);
  return {
    config: config(mailbox.email, mail),
    abra,
    exchange: mailbox,
    state: st,
    me: { id: me },
    now: () => new Date('2026-12-01T08:00:00.000Z'),
    progress: () => undefined,
  };
}

const run = (ctx: RunContext) => mailPart.run(ctx, {});
const emails = () => [...abra.coll(EMAILS_RECEIVED).values(), ...abra.coll(EMAILS_SENT).values()];
const activities = () => [...abra.coll('crmactivities').values()];
type Row = Record<string, unknown>;
/** The activity a relation (1271/1272, left = activity, right = e-mail) links to an e-mail record. */
const actOf = (e: Row) =>
  abra
    .coll('crmactivities')
    .get(String([...abra.coll('relations').values()].find((r) => r.rightside_id === e.id)?.leftside_id));
/** The stored original message (.eml attachment: inline on received mail, a content object on sent mail). */
const emlOf = (e: Row): Buffer | null => {
  const a = ((e.attachments as Row[]) ?? []).find((x) => x.filename === ORIGINAL_EML);
  if (!a) return null;
  const b64 = a.content_id
    ? abra.coll('emailsentattachcontents').get(String(a.content_id))?.blobdata
    : a.blobdata;
  return Buffer.from(String(b64 ?? ''), 'base64');
};

function seedAbra() {
  const kovo = abra.insert('firms', {
    id: 'FIRM000001',
    name: 'Kovo Brno s.r.o.',
    firm_id: null,
    hidden: false,
    wwwaddress: 'www.kovo-brno.cz',
    electronicaddress_id: { email: 'info@kovo-brno.cz' },
    firmpersons: [
      { id: 'FP00000001', person_id: 'PERS000001', address_id: { email: 'petr.stastny@kovo-brno.cz' } },
    ],
  });
  abra.insert('persons', { id: 'PERS000001', firstname: 'Petr', lastname: 'Šťastný', address_id: null });
  abra.insert('firms', {
    id: 'FIRM000002',
    name: 'Stavby Olomouc a.s.',
    firm_id: null,
    wwwaddress: 'https://stavby-olomouc.cz/',
    electronicaddress_id: { email: 'obchod@stavby-olomouc.cz' },
  });
  return kovo;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'abra-mail-'));
  abra = new FaultyAbra(JAN);
  seedAbra();
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the e-mail archive over fakes', () => {
  it('archives received and sent mail as activity + e-mail record, assigned, once', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    mb.deliver('Inbox', corpus('cp1250-qp.eml'));
    mb.deliver('Sent Items', corpus('sent-reply-attachment.eml'));
    mb.deliver('Inbox', corpus('iso88592-html-freemail.eml'));
    mb.deliver('Inbox', corpus('internal.eml'));
    const ctx = ctxFor(mb, JAN);
    const r = await run(ctx);
    expect(r.summary.failures).toEqual([]);
    expect(r.summary).toMatchObject({
      result: 'ok',
      counts: { abra: { created: 4 }, examined: 4, failed: 0 },
    });

    const rec = [...abra.coll(EMAILS_RECEIVED).values()].find(
      (e) => e.x_messageid === '<cp1250-1@kovo-brno.cz>',
    )!;
    expect(rec).toMatchObject({
      subject: 'Poptávka ložisek',
      firm_id: 'FIRM000001',
      person_id: 'PERS000001',
      sender: 'petr.stastny@kovo-brno.cz',
      bodysavedas: 0,
    });
    expect(emlOf(rec)?.equals(corpus('cp1250-qp.eml'))).toBe(true);
    const act = actOf(rec)!;
    expect(act).toMatchObject({
      activitytype_id: 'TYPMAIL001',
      actqueue_id: 'QUEUEML001',
      solveruser_id: JAN,
      subject: 'Poptávka ložisek',
      firm_id: 'FIRM000001',
      person_id: 'PERS000001',
      sheduledstart$date: '2026-11-24T08:15:00.000Z',
      status: 2,
    });
    expect(String(act.description)).toMatch(
      /^Přijatý e-mail[\s\S]*pošlete nám prosím nabídku na 20 ks ložisek/,
    );

    const sent = [...abra.coll(EMAILS_SENT).values()][0]!;
    expect(sent).toMatchObject({
      x_messageid: '<reply-1@firma.cz>',
      firm_id: 'FIRM000001',
      sentstate: 2,
      emailaccount_id: 'ACCOUNT001',
    });
    expect(sent.recipients).toContainEqual({ email: 'petr.stastny@kovo-brno.cz', emailtype: 0 });
    expect(sent.attachments).toEqual([
      expect.objectContaining({
        filename: 'Nabídka ložisek.pdf',
        filesize: 3009,
        content_id: expect.any(String),
      }),
      expect.objectContaining({ filename: ORIGINAL_EML }),
    ]);
    expect(String(actOf(sent)?.description)).toMatch(/^Odeslaný e-mail/);

    // free-mail sender and internal mail: archived, unassigned, in the queue
    const queue = mailPart.listUnassigned!(ctx);
    expect(queue.map((q) => q.address).sort()).toEqual(['eva.mala@firma.cz', 'jiri.cerny@seznam.cz']);

    // idle: nothing new
    const again = await run(ctx);
    expect(again.summary.counts.abra.created).toBe(0);
    expect(emails()).toHaveLength(4);
    expect(activities()).toHaveLength(4);
  });

  it('a state file written before the archive tables joined the store schema: nothing is archived twice, the queue stays', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    mb.deliver('Inbox', corpus('cp1250-qp.eml'));
    mb.deliver('Inbox', corpus('iso88592-html-freemail.eml'));
    const file = path.join(dir, 'state-v1.sqlite');
    const common = { collection: EMAILS_RECEIVED, direction: 'received', subject: '' } as const;
    writeV1StateFile(file, [
      {
        ...common,
        messageId: '<cp1250-1@kovo-brno.cz>',
        emailId: 'EMLR000001',
        activityId: 'ACT0000001',
        address: 'petr.stastny@kovo-brno.cz',
        date: '2026-11-24T08:15:00.000Z',
        firmId: 'FIRM000001',
        personId: 'PERS000001',
        status: 'assigned',
      },
      {
        ...common,
        messageId: '<iso2-1@seznam.cz>',
        emailId: 'EMLR000002',
        activityId: 'ACT0000002',
        address: 'jiri.cerny@seznam.cz',
        date: '2026-11-25T09:00:00.000Z',
        firmId: null,
        personId: null,
        status: 'unassigned',
      },
    ]);
    const state = StateStore.open(file);
    stores.push(state);
    const ctx = ctxFor(mb, JAN, {}, state);
    const r = await run(ctx);
    expect(r.summary).toMatchObject({
      result: 'ok',
      counts: { abra: { created: 0 }, examined: 2, failed: 0 },
    });
    expect(emails()).toHaveLength(0);
    expect(activities()).toHaveLength(0);
    expect(mailPart.listUnassigned!(ctx).map((q) => q.internetMessageId)).toEqual(['<iso2-1@seznam.cz>']);
  });

  it('a message moved between tracked folders is archived once; a mailbox delete never touches ABRA', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz', ['Inbox/Zákazníci', 'Inbox/Zákazníci/Kovo', 'Archiv']);
    const m = mb.deliver('Inbox', corpus('cp1250-qp.eml'));
    const ctx = ctxFor(mb, JAN, { folders: ['Inbox/Zákazníci/*'] });
    await run(ctx);
    const moved = mb.move(m.id, 'Inbox/Zákazníci/Kovo');
    const r = await run(ctx);
    expect(r.summary.counts.abra.created).toBe(0);
    mb.remove(moved.id);
    const r2 = await run(ctx);
    expect(r2.summary.result).toBe('ok');
    expect(emails()).toHaveLength(1);
    expect(activities()).toHaveLength(1);
    // the untracked folder is not read
    mb.deliver(
      'Archiv',
      simpleMime({ messageId: '<arch@x.cz>', from: 'a@x.cz', to: 'jan.novak@firma.cz', subject: 'A' }),
    );
    expect((await run(ctx)).summary.counts.examined).toBe(0);
  });

  it('the same message in two mailboxes (one sent it, one received it) is stored once and linked to both users', async () => {
    const jan = new FakeMailbox('jan.novak@firma.cz');
    const eva = new FakeMailbox('eva.mala@firma.cz');
    const mime = corpus('sent-reply-attachment.eml'); // Jan → Kovo, Cc Eva
    jan.deliver('Sent Items', mime);
    eva.deliver('Inbox', mime);
    const r1 = await run(ctxFor(jan, JAN));
    expect(r1.summary.counts.abra.created).toBe(1);
    const r2 = await run(ctxFor(eva, EVA));
    expect(r2.summary.counts.abra.created).toBe(0);
    expect(r2.summary.counts.abra.updated).toBe(1);
    expect(emails()).toHaveLength(1);
    expect(activities()).toHaveLength(1);
    const act = activities()[0]!;
    expect(act.solveruser_id).toBe(JAN);
    expect(act.participants).toEqual([{ securityuser_id: EVA }]);
    expect(act.firm_id).toBe('FIRM000001');
    // the other order: received first (from a colleague → unassigned), then the sender completes the assignment
    const mime2 = simpleMime({
      messageId: '<order2@firma.cz>',
      from: 'Jan Novák <jan.novak@firma.cz>',
      to: 'info@kovo-brno.cz',
      cc: 'eva.mala@firma.cz',
      subject: 'Dodací podmínky',
    });
    const evaCtx = ctxFor(eva, EVA);
    eva.deliver('Inbox', mime2);
    await run(evaCtx);
    const first = emails().find((e) => e.x_messageid === '<order2@firma.cz>')!;
    expect(first.firm_id).toBeNull();
    jan.deliver('Sent Items', mime2);
    await run(ctxFor(jan, JAN));
    expect(emails().filter((e) => e.x_messageid === '<order2@firma.cz>')).toHaveLength(1);
    expect(actOf(first)?.firm_id).toBe('FIRM000001');
  });

  it('privacy: excluded addresses/domains, Private, categories; headers only stores no body or MIME', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    const mk = (n: number, from: string) =>
      simpleMime({ messageId: `<p${n}@x>`, from, to: 'jan.novak@firma.cz', subject: `P${n}`, body: 'tajné' });
    mb.deliver('Inbox', mk(1, 'manzelka@seznam.cz'));
    mb.deliver('Inbox', mk(2, 'vypis@banka.cz'));
    mb.deliver('Inbox', mk(3, 'info@kovo-brno.cz'), { sensitivity: 'Private' });
    mb.deliver('Inbox', mk(4, 'info@kovo-brno.cz'), { categories: ['Soukromé'] });
    mb.deliver('Inbox', mk(5, 'info@kovo-brno.cz'));
    const ctx = ctxFor(mb, JAN, {
      excludedAddresses: ['manzelka@seznam.cz'],
      excludedDomains: ['banka.cz'],
      headersOnly: true,
    });
    const r = await run(ctx);
    expect(r.summary.counts).toMatchObject({ examined: 5, abra: { created: 1 } });
    const e = emails()[0]!;
    expect(e).toMatchObject({ x_messageid: '<p5@x>', body: '', attachments: [], firm_id: 'FIRM000001' });
    expect(String(activities()[0]?.description)).not.toContain('tajné');
    expect(mb.mimeRequests).toBe(0);
  });

  it('bounces and auto-replies are skipped; invitations are archived as mail, never as appointments', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    mb.deliver('Inbox', corpus('bounce-ndr.eml'));
    mb.deliver('Inbox', corpus('bounce-ndr.eml'.replace('bounce-ndr', 'bounce-ndr')), {
      itemClass: 'IPM.Note',
      internetMessageId: '<ndr-as-note@x>',
    });
    mb.deliver('Inbox', corpus('auto-reply.eml'), { headers: {} }); // only the MIME says it is automatic
    mb.deliver('Inbox', corpus('invitation.eml'));
    const r = await run(ctxFor(mb, JAN));
    expect(r.summary.result).toBe('ok');
    expect(emails().map((e) => e.x_messageid)).toEqual(['<inv-1@kovo-brno.cz>']);
    expect(activities()[0]).toMatchObject({ activitytype_id: 'TYPMAIL001', firm_id: 'FIRM000001' });
    // configurable: keep them
    const mb2 = new FakeMailbox('jan.novak@firma.cz');
    mb2.deliver('Inbox', corpus('auto-reply.eml'));
    const r2 = await run(ctxFor(mb2, JAN, { skipAutoReplies: false }));
    expect(r2.summary.counts.abra.created).toBe(1);
  });

  it('a 20 MB attachment is listed but not stored; the MIME without it is', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    mb.deliver('Inbox', withAttachment({ bytes: 20 * 1024 * 1024, messageId: '<big@kovo-brno.cz>' }));
    const r = await run(ctxFor(mb, JAN));
    expect(r.summary.counts.abra.created).toBe(1);
    const e = emails()[0]!;
    expect(emlOf(e)!.length).toBeLessThan(4000);
    expect(emlOf(e)!.toString()).toContain('was not archived');
    expect(e.attachments).toEqual([
      { filename: 'vykresy.zip', filesize: 20 * 1024 * 1024 },
      expect.objectContaining({ filename: ORIGINAL_EML }),
    ]);
    expect(String(activities()[0]?.description)).toContain('vykresy.zip (20.0 MB, nearchivováno');
  });

  it('the unassigned queue: assign by hand, and for the address: past queued and future mail follow', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    const from = 'Jiří Černý <jiri.cerny@seznam.cz>';
    mb.deliver(
      'Inbox',
      simpleMime({ messageId: '<q1@seznam.cz>', from, to: 'jan.novak@firma.cz', subject: 'Q1' }),
    );
    mb.deliver(
      'Inbox',
      simpleMime({ messageId: '<q2@seznam.cz>', from, to: 'jan.novak@firma.cz', subject: 'Q2' }),
    );
    mb.deliver(
      'Inbox',
      simpleMime({
        messageId: '<q3@gmail.com>',
        from: 'x@gmail.com',
        to: 'jan.novak@firma.cz',
        subject: 'Q3',
      }),
    );
    const ctx = ctxFor(mb, JAN);
    await run(ctx);
    const queue = mailPart.listUnassigned!(ctx);
    expect(queue).toHaveLength(3);
    const q1 = queue.find((q) => q.subject === 'Q1')!;
    expect(q1).toMatchObject({
      address: 'jiri.cerny@seznam.cz',
      direction: 'received',
      internetMessageId: '<q1@seznam.cz>',
    });
    await mailPart.assign!(ctx, q1.id, 'FIRM000002', null, true);
    expect(mailPart.listUnassigned!(ctx).map((q) => q.subject)).toEqual(['Q3']);
    for (const e of emails().filter((x) => String(x.x_messageid).includes('seznam'))) {
      expect(e.firm_id).toBe('FIRM000002');
      expect(actOf(e)?.firm_id).toBe('FIRM000002');
    }
    mb.deliver(
      'Inbox',
      simpleMime({ messageId: '<q4@seznam.cz>', from, to: 'jan.novak@firma.cz', subject: 'Q4' }),
    );
    await run(ctx);
    expect(emails().find((e) => e.x_messageid === '<q4@seznam.cz>')?.firm_id).toBe('FIRM000002');
    // assigning one message only (no rule)
    const q3 = mailPart.listUnassigned!(ctx)[0]!;
    await mailPart.assign!(ctx, q3.id, 'FIRM000001', 'PERS000001', false);
    expect(mailPart.listUnassigned!(ctx)).toEqual([]);
    await expect(mailPart.assign!(ctx, 9999, 'FIRM000001', null, false)).rejects.toThrow(
      /no archived message/,
    );
  });

  it('a message ABRA refuses fails alone (named, plain reason) and is retried next run without duplicates', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    mb.deliver(
      'Inbox',
      simpleMime({
        messageId: '<ok1@x>',
        from: 'info@kovo-brno.cz',
        to: 'jan.novak@firma.cz',
        subject: 'OK 1',
      }),
    );
    mb.deliver(
      'Inbox',
      simpleMime({
        messageId: '<bad@x>',
        from: 'info@kovo-brno.cz',
        to: 'jan.novak@firma.cz',
        subject: 'Uzavřené období',
      }),
    );
    mb.deliver(
      'Inbox',
      simpleMime({
        messageId: '<ok2@x>',
        from: 'info@kovo-brno.cz',
        to: 'jan.novak@firma.cz',
        subject: 'OK 2',
      }),
    );
    abra.failCreates.add('Uzavřené období');
    const ctx = ctxFor(mb, JAN);
    const r = await run(ctx);
    expect(r.summary.result).toBe('partial');
    expect(r.summary.failures).toEqual([
      expect.objectContaining({
        part: 'mail',
        name: 'Uzavřené období',
        reason: expect.stringContaining('Period is closed'),
      }),
    ]);
    expect(emails()).toHaveLength(2);
    abra.failCreates.clear();
    const r2 = await run(ctx);
    expect(r2.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 1 } } });
    expect(emails()).toHaveLength(3);
    expect(activities()).toHaveLength(3);
  });

  it('a message that takes longer than the read budget fails alone, once, and is never read again', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    const mail = (id: string, subject: string) =>
      simpleMime({ messageId: id, from: 'info@kovo-brno.cz', to: 'jan.novak@firma.cz', subject });
    mb.deliver('Inbox', mail('<ok1@x>', 'OK 1'));
    // 1 500 parts: the fake clock below makes every part cost 10 ms, so reading it takes 15 s (budget 5 s)
    const slow = Buffer.from(
      manyParts(1500)
        .toString('latin1')
        .replace('Message-ID: <h@evil.example>', 'Message-ID: <slow@x>')
        .replace('Subject: hostile', 'Subject: Pomalá zpráva')
        .replace('From: Mallory <m@evil.example>', 'From: info@kovo-brno.cz')
        .replace('Date: Mon, 1 Jun 2026', 'Date: Mon, 30 Nov 2026'),
      'latin1',
    );
    const slowItem = mb.deliver('Inbox', slow);
    mb.deliver('Inbox', mail('<ok2@x>', 'OK 2'));
    let t = 0;
    let reads = 0;
    const part = createMailPart({
      clock: () => {
        reads++;
        t += 10;
        return t;
      },
    });
    const ctx = ctxFor(mb, JAN);
    const r = await part.run(ctx, {});
    expect(r.summary.result).toBe('partial');
    expect(r.summary.counts).toMatchObject({ abra: { created: 2 }, failed: 1 });
    expect(r.summary.failures).toEqual([
      expect.objectContaining({
        part: 'mail',
        name: 'Pomalá zpráva',
        kind: 'malformed',
        exchangeId: slowItem.id,
        reason: expect.stringMatching(/longer than 5 s.*not tried again/),
      }),
    ]);
    // stopped at the budget, not at the end of the message
    expect(reads).toBeLessThan(PARSE_BUDGET_MS / 10 + 50);
    expect(emails().map((e) => e.subject)).toEqual(['OK 1', 'OK 2']);
    expect(ctx.state.listRetries('mail')).toEqual([]);
    expect(ctx.state.listIntents('mail', 'abra')).toEqual([]);

    // next run: not read again (no MIME request), no failure, nothing written
    const mime0 = mb.mimeRequests;
    reads = 0;
    const r2 = await part.run(ctx, {});
    expect(r2.summary).toMatchObject({ result: 'ok', failures: [], counts: { abra: { created: 0 } } });
    expect(mb.mimeRequests).toBe(mime0);
    expect(reads).toBe(0);

    // moved to another tracked folder (a new item id): still the same message, still given up
    mb.move(slowItem.id, 'Sent Items');
    const r3 = await part.run(ctx, {});
    expect(r3.summary).toMatchObject({ result: 'ok', failures: [], counts: { abra: { created: 0 } } });
    expect(mb.mimeRequests).toBe(mime0);
    expect(emails()).toHaveLength(2);
  });

  it('a message the MIME reader reads only partly (its caps) is archived with a note saying so', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    const raw = Buffer.from(
      manyParts(2500)
        .toString('latin1')
        .replace('Message-ID: <h@evil.example>', 'Message-ID: <parts@x>')
        .replace('From: Mallory <m@evil.example>', 'From: info@kovo-brno.cz')
        .replace('Date: Mon, 1 Jun 2026', 'Date: Mon, 30 Nov 2026'),
      'latin1',
    );
    mb.deliver('Inbox', raw);
    const r = await run(ctxFor(mb, JAN));
    expect(r.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 1 } } });
    expect(String(activities()[0]?.description)).toContain(
      'Neúplně přečteno (not fully read): more than 2000 MIME parts: the rest were not read',
    );
    // the stored message itself is complete
    expect(emlOf(emails()[0]!)?.equals(raw)).toBe(true);
  });

  it('the part is registered by default in SyncService', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    mb.deliver('Inbox', corpus('cp1250-qp.eml'));
    const service = new SyncService({
      config: config(mb.email),
      secrets: { get: async () => null },
      dataDir: dir,
      connect: async () => ({ abra, exchange: mb }),
      now: () => new Date('2026-12-01T08:00:00.000Z'),
    });
    try {
      const [s] = await service.syncNow('mail');
      expect(s).toMatchObject({ part: 'mail', result: 'ok', counts: { abra: { created: 1 } } });
      expect(service.listUnassignedMail()).toEqual([]);
      const preview = await service.preview('mail');
      expect(preview.plan).toEqual([]);
    } finally {
      await service.stop();
    }
  });

  it('respects the start date and a dry run writes nothing', async () => {
    const mb = new FakeMailbox('jan.novak@firma.cz');
    mb.deliver(
      'Inbox',
      simpleMime({
        messageId: '<old@x>',
        from: 'info@kovo-brno.cz',
        to: 'jan.novak@firma.cz',
        subject: 'Old',
        date: 'Mon, 5 Oct 2026 08:00:00 +0200',
      }),
    );
    mb.deliver(
      'Inbox',
      simpleMime({
        messageId: '<new@x>',
        from: 'info@kovo-brno.cz',
        to: 'jan.novak@firma.cz',
        subject: 'New',
      }),
    );
    const ctx = ctxFor(mb, JAN);
    const dry = await mailPart.run(ctx, { dryRun: true });
    expect(dry.summary.result).toBe('dryRun');
    expect(dry.plan).toEqual([expect.objectContaining({ action: 'create', name: 'New', side: 'abra' })]);
    expect(emails()).toHaveLength(0);
    const r = await run(ctx);
    expect(r.summary.counts.abra.created).toBe(1);
    expect(emails()[0]?.x_messageid).toBe('<new@x>');
  });
});

describe('crash safety', () => {
  const fill = (mb: FakeMailbox, n: number) => {
    for (let i = 1; i <= n; i++)
      mb.deliver(
        i % 3 === 0 ? 'Sent Items' : 'Inbox',
        simpleMime({
          messageId: `<c${i}@kovo-brno.cz>`,
          from: i % 3 === 0 ? 'jan.novak@firma.cz' : 'info@kovo-brno.cz',
          to: i % 3 === 0 ? 'info@kovo-brno.cz' : 'jan.novak@firma.cz',
          subject: `Zpráva ${i}`,
          date: `Mon, 30 Nov 2026 08:${String(i).padStart(2, '0')}:00 +0100`,
        }),
      );
  };
  const check = (n: number) => {
    const ids = emails().map((e) => String(e.x_messageid));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(n);
    expect(activities()).toHaveLength(n);
    // every e-mail points at its own activity
    expect(new Set(emails().map((e) => actOf(e)?.id)).size).toBe(n);
    expect(abra.coll('relations').size).toBe(n);
  };

  for (const k of [1, 2, 5, 8, 13]) {
    it(`interrupted before create #${k}: the next run loses nothing and duplicates nothing`, async () => {
      const mb = new FakeMailbox('jan.novak@firma.cz');
      fill(mb, 9);
      const state = StateStore.open(path.join(dir, `crash-${k}.sqlite`));
      stores.push(state);
      abra.crashAtCreate = k;
      const r1 = await run(ctxFor(mb, JAN, {}, state));
      expect(r1.summary.result).toBe('failed');
      abra.resetFaults();
      const r2 = await run(ctxFor(mb, JAN, {}, state));
      expect(r2.summary.result).toBe('ok');
      check(9);
    });

    it(`interrupted after create #${k} was stored but before its answer arrived: adopted, not repeated`, async () => {
      const mb = new FakeMailbox('jan.novak@firma.cz');
      fill(mb, 9);
      const file = path.join(dir, `lost-${k}.sqlite`);
      let state = StateStore.open(file);
      abra.loseResponseAtCreate = k;
      const r1 = await run(ctxFor(mb, JAN, {}, state));
      expect(r1.summary.result).toBe('failed');
      state.close(); // the process died: reopen the state file
      state = StateStore.open(file);
      stores.push(state);
      abra.resetFaults();
      const r2 = await run(ctxFor(mb, JAN, {}, state));
      expect(r2.summary.result).toBe('ok');
      check(9);
      expect(state.listIntents('mail')).toEqual([]);
    });
  }
});
