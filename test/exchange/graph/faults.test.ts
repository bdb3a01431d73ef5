/**
 * Graph backend failure handling over the emulator: $batch per-item isolation, 429/503 with Retry-After, 410 stale
 * delta → cursorInvalid, 412 stale change key → conflict, 401 → auth (one retry with a fresh token), 403, network
 * errors, and never more than 4 requests in flight.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphBackend } from '../../../src-main/exchange/graph';
import type { ContactData, ContactItem } from '../../../src-main/exchange/types';
import { SyncError } from '../../../src-main/shared/errors';
import type { GraphEmulator } from '../../emulators/graph/index';
import { drain, graphPair } from './testkit';

let emu: GraphEmulator;
let backend: GraphBackend;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ emu, backend, stop } = await graphPair({ size: 'empty' }));
});
afterAll(async () => stop());
afterEach(() => {
  emu.faults.clear();
  emu.faults.setLatency(0);
});

const contact = (n: number): ContactData => ({ displayName: `Kontakt ${n}`, emails: [`k${n}@x.cz`] });

async function err(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SyncError) return e;
    throw e;
  }
  throw new Error('expected a SyncError');
}

describe('$batch', () => {
  it('a failed item never fails the others; results come in input order', async () => {
    const folder = await backend.getFolder('contacts');
    const reqs = Array.from({ length: 23 }, (_, i) => ({ abraId: `B${i}`, data: contact(i) }));
    // the 2nd create inside a batch is refused by the server
    emu.faults.inject({
      status: 400,
      code: 'ErrorInvalidRequest',
      message: 'bad phone',
      method: 'POST',
      path: '/contacts',
      scope: 'batch',
      times: 1,
    });
    const res = await backend.createItems(folder, reqs);
    expect(res).toHaveLength(23);
    const failed = res.filter((r) => !r.ok);
    expect(failed).toHaveLength(1);
    expect((failed[0] as { error: SyncError }).error.kind).toBe('validation');
    expect((failed[0] as { error: SyncError }).error.message).toContain('bad phone');
    // input order: every ok result's stamp matches its request
    for (const [i, r] of res.entries()) {
      if (!r.ok) continue;
      expect(emu.control.abraIdOf(r.id)).toBe(`B${i}`);
    }
    expect(emu.log.entries().filter((e) => e.path === '/$batch').length).toBeGreaterThanOrEqual(2);
    // an invalid item is refused locally, the rest is written
    const mixed = await backend.createItems(folder, [
      { abraId: '', data: contact(99) },
      { abraId: 'B99', data: contact(99) },
    ]);
    expect(mixed[0]).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(mixed[1]!.ok).toBe(true);
  });

  it('items answered 429 inside a batch are retried after Retry-After', async () => {
    const folder = await backend.getFolder('contacts');
    emu.faults.inject({
      status: 429,
      retryAfterSec: 1,
      method: 'POST',
      path: '/contacts',
      scope: 'batch',
      times: 3,
    });
    const t0 = Date.now();
    const res = await backend.createItems(
      folder,
      [0, 1, 2, 3, 4].map((i) => ({ abraId: `R${i}`, data: contact(i) })),
    );
    expect(res.every((r) => r.ok)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(
      emu.control.list('contact', folder.id).filter((c) => String(c.displayName).startsWith('Kontakt'))
        .length,
    ).toBeGreaterThan(0);
    // no duplicates: each R stamp exists once
    const found = await backend.findByAbraIds<ContactItem>(folder, ['R0', 'R1', 'R2', 'R3', 'R4']);
    expect(found.map((f) => f.abraId).sort()).toEqual(['R0', 'R1', 'R2', 'R3', 'R4']);
  });

  it('a failed $batch of reads is retried; a failed $batch of creates is re-sent only after a look-up by stamp', async () => {
    const folder = await backend.getFolder('contacts');
    const [c] = await backend.createItems(folder, [{ abraId: 'T1', data: contact(1) }]);
    if (!c?.ok) throw new Error('setup');
    emu.faults.inject({ status: 500, path: '/$batch', scope: 'top', times: 1 });
    expect((await backend.getItems(folder, [c.id])).map((x) => x.id)).toEqual([c.id]);
    emu.faults.inject({ status: 500, path: '/$batch', scope: 'top', times: 1 });
    emu.log.reset();
    const [t2] = await backend.createItems(folder, [{ abraId: 'RC-2', data: contact(2) }]);
    expect(t2?.ok).toBe(true);
    const stamped = (a: string) =>
      emu.control.list('contact', folder.id).filter((x) => emu.control.abraIdOf(String(x.id)) === a);
    expect(stamped('RC-2')).toHaveLength(1);
    // the look-up by the stamp came between the failed send and the second one
    const batched = emu.log.entries().filter((e) => e.inBatch);
    expect(batched.map((e) => e.method)).toEqual(['GET', 'POST']);
    // an outage that lasts: the failure of the whole request reaches the caller, nothing was created
    emu.faults.inject({ status: 500, path: '/$batch', scope: 'top', times: 100 });
    const before = emu.control.list('contact', folder.id).length;
    const e = await err(backend.createItems(folder, [{ abraId: 'RC-3', data: contact(3) }]));
    expect(e.kind).toBe('transient');
    expect(emu.control.list('contact', folder.id).length).toBe(before);
  });
});

describe('throttling and transient errors', () => {
  it('429 with Retry-After is honoured and retried', async () => {
    emu.faults.inject({ status: 429, retryAfterSec: 1, path: '/me', scope: 'top', times: 2 });
    emu.log.reset();
    const t0 = Date.now();
    const info = await backend.testConnection();
    expect(info.email).toBe(emu.email);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    expect(
      emu.log
        .entries()
        .filter((e) => e.path === '/me')
        .map((e) => e.status),
    ).toEqual([429, 429, 200]);
  });

  it('503 / 504 are retried; a Retry-After beyond the cap fails as throttled with the wait', async () => {
    emu.faults.inject({ status: 503, retryAfterSec: 0, path: '/me', scope: 'top', times: 1 });
    emu.faults.inject({ status: 504, path: '/me', scope: 'top', times: 1 });
    expect((await backend.testConnection()).email).toBe(emu.email);
    emu.faults.inject({ status: 429, retryAfterSec: 600, path: '/me', scope: 'top', times: 1 });
    const e = await err(backend.testConnection());
    expect(e.kind).toBe('throttled');
    expect(e.retryAfterMs).toBe(600_000);
  });

  it('persistent 500 ends as transient after the retries', async () => {
    emu.faults.inject({ status: 500, path: '/me', scope: 'top', times: 10 });
    const b = new GraphBackend(
      emu.url,
      { getAccessToken: async () => emu.token },
      { timeZone: 'UTC', retryBaseMs: 5, maxRetries: 2 },
    );
    const e = await err(b.testConnection());
    expect(e.kind).toBe('transient');
    expect(e.status).toBe(500);
  });

  it('connection refused → unreachable; HTML answer → malformed', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const dead = new GraphBackend(
      `http://127.0.0.1:${port}/v1.0`,
      { getAccessToken: async () => 'x' },
      { timeZone: 'UTC', retryBaseMs: 1, maxRetries: 1 },
    );
    const e = await err(dead.testConnection());
    expect(e.kind).toBe('unreachable');
    expect(JSON.stringify(e)).not.toContain('Bearer');
  });
});

describe('cursor, conflicts, auth', () => {
  it('410 on a stale delta link → cursorInvalid; reading from scratch then works', async () => {
    const folder = await backend.getFolder('contacts');
    const r = await drain((c) => backend.getChanges<ContactItem>(folder, c), null);
    emu.control.expireDeltaTokens(folder.id);
    const e = await err(backend.getChanges(folder, r.cursor));
    expect(e.kind).toBe('cursorInvalid');
    expect(e.status).toBe(410);
    const again = await drain((c) => backend.getChanges<ContactItem>(folder, c), null);
    expect(again.changes.length).toBe(r.changes.length);
    // a garbled cursor is refused the same way
    expect((await err(backend.getChanges(folder, 'not-a-cursor'))).kind).toBe('cursorInvalid');
    // an injected resyncRequired code is understood too
    emu.faults.inject({ status: 400, code: 'resyncRequired', path: '/delta', times: 1 });
    expect((await err(backend.getChanges(folder, again.cursor))).kind).toBe('cursorInvalid');
  });

  it('412 on a stale change key → per-item conflict, the other item is written', async () => {
    const folder = await backend.getFolder('contacts');
    const [a, b] = await backend.createItems(folder, [
      { abraId: 'C1', data: contact(1) },
      { abraId: 'C2', data: contact(2) },
    ]);
    if (!a?.ok || !b?.ok) throw new Error('setup');
    emu.control.update(a.id, { jobTitle: 'edited in Outlook' });
    const res = await backend.updateItems(folder, [
      { id: a.id, changeKey: a.changeKey, data: contact(11) },
      { id: b.id, changeKey: b.changeKey, data: contact(22) },
    ]);
    expect(res[0]).toMatchObject({ ok: false, error: { kind: 'conflict', status: 412 } });
    expect(res[1]!.ok).toBe(true);
    expect(emu.control.get(a.id)!.jobTitle).toBe('edited in Outlook');
    const gone = await backend.updateItems(folder, [
      { id: 'AAMkAGnothere=', changeKey: 'x', data: contact(3) },
    ]);
    expect(gone[0]).toMatchObject({ ok: false, error: { kind: 'notFound' } });
  });

  it('401 → invalidate + one retry with a fresh token; still 401 → auth "sign in again"', async () => {
    let calls = 0;
    let invalidated = 0;
    const expired = emu.issueToken(-1);
    const fresh = emu.token;
    const b = new GraphBackend(
      emu.url,
      {
        getAccessToken: async () => (calls++ === 0 ? expired : fresh),
        invalidate: () => {
          invalidated++;
        },
      },
      { timeZone: 'UTC' },
    );
    expect((await b.testConnection()).email).toBe(emu.email);
    expect(invalidated).toBe(1);
    const bad = new GraphBackend(
      emu.url,
      { getAccessToken: async () => expired, invalidate: () => {} },
      { timeZone: 'UTC' },
    );
    const e = await err(bad.testConnection());
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/sign in again/);
    expect(e.code).toBe('InvalidAuthenticationToken');
    expect(JSON.stringify(e.toJSON())).not.toContain(expired);
    const none = new GraphBackend(emu.url, { getAccessToken: async () => 'garbage' }, { timeZone: 'UTC' });
    expect((await err(none.testConnection())).kind).toBe('auth');
  });

  it('403 → forbidden', async () => {
    emu.faults.inject({
      status: 403,
      code: 'ErrorAccessDenied',
      message: 'Access is denied. Check credentials and try again.',
      path: '/me',
      scope: 'top',
    });
    const e = await err(backend.testConnection());
    expect(e.kind).toBe('forbidden');
  });
});

describe('concurrency', () => {
  it('never more than 4 requests in flight against the mailbox', async () => {
    const folder = await backend.getFolder('contacts');
    emu.faults.setLatency(40);
    emu.log.reset();
    const all = await drain((c) => backend.getChanges<ContactItem>(folder, c), null);
    const ids = all.changes.map((c) => (c.type === 'upsert' ? c.item.id : ''));
    // many callers at once, each a batch or a plain GET
    await Promise.all([
      ...Array.from({ length: 12 }, () => backend.testConnection()),
      backend.getItems(folder, ids),
      backend.findByAbraIds(
        folder,
        Array.from({ length: 60 }, (_, i) => `B${i}`),
      ),
    ]);
    expect(emu.log.maxInFlight()).toBeLessThanOrEqual(4);
    expect(emu.log.maxInFlight()).toBeGreaterThanOrEqual(2);
  });
});
