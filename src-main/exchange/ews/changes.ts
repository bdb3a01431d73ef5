/**
 * Reading: SyncFolderItems with its cursor (echoes of our own writes skipped), GetItem in batches, the expansion
 * of recurring series inside the calendar window, the search by AbraId stamp, and an e-mail's MIME.
 */
import { SyncError } from '../../shared/errors';
import type {
  CalendarEvent,
  ChangeOptions,
  ChangePage,
  ExchangeItem,
  FolderKind,
  FolderRef,
  ItemChange,
  TimeWindow,
} from '../types';
import { ews } from './ews-lib';
import {
  getItemRequest,
  type LeanReadKind,
  type Listed,
  readGetItem,
  readSyncFolderItems,
  type SyncPage,
  syncFolderItemsRequest,
} from './lean-read';
import { abraIdDef, get } from './map';
import { folderId } from './properties';
import { isLeanKind } from './read-item';
import { chunks, isSuccess, responseError } from './responses';
import type { EwsSession } from './session';
import { messageError, soapCall } from './soap';

interface Cursor {
  v: 1;
  /** EWS SyncState. */
  s: string;
  /** Calendar: recurring master ItemId → iCalendar UID, to report a deleted master's series. */
  m?: Record<string, string>;
}

const MAX_PAGE = 512;

function encodeCursor(c: Cursor): string {
  return JSON.stringify(c);
}

function decodeCursor(raw: string | null): Cursor | null {
  if (raw === null) return null;
  try {
    const c = JSON.parse(raw) as Cursor;
    if (c && c.v === 1 && typeof c.s === 'string') return c;
  } catch {
    /* fall through */
  }
  throw new SyncError(
    'cursorInvalid',
    'the saved Exchange sync state is not readable; a full resync is needed',
  );
}

/** The ids of a page to read: neither deleted nor the echo of the caller's own write. */
function wanted(page: SyncPage): string[] {
  return page.order.filter((o) => !o.deleted && !o.known).map((o) => o.id);
}

/**
 * The listed changes as the sync's changes: upserts of the read items, deletes (a deleted series master also
 * reports its series gone), and the series masters whose occurrences are still to be read. `masters` (the
 * cursor's master id → iCalendar UID) is updated in place.
 */
function toChanges(
  order: Listed[],
  read: Map<string, ExchangeItem | null>,
  masters: Record<string, string>,
  since: string | undefined,
): { changes: ItemChange<ExchangeItem>[]; seriesMasters: CalendarEvent[] } {
  const changes: ItemChange<ExchangeItem>[] = [];
  const seriesMasters: CalendarEvent[] = [];
  for (const o of order) {
    if (o.known) continue;
    if (o.deleted || !read.has(o.id)) {
      const uid = masters[o.id];
      if (uid !== undefined) {
        changes.push({ type: 'series', seriesKey: uid, occurrences: [] });
        delete masters[o.id];
      }
      changes.push({ type: 'delete', id: o.id });
      continue;
    }
    const converted = read.get(o.id);
    // an item of another class in the folder (a distribution list among the contacts …)
    if (!converted) continue;
    if (converted.kind === 'appointment' && converted.itemType === 'RecurringMaster') {
      if (converted.seriesKey) {
        masters[o.id] = converted.seriesKey;
        seriesMasters.push(converted);
      }
      continue;
    }
    if (converted.kind === 'message' && since) {
      const when = converted.receivedAt ?? converted.sentAt;
      if (when && when < since) continue;
    }
    changes.push({ type: 'upsert', item: converted });
  }
  return { changes, seriesMasters };
}

export interface EwsReaderOptions {
  /** Items per GetItem request (≤ 50). */
  readBatch: number;
  /** Default calendar window when getChanges gets none: days back / ahead. */
  defaultWindowDays?: { past: number; future: number };
}

export class EwsReader {
  constructor(
    private readonly session: EwsSession,
    private readonly o: EwsReaderOptions,
  ) {}

  private get service(): ews.ExchangeService {
    return this.session.service;
  }

  private get readBatch(): number {
    return this.o.readBatch;
  }

  /**
   * GetItem in batches, as the sync's types: requested id → item (null: an item of another class in the folder);
   * missing/invalid ids are left out; other per-item errors throw. Every kind on the lean path (./lean-read.ts:
   * each batch its own SOAP call, retried alone when throttled); an e-mail folder's items as messages, the body
   * only when asked for.
   */
  private async readItems(
    kind: FolderKind,
    ids: string[],
    withBody = true,
  ): Promise<Map<string, ExchangeItem | null>> {
    const lean: LeanReadKind = isLeanKind(kind) ? kind : 'mail';
    // Batches run in parallel; the transport's semaphore keeps the number of requests in flight small.
    const answers = await Promise.all(
      chunks(ids, this.readBatch).map((batch) =>
        soapCall(this.session, 'GetItem', getItemRequest(lean, batch, withBody), (response) =>
          readGetItem(lean, response, batch, (msg) => messageError(msg, 'GetItem'), new Map(), {
            withBody,
            // the dialect the answer was written in (the library reads no attachment Size/IsInline in 2007's)
            legacy2007: this.session.mode.legacy2007,
          }),
        ),
      ),
    );
    const out = new Map<string, ExchangeItem | null>();
    for (const answer of answers) for (const [id, item] of answer) out.set(id, item);
    return out;
  }

  getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options: ChangeOptions = {},
  ): Promise<ChangePage<T>> {
    const prev = decodeCursor(cursor);
    const pageSize = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.pageSize ?? MAX_PAGE)));
    const kind = folder.kind;
    return this.readChangesLean<T>(folder, kind, prev, pageSize, options);
  }

  /**
   * SyncFolderItems and GetItem on the lean path (contacts, calendar, tasks: bodies always read; e-mail: the body
   * when `options.withBody`). Nothing of the page is returned unless every read of it succeeded, so the cursor
   * never moves past a half-read page.
   */
  private async readChangesLean<T extends ExchangeItem>(
    folder: FolderRef,
    kind: FolderKind,
    prev: Cursor | null,
    pageSize: number,
    options: ChangeOptions,
  ): Promise<ChangePage<T>> {
    const page = await this.syncPage(folder, prev?.s, pageSize, options.isKnown);
    const withBody = isLeanKind(kind) || options.withBody === true;
    const read = await this.readItems(kind, wanted(page), withBody);
    return this.finishPage<T>(folder, prev, page, read, options);
  }

  /** One SyncFolderItems page on the lean path, in the session's dialect (2007 has no SyncScope). */
  private async syncPage(
    folder: FolderRef,
    state: string | undefined,
    pageSize: number,
    isKnown: ChangeOptions['isKnown'],
  ): Promise<SyncPage> {
    for (let attempt = 0; ; attempt++) {
      const legacy = this.session.mode.legacy2007;
      try {
        return await soapCall(
          this.session,
          'SyncFolderItems',
          syncFolderItemsRequest(folder.id, state, pageSize, legacy),
          (response) => readSyncFolderItems(response, isKnown, (msg) => messageError(msg, 'SyncFolderItems')),
        );
      } catch (e) {
        // the session found the server to speak the other dialect while this request was written for the first:
        // once more, written for the dialect now in use
        if (attempt === 0 && this.session.mode.legacy2007 !== legacy) continue;
        throw e;
      }
    }
  }

  /** The read page as the sync's changes, series expanded, and the next cursor. */
  private async finishPage<T extends ExchangeItem>(
    folder: FolderRef,
    prev: Cursor | null,
    page: SyncPage,
    read: Map<string, ExchangeItem | null>,
    options: ChangeOptions,
  ): Promise<ChangePage<T>> {
    const masters: Record<string, string> = { ...(prev?.m ?? {}) };
    const { changes, seriesMasters } = toChanges(page.order, read, masters, options.since);
    if (seriesMasters.length) {
      const window = options.window ?? this.defaultWindow();
      const series = await this.expandSeries(folder, seriesMasters, window);
      for (const m of seriesMasters) {
        const key = m.seriesKey!;
        changes.push({ type: 'series', seriesKey: key, occurrences: series.get(key) ?? [] });
      }
    }
    const next: Cursor = { v: 1, s: page.syncState };
    if (Object.keys(masters).length) next.m = masters;
    return {
      changes: changes as ItemChange<T>[],
      cursor: encodeCursor(next),
      more: page.more,
    };
  }

  private defaultWindow(): TimeWindow {
    const d = this.o.defaultWindowDays ?? { past: 30, future: 365 };
    const now = Date.now();
    return {
      start: new Date(now - d.past * 86_400_000).toISOString(),
      end: new Date(now + d.future * 86_400_000).toISOString(),
    };
  }

  /** Occurrences and exceptions of the given series inside the window (CalendarView + GetItem). */
  private async expandSeries(
    folder: FolderRef,
    masters: CalendarEvent[],
    window: TimeWindow,
  ): Promise<Map<string, CalendarEvent[]>> {
    const uids = new Set(masters.map((m) => m.seriesKey!));
    const ids = await this.session.call('getChanges', () => this.seriesIds(folder, uids, window));
    const read = await this.readItems('calendar', ids, true);
    const out = new Map<string, CalendarEvent[]>();
    for (const id of ids) {
      const ev = read.get(id);
      if (ev?.kind !== 'appointment') continue;
      const key = ev.seriesKey;
      if (!key || !uids.has(key)) continue;
      const list = out.get(key) ?? [];
      list.push(ev);
      out.set(key, list);
    }
    for (const list of out.values())
      list.sort((a, b) => (a.originalStart ?? '').localeCompare(b.originalStart ?? ''));
    return out;
  }

  /** The ids of the series' occurrences and exceptions inside the window (CalendarView, paged by start). */
  private async seriesIds(folder: FolderRef, uids: Set<string>, window: TimeWindow): Promise<string[]> {
    const ids: string[] = [];
    const seenIds = new Set<string>();
    let start = window.start;
    for (let guard = 0; guard < 1000; guard++) {
      const view = new ews.CalendarView(
        new ews.DateTime(Date.parse(start)),
        new ews.DateTime(Date.parse(window.end)),
        1000,
      );
      view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [
        ews.AppointmentSchema.AppointmentType,
        ews.AppointmentSchema.ICalUid,
        ews.AppointmentSchema.Start,
      ]);
      const res = await this.service.FindAppointments(folderId(folder), view);
      const items: ews.Appointment[] = res.Items ?? [];
      let last = start;
      let added = 0;
      for (const it of items) {
        const id = String(it.Id?.UniqueId ?? '');
        const s = get<ews.DateTime>(it, 'Start');
        const iso = s ? new Date(s.TotalMilliSeconds).toISOString() : start;
        if (iso > last) last = iso;
        if (!id || seenIds.has(id)) continue;
        seenIds.add(id);
        added++;
        const uid = String(get(it, 'ICalUid') ?? '');
        const type = ews.AppointmentType[get<ews.AppointmentType>(it, 'AppointmentType') ?? -1];
        if (uids.has(uid) && (type === 'Occurrence' || type === 'Exception')) ids.push(id);
      }
      if (!res.MoreAvailable || added === 0 || last === start) break;
      start = last;
    }
    return ids;
  }

  async getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]> {
    if (!ids.length) return [];
    const read = await this.readItems(folder.kind, ids, true);
    const out: T[] = [];
    for (const id of ids) {
      const c = read.get(id);
      if (c) out.push(c as T);
    }
    return out;
  }

  async findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]> {
    const wanted = [...new Set(abraIds.filter(Boolean))];
    if (!wanted.length) return [];
    const ids = await this.session.call('findByAbraIds', () => this.idsByAbraIds(folder, wanted));
    const read = await this.readItems(folder.kind, ids, true);
    const out: T[] = [];
    for (const c of read.values()) {
      if (c?.abraId && wanted.includes(c.abraId)) out.push(c as T);
    }
    return out;
  }

  /** The ids of the folder's items stamped with one of these AbraIds (FindItem, 50 ids per restriction). */
  private async idsByAbraIds(folder: FolderRef, wanted: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const group of chunks(wanted, 50)) {
      const filters = group.map((a) => new ews.SearchFilter.IsEqualTo(abraIdDef, a));
      const filter =
        filters.length === 1 && filters[0]
          ? filters[0]
          : new ews.SearchFilter.SearchFilterCollection(ews.LogicalOperator.Or, filters);
      for (let offset = 0; offset < 1_000_000; ) {
        const view = new ews.ItemView(200, offset);
        view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [abraIdDef]);
        const res = await this.service.FindItems(folderId(folder), filter, view);
        const items: ews.Item[] = res.Items ?? [];
        for (const it of items) ids.push(String(it.Id.UniqueId));
        if (!res.MoreAvailable || items.length === 0) break;
        offset = typeof res.NextPageOffset === 'number' ? res.NextPageOffset : offset + items.length;
      }
    }
    return [...new Set(ids)];
  }

  async getMime(id: string): Promise<Buffer> {
    return this.session.call('getMime', async () => {
      const ps = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.MimeContent]);
      const res = await this.service.BindToItems([new ews.ItemId(id)], ps);
      const r = (res.Responses ?? [])[0];
      if (!r) throw new SyncError('malformed', 'GetItem: no answer');
      if (!isSuccess(r)) throw responseError(r, 'GetItem (MIME)');
      const mime = get<ews.MimeContent>(get(r, 'Item'), 'MimeContent');
      const content = mime ? get<string | Uint8Array>(mime, 'Content') : undefined;
      if (content === undefined || content === null)
        throw new SyncError('malformed', 'the message has no MIME content');
      if (typeof content === 'string') return Buffer.from(content, 'base64');
      return Buffer.from(content);
    });
  }
}
