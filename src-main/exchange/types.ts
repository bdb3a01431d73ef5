/**
 * The one interface the sync engine uses to talk to a mailbox. Two backends meet it:
 * `ews/` (Exchange Server 2007 → SE, via ews-javascript-api) and `graph/` (Microsoft 365, via Microsoft Graph).
 *
 * Rules every backend follows:
 * - All instants are ISO-8601 strings in UTC with milliseconds (`2026-11-24T09:00:00.000Z`); all-day items carry
 *   `isAllDay: true` and midnight-to-midnight instants in the user's time zone (`timeZone` of the backend options).
 * - Every item the sync creates carries the `AbraId` stamp (named extended property, PropertySetId
 *   {@link ABRA_PROPERTY_SET_ID}, name {@link ABRA_ID_PROPERTY_NAME}, type String); `abraId` reads it back.
 * - Batch writes return one result per input, in input order; a failed item never fails the others.
 * - Failures of a whole call throw {@link SyncError} (see `../shared/errors.ts`); transient ones are already
 *   retried inside the backend (server back-off honoured) before they are thrown.
 * - Calendar writes never send invitations or cancellations.
 * - Nothing here logs a secret.
 */
import type { SyncError } from '../shared/errors';
import type { Note } from '../shared/messages';

/** PropertySetId of the named extended properties the sync stamps on items (same GUID for EWS and Graph). */
/** Where a backend gets OAuth access tokens (the app's MSAL sign-in implements it). */
export interface AccessTokenSource {
  /** A valid token, refreshed silently when needed; an expired or revoked grant is a SyncError 'auth'. */
  getAccessToken(): Promise<string>;
  /** After a 401: fetch the next token from the identity provider, not the cache. */
  invalidate?(): void;
}

export const ABRA_PROPERTY_SET_ID = 'c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1';
/** Name of the named extended property that holds the ABRA record id of the item. */
export const ABRA_ID_PROPERTY_NAME = 'AbraId';
/** Name of the contacts folder the address book syncs into. */
export const ABRA_CONTACT_FOLDER_NAME = 'ABRA Gen';

export type FolderKind = 'contacts' | 'calendar' | 'tasks' | 'inbox' | 'sentitems' | 'mail';

export interface FolderRef {
  id: string;
  kind: FolderKind;
  displayName: string;
  /** Path below the mailbox root for mail folders, e.g. `Inbox/Customers`. */
  path?: string;
  /**
   * EWS only: the RequestServerVersion the server was found to need when the folder was resolved (set for the
   * Exchange 2007 legacy mode). Kept in the state with the folder, so a new process speaks it from the first call.
   */
  ewsVersion?: 'Exchange2007_SP1';
}

export interface EmailAddress {
  address: string;
  name?: string;
}

export interface PostalAddress {
  street?: string;
  city?: string;
  postalCode?: string;
  state?: string;
  country?: string;
}

/** Fields of an Outlook contact the sync maps. Absent = empty. */
export interface ContactData {
  /** Outlook "File as" / display name. */
  displayName?: string;
  givenName?: string;
  middleName?: string;
  surname?: string;
  title?: string;
  companyName?: string;
  department?: string;
  jobTitle?: string;
  /** Up to three addresses, EmailAddress1..3 in order. */
  emails?: string[];
  businessPhone?: string;
  businessPhone2?: string;
  mobilePhone?: string;
  homePhone?: string;
  businessFax?: string;
  businessAddress?: PostalAddress;
  homeAddress?: PostalAddress;
  webPage?: string;
  /** Plain-text body. */
  notes?: string;
  categories?: string[];
}

export type Sensitivity = 'Normal' | 'Personal' | 'Private' | 'Confidential';
export type ShowAs = 'Free' | 'Tentative' | 'Busy' | 'OOF' | 'WorkingElsewhere' | 'NoData';

export interface AppointmentData {
  subject: string;
  /** UTC instant. */
  start: string;
  /** UTC instant. */
  end: string;
  isAllDay?: boolean;
  location?: string;
  /** Plain-text body. */
  body?: string;
  sensitivity?: Sensitivity;
  showAs?: ShowAs;
  categories?: string[];
  /** Read only for the sync: it never invites anyone. */
  attendees?: EmailAddress[];
  organizer?: EmailAddress;
  reminderMinutesBeforeStart?: number | null;
}

export type CalendarItemType = 'Single' | 'Occurrence' | 'Exception' | 'RecurringMaster';

export type TaskStatus = 'NotStarted' | 'InProgress' | 'Completed' | 'WaitingOnOthers' | 'Deferred';
export type Importance = 'Low' | 'Normal' | 'High';

export interface TaskData {
  subject: string;
  /** UTC instant (date-only in Outlook: midnight in the user's zone). */
  start?: string | null;
  due?: string | null;
  completedAt?: string | null;
  status: TaskStatus;
  importance?: Importance;
  percentComplete?: number;
  body?: string;
  sensitivity?: Sensitivity;
  categories?: string[];
}

export interface ItemBase {
  /** Backend item id (EWS ItemId, Graph id). */
  id: string;
  /** EWS ChangeKey / Graph changeKey; required to update. */
  changeKey: string;
  /** The `AbraId` stamp, when the item was created by the sync (or adopted by it). */
  abraId?: string | null;
  /** Server's last modification instant (UTC ISO), used by "newest wins". */
  lastModified?: string;
  /** Id of the folder the item lives in. */
  folderId?: string;
}

export interface ContactItem extends ItemBase {
  kind: 'contact';
  data: ContactData;
}

export interface CalendarEvent extends ItemBase {
  kind: 'appointment';
  /**
   * Stable identity of this appointment for the sync. For a single appointment: its id. For an occurrence or an
   * exception of a series: `${seriesKey}|${originalStart}`, which stays the same when the occurrence is edited.
   */
  key: string;
  itemType: CalendarItemType;
  /** Identity of the series (iCalendar UID of the master) for occurrences/exceptions; absent for singles. */
  seriesKey?: string;
  /** Original start (UTC ISO) of an occurrence/exception. */
  originalStart?: string;
  data: AppointmentData;
}

export interface TaskItem extends ItemBase {
  kind: 'task';
  data: TaskData;
}

export interface MessageAttachmentInfo {
  name: string;
  size: number;
  contentType?: string;
  isInline?: boolean;
}

/** Summary of a mail message (no MIME; fetch that with {@link ExchangeBackend.getMime}). */
export interface MessageItem extends ItemBase {
  kind: 'message';
  /** RFC 5322 Message-ID including angle brackets, as the server reports it. */
  internetMessageId: string;
  /** `IPM.Note`, `IPM.Schedule.Meeting.Request`, `REPORT.IPM.Note.NDR`, ... */
  itemClass: string;
  subject: string;
  from?: EmailAddress;
  sender?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc?: EmailAddress[];
  /** UTC ISO. */
  sentAt?: string;
  /** UTC ISO. */
  receivedAt?: string;
  isDraft?: boolean;
  sensitivity?: Sensitivity;
  categories?: string[];
  hasAttachments?: boolean;
  attachments?: MessageAttachmentInfo[];
  /** Size in bytes as the server reports it. */
  size?: number;
  /** Plain-text body, when asked for (backends may return it converted from HTML). */
  bodyText?: string;
  /** `In-Reply-To` / `References` / auto-submitted hints, when known. */
  headers?: Record<string, string>;
}

export type ExchangeItem = ContactItem | CalendarEvent | TaskItem | MessageItem;

export type ItemChange<T extends ExchangeItem = ExchangeItem> =
  | { type: 'upsert'; item: T }
  | { type: 'delete'; id: string }
  /**
   * Calendar only: a recurring series changed. `occurrences` is the complete set of its occurrences and exceptions
   * inside the window; a previously seen occurrence of `seriesKey` that is not in the set was deleted.
   */
  | { type: 'series'; seriesKey: string; occurrences: CalendarEvent[] };

export interface ChangePage<T extends ExchangeItem = ExchangeItem> {
  changes: ItemChange<T>[];
  /** Opaque cursor to pass next time. Persist it only after the changes were applied. */
  cursor: string;
  /** True when the server has more changes: call again with `cursor`. */
  more: boolean;
}

export interface TimeWindow {
  /** UTC ISO inclusive. */
  start: string;
  /** UTC ISO exclusive. */
  end: string;
}

export interface ChangeOptions {
  /** Max changes per page (EWS MaxChangesReturned 1–512, Graph odata.maxpagesize). */
  pageSize?: number;
  /** Calendar: occurrences of series are expanded inside this window only. */
  window?: TimeWindow;
  /** Mail: ignore messages received/sent before this instant (first run). */
  since?: string;
  /** Mail: include the plain-text body in the summaries. */
  withBody?: boolean;
  /**
   * Incremental reads only: true when the caller already holds this id at this changeKey (the echo of its own
   * write). A backend that must fetch changed items one by one (EWS) may then leave the upsert out.
   */
  isKnown?: (id: string, changeKey: string) => boolean;
}

/**
 * `note`: the item was written, but not exactly as given (e.g. characters Exchange cannot store were removed); the
 * engine records it as the run's note for the item.
 */
export type WriteResult =
  | { ok: true; id: string; changeKey: string; note?: Note }
  | { ok: false; error: SyncError };
export type DeleteResult = { ok: true } | { ok: false; error: SyncError };

export type ItemData = ContactData | AppointmentData | TaskData;

export interface CreateRequest<D extends ItemData = ItemData> {
  /** Stamped as the AbraId extended property. */
  abraId: string;
  data: D;
}

export interface UpdateRequest<D extends ItemData = ItemData> {
  id: string;
  /** '' = no concurrency check. */
  changeKey: string;
  /** The mapped fields to write; absent = write nothing but the stamp (`abraId` is then required). */
  data?: D;
  /**
   * Stamp (or re-stamp) the AbraId: an item created in Outlook and copied to ABRA, or an adopted paired item, so
   * that pairing after a lost state finds it by the stamp. Only the extended property is written.
   */
  abraId?: string;
}

export interface GetFolderOptions {
  /**
   * Create the sync's own folder ("ABRA Gen" contacts folder, "ABRA Gen" To Do list) when it is missing (default
   * true). A dry run passes false: a missing folder is then SyncError('notFound') and nothing is created.
   */
  create?: boolean;
  /**
   * The ref a previous process resolved for this kind (the engine keeps it in its state): taken as is, without a
   * request, unless this backend already holds one. A stale ref surfaces as notFound on its first use; the backend
   * then forgets it and the next getFolder resolves the folder again.
   */
  known?: FolderRef;
}

export interface MailboxInfo {
  email: string;
  displayName?: string;
  /** e.g. `Exchange2016` / `15.2.1544.4` / `Exchange Online`. */
  serverVersion?: string;
  /** The user's time zone as the backend uses it (IANA). */
  timeZone?: string;
  /** Set when the backend speaks a legacy dialect to this server (EWS: Exchange 2007, best effort). */
  legacyMode?: 'exchange2007';
  /** A server the product connects to but does not support (Exchange 2007 before SP2: install SP3). */
  unsupported?: 'exchange2007sp1';
  /** The old TLS version in use under the admin's legacy-TLS allowance (e.g. TLSv1), when one is. */
  legacyTls?: string;
}

export interface ExchangeBackend {
  readonly kind: 'ews' | 'graph';
  /**
   * How many items one createItems/updateItems/deleteItems call should carry to fill the backend's requests (EWS:
   * items per request; Graph: a multiple of the 20 requests of a `$batch`). The engine's default is 50.
   */
  readonly writeBatchSize?: number;

  /** Who we are connected as; throws SyncError('auth' | 'unreachable' | 'tls' | 'forbidden' | ...). */
  testConnection(): Promise<MailboxInfo>;

  /**
   * Resolve a folder. `contacts` = the "ABRA Gen" contacts folder (found, or created when missing — idempotent),
   * `calendar` = main calendar, `tasks` = default tasks folder (Graph: To Do list, see backend options),
   * `inbox` / `sentitems` = well-known folders, `mail` with `path` = a mail folder by path ("Inbox/Customers").
   */
  getFolder(kind: FolderKind, path?: string, options?: GetFolderOptions): Promise<FolderRef>;

  /** Mail folders below a folder (for the settings picker and "Customers/*" patterns). */
  listMailFolders(): Promise<FolderRef[]>;

  /**
   * Incremental changes since `cursor` (null = from scratch: every item in the folder as an upsert).
   * Contacts/tasks: upserts and deletes. Calendar: singles as upserts, series as `series` changes expanded inside
   * `options.window`, deletes. Mail: upserts of new/changed messages (deletes are reported, the engine ignores them).
   * Throws SyncError('cursorInvalid') when the cursor is no longer accepted.
   */
  getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options?: ChangeOptions,
  ): Promise<ChangePage<T>>;

  /** Full items by id (missing ids are left out of the result). */
  getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]>;

  /** Items of the folder that carry one of the given AbraId stamps (crash recovery, adoption). */
  findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]>;

  createItems<D extends ItemData>(folder: FolderRef, requests: CreateRequest<D>[]): Promise<WriteResult[]>;

  /**
   * The given data replaces the mapped fields. Optional fields the sync does not map (appointments: location,
   * categories, showAs, isAllDay, reminder; tasks: categories, sensitivity) are left as they are when undefined;
   * '' / [] clear them.
   * Stale changeKey → per-item `conflict`. A request without `data` writes only the AbraId stamp (batched like any
   * other update; used to stamp items created in Outlook once the engine copied them to ABRA).
   */
  updateItems<D extends ItemData>(folder: FolderRef, requests: UpdateRequest<D>[]): Promise<WriteResult[]>;

  /** Deletes (to Deleted Items where the server supports it). Already-missing items count as deleted. */
  deleteItems(folder: FolderRef, ids: string[]): Promise<DeleteResult[]>;

  /** Raw RFC 5322 message (MIME) of a mail message. */
  getMime(id: string): Promise<Buffer>;

  /**
   * The MIME of several messages in few requests (EWS: one GetItem for the list; Graph: `$batch`es of 20). One entry
   * per id, in the order given: the bytes, or the error of that message alone. The caller bounds the list (count and
   * size); a failure of the whole request rejects. Optional: without it the archive reads one by one.
   */
  getMimes?(ids: string[]): Promise<(Buffer | SyncError)[]>;

  /** Release connections. */
  close(): Promise<void>;
}
