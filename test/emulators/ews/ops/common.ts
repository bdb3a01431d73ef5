/** Shared pieces of the operations: context, folder/item id resolution, response shapes, item parsing. */
import { aliasOf } from '../mapi';
import { fromWall, ianaFor } from '../recurrence';
import type { Shape } from '../serialize';
import { fieldElement, indexedElement } from '../serialize';
import {
  type Attachment,
  type EwsStore,
  type ExtProp,
  extKey,
  extUri,
  type Folder,
  type Item,
  type ItemElement,
  type Mailbox,
  StoreError,
} from '../store';
import { child, children, childText, clone, type XNode } from '../xml';

export interface OpContext {
  store: EwsStore;
  /** The authenticated mailbox. */
  mailbox: Mailbox;
  /** RequestServerVersion (default Exchange2007_SP1 like real EWS when the header is absent). */
  version: string;
  /** Per-item fault injection: returns an error code to answer for this item, if any. */
  itemFault(operation: string, id: string | undefined, item?: XNode): string | undefined;
  /** Windows time zone id of the TimeZoneContext SOAP header, if any. */
  timeZoneContext?: string;
}

/**
 * Calendar dateTimes written without a zone are wall-clock times: in StartTimeZone/EndTimeZone (Exchange 2010+),
 * else in the TimeZoneContext header's zone, else UTC (time-zones-and-ews-in-exchange.md). Turns them into UTC.
 */
export function resolveLocalTimes(props: Map<string, XNode>, ctx: OpContext): void {
  const zoneOf = (k: string) =>
    props.get(k === 'End' ? 'EndTimeZone' : 'StartTimeZone')?.attrs.Id ??
    props.get('StartTimeZone')?.attrs.Id ??
    props.get('MeetingTimeZone')?.attrs.TimeZoneName ??
    ctx.timeZoneContext;
  for (const k of ['Start', 'End']) {
    const v = props.get(k);
    const m = v && /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?$/.exec(v.text.trim());
    const tz = zoneOf(k);
    if (!v || !m || !tz) continue;
    const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => Number(x ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    props.set(k, { ...v, text: fromWall(y, mo, d, h, mi, sec, ianaFor(tz)).toISOString() });
  }
}

/** A whole-request failure that becomes a SOAP fault (HTTP 500). */
export class OpFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const ITEM_ELEMENTS = new Set<string>([
  'Message',
  'CalendarItem',
  'Contact',
  'Task',
  'Item',
  'PostItem',
  'DistributionList',
]);

export function resolveFolder(ctx: OpContext, idNode: XNode): Folder {
  if (idNode.name === 'DistinguishedFolderId') {
    const email = childText(child(idNode, 'Mailbox'), 'EmailAddress');
    const mb = email ? ctx.store.mailbox(email) : ctx.mailbox;
    return ctx.store.distinguished(mb, idNode.attrs.Id ?? '');
  }
  if (idNode.name === 'FolderId') {
    const id = idNode.attrs.Id ?? '';
    if (!ctx.store.isIdShaped(id)) {
      try {
        return ctx.store.folder(id);
      } catch {
        throw new StoreError('ErrorInvalidIdMalformed', 'Id is malformed.');
      }
    }
    return ctx.store.folder(id);
  }
  throw new StoreError('ErrorInvalidRequest', `Unsupported folder id ${idNode.name}.`);
}

/** First folder id inside a container like ParentFolderId / SavedItemFolderId / SyncFolderId. */
export function folderFrom(ctx: OpContext, container: XNode | undefined, fallback?: Folder): Folder {
  const id = container?.children[0];
  if (!id) {
    if (fallback) return fallback;
    throw new StoreError('ErrorInvalidRequest', 'A folder id is required.');
  }
  return resolveFolder(ctx, id);
}

export interface ItemRef {
  item: Item;
  /** Set when the id names an occurrence/exception of a series. */
  occurrence?: number;
  changeKey?: string;
  id: string;
}

export function resolveItemId(ctx: OpContext, n: XNode): ItemRef {
  const s = ctx.store;
  if (n.name === 'ItemId') {
    const id = n.attrs.Id ?? '';
    const occ = s.resolveOccurrence(id);
    if (occ) return { item: occ.master, occurrence: occ.index, changeKey: n.attrs.ChangeKey, id };
    if (!s.tryItem(id) && !s.isIdShaped(id))
      throw new StoreError('ErrorInvalidIdMalformed', 'Id is malformed.');
    return { item: s.item(id), changeKey: n.attrs.ChangeKey, id };
  }
  if (n.name === 'OccurrenceItemId') {
    const master = s.item(n.attrs.RecurringMasterId ?? '');
    const index = Number(n.attrs.InstanceIndex);
    s.occurrenceAt(master, index);
    return {
      item: master,
      occurrence: index,
      changeKey: n.attrs.ChangeKey,
      id: s.occurrenceId(master, index),
    };
  }
  if (n.name === 'RecurringMasterItemId') {
    const occ = s.resolveOccurrence(n.attrs.OccurrenceId ?? '');
    if (!occ) {
      const plain = s.tryItem(n.attrs.OccurrenceId ?? '');
      if (plain?.props.has('Recurrence')) return { item: plain, id: plain.id, changeKey: n.attrs.ChangeKey };
      throw new StoreError('ErrorItemNotFound', 'The specified object was not found in the store.');
    }
    return { item: occ.master, id: occ.master.id, changeKey: n.attrs.ChangeKey };
  }
  throw new StoreError('ErrorInvalidIdMalformed', `Unsupported item id ${n.name}.`);
}

export function parseShape(ctx: OpContext, shapeNode: XNode | undefined, summary: boolean): Shape {
  const base = (childText(shapeNode, 'BaseShape') ?? 'Default') as Shape['base'];
  const shape: Shape = {
    base,
    mime: childText(shapeNode, 'IncludeMimeContent') === 'true',
    fields: new Set(),
    indexed: new Map(),
    ext: [],
    summary,
    version: ctx.version,
    bodyType: (childText(shapeNode, 'BodyType') as Shape['bodyType']) ?? 'Best',
  };
  for (const p of children(child(shapeNode, 'AdditionalProperties'))) addPath(shape, p);
  return shape;
}

export function addPath(shape: Shape, p: XNode): void {
  if (p.name === 'FieldURI') {
    const name = fieldElement(p.attrs.FieldURI ?? '');
    if (name === 'MimeContent') shape.mime = true;
    else shape.fields.add(name);
  } else if (p.name === 'IndexedFieldURI') {
    const name = indexedElement(p.attrs.FieldURI ?? '');
    if (!name) return;
    let keys = shape.indexed.get(name);
    if (!keys) {
      keys = new Set();
      shape.indexed.set(name, keys);
    }
    keys.add(p.attrs.FieldIndex ?? '');
  } else if (p.name === 'ExtendedFieldURI') shape.ext.push(extUri(p.attrs));
}

/** Non-summary properties asked of FindItem / SyncFolderItems → ErrorInvalidPropertyRequest like EWS. */
export function checkSummary(shape: Shape, nonSummary: Set<string>): void {
  for (const f of shape.fields)
    if (nonSummary.has(f))
      throw new StoreError('ErrorInvalidPropertyRequest', `The property ${f} can't be used in this request.`);
  if (shape.mime)
    throw new StoreError('ErrorInvalidPropertyRequest', "MimeContent can't be used in this request.");
}

export interface ParsedItem {
  element: ItemElement;
  props: Map<string, XNode>;
  ext: ExtProp[];
  mime?: Buffer;
  attachments: Attachment[];
}

const COMPUTED = new Set([
  'ItemId',
  'ParentFolderId',
  'DateTimeCreated',
  'LastModifiedTime',
  'Size',
  'HasAttachments',
  'CompleteName',
  'CalendarItemType',
  'IsRecurring',
  'IsComplete',
]);

export function parseItem(n: XNode, newId: () => string): ParsedItem {
  if (!ITEM_ELEMENTS.has(n.name))
    throw new StoreError('ErrorInvalidRequest', `Items of type ${n.name} are not supported.`);
  const out: ParsedItem = { element: n.name as ItemElement, props: new Map(), ext: [], attachments: [] };
  for (const c of n.children) {
    if (c.name === 'ExtendedProperty') {
      const uri = child(c, 'ExtendedFieldURI');
      if (!uri) continue;
      const vals = child(c, 'Values');
      const alias = aliasOf(uri.attrs, n.name);
      if (alias) {
        alias.set(out.props, childText(c, 'Value') ?? '');
        continue;
      }
      const e: ExtProp = { key: extKey(uri.attrs), uri: extUri(uri.attrs) };
      if (vals) e.values = children(vals, 'Value').map((v) => v.text);
      else e.value = childText(c, 'Value') ?? '';
      out.ext.push(e);
    } else if (c.name === 'MimeContent') {
      out.mime = Buffer.from(c.text.replace(/\s+/g, ''), 'base64');
    } else if (c.name === 'Attachments') {
      for (const a of children(c, 'FileAttachment'))
        out.attachments.push({
          id: newId(),
          name: childText(a, 'Name') ?? 'attachment',
          contentType: childText(a, 'ContentType') ?? 'application/octet-stream',
          content: Buffer.from((childText(a, 'Content') ?? '').replace(/\s+/g, ''), 'base64'),
          isInline: childText(a, 'IsInline') === 'true',
        });
    } else if (!COMPUTED.has(c.name)) out.props.set(c.name, clone(c));
  }
  return out;
}

/** Text value of a field for restrictions and sorting. */
export function fieldValue(
  props: Map<string, XNode>,
  ext: ExtProp[],
  path: XNode,
  element?: string,
): string | undefined {
  if (path.name === 'FieldURI') {
    const name = fieldElement(path.attrs.FieldURI ?? '');
    const v = props.get(name);
    if (!v) return undefined;
    if (name === 'ItemId') return v.attrs.Id;
    if (name === 'From' || name === 'Sender' || name === 'Organizer')
      return childText(child(v, 'Mailbox'), 'EmailAddress');
    if (name === 'Categories')
      return children(v, 'String')
        .map((s) => s.text)
        .join(',');
    return v.text;
  }
  if (path.name === 'IndexedFieldURI') {
    const uri = path.attrs.FieldURI ?? '';
    const name = indexedElement(uri);
    const entry = children(props.get(name ?? ''), 'Entry').find((e) => e.attrs.Key === path.attrs.FieldIndex);
    if (!entry) return undefined;
    if (uri.startsWith('contacts:PhysicalAddress:')) return childText(entry, uri.split(':')[2] ?? '');
    return entry.text;
  }
  if (path.name === 'ExtendedFieldURI') {
    const alias = element ? aliasOf(path.attrs, element) : undefined;
    if (alias) return alias.get(props);
    const e = ext.find((x) => x.key === extKey(path.attrs));
    return e ? (e.value ?? e.values?.join(',')) : undefined;
  }
  return undefined;
}
