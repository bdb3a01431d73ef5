/**
 * The Graph emulator itself, over raw HTTP: Microsoft's JSON shapes, bearer checks, OData options ($select,
 * $filter on the extended property, $expand, paging), $batch limits and dependsOn, delta semantics, the
 * standalone start used by `npm run emulator -- graph`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABRA_ID_PROP, type GraphEmulator, startGraphEmulator } from './index';
import { startStandalone } from './standalone';

let emu: GraphEmulator;

beforeAll(async () => {
  emu = await startGraphEmulator({ size: 'demo', seed: 3, now: '2026-11-24T08:00:00.000Z' });
});
afterAll(async () => emu.stop());

async function call(
  method: string,
  path: string,
  o: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const url = path.startsWith('http') ? path : `${emu.url}${path}`;
  const res = await fetch(url, {
    method,
    headers: {
      ...(o.token === null ? {} : { Authorization: `Bearer ${o.token ?? emu.token}` }),
      ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(o.headers ?? {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
}

describe('Graph emulator', () => {
  it('bearer check on every call, with the Graph error shape', async () => {
    const none = await call('GET', '/me', { token: null });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    const expired = await call('GET', '/me', { token: emu.issueToken(-5) });
    expect(expired.status).toBe(401);
    expect((expired.json.error as { message: string }).message).toMatch(/expired/);
    const me = await call('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      mail: emu.email,
      '@odata.context': expect.stringContaining('$metadata#users'),
    });
    const bad = await call('GET', '/me/nothing');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'BadRequest' });
  });

  it('$filter on the extended property, $expand of it, $select, $top paging with nextLink', async () => {
    const folder = await call('POST', '/me/contactFolders', { body: { displayName: 'ABRA Gen' } });
    expect(folder.status).toBe(201);
    const dup = await call('POST', '/me/contactFolders', { body: { displayName: 'ABRA Gen' } });
    expect(dup.status).toBe(409);
    const fid = String(folder.json.id);
    for (let i = 0; i < 12; i++)
      await call('POST', `/me/contactFolders/${fid}/contacts`, {
        body: { displayName: `K${i}`, singleValueExtendedProperties: [{ id: ABRA_ID_PROP, value: `A${i}` }] },
      });
    const f = encodeURIComponent(
      `singleValueExtendedProperties/Any(ep: ep/id eq '${ABRA_ID_PROP}' and ep/value eq 'A7')`,
    );
    const x = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${ABRA_ID_PROP}')`);
    const hit = await call(
      'GET',
      `/me/contactFolders/${fid}/contacts?$filter=${f}&$expand=${x}&$select=displayName`,
    );
    const v = hit.json.value as Record<string, unknown>[];
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({
      displayName: 'K7',
      singleValueExtendedProperties: [{ id: ABRA_ID_PROP, value: 'A7' }],
    });
    expect(v[0]!.givenName).toBeUndefined(); // $select
    const page1 = await call('GET', `/me/contactFolders/${fid}/contacts`);
    expect((page1.json.value as unknown[]).length).toBe(10); // Graph's default page size
    const page2 = await call('GET', String(page1.json['@odata.nextLink']));
    expect((page2.json.value as unknown[]).length).toBe(2);
    expect(page2.json['@odata.nextLink']).toBeUndefined();
    const badFilter = await call(
      'GET',
      `/me/contactFolders/${fid}/contacts?$filter=${encodeURIComponent('foo gt 3')}`,
    );
    expect(badFilter.status).toBe(400);
  });

  it('delta: nextLink with $skiptoken, deltaLink with $deltatoken, @removed, maxpagesize honoured', async () => {
    const fid = emu.control.contactFolderId('ABRA Gen')!;
    const prefer = { Prefer: 'odata.maxpagesize=5' };
    let r = await call('GET', `/me/contactFolders/${fid}/contacts/delta`, { headers: prefer });
    expect(r.headers.get('preference-applied')).toBe('odata.maxpagesize=5');
    const seen: string[] = [];
    let pages = 1;
    seen.push(...(r.json.value as { id: string }[]).map((x) => x.id));
    while (r.json['@odata.nextLink']) {
      expect(String(r.json['@odata.nextLink'])).toContain('$skiptoken=');
      r = await call('GET', String(r.json['@odata.nextLink']), { headers: prefer });
      seen.push(...(r.json.value as { id: string }[]).map((x) => x.id));
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
    const deltaLink = String(r.json['@odata.deltaLink']);
    expect(deltaLink).toContain('$deltatoken=');
    emu.control.remove(seen[0]!);
    emu.control.update(seen[1]!, { jobTitle: 'x' });
    const d = await call('GET', deltaLink);
    const vals = d.json.value as Record<string, unknown>[];
    expect(vals).toHaveLength(2);
    expect(vals.find((x) => x.id === seen[0])).toEqual({ id: seen[0], '@removed': { reason: 'deleted' } });
    expect(vals.find((x) => x.id === seen[1])).toMatchObject({ jobTitle: 'x' });
    emu.control.expireDeltaTokens(fid);
    const gone = await call('GET', String(d.json['@odata.deltaLink']));
    expect(gone.status).toBe(410);
    expect(gone.json.error).toMatchObject({ code: 'SyncStateNotFound' });
  });

  it('query options of the first delta call apply on every later page', async () => {
    const prefer = { Prefer: 'odata.maxpagesize=2' };
    let r = await call('GET', '/me/mailFolders/inbox/messages/delta?$select=subject,internetMessageHeaders', {
      headers: prefer,
    });
    let pages = 0;
    for (;;) {
      pages++;
      for (const m of r.json.value as Record<string, unknown>[]) {
        expect(Object.keys(m).sort()).toEqual(['@odata.etag', 'id', 'internetMessageHeaders', 'subject']);
      }
      const next = r.json['@odata.nextLink'];
      if (!next) break;
      r = await call('GET', String(next), { headers: prefer });
    }
    expect(pages).toBeGreaterThan(2);
  });

  it('calendarView/delta wants a window and refuses $expand; instances expand a series', async () => {
    expect((await call('GET', '/me/calendarView/delta')).status).toBe(400);
    const w = 'startDateTime=2026-11-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z';
    expect(
      (await call('GET', `/me/calendarView/delta?${w}&$expand=singleValueExtendedProperties`)).status,
    ).toBe(400);
    const s = emu.control.createWeeklySeries({ subject: 'S', start: '2026-11-03T08:00:00.000Z', count: 5 });
    emu.control.cancelOccurrence(s.masterId, 1);
    const inst = await call('GET', `/me/events/${encodeURIComponent(s.masterId)}/instances?${w}`);
    const list = inst.json.value as Record<string, unknown>[];
    expect(list).toHaveLength(4);
    expect(list[0]).toMatchObject({
      type: 'occurrence',
      seriesMasterId: s.masterId,
      originalStart: '2026-11-03T08:00:00Z',
    });
    expect(list[0]!.start).toEqual({ dateTime: '2026-11-03T08:00:00.0000000', timeZone: 'UTC' });
    const view = await call('GET', `/me/calendarView/delta?${w}`);
    const vals = view.json.value as { type: string; seriesMasterId?: string }[];
    expect(vals.map((x) => x.type)).not.toContain('seriesMaster');
    expect(vals.filter((x) => x.seriesMasterId === s.masterId)).toHaveLength(4);
  });

  it('$batch: at most 20, per-item status, dependsOn and 424 on a failed dependency', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' }));
    expect((await call('POST', '/$batch', { body: { requests: many } })).status).toBe(400);
    const r = await call('POST', '/$batch', {
      body: {
        requests: [
          { id: 'a', method: 'GET', url: '/me/contacts/AAMkAGnotThereAtAllButWellFormed0=' },
          { id: 'b', method: 'GET', url: '/me', dependsOn: ['a'] },
          {
            id: 'c',
            method: 'POST',
            url: '/me/todo/lists',
            body: { displayName: 'L' },
            headers: { 'Content-Type': 'application/json' },
          },
          { id: 'd', method: 'GET', url: '/me/todo/lists', dependsOn: ['c'] },
        ],
      },
    });
    expect(r.status).toBe(200);
    const by = new Map(
      (r.json.responses as { id: string; status: number; body: Record<string, unknown> }[]).map((x) => [
        x.id,
        x,
      ]),
    );
    expect(by.get('a')!.status).toBe(404);
    expect(by.get('a')!.body.error).toMatchObject({ code: 'ErrorItemNotFound' });
    expect(by.get('b')!.status).toBe(424);
    expect(by.get('c')!.status).toBe(201);
    expect((by.get('d')!.body.value as { displayName: string }[]).map((l) => l.displayName)).toContain('L');
  });

  it('faults: 429 with Retry-After, counted in the log', async () => {
    emu.faults.inject({ status: 429, retryAfterSec: 3, path: '/me', scope: 'top' });
    const r = await call('GET', '/me');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(emu.log.counts()['GET /me']).toBeGreaterThanOrEqual(2);
  });

  it('412 on a stale If-Match', async () => {
    const t = emu.control.createTask('ABRA Gen', { title: 'T' });
    const ok = await call(
      'PATCH',
      `/me/todo/lists/${encodeURIComponent(emu.control.todoListId('ABRA Gen')!)}/tasks/${encodeURIComponent(String(t.id))}`,
      {
        body: { title: 'T2' },
        headers: { 'If-Match': String(t['@odata.etag']) },
      },
    );
    expect(ok.status).toBe(200);
    const stale = await call(
      'PATCH',
      `/me/todo/lists/${encodeURIComponent(emu.control.todoListId('ABRA Gen')!)}/tasks/${encodeURIComponent(String(t.id))}`,
      {
        body: { title: 'T3' },
        headers: { 'If-Match': String(t['@odata.etag']) },
      },
    );
    expect(stale.status).toBe(412);
    expect(stale.json.error).toMatchObject({ code: 'ErrorIrresolvableConflict' });
  });

  it('standalone start: URL and a working token; stops cleanly', async () => {
    const s = await startStandalone({ port: 0, seed: 1, size: 'small' });
    const info = s.info as { url: string; token: string; user: string; password: string };
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
    expect(info.user).toContain('@');
    expect(info.password).toBeTruthy();
    const r = await fetch(`${info.url}/me/mailFolders/inbox/messages/delta`, {
      headers: { Authorization: `Bearer ${info.token}` },
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { value: unknown[] }).value.length).toBeGreaterThan(0);
    await s.stop();
    await expect(fetch(`${info.url}/me`)).rejects.toThrow();
  });
});
