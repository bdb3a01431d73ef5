/**
 * What the lean EWS read tests share (lean-read.test.ts, lean-read-mail.test.ts): the library's session with every
 * request and answer recorded, its reading of a GetItem (the oracle), the answers' and requests' elements, the
 * comparison of both paths' items, and the recorded Exchange Online answers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';
import { ews } from '../../../src-main/exchange/ews/ews-lib';
import type { LeanReadKind, Listed } from '../../../src-main/exchange/ews/lean-read';
import { get } from '../../../src-main/exchange/ews/map';
import { convert, propsFor } from '../../../src-main/exchange/ews/properties';
import { EwsSession } from '../../../src-main/exchange/ews/session';
import { messageError } from '../../../src-main/exchange/ews/soap';
import { child, parseXml, type XmlElement } from '../../../src-main/exchange/ews/xml-tree';
import type { ExchangeItem } from '../../../src-main/exchange/types';
import { ewsRecordingsDir } from '../../helpers/env';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are inspected reflectively
type Any = any;

export const M = 'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"';
export const T = 'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"';

/** The SOAP layer's reading of a failed response message (what the backend passes to the readers). */
export const msgError = (msg: XmlElement) => messageError(msg, 'test');

export type ExchangeLog = { request: string; response: string }[];

/** An XhrApi that records every request and answer (the library's real one underneath). */
function spy(log: ExchangeLog) {
  const { XhrApi } = createRequire(import.meta.url)('@ewsjs/xhr') as { XhrApi: new (o: unknown) => Any };
  const real = new XhrApi({ timeout: 30_000 });
  return {
    xhr: async (o: { data?: unknown }, p?: unknown) => {
      const r = await real.xhr(o, p);
      log.push({ request: String(o.data ?? ''), response: String(r.responseText ?? '') });
      return r;
    },
    xhrStream: (o: unknown, p: unknown) => real.xhrStream(o, p),
    disconnect: () => real.disconnect(),
    apiName: 'spy',
  };
}

/** The library's session on `url`, every exchange recorded in `log`. */
export function librarySession(
  url: string,
  log: ExchangeLog,
  o: { user?: string; email?: string; password?: string; legacy?: boolean } = {},
): EwsSession {
  return new EwsSession(
    {
      email: o.email ?? 'test.user@example.com',
      user: o.user,
      ewsUrl: url,
      auth: 'basic',
      timeZone: 'Europe/Prague',
      ...(o.legacy ? { serverVersion: 'Exchange2007_SP1' as const } : {}),
    },
    { password: o.password ?? 'S3cret-Pa55' },
    { transport: { baseDelayMs: 1, maxBackoffMs: 50 }, xhr: spy(log) as Any },
  );
}

/** What the library path made of a GetItem: requested id → convert()'s result (left out: gone). */
export async function libraryGetItem(
  session: EwsSession,
  kind: LeanReadKind,
  ids: string[],
  withBody = true,
): Promise<Map<string, ExchangeItem | null>> {
  const out = new Map<string, ExchangeItem | null>();
  const res = await session.call('lib', () =>
    session.service.BindToItems(
      ids.map((id) => new ews.ItemId(id)),
      propsFor(kind, withBody),
    ),
  );
  (res.Responses ?? []).forEach((r: Any, i: number) => {
    const item = get<ews.Item>(r, 'Item');
    if (item) out.set(ids[i]!, convert(kind, item, withBody));
  });
  return out;
}

/** `<soap:Body><m:{operation}Response>` of an answer's text. */
export function operationResponse(text: string, operation: string): XmlElement {
  const r = child(child(parseXml(text), 'Body'), `${operation}Response`);
  if (!r) throw new Error(`no ${operation}Response in ${text.slice(0, 200)}`);
  return r;
}

/** The element inside soap:Body of a request. */
export function bodyElement(envelope: string): XmlElement {
  const b = child(parseXml(envelope), 'Body')?.children[0];
  if (!b) throw new Error('no body element');
  return b;
}

/** The lean body element as a document of its own (namespaces declared), to parse or validate. */
export function standalone(body: string): string {
  return body.replace(/^<(m:\w+)/, `<$1 ${M} ${T}`);
}

/** Both sides equal as values and as JSON (key order too: items are hashed as JSON downstream). */
export function expectSame(
  lean: Map<string, ExchangeItem | null>,
  lib: Map<string, ExchangeItem | null>,
): void {
  expect([...lean.keys()]).toEqual([...lib.keys()]);
  for (const [id, item] of lib) {
    expect(lean.get(id)).toEqual(item);
    expect(JSON.stringify(lean.get(id))).toBe(JSON.stringify(item));
  }
}

/** Every recorded Exchange Online answer in ../shared/ews/recordings (file, index in it, body). */
export function recordings(): { file: string; i: number; body: string }[] {
  const out: { file: string; i: number; body: string }[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(path.join(dir, e.name))
        : e.name.endsWith('.json')
          ? [path.join(dir, e.name)]
          : [],
    );
  for (const f of walk(ewsRecordingsDir).sort()) {
    const list = JSON.parse(readFileSync(f, 'utf8')) as { body?: string }[];
    list.forEach((r, i) => {
      out.push({ file: path.relative(ewsRecordingsDir, f), i, body: r.body ?? '' });
    });
  }
  return out;
}

/**
 * How the library path read a SyncFolderItems page (changes.ts before the lean path): the changes per item,
 * read-flag changes left out, the echoes of the caller's own writes marked `known` — the reference
 * `readSyncFolderItems` is held to.
 */
export function listChanges(
  res: ews.ChangeCollection<ews.ItemChange>,
  isKnown: ((id: string, changeKey: string) => boolean) | undefined,
): Listed[] {
  const order: Listed[] = [];
  const seen = new Map<string, number>();
  const count: number = res.Count ?? 0;
  for (let i = 0; i < count; i++) {
    const ch = res._getItem(i);
    const type = ews.ChangeType[ch.ChangeType] ?? String(ch.ChangeType);
    const itemId = get<ews.ItemId>(ch, 'ItemId') ?? get<ews.ItemId>(ch, 'Id');
    const id = String(itemId?.UniqueId ?? '');
    if (!id || type === 'ReadFlagChange') continue;
    const entry = { id, deleted: type === 'Delete' };
    // the echo of the caller's own write (same id and ChangeKey): no need to fetch it
    const changeKey = itemId?.ChangeKey ? String(itemId.ChangeKey) : '';
    if (!entry.deleted && changeKey && isKnown?.(id, changeKey)) {
      const at = seen.get(id);
      if (at !== undefined) order[at] = { id, deleted: false, known: true };
      continue;
    }
    const at = seen.get(id);
    if (at !== undefined) order[at] = entry;
    else {
      seen.set(id, order.length);
      order.push(entry);
    }
  }
  return order;
}
