/**
 * What each folder kind is in Graph: the area (contacts, calendar, tasks, mail), the paths of its items, the query
 * of a read, and the map in both directions (./map.ts). Shared by ./folders.ts, ./changes.ts, ./reads.ts, ./writes.ts.
 */
import { SyncError } from '../../shared/errors';
import type {
  AppointmentData,
  ChangeOptions,
  ContactData,
  ExchangeItem,
  FolderKind,
  FolderRef,
  ItemData,
  TaskData,
} from '../types';
import type { BatchResponse } from './http';
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
  SENSITIVITY_PROP,
  SIZE_PROP,
  taskFromGraph,
  taskToGraph,
} from './map';

export const EXPAND: Record<string, string> = {
  contacts: expandOf(ABRA_ID_PROP, FAX_PROP),
  calendar: expandOf(ABRA_ID_PROP),
  tasks: expandOf(ABRA_ID_PROP),
  mail: expandOf(ABRA_ID_PROP, ITEM_CLASS_PROP, SIZE_PROP, SENSITIVITY_PROP),
};

type Area = 'contacts' | 'calendar' | 'tasks' | 'mail';
export const areaOf = (k: FolderKind): Area =>
  k === 'contacts' ? 'contacts' : k === 'calendar' ? 'calendar' : k === 'tasks' ? 'tasks' : 'mail';

/**
 * Every id goes into a URL as exactly one percent-encoded path segment (Exchange ids carry '/', '+' and '='); every
 * text value inside `$filter` is an OData literal (`odataString`) and the whole option value is percent-encoded
 * once. Links Graph returns (nextLink, deltaLink) are followed as they are, never re-encoded.
 */
export const enc = encodeURIComponent;

/**
 * The item is not there: 404, or an id Exchange cannot even decode (400 `ErrorInvalidIdMalformed`, e.g. a stored id
 * corrupted on disk) — no item can have that id, so it counts as gone, as a 404 does.
 */
export const gone = (r: BatchResponse) => r.status === 404 || r.error?.kind === 'notFound';

/** A delta entry the caller already holds at this changeKey (the echo of its own write). */
export function echo(v: Json, isKnown: ChangeOptions['isKnown']): boolean {
  return (
    !!isKnown && typeof v.changeKey === 'string' && v.changeKey !== '' && isKnown(String(v.id), v.changeKey)
  );
}

export function itemPath(folder: FolderRef, id: string): string {
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

export function collectionPath(folder: FolderRef): string {
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

export function readQuery(folder: FolderRef, withBody = false): string {
  const area = areaOf(folder.kind);
  const q = [`$expand=${enc(EXPAND[area]!)}`];
  if (area === 'mail') q.push(`$select=${[...MESSAGE_SELECT, ...(withBody ? ['body'] : [])].join(',')}`);
  return q.join('&');
}

/** A Graph item of the folder as the ExchangeItem of its kind. */
export function mapItem(folder: FolderRef, tz: string, item: Json, withBody = false): ExchangeItem {
  switch (areaOf(folder.kind)) {
    case 'contacts':
      return contactFromGraph(item, folder.id);
    case 'calendar':
      return eventFromGraph(item, tz);
    case 'tasks':
      return taskFromGraph(item, tz, folder.id);
    default:
      return messageFromGraph(item, withBody, folder.id);
  }
}

/** ItemData of the folder's kind as the Graph body of a create or update. */
export function toGraph(folder: FolderRef, tz: string, data: ItemData, abraId?: string): Json {
  switch (areaOf(folder.kind)) {
    case 'contacts':
      return contactToGraph(data as ContactData, abraId);
    case 'calendar': {
      const d = data as AppointmentData;
      if (!d.start || !d.end || Number.isNaN(Date.parse(d.start)) || Number.isNaN(Date.parse(d.end)))
        throw new SyncError('validation', 'an appointment needs a valid start and end');
      return appointmentToGraph(d, tz, abraId);
    }
    case 'tasks':
      return taskToGraph(data as TaskData, tz, abraId);
    default:
      throw new SyncError('config', 'the sync never writes mail messages');
  }
}
