/**
 * EWS (Exchange Web Services) emulator — in-process handle for tests, the demo and the benchmark.
 *
 *   const ews = await startEwsEmulator({ size: 'small' });
 *   ews.url                                   // http://127.0.0.1:<port>/EWS/Exchange.asmx
 *   ews.control.createContact(ews.control.folderId('contacts'), { givenName: 'Jan' })   // act as the user
 *   ews.faults.serverBusy(5000, 1)            // next request: HTTP 500 ErrorServerBusy, BackOffMilliseconds 5000
 *   ews.log.counts()                          // { SyncFolderItems: 3, GetItem: 2 }
 *   await ews.stop();
 *
 * See docs/ews-emulator.md for the protocol coverage and what is not emulated.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TLS_CERT } from '../shared/tls';
import {
  type AnyFields,
  type AppointmentFields,
  applyFields,
  type ContactFields,
  type TaskFields,
} from './control';
import { attachmentIdFactory, mimeProps, removeWithDisposal } from './ops/items';
import { seed } from './seed';
import { properties } from './serialize';
import { EwsServer, type ItemMatcher, type LogEntry } from './server';
import type { ServerFlavour } from './soap';
import { EwsStore, extKey, type Folder, type Item, type Mailbox, parseDate, setExt } from './store';
import { defaultSchemaDir, findXmllint, schema2007Dir } from './validate';
import { textEl, type XNode } from './xml';

export type { AppointmentFields, ContactFields, RecurrenceFields, TaskFields } from './control';
export type { ItemMatcher, LogEntry } from './server';

export type SeedSize = 'empty' | 'small' | 'demo' | 'large';

export interface EwsEmulatorOptions {
  /** 0 or undefined = a free port. */
  port?: number;
  /** Deterministic seed data. */
  seed?: number;
  /** Default 'empty' (no items, just the well-known folders). */
  size?: SeedSize;
  /**
   * ServerVersionInfo flavour, default Exchange2016. `Exchange2007_SP3` / `Exchange2007_SP1` are Exchange 2007
   * (8.3 / 8.1): requests validated against Exchange 2007's own schema (../shared/ews/schema-2007-sp2plus/ or
   * schema-2007-sp1/, header included), RequestServerVersion other than Exchange2007/Exchange2007_SP1 refused with
   * ErrorInvalidServerVersion, answers in 2007's shapes, Basic/NTLM only. See docs/ews-emulator.md.
   */
  version?: ServerFlavour;
  /**
   * Validate every request against ../shared/ews/schema (the 2007 profiles: their own schema) with xmllint
   * (default: when schema and xmllint exist).
   */
  validateRequests?: boolean;
  latencyMs?: number;
  now?: () => Date;
  /** Default one: sales@example.cz. */
  mailboxes?: { email: string; password: string; displayName?: string }[];
  /**
   * Also accept bearer tokens this server did not issue, as an on-premises Exchange with hybrid modern
   * authentication accepts Microsoft Entra tokens whose audience is its own URL: the function gets the token and
   * this server's origin and answers the mailbox it is for, or why it is refused.
   */
  trustBearer?: (token: string, origin: string) => { email: string } | { error: string };
  /** Serve https with the emulators' test certificate (trust `tlsCa`). */
  tls?: boolean;
  /**
   * IIS Extended Protection "Required" (Exchange 2019 CU14+ and Server SE enable it): an NTLM answer must carry the
   * channel binding of the TLS certificate, or it is refused with 401. Needs `tls`.
   */
  extendedProtection?: boolean;
  /**
   * With `tls`: offer only TLS 1.0 (and SHA-1 era ciphers, OpenSSL security level 0), as a stock Exchange 2007 on
   * Windows Server 2003/2008 does (assumed, see ../shared/notes/exchange-2007.md §2 "TLS").
   */
  tls10Only?: boolean;
  /** Also validate every answer against the schema (tests); see `EwsEmulator.responseViolations`. */
  checkResponses?: boolean;
}

export type FolderKind = 'contacts' | 'calendar' | 'tasks' | 'inbox' | 'sentitems' | 'deleteditems';

export interface FolderInfo {
  id: string;
  parentId?: string;
  displayName: string;
  folderClass?: string;
  /** Path below the mailbox root, e.g. `Inbox/Zákazníci`. */
  path: string;
  distinguished?: string;
  totalCount: number;
}

export interface ItemSnapshot {
  id: string;
  changeKey: string;
  /** Contact / CalendarItem / Task / Message / … */
  element: string;
  itemClass: string;
  folderId: string;
  lastModified: string;
  created: string;
  /** Text of every simple property (Subject, GivenName, Start, IsRead, …). */
  fields: Record<string, string>;
  /** Dictionary entries: EmailAddresses / PhoneNumbers by key; PhysicalAddresses as `Business.City`. */
  entries: Record<string, string>;
  /** Named extended properties as `${PropertySetId}/${PropertyName}` → value. */
  extended: Record<string, string>;
  categories: string[];
  mime?: string;
  attachments: { name: string; contentType: string; size: number }[];
  /** Recurring masters: modified / deleted occurrence indexes. */
  modifiedOccurrences?: number[];
  deletedOccurrences?: number[];
}

export interface EwsControl {
  folders(email?: string): FolderInfo[];
  folderId(kind: FolderKind | string, email?: string): string;
  createFolder(parentKind: FolderKind | string, name: string, folderClass?: string, email?: string): string;
  /** The user deletes a folder for good (Shift+Del, or emptied from Deleted Items), with its items and subfolders. */
  deleteFolder(folderId: string): void;
  list(folderId: string): ItemSnapshot[];
  get(itemId: string): ItemSnapshot | undefined;
  createContact(folderId: string, fields: ContactFields): ItemSnapshot;
  createAppointment(fields: AppointmentFields, email?: string): ItemSnapshot;
  modifyOccurrence(masterId: string, index: number, fields: AppointmentFields): ItemSnapshot;
  deleteOccurrence(masterId: string, index: number): void;
  createTask(fields: TaskFields, email?: string): ItemSnapshot;
  update(itemId: string, fields: AnyFields): ItemSnapshot;
  /** Deletes an item (hard delete, like emptying it from Deleted Items). */
  remove(itemId: string): void;
  /** Moves to Deleted Items as Outlook's Delete key does. */
  moveToDeletedItems(itemId: string): void;
  setRead(itemId: string, read: boolean): ItemSnapshot;
  deliverMail(mime: string | Buffer, folder?: FolderKind | string, email?: string): ItemSnapshot;
  sendMail(mime: string | Buffer, email?: string): ItemSnapshot;
  extendedProperty(itemId: string, setId: string, name: string, type?: string): string | undefined;
  /** The emulator clock (every timestamp, token expiry); `advance` moves it forward. */
  clock: { now(): Date; advance(ms: number): void };
  mailboxes(): { email: string; password: string; displayName: string }[];
}

export interface EwsFaults {
  /** Next `n` requests: HTTP 500 SOAP fault ErrorServerBusy with BackOffMilliseconds. */
  serverBusy(backoffMs: number, n?: number): void;
  /** Next `n` requests: this HTTP status with an HTML body (503 = IIS queue full). */
  http(status: number, n?: number): void;
  /**
   * Next `n` requests of `operation` (any when omitted) are carried out — items stored — and then answered with
   * this HTTP status and an HTML body instead of the EWS answer: a reverse proxy or load balancer that gave up
   * waiting (502/504) after Exchange processed the request.
   */
  httpAfterProcessing(status: number, n?: number, operation?: string): void;
  /** Every bearer token issued until now is expired (401). */
  expireTokens(): void;
  /** More than `n` concurrent requests → ErrorExceededConnectionCount. */
  maxConcurrent(n: number): void;
  /** Per-item error inside batches (GetItem/CreateItem/UpdateItem/DeleteItem/MoveItem) for matching items. */
  itemError(code: string, matcher?: ItemMatcher): void;
  /** Next `n` requests: connection destroyed without an answer. */
  drop(n?: number): void;
  /** Next `n` requests: answered `ms` later. */
  slow(ms: number, n?: number): void;
  /** Next sync with a SyncState on this folder (any folder when omitted) → ErrorInvalidSyncStateData. */
  invalidSyncState(folderId?: string): void;
  setLatency(ms: number): void;
  clear(): void;
}

export interface EwsEmulator {
  url: string;
  /** With `tls`: the PEM to trust. */
  tlsCa?: string;
  email: string;
  user: string;
  password: string;
  port: number;
  issueToken(email?: string, ttlSeconds?: number): string;
  control: EwsControl;
  log: {
    /** One entry per request: operation (SOAP body element), HTTP status, first error ResponseCode, time, mailbox. */
    entries(): LogEntry[];
    counts(): Record<string, number>;
    total(): number;
    reset(): void;
  };
  faults: EwsFaults;
  /** True when requests are validated against the XSD. */
  validatesRequests: boolean;
  /** The schema folder requests are validated against (also the one to check its answers with). */
  schemaDir: string;
  /** With `checkResponses`: the answers that failed the schema. */
  responseViolations(): { operation: string; errors: string[] }[];
  stop(): Promise<void>;
}

const SIMPLE_SKIP = new Set([
  'EmailAddresses',
  'PhoneNumbers',
  'PhysicalAddresses',
  'ImAddresses',
  'Categories',
]);

export function snapshot(store: EwsStore, it: Item): ItemSnapshot {
  const props = properties(store, it, { version: 'Exchange2016' });
  const fields: Record<string, string> = {};
  const entries: Record<string, string> = {};
  for (const [k, v] of props) {
    if (SIMPLE_SKIP.has(k)) {
      if (k === 'Categories') continue;
      for (const e of v.children) {
        const key = e.attrs.Key ?? '';
        if (e.children.length) for (const c of e.children) entries[`${key}.${c.name}`] = c.text;
        else entries[key] = e.text;
      }
      continue;
    }
    if (!v.children.length) fields[k] = v.text;
    else if (k === 'From' || k === 'Sender' || k === 'Organizer')
      fields[k] = v.children[0]?.children.find((c) => c.name === 'EmailAddress')?.text ?? '';
    else if (k.endsWith('Recipients') || k.endsWith('Attendees'))
      fields[k] = v.children
        .map(
          (m) =>
            (m.name === 'Attendee' ? m.children[0] : m)?.children.find((c) => c.name === 'EmailAddress')
              ?.text ?? '',
        )
        .join(', ');
  }
  const extended: Record<string, string> = {};
  for (const e of it.ext)
    extended[
      `${e.uri.PropertySetId ?? e.uri.DistinguishedPropertySetId ?? e.uri.PropertyTag}/${e.uri.PropertyName ?? e.uri.PropertyId ?? ''}`
    ] = e.value ?? (e.values ?? []).join(',');
  const snap: ItemSnapshot = {
    id: it.id,
    changeKey: it.changeKey,
    element: it.element,
    itemClass: props.get('ItemClass')?.text ?? '',
    folderId: it.folderId,
    lastModified: it.modified.toISOString(),
    created: it.created.toISOString(),
    fields,
    entries,
    extended,
    categories: (props.get('Categories')?.children ?? []).map((c) => c.text),
    attachments: it.attachments.map((a) => ({
      name: a.name,
      contentType: a.contentType,
      size: a.content.length,
    })),
  };
  if (it.mime) snap.mime = it.mime.toString('utf8');
  if (it.props.has('Recurrence')) {
    snap.modifiedOccurrences = [...it.exceptions.keys()].sort((a, b) => a - b);
    snap.deletedOccurrences = [...it.deletedOccurrences].sort((a, b) => a - b);
  }
  return snap;
}

export async function startEwsEmulator(opts: EwsEmulatorOptions = {}): Promise<EwsEmulator> {
  const base = opts.now ?? (() => new Date());
  const store = new EwsStore(base, opts.seed ?? 1);
  const boxes = opts.mailboxes?.length
    ? opts.mailboxes
    : [{ email: 'sales@example.cz', password: 'Heslo-EWS-1', displayName: 'Obchodník Prodej' }];
  for (const b of boxes) store.addMailbox(b.email, b.password, b.displayName);
  seed(store, { seed: opts.seed ?? 1, size: opts.size ?? 'empty' });
  const flavour = opts.version ?? 'Exchange2016';
  const schemaDir =
    flavour === 'Exchange2007_SP1'
      ? schema2007Dir('sp1')
      : flavour === 'Exchange2007_SP3'
        ? schema2007Dir('sp2plus')
        : defaultSchemaDir();
  const xmllint = findXmllint();
  const canValidate = !!xmllint && existsSync(path.join(schemaDir, 'messages.xsd'));
  const validate = opts.validateRequests ?? canValidate;
  if (validate && !canValidate)
    throw new Error(`validateRequests needs xmllint and ${path.join(schemaDir, 'messages.xsd')}`);
  const server = new EwsServer({
    store,
    flavour,
    validate: validate && xmllint ? { schemaDir, xmllint } : null,
    latencyMs: opts.latencyMs ?? 0,
    trustBearer: opts.trustBearer,
    tls: opts.tls,
    extendedProtection: opts.extendedProtection,
    checkResponses: opts.checkResponses,
    tls10Only: opts.tls10Only,
  });
  const port = await server.listen(opts.port ?? 0);
  const first = store.mailboxes[0] as Mailbox;

  const folderByKindOrPath = (kind: string, email?: string): Folder => {
    const mb = store.mailbox(email);
    const lower = kind.toLowerCase();
    for (const f of mb.folders.values()) if (f.distinguished === lower) return f;
    const byId = mb.folders.get(kind);
    if (byId) return byId;
    for (const f of mb.folders.values()) if (store.folderPath(f).toLowerCase() === lower) return f;
    throw new Error(`no folder ${kind} in ${mb.email}`);
  };
  const itemOf = (id: string): Item => {
    const it = store.tryItem(id);
    if (!it) throw new Error(`no item ${id}`);
    return it;
  };
  const snap = (it: Item) => snapshot(store, it);
  const create = (folder: Folder, element: Item['element'], fields: AnyFields): ItemSnapshot => {
    const props = new Map<string, XNode>();
    const ext = applyFields(element, props, fields);
    const it = store.createItem(folder, element, props, ext);
    if (it.props.has('Recurrence')) store.occurrences(it, new Date(Date.UTC(2100, 0, 1)));
    return snap(it);
  };
  const deliver = (mime: string | Buffer, folder: Folder, sent: boolean): ItemSnapshot => {
    const buf = typeof mime === 'string' ? Buffer.from(mime, 'utf8') : mime;
    const props = new Map<string, XNode>();
    const attachments: Item['attachments'] = [];
    mimeProps(buf, props, attachments, attachmentIdFactory(store));
    props.set('IsRead', textEl('IsRead', String(sent)));
    const now = store.now();
    props.set(
      'DateTimeReceived',
      textEl(
        'DateTimeReceived',
        `${(sent ? (parseDate(props.get('DateTimeSent')?.text) ?? now) : now).toISOString().slice(0, 19)}Z`,
      ),
    );
    const it = store.createItem(folder, 'Message', props, [], { mime: buf, attachments });
    return snap(it);
  };

  const control: EwsControl = {
    folders: (email) =>
      [...store.mailbox(email).folders.values()].map((f) => ({
        id: f.id,
        ...(f.parentId ? { parentId: f.parentId } : {}),
        displayName: f.displayName,
        ...(f.folderClass ? { folderClass: f.folderClass } : {}),
        path: store.folderPath(f),
        ...(f.distinguished ? { distinguished: f.distinguished } : {}),
        totalCount: store.folderItems(f).length,
      })),
    folderId: (kind, email) => folderByKindOrPath(kind, email).id,
    createFolder: (parentKind, name, folderClass, email) => {
      const parent = folderByKindOrPath(parentKind, email);
      return store.createFolder(parent.mailbox, parent.id, name, folderClass ?? parent.folderClass).id;
    },
    deleteFolder: (folderId) => store.deleteFolder(store.folder(folderId)),
    list: (folderId) => store.folderItems(store.folder(folderId)).map(snap),
    get: (id) => {
      const it = store.tryItem(id);
      return it ? snap(it) : undefined;
    },
    createContact: (folderId, fields) => create(store.folder(folderId), 'Contact', fields as AnyFields),
    createAppointment: (fields, email) =>
      create(
        fields.folderId ? store.folder(fields.folderId) : folderByKindOrPath('calendar', email),
        'CalendarItem',
        fields as AnyFields,
      ),
    modifyOccurrence: (masterId, index, fields) => {
      const master = itemOf(masterId);
      const props = new Map<string, XNode>();
      applyFields('CalendarItem', props, { ...fields, timeZone: undefined } as AnyFields);
      props.delete('StartTimeZone');
      props.delete('EndTimeZone');
      store.modifyOccurrence(master, index, props);
      return snap(master);
    },
    deleteOccurrence: (masterId, index) => store.deleteOccurrence(itemOf(masterId), index),
    createTask: (fields, email) =>
      create(
        fields.folderId ? store.folder(fields.folderId) : folderByKindOrPath('tasks', email),
        'Task',
        fields as AnyFields,
      ),
    update: (id, fields) => {
      const it = itemOf(id);
      const props = new Map(it.props);
      const ext = applyFields(it.element, props, fields);
      if (fields.recurrence !== undefined) {
        // a new pattern drops the exceptions, as in Outlook
        it.exceptions.clear();
        it.deletedOccurrences.clear();
      }
      it.props = props;
      for (const e of ext) setExt(it, e);
      store.normalize(it);
      store.touch(it);
      return snap(it);
    },
    remove: (id) => store.removeItem(itemOf(id)),
    moveToDeletedItems: (id) => removeWithDisposal(store, itemOf(id), 'MoveToDeletedItems'),
    setRead: (id, read) => {
      const it = itemOf(id);
      it.props.set('IsRead', textEl('IsRead', String(read)));
      store.touch(it, true);
      return snap(it);
    },
    deliverMail: (mime, folder, email) => deliver(mime, folderByKindOrPath(folder ?? 'inbox', email), false),
    sendMail: (mime, email) => deliver(mime, folderByKindOrPath('sentitems', email), true),
    extendedProperty: (id, setId, name, type = 'String') => {
      const key = extKey({ PropertySetId: setId, PropertyName: name, PropertyType: type });
      const e = itemOf(id).ext.find((x) => x.key === key);
      return e ? (e.value ?? e.values?.join(',')) : undefined;
    },
    clock: { now: () => store.now(), advance: (ms) => store.advance(ms) },
    mailboxes: () =>
      store.mailboxes.map((m) => ({ email: m.email, password: m.password, displayName: m.displayName })),
  };

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/EWS/Exchange.asmx`,
    tlsCa: opts.tls ? TLS_CERT : undefined,
    email: first.email,
    user: first.email,
    password: first.password,
    port,
    issueToken: (email, ttl = 3600) => server.issueToken(store.mailbox(email).email, ttl),
    control,
    log: {
      entries: () => server.log.map((e) => ({ ...e })),
      counts: () => {
        const out: Record<string, number> = {};
        for (const e of server.log) out[e.operation] = (out[e.operation] ?? 0) + 1;
        return out;
      },
      total: () => server.log.length,
      reset: () => {
        server.log.length = 0;
      },
    },
    faults: {
      serverBusy: (backoffMs, n = 1) => server.addFault({ kind: 'serverBusy', backoffMs, times: n }),
      http: (status, n = 1) => server.addFault({ kind: 'http', status, times: n }),
      httpAfterProcessing: (status, n = 1, operation) =>
        server.addAfterFault({ status, times: n, operation }),
      expireTokens: () => server.expireTokens(),
      maxConcurrent: (n) => {
        server.maxConcurrent = n;
      },
      itemError: (code, matcher = {}) => server.addItemError(code, matcher),
      drop: (n = 1) => server.addFault({ kind: 'drop', times: n }),
      slow: (ms, n = 1) => server.addFault({ kind: 'slow', ms, times: n }),
      invalidSyncState: (folderId) => {
        store.invalidSyncStates.add(folderId ?? '*');
      },
      setLatency: (ms) => {
        server.latencyMs = ms;
      },
      clear: () => server.clearFaults(),
    },
    validatesRequests: validate,
    schemaDir,
    responseViolations: () => server.responseViolations.map((v) => ({ ...v })),
    stop: () => server.close(),
  };
}
