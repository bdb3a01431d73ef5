/**
 * ExchangeBackend over Microsoft Graph v1.0 (Exchange Online). See docs/graph.md.
 *
 * - contacts: the "ABRA Gen" contact folder, `contactFolders/{id}/contacts/delta`
 * - calendar: `me/calendarView/delta` over the part's window (primary calendar); series are re-read completely
 *   inside the window (`events/{master}/instances`) and reported as `series` changes keyed by the master's iCalUId
 * - tasks: Microsoft To Do, list "ABRA Gen" (created when missing) or the default list
 * - mail: `mailFolders/{id}/messages/delta`, MIME via `/messages/{id}/$value`
 * - the AbraId stamp is the named property `String {c6d6d1a5-…} Name AbraId` (same as EWS)
 *
 * This file is the facade; the work is done by the rooms beside it, as in ../ews/:
 * - ./http.ts — requests, `$batch`, retries; ./auth.ts — tokens;
 * - ./kinds.ts — each folder kind's paths, read query and map (./map.ts converts, ./time.ts the dates);
 * - ./folders.ts — the folders; ./changes.ts — delta reads; ./reads.ts — items by id or stamp;
 * - ./writes.ts — create, update, delete.
 */
import { SyncError } from '../../shared/errors';
import {
  ABRA_CONTACT_FOLDER_NAME,
  type CalendarEvent,
  type ChangeOptions,
  type ChangePage,
  type CreateRequest,
  type DeleteResult,
  type ExchangeBackend,
  type ExchangeItem,
  type FolderKind,
  type FolderRef,
  type GetFolderOptions,
  type ItemData,
  type MailboxInfo,
  type UpdateRequest,
  type WriteResult,
} from '../types';
import { GraphChanges } from './changes';
import { GraphFolders } from './folders';
import { type GraphAuth, GraphHttp } from './http';
import { enc } from './kinds';
import type { Json } from './map';
import { getMimes } from './mime-batch';
import type { GraphBackendOptions } from './options';
import { GraphReads } from './reads';
import { GraphWrites } from './writes';

export type { GraphBackendOptions } from './options';

export class GraphBackend implements ExchangeBackend {
  readonly kind = 'graph' as const;
  /** Five full `$batch` requests (20 each) per engine write call; 50 made 20 + 20 + 10. */
  readonly writeBatchSize = 100;
  readonly http: GraphHttp;
  private readonly tz: string;
  private readonly folders: GraphFolders;
  private readonly changes: GraphChanges;
  private readonly reads: GraphReads;
  private readonly writes: GraphWrites;

  constructor(baseUrl: string, auth: GraphAuth, opts: GraphBackendOptions) {
    this.http = new GraphHttp(baseUrl, auth, opts);
    this.tz = opts.timeZone || 'UTC';
    this.folders = new GraphFolders(this.http, opts, opts.folderName ?? ABRA_CONTACT_FOLDER_NAME);
    this.changes = new GraphChanges(this.http, this.folders, opts, this.tz);
    this.reads = new GraphReads(this.http, this.tz);
    this.writes = new GraphWrites(this.http, this.reads, opts, this.tz);
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

  getFolder(kind: FolderKind, path?: string, options: GetFolderOptions = {}): Promise<FolderRef> {
    return this.folders.getFolder(kind, path, options);
  }

  listMailFolders(): Promise<FolderRef[]> {
    return this.folders.listMailFolders();
  }

  getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options: ChangeOptions = {},
  ): Promise<ChangePage<T>> {
    return this.changes.getChanges<T>(folder, cursor, options);
  }

  getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]> {
    return this.reads.getItems<T>(folder, ids);
  }

  findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]> {
    return this.reads.findByAbraIds<T>(folder, abraIds);
  }

  createItems<D extends ItemData>(folder: FolderRef, requests: CreateRequest<D>[]): Promise<WriteResult[]> {
    return this.writes.createItems(folder, requests);
  }

  updateItems<D extends ItemData>(folder: FolderRef, requests: UpdateRequest<D>[]): Promise<WriteResult[]> {
    return this.writes.updateItems(folder, requests);
  }

  deleteItems(folder: FolderRef, ids: string[]): Promise<DeleteResult[]> {
    return this.writes.deleteItems(folder, ids);
  }

  async getMime(id: string): Promise<Buffer> {
    return this.http.request<Buffer>('GET', `/me/messages/${enc(id)}/$value`, { raw: true });
  }

  /** MIME of several messages in `$batch`es of 20 (./mime-batch.ts). */
  getMimes(ids: string[]): Promise<(Buffer | SyncError)[]> {
    return getMimes(this.http, ids);
  }

  async close(): Promise<void> {
    this.folders.clear();
  }
}

export type { CalendarEvent };
