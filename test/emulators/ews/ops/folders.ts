/** GetFolder, FindFolder, CreateFolder, DeleteFolder, SyncFolderHierarchy. */

import { isFolderClassTag } from '../mapi';
import { type FolderShape, fieldElement, writeFolder } from '../serialize';
import { errorMessage, responseBody, success } from '../soap';
import { type Folder, type FolderElement, StoreError } from '../store';
import { child, children, childText, tag, tt, type XNode } from '../xml';
import { folderFrom, type OpContext, resolveFolder } from './common';
import { evaluate } from './restriction';

function folderShape(n: XNode | undefined): FolderShape {
  const shape: FolderShape = {
    base: (childText(n, 'BaseShape') ?? 'Default') as FolderShape['base'],
    fields: new Set(),
  };
  for (const p of children(child(n, 'AdditionalProperties')))
    if (p.name === 'FieldURI') shape.fields.add(fieldElement(p.attrs.FieldURI ?? ''));
    else if (p.name === 'ExtendedFieldURI') {
      shape.ext = shape.ext ?? [];
      shape.ext.push(p.attrs);
    }
  return shape;
}

function each<T>(list: T[], msg: string, after: string, fn: (x: T) => string): string[] {
  return list.map((x) => {
    try {
      return fn(x);
    } catch (e) {
      if (e instanceof StoreError) return errorMessage(msg, e.code, e.message, after);
      throw e;
    }
  });
}

export function getFolder(ctx: OpContext, req: XNode): string {
  const shape = folderShape(child(req, 'FolderShape'));
  const ids = children(child(req, 'FolderIds'));
  return responseBody(
    'GetFolder',
    each(ids, 'GetFolderResponseMessage', '<m:Folders/>', (id) => {
      const f = resolveFolder(ctx, id);
      return success(
        'GetFolderResponseMessage',
        `<m:Folders>${writeFolder(ctx.store, f, shape)}</m:Folders>`,
      );
    }),
  );
}

function folderGetter(f: Folder) {
  return (p: XNode): string | undefined => {
    if (p.name === 'ExtendedFieldURI') return isFolderClassTag(p.attrs) ? f.folderClass : undefined;
    if (p.name !== 'FieldURI') return undefined;
    const n = fieldElement(p.attrs.FieldURI ?? '');
    if (n === 'DisplayName') return f.displayName;
    if (n === 'FolderClass') return f.folderClass;
    if (n === 'FolderId') return f.id;
    return undefined;
  };
}

export function findFolder(ctx: OpContext, req: XNode): string {
  const shape = folderShape(child(req, 'FolderShape'));
  const deep = req.attrs.Traversal === 'Deep';
  const view = child(req, 'IndexedPageFolderView');
  const restriction = child(req, 'Restriction')?.children[0];
  const parents = children(child(req, 'ParentFolderIds'));
  return responseBody(
    'FindFolder',
    each(parents, 'FindFolderResponseMessage', '', (pid) => {
      const parent = resolveFolder(ctx, pid);
      const found: Folder[] = [];
      const walk = (f: Folder) => {
        for (const c of ctx.store.childFolders(f)) {
          found.push(c);
          if (deep) walk(c);
        }
      };
      walk(parent);
      const matching = restriction ? found.filter((f) => evaluate(restriction, folderGetter(f))) : found;
      const { page, offset, last } = paginate(matching, view);
      return success(
        'FindFolderResponseMessage',
        tag(
          'm:RootFolder',
          {
            IndexedPagingOffset: view ? offset : undefined,
            TotalItemsInView: matching.length,
            IncludesLastItemInRange: last,
          },
          tag('t:Folders', {}, page.map((f) => writeFolder(ctx.store, f, shape)).join('')),
        ),
      );
    }),
  );
}

export function paginate<T>(
  list: T[],
  view: XNode | undefined,
): { page: T[]; offset: number; last: boolean } {
  if (!view) return { page: list, offset: list.length, last: true };
  const max = view.attrs.MaxEntriesReturned
    ? Number(view.attrs.MaxEntriesReturned)
    : Number.POSITIVE_INFINITY;
  const off = Number(view.attrs.Offset ?? 0);
  if (view.attrs.BasePoint === 'End') {
    const end = Math.max(0, list.length - off);
    const start = Math.max(0, end - max);
    return { page: list.slice(start, end), offset: off + (end - start), last: start === 0 };
  }
  const page = list.slice(off, off + max);
  const next = off + page.length;
  return { page, offset: next, last: next >= list.length };
}

const FOLDER_ELEMENTS = new Set([
  'Folder',
  'CalendarFolder',
  'ContactsFolder',
  'TasksFolder',
  'SearchFolder',
]);

export function createFolder(ctx: OpContext, req: XNode): string {
  const folders = children(child(req, 'Folders'));
  let parent: Folder | undefined;
  let parentError: StoreError | undefined;
  try {
    parent = folderFrom(ctx, child(req, 'ParentFolderId'));
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    parentError = e;
  }
  return responseBody(
    'CreateFolder',
    each(folders, 'CreateFolderResponseMessage', '<m:Folders/>', (fx) => {
      if (parentError || !parent)
        throw parentError ?? new StoreError('ErrorParentFolderNotFound', 'Parent folder not found.');
      if (!FOLDER_ELEMENTS.has(fx.name))
        throw new StoreError('ErrorInvalidRequest', `Unsupported folder type ${fx.name}.`);
      const name = childText(fx, 'DisplayName') ?? '';
      // PR_CONTAINER_CLASS (0x3613) set as an extended property is the folder class
      const tagged = children(fx, 'ExtendedProperty').find((e) =>
        isFolderClassTag(child(e, 'ExtendedFieldURI')?.attrs ?? {}),
      );
      const cls = childText(fx, 'FolderClass') ?? (tagged ? childText(tagged, 'Value') : undefined);
      if (cls && fx.name !== 'Folder' && !cls.startsWith(defaultClass(fx.name as FolderElement)))
        throw new StoreError(
          'ErrorInvalidRequest',
          'A custom FolderClass is only allowed with the generic Folder element.',
        );
      const f = ctx.store.createFolder(
        parent.mailbox,
        parent.id,
        name,
        cls,
        fx.name === 'Folder' ? undefined : (fx.name as FolderElement),
      );
      return success(
        'CreateFolderResponseMessage',
        `<m:Folders>${tag(`t:${f.element}`, {}, tag('t:FolderId', { Id: f.id, ChangeKey: f.changeKey }))}</m:Folders>`,
      );
    }),
  );
}

function defaultClass(e: FolderElement): string {
  return e === 'CalendarFolder'
    ? 'IPF.Appointment'
    : e === 'ContactsFolder'
      ? 'IPF.Contact'
      : e === 'TasksFolder'
        ? 'IPF.Task'
        : 'IPF';
}

export function deleteFolder(ctx: OpContext, req: XNode): string {
  const ids = children(child(req, 'FolderIds'));
  return responseBody(
    'DeleteFolder',
    each(ids, 'DeleteFolderResponseMessage', '', (id) => {
      ctx.store.deleteFolder(resolveFolder(ctx, id));
      return success('DeleteFolderResponseMessage');
    }),
  );
}

export function syncFolderHierarchy(ctx: OpContext, req: XNode): string {
  const shape = folderShape(child(req, 'FolderShape'));
  const msg = 'SyncFolderHierarchyResponseMessage';
  try {
    const rootId = child(req, 'SyncFolderId');
    const root = rootId ? folderFrom(ctx, rootId) : ctx.store.distinguished(ctx.mailbox, 'msgfolderroot');
    const key = `H:${root.id}`;
    const stateText = childText(req, 'SyncState');
    if (ctx.store.invalidSyncStates.has(root.id) || ctx.store.invalidSyncStates.has('*')) {
      if (stateText) {
        ctx.store.invalidSyncStates.delete(root.id);
        ctx.store.invalidSyncStates.delete('*');
        throw new StoreError(
          'ErrorInvalidSyncStateData',
          'Synchronization state data is corrupt or otherwise invalid.',
        );
      }
    }
    const known = stateText ? ctx.store.decodeState(key, stateText) : new Map<number, [number, number]>();
    const all: Folder[] = [];
    const walk = (f: Folder) => {
      for (const c of ctx.store.childFolders(f)) {
        all.push(c);
        walk(c);
      }
    };
    walk(root);
    let changes = '';
    const next = new Map<number, [number, number]>();
    const present = new Set<number>();
    for (const f of all) {
      present.add(f.num);
      next.set(f.num, [f.version, 0]);
      const k = known.get(f.num);
      if (!k) changes += tag('t:Create', {}, writeFolder(ctx.store, f, shape));
      else if (k[0] !== f.version) changes += tag('t:Update', {}, writeFolder(ctx.store, f, shape));
    }
    for (const [num] of known)
      if (!present.has(num)) {
        const tomb = [...ctx.store.folderTombstones.entries()].find(([, t]) => t.num === num);
        if (tomb) changes += tag('t:Delete', {}, tag('t:FolderId', { Id: tomb[0] }));
      }
    return responseBody('SyncFolderHierarchy', [
      success(
        msg,
        tt('SyncState', ctx.store.encodeState(key, next)).replace(/t:SyncState/g, 'm:SyncState') +
          '<m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange>' +
          tag('m:Changes', {}, changes),
      ),
    ]);
  } catch (e) {
    if (e instanceof StoreError)
      return responseBody('SyncFolderHierarchy', [errorMessage(msg, e.code, e.message)]);
    throw e;
  }
}
