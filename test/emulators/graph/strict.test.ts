/**
 * The Graph emulator is at least as strict as Microsoft Graph, pinned from Microsoft's documentation (each test names
 * its page): links that follow the client's scheme/host/port, Graph over https, `$batch` headers and the whole-batch
 * 400 for a body without Content-Type, GUID request ids, ErrorInvalidIdMalformed, the Outlook throttling answer, and
 * the loopback fault-injection endpoint a tester outside the suite uses.
 */
import https from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ABRA_ID_PROP, type GraphEmulator, startGraphEmulator } from './index';
import { graphHeaderName, isIdOrWord, parseFaultSpec } from './server';
import { startStandalone } from './standalone';

let emu: GraphEmulator;

beforeAll(async () => {
  emu = await startGraphEmulator({ size: 'small', seed: 5, now: '2026-11-24T08:00:00.000Z' });
});
afterAll(async () => emu.stop());
afterEach(() => emu.faults.clear());

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Answer {
  status: number;
  headers: Record<string, string>;
  json: Record<string, unknown>;
}

async function call(
  method: string,
  url: string,
  o: { body?: unknown; headers?: Record<string, string>; token?: string | null; signal?: AbortSignal } = {},
): Promise<Answer> {
  const res = await fetch(url.startsWith('http') ? url : `${emu.url}${url}`, {
    method,
    headers: {
      ...(o.token === null ? {} : { Authorization: `Bearer ${o.token ?? emu.token}` }),
      ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(o.headers ?? {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    signal: o.signal,
  });
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, json: text ? JSON.parse(text) : {} };
}

/** GET over https trusting the emulator's test certificate (fetch has no per-call CA). */
function httpsGet(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'GET', ca: emu.tlsCa, headers: { Authorization: `Bearer ${emu.token}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            json: text ? JSON.parse(text) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const enc = encodeURIComponent;

describe('links follow the request (https://learn.microsoft.com/graph/delta-query-overview, paging)', () => {
  // "use the entire URL in the @odata.nextLink / @odata.deltaLink" — a client may only follow a link to the host
  // it talks to, so the links must name the scheme, host and port the request came in on
  it('over http with another host name: context, nextLink and deltaLink name that host and port', async () => {
    const port = new URL(emu.url).port;
    const base = `http://localhost:${port}/v1.0`;
    const first = await call('GET', `${base}/me/mailFolders/inbox/messages/delta`, {
      headers: { Prefer: 'odata.maxpagesize=2' },
    });
    expect(first.status).toBe(200);
    expect(String(first.json['@odata.context'])).toMatch(
      new RegExp(`^${base.replace(/\./g, '\\.')}/\\$metadata#`),
    );
    const next = String(first.json['@odata.nextLink']);
    expect(next.startsWith(`${base}/me/mailFolders/`)).toBe(true);
    let link = next;
    for (let i = 0; i < 100 && link.includes('$skiptoken'); i++) {
      const p = await call('GET', link, { headers: { Prefer: 'odata.maxpagesize=2' } });
      link = String(p.json['@odata.nextLink'] ?? p.json['@odata.deltaLink']);
    }
    expect(link.startsWith(`${base}/`)).toBe(true);
    expect(link).toContain('$deltatoken=');
    const list = await call('GET', `${base}/me/mailFolders?$top=1`);
    expect(String(list.json['@odata.nextLink']).startsWith(`${base}/me/mailFolders?`)).toBe(true);
  });

  it('over https: the same Graph answers, and its links are https on the TLS port', async () => {
    expect(emu.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
    const me = await httpsGet(`${emu.httpsUrl}/me`);
    expect(me.status).toBe(200);
    expect(String(me.json['@odata.context']).startsWith(`${emu.httpsUrl}/$metadata#`)).toBe(true);
    const d = await httpsGet(`${emu.httpsUrl}/me/mailFolders/inbox/messages/delta`, {
      Prefer: 'odata.maxpagesize=1',
    });
    const next = String(d.json['@odata.nextLink']);
    expect(next.startsWith(`${emu.httpsUrl}/`)).toBe(true);
    expect((await httpsGet(next)).status).toBe(200);
    // no token over plain text needed for this: the http listener still works, with http links
    const plain = await call('GET', '/me');
    expect(String(plain.json['@odata.context']).startsWith(`${emu.url}/`)).toBe(true);
  });
});

describe('JSON batching (https://learn.microsoft.com/graph/json-batching)', () => {
  it('answers carry headers as Graph writes them: Content-Type, Retry-After — not lower case', async () => {
    emu.faults.inject({ status: 429, path: '/me/contactFolders', scope: 'batch' });
    const r = await call('POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/me' },
          { id: '2', method: 'GET', url: '/me/contactFolders' },
        ],
      },
    });
    expect(r.status).toBe(200);
    const by = new Map(
      (r.json.responses as { id: string; headers: Record<string, string> }[]).map((x) => [x.id, x.headers]),
    );
    const ok = by.get('1')!;
    expect(Object.keys(ok)).toContain('Content-Type');
    expect(Object.keys(ok)).not.toContain('content-type');
    expect(ok['Content-Type']).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(ok['OData-Version']).toBe('4.0');
    const throttled = by.get('2')!;
    expect(throttled['Retry-After']).toBe('1');
    expect(Object.keys(throttled)).not.toContain('retry-after');
    expect(graphHeaderName('etag')).toBe('ETag');
    expect(graphHeaderName('preference-applied')).toBe('Preference-Applied');
  });

  it('a request with a body but no Content-Type header fails the whole batch with 400; nothing runs', async () => {
    // "headers: optional, but required when body is specified … must include a Content-Type value"
    const before = emu.control.list('task').length;
    const r = await call('POST', '/$batch', {
      body: {
        requests: [
          {
            id: '1',
            method: 'POST',
            url: '/me/todo/lists',
            body: { displayName: 'Nebude' },
            headers: { 'Content-Type': 'application/json' },
          },
          { id: '2', method: 'POST', url: '/me/todo/lists', body: { displayName: 'Bez hlavičky' } },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'BadRequest' });
    expect(String((r.json.error as { message: string }).message)).toContain('Content-Type');
    expect(r.json.responses).toBeUndefined();
    const lists = await call('GET', '/me/todo/lists');
    const names = (lists.json.value as { displayName: string }[]).map((l) => l.displayName);
    expect(names).not.toContain('Nebude');
    expect(names).not.toContain('Bez hlavičky');
    expect(emu.control.list('task').length).toBe(before);
    // the header name is case-insensitive, as HTTP headers are
    const lower = await call('POST', '/$batch', {
      body: {
        requests: [
          {
            id: '1',
            method: 'POST',
            url: '/me/todo/lists',
            body: { displayName: 'S hlavičkou' },
            headers: { 'content-type': 'application/json' },
          },
        ],
      },
    });
    expect((lower.json.responses as { status: number }[])[0]!.status).toBe(201);
  });
});

describe('request ids and errors (https://learn.microsoft.com/graph/errors)', () => {
  it('request-id and client-request-id are GUIDs; the client-request-id sent is echoed; errors carry both', async () => {
    const ok = await call('GET', '/me');
    expect(ok.headers['request-id']).toMatch(GUID);
    expect(ok.headers['client-request-id']).toMatch(GUID);
    const mine = '2f0b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const echoed = await call('GET', '/me', { headers: { 'client-request-id': mine } });
    expect(echoed.headers['client-request-id']).toBe(mine);
    const bad = await call('GET', '/me/contacts/AAMkAGnotThereAtAllButWellFormed0=', {
      headers: { 'client-request-id': mine },
    });
    expect(bad.status).toBe(404);
    const inner = (bad.json.error as { innerError: Record<string, string> }).innerError;
    expect(inner['request-id']).toBe(bad.headers['request-id']);
    expect(inner['client-request-id']).toBe(mine);
    expect(inner.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    // inside a $batch too
    const b = await call('POST', '/$batch', {
      body: {
        requests: [{ id: '1', method: 'GET', url: '/me/contacts/AAMkAGnotThereAtAllButWellFormed0=' }],
      },
    });
    const item = (b.json.responses as { body: { error: { innerError: Record<string, string> } } }[])[0]!;
    expect(item.body.error.innerError['request-id']).toMatch(GUID);
  });

  it('an id that cannot be an id gets 400 ErrorInvalidIdMalformed; a well-formed unknown one 404', async () => {
    for (const id of [
      'abc',
      'AAMkAGnope=',
      'not an id',
      'AAMkAG%zz',
      'AAMkAGI2Tk5NjYtNjBlMS00%2FMjU5LWE5ZjI=',
    ]) {
      const r = await call('GET', `/me/contacts/${enc(id)}`);
      expect(r.status, id).toBe(400);
      expect(r.json.error, id).toMatchObject({
        code: 'ErrorInvalidIdMalformed',
        message: 'Id is malformed.',
      });
    }
    const missing = await call('GET', `/me/events/${enc('AAMkAGI2Tk5/NjYtNjBlMS00+MjU5LWE5ZjI=')}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'ErrorItemNotFound' });
    expect(isIdOrWord('inbox')).toBe(true);
    expect(isIdOrWord('AAMkAGI2Tk5/NjYtNjBlMS00+MjU5LWE5ZjI=')).toBe(true);
    expect(isIdOrWord('AAMkAGI2Tk5%2FNjYtNjBlMS00%2BMjU5LWE5ZjI%3D')).toBe(false);
  });

  it("ids carry '/' and '+': encoded once they reach the item; as they are or encoded twice they do not", async () => {
    const made = Array.from({ length: 6 }, (_, i) =>
      emu.control.createContact('Zkouška', { displayName: `K${i}` }),
    );
    const id = made.map((c) => String(c.id)).find((x) => x.includes('/') && x.includes('+'))!;
    expect(id).toBeDefined();
    const once = await call('GET', `/me/contacts/${enc(id)}`);
    expect(once.status).toBe(200);
    expect(once.json.id).toBe(id);
    const twice = await call('GET', `/me/contacts/${enc(enc(id))}`);
    expect(twice.status).toBe(400);
    expect(twice.json.error).toMatchObject({ code: 'ErrorInvalidIdMalformed' });
    const raw = await call('GET', `/me/contacts/${id}`);
    expect(raw.status).toBeGreaterThanOrEqual(400);
    expect(raw.json.id).toBeUndefined();
  });
});

describe('throttling (https://learn.microsoft.com/graph/throttling, …/throttling-limits#outlook-service-limits)', () => {
  it('the default throttling answer is 429 ApplicationThrottled with Retry-After', async () => {
    emu.faults.inject({ status: 429, path: '/me', scope: 'top' });
    const r = await call('GET', '/me');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json.error).toMatchObject({
      code: 'ApplicationThrottled',
      message: 'Application is over its MailboxConcurrency limit.',
    });
    emu.faults.inject({ status: 429, path: '/me', scope: 'top', retryAfterSec: null });
    expect((await call('GET', '/me')).headers['retry-after']).toBeUndefined();
  });
});

describe('fault injection over the loopback control endpoint (docs/graph.md §6)', () => {
  const control = () => `${new URL(emu.url).origin}/_control/faults`;

  it('POST arms faults (JSON), GET lists them, DELETE disarms; a bad spec is refused and arms nothing', async () => {
    const armed = await call('POST', control(), {
      token: null,
      body: [
        { status: 503, path: '/me/calendar', scope: 'top', times: 2, retryAfterSec: 0 },
        { status: 500, pathRegex: '^/me/todo/', method: 'GET' },
      ],
    });
    expect(armed.status).toBe(201);
    expect((armed.json.faults as unknown[]).length).toBe(2);
    const listed = await call('GET', control(), { token: null });
    expect(listed.json.faults).toMatchObject([
      { status: 503, path: '/me/calendar', times: 2 },
      { status: 500, pathRegex: /^\/me\/todo\//.source, left: 1 },
    ]);
    expect((await call('GET', '/me/calendar')).status).toBe(503);
    expect((await call('GET', '/me/todo/lists')).status).toBe(500);
    expect((await call('DELETE', control(), { token: null })).status).toBe(200);
    expect((await call('GET', '/me/calendar')).status).toBe(200);
    for (const bad of [{}, { status: 42 }, { status: 500, bogus: 1 }, { status: 500, pathRegex: '(' }, 'x']) {
      const r = await call('POST', control(), { token: null, body: bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await call('GET', control(), { token: null })).json.faults).toEqual([]);
    expect(parseFaultSpec({ reset: true })).toEqual({ reset: true });
  });

  it('reset drops the connection; delayMs answers late; afterProcessing stores, then answers the fault', async () => {
    await call('POST', control(), { token: null, body: { reset: true, path: '/me', scope: 'top' } });
    await expect(call('GET', '/me')).rejects.toThrow();
    expect((await call('GET', '/me')).status).toBe(200);

    await call('POST', control(), { token: null, body: { delayMs: 2000, path: '/me', scope: 'top' } });
    await expect(call('GET', '/me', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await call('GET', '/me')).status).toBe(200);

    const folder = await call('POST', '/me/contactFolders', { body: { displayName: 'Po uložení' } });
    const fid = enc(String(folder.json.id));
    await call('POST', control(), {
      token: null,
      body: { status: 502, afterProcessing: true, method: 'POST', path: '/contacts' },
    });
    const r = await call('POST', `/me/contactFolders/${fid}/contacts`, {
      body: {
        displayName: 'Uložený',
        singleValueExtendedProperties: [{ id: ABRA_ID_PROP, value: 'A-502' }],
      },
    });
    expect(r.status).toBe(502);
    expect(r.json.error).toMatchObject({ code: 'BadGateway' });
    const stored = await call(
      'GET',
      `/me/contactFolders/${fid}/contacts?$filter=${enc(`singleValueExtendedProperties/Any(ep: ep/id eq '${ABRA_ID_PROP}' and ep/value eq 'A-502')`)}`,
    );
    expect((stored.json.value as unknown[]).length).toBe(1);
  });

  it('the standalone emulator serves https too and names its control endpoint', async () => {
    const s = await startStandalone({ port: 0, seed: 1, size: 'small' });
    try {
      const info = s.info as {
        url: string;
        httpsUrl: string;
        caFile: string;
        controlUrl: string;
        token: string;
      };
      expect(info.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
      expect(info.controlUrl).toBe(`${new URL(info.url).origin}/_control/faults`);
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(info.caFile, 'utf8')).toBe(emu.tlsCa);
      const r = await new Promise<number>((resolve, reject) => {
        https
          .get(
            `${info.httpsUrl}/me`,
            { ca: emu.tlsCa, headers: { Authorization: `Bearer ${info.token}` } },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on('error', reject);
      });
      expect(r).toBe(200);
      const armed = await fetch(info.controlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 504, path: '/me', scope: 'top' }),
      });
      expect(armed.status).toBe(201);
      const hit = await fetch(`${info.url}/me`, { headers: { Authorization: `Bearer ${info.token}` } });
      expect(hit.status).toBe(504);
    } finally {
      await s.stop();
    }
  });
});
