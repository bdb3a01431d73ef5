/**
 * The Graph emulator's mailbox: contact folders + contacts, the primary calendar (singles and recurring series with
 * modified and cancelled occurrences), To Do lists + tasks, mail folders + messages (with MIME), named extended
 * properties, and a change log (sequence numbers + tombstones) from which delta pages are computed.
 */
import { createHash } from 'node:crypto';
import { graphDateTime, ianaZone, localToUtc, utcToLocal } from './tz';

export type Doc = Record<string, unknown>;

export interface ExtProp {
  id: string;
  value: string;
}

export type EntityKind = 'contact' | 'event' | 'task' | 'message';

export interface Entity {
  id: string;
  kind: EntityKind;
  /** contact folder id / 'calendar' / To Do list id / mail folder id */
  scope: string;
  doc: Doc;
  ext: Map<string, ExtProp>;
  changeKey: string;
  seq: number;
  created: number;
  modified: number;
  mime?: Buffer;
  /** Series masters only. */
  exceptions?: Map<string, Exception>;
  cancelled?: Set<string>;
}

export interface Exception {
  id: string;
  /** Overridden properties (subject, start, end, body, location, ...). */
  doc: Doc;
  ext: Map<string, ExtProp>;
  changeKey: string;
  seq: number;
  modified: number;
}

export interface Tombstone {
  scope: string;
  id: string;
  seq: number;
  kind: EntityKind;
  reason: 'deleted' | 'changed';
}

export interface Folder {
  id: string;
  displayName: string;
  parentFolderId: string;
  wellKnownName?: string;
  seq: number;
}

export interface TodoList {
  id: string;
  displayName: string;
  wellknownListName: 'none' | 'defaultList' | 'flaggedEmails';
  isOwner: boolean;
  isShared: boolean;
}

/** One event as the calendar shows it: a single, an occurrence or an exception. */
export interface Instance {
  id: string;
  seq: number;
  startMs: number;
  endMs: number;
  master: Entity;
  originalStartMs?: number;
  exception?: Exception;
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const extKey = (id: string) => id.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Deterministic pseudo-random ids (seeded), Graph-looking: base64 ending with '='. Standard alphabet, so ids carry
 * '/' and '+' as Exchange entry ids do: a client must send them as one percent-encoded path segment (`%2F`, `%2B`,
 * `%3D`) — an id put into a URL as it is, or encoded twice, does not reach the item.
 */
export class Ids {
  private n = 0;
  constructor(private readonly seed: number) {}
  next(prefix = 'AAMkAG'): string {
    const n = ++this.n;
    let h = createHash('sha256').update(`${this.seed}:${n}`).digest('base64').slice(0, 40);
    // every third id has both '/' and '+' for sure (the others have them by chance)
    if (n % 3 === 0) h = `${h.slice(0, 10)}/${h.slice(11, 20)}+${h.slice(21)}`;
    return `${prefix}${h}=`;
  }
}

export class GraphStore {
  seq = 0;
  ids: Ids;
  fixedNow: number | null = null;
  user = {
    id: '',
    displayName: 'Jan Novák',
    mail: 'jan.novak@firma.cz',
    userPrincipalName: 'jan.novak@firma.cz',
    mailboxTimeZone: 'Central Europe Standard Time',
  };
  contactFolders = new Map<string, Folder>();
  defaultContactsId = '';
  calendarId = '';
  mailFolders = new Map<string, Folder>();
  msgRootId = '';
  todoLists = new Map<string, TodoList>();
  items = new Map<string, Entity>();
  /** occurrence/exception id → master id + original start */
  instanceIndex = new Map<string, { masterId: string; originalStartMs: number }>();
  tombstones: Tombstone[] = [];
  /** Bumped by the 410 fault: delta tokens of older epochs are refused. */
  epochs = new Map<string, number>();

  constructor(seed: number) {
    this.ids = new Ids(seed);
    this.user.id = createHash('sha256')
      .update(`user:${seed}`)
      .digest('hex')
      .slice(0, 32)
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    this.msgRootId = this.ids.next('AQMkAD');
    const wk: [string, string][] = [
      ['inbox', 'Inbox'],
      ['sentitems', 'Sent Items'],
      ['drafts', 'Drafts'],
      ['deleteditems', 'Deleted Items'],
      ['archive', 'Archive'],
    ];
    for (const [w, name] of wk) this.addMailFolder(name, this.msgRootId, w);
    this.defaultContactsId = this.addContactFolder('Contacts', '').id;
    this.calendarId = this.ids.next('AAMkAGcal');
    const tasks = this.ids.next('AAMkADtodo');
    this.todoLists.set(tasks, {
      id: tasks,
      displayName: 'Tasks',
      wellknownListName: 'defaultList',
      isOwner: true,
      isShared: false,
    });
  }

  now(): number {
    return this.fixedNow ?? Date.now();
  }

  private bump(): { seq: number; changeKey: string; at: number } {
    const seq = ++this.seq;
    return {
      seq,
      changeKey: `EQAAABYAAA${Buffer.from(`ck${seq}`).toString('base64').replace(/=+$/, '')}`,
      at: this.now(),
    };
  }

  epoch(scope: string): number {
    return this.epochs.get(scope) ?? 0;
  }

  expireDelta(scope?: string): void {
    const scopes = scope
      ? [scope]
      : [...this.contactFolders.keys(), 'calendar', ...this.todoLists.keys(), ...this.mailFolders.keys()];
    for (const s of scopes) this.epochs.set(s, this.epoch(s) + 1);
  }

  // ---- folders ----------------------------------------------------------------------------------------------

  addContactFolder(displayName: string, parentFolderId: string): Folder {
    for (const f of this.contactFolders.values())
      if (f.displayName.toLowerCase() === displayName.toLowerCase() && f.parentFolderId === parentFolderId)
        throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    const f: Folder = { id: this.ids.next('AAMkADcf'), displayName, parentFolderId, seq: this.bump().seq };
    this.contactFolders.set(f.id, f);
    return f;
  }

  addMailFolder(displayName: string, parentFolderId: string, wellKnownName?: string): Folder {
    for (const f of this.mailFolders.values())
      if (f.displayName.toLowerCase() === displayName.toLowerCase() && f.parentFolderId === parentFolderId)
        throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    const f: Folder = {
      id: this.ids.next('AAMkADmf'),
      displayName,
      parentFolderId,
      wellKnownName,
      seq: this.bump().seq,
    };
    this.mailFolders.set(f.id, f);
    return f;
  }

  mailFolder(idOrWellKnown: string): Folder {
    const f =
      this.mailFolders.get(idOrWellKnown) ??
      [...this.mailFolders.values()].find((x) => x.wellKnownName === idOrWellKnown.toLowerCase());
    if (!f)
      throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return f;
  }

  addTodoList(displayName: string): TodoList {
    const l: TodoList = {
      id: this.ids.next('AAMkADtodo'),
      displayName,
      wellknownListName: 'none',
      isOwner: true,
      isShared: false,
    };
    this.todoLists.set(l.id, l);
    return l;
  }

  // ---- generic items ----------------------------------------------------------------------------------------

  private setExt(target: Map<string, ExtProp>, props: unknown): void {
    if (props === undefined || props === null) return;
    if (!Array.isArray(props))
      throw new GraphError(400, 'RequestBodyRead', 'singleValueExtendedProperties must be an array');
    for (const p of props as { id?: unknown; value?: unknown }[]) {
      if (typeof p?.id !== 'string' || typeof p.value !== 'string')
        throw new GraphError(400, 'ErrorInvalidExtendedPropertyValue', 'id and value must be strings');
      if (
        !/^(String|Integer|Boolean|SystemTime|Long|Double)\s+(\{[0-9a-f-]{36}\}\s+(Name|Id)\s+\S+|0x[0-9a-f]{4})$/i.test(
          p.id.trim(),
        )
      )
        throw new GraphError(400, 'ErrorInvalidProperty', `invalid extended property id '${p.id}'`);
      target.set(extKey(p.id), { id: p.id.trim(), value: p.value });
    }
  }

  create(kind: EntityKind, scope: string, doc: Doc, opts: { id?: string; mime?: Buffer } = {}): Entity {
    const { seq, changeKey, at } = this.bump();
    const { singleValueExtendedProperties, id: _i, changeKey: _c, ...rest } = doc;
    const e: Entity = {
      id: opts.id ?? this.ids.next(kind === 'task' ? 'AAkALgAAA' : 'AAMkAGI2'),
      kind,
      scope,
      doc: rest,
      ext: new Map(),
      changeKey,
      seq,
      created: at,
      modified: at,
      mime: opts.mime,
    };
    this.setExt(e.ext, singleValueExtendedProperties);
    if (kind === 'event') {
      this.validateEvent(e.doc);
      if (e.doc.recurrence) {
        e.exceptions = new Map();
        e.cancelled = new Set();
      }
      if (!e.doc.iCalUId)
        e.doc.iCalUId = `040000008200E00074C5B7101A82E00800000000${createHash('sha1').update(e.id).digest('hex').toUpperCase()}`;
    }
    this.items.set(e.id, e);
    return e;
  }

  get(id: string, kind?: EntityKind): Entity | undefined {
    const e = this.items.get(id);
    return e && (!kind || e.kind === kind) ? e : undefined;
  }

  private checkEtag(current: string, ifMatch: string | undefined): void {
    if (!ifMatch || ifMatch === '*') return;
    const norm = (s: string) => s.replace(/^W\//, '').replace(/^"|"$/g, '');
    if (norm(ifMatch) !== current)
      throw new GraphError(
        412,
        'ErrorIrresolvableConflict',
        'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
      );
  }

  update(id: string, kind: EntityKind, patch: Doc, ifMatch?: string): Entity {
    const occ = kind === 'event' ? this.instanceIndex.get(id) : undefined;
    if (occ) return this.updateOccurrence(id, occ.masterId, occ.originalStartMs, patch, ifMatch);
    const e = this.get(id, kind);
    if (!e)
      throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    this.checkEtag(e.changeKey, ifMatch);
    const before = kind === 'event' ? this.instanceIdsOf(e) : null;
    const { singleValueExtendedProperties, id: _i, changeKey: _c, ...rest } = patch;
    const next = { ...e.doc, ...rest };
    if (kind === 'event') this.validateEvent(next);
    e.doc = next;
    this.setExt(e.ext, singleValueExtendedProperties);
    const b = this.bump();
    e.seq = b.seq;
    e.changeKey = b.changeKey;
    e.modified = b.at;
    if (kind === 'event' && e.doc.recurrence && !e.exceptions) {
      e.exceptions = new Map();
      e.cancelled = new Set();
    }
    if (before) {
      const after = new Set(this.instanceIdsOf(e));
      for (const x of before) if (!after.has(x)) this.tomb('calendar', x, 'event', 'deleted', b.seq);
    }
    return e;
  }

  /**
   * Delete an item; for an occurrence: cancel it. `quiet`: the series' other occurrences are not re-reported by
   * calendarView/delta (the least helpful behaviour Graph might have; the backend must cope).
   */
  remove(id: string, kind: EntityKind, quiet = false): void {
    const occ = kind === 'event' ? this.instanceIndex.get(id) : undefined;
    if (occ) {
      const m = this.get(occ.masterId, 'event');
      if (!m?.cancelled)
        throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found.');
      if (m.cancelled.has(String(occ.originalStartMs)))
        throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      m.cancelled.add(String(occ.originalStartMs));
      m.exceptions?.delete(String(occ.originalStartMs));
      const b = this.bump();
      if (!quiet) {
        m.seq = b.seq;
        m.changeKey = b.changeKey;
        m.modified = b.at;
      }
      this.tomb('calendar', id, 'event', 'deleted', b.seq);
      return;
    }
    const e = this.get(id, kind);
    if (!e)
      throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const instIds = kind === 'event' && e.doc.recurrence ? this.instanceIdsOf(e) : [];
    this.items.delete(id);
    const s = this.bump().seq;
    this.tomb(e.scope, id, kind, 'deleted', s);
    for (const x of instIds) this.tomb('calendar', x, 'event', 'deleted', s);
  }

  private tomb(scope: string, id: string, kind: EntityKind, reason: Tombstone['reason'], seq: number): void {
    this.tombstones.push({ scope, id, kind, reason, seq });
  }

  // ---- events -----------------------------------------------------------------------------------------------

  private validateEvent(doc: Doc): void {
    const s = doc.start as { dateTime?: string; timeZone?: string } | undefined;
    const en = doc.end as { dateTime?: string; timeZone?: string } | undefined;
    if (!s?.dateTime || !en?.dateTime)
      throw new GraphError(400, 'ErrorInvalidRequest', 'start and end are required');
    const a = localToUtc(s.dateTime, s.timeZone ?? 'UTC');
    const b = localToUtc(en.dateTime, en.timeZone ?? 'UTC');
    if (Number.isNaN(a) || Number.isNaN(b))
      throw new GraphError(400, 'ErrorInvalidRequest', 'start/end dateTime is not a valid date');
    if (b < a) throw new GraphError(400, 'ErrorInvalidRequest', 'The end must be after the start.');
    if (doc.isAllDay === true) {
      if (!/T00:00(:00(\.0+)?)?$/.test(s.dateTime) || !/T00:00(:00(\.0+)?)?$/.test(en.dateTime) || a === b)
        throw new GraphError(
          400,
          'ErrorInvalidRequest',
          'Start and End time should be set to midnight for all-day events, with End after Start.',
        );
    }
    if (Array.isArray(doc.attendees) && doc.attendees.length)
      (doc as { hasAttendees?: boolean }).hasAttendees = true;
  }

  /** UTC ms of an event's start/end (all-day: midnight of the stored zone). */
  bounds(doc: Doc): { startMs: number; endMs: number } {
    const s = doc.start as { dateTime: string; timeZone?: string };
    const e = doc.end as { dateTime: string; timeZone?: string };
    return {
      startMs: localToUtc(s.dateTime, s.timeZone ?? 'UTC'),
      endMs: localToUtc(e.dateTime, e.timeZone ?? 'UTC'),
    };
  }

  occurrenceId(masterId: string, originalStartMs: number): string {
    const tag = new Date(originalStartMs).toISOString().replace(/[-:.]/g, '').slice(0, 15);
    return `${masterId.replace(/=+$/, '')}OCC${tag}=`;
  }

  /** Occurrence start instants of a series (UTC ms), expanded in the series' time zone, up to `untilMs`. */
  expand(m: Entity, untilMs: number, max = 2000): number[] {
    const rec = m.doc.recurrence as
      | {
          pattern?: {
            type?: string;
            interval?: number;
            daysOfWeek?: string[];
            dayOfMonth?: number;
            firstDayOfWeek?: string;
          };
          range?: { type?: string; startDate?: string; endDate?: string; numberOfOccurrences?: number };
        }
      | undefined;
    if (!rec?.pattern || !rec.range) return [];
    const s = m.doc.start as { dateTime: string; timeZone?: string };
    const tz = ianaZone(s.timeZone);
    const time = s.dateTime.slice(10, 19) || 'T00:00:00';
    const startDate = rec.range.startDate ?? s.dateTime.slice(0, 10);
    const endDate = rec.range.type === 'endDate' ? rec.range.endDate : undefined;
    const count = rec.range.type === 'numbered' ? (rec.range.numberOfOccurrences ?? 0) : Infinity;
    const interval = Math.max(1, rec.pattern.interval ?? 1);
    const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
    const days = (rec.pattern.daysOfWeek ?? [])
      .map((d) => DAYS.indexOf(d.toLowerCase()))
      .filter((d) => d >= 0);
    const fdw = Math.max(0, DAYS.indexOf((rec.pattern.firstDayOfWeek ?? 'sunday').toLowerCase()));
    const out: number[] = [];
    const d0 = Date.parse(`${startDate}T00:00:00Z`);
    const dayMs = 86_400_000;
    const weekStart = d0 - ((((new Date(d0).getUTCDay() - fdw) % 7) + 7) % 7) * dayMs;
    for (let i = 0; i < 366 * 30 && out.length < Math.min(count, max); i++) {
      const day = d0 + i * dayMs;
      const date = new Date(day).toISOString().slice(0, 10);
      if (endDate && date > endDate) break;
      const dt = new Date(day);
      let hit = false;
      const type = rec.pattern.type ?? 'daily';
      if (type === 'daily') hit = i % interval === 0;
      else if (type === 'weekly') {
        const week = Math.floor((day - weekStart) / (7 * dayMs));
        hit = week % interval === 0 && days.includes(dt.getUTCDay());
      } else if (type === 'absoluteMonthly') {
        const months =
          (dt.getUTCFullYear() - new Date(d0).getUTCFullYear()) * 12 +
          dt.getUTCMonth() -
          new Date(d0).getUTCMonth();
        hit =
          months % interval === 0 &&
          dt.getUTCDate() === (rec.pattern.dayOfMonth ?? new Date(d0).getUTCDate());
      } else if (type === 'absoluteYearly') {
        hit =
          dt.getUTCMonth() === new Date(d0).getUTCMonth() && dt.getUTCDate() === new Date(d0).getUTCDate();
      }
      if (!hit) continue;
      const at = localToUtc(`${date}${time}`, tz);
      if (at > untilMs) break;
      out.push(at);
    }
    return out;
  }

  private instanceIdsOf(m: Entity): string[] {
    if (!m.doc.recurrence) return [m.id];
    const { startMs } = this.bounds(m.doc);
    return this.expand(m, startMs + 5 * 366 * 86_400_000).map((t) => this.occurrenceId(m.id, t));
  }

  /** Every instance of a series (cancelled ones left out) up to `untilMs`; registers occurrence ids. */
  seriesInstances(m: Entity, untilMs: number): Instance[] {
    const { startMs, endMs } = this.bounds(m.doc);
    const dur = endMs - startMs;
    const out: Instance[] = [];
    for (const t of this.expand(m, untilMs)) {
      const id = this.occurrenceId(m.id, t);
      this.instanceIndex.set(id, { masterId: m.id, originalStartMs: t });
      if (m.cancelled?.has(String(t))) continue;
      const ex = m.exceptions?.get(String(t));
      if (ex) {
        const b = this.bounds({ ...m.doc, ...ex.doc });
        out.push({
          id,
          seq: Math.max(m.seq, ex.seq),
          startMs: b.startMs,
          endMs: b.endMs,
          master: m,
          originalStartMs: t,
          exception: ex,
        });
      } else out.push({ id, seq: m.seq, startMs: t, endMs: t + dur, master: m, originalStartMs: t });
    }
    return out;
  }

  /** Singles and instances overlapping [from, to). */
  calendarView(fromMs: number, toMs: number): Instance[] {
    const out: Instance[] = [];
    for (const e of this.items.values()) {
      if (e.kind !== 'event') continue;
      if (e.doc.recurrence) {
        for (const i of this.seriesInstances(e, toMs)) if (i.startMs < toMs && i.endMs > fromMs) out.push(i);
      } else {
        const b = this.bounds(e.doc);
        if (b.startMs < toMs && (b.endMs > fromMs || (b.endMs === b.startMs && b.startMs >= fromMs)))
          out.push({ id: e.id, seq: e.seq, startMs: b.startMs, endMs: b.endMs, master: e });
      }
    }
    return out;
  }

  /** Resolve an event id that may be an occurrence/exception. */
  findInstance(id: string): Instance | undefined {
    const e = this.get(id, 'event');
    if (e) {
      const b = this.bounds(e.doc);
      return { id, seq: e.seq, startMs: b.startMs, endMs: b.endMs, master: e };
    }
    const occ = this.instanceIndex.get(id);
    if (!occ) return undefined;
    const m = this.get(occ.masterId, 'event');
    if (!m) return undefined;
    return this.seriesInstances(m, occ.originalStartMs + 1).find((i) => i.id === id);
  }

  private updateOccurrence(id: string, masterId: string, t: number, patch: Doc, ifMatch?: string): Entity {
    const m = this.get(masterId, 'event');
    if (!m?.exceptions || m.cancelled?.has(String(t)))
      throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const ex = m.exceptions.get(String(t));
    this.checkEtag(ex?.changeKey ?? m.changeKey, ifMatch);
    const { singleValueExtendedProperties, id: _i, changeKey: _c, recurrence: _r, ...rest } = patch;
    const b = this.bump();
    const next: Exception = ex ?? { id, doc: {}, ext: new Map(m.ext), changeKey: '', seq: 0, modified: 0 };
    next.doc = { ...next.doc, ...rest };
    this.validateEvent({ ...m.doc, ...next.doc });
    this.setExt(next.ext, singleValueExtendedProperties);
    next.seq = b.seq;
    next.changeKey = b.changeKey;
    next.modified = b.at;
    m.exceptions.set(String(t), next);
    return m;
  }

  // ---- rendering --------------------------------------------------------------------------------------------

  renderExt(ext: Map<string, ExtProp>, wanted: string[] | 'all' | null): ExtProp[] | undefined {
    if (wanted === null) return undefined;
    const out: ExtProp[] = [];
    for (const [k, p] of ext) if (wanted === 'all' || wanted.some((w) => extKey(w) === k)) out.push({ ...p });
    return out;
  }

  private dtz(ms: number, tz: string): { dateTime: string; timeZone: string } {
    return { dateTime: graphDateTime(ms, tz), timeZone: tz };
  }

  /** Graph JSON of an event instance (times in the preferred zone; all-day events stay floating dates). */
  renderInstance(i: Instance, tz: string): Doc {
    const m = i.master;
    const doc: Doc = { ...m.doc, ...(i.exception?.doc ?? {}) };
    const allDay = doc.isAllDay === true;
    const sDoc = doc.start as { dateTime: string; timeZone?: string };
    const floating = (ms: number) => ({
      dateTime: `${utcToLocal(ms, ianaZone(sDoc.timeZone)).slice(0, 10)}T00:00:00.0000000`,
      timeZone: tz,
    });
    const out: Doc = {
      '@odata.etag': `W/"${i.exception?.changeKey ?? m.changeKey}"`,
      id: i.id,
      createdDateTime: new Date(m.created).toISOString(),
      lastModifiedDateTime: new Date(i.exception?.modified ?? m.modified).toISOString(),
      changeKey: i.exception?.changeKey ?? m.changeKey,
      categories: [],
      originalStartTimeZone: sDoc.timeZone ?? 'UTC',
      originalEndTimeZone: (doc.end as { timeZone?: string }).timeZone ?? 'UTC',
      iCalUId: m.doc.iCalUId,
      reminderMinutesBeforeStart: 15,
      isReminderOn: true,
      hasAttachments: false,
      subject: '',
      bodyPreview: String((doc.body as { content?: string } | undefined)?.content ?? '').slice(0, 255),
      importance: 'normal',
      sensitivity: 'normal',
      isAllDay: false,
      isCancelled: false,
      isOrganizer: true,
      responseRequested: true,
      seriesMasterId: null,
      showAs: 'busy',
      type: 'singleInstance',
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(i.id)}`,
      onlineMeetingUrl: null,
      isOnlineMeeting: false,
      allowNewTimeProposals: true,
      recurrence: null,
      body: { contentType: 'text', content: '' },
      location: { displayName: '', locationType: 'default' },
      attendees: [],
      organizer: { emailAddress: { name: this.user.displayName, address: this.user.mail } },
      ...doc,
      start: allDay ? floating(i.startMs) : this.dtz(i.startMs, tz),
      end: allDay ? floating(i.endMs) : this.dtz(i.endMs, tz),
    };
    if (i.originalStartMs !== undefined) {
      out.type = i.exception ? 'exception' : 'occurrence';
      out.seriesMasterId = m.id;
      out.recurrence = null;
      out.originalStart = new Date(i.originalStartMs).toISOString().replace(/\.000Z$/, 'Z');
      out.iCalUId = `${String(m.doc.iCalUId)}${new Date(i.originalStartMs).toISOString().slice(0, 10).replace(/-/g, '')}`;
    } else if (m.doc.recurrence) out.type = 'seriesMaster';
    delete out.hasAttendees;
    return out;
  }

  renderEntity(e: Entity, tz: string): Doc {
    if (e.kind === 'event') return this.renderInstance(this.findInstance(e.id)!, tz);
    const base: Doc = {
      '@odata.etag': `W/"${e.changeKey}"`,
      id: e.id,
      createdDateTime: new Date(e.created).toISOString(),
      lastModifiedDateTime: new Date(e.modified).toISOString(),
    };
    if (e.kind === 'contact')
      return {
        ...base,
        changeKey: e.changeKey,
        categories: [],
        parentFolderId: e.scope,
        birthday: null,
        fileAs: '',
        displayName: '',
        givenName: null,
        initials: null,
        middleName: null,
        nickName: null,
        surname: null,
        title: null,
        yomiGivenName: null,
        yomiSurname: null,
        yomiCompanyName: null,
        generation: null,
        imAddresses: [],
        jobTitle: null,
        companyName: null,
        department: null,
        officeLocation: null,
        profession: null,
        businessHomePage: null,
        assistantName: null,
        manager: null,
        homePhones: [],
        mobilePhone: null,
        businessPhones: [],
        spouseName: null,
        personalNotes: '',
        children: [],
        emailAddresses: [],
        homeAddress: {},
        businessAddress: {},
        otherAddress: {},
        ...e.doc,
      };
    if (e.kind === 'task')
      return {
        '@odata.etag': base['@odata.etag'],
        importance: 'normal',
        isReminderOn: false,
        status: 'notStarted',
        title: '',
        createdDateTime: base.createdDateTime,
        lastModifiedDateTime: base.lastModifiedDateTime,
        hasAttachments: false,
        categories: [],
        id: e.id,
        body: { content: '', contentType: 'text' },
        ...e.doc,
      };
    return {
      ...base,
      changeKey: e.changeKey,
      categories: [],
      receivedDateTime: new Date(e.created).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sentDateTime: new Date(e.created).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      hasAttachments: false,
      internetMessageId: '',
      subject: '',
      bodyPreview: '',
      importance: 'normal',
      parentFolderId: e.scope,
      conversationId: `AAQkAD${createHash('sha1')
        .update(String(e.doc.subject ?? ''))
        .digest('base64url')
        .slice(0, 20)}=`,
      isDeliveryReceiptRequested: false,
      isReadReceiptRequested: false,
      isRead: false,
      isDraft: false,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(e.id)}`,
      inferenceClassification: 'focused',
      body: { contentType: 'text', content: '' },
      sender: null,
      from: null,
      toRecipients: [],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      flag: { flagStatus: 'notFlagged' },
      ...e.doc,
    };
  }
}
