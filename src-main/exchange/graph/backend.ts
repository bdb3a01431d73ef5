/**
 * ExchangeBackend over Microsoft Graph v1.0 (Exchange Online). See docs/graph.md.
 *
 * - contacts: the "ABRA Gen" contact folder, `contactFolders/{id}/contacts/delta`
 * - calendar: `me/calendarView/delta` over the part's window (primary calendar); series are re-read completely
 *   inside the window (`events/{master}/instances`) and reported as `series` changes keyed by the master's iCalUId
 * - tasks: Microsoft To Do, list "ABRA Gen" (created when missing) or the default list
 * - mail: `mailFolders/{id}/messages/delta`, MIME via `/messages/{id}/$value`
 * - the AbraId stamp is the named property `String {c6d6d1a5-…} Name AbraId` (same as EWS)
 */
import { SyncError } from '../../shared/errors';
import {
  ABRA_CONTACT_FOLDER_NAME,
  type AppointmentData,
  type CalendarEvent,
  type ChangeOptions,
  type ChangePage,
  type ContactData,
  type CreateRequest,
  type DeleteResult,
  type ExchangeBackend,
  type ExchangeItem,
  type FolderKind,
  type FolderRef,
  type GetFolderOptions,
  type ItemChange,
  type ItemData,
  type MailboxInfo,
  type TaskData,
  type UpdateRequest,
  type WriteResult,
} from '../types';
import {
  type BatchRequest,
  type BatchResponse,
  type GraphAuth,
  GraphHttp,
  type GraphHttpOptions,
} from './http';
import {
  ABRA_ID_PROP,
  appointmentToGraph,
  contactFromGraph,
  contactToGraph,
  eventFromGraph,
  expandOf,
  FAX_PROP,
  ITEM_CLASS_PROP,
  type Json,
  MESSAGE_SELECT,
  messageFromGraph,
  odataString,
  SENSITIVITY_PROP,
  SIZE_PROP,
  taskFromGraph,
  taskToGraph,
} from './map';

export interface GraphBackendOptions extends GraphHttpOptions {
  /** The user's time zone (IANA) for all-day events and To Do dates. */
  timeZone: string;
  /** To Do list for tasks: "ABRA Gen" (created when missing) or the user's default list. */
  tasksList?: 'abra' | 'default';
  /** Name of the contacts folder / To Do list (default "ABRA Gen"). */
  folderName?: string;
  /** Page size when the caller gives none (default 100). */
  defaultPageSize?: number;
  /** A cursor of the calendar whose window is further than this from the asked one is refused (default 7 days). */
  windowSlackMs?: number;
}

const EXPAND: Record<string, string> = {
  contacts: expandOf(ABRA_ID_PROP, FAX_PROP),
  calendar: expandOf(ABRA_ID_PROP),
  tasks: expandOf(ABRA_ID_PROP),
  mail: expandOf(ABRA_ID_PROP, ITEM_CLASS_PROP, SIZE_PROP, SENSITIVITY_PROP),
};

type Area = 'contacts' | 'calendar' | 'tasks' | 'mail';
const areaOf = (k: FolderKind): Area =>
  k === 'contacts' ? 'contacts' : k === 'calendar' ? 'calendar' : k === 'tasks' ? 'tasks' : 'mail';

interface Cursor {
  /** nextLink or deltaLink */
  l: string;
  /** calendar window of the delta round */
  w?: [string, string];
}

/**
 * Every id goes into a URL as exactly one percent-encoded path segment (Exchange ids carry '/', '+' and '='); every
 * text value inside `$filter` is an OData literal (`odataString`) and the whole option value is percent-encoded
 * once. Links Graph returns (nextLink, deltaLink) are followed as they are, never re-encoded.
 */
const enc = encodeURIComponent;

/**
 * The item is not there: 404, or an id Exchange cannot even decode (400 `ErrorInvalidIdMalformed`, e.g. a stored id
 * corrupted on disk) — no item can have that id, so it counts as gone, as a 404 does.
 */
const gone = (r: BatchResponse) => r.status === 404 || r.error?.kind === 'notFound';

/** A delta entry the caller already holds at this changeKey (the echo of its own write). */
function echo(v: Json, isKnown: ChangeOptions['isKnown']): boolean {
  return (
    !!isKnown && typeof v.changeKey === 'string' && v.changeKey !== '' && isKnown(String(v.id), v.changeKey)
  );
}

export class GraphBackend implements ExchangeBackend {
  readonly kind = 'graph' as const;
  /** Five full `$batch` requests (20 each) per engine write call; 50 made 20 + 20 + 10. */
  readonly writeBatchSize = 100;
  readonly http: GraphHttp;
  private readonly tz: string;
  private readonly folderName: string;
  private folders = new Map<string, Promise<FolderRef>>();

  constructor(
    baseUrl: string,
    auth: GraphAuth,
    private readonly opts: GraphBackendOptions,
  ) {
    this.http = new GraphHttp(baseUrl, auth, opts);
    this.tz = opts.timeZone || 'UTC';
    this.folderName = opts.folderName ?? ABRA_CONTACT_FOLDER_NAME;
  }

  async testConnection(): Promise<MailboxInfo> {
    const me = await this.http.request<Json>('GET', '/me?$select=id,displayName,mail,userPrincipalName');
    const email = String(me.mail || me.userPrincipalName || '');
    if (!email) throw new SyncError('notFound', 'The signed-in Microsoft 365 account has no mailbox');
    return {
      email,
      displayName: typeof me.displayName === 'string' ? me.displayName : undefined,
      serverVersion: 'Exchange Online (Microsoft Graph v1.0)',
      timeZone: this.tz,
    };
  }

  // ---- folders ------------------------------------------------------------------------------------------------

  getFolder(kind: FolderKind, path?: string, options: GetFolderOptions = {}): Promise<FolderRef> {
    const create = options.create ?? true;
    const key = `${kind}|${path ?? ''}|${create}`;
    let p = this.folders.get(key);
    if (!p && !path && options.known?.kind === kind && options.known.id) {
      p = Promise.resolve(options.known);
      this.folders.set(key, p);
    }
    if (!p) {
      p = this.resolveFolder(kind, path, create);
      this.folders.set(key, p);
      p.catch(() => this.folders.delete(key));
    }
    return p;
  }

  private forgetFolder(id: string): void {
    for (const [k, p] of this.folders)
      p.then(
        (f) => {
          if (f.id === id) this.folders.delete(k);
        },
        () => {},
      );
  }

  private async resolveFolder(
    kind: FolderKind,
    path: string | undefined,
    create: boolean,
  ): Promise<FolderRef> {
    if (kind === 'contacts') return this.contactFolder(create);
    if (kind === 'calendar') {
      const c = await this.http.request<Json>('GET', '/me/calendar?$select=id,name');
      return { id: String(c.id), kind, displayName: String(c.name ?? 'Calendar') };
    }
    if (kind === 'tasks') return this.todoList(create);
    if (kind === 'inbox' || kind === 'sentitems') {
      const f = await this.http.request<Json>('GET', `/me/mailFolders/${kind}?$select=id,displayName`);
      return {
        id: String(f.id),
        kind,
        displayName: String(f.displayName ?? kind),
        path: kind === 'inbox' ? 'Inbox' : 'Sent Items',
      };
    }
    if (!path) throw new SyncError('config', 'a mail folder needs a path, e.g. "Inbox/Customers"');
    const want = path.replace(/^\/+|\/+$/g, '').toLowerCase();
    const all = await this.listMailFolders();
    const f = all.find((x) => (x.path ?? '').toLowerCase() === want);
    if (!f) throw new SyncError('notFound', `mail folder "${path}" does not exist in the mailbox`);
    return f;
  }

  private async contactFolder(create: boolean): Promise<FolderRef> {
    const find = async () => {
      const list = await this.http.getAll<Json>(
        `/me/contactFolders?$filter=${enc(`displayName eq ${odataString(this.folderName)}`)}&$select=id,displayName`,
      );
      return list.find((f) => String(f.displayName).toLowerCase() === this.folderName.toLowerCase());
    };
    let f = await find();
    if (!f && !create)
      throw new SyncError('notFound', `the contact folder "${this.folderName}" does not exist yet`);
    if (!f) {
      try {
        f = await this.http.request<Json>('POST', '/me/contactFolders', {
          body: { displayName: this.folderName },
        });
      } catch (e) {
        // created meanwhile by another client: use that one
        if (!(e instanceof SyncError && e.kind === 'conflict')) throw e;
        f = await find();
        if (!f) throw e;
      }
    }
    return { id: String(f.id), kind: 'contacts', displayName: String(f.displayName) };
  }

  private async todoList(create: boolean): Promise<FolderRef> {
    const lists = await this.http.getAll<Json>('/me/todo/lists');
    if (this.opts.tasksList === 'default') {
      const d = lists.find((l) => l.wellknownListName === 'defaultList');
      if (!d) throw new SyncError('notFound', 'the mailbox has no default To Do list');
      return { id: String(d.id), kind: 'tasks', displayName: String(d.displayName) };
    }
    let l = lists.find((x) => String(x.displayName).toLowerCase() === this.folderName.toLowerCase());
    if (!l && !create)
      throw new SyncError('notFound', `the To Do list "${this.folderName}" does not exist yet`);
    if (!l)
      l = await this.http.request<Json>('POST', '/me/todo/lists', { body: { displayName: this.folderName } });
    return { id: String(l.id), kind: 'tasks', displayName: String(l.displayName) };
  }

  async listMailFolders(): Promise<FolderRef[]> {
    const [inbox, sent] = await Promise.all([this.getFolder('inbox'), this.getFolder('sentitems')]);
    const out: FolderRef[] = [];
    const walk = async (url: string, parentPath: string | null) => {
      const list = await this.http.getAll<Json>(url);
      await Promise.all(
        list.map(async (f) => {
          const id = String(f.id);
          const name =
            parentPath === null && id === inbox.id
              ? 'Inbox'
              : parentPath === null && id === sent.id
                ? 'Sent Items'
                : String(f.displayName);
          const path = parentPath === null ? name : `${parentPath}/${name}`;
          const kind: FolderKind = id === inbox.id ? 'inbox' : id === sent.id ? 'sentitems' : 'mail';
          out.push({ id, kind, displayName: String(f.displayName), path });
          if (Number(f.childFolderCount ?? 0) > 0)
            await walk(
              `/me/mailFolders/${enc(id)}/childFolders?$select=id,displayName,childFolderCount&$top=100`,
              path,
            );
        }),
      );
    };
    await walk('/me/mailFolders?$select=id,displayName,childFolderCount&$top=100', null);
    return out.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
  }

  // ---- paths --------------------------------------------------------------------------------------------------

  private itemPath(folder: FolderRef, id: string): string {
    switch (areaOf(folder.kind)) {
      case 'contacts':
        return `/me/contacts/${enc(id)}`;
      case 'calendar':
        return `/me/events/${enc(id)}`;
      case 'tasks':
        return `/me/todo/lists/${enc(folder.id)}/tasks/${enc(id)}`;
      default:
        return `/me/messages/${enc(id)}`;
    }
  }

  private collectionPath(folder: FolderRef): string {
    switch (areaOf(folder.kind)) {
      case 'contacts':
        return `/me/contactFolders/${enc(folder.id)}/contacts`;
      case 'calendar':
        return '/me/events';
      case 'tasks':
        return `/me/todo/lists/${enc(folder.id)}/tasks`;
      default:
        throw new SyncError('config', 'the sync never writes mail messages');
    }
  }

  private readQuery(folder: FolderRef, withBody = false): string {
    const area = areaOf(folder.kind);
    const q = [`$expand=${enc(EXPAND[area]!)}`];
    if (area === 'mail') q.push(`$select=${[...MESSAGE_SELECT, ...(withBody ? ['body'] : [])].join(',')}`);
    return q.join('&');
  }

  private map(folder: FolderRef, item: Json, withBody = false): ExchangeItem {
    switch (areaOf(folder.kind)) {
      case 'contacts':
        return contactFromGraph(item, folder.id);
      case 'calendar':
        return eventFromGraph(item, this.tz);
      case 'tasks':
        return taskFromGraph(item, this.tz, folder.id);
      default:
        return messageFromGraph(item, withBody, folder.id);
    }
  }

  // ---- changes ------------------------------------------------------------------------------------------------

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
      url = `/me/mailFolders/${enc(folder.id)}/messages/delta?${this.readQuery(folder, options.withBody)}`;
      if (options.since)
        url += `&$filter=${enc(`receivedDateTime ge ${new Date(options.since).toISOString()}`)}`;
    } else {
      url = `${this.collectionPath(folder)}/delta?${this.readQuery(folder)}`;
    }
    let page: Json;
    try {
      page = await this.http.request<Json>('GET', url, { prefer });
    } catch (e) {
      // the folder/list itself is gone (deleted in Outlook): forget it, the next getFolder finds or creates anew
      if (e instanceof SyncError && e.kind === 'notFound') this.forgetFolder(folder.id);
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
      else if (!echo(v, isKnown)) out.push({ type: 'upsert', item: this.map(folder, v, withBody) });
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
    const q = `?${this.readQuery({ id: '', kind: 'calendar', displayName: '' })}`;
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

  // ---- reads --------------------------------------------------------------------------------------------------

  async getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]> {
    if (!ids.length) return [];
    const q = `?${this.readQuery(folder)}`;
    const res = await this.http.batch(
      ids.map((id) => ({ method: 'GET', url: `${this.itemPath(folder, id)}${q}` })),
    );
    const found: Json[] = [];
    for (const r of res) {
      if (gone(r)) continue;
      if (r.error) throw r.error;
      found.push(r.body as Json);
    }
    return (await this.mapWithSeries(folder, found)) as T[];
  }

  /** Map items; calendar occurrences/exceptions get the master's iCalUId as their series key. */
  private async mapWithSeries(folder: FolderRef, items: Json[]): Promise<ExchangeItem[]> {
    if (areaOf(folder.kind) !== 'calendar') return items.map((x) => this.map(folder, x));
    const masters = [
      ...new Set(
        items
          .filter((x) => x.type === 'occurrence' || x.type === 'exception')
          .map((x) => String(x.seriesMasterId)),
      ),
    ];
    const keys = new Map<string, string>();
    const res = await this.http.batch(
      masters.map((m) => ({ method: 'GET', url: `/me/events/${enc(m)}?$select=id,iCalUId` })),
    );
    res.forEach((r, i) => {
      if (!r.error) keys.set(masters[i]!, String((r.body as Json).iCalUId));
    });
    return items.map((x) => eventFromGraph(x, this.tz, keys.get(String(x.seriesMasterId))));
  }

  async findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]> {
    const wanted = [...new Set(abraIds.filter(Boolean))];
    if (!wanted.length) return [];
    const base =
      areaOf(folder.kind) === 'mail'
        ? `/me/mailFolders/${enc(folder.id)}/messages`
        : this.collectionPath(folder);
    const q = this.readQuery(folder);
    const reqs: BatchRequest[] = wanted.map((a) => ({
      method: 'GET',
      url: `${base}?$filter=${enc(`singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(ABRA_ID_PROP)} and ep/value eq ${odataString(a)})`)}&${q}`,
    }));
    const res: BatchResponse[] = await this.http.batch(reqs);
    const items: Json[] = [];
    let unsupported = false;
    for (const r of res) {
      if (r.error) {
        if (r.error.kind === 'config' || r.error.kind === 'validation') {
          unsupported = true; // the resource does not filter on extended properties: scan instead
          break;
        }
        throw r.error;
      }
      const b = r.body as { value?: Json[]; '@odata.nextLink'?: string };
      items.push(...(b.value ?? []));
      if (b['@odata.nextLink']) items.push(...(await this.http.getAll<Json>(b['@odata.nextLink'])));
    }
    if (unsupported) {
      const all = await this.http.getAll<Json>(`${base}?${q}&$top=100`);
      const set = new Set(wanted);
      const hits = all.filter((x) => {
        const v = this.map(folder, x).abraId;
        return v && set.has(v);
      });
      return (await this.mapWithSeries(folder, hits)) as T[];
    }
    const byId = new Map(items.map((x) => [String(x.id), x]));
    return (await this.mapWithSeries(folder, [...byId.values()])) as T[];
  }

  // ---- writes -------------------------------------------------------------------------------------------------

  private toGraph(folder: FolderRef, data: ItemData, abraId?: string): Json {
    switch (areaOf(folder.kind)) {
      case 'contacts':
        return contactToGraph(data as ContactData, abraId);
      case 'calendar': {
        const d = data as AppointmentData;
        if (!d.start || !d.end || Number.isNaN(Date.parse(d.start)) || Number.isNaN(Date.parse(d.end)))
          throw new SyncError('validation', 'an appointment needs a valid start and end');
        return appointmentToGraph(d, this.tz, abraId);
      }
      case 'tasks':
        return taskToGraph(data as TaskData, this.tz, abraId);
      default:
        throw new SyncError('config', 'the sync never writes mail messages');
    }
  }

  private async write(
    folder: FolderRef,
    build: () => { reqs: (BatchRequest | SyncError)[] },
  ): Promise<WriteResult[]> {
    const { reqs } = build();
    const live = reqs
      .map((r, i) => ({ r, i }))
      .filter((x): x is { r: BatchRequest; i: number } => !(x.r instanceof SyncError));
    const res = await this.http.batch(live.map((x) => x.r));
    const out: WriteResult[] = reqs.map((r) =>
      r instanceof SyncError
        ? { ok: false, error: r }
        : { ok: false, error: new SyncError('transient', 'not sent') },
    );
    live.forEach((x, k) => {
      const r = res[k]!;
      if (r.error) out[x.i] = { ok: false, error: r.error };
      else {
        const b = r.body as Json;
        const item = this.map(folder, b);
        out[x.i] = { ok: true, id: item.id, changeKey: item.changeKey };
      }
    });
    return out;
  }

  /**
   * Creates in `$batch`. A create whose answer was lost or was an error that can come after the work was done
   * (5xx, 503/504, timeout, dropped connection, unreadable answer) is never simply sent again: the item is first
   * looked for by its AbraId stamp — found, it is the result; not found, it is sent again (at most twice more).
   * So a gateway error after Exchange stored the item never makes a second item with the same stamp.
   */
  async createItems<D extends ItemData>(
    folder: FolderRef,
    requests: CreateRequest<D>[],
  ): Promise<WriteResult[]> {
    const out: WriteResult[] = new Array(requests.length);
    const reqs: (BatchRequest | null)[] = requests.map((r, i) => {
      try {
        if (!r.abraId) throw new SyncError('validation', 'a created item needs its AbraId');
        return {
          method: 'POST',
          url: this.collectionPath(folder),
          body: this.toGraph(folder, r.data, r.abraId),
        };
      } catch (e) {
        out[i] = { ok: false, error: e instanceof SyncError ? e : new SyncError('validation', String(e)) };
        return null;
      }
    });
    let todo = reqs.flatMap((r, i) => (r ? [i] : []));
    const sent = todo.length;
    let wholeFailure: SyncError | undefined;
    for (let round = 0; todo.length; round++) {
      const res = await this.http.batch(
        todo.map((i) => reqs[i]!),
        { settle: true },
      );
      const unsure: number[] = [];
      wholeFailure = undefined;
      res.forEach((r, k) => {
        const i = todo[k]!;
        if (!r.error) {
          const item = this.map(folder, r.body as Json);
          out[i] = { ok: true, id: item.id, changeKey: item.changeKey };
          return;
        }
        out[i] = { ok: false, error: r.error };
        if (r.status === 0 && !wholeFailure) wholeFailure = r.error;
        if (mayHaveRun(r.error)) unsure.push(i);
      });
      if (!unsure.length || round >= CREATE_RESENDS) break;
      let found: ExchangeItem[];
      try {
        found = await this.findByAbraIds(
          folder,
          unsure.map((i) => requests[i]!.abraId),
        );
      } catch {
        break; // cannot check: the creates stay failed (the next run pairs by AbraId before creating again)
      }
      const byStamp = new Map<string, ExchangeItem>();
      for (const f of found) if (f.abraId && !byStamp.has(f.abraId)) byStamp.set(f.abraId, f);
      todo = [];
      for (const i of unsure) {
        const f = byStamp.get(requests[i]!.abraId);
        if (f) out[i] = { ok: true, id: f.id, changeKey: f.changeKey };
        else todo.push(i);
      }
      if (todo.length) await sleep((this.opts.retryBaseMs ?? 500) * 2 ** round);
    }
    // the whole request failed for every item (e.g. sign-in, outage): the caller gets that failure as before
    if (sent > 0 && wholeFailure && out.every((r) => !r.ok)) throw wholeFailure;
    return out;
  }

  updateItems<D extends ItemData>(folder: FolderRef, requests: UpdateRequest<D>[]): Promise<WriteResult[]> {
    return this.write(folder, () => ({
      reqs: requests.map((r) => {
        try {
          return {
            method: 'PATCH',
            url: this.itemPath(folder, r.id),
            body: r.data ? this.toGraph(folder, r.data, r.abraId) : stampOnly(r.abraId),
            headers: r.changeKey ? { 'If-Match': `W/"${r.changeKey}"` } : undefined,
          };
        } catch (e) {
          return e instanceof SyncError ? e : new SyncError('validation', String(e));
        }
      }),
    }));
  }

  async deleteItems(folder: FolderRef, ids: string[]): Promise<DeleteResult[]> {
    const res = await this.http.batch(
      ids.map((id) => ({ method: 'DELETE', url: this.itemPath(folder, id) })),
    );
    return res.map((r) => (gone(r) || !r.error ? { ok: true } : { ok: false, error: r.error }));
  }

  async getMime(id: string): Promise<Buffer> {
    return this.http.request<Buffer>('GET', `/me/messages/${enc(id)}/$value`, { raw: true });
  }

  async close(): Promise<void> {
    this.folders.clear();
  }
}

/** Sends of a create after a failure that may have come after the work (each after a look-up by the stamp). */
const CREATE_RESENDS = 2;

/** Could the server have done the work before this failure reached us? (A 429 is refused before any work.) */
function mayHaveRun(e: SyncError): boolean {
  if (e.kind === 'throttled') return e.status !== 429;
  return e.kind === 'transient' || e.kind === 'timeout' || e.kind === 'malformed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** PATCH body that writes the AbraId stamp and nothing else. */
function stampOnly(abraId: string | undefined): Json {
  if (!abraId) throw new SyncError('validation', 'an update needs data or an AbraId');
  return { singleValueExtendedProperties: [{ id: ABRA_ID_PROP, value: abraId }] };
}

export type { CalendarEvent };
