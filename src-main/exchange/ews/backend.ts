/**
 * The on-premises Exchange backend: EWS through ews-javascript-api (imported only via ./ews-lib, which installs the
 * Node ≥ 23 polyfill first). See docs/ews-backend.md for the request flow of every method.
 *
 * This file is the facade; the work is done by the rooms beside it, as in ../graph/:
 * - ./session.ts — the library's service, sign-in, EWS URL, the EWS dialect (Exchange 2007 legacy mode), call();
 *   built from ./connection.ts (settings, secrets, HTTP layers); the version facts are in ./version.ts;
 * - ./properties.ts — what is read of each item kind (next to ./map.ts, which converts it);
 * - ./folders.ts — the folders; ./changes.ts — reading; ./writes.ts — create, update, delete;
 * - ./responses.ts — the library's answers and errors as SyncErrors.
 */
import { SyncError } from '../../shared/errors';
import type {
  ChangeOptions,
  ChangePage,
  CreateRequest,
  DeleteResult,
  ExchangeBackend,
  ExchangeItem,
  FolderKind,
  FolderRef,
  GetFolderOptions,
  ItemData,
  MailboxInfo,
  UpdateRequest,
  WriteResult,
} from '../types';
import { EwsReader } from './changes';
import type { EwsBackendOptions, EwsConnection, EwsSecrets } from './connection';
import { ews } from './ews-lib';
import { EwsFolders } from './folders';
import { get } from './map';
import { getMimes } from './mime-batch';
import { mapError } from './responses';
import { EwsSession } from './session';
import { type GuardedXhr, takeTransportError } from './transport';
import type { EwsServerMode } from './version';
import { EwsWriter } from './writes';

export type { EwsBackendOptions, EwsConnection, EwsSecrets } from './connection';
export type { EwsServerMode } from './version';

export class EwsBackend implements ExchangeBackend {
  readonly kind = 'ews' as const;
  private readonly session: EwsSession;
  private readonly folderCache: EwsFolders;
  private readonly reader: EwsReader;
  private readonly writer: EwsWriter;

  constructor(conn: EwsConnection, secrets: EwsSecrets, opts: EwsBackendOptions = {}) {
    this.session = new EwsSession(conn, secrets, opts);
    this.folderCache = new EwsFolders(this.session);
    this.reader = new EwsReader(this.session, {
      readBatch: Math.max(1, Math.min(50, opts.readBatchSize ?? 50)),
      defaultWindowDays: opts.defaultWindowDays,
    });
    this.writer = new EwsWriter(this.session, this.reader, Math.max(1, opts.writeBatchSize ?? 50));
  }

  /** The library's service; replaced when the server's version calls for another dialect (see serverMode). */
  get service(): ews.ExchangeService {
    return this.session.service;
  }

  get http(): GuardedXhr {
    return this.session.http;
  }

  get writeBatchSize(): number {
    return this.writer.writeBatch;
  }

  /** The server's EWS version as far as known, and the dialect in use. */
  get serverMode(): EwsServerMode {
    return this.session.serverMode;
  }

  /** The EWS URL in use; when none was configured, found by Autodiscover (the caller stores it). */
  ewsUrl(): Promise<string> {
    return this.session.ewsUrl();
  }

  mapError(e: unknown, what: string): SyncError {
    return mapError(e, what);
  }

  // ---------- ExchangeBackend ----------

  async testConnection(): Promise<MailboxInfo> {
    const s = this.session;
    return s.call('testConnection', async () => {
      await ews.Folder.Bind(
        s.service,
        ews.WellKnownFolderName.Inbox,
        new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.FolderSchema.DisplayName]),
      );
      const info: MailboxInfo = { email: s.conn.email, ...(await this.ownName()) };
      s.noteServerInfo();
      return s.describeServer(info);
    });
  }

  /** The mailbox's own address and name from the directory; nothing when the server or its policy refuses. */
  private async ownName(): Promise<{ email?: string; displayName?: string }> {
    const out: { email?: string; displayName?: string } = {};
    try {
      const names = await this.session.service.ResolveName(
        this.session.conn.email,
        ews.ResolveNameSearchLocation.DirectoryOnly,
        false,
      );
      const first = names?.Count > 0 ? names._getItem(0) : null;
      const mb = first ? get<ews.EmailAddress>(first, 'Mailbox') : null;
      if (mb?.Address) out.email = String(mb.Address);
      if (mb?.Name) out.displayName = String(mb.Name);
    } catch {
      const t = takeTransportError();
      if (t && (t.kind === 'auth' || t.kind === 'forbidden' || t.kind === 'tls' || t.kind === 'unreachable'))
        throw t;
      // ResolveNames is optional: some servers/policies refuse it
    }
    return out;
  }

  getFolder(kind: FolderKind, path?: string, options: GetFolderOptions = {}): Promise<FolderRef> {
    return this.folderCache.getFolder(kind, path, options);
  }

  listMailFolders(): Promise<FolderRef[]> {
    return this.folderCache.listMailFolders();
  }

  async getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options: ChangeOptions = {},
  ): Promise<ChangePage<T>> {
    return this.reader.getChanges<T>(folder, cursor, options).catch((e) => {
      // the folder itself is gone (deleted in Outlook): forget it, the next getFolder finds or creates it anew
      if (e instanceof SyncError && e.kind === 'notFound') this.folderCache.forget(folder.id);
      throw e;
    });
  }

  getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]> {
    return this.reader.getItems<T>(folder, ids);
  }

  findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]> {
    return this.reader.findByAbraIds<T>(folder, abraIds);
  }

  getMime(id: string): Promise<Buffer> {
    return this.reader.getMime(id);
  }

  /** MIME of several messages in one GetItem (./mime-batch.ts). */
  getMimes(ids: string[]): Promise<(Buffer | SyncError)[]> {
    return getMimes(this.session, ids);
  }

  createItems<D extends ItemData>(folder: FolderRef, requests: CreateRequest<D>[]): Promise<WriteResult[]> {
    return this.writer.createItems(folder, requests);
  }

  updateItems<D extends ItemData>(folder: FolderRef, requests: UpdateRequest<D>[]): Promise<WriteResult[]> {
    return this.writer.updateItems(folder, requests);
  }

  deleteItems(folder: FolderRef, ids: string[]): Promise<DeleteResult[]> {
    return this.writer.deleteItems(folder, ids);
  }

  async close(): Promise<void> {
    try {
      this.session.http.disconnect();
    } catch {
      /* nothing to release */
    }
  }
}
