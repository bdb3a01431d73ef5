/**
 * The batched MIME read over Graph (src-main/exchange/graph/mime-batch.ts) against the Graph emulator:
 * `GET /me/messages/{id}/$value` inside `$batch` (https://learn.microsoft.com/graph/json-batching: at most 20
 * requests per batch, each answered with its own status, in any order). A body that is not JSON comes back base64
 * inside the batch (by design: Microsoft Q&A 1352007 "Using Batching With the Graph API Returns the Body Response
 * As Base64").
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GraphBackend } from '../../../src-main/exchange/graph';
import { SyncError } from '../../../src-main/shared/errors';
import { type GraphEmulator, mimeMessage } from '../../emulators/graph/index';
import { caught } from '../../helpers/caught';
import { graphPair } from './testkit';

let emu: GraphEmulator;
let backend: GraphBackend;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ emu, backend, stop } = await graphPair({ size: 'empty' }));
});
afterAll(async () => stop());
beforeEach(() => emu.faults.clear());

const mime = (i: number) =>
  mimeMessage({
    from: 'info@kovo.cz',
    to: [emu.email],
    subject: `Zpráva ${i} – č. ${i}`,
    date: new Date('2026-11-24T08:00:00Z'),
    messageId: `<gb-${i}@kovo.cz>`,
    body: `tělo ${i}\r\n`,
  });

describe('Graph: the MIME of several messages in $batch', () => {
  it('25 messages: two $batch requests (20 + 5), each message its own bytes, in the order asked', async () => {
    const list = Array.from({ length: 25 }, (_, i) => mime(i));
    const ids = list.map((m) => emu.control.deliver(m, 'inbox').id);
    emu.log.reset();
    const got = await backend.getMimes(ids);
    const top = emu.log.entries().filter((e) => !e.inBatch);
    expect(top.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /$batch', 'POST /$batch']);
    expect(emu.log.entries().filter((e) => e.inBatch)).toHaveLength(25);
    expect(got.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : x))).toEqual(list);
  });

  it('a message that is gone fails alone (404 → notFound), in its place', async () => {
    const a = emu.control.deliver(mime(30), 'inbox').id;
    const c = emu.control.deliver(mime(32), 'inbox').id;
    const got = await backend.getMimes([a, 'AAMkNoSuchMessage', c]);
    expect(String(got[0])).toBe(mime(30));
    expect(got[1]).toBeInstanceOf(SyncError);
    expect((got[1] as SyncError).kind).toBe('notFound');
    expect(String(got[2])).toBe(mime(32));
  });

  it('an item throttled inside the batch is asked again after Retry-After and then read', async () => {
    const ids = [40, 41, 42].map((i) => emu.control.deliver(mime(i), 'inbox').id);
    emu.faults.inject({ status: 429, retryAfterSec: 0, path: `/messages/${ids[1]}/$value`, scope: 'batch' });
    const got = await backend.getMimes(ids);
    expect(got.map(String)).toEqual([40, 41, 42].map(mime));
  });

  it('a $batch request that fails as a whole rejects', async () => {
    const ids = [50, 51].map((i) => emu.control.deliver(mime(i), 'inbox').id);
    emu.faults.inject({ status: 401, path: '/$batch', scope: 'top', times: 5 });
    expect((await caught(backend.getMimes(ids))).kind).toBe('auth');
  });
});
