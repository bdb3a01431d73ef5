import { randomUUID } from 'node:crypto';
/** GetItem, CreateItem, UpdateItem, DeleteItem, MoveItem — batches with one response message per item, in order. */
import { aliasOf } from '../mapi';
import { type MimeAddress, parseMime } from '../mime';
import { RecurrenceError } from '../recurrence';
import { fieldElement, indexedElement, mailboxNode, writeOccurrence, writeStoredItem } from '../serialize';
import { errorMessage, responseBody, success } from '../soap';
import {
  type Attachment,
  type EwsStore,
  extKey,
  extUri,
  type Folder,
  type Item,
  type Mailbox,
  parseDate,
  StoreError,
  setExt,
} from '../store';
import { child, children, childText, clone, el, tag, textEl, writeX, type XNode } from '../xml';
import {
  folderFrom,
  type OpContext,
  parseItem,
  parseShape,
  resolveItemId,
  resolveLocalTimes,
} from './common';

function perItem<T>(
  ctx: OpContext,
  op: string,
  list: T[],
  msg: string,
  after: string,
  id: (x: T) => string | undefined,
  fn: (x: T) => string,
): string[] {
  return list.map((x) => {
    try {
      const injected = ctx.itemFault(op, id(x));
      if (injected) throw new StoreError(injected, `Injected ${injected}.`);
      return fn(x);
    } catch (e) {
      if (e instanceof StoreError) return errorMessage(msg, e.code, e.message, after);
      if (e instanceof RecurrenceError)
        return errorMessage(msg, 'ErrorCalendarInvalidRecurrence', e.message, after);
      throw e;
    }
  });
}

const idAttr = (n: XNode) => n.attrs.Id ?? n.attrs.RecurringMasterId ?? n.attrs.OccurrenceId;

export function getItem(ctx: OpContext, req: XNode): string {
  const shape = parseShape(ctx, child(req, 'ItemShape'), false);
  const ids = children(child(req, 'ItemIds'));
  return responseBody(
    'GetItem',
    perItem(ctx, 'GetItem', ids, 'GetItemResponseMessage', '<m:Items/>', idAttr, (n) => {
      const ref = resolveItemId(ctx, n);
      let xml: string;
      if (ref.occurrence !== undefined) {
        const o = ctx.store.occurrenceAt(ref.item, ref.occurrence);
        xml = writeOccurrence(ctx.store, ref.item, o, shape);
      } else xml = writeStoredItem(ctx.store, ref.item, shape);
      return success('GetItemResponseMessage', `<m:Items>${xml}</m:Items>`);
    }),
  );
}

function defaultFolder(
  store: EwsStore,
  mb: Mailbox,
  element: string,
  disposition: string | undefined,
): Folder {
  const key =
    element === 'Contact' || element === 'DistributionList'
      ? 'contacts'
      : element === 'CalendarItem'
        ? 'calendar'
        : element === 'Task'
          ? 'tasks'
          : disposition === 'SendAndSaveCopy'
            ? 'sentitems'
            : 'drafts';
  return store.distinguished(mb, key);
}

function addr(a: MimeAddress): XNode {
  return el('Mailbox', {}, [
    ...(a.name ? [textEl('Name', a.name)] : []),
    textEl('EmailAddress', a.address),
    textEl('RoutingType', 'SMTP'),
    textEl('MailboxType', 'OneOff'),
  ]);
}

/** Message properties from MIME (what Exchange derives on import). */
export function mimeProps(
  mime: Buffer,
  props: Map<string, XNode>,
  attachments: Attachment[],
  newId: () => string,
): void {
  const m = parseMime(mime);
  if (!props.has('Subject')) props.set('Subject', textEl('Subject', m.subject));
  if (!props.has('Body') && (m.textBody !== undefined || m.htmlBody !== undefined))
    props.set(
      'Body',
      m.htmlBody !== undefined && m.textBody === undefined
        ? textEl('Body', m.htmlBody, { BodyType: 'HTML' })
        : textEl('Body', m.textBody ?? '', { BodyType: 'Text' }),
    );
  if (m.from && !props.has('From')) props.set('From', el('From', {}, [addr(m.from)]));
  const sender = m.sender ?? m.from;
  if (sender && !props.has('Sender')) props.set('Sender', el('Sender', {}, [addr(sender)]));
  if (m.to.length && !props.has('ToRecipients'))
    props.set('ToRecipients', el('ToRecipients', {}, m.to.map(addr)));
  if (m.cc.length && !props.has('CcRecipients'))
    props.set('CcRecipients', el('CcRecipients', {}, m.cc.map(addr)));
  if (m.bcc.length && !props.has('BccRecipients'))
    props.set('BccRecipients', el('BccRecipients', {}, m.bcc.map(addr)));
  const display = (l: MimeAddress[]) => l.map((a) => a.name ?? a.address).join('; ');
  props.set('DisplayTo', textEl('DisplayTo', display(m.to)));
  props.set('DisplayCc', textEl('DisplayCc', display(m.cc)));
  if (m.messageId && !props.has('InternetMessageId'))
    props.set('InternetMessageId', textEl('InternetMessageId', m.messageId));
  if (m.inReplyTo && !props.has('InReplyTo')) props.set('InReplyTo', textEl('InReplyTo', m.inReplyTo));
  if (m.references && !props.has('References')) props.set('References', textEl('References', m.references));
  if (m.date && !props.has('DateTimeSent'))
    props.set('DateTimeSent', textEl('DateTimeSent', `${m.date.toISOString().slice(0, 19)}Z`));
  for (const a of m.attachments) attachments.push({ id: newId(), ...a });
}

let attCounter = 0;
export function attachmentIdFactory(store: EwsStore): () => string {
  return () =>
    Buffer.from(`AAMkADatt${store.seedValue}.${++attCounter}.${Date.now() % 100000}`).toString('base64');
}

export function createItem(ctx: OpContext, req: XNode): string {
  const disposition = req.attrs.MessageDisposition;
  const invitations = req.attrs.SendMeetingInvitations;
  const items = children(child(req, 'Items'));
  const saved = child(req, 'SavedItemFolderId');
  const newId = attachmentIdFactory(ctx.store);
  return responseBody(
    'CreateItem',
    perItem(
      ctx,
      'CreateItem',
      items,
      'CreateItemResponseMessage',
      '<m:Items/>',
      () => undefined,
      (n) => {
        if (n.name === 'CalendarItem' && !invitations)
          throw new StoreError(
            'ErrorSendMeetingInvitationsRequired',
            'SendMeetingInvitations attribute is required for calendar items.',
          );
        if (n.name === 'Message' && !disposition)
          throw new StoreError(
            'ErrorMessageDispositionRequired',
            'MessageDisposition attribute is required.',
          );
        const p = parseItem(n, newId);
        const folder = saved
          ? folderFrom(ctx, saved)
          : defaultFolder(ctx.store, ctx.mailbox, p.element, disposition);
        if (p.element === 'Message' && p.mime) mimeProps(p.mime, p.props, p.attachments, newId);
        if (p.element === 'Message' && disposition !== 'SaveOnly') {
          p.props.set('IsRead', textEl('IsRead', 'true'));
          if (!p.props.has('From'))
            p.props.set('From', el('From', {}, [mailboxNode(ctx.mailbox.displayName, ctx.mailbox.email)]));
        }
        if (p.element === 'Message' && disposition === 'SaveOnly' && !p.mime)
          p.props.set('IsDraft', textEl('IsDraft', 'true'));
        if (p.element === 'Message' && !p.props.has('InternetMessageId')) {
          const domain = ctx.mailbox.email.split('@')[1] ?? 'example.cz';
          const local = randomUUID().replace(/-/g, '').slice(0, 24);
          p.props.set('InternetMessageId', textEl('InternetMessageId', `<${local}@${domain}>`));
        }
        if (p.element === 'CalendarItem') {
          resolveLocalTimes(p.props, ctx);
          validateCalendar(p.props);
        }
        if (p.element === 'Message' && disposition === 'SendOnly')
          return success('CreateItemResponseMessage', '<m:Items/>');
        const it = ctx.store.createItem(folder, p.element, p.props, p.ext, {
          mime: p.mime,
          attachments: p.attachments,
        });
        if (it.props.has('Recurrence')) ctx.store.occurrences(it, new Date(Date.UTC(2100, 0, 1)));
        return success(
          'CreateItemResponseMessage',
          `<m:Items>${tag(`t:${it.element}`, {}, tag('t:ItemId', { Id: it.id, ChangeKey: it.changeKey }))}</m:Items>`,
        );
      },
    ),
  );
}

function validateCalendar(props: Map<string, XNode>): void {
  const s = parseDate(props.get('Start')?.text);
  const e = parseDate(props.get('End')?.text);
  if (s && e && e.getTime() < s.getTime())
    throw new StoreError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate');
}

/** Applies one SetItemField / AppendToItemField / DeleteItemField to a property map (+ ext list). */
function applyUpdate(
  u: XNode,
  props: Map<string, XNode>,
  target: { ext: ReturnType<typeof parseItem>['ext']; element: string },
): { readOnly: boolean } {
  const path = u.children[0];
  const itemEl = u.children[1];
  if (!path) throw new StoreError('ErrorInvalidRequest', 'Update without a property path.');
  const readOnly = path.name === 'FieldURI' && path.attrs.FieldURI === 'message:IsRead';
  if (path.name === 'FieldURI') {
    const name = fieldElement(path.attrs.FieldURI ?? '');
    if (u.name === 'DeleteItemField') {
      props.delete(name);
      return { readOnly };
    }
    const v = child(itemEl, name);
    if (!v) throw new StoreError('ErrorInvalidRequest', `The item in the update has no ${name} element.`);
    const cur = props.get(name);
    if (u.name === 'AppendToItemField' && cur) {
      if (name === 'Body') props.set(name, { ...clone(cur), text: cur.text + v.text });
      else
        props.set(name, { ...clone(cur), children: [...cur.children.map(clone), ...v.children.map(clone)] });
    } else props.set(name, clone(v));
    return { readOnly };
  }
  if (path.name === 'IndexedFieldURI') {
    const uri = path.attrs.FieldURI ?? '';
    const dict = indexedElement(uri);
    const key = path.attrs.FieldIndex ?? '';
    if (!dict) throw new StoreError('ErrorInvalidPropertyRequest', `Unknown indexed property ${uri}.`);
    const cur = props.get(dict) ?? el(dict);
    const entries = cur.children.map(clone);
    const i = entries.findIndex((e) => e.attrs.Key === key);
    const sub = uri.startsWith('contacts:PhysicalAddress:') ? uri.split(':')[2] : undefined;
    if (u.name === 'DeleteItemField') {
      if (i >= 0) {
        if (sub) {
          const e = entries[i] as XNode;
          e.children = e.children.filter((c) => c.name !== sub);
          if (!e.children.length) entries.splice(i, 1);
        } else entries.splice(i, 1);
      }
    } else {
      const newEntry = children(child(itemEl, dict), 'Entry').find((e) => e.attrs.Key === key);
      if (!newEntry)
        throw new StoreError('ErrorInvalidRequest', `The item in the update has no ${dict} entry ${key}.`);
      if (sub && i >= 0) {
        const e = entries[i] as XNode;
        const val = child(newEntry, sub);
        const others = e.children.filter((c) => c.name !== sub);
        if (val) others.push(clone(val));
        const order = ['Street', 'City', 'State', 'CountryOrRegion', 'PostalCode'];
        e.children = others.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
      } else if (i >= 0) entries[i] = clone(newEntry);
      else entries.push(clone(newEntry));
    }
    if (entries.length) props.set(dict, { ...cur, children: entries });
    else props.delete(dict);
    return { readOnly: false };
  }
  if (path.name === 'ExtendedFieldURI') {
    const key = extKey(path.attrs);
    const alias = aliasOf(path.attrs, target.element);
    if (alias) {
      if (u.name === 'DeleteItemField') alias.set(props, undefined);
      else {
        const ep = children(itemEl, 'ExtendedProperty').find(
          (e) => extKey(child(e, 'ExtendedFieldURI')?.attrs ?? {}) === key,
        );
        if (!ep)
          throw new StoreError(
            'ErrorInvalidExtendedProperty',
            'The extended property in the update does not match its path.',
          );
        alias.set(props, childText(ep, 'Value') ?? '');
      }
      return { readOnly: false };
    }
    if (u.name === 'DeleteItemField') {
      target.ext = target.ext.filter((e) => e.key !== key);
      return { readOnly: false };
    }
    const ep = children(itemEl, 'ExtendedProperty').find(
      (e) => extKey(child(e, 'ExtendedFieldURI')?.attrs ?? {}) === key,
    );
    if (!ep)
      throw new StoreError(
        'ErrorInvalidExtendedProperty',
        'The extended property in the update does not match its path.',
      );
    const vals = child(ep, 'Values');
    setExt(target, {
      key,
      uri: extUri(path.attrs),
      ...(vals
        ? { values: children(vals, 'Value').map((v) => v.text) }
        : { value: childText(ep, 'Value') ?? '' }),
    });
    return { readOnly: false };
  }
  throw new StoreError('ErrorInvalidRequest', `Unsupported property path ${path.name}.`);
}

export function updateItem(ctx: OpContext, req: XNode): string {
  const resolution = req.attrs.ConflictResolution ?? 'AutoResolve';
  const calendarMode = req.attrs.SendMeetingInvitationsOrCancellations;
  const changes = children(child(req, 'ItemChanges'), 'ItemChange');
  return responseBody(
    'UpdateItem',
    perItem(
      ctx,
      'UpdateItem',
      changes,
      'UpdateItemResponseMessage',
      '<m:Items/>',
      (c) => (c.children[0] ? idAttr(c.children[0]) : undefined),
      (c) => {
        const idNode = c.children[0];
        if (!idNode) throw new StoreError('ErrorInvalidIdEmpty', 'Item id is empty.');
        const ref = resolveItemId(ctx, idNode);
        const it = ref.item;
        if (it.element === 'CalendarItem' && !calendarMode)
          throw new StoreError(
            'ErrorSendMeetingInvitationsOrCancellationsRequired',
            'SendMeetingInvitationsOrCancellations attribute is required for calendar items.',
          );
        if (!ref.changeKey)
          throw new StoreError(
            'ErrorChangeKeyRequiredForWriteOperations',
            'A ChangeKey is required for write operations.',
          );
        const currentKey =
          ref.occurrence !== undefined
            ? (it.exceptions.get(ref.occurrence)?.changeKey ?? it.changeKey)
            : it.changeKey;
        const stale = ref.changeKey !== currentKey && ref.changeKey !== it.changeKey;
        if (stale && resolution === 'NeverOverwrite')
          throw new StoreError(
            'ErrorIrresolvableConflict',
            'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
          );
        const updates = children(child(c, 'Updates'));
        if (ref.occurrence !== undefined) {
          const base = new Map<string, XNode>(it.exceptions.get(ref.occurrence)?.props ?? []);
          const o = ctx.store.occurrenceAt(it, ref.occurrence);
          if (!base.has('Start')) base.set('Start', textEl('Start', o.start.toISOString()));
          if (!base.has('End')) base.set('End', textEl('End', o.end.toISOString()));
          const holder = { ext: it.ext, element: it.element };
          for (const u of updates) applyUpdate(u, base, holder);
          // zone-less times of an occurrence are wall-clock times in the series' zone
          const withZone = new Map(base);
          const masterZone = it.props.get('StartTimeZone');
          if (!withZone.has('StartTimeZone') && masterZone) withZone.set('StartTimeZone', masterZone);
          resolveLocalTimes(withZone, ctx);
          for (const k of ['Start', 'End']) {
            const v = withZone.get(k);
            if (v) base.set(k, v);
          }
          validateCalendar(base);
          const ex = ctx.store.modifyOccurrence(it, ref.occurrence, base);
          return success(
            'UpdateItemResponseMessage',
            `<m:Items>${tag('t:CalendarItem', {}, tag('t:ItemId', { Id: ex.id, ChangeKey: ex.changeKey }))}</m:Items><m:ConflictResults><t:Count>${stale ? 1 : 0}</t:Count></m:ConflictResults>`,
          );
        }
        const props = new Map(it.props);
        const holder = { ext: [...it.ext], element: it.element };
        let readOnly = true;
        for (const u of updates) if (!applyUpdate(u, props, holder).readOnly) readOnly = false;
        if (it.element === 'CalendarItem') {
          resolveLocalTimes(props, ctx);
          validateCalendar(props);
        }
        const before = { props: it.props, ext: it.ext };
        it.props = props;
        it.ext = holder.ext;
        try {
          ctx.store.normalize(it);
          if (it.props.has('Recurrence')) ctx.store.occurrences(it, new Date(Date.UTC(2100, 0, 1)));
          // a new recurrence pattern drops the series' exceptions and deleted occurrences, as in Outlook
          const rec = (m: Map<string, XNode>) => {
            const r = m.get('Recurrence');
            return r ? writeX(r) : '';
          };
          if (rec(before.props) !== rec(it.props)) {
            it.exceptions.clear();
            it.deletedOccurrences.clear();
          }
        } catch (e) {
          it.props = before.props;
          it.ext = before.ext;
          throw e;
        }
        ctx.store.touch(it, readOnly && updates.length > 0);
        const saved = child(req, 'SavedItemFolderId');
        if (saved) {
          const target = folderFrom(ctx, saved);
          if (target.id !== it.folderId) ctx.store.moveItem(it, target);
        }
        return success(
          'UpdateItemResponseMessage',
          `<m:Items>${tag(`t:${it.element}`, {}, tag('t:ItemId', { Id: it.id, ChangeKey: it.changeKey }))}</m:Items><m:ConflictResults><t:Count>${stale ? 1 : 0}</t:Count></m:ConflictResults>`,
        );
      },
    ),
  );
}

export function deleteItem(ctx: OpContext, req: XNode): string {
  const type = req.attrs.DeleteType ?? 'HardDelete';
  const cancellations = req.attrs.SendMeetingCancellations;
  const taskOcc = req.attrs.AffectedTaskOccurrences;
  const ids = children(child(req, 'ItemIds'));
  return responseBody(
    'DeleteItem',
    perItem(ctx, 'DeleteItem', ids, 'DeleteItemResponseMessage', '', idAttr, (n) => {
      const ref = resolveItemId(ctx, n);
      const it = ref.item;
      if (it.element === 'CalendarItem' && !cancellations)
        throw new StoreError(
          'ErrorSendMeetingCancellationsRequired',
          'SendMeetingCancellations attribute is required for calendar items.',
        );
      if (it.element === 'Task' && !taskOcc)
        throw new StoreError(
          'ErrorAffectedTaskOccurrencesRequired',
          'AffectedTaskOccurrences attribute is required for task items.',
        );
      if (ref.occurrence !== undefined) {
        ctx.store.deleteOccurrence(it, ref.occurrence);
        return success('DeleteItemResponseMessage');
      }
      removeWithDisposal(ctx.store, it, type);
      return success('DeleteItemResponseMessage');
    }),
  );
}

export function removeWithDisposal(store: EwsStore, it: Item, type: string): void {
  const folder = store.folder(it.folderId);
  if (type === 'MoveToDeletedItems' && folder.distinguished !== 'deleteditems')
    store.moveItem(it, store.distinguished(it.mailbox, 'deleteditems'));
  else if (type === 'SoftDelete')
    store.moveItem(it, store.distinguished(it.mailbox, 'recoverableitemsdeletions'));
  else store.removeItem(it);
}

export function moveItem(ctx: OpContext, req: XNode): string {
  const target = folderFrom(ctx, child(req, 'ToFolderId'));
  const ids = children(child(req, 'ItemIds'));
  return responseBody(
    'MoveItem',
    perItem(ctx, 'MoveItem', ids, 'MoveItemResponseMessage', '<m:Items/>', idAttr, (n) => {
      const ref = resolveItemId(ctx, n);
      if (ref.occurrence !== undefined)
        throw new StoreError('ErrorCalendarCannotMoveOrCopyOccurrence', 'Cannot move or copy an occurrence.');
      ctx.store.moveItem(ref.item, target);
      return success(
        'MoveItemResponseMessage',
        `<m:Items>${tag(`t:${ref.item.element}`, {}, tag('t:ItemId', { Id: ref.item.id, ChangeKey: ref.item.changeKey }))}</m:Items>`,
      );
    }),
  );
}
