/**
 * The emulator's mailbox store: mailboxes, folders, items (properties kept as the XML elements the client sent),
 * named extended properties, ChangeKeys, calendar series with exceptions, and opaque SyncState snapshots.
 */

import { createHmac } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { canonicalSet } from './mapi';
import { expand, ianaFor, type Occurrence } from './recurrence';
import { clone, textEl, type XNode } from './xml';

export type ItemElement =
  | 'Message'
  | 'CalendarItem'
  | 'Contact'
  | 'Task'
  | 'Item'
  | 'PostItem'
  | 'DistributionList';
export type FolderElement = 'Folder' | 'CalendarFolder' | 'ContactsFolder' | 'TasksFolder' | 'SearchFolder';

export const DEFAULT_ITEM_CLASS: Record<ItemElement, string> = {
  Message: 'IPM.Note',
  CalendarItem: 'IPM.Appointment',
  Contact: 'IPM.Contact',
  Task: 'IPM.Task',
  Item: 'IPM',
  PostItem: 'IPM.Post',
  DistributionList: 'IPM.DistList',
};

export interface ExtProp {
  /** Canonical identity of the property (set/tag + name/id + type). */
  key: string;
  /** Attributes of the ExtendedFieldURI as they identify the property. */
  uri: Record<string, string>;
  value?: string;
  values?: string[];
}

export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  content: Buffer;
  isInline: boolean;
}

export interface OccurrenceException {
  id: string;
  changeKey: string;
  /** Overridden properties (Subject, Start, End, Location, Body, …). */
  props: Map<string, XNode>;
  modified: Date;
}

export interface Folder {
  num: number;
  id: string;
  changeKey: string;
  version: number;
  mailbox: Mailbox;
  parentId?: string;
  displayName: string;
  folderClass?: string;
  element: FolderElement;
  distinguished?: string;
  seq: number;
}

export interface Item {
  num: number;
  id: string;
  changeKey: string;
  /** Content version: bumped by every change except a read-flag-only change. */
  version: number;
  mailbox: Mailbox;
  folderId: string;
  element: ItemElement;
  props: Map<string, XNode>;
  ext: ExtProp[];
  created: Date;
  modified: Date;
  /** Change sequence of the last change (content or read flag), orders sync changes. */
  seq: number;
  mime?: Buffer;
  attachments: Attachment[];
  exceptions: Map<number, OccurrenceException>;
  deletedOccurrences: Set<number>;
}

export interface Mailbox {
  index: number;
  email: string;
  password: string;
  displayName: string;
  folders: Map<string, Folder>;
  items: Map<string, Item>;
  /** Tombstones: item num → change seq of its delete, per folder id. */
  tombstones: Map<string, Map<number, number>>;
}

export class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const WELL_KNOWN: { key: string; name: string; element: FolderElement; cls?: string; parent?: string }[] = [
  { key: 'root', name: 'Root', element: 'Folder' },
  {
    key: 'msgfolderroot',
    name: 'Top of Information Store',
    element: 'Folder',
    cls: 'IPF.Note',
    parent: 'root',
  },
  { key: 'inbox', name: 'Inbox', element: 'Folder', cls: 'IPF.Note', parent: 'msgfolderroot' },
  { key: 'drafts', name: 'Drafts', element: 'Folder', cls: 'IPF.Note', parent: 'msgfolderroot' },
  { key: 'sentitems', name: 'Sent Items', element: 'Folder', cls: 'IPF.Note', parent: 'msgfolderroot' },
  { key: 'deleteditems', name: 'Deleted Items', element: 'Folder', cls: 'IPF.Note', parent: 'msgfolderroot' },
  { key: 'outbox', name: 'Outbox', element: 'Folder', cls: 'IPF.Note', parent: 'msgfolderroot' },
  { key: 'junkemail', name: 'Junk Email', element: 'Folder', cls: 'IPF.Note', parent: 'msgfolderroot' },
  {
    key: 'calendar',
    name: 'Calendar',
    element: 'CalendarFolder',
    cls: 'IPF.Appointment',
    parent: 'msgfolderroot',
  },
  {
    key: 'contacts',
    name: 'Contacts',
    element: 'ContactsFolder',
    cls: 'IPF.Contact',
    parent: 'msgfolderroot',
  },
  { key: 'tasks', name: 'Tasks', element: 'TasksFolder', cls: 'IPF.Task', parent: 'msgfolderroot' },
  { key: 'notes', name: 'Notes', element: 'Folder', cls: 'IPF.StickyNote', parent: 'msgfolderroot' },
  { key: 'journal', name: 'Journal', element: 'Folder', cls: 'IPF.Journal', parent: 'msgfolderroot' },
  { key: 'recoverableitemsroot', name: 'Recoverable Items', element: 'Folder', parent: 'root' },
  { key: 'recoverableitemsdeletions', name: 'Deletions', element: 'Folder', parent: 'recoverableitemsroot' },
];

export function elementForClass(cls: string | undefined): FolderElement {
  if (!cls) return 'Folder';
  if (cls.startsWith('IPF.Appointment')) return 'CalendarFolder';
  if (cls.startsWith('IPF.Contact')) return 'ContactsFolder';
  if (cls.startsWith('IPF.Task')) return 'TasksFolder';
  return 'Folder';
}

/** EWS dateTime as Exchange writes it: UTC, seconds, `Z`. */
export function ewsDate(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Parses an xs:dateTime; a value without a zone is taken as UTC (the caller resolves time zones first). */
export function parseDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const t = s.trim();
  const hasZone = /(Z|[+-]\d\d:\d\d)$/.test(t);
  const d = new Date(hasZone ? t : `${t}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function extKey(uri: Record<string, string>): string {
  // PublicStrings and its GUID are one property set (see ./mapi.ts)
  const set = canonicalSet(uri);
  const nm = uri.PropertyName ?? uri.PropertyId ?? '';
  const tagV = uri.PropertyTag
    ? Number.parseInt(uri.PropertyTag, uri.PropertyTag.startsWith('0x') ? 16 : 10)
    : '';
  return `${set}|${tagV}|${nm}|${uri.PropertyType ?? ''}`;
}

export function extUri(uri: Record<string, string>): Record<string, string> {
  const o: Record<string, string> = {};
  for (const k of [
    'DistinguishedPropertySetId',
    'PropertySetId',
    'PropertyTag',
    'PropertyName',
    'PropertyId',
    'PropertyType',
  ])
    if (uri[k] !== undefined) o[k] = uri[k] as string;
  return o;
}

const DATE_FIELDS = [
  'Start',
  'End',
  'DueDate',
  'StartDate',
  'CompleteDate',
  'ReminderDueBy',
  'DateTimeSent',
  'DateTimeReceived',
  'Birthday',
  'WeddingAnniversary',
  'AssignedTime',
];

export class EwsStore {
  readonly mailboxes: Mailbox[] = [];
  private nextNum = 1;
  private changeCounter = 1;
  seq = 1;
  private clockOffset = 0;
  private readonly secret: Buffer;
  /** Items by id across mailboxes. */
  private readonly itemIndex = new Map<string, Item>();
  private readonly folderIndex = new Map<string, Folder>();
  /** Folder ids whose next SyncFolderItems/SyncFolderHierarchy answers ErrorInvalidSyncStateData ('*' = all). */
  invalidSyncStates = new Set<string>();

  constructor(
    private readonly baseNow: () => Date,
    readonly seedValue = 1,
  ) {
    this.secret = Buffer.from(`ews-emulator-${seedValue}`);
  }

  now(): Date {
    return new Date(this.baseNow().getTime() + this.clockOffset);
  }
  advance(ms: number): void {
    this.clockOffset += ms;
  }

  private opaque(kind: string, mbx: number, num: number, extra = 0): string {
    const b = Buffer.alloc(40);
    b.write('AAMkAD', 0, 'ascii');
    b.write(kind, 6, 'ascii');
    b.writeUInt16BE(mbx, 8);
    b.writeUInt32BE(num, 10);
    b.writeUInt32BE(extra, 14);
    createHmac('sha256', this.secret).update(`${kind}${mbx}.${num}.${extra}`).digest().copy(b, 18, 0, 22);
    return b.toString('base64');
  }

  /** Decodes an id the emulator made; undefined for anything else. */
  decodeId(id: string): { kind: string; mbx: number; num: number; extra: number } | undefined {
    const b = Buffer.from(id, 'base64');
    if (b.length !== 40 || b.toString('ascii', 0, 6) !== 'AAMkAD') return undefined;
    const kind = b.toString('ascii', 6, 8);
    const mbx = b.readUInt16BE(8);
    const num = b.readUInt32BE(10);
    const extra = b.readUInt32BE(14);
    return this.opaque(kind, mbx, num, extra) === id ? { kind, mbx, num, extra } : undefined;
  }

  /**
   * Whether `id` has the shape of an id this store issues (base64 of 40 bytes starting "AAMkAD"), existing or not.
   * Exchange answers ErrorInvalidIdMalformed for an id it cannot parse and ErrorItemNotFound only for a readable id
   * of nothing ("ResponseCode", https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode).
   */
  isIdShaped(id: string): boolean {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return false;
    const b = Buffer.from(id, 'base64');
    return b.length === 40 && b.toString('ascii', 0, 6) === 'AAMkAD';
  }

  newChangeKey(): string {
    const b = Buffer.alloc(22);
    b.write('EMUCK', 0, 'ascii');
    b.writeUInt32BE(this.changeCounter++, 6);
    createHmac('sha256', this.secret).update(String(this.changeCounter)).digest().copy(b, 10, 0, 12);
    return b.toString('base64');
  }

  addMailbox(email: string, password: string, displayName?: string): Mailbox {
    const mb: Mailbox = {
      index: this.mailboxes.length,
      email,
      password,
      displayName: displayName ?? email.split('@')[0] ?? email,
      folders: new Map(),
      items: new Map(),
      tombstones: new Map(),
    };
    this.mailboxes.push(mb);
    const byKey = new Map<string, Folder>();
    for (const w of WELL_KNOWN) {
      const f = this.insertFolder(
        mb,
        w.parent ? byKey.get(w.parent)?.id : undefined,
        w.name,
        w.cls,
        w.element,
      );
      f.distinguished = w.key;
      byKey.set(w.key, f);
    }
    return mb;
  }

  mailbox(email: string | undefined): Mailbox {
    const mb = email
      ? this.mailboxes.find((m) => m.email.toLowerCase() === email.toLowerCase())
      : this.mailboxes[0];
    if (!mb) throw new StoreError('ErrorNonExistentMailbox', `No mailbox with SMTP address ${email}.`);
    return mb;
  }

  private insertFolder(
    mb: Mailbox,
    parentId: string | undefined,
    name: string,
    cls: string | undefined,
    element: FolderElement,
  ): Folder {
    const num = this.nextNum++;
    const f: Folder = {
      num,
      id: this.opaque('FO', mb.index, num),
      changeKey: this.newChangeKey(),
      version: 1,
      mailbox: mb,
      parentId,
      displayName: name,
      folderClass: cls,
      element,
      seq: this.seq++,
    };
    mb.folders.set(f.id, f);
    this.folderIndex.set(f.id, f);
    return f;
  }

  createFolder(mb: Mailbox, parentId: string, name: string, cls?: string, element?: FolderElement): Folder {
    const parent = this.folder(parentId);
    if (parent.mailbox !== mb)
      throw new StoreError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
    if (!name.trim()) throw new StoreError('ErrorInvalidRequest', 'Folder name cannot be empty.');
    for (const f of mb.folders.values())
      if (f.parentId === parentId && f.displayName.toLowerCase() === name.toLowerCase())
        throw new StoreError('ErrorFolderExists', 'A folder with the specified name already exists.');
    const elx = element ?? elementForClass(cls ?? parent.folderClass);
    const defaultCls =
      elx === 'CalendarFolder'
        ? 'IPF.Appointment'
        : elx === 'ContactsFolder'
          ? 'IPF.Contact'
          : elx === 'TasksFolder'
            ? 'IPF.Task'
            : 'IPF.Note';
    const f = this.insertFolder(mb, parentId, name, cls ?? defaultCls, elx);
    this.touchFolder(parent);
    return f;
  }

  renameFolder(f: Folder, name: string): void {
    if (!name.trim()) throw new StoreError('ErrorInvalidRequest', 'Folder name cannot be empty.');
    for (const o of f.mailbox.folders.values())
      if (o !== f && o.parentId === f.parentId && o.displayName.toLowerCase() === name.toLowerCase())
        throw new StoreError('ErrorFolderExists', 'A folder with the specified name already exists.');
    f.displayName = name;
    this.touchFolder(f);
  }

  deleteFolder(f: Folder): void {
    if (f.distinguished)
      throw new StoreError('ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
    for (const c of [...f.mailbox.folders.values()]) if (c.parentId === f.id) this.deleteFolder(c);
    for (const it of [...f.mailbox.items.values()]) if (it.folderId === f.id) this.removeItem(it);
    f.mailbox.folders.delete(f.id);
    this.folderIndex.delete(f.id);
    this.folderTombstones.set(f.id, { num: f.num, seq: this.seq++, mb: f.mailbox.index });
  }
  readonly folderTombstones = new Map<string, { num: number; seq: number; mb: number }>();

  private touchFolder(f: Folder): void {
    f.version++;
    f.changeKey = this.newChangeKey();
    f.seq = this.seq++;
  }

  folder(id: string): Folder {
    const f = this.folderIndex.get(id);
    if (!f)
      throw new StoreError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
    return f;
  }
  distinguished(mb: Mailbox, key: string): Folder {
    for (const f of mb.folders.values()) if (f.distinguished === key) return f;
    throw new StoreError(
      'ErrorFolderNotFound',
      `The distinguished folder ${key} could not be found in the store.`,
    );
  }
  folderPath(f: Folder): string {
    const parts: string[] = [];
    let cur: Folder | undefined = f;
    while (cur && cur.distinguished !== 'msgfolderroot' && cur.distinguished !== 'root') {
      parts.unshift(cur.displayName);
      cur = cur.parentId ? this.folderIndex.get(cur.parentId) : undefined;
    }
    return parts.join('/');
  }
  childFolders(f: Folder): Folder[] {
    return [...f.mailbox.folders.values()].filter((c) => c.parentId === f.id);
  }
  folderItems(f: Folder): Item[] {
    return [...f.mailbox.items.values()].filter((i) => i.folderId === f.id);
  }

  // ---- items -------------------------------------------------------------------------------------------------

  item(id: string): Item {
    const it = this.itemIndex.get(id);
    if (!it) throw new StoreError('ErrorItemNotFound', 'The specified object was not found in the store.');
    return it;
  }
  tryItem(id: string): Item | undefined {
    return this.itemIndex.get(id);
  }

  createItem(
    folder: Folder,
    element: ItemElement,
    props: Map<string, XNode>,
    ext: ExtProp[] = [],
    extra: { mime?: Buffer; attachments?: Attachment[]; created?: Date } = {},
  ): Item {
    const mb = folder.mailbox;
    const num = this.nextNum++;
    const now = extra.created ?? this.now();
    const it: Item = {
      num,
      id: this.opaque('IT', mb.index, num),
      changeKey: this.newChangeKey(),
      version: 1,
      mailbox: mb,
      folderId: folder.id,
      element,
      props,
      ext: [],
      created: now,
      modified: now,
      seq: this.seq++,
      mime: extra.mime,
      attachments: extra.attachments ?? [],
      exceptions: new Map(),
      deletedOccurrences: new Set(),
    };
    for (const e of ext) setExt(it, e);
    this.normalize(it);
    mb.items.set(it.id, it);
    this.itemIndex.set(it.id, it);
    this.touchFolder(folder);
    return it;
  }

  /** Fills what Exchange computes on save (class, UID, display name, completion). */
  normalize(it: Item): void {
    const p = it.props;
    // Exchange answers every dateTime in UTC with a Z, whatever offset the client wrote
    for (const k of DATE_FIELDS) {
      const v = p.get(k);
      const d = v && !v.children.length ? parseDate(v.text) : undefined;
      if (v && d) p.set(k, { ...v, text: ewsDate(d) });
    }
    if (!p.has('ItemClass')) p.set('ItemClass', textEl('ItemClass', DEFAULT_ITEM_CLASS[it.element]));
    if (it.element === 'Contact') {
      const given = p.get('GivenName')?.text;
      const sur = p.get('Surname')?.text;
      const company = p.get('CompanyName')?.text;
      if (!p.get('DisplayName')?.text) {
        const dn = [given, p.get('MiddleName')?.text, sur].filter(Boolean).join(' ') || company || '';
        p.set('DisplayName', textEl('DisplayName', dn));
      }
      const dn = p.get('DisplayName')?.text ?? '';
      p.set('Subject', textEl('Subject', dn));
      if (!p.has('FileAs')) p.set('FileAs', textEl('FileAs', sur && given ? `${sur}, ${given}` : dn));
    }
    if (it.element === 'CalendarItem') {
      if (!p.has('UID'))
        p.set(
          'UID',
          textEl(
            'UID',
            `040000008200E00074C5B7101A82E008${it.id
              .slice(10, 40)
              .replace(/[^A-Za-z0-9]/g, '0')
              .toUpperCase()}`,
          ),
        );
    }
    if (it.element === 'Task') {
      if (!p.has('Status')) p.set('Status', textEl('Status', 'NotStarted'));
      const done = p.get('Status')?.text === 'Completed';
      if (done) {
        p.set('PercentComplete', textEl('PercentComplete', '100'));
        if (!p.has('CompleteDate')) p.set('CompleteDate', textEl('CompleteDate', ewsDate(this.now())));
      } else p.delete('CompleteDate');
    }
    if (it.element === 'Message' && !p.has('IsRead')) p.set('IsRead', textEl('IsRead', 'false'));
  }

  /** Records a content change (ChangeKey, version, LastModifiedTime, sync sequence). */
  touch(it: Item, readOnly = false): void {
    if (!readOnly) it.version++;
    it.changeKey = this.newChangeKey();
    it.modified = this.now();
    it.seq = this.seq++;
    this.touchFolder(this.folder(it.folderId));
  }

  removeItem(it: Item): void {
    it.mailbox.items.delete(it.id);
    this.itemIndex.delete(it.id);
    const f = it.mailbox.folders.get(it.folderId);
    let t = it.mailbox.tombstones.get(it.folderId);
    if (!t) {
      t = new Map();
      it.mailbox.tombstones.set(it.folderId, t);
    }
    t.set(it.num, this.seq++);
    if (f) this.touchFolder(f);
  }

  moveItem(it: Item, target: Folder): void {
    if (target.mailbox !== it.mailbox)
      throw new StoreError('ErrorInvalidOperation', 'Cannot move items between mailboxes.');
    let t = it.mailbox.tombstones.get(it.folderId);
    if (!t) {
      t = new Map();
      it.mailbox.tombstones.set(it.folderId, t);
    }
    t.set(it.num, this.seq++);
    it.mailbox.tombstones.get(target.id)?.delete(it.num);
    const from = this.folder(it.folderId);
    it.folderId = target.id;
    this.touch(it);
    this.touchFolder(from);
  }

  // ---- calendar series ------------------------------------------------------------------------------------------

  /** The id an item of this mailbox had (also after it was deleted). */
  itemIdFor(mb: Mailbox, num: number): string {
    return this.opaque('IT', mb.index, num);
  }

  occurrenceId(master: Item, index: number): string {
    return this.opaque('OC', master.mailbox.index, master.num, index);
  }

  /** Resolves an occurrence id → master + index. */
  resolveOccurrence(id: string): { master: Item; index: number } | undefined {
    const d = this.decodeId(id);
    if (d?.kind !== 'OC') return undefined;
    const mb = this.mailboxes[d.mbx];
    if (!mb) return undefined;
    for (const it of mb.items.values()) if (it.num === d.num) return { master: it, index: d.extra };
    return undefined;
  }

  masterTimeZone(it: Item): string {
    const tz = it.props.get('StartTimeZone')?.attrs.Id ?? it.props.get('MeetingTimeZone')?.attrs.TimeZoneName;
    return ianaFor(tz);
  }

  /** All occurrences of a series up to `until` (deleted ones excluded unless asked). */
  occurrences(master: Item, until: Date, includeDeleted = false): Occurrence[] {
    const rec = master.props.get('Recurrence');
    const s = parseDate(master.props.get('Start')?.text);
    const e = parseDate(master.props.get('End')?.text);
    if (!rec || !s || !e) return [];
    const all = expand(rec, s, e, this.masterTimeZone(master), until);
    return includeDeleted ? all : all.filter((o) => !master.deletedOccurrences.has(o.index));
  }

  /** The original occurrence at `index`, or an error code like real EWS. */
  occurrenceAt(master: Item, index: number): Occurrence {
    if (!master.props.has('Recurrence'))
      throw new StoreError(
        'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
        'The calendar item is not a recurring master.',
      );
    if (index < 1)
      throw new StoreError(
        'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
        'Occurrence index is out of recurrence range.',
      );
    const all = this.occurrences(master, new Date(Date.UTC(2200, 0, 1)), true).slice(0, index);
    const o = all[index - 1];
    if (!o)
      throw new StoreError(
        'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
        'Occurrence index is out of recurrence range.',
      );
    if (master.deletedOccurrences.has(index))
      throw new StoreError(
        'ErrorCalendarOccurrenceIsDeletedFromRecurrence',
        'Occurrence was deleted from the recurrence.',
      );
    return o;
  }

  modifyOccurrence(master: Item, index: number, props: Map<string, XNode>): OccurrenceException {
    this.occurrenceAt(master, index);
    let ex = master.exceptions.get(index);
    if (!ex) {
      ex = { id: this.occurrenceId(master, index), changeKey: '', props: new Map(), modified: this.now() };
      master.exceptions.set(index, ex);
    }
    for (const [k, v] of props) {
      if (k === 'Start' || k === 'End') {
        const d = parseDate(v.text);
        if (d) ex.props.set(k, textEl(k, ewsDate(d)));
      } else ex.props.set(k, clone(v));
    }
    ex.changeKey = this.newChangeKey();
    ex.modified = this.now();
    this.touch(master);
    return ex;
  }

  deleteOccurrence(master: Item, index: number): void {
    this.occurrenceAt(master, index);
    master.deletedOccurrences.add(index);
    master.exceptions.delete(index);
    this.touch(master);
  }

  // ---- sync state -----------------------------------------------------------------------------------------------

  encodeState(folderKey: string, known: Map<number, [number, number]>): string {
    const flat: number[] = [];
    for (const [n, [v, r]] of [...known].sort((a, b) => a[0] - b[0])) flat.push(n, v, r);
    const body = gzipSync(Buffer.from(JSON.stringify({ v: 1, f: folderKey, k: flat })));
    const mac = createHmac('sha256', this.secret).update(body).digest().subarray(0, 12);
    return Buffer.concat([mac, body]).toString('base64');
  }

  /** Decodes a SyncState; throws ErrorInvalidSyncStateData for anything not made by this store for this folder. */
  decodeState(folderKey: string, state: string): Map<number, [number, number]> {
    const bad = () =>
      new StoreError(
        'ErrorInvalidSyncStateData',
        'Synchronization state data is corrupt or otherwise invalid.',
      );
    try {
      const raw = Buffer.from(state.trim(), 'base64');
      if (raw.length < 20) throw bad();
      const mac = raw.subarray(0, 12);
      const body = raw.subarray(12);
      const want = createHmac('sha256', this.secret).update(body).digest().subarray(0, 12);
      if (!mac.equals(want)) throw bad();
      const obj = JSON.parse(gunzipSync(body).toString('utf8')) as { v: number; f: string; k: number[] };
      if (obj.v !== 1 || obj.f !== folderKey || !Array.isArray(obj.k)) throw bad();
      const m = new Map<number, [number, number]>();
      for (let i = 0; i + 2 < obj.k.length + 2 && i < obj.k.length; i += 3)
        m.set(obj.k[i] as number, [obj.k[i + 1] as number, obj.k[i + 2] as number]);
      return m;
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw bad();
    }
  }
}

export function setExt(it: { ext: ExtProp[] }, e: ExtProp): void {
  const i = it.ext.findIndex((x) => x.key === e.key);
  if (i >= 0) it.ext[i] = e;
  else it.ext.push(e);
}

export function isRead(it: Item): boolean {
  return it.props.get('IsRead')?.text === 'true';
}
