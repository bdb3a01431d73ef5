/**
 * An in-memory mailbox for the e-mail archive's tests: mail folders with paths, messages with their MIME, a change
 * log per folder with paged cursors, moves and deletes. The summaries are derived from the MIME the way a server
 * does (subject, addresses, item class, headers).
 */
import type {
  ChangePage,
  ExchangeBackend,
  ExchangeItem,
  FolderKind,
  FolderRef,
  MailboxInfo,
  MessageItem,
  WriteResult,
} from '../../src-main/exchange/types';
import { SyncError } from '../../src-main/shared/errors';
import { parseMime } from '../../src-main/sync/parts/mail/mime';
import { FakeAbra } from '../sync/fakes';

interface Stored {
  item: MessageItem;
  folder: string;
  mime: Buffer;
}

export class FakeMailbox implements ExchangeBackend {
  readonly kind = 'ews' as const;
  readonly folders: FolderRef[];
  items = new Map<string, Stored>();
  log: { folder: string; id: string; seq: number; deleted: boolean }[] = [];
  requests = 0;
  mimeRequests = 0;
  private seq = 0;
  private ids = 0;

  constructor(
    readonly email: string,
    extraFolders: string[] = [],
  ) {
    this.folders = [
      { id: 'f-inbox', kind: 'inbox', displayName: 'Inbox', path: 'Inbox' },
      { id: 'f-sent', kind: 'sentitems', displayName: 'Sent Items', path: 'Sent Items' },
      ...extraFolders.map(
        (p, i): FolderRef => ({ id: `f-x${i}`, kind: 'mail', displayName: p.split('/').pop() ?? p, path: p }),
      ),
    ];
  }

  folder(path: string): FolderRef {
    const f = this.folders.find((x) => x.path === path);
    if (!f) throw new Error(`no folder ${path}`);
    return f;
  }

  /** Deliver (or file) a message: `folder` is a path (`Inbox`, `Sent Items`, `Inbox/Customers/Kovo`). */
  deliver(folderPath: string, mime: Buffer, over: Partial<MessageItem> = {}): MessageItem {
    const p = parseMime(mime);
    const id = `MSG${String(++this.ids).padStart(6, '0')}-${this.email}`;
    const date = p.date ?? '2026-11-30T07:00:00.000Z';
    const item: MessageItem = {
      kind: 'message',
      id,
      changeKey: `${id}-1`,
      internetMessageId: p.messageId,
      itemClass: p.isDeliveryReport
        ? 'REPORT.IPM.Note.NDR'
        : p.isCalendar
          ? 'IPM.Schedule.Meeting.Request'
          : 'IPM.Note',
      subject: p.subject,
      from: p.from,
      to: p.to,
      cc: p.cc,
      sentAt: date,
      receivedAt: date,
      sensitivity: 'Normal',
      categories: [],
      hasAttachments: p.attachments.length > 0,
      attachments: p.attachments.map((a) => ({ name: a.name, size: a.size, contentType: a.contentType })),
      size: mime.length,
      headers: Object.fromEntries(
        Object.entries(p.headers).filter(([k]) =>
          ['auto-submitted', 'x-auto-response-suppress', 'in-reply-to'].includes(k),
        ),
      ),
      ...over,
    };
    const folder = this.folder(folderPath).id;
    this.items.set(id, { item, folder, mime });
    this.log.push({ folder, id, seq: ++this.seq, deleted: false });
    return item;
  }

  /** Move to another folder: a new item id there (as EWS does), a delete in the old folder. */
  move(id: string, toPath: string): MessageItem {
    const s = this.items.get(id);
    if (!s) throw new Error(`no item ${id}`);
    this.remove(id);
    const newId = `MSG${String(++this.ids).padStart(6, '0')}-${this.email}`;
    const item = { ...s.item, id: newId };
    const folder = this.folder(toPath).id;
    this.items.set(newId, { item, folder, mime: s.mime });
    this.log.push({ folder, id: newId, seq: ++this.seq, deleted: false });
    return item;
  }

  remove(id: string): void {
    const s = this.items.get(id);
    if (!s) return;
    this.items.delete(id);
    this.log.push({ folder: s.folder, id, seq: ++this.seq, deleted: true });
  }

  async testConnection(): Promise<MailboxInfo> {
    return { email: this.email };
  }

  async getFolder(kind: FolderKind, path?: string): Promise<FolderRef> {
    this.requests++;
    const f = path ? this.folders.find((x) => x.path === path) : this.folders.find((x) => x.kind === kind);
    if (!f) throw new SyncError('notFound', `folder ${kind} ${path ?? ''} not found`);
    return f;
  }

  async listMailFolders(): Promise<FolderRef[]> {
    this.requests++;
    return this.folders;
  }

  async getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options: { pageSize?: number; since?: string; withBody?: boolean } = {},
  ): Promise<ChangePage<T>> {
    this.requests++;
    const from = cursor === null ? 0 : Number(cursor);
    if (Number.isNaN(from)) throw new SyncError('cursorInvalid', 'bad sync state');
    const size = options.pageSize ?? 512;
    const entries = this.log.filter((e) => e.folder === folder.id && e.seq > from);
    const page = entries.slice(0, size);
    const changes: ChangePage<T>['changes'] = [];
    for (const e of page) {
      const s = this.items.get(e.id);
      if (e.deleted || !s || s.folder !== folder.id) {
        if (cursor !== null) changes.push({ type: 'delete', id: e.id });
        continue;
      }
      const when = s.item.receivedAt ?? s.item.sentAt ?? '';
      if (options.since && when < options.since) continue;
      const item = options.withBody ? { ...s.item, bodyText: parseMime(s.mime).text } : s.item;
      changes.push({ type: 'upsert', item: item as T });
    }
    const last = page[page.length - 1]?.seq ?? from;
    return { changes, cursor: String(last), more: entries.length > size };
  }

  async getItems<T extends ExchangeItem>(_f: FolderRef, ids: string[]): Promise<T[]> {
    this.requests++;
    return ids.flatMap((id) => {
      const s = this.items.get(id);
      return s ? [s.item as T] : [];
    });
  }

  async findByAbraIds<T extends ExchangeItem>(): Promise<T[]> {
    return [];
  }

  async createItems(): Promise<WriteResult[]> {
    throw new Error('the mail archive never writes to the mailbox');
  }

  async updateItems(): Promise<WriteResult[]> {
    throw new Error('the mail archive never writes to the mailbox');
  }

  async deleteItems(): Promise<never> {
    throw new Error('the mail archive never writes to the mailbox');
  }

  async getMime(id: string): Promise<Buffer> {
    this.requests++;
    this.mimeRequests++;
    const s = this.items.get(id);
    if (!s) throw new SyncError('notFound', 'ErrorItemNotFound');
    if (this.mimeFaults.has(id)) throw this.mimeFaults.get(id)!;
    return s.mime;
  }

  /** Message ids whose MIME read fails (alone or in a batch) with this error. */
  mimeFaults = new Map<string, SyncError>();
  /** Ids whose MIME fails only inside a batch (a per-item throttling answer; alone it is read). */
  batchOnlyFaults = new Set<string>();
  /** The next batched read fails as a whole with this error. */
  failNextBatch: SyncError | null = null;
  /** Every batched read: its ids, in order. */
  mimeBatches: string[][] = [];
  /** false: the backend has no batched read (the archive reads one by one). */
  batched = true;

  get getMimes(): ((ids: string[]) => Promise<(Buffer | SyncError)[]>) | undefined {
    if (!this.batched) return undefined;
    return async (ids: string[]) => {
      this.requests++;
      this.mimeRequests++;
      this.mimeBatches.push([...ids]);
      const whole = this.failNextBatch;
      this.failNextBatch = null;
      if (whole) throw whole;
      return ids.map((id) => {
        const s = this.items.get(id);
        if (!s) return new SyncError('notFound', 'ErrorItemNotFound');
        if (this.batchOnlyFaults.has(id)) return new SyncError('throttled', 'ErrorServerBusy');
        return this.mimeFaults.get(id) ?? s.mime;
      });
    };
  }

  async close(): Promise<void> {}
}

/**
 * FakeAbra with faults for crash tests: `crashAtCreate = k` makes the k-th create (counted from now) fail as if
 * the process died before sending it; `loseResponseAtCreate = k` stores the record and then fails (the response
 * never arrived: the worst moment for a crash).
 */
export class FaultyAbra extends FakeAbra {
  creates = 0;
  crashAtCreate = 0;
  loseResponseAtCreate = 0;

  override async create(collection: string, body: Record<string, unknown>) {
    this.creates++;
    if (this.crashAtCreate && this.creates === this.crashAtCreate) {
      throw new SyncError('unreachable', 'simulated crash before the request was sent');
    }
    const row = await super.create(collection, body);
    if (this.loseResponseAtCreate && this.creates === this.loseResponseAtCreate) {
      throw new SyncError('unreachable', 'simulated crash after the record was stored');
    }
    return row;
  }

  resetFaults(): void {
    this.creates = 0;
    this.crashAtCreate = 0;
    this.loseResponseAtCreate = 0;
  }
}
