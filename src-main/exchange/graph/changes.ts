/**
 * Reading changes over Graph delta queries: the cursor (the next or delta link, and the calendar's window), contacts,
 * tasks and mail pages as changes, and the calendar (singles re-read for their stamp, series re-read completely
 * inside the window). See docs/graph.md.
 */
import { SyncError } from '../../shared/errors';
import type { ChangeOptions, ChangePage, ExchangeItem, FolderRef, ItemChange } from '../types';
import type { GraphFolders } from './folders';
import type { GraphHttp } from './http';
import { areaOf, collectionPath, EXPAND, echo, enc, gone, mapItem, readQuery } from './kinds';
import { eventFromGraph, type Json } from './map';
import type { GraphBackendOptions } from './options';

interface Cursor {
  /** nextLink or deltaLink */
  l: string;
  /** calendar window of the delta round */
  w?: [string, string];
}

export class GraphChanges {
  constructor(
    private readonly http: GraphHttp,
    private readonly folders: GraphFolders,
    private readonly opts: GraphBackendOptions,
    private readonly tz: string,
  ) {}

  private parseCursor(c: string): Cursor {
    try {
      const x = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Cursor;
      if (typeof x?.l !== 'string') throw new Error('no link');
      this.http.url(x.l); // same host
      return x;
    } catch {
      throw new SyncError(
        'cursorInvalid',
        'the saved Graph change position is not readable; a full resync follows',
      );
    }
  }

  private makeCursor(c: Cursor): string {
    return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
  }

  async getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options: ChangeOptions = {},
  ): Promise<ChangePage<T>> {
    const area = areaOf(folder.kind);
    const pageSize = Math.max(1, Math.min(1000, options.pageSize ?? this.opts.defaultPageSize ?? 100));
    const prefer = [`odata.maxpagesize=${pageSize}`];
    if (area === 'mail' && options.withBody) prefer.push('outlook.body-content-type="text"');
    let window: [string, string] | undefined;
    let url: string;
    if (cursor) {
      const c = this.parseCursor(cursor);
      url = c.l;
      window = c.w;
      if (area === 'calendar' && options.window && window) {
        const slack = this.opts.windowSlackMs ?? 7 * 86_400_000;
        if (
          Math.abs(Date.parse(window[0]) - Date.parse(options.window.start)) > slack ||
          Math.abs(Date.parse(window[1]) - Date.parse(options.window.end)) > slack
        )
          throw new SyncError('cursorInvalid', 'the calendar window moved; the calendar is read again');
      }
    } else if (area === 'calendar') {
      const now = Date.now();
      window = options.window
        ? [options.window.start, options.window.end]
        : [new Date(now - 30 * 86_400_000).toISOString(), new Date(now + 365 * 86_400_000).toISOString()];
      url = `/me/calendarView/delta?startDateTime=${enc(window[0])}&endDateTime=${enc(window[1])}`;
    } else if (area === 'mail') {
      url = `/me/mailFolders/${enc(folder.id)}/messages/delta?${readQuery(folder, options.withBody)}`;
      if (options.since)
        url += `&$filter=${enc(`receivedDateTime ge ${new Date(options.since).toISOString()}`)}`;
    } else {
      url = `${collectionPath(folder)}/delta?${readQuery(folder)}`;
    }
    let page: Json;
    try {
      page = await this.http.request<Json>('GET', url, { prefer });
    } catch (e) {
      // the folder/list itself is gone (deleted in Outlook): forget it, the next getFolder finds or creates anew
      if (e instanceof SyncError && e.kind === 'notFound') this.folders.forget(folder.id);
      throw e;
    }
    const value = Array.isArray(page?.value) ? (page.value as Json[]) : null;
    const next = page?.['@odata.nextLink'];
    const delta = page?.['@odata.deltaLink'];
    if (!value || (typeof next !== 'string' && typeof delta !== 'string'))
      throw new SyncError('malformed', 'Graph delta answer without value or next/delta link');
    const changes =
      area === 'calendar'
        ? await this.calendarChanges(value, window!, options.isKnown)
        : this.simpleChanges(folder, value, options.withBody === true, options.isKnown);
    const link = typeof next === 'string' ? next : (delta as string);
    return {
      changes: changes as ItemChange<T>[],
      cursor: this.makeCursor({ l: link, ...(window ? { w: window } : {}) }),
      more: typeof next === 'string',
    };
  }

  /**
   * Contacts, tasks, mail page → changes. The same entity may come twice in a delta: its last state counts. The echo
   * of our own writes (the caller holds the id at this changeKey) is left out, so a run after a big write does not
   * map and hold thousands of unchanged items.
   */
  private simpleChanges(
    folder: FolderRef,
    value: Json[],
    withBody: boolean,
    isKnown: ChangeOptions['isKnown'],
  ): ItemChange[] {
    const last = new Map<string, Json>();
    for (const v of value) {
      const id = String(v.id);
      last.delete(id);
      last.set(id, v);
    }
    const out: ItemChange[] = [];
    for (const [id, v] of last) {
      if (v['@removed']) out.push({ type: 'delete', id });
      else if (!echo(v, isKnown)) out.push({ type: 'upsert', item: mapItem(folder, this.tz, v, withBody) });
    }
    return out;
  }

  /**
   * Calendar page → changes. calendarView/delta supports no $expand, so singles are re-read (batched) with the
   * AbraId stamp; every series touched is re-read completely inside the window; removed ids are checked (an event
   * that moved out of the window still exists and is reported as an upsert, the engine sees it out of scope).
   */
  private async calendarChanges(
    value: Json[],
    window: [string, string],
    isKnown: ChangeOptions['isKnown'],
  ): Promise<ItemChange[]> {
    const singles = new Set<string>();
    const series = new Set<string>();
    const removed = new Set<string>();
    for (const v of value) {
      const id = String(v.id);
      if (v['@removed']) removed.add(id);
      else if (v.type === 'occurrence' || v.type === 'exception') series.add(String(v.seriesMasterId));
      else if (v.type === 'seriesMaster') series.add(id);
      // the echo of our own write is not read again (a single appointment is re-read only for its AbraId stamp)
      else if (!echo(v, isKnown)) singles.add(id);
      else singles.delete(id);
    }
    const out: ItemChange[] = [];
    const q = `?${readQuery({ id: '', kind: 'calendar', displayName: '' })}`;
    const ids = [...new Set([...removed, ...singles])];
    const res = await this.http.batch(ids.map((id) => ({ method: 'GET', url: `/me/events/${enc(id)}${q}` })));
    res.forEach((r, i) => {
      const id = ids[i]!;
      if (gone(r)) {
        out.push({ type: 'delete', id });
        return;
      }
      if (r.error) throw r.error;
      const b = r.body as Json;
      if (b.type === 'occurrence' || b.type === 'exception') series.add(String(b.seriesMasterId));
      else if (b.type === 'seriesMaster') series.add(String(b.id));
      else out.push({ type: 'upsert', item: eventFromGraph(b, this.tz) });
    });
    if (out.some((c) => c.type === 'delete')) {
      // A removed id may be a cancelled occurrence, and Graph does not say of which series. Re-read every series
      // in the window, so that the engine sees complete sets and does not take a cancelled occurrence for a
      // deleted series (a series that is really gone has no instances left and is not listed).
      const view = await this.http.getAll<Json>(
        `/me/calendarView?startDateTime=${enc(window[0])}&endDateTime=${enc(window[1])}&$select=id,type,seriesMasterId&$top=500`,
      );
      for (const v of view) if (v.seriesMasterId) series.add(String(v.seriesMasterId));
    }
    const seriesChanges = await Promise.all([...series].map((m) => this.readSeries(m, window)));
    for (const s of seriesChanges) if (s) out.push(s);
    return out;
  }

  private async readSeries(masterId: string, window: [string, string]): Promise<ItemChange | null> {
    let master: Json;
    try {
      master = await this.http.request<Json>('GET', `/me/events/${enc(masterId)}?$select=id,iCalUId,type`);
    } catch (e) {
      if (e instanceof SyncError && e.kind === 'notFound') return null; // deleted: its occurrences come as deletes
      throw e;
    }
    const seriesKey = String(master.iCalUId ?? masterId);
    const inst = await this.http.getAll<Json>(
      `/me/events/${enc(masterId)}/instances?startDateTime=${enc(window[0])}&endDateTime=${enc(window[1])}&$expand=${enc(EXPAND.calendar!)}`,
      { prefer: ['odata.maxpagesize=200'] },
    );
    return {
      type: 'series',
      seriesKey,
      occurrences: inst.map((x) => eventFromGraph(x, this.tz, seriesKey)),
    };
  }
}
