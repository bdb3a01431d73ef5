/**
 * The folders the sync works in: the well-known ones, the "ABRA Gen" contacts folder (found or created), a mail
 * folder by its path, and the list of mail folders for the app's picker. Found folders are kept for the session.
 */
import { SyncError } from '../../shared/errors';
import { ABRA_CONTACT_FOLDER_NAME, type FolderKind, type FolderRef, type GetFolderOptions } from '../types';
import { ews } from './ews-lib';
import { get } from './map';
import { mapError } from './responses';
import type { EwsSession } from './session';

/** Top mail folders a path may name in English whatever the mailbox's language calls them. */
const WELL_KNOWN_MAIL: Record<string, ews.WellKnownFolderName | undefined> = {
  inbox: ews.WellKnownFolderName.Inbox,
  'sent items': ews.WellKnownFolderName.SentItems,
};

export class EwsFolders {
  private readonly folders = new Map<string, FolderRef>();

  constructor(private readonly session: EwsSession) {}

  private get service(): ews.ExchangeService {
    return this.session.service;
  }

  /** Forget a folder that is gone (deleted in Outlook): the next getFolder finds or creates it anew. */
  forget(id: string): void {
    for (const [k, f] of this.folders) if (f.id === id) this.folders.delete(k);
  }

  async getFolder(kind: FolderKind, path?: string, options: GetFolderOptions = {}): Promise<FolderRef> {
    const cacheKey = `${kind}|${path ?? ''}`;
    const cached = this.folders.get(cacheKey);
    if (cached) return cached;
    if (!path && options.known?.kind === kind && options.known.id) {
      this.session.adoptKnownVersion(options.known.ewsVersion);
      this.folders.set(cacheKey, options.known);
      return options.known;
    }
    const ref = await this.session.call(`getFolder ${kind}`, async () => {
      switch (kind) {
        case 'contacts':
          return this.findOrCreateContactsFolder(options.create ?? true);
        case 'calendar':
        case 'tasks':
        case 'inbox':
        case 'sentitems': {
          const wk = {
            calendar: ews.WellKnownFolderName.Calendar,
            tasks: ews.WellKnownFolderName.Tasks,
            inbox: ews.WellKnownFolderName.Inbox,
            sentitems: ews.WellKnownFolderName.SentItems,
          }[kind];
          const f = await ews.Folder.Bind(
            this.service,
            wk,
            new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.FolderSchema.DisplayName]),
          );
          return { id: String(f.Id.UniqueId), kind, displayName: String(get(f, 'DisplayName') ?? kind) };
        }
        case 'mail':
          if (!path) throw new SyncError('config', 'a mail folder needs a path such as "Inbox/Customers"');
          return this.resolveMailPath(path);
        default:
          throw new SyncError('config', `unknown folder kind ${String(kind)}`);
      }
    });
    if (this.session.mode.legacy2007) ref.ewsVersion = 'Exchange2007_SP1';
    this.folders.set(cacheKey, ref);
    return ref;
  }

  private async findChild(parent: ews.FolderId, name: string): Promise<ews.Folder | null> {
    const view = new ews.FolderView(10);
    view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [
      ews.FolderSchema.DisplayName,
      ews.FolderSchema.FolderClass,
    ]);
    const res = await this.service.FindFolders(
      parent,
      new ews.SearchFilter.IsEqualTo(ews.FolderSchema.DisplayName, name),
      view,
    );
    const folders: ews.Folder[] = res.Folders ?? [];
    return (
      folders.find((f) => String(get(f, 'DisplayName') ?? '').toLowerCase() === name.toLowerCase()) ?? null
    );
  }

  private async findOrCreateContactsFolder(create: boolean): Promise<FolderRef> {
    const name = ABRA_CONTACT_FOLDER_NAME;
    const parent = new ews.FolderId(ews.WellKnownFolderName.Contacts);
    const ref = (f: ews.Folder): FolderRef => ({
      id: String(f.Id.UniqueId),
      kind: 'contacts',
      displayName: name,
    });
    const found = await this.findChild(parent, name);
    if (found) return ref(found);
    if (!create) throw new SyncError('notFound', `the contacts folder "${name}" does not exist yet`);
    // A generic Folder with the contacts class (what Outlook creates; Exchange answers with the same element).
    const folder = new ews.Folder(this.service);
    folder.DisplayName = name;
    folder.FolderClass = 'IPF.Contact';
    try {
      await folder.Save(parent);
      return ref(folder);
    } catch (e) {
      // ErrorFolderExists (another client created it meanwhile), or an answer the library could not match to the
      // request (servers answer <t:ContactsFolder> or <t:Folder>): the folder is there or it is not — look again.
      const err = mapError(e, 'CreateFolder');
      if (err.kind === 'auth' || err.kind === 'forbidden' || err.kind === 'tls' || err.kind === 'unreachable')
        throw err;
      const again = await this.findChild(parent, name);
      if (again) return ref(again);
      throw err;
    }
  }

  private async resolveMailPath(path: string): Promise<FolderRef> {
    const segments = path
      .split('/')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!segments.length) throw new SyncError('config', `empty mail folder path "${path}"`);
    let parent = new ews.FolderId(ews.WellKnownFolderName.MsgFolderRoot);
    let current: ews.Folder | null = null;
    for (const [i, seg] of segments.entries()) {
      current = await this.findChild(parent, seg);
      if (!current && i === 0) {
        const wk = WELL_KNOWN_MAIL[seg.toLowerCase()];
        if (wk !== undefined)
          current = await ews.Folder.Bind(
            this.service,
            wk,
            new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.FolderSchema.DisplayName]),
          );
      }
      if (!current)
        throw new SyncError('notFound', `mail folder "${segments.slice(0, i + 1).join('/')}" not found`);
      parent = new ews.FolderId(String(current.Id.UniqueId));
    }
    if (!current) throw new SyncError('config', `empty mail folder path "${path}"`);
    return {
      id: String(current.Id.UniqueId),
      kind: 'mail',
      displayName: String(get(current, 'DisplayName') ?? segments.at(-1)),
      path: segments.join('/'),
    };
  }

  async listMailFolders(): Promise<FolderRef[]> {
    return this.session.call('listMailFolders', async () => {
      const all: ews.Folder[] = [];
      for (let offset = 0; offset < 100_000; ) {
        const view = new ews.FolderView(500, offset);
        view.Traversal = ews.FolderTraversal.Deep;
        view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [
          ews.FolderSchema.DisplayName,
          ews.FolderSchema.FolderClass,
          ews.FolderSchema.ParentFolderId,
        ]);
        const res = await this.service.FindFolders(
          new ews.FolderId(ews.WellKnownFolderName.MsgFolderRoot),
          view,
        );
        const got: ews.Folder[] = res.Folders ?? [];
        all.push(...got);
        if (!res.MoreAvailable || got.length === 0) break;
        offset = typeof res.NextPageOffset === 'number' ? res.NextPageOffset : offset + got.length;
      }
      const byId = new Map<string, { name: string; parent: string | null; cls: string }>();
      for (const f of all) {
        if (f instanceof ews.SearchFolder) continue; // virtual views (AllItems, ...), not places mail lives in
        byId.set(String(f.Id.UniqueId), {
          name: String(get(f, 'DisplayName') ?? ''),
          parent: get(f, 'ParentFolderId')?.UniqueId ? String(get(f, 'ParentFolderId').UniqueId) : null,
          cls: String(get(f, 'FolderClass') ?? ''),
        });
      }
      const pathOf = (id: string): string => {
        const parts: string[] = [];
        let cur: string | null = id;
        for (let guard = 0; cur && guard < 64; guard++) {
          const n = byId.get(cur);
          if (!n) break;
          parts.unshift(n.name);
          cur = n.parent;
        }
        return parts.join('/');
      };
      const out: FolderRef[] = [];
      for (const [id, n] of byId) {
        if (n.cls !== 'IPF.Note' && !n.cls.startsWith('IPF.Note.')) continue;
        out.push({ id, kind: 'mail', displayName: n.name, path: pathOf(id) });
      }
      return out.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
    });
  }
}
