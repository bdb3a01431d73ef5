/**
 * The archive reads a page's MIME in chunks (batch.ts `mimeChunks` / `readMimes`, the backends' `getMimes`): what
 * ends up in ABRA is the same as when reading one by one — every message once, with its own MIME, body and
 * activity, in mailbox order — also when one message of a chunk fails, a whole chunk's read fails, or the process
 * dies between a chunk's read and its messages' commits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageItem } from '../../src-main/exchange/types';
import { SyncError } from '../../src-main/shared/errors';
import { parseConfig } from '../../src-main/sync/config';
import { EMAILS_RECEIVED, EMAILS_SENT } from '../../src-main/sync/parts/mail/abra';
import { ORIGINAL_EML } from '../../src-main/sync/parts/mail/archive';
import { MIME_CHUNK, MIME_CHUNK_BYTES, mimeChunks } from '../../src-main/sync/parts/mail/batch';
import type { Prepared } from '../../src-main/sync/parts/mail/message';
import { mailPart } from '../../src-main/sync/parts/mail/part';
import type { RunContext } from '../../src-main/sync/ports';
import { StateStore } from '../../src-main/sync/state/store';
import { simpleMime } from './corpus';
import { FakeMailbox, FaultyAbra } from './fakes';

const JAN = 'USER000001';
const ME = 'jan.novak@firma.cz';
type Row = Record<string, unknown>;
let dir: string;
let abra: FaultyAbra;
const stores: StateStore[] = [];

function ctxFor(mailbox: FakeMailbox, state?: StateStore): RunContext {
  const st = state ?? StateStore.open(':memory:');
  if (!state) stores.push(st);
  return {
    config: parseConfig({
      abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'jan' },
      exchange: { email: mailbox.email },
      parts: {
        addressBook: { enabled: false },
        calendar: { enabled: false },
        tasks: { enabled: false },
        mail: {
          enabled: true,
          activityTypeId: 'TYPMAIL001',
          queueId: 'QUEUEML001',
          solverRoleId: 'ROLE000001',
          divisionId: 'DIVISION01',
          startDate: '2026-11-01',
          emailAccountId: 'ACCOUNT001',
        },
      },
    }),
    abra,
    exchange: mailbox,
    state: st,
    me: { id: JAN },
    now: () => new Date('2026-12-01T08:00:00.000Z'),
    progress: () => undefined,
  };
}

const run = (ctx: RunContext) => mailPart.run(ctx, {});
const emails = (): Row[] => [...abra.coll(EMAILS_RECEIVED).values(), ...abra.coll(EMAILS_SENT).values()];
const activities = (): Row[] => [...abra.coll('crmactivities').values()];
const actOf = (e: Row) =>
  abra
    .coll('crmactivities')
    .get(String([...abra.coll('relations').values()].find((r) => r.rightside_id === e.id)?.leftside_id));
const emlOf = (e: Row): string => {
  const a = ((e.attachments as Row[]) ?? []).find((x) => x.filename === ORIGINAL_EML);
  return Buffer.from(String(a?.blobdata ?? ''), 'base64').toString('utf8');
};

/** n received messages, each with its own Message-ID, subject and body (a mix-up shows). */
function fill(mb: FakeMailbox, n: number): MessageItem[] {
  const out: MessageItem[] = [];
  for (let i = 1; i <= n; i++)
    out.push(
      mb.deliver(
        'Inbox',
        simpleMime({
          messageId: `<b${i}@kovo-brno.cz>`,
          from: 'info@kovo-brno.cz',
          to: ME,
          subject: `Zpráva ${i}`,
          body: `Tělo zprávy číslo ${i}.`,
          date: new Date(Date.UTC(2026, 10, 30, 7, 0, i)).toUTCString(),
        }),
      ),
    );
  return out;
}

/** Every message 1..n stored exactly once, with its own body, .eml and activity, the activities in mailbox order. */
function checkAll(n: number): void {
  const es = emails();
  const ids = es.map((e) => String(e.x_messageid));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual(Array.from({ length: n }, (_, i) => `<b${i + 1}@kovo-brno.cz>`).sort());
  for (const e of es) {
    const i = /^<b(\d+)@/.exec(String(e.x_messageid))![1];
    expect(e.subject).toBe(`Zpráva ${i}`);
    expect(e.body).toBe(`Tělo zprávy číslo ${i}.`);
    expect(emlOf(e)).toContain(`Message-ID: ${e.x_messageid}\r\n`);
    expect(emlOf(e)).toContain(`Tělo zprávy číslo ${i}.`);
    expect(actOf(e)?.subject).toBe(`Zpráva ${i}`);
    expect(String(actOf(e)?.description)).toContain(`Tělo zprávy číslo ${i}.`);
  }
  expect(activities()).toHaveLength(n);
  expect(abra.coll('relations').size).toBe(n);
}

const createdOrder = () => activities().map((a) => Number(String(a.subject).replace('Zpráva ', '')));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'abra-mime-batch-'));
  abra = new FaultyAbra(JAN);
  abra.insert('firms', {
    id: 'FIRM000001',
    name: 'Kovo Brno s.r.o.',
    firm_id: null,
    hidden: false,
    electronicaddress_id: { email: 'info@kovo-brno.cz' },
  });
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the MIME of a page read in chunks', () => {
  it('45 messages: three reads (20 + 20 + 5) instead of 45; each message its own MIME, in mailbox order', async () => {
    const mb = new FakeMailbox(ME);
    const items = fill(mb, 45);
    const r = await run(ctxFor(mb));
    expect(r.summary.failures).toEqual([]);
    expect(r.summary.counts.abra.created).toBe(45);
    expect(mb.mimeBatches.map((b) => b.length)).toEqual([20, 20, 5]);
    expect(mb.mimeBatches.flat()).toEqual(items.map((i) => i.id));
    expect(mb.mimeRequests).toBe(3);
    checkAll(45);
    expect(createdOrder()).toEqual(range(1, 45));
  });

  it('what ends up in ABRA is the same as when reading one by one', async () => {
    const strip = (rows: Row[]) =>
      rows.map((r) => {
        const { id: _id, ...rest } = r;
        // ids and the fake server's own time stamps differ between two runs; everything else must not
        const own = (k: string) =>
          (k.endsWith('_id') && k !== 'firm_id') || /^(created|corrected)at\$date$/.test(k);
        return JSON.stringify(rest, (k, v) => (own(k) ? undefined : v));
      });
    const one = new FakeMailbox(ME);
    one.batched = false;
    fill(one, 23);
    await run(ctxFor(one));
    expect(one.mimeRequests).toBe(23);
    const singly = { e: strip(emails()), a: strip(activities()) };
    abra = new FaultyAbra(JAN);
    abra.insert('firms', {
      id: 'FIRM000001',
      name: 'Kovo Brno s.r.o.',
      firm_id: null,
      hidden: false,
      electronicaddress_id: { email: 'info@kovo-brno.cz' },
    });
    const many = new FakeMailbox(ME);
    fill(many, 23);
    await run(ctxFor(many));
    expect(many.mimeRequests).toBe(2);
    expect({ e: strip(emails()), a: strip(activities()) }).toEqual(singly);
  });

  it('a message failing in the middle of a chunk fails alone; the next run archives it, nothing twice', async () => {
    const mb = new FakeMailbox(ME);
    const items = fill(mb, 25);
    mb.mimeFaults.set(items[9]!.id, new SyncError('malformed', 'the message has no MIME content'));
    const ctx = ctxFor(mb);
    const r1 = await run(ctx);
    expect(r1.summary.result).toBe('partial');
    expect(r1.summary.failures.map((f) => [f.name, f.exchangeId])).toEqual([['Zpráva 10', items[9]!.id]]);
    expect(r1.summary.counts.abra.created).toBe(24);
    expect(createdOrder()).toEqual([...range(1, 9), ...range(11, 25)]);
    // read in its chunk, then once more alone: its own error decides
    expect(mb.mimeRequests).toBe(3);
    expect(ctx.state.listRetries('mail').map((x) => x.id)).toEqual([`f-inbox\n${items[9]!.id}`]);
    mb.mimeFaults.clear();
    const r2 = await run(ctx);
    expect(r2.summary).toMatchObject({ result: 'ok', counts: { abra: { created: 1 } } });
    checkAll(25);
    expect(ctx.state.listRetries('mail')).toEqual([]);
  });

  it('a message throttled inside the batch is read again alone and archived', async () => {
    const mb = new FakeMailbox(ME);
    const items = fill(mb, 12);
    mb.batchOnlyFaults.add(items[6]!.id);
    const r = await run(ctxFor(mb));
    expect(r.summary.failures).toEqual([]);
    expect(mb.mimeRequests).toBe(2);
    checkAll(12);
    expect(createdOrder()).toEqual(range(1, 12));
  });

  it('a chunk whose read fails as a whole (transient) is read one by one; nothing lost', async () => {
    const mb = new FakeMailbox(ME);
    fill(mb, 25);
    mb.failNextBatch = new SyncError('transient', 'connection reset');
    const r = await run(ctxFor(mb));
    expect(r.summary.failures).toEqual([]);
    // the failed chunk of 20 read alone, then the chunk of 5 in one read
    expect(mb.mimeRequests).toBe(1 + 20 + 1);
    checkAll(25);
    expect(createdOrder()).toEqual(range(1, 25));
  });

  it('a refused sign-in on a chunk read stops the run before that chunk writes anything; the next run completes', async () => {
    const mb = new FakeMailbox(ME);
    fill(mb, 25);
    const ctx = ctxFor(mb);
    mb.failNextBatch = new SyncError('auth', 'Exchange refused the sign-in');
    const r1 = await run(ctx);
    expect(r1.summary.result).toBe('failed');
    expect(emails()).toHaveLength(0);
    expect(activities()).toHaveLength(0);
    const r2 = await run(ctx);
    expect(r2.summary.result).toBe('ok');
    checkAll(25);
  });

  it("a chunk's intents are committed together before its first create; a stop withdraws those not begun", async () => {
    const mb = new FakeMailbox(ME);
    fill(mb, 25);
    const state = StateStore.open(':memory:');
    stores.push(state);
    const stop = new AbortController();
    const ctx = { ...ctxFor(mb, state), signal: stop.signal };
    const seen: number[] = [];
    const create = abra.create.bind(abra);
    abra.create = async (coll, body) => {
      seen.push(state.listIntents('mail').length);
      const row = await create(coll, body);
      // stop once message 3's relation (its last create) is written
      if (abra.creates === 9) stop.abort();
      return row;
    };
    const r = await run(ctx);
    expect(r.summary.result).toBe('failed');
    // the first create already saw the whole first chunk's 20 intents (not one)
    expect(seen[0]).toBe(20);
    expect(emails()).toHaveLength(3);
    // messages 4..20 were never begun: their intents are gone, nothing to recover next run
    expect(state.listIntents('mail')).toEqual([]);
    const r2 = await run({ ...ctx, signal: undefined });
    expect(r2.summary.result).toBe('ok');
    checkAll(25);
  });

  it('a connection lost in the middle of a chunk: only the message being written keeps its intent', async () => {
    const mb = new FakeMailbox(ME);
    fill(mb, 25);
    const state = StateStore.open(':memory:');
    stores.push(state);
    abra.crashAtCreate = 7; // message 3's activity: its answer never came, so it may exist
    const r = await run(ctxFor(mb, state));
    expect(r.summary.result).toBe('failed');
    expect(state.listIntents('mail').map((i) => i.sourceKey)).toEqual(['<b3@kovo-brno.cz>']);
    abra.resetFaults();
    const r2 = await run(ctxFor(mb, state));
    expect(r2.summary.result).toBe('ok');
    checkAll(25);
  });

  it('killed after 14 messages of a chunk were written but before the chunk was committed: recovered from the intents, nothing twice', async () => {
    const mb = new FakeMailbox(ME);
    fill(mb, 45);
    const file = path.join(dir, 'killed.sqlite');
    let state = StateStore.open(file);
    // the process dies as create #44 (message 15's e-mail record) is sent: nothing after it reaches the state file
    const transaction = state.transaction.bind(state);
    const addIntent = state.addIntent.bind(state);
    let dead = false;
    state.transaction = (fn) => {
      if (dead) throw new Error('killed');
      return transaction(fn);
    };
    state.addIntent = (...a) => {
      if (dead) throw new Error('killed');
      return addIntent(...a);
    };
    abra.crashAtCreate = 44;
    const create = abra.create.bind(abra);
    abra.create = async (coll, body) => {
      if (abra.creates + 1 === 44) dead = true;
      return create(coll, body);
    };
    await run(ctxFor(mb, state)).catch(() => undefined);
    expect(emails()).toHaveLength(14);
    state.close();
    state = StateStore.open(file);
    stores.push(state);
    // none of the chunk's messages was recorded as archived; each has its intent with what was created
    expect(state.mail.get('<b1@kovo-brno.cz>')).toBeFalsy();
    expect(state.listIntents('mail')).toHaveLength(20);
    abra.create = create;
    abra.resetFaults();
    const r2 = await run(ctxFor(mb, state));
    expect(r2.summary.result).toBe('ok');
    checkAll(45);
    expect(state.listIntents('mail')).toEqual([]);
  });

  // 3 creates per received message (activity, e-mail record, relation): create 31 is message 11's activity (in the
  // first chunk, after its read), 61 the first create of the second chunk (its intents committed, nothing of it
  // sent), 62 is message 21's e-mail record
  for (const [how, k] of [
    ['before create', 31],
    ['before create', 61],
    ['before create', 62],
    ['after create (answer lost)', 31],
    ['after create (answer lost)', 62],
  ] as const)
    it(`the process dies ${how} #${k}, after its chunk was read: the next run adds no duplicate`, async () => {
      const mb = new FakeMailbox(ME);
      fill(mb, 45);
      const file = path.join(dir, `crash-${k}-${how.length}.sqlite`);
      let state = StateStore.open(file);
      if (how === 'before create') abra.crashAtCreate = k;
      else abra.loseResponseAtCreate = k;
      const r1 = await run(ctxFor(mb, state));
      expect(r1.summary.result).toBe('failed');
      state.close(); // the process died: reopen the state file
      state = StateStore.open(file);
      stores.push(state);
      abra.resetFaults();
      const r2 = await run(ctxFor(mb, state));
      expect(r2.summary.result).toBe('ok');
      checkAll(45);
      expect(state.listIntents('mail')).toEqual([]);
    });
});

describe('mimeChunks: bounded by count and bytes, order kept', () => {
  const prep = (sizes: (number | undefined)[]): Prepared[] =>
    sizes.map((size, i) => ({ item: { id: `m${i}`, size } }) as unknown as Prepared);
  const shape = (c: Prepared[][]) => c.map((x) => x.length);

  it(`at most ${MIME_CHUNK} messages per chunk`, () => {
    const p = prep(Array(50).fill(1000));
    const c = mimeChunks(p, false);
    expect(shape(c)).toEqual([20, 20, 10]);
    expect(c.flat()).toEqual(p);
  });

  it(`at most ${MIME_CHUNK_BYTES / 1024 / 1024} MB per chunk; a bigger message alone; unknown size counts a quarter`, () => {
    const MB = 1024 * 1024;
    const p = prep([3 * MB, 3 * MB, 3 * MB, 20 * MB, 1000, undefined, undefined, undefined, undefined, 1000]);
    const c = mimeChunks(p, false);
    expect(shape(c)).toEqual([2, 1, 1, 4, 2]);
    expect(c.flat()).toEqual(p);
    for (const chunk of c)
      if (chunk.length > 1)
        expect(chunk.reduce((a, x) => a + (x.item.size ?? MIME_CHUNK_BYTES / 4), 0)).toBeLessThanOrEqual(
          MIME_CHUNK_BYTES,
        );
  });

  it('headers only: no MIME is read, the page is one chunk', () => {
    expect(shape(mimeChunks(prep(Array(30).fill(10)), true))).toEqual([30]);
    expect(mimeChunks([], true)).toEqual([]);
  });
});
