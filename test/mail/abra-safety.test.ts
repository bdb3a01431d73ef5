/**
 * The e-mail archive's safety against the ABRA emulator (#14): it never makes ABRA send a message (sent mail is
 * created as already sent — SentState 2 —, proven first with `?validation=true`, and the emulated automation server
 * logs every record that reaches state 1), one message is one record across mailboxes with ABRA's X_ user field, and
 * a 2 kB Message-ID travels only in POST query bodies. ABRA's sources: ../shared/notes/abra-fields-audit.md
 * "Odeslaný e-mail" (SentState 0 new / 1 to send — the automation sends it / 2 sent / 3 error; partner scripts
 * 57021285051, 56910000666, 57107768110), §(c) 5 (no Message-ID field; user fields X_…), ../shared/notes/abra-gen-api.md
 * §5.2 (POST /{coll}/query).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SyncError } from '../../src-main/shared/errors';
import { tr } from '../../src-main/shared/messages';
import { parseConfig } from '../../src-main/sync/config';
import { mailPart } from '../../src-main/sync/parts/mail/part';
import type { AbraPort, RunContext } from '../../src-main/sync/ports';
import { StateStore } from '../../src-main/sync/state/store';
import { type AbraEmulator, type AbraEmulatorOptions, startAbraEmulator } from '../emulators/abra';
import { abraPort } from './abra-port';
import { corpus, simpleMime } from './corpus';
import { FakeMailbox } from './fakes';

const running: AbraEmulator[] = [];
const stores: StateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) s.close();
  for (const e of running.splice(0)) await e.stop();
});

interface World {
  emu: AbraEmulator;
  port: AbraPort;
  typeId: string;
  queueId: string;
  janId: string;
  evaId: string;
}

async function world(opts: AbraEmulatorOptions = {}): Promise<World> {
  const emu = await startAbraEmulator({ seed: 7, size: 'small', now: '2026-12-01T08:00:00.000Z', ...opts });
  running.push(emu);
  const c = emu.control;
  const type = c.list('crmactivitytypes').find((t) => t.code === 'MAIL')!;
  c.update('crmactivitytypes', type.id as string, {
    solverrole_id: c.list('securityroles')[0]!.id,
    division_id: c.list('divisions')[0]!.id,
  });
  c.insert('emailaccounts', { name: 'Jan', emailaddress: 'jan.novak@firma.cz', accounttype: 0 });
  c.insert('emailaccounts', { name: 'Eva', emailaddress: 'eva.mala@firma.cz', accounttype: 0 });
  const janId = emu.currentUserId;
  const evaId = emu.control.users().find((u) => u.id !== janId)!.id;
  return {
    emu,
    port: abraPort(emu.url, emu.user, emu.password),
    typeId: type.id as string,
    queueId: c.list('crmactivityqueues').find((q) => q.code === 'EML')!.id as string,
    janId,
    evaId,
  };
}

function ctx(
  w: World,
  mb: FakeMailbox,
  meId: string,
  abra: AbraPort = w.port,
  state?: StateStore,
): RunContext {
  const st = state ?? StateStore.open(':memory:');
  if (!state) stores.push(st);
  return {
    config: parseConfig({
      abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'x' },
      exchange: { email: mb.email },
      parts: {
        mail: { enabled: true, activityTypeId: w.typeId, queueId: w.queueId, startDate: '2026-11-01' },
      },
    }),
    abra,
    exchange: mb,
    state: st,
    me: { id: meId },
    now: () => new Date('2026-12-01T08:00:00.000Z'),
    progress: () => undefined,
  };
}

describe('never a second send (emulated ABRA automation server)', () => {
  it('the emulator pins the automation: a record reaching SentState 1 is sent and logged, state 2 (sent) and 0 are not', async () => {
    const { emu } = await world();
    const account = emu.control.list('emailaccounts')[0]!.id;
    const base = { emailaccount_id: account, subject: 'x', recipients: [{ email: 'a@b.cz', emailtype: 0 }] };
    emu.control.insert('emailsents', { ...base, sentstate: 2 });
    const draft = emu.control.insert('emailsents', { ...base, sentstate: 0 });
    expect(emu.sentMails()).toEqual([]);
    // a user (or a careless client) edits the draft to "to send": ABRA's automation sends it
    const sent = emu.control.update('emailsents', draft.id as string, { sentstate: 1 });
    expect(emu.sentMails()).toEqual([expect.objectContaining({ id: draft.id, recipients: ['a@b.cz'] })]);
    expect(sent).toMatchObject({ sentstate: 2 });
    expect(sent['sentdate$date']).toBeTruthy();
  });

  it('archived sent mail is created as already sent: zero sends after runs, a colleague, edits (assignment) and crashes', async () => {
    const w = await world();
    const jan = new FakeMailbox('jan.novak@firma.cz');
    const eva = new FakeMailbox('eva.mala@firma.cz');
    const msgs = [1, 2, 3, 4].map((i) =>
      simpleMime({
        messageId: `<s${i}@firma.cz>`,
        from: 'jan.novak@firma.cz',
        to: i % 2 ? 'petr@gmail.com' : 'eva.mala@firma.cz',
        subject: `Odeslaná ${i}`,
      }),
    );
    for (const m of msgs) jan.deliver('Sent Items', m);
    eva.deliver('Inbox', msgs[1]!);
    // a crash right after ABRA stored the 2nd sent e-mail, before its answer arrived
    let creates = 0;
    const crashing: AbraPort = {
      ...w.port,
      create: async (c, body) => {
        const row = await w.port.create(c, body);
        if (c === 'emailsents' && ++creates === 2) throw new SyncError('unreachable', 'simulated crash');
        return row;
      },
    };
    const state = StateStore.open(':memory:');
    stores.push(state);
    const r1 = await mailPart.run(ctx(w, jan, w.janId, crashing, state), {});
    expect(r1.summary.result).toBe('failed');
    const r2 = await mailPart.run(ctx(w, jan, w.janId, w.port, state), {});
    expect(r2.summary.failures).toEqual([]);
    expect(w.emu.control.list('emailsents')).toHaveLength(4);
    expect(w.emu.control.list('emailsents').every((e) => e.sentstate === 2)).toBe(true);
    await mailPart.run(ctx(w, eva, w.evaId), {});
    // edits: assign the free-mail ones by hand (PUT on the e-mail records)
    const jctx = ctx(w, jan, w.janId, w.port, state);
    const firm = w.emu.control.list('firms')[0]!.id as string;
    for (const q of mailPart.listUnassigned!(jctx)) await mailPart.assign!(jctx, q.id, firm, null, false);
    expect(w.emu.control.list('emailsents', `firm_id = '${firm}'`).length).toBeGreaterThan(0);
    expect(w.emu.control.list('emailsents')).toHaveLength(4);
    expect(w.emu.sentMails()).toEqual([]);
  });

  it('a server that does not accept SentState 2 on create: the part stops before writing, explained in English and Czech', async () => {
    const w = await world({ mail: { sentStatesOnCreate: [0, 1] } });
    const jan = new FakeMailbox('jan.novak@firma.cz');
    jan.deliver('Inbox', corpus('cp1250-qp.eml'));
    jan.deliver('Sent Items', corpus('sent-reply-attachment.eml'));
    const before = w.emu.log.total();
    const r = await mailPart.run(ctx(w, jan, w.janId), {});
    expect(r.summary).toMatchObject({ result: 'failed', errorKind: 'config' });
    expect(r.summary.message).toContain('SentState 2');
    expect(r.summary.note?.key).toBe('mail.sentStateRefused');
    expect(tr('cs', 'mail.sentStateRefused', { reason: 'x' })).toContain('nic nebylo zapsáno');
    // nothing written: no e-mail, no activity, no relation — only reads and the dry run
    const writes = w.emu.log
      .entries()
      .slice(before)
      .filter(
        (e) => e.method !== 'GET' && !e.path.endsWith('/query') && !e.query.includes('validation=true'),
      );
    expect(writes).toEqual([]);
    expect(w.emu.control.list('emailsents')).toEqual([]);
    expect(w.emu.sentMails()).toEqual([]);
  });

  it('no own e-mail account matches the mailbox: the part stops and says how to choose one', async () => {
    const w = await world();
    const mb = new FakeMailbox('nobody@firma.cz');
    mb.deliver('Inbox', corpus('cp1250-qp.eml'));
    const r = await mailPart.run(ctx(w, mb, w.janId), {});
    expect(r.summary).toMatchObject({
      result: 'failed',
      errorKind: 'config',
      note: { key: 'mail.noAccount' },
    });
    expect(w.emu.control.list('emailsreceiveds')).toEqual([]);
  });
});

describe('one message, one record: the X_MessageID user field and a 2 kB Message-ID', () => {
  it('two mailboxes archive a message with a 2 kB Message-ID once; the id travels only in POST query bodies', async () => {
    const w = await world({ mail: { messageIdField: true } });
    const longId = `<${'x'.repeat(2048)}@kovo-brno.cz>`;
    const msg = simpleMime({
      messageId: longId,
      from: 'petr.stastny@kovo-brno.cz',
      to: 'jan.novak@firma.cz',
      cc: 'eva.mala@firma.cz',
      subject: 'Dlouhé Message-ID',
    });
    const jan = new FakeMailbox('jan.novak@firma.cz');
    const eva = new FakeMailbox('eva.mala@firma.cz');
    jan.deliver('Inbox', msg);
    eva.deliver('Inbox', msg);
    const r1 = await mailPart.run(ctx(w, jan, w.janId), {});
    expect(r1.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 1 } } });
    const r2 = await mailPart.run(ctx(w, eva, w.evaId), {});
    expect(r2.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 0 } } });
    const recs = w.emu.control.list('emailsreceiveds');
    expect(recs).toHaveLength(1);
    expect(recs[0]!.x_messageid).toBe(longId);
    const entries = w.emu.log.entries();
    expect(entries.filter((e) => e.path.endsWith('/emailsreceiveds/query')).length).toBeGreaterThan(0);
    // no request line carried the id (or any long value)
    expect(entries.filter((e) => e.path.length + e.query.length > 1000)).toEqual([]);
  });

  it('a message whose look-up the server refuses fails alone and is retried next run', async () => {
    const w = await world({ mail: { messageIdField: true } });
    const jan = new FakeMailbox('jan.novak@firma.cz');
    for (let i = 1; i <= 3; i++)
      jan.deliver(
        'Inbox',
        simpleMime({
          messageId: `<m${i}@kovo-brno.cz>`,
          from: 'petr.stastny@kovo-brno.cz',
          to: 'jan.novak@firma.cz',
          subject: `Zpráva ${i}`,
        }),
      );
    const state = StateStore.open(':memory:');
    stores.push(state);
    // the server refuses the look-up of the 2nd message (a 400 on POST …/query, as the client maps it)
    let refuse = true;
    const picky: AbraPort = {
      ...w.port,
      query: async (coll, q) => {
        if (refuse && q.where?.includes('<m2@')) throw new SyncError('config', 'Neplatná hodnota');
        return w.port.query(coll, q);
      },
    };
    const c = ctx(w, jan, w.janId, picky, state);
    const r1 = await mailPart.run(c, {});
    expect(r1.summary).toMatchObject({ result: 'partial', counts: { abra: { created: 2 }, failed: 1 } });
    expect(r1.summary.failures[0]?.reason).toContain('look-up');
    refuse = false;
    const r2 = await mailPart.run(c, {});
    expect(r2.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 1 } } });
    expect(w.emu.control.list('emailsreceiveds')).toHaveLength(3);
  });
});

describe('the Message-ID field setting', () => {
  const cfg = (messageIdField: string) =>
    parseConfig({
      abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'x' },
      exchange: { email: 'jan.novak@firma.cz' },
      parts: { mail: { messageIdField } },
    });
  it('accepts only a user field name X_… (it is written into query conditions)', () => {
    expect(cfg('X_MessageID').parts.mail.messageIdField).toBe('X_MessageID');
    expect(() => cfg("X_A = '' or 1 = 1")).toThrow();
    expect(() => cfg('subject')).toThrow();
  });
});
