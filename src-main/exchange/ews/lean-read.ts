/**
 * The lean EWS read path (issue #17): the SyncFolderItems and GetItem requests of contacts, calendar, tasks and
 * the e-mail folders written as text — element for element what ews-javascript-api writes for `SyncFolderItems(…IdOnly…)` and
 * `BindToItems(ids, propsFor(kind))` (./properties.ts) — and their answers read from a plain tree
 * (./xml-tree.ts, ./read-item.ts) instead of an xmldom DOM and the library's object graph per item.
 *
 * The readers are strict where the library was lenient in a way that could lose data: a success answer without a
 * SyncState or IncludesLastItemInRange, a change without an ItemId, a GetItem answer with fewer or more messages
 * than ids, a success message without its item — each is a SyncError('malformed') and nothing of the page is
 * used, so the cursor never moves past a half-read page.
 */
import { SyncError } from '../../shared/errors';
import { ABRA_ID_PROPERTY_NAME, ABRA_PROPERTY_SET_ID, type ExchangeItem } from '../types';
import { type MailShape, readItem, readMessage } from './read-item';
import { xmlAttr, xmlText } from './xml-text';
import { child, type XmlElement } from './xml-tree';

export type LeanKind = 'contacts' | 'calendar' | 'tasks';
/** What the lean path reads: the three sync kinds, and 'mail' for every e-mail folder (inbox, sent items, others). */
export type LeanReadKind = LeanKind | 'mail';

/** The most changes one SyncFolderItems page may ask for (messages.xsd MaxSyncChangesReturnedType: 1…512). */
export const MAX_SYNC_PAGE = 512;

/**
 * The FieldURIs of each kind's GetItem, in the order the library writes ./properties.ts `propsFor(kind)`; the
 * AbraId extended property is appended to each (and the contact's title, PidTagDisplayNamePrefix, to contacts).
 */
const FIELDS: Record<LeanReadKind, string[]> = {
  contacts: [
    'contacts:DisplayName',
    'contacts:FileAs',
    'contacts:GivenName',
    'contacts:MiddleName',
    'contacts:Surname',
    'contacts:CompanyName',
    'contacts:Department',
    'contacts:JobTitle',
    'contacts:EmailAddresses',
    'contacts:PhoneNumbers',
    'contacts:PhysicalAddresses',
    'contacts:BusinessHomePage',
    'item:Body',
    'item:Categories',
    'item:LastModifiedTime',
    'item:ParentFolderId',
    'item:ItemClass',
  ],
  calendar: [
    'item:Subject',
    'calendar:Start',
    'calendar:End',
    'calendar:IsAllDayEvent',
    'calendar:Location',
    'item:Body',
    'item:Sensitivity',
    'calendar:LegacyFreeBusyStatus',
    'item:Categories',
    'calendar:RequiredAttendees',
    'calendar:OptionalAttendees',
    'calendar:Organizer',
    'item:ReminderIsSet',
    'item:ReminderMinutesBeforeStart',
    'calendar:CalendarItemType',
    'calendar:UID',
    'calendar:OriginalStart',
    'calendar:RecurrenceId',
    'item:LastModifiedTime',
    'item:ParentFolderId',
  ],
  tasks: [
    'item:Subject',
    'task:StartDate',
    'task:DueDate',
    'task:CompleteDate',
    'task:Status',
    'item:Importance',
    'task:PercentComplete',
    'item:Body',
    'item:Sensitivity',
    'item:Categories',
    'item:LastModifiedTime',
    'item:ParentFolderId',
  ],
  // ./properties.ts propsFor(mail): the body (item:Body) follows ParentFolderId when asked for
  mail: [
    'item:ItemClass',
    'item:Subject',
    'message:InternetMessageId',
    'message:From',
    'message:Sender',
    'message:ToRecipients',
    'message:CcRecipients',
    'message:BccRecipients',
    'item:DateTimeSent',
    'item:DateTimeReceived',
    'item:IsDraft',
    'item:Sensitivity',
    'item:Categories',
    'item:HasAttachments',
    'item:Attachments',
    'item:Size',
    'item:InReplyTo',
    'message:References',
    'item:LastModifiedTime',
    'item:ParentFolderId',
  ],
};

const TITLE_URI = '<t:ExtendedFieldURI PropertyTag="14917" PropertyType="String"></t:ExtendedFieldURI>';
const ABRA_URI = `<t:ExtendedFieldURI PropertySetId="${ABRA_PROPERTY_SET_ID}" PropertyName="${ABRA_ID_PROPERTY_NAME}" PropertyType="String"></t:ExtendedFieldURI>`;

/** The ItemShape of a kind's GetItem (e-mail with or without the body), written once per shape. */
const SHAPES = new Map<string, string>();

function itemShape(kind: LeanReadKind, withBody: boolean): string {
  const mailBody = kind === 'mail' && withBody;
  const key = mailBody ? 'mail+body' : kind;
  let s = SHAPES.get(key);
  if (s === undefined) {
    const fields = mailBody ? [...FIELDS.mail, 'item:Body'] : FIELDS[kind];
    const uris = fields.map((f) => `<t:FieldURI FieldURI="${f}"></t:FieldURI>`).join('');
    const ext = kind === 'contacts' ? TITLE_URI + ABRA_URI : ABRA_URI;
    s = `<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:BodyType>Text</t:BodyType><t:AdditionalProperties>${uris}${ext}</t:AdditionalProperties></m:ItemShape>`;
    SHAPES.set(key, s);
  }
  return s;
}

/**
 * `<m:GetItem>` of these ids with the kind's property set (bodies as text; an e-mail's body only when `withBody`,
 * the other kinds' always).
 */
export function getItemRequest(kind: LeanReadKind, ids: readonly string[], withBody = true): string {
  if (!ids.length) throw new SyncError('validation', 'GetItem: no item ids');
  let out = `<m:GetItem>${itemShape(kind, withBody)}<m:ItemIds>`;
  for (const id of ids) out += `<t:ItemId Id="${xmlAttr(id)}"></t:ItemId>`;
  return `${out}</m:ItemIds></m:GetItem>`;
}

/**
 * `<m:SyncFolderItems>` of a folder, ids only: the sync state when continuing, the page size, and SyncScope
 * NormalItems — which Exchange 2007's schema does not have (the library leaves it out in that dialect too).
 */
export function syncFolderItemsRequest(
  folderId: string,
  syncState: string | undefined,
  pageSize: number,
  legacy2007: boolean,
): string {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_SYNC_PAGE)
    throw new SyncError('validation', `SyncFolderItems: page size ${pageSize} is not 1…${MAX_SYNC_PAGE}`);
  return (
    '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>' +
    `<m:SyncFolderId><t:FolderId Id="${xmlAttr(folderId)}"></t:FolderId></m:SyncFolderId>` +
    (syncState ? `<m:SyncState>${xmlText(syncState)}</m:SyncState>` : '') +
    `<m:MaxChangesReturned>${pageSize}</m:MaxChangesReturned>` +
    (legacy2007 ? '' : '<m:SyncScope>NormalItems</m:SyncScope>') +
    '</m:SyncFolderItems>'
  );
}

// ---------- answers ----------

/** The one response message of a single-folder operation; a second or none is malformed. */
function onlyMessage(response: XmlElement, operation: string): XmlElement {
  const msgs = child(response, 'ResponseMessages')?.children ?? [];
  if (msgs.length !== 1 || msgs[0]!.name !== `${operation}ResponseMessage`)
    throw new SyncError(
      'malformed',
      `${operation}: the Exchange answer has ${msgs.length} response messages, expected one`,
    );
  return msgs[0]!;
}

/** One entry per item of a SyncFolderItems page, in order: its last change wins. */
export interface Listed {
  id: string;
  deleted: boolean;
  /** The echo of the caller's own write (same id and ChangeKey): nothing to fetch, nothing to report. */
  known?: boolean;
}

export interface SyncPage {
  order: Listed[];
  syncState: string;
  /** True when the server has more changes (IncludesLastItemInRange false). */
  more: boolean;
}

function xsBool(v: string | undefined, what: string): boolean {
  const t = v?.trim();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new SyncError('malformed', `SyncFolderItems: ${what} is ${t === undefined ? 'missing' : `"${t}"`}`);
}

/**
 * A SyncFolderItems answer (`<m:SyncFolderItemsResponse>`) as the page's changes per item — read-flag changes
 * left out, the echoes of the caller's own writes marked `known` (`isKnown(id, changeKey)`) — its SyncState and
 * whether more follow. `error(msg)` turns a failed response message into the error to throw (the SOAP layer's
 * `messageError`, so throttling and an invalid sync state are classified as for every other call).
 */
export function readSyncFolderItems(
  response: XmlElement,
  isKnown: ((id: string, changeKey: string) => boolean) | undefined,
  error: (msg: XmlElement) => SyncError | null,
): SyncPage {
  const msg = onlyMessage(response, 'SyncFolderItems');
  const failed = error(msg);
  if (failed) throw failed;
  const state = child(msg, 'SyncState');
  const syncState = state?.text.trim() ?? '';
  if (!syncState) throw new SyncError('malformed', 'SyncFolderItems: the answer has no SyncState');
  const more = !xsBool(child(msg, 'IncludesLastItemInRange')?.text, 'IncludesLastItemInRange');
  const order: Listed[] = [];
  const seen = new Map<string, number>();
  for (const ch of child(msg, 'Changes')?.children ?? []) {
    let itemId: XmlElement | undefined;
    switch (ch.name) {
      case 'Create':
      case 'Update':
        itemId = ch.children.length === 1 ? child(ch.children[0], 'ItemId') : undefined;
        break;
      case 'Delete':
      case 'ReadFlagChange':
        itemId = child(ch, 'ItemId');
        break;
      default:
        throw new SyncError('malformed', `SyncFolderItems: unknown change <${ch.name}>`);
    }
    const id = itemId?.attrs.Id ?? '';
    if (!id) throw new SyncError('malformed', `SyncFolderItems: a ${ch.name} change without an ItemId`);
    if (ch.name === 'ReadFlagChange') continue;
    const deleted = ch.name === 'Delete';
    const changeKey = itemId?.attrs.ChangeKey ?? '';
    const at = seen.get(id);
    // the echo of the caller's own write (same id and ChangeKey): no need to fetch it
    if (!deleted && changeKey && isKnown?.(id, changeKey)) {
      if (at !== undefined) order[at] = { id, deleted: false, known: true };
      continue;
    }
    const entry: Listed = { id, deleted };
    if (at !== undefined) order[at] = entry;
    else {
      seen.set(id, order.length);
      order.push(entry);
    }
  }
  return { order, syncState, more };
}

/** Per-item answers that mean "this id is not (or no longer) an item here": left out, as the library path does. */
const GONE = new Set(['ErrorItemNotFound', 'ErrorInvalidIdMalformed', 'ErrorInvalidIdNotAnItemAttachmentId']);

/**
 * A GetItem answer (`<m:GetItemResponse>`) of the request for `ids`: requested id → the item as the sync's type,
 * or null for an item of another class (a distribution list in the contacts folder …; in an e-mail folder every
 * item is read as a message, as the library path did); ids that are gone are left out; any other per-item error
 * is thrown (`error(msg)`, the SOAP layer's `messageError`). `mail`: how an e-mail folder's request was written.
 */
export function readGetItem(
  kind: LeanReadKind,
  response: XmlElement,
  ids: readonly string[],
  error: (msg: XmlElement) => SyncError | null,
  into: Map<string, ExchangeItem | null> = new Map(),
  mail: MailShape = { withBody: true, legacy2007: false },
): Map<string, ExchangeItem | null> {
  const msgs = child(response, 'ResponseMessages')?.children ?? [];
  if (msgs.length !== ids.length)
    throw new SyncError(
      'malformed',
      `GetItem: the Exchange answer has ${msgs.length} response messages for ${ids.length} ids`,
    );
  const read: [string, ExchangeItem | null][] = [];
  msgs.forEach((msg, i) => {
    if (msg.name !== 'GetItemResponseMessage')
      throw new SyncError('malformed', `GetItem: unexpected <${msg.name}> in the answer`);
    const failed = error(msg);
    if (failed) {
      if (failed.code && GONE.has(failed.code)) return;
      throw failed;
    }
    const items = child(msg, 'Items')?.children ?? [];
    if (items.length !== 1)
      throw new SyncError('malformed', `GetItem: a success message with ${items.length} items, expected one`);
    read.push([ids[i]!, kind === 'mail' ? readMessage(items[0]!, mail) : readItem(kind, items[0]!)]);
  });
  // only a fully read answer reaches the caller's map
  for (const [id, item] of read) into.set(id, item);
  return into;
}
