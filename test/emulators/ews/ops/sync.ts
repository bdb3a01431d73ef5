/**
 * SyncFolderItems: the SyncState is an opaque, signed snapshot of what the client has seen (item → content version
 * + read flag), so any earlier state can be resumed from; changes are computed as the difference to the folder
 * now, the oldest `MaxChangesReturned` per call (written newest first, like Exchange 2010 SP2+).
 */
import { writeStoredItem } from '../serialize';
import { errorMessage, responseBody, success } from '../soap';
import { type Item, isRead, StoreError } from '../store';
import { child, children, childText, tag, type XNode } from '../xml';
import { folderFrom, type OpContext, parseShape } from './common';

type Change =
  | { kind: 'Create' | 'Update' | 'ReadFlagChange'; seq: number; item: Item }
  | { kind: 'Delete'; seq: number; num: number; id: string };

export function syncFolderItems(ctx: OpContext, req: XNode): string {
  const msg = 'SyncFolderItemsResponseMessage';
  try {
    // Exchange accepts Body, Attachments, MimeContent and other non-summary properties in SyncFolderItems' shape
    // and leaves them out of the answer (it does not refuse them as FindItem does): "SyncFolderItems ... does not
    // return ... the Body or Attachments", https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/how-to-synchronize-items-by-using-ews-in-exchange
    const shape = parseShape(ctx, child(req, 'ItemShape'), true);
    shape.mime = false;
    let folder: ReturnType<typeof folderFrom>;
    try {
      folder = folderFrom(ctx, child(req, 'SyncFolderId'));
    } catch (e) {
      if (e instanceof StoreError && e.code === 'ErrorFolderNotFound')
        throw new StoreError('ErrorSyncFolderNotFound', 'The folder to synchronize could not be found.');
      throw e;
    }
    const max = Number(childText(req, 'MaxChangesReturned') ?? '0');
    if (!Number.isInteger(max) || max < 1 || max > 512)
      throw new StoreError('ErrorInvalidRequest', 'MaxChangesReturned must be between 1 and 512.');
    const key = `I:${folder.id}`;
    const stateText = childText(req, 'SyncState')?.trim();
    const inv = ctx.store.invalidSyncStates;
    if (stateText && (inv.has(folder.id) || inv.has('*'))) {
      inv.delete(folder.id);
      inv.delete('*');
      throw new StoreError(
        'ErrorInvalidSyncStateData',
        'Synchronization state data is corrupt or otherwise invalid.',
      );
    }
    const known = stateText ? ctx.store.decodeState(key, stateText) : new Map<number, [number, number]>();
    const ignore = new Set(children(child(req, 'Ignore')).map((n) => n.attrs.Id ?? ''));
    const changes: Change[] = [];
    const present = new Set<number>();
    for (const it of ctx.store.folderItems(folder)) {
      present.add(it.num);
      const k = known.get(it.num);
      const r = isRead(it) ? 1 : 0;
      if (!k) changes.push({ kind: 'Create', seq: it.seq, item: it });
      else if (k[0] !== it.version) changes.push({ kind: 'Update', seq: it.seq, item: it });
      else if (k[1] !== r) changes.push({ kind: 'ReadFlagChange', seq: it.seq, item: it });
    }
    const tomb = folder.mailbox.tombstones.get(folder.id);
    for (const [num] of known)
      if (!present.has(num))
        changes.push({
          kind: 'Delete',
          seq: tomb?.get(num) ?? 0,
          num,
          id: ctx.store.itemIdFor(folder.mailbox, num),
        });
    changes.sort((a, b) => a.seq - b.seq);
    const page = changes.slice(0, max);
    const next = new Map(known);
    let xml = '';
    for (const c of page) {
      if (c.kind === 'Delete') {
        next.delete(c.num);
        xml = tag('t:Delete', {}, tag('t:ItemId', { Id: c.id })) + xml;
        continue;
      }
      next.set(c.item.num, [c.item.version, isRead(c.item) ? 1 : 0]);
      if (ignore.has(c.item.id)) continue;
      if (c.kind === 'ReadFlagChange')
        xml =
          tag(
            't:ReadFlagChange',
            {},
            tag('t:ItemId', { Id: c.item.id, ChangeKey: c.item.changeKey }) +
              tag('t:IsRead', {}, String(isRead(c.item))),
          ) + xml;
      else xml = tag(`t:${c.kind}`, {}, writeStoredItem(ctx.store, c.item, shape)) + xml;
    }
    const last = page.length === changes.length;
    return responseBody('SyncFolderItems', [
      success(
        msg,
        `<m:SyncState>${ctx.store.encodeState(key, next)}</m:SyncState><m:IncludesLastItemInRange>${last}</m:IncludesLastItemInRange>${tag('m:Changes', {}, xml)}`,
      ),
    ]);
  } catch (e) {
    if (e instanceof StoreError)
      return responseBody('SyncFolderItems', [errorMessage(msg, e.code, e.message)]);
    throw e;
  }
}
