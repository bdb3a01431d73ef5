/**
 * The folders the Graph backend works in: the "ABRA Gen" contact folder and To Do list (found or created), the
 * calendar, the well-known and the named mail folders, and the list of mail folders for the app's picker. Found
 * folders are kept for the session.
 */
import { SyncError } from '../../shared/errors';
import type { FolderKind, FolderRef, GetFolderOptions } from '../types';
import type { GraphHttp } from './http';
import { enc } from './kinds';
import { type Json, odataString } from './map';
import type { GraphBackendOptions } from './options';

export class GraphFolders {
  private folders = new Map<string, Promise<FolderRef>>();

  constructor(
    private readonly http: GraphHttp,
    private readonly opts: GraphBackendOptions,
    private readonly folderName: string,
  ) {}

  getFolder(kind: FolderKind, path?: string, options: GetFolderOptions = {}): Promise<FolderRef> {
    const create = options.create ?? true;
    const key = `${kind}|${path ?? ''}|${create}`;
    let p = this.folders.get(key);
    if (!p && !path && options.known?.kind === kind && options.known.id) {
      p = Promise.resolve(options.known);
      this.folders.set(key, p);
    }
    if (!p) {
      p = this.resolveFolder(kind, path, create);
      this.folders.set(key, p);
      p.catch(() => this.folders.delete(key));
    }
    return p;
  }

  /** Forget a folder that is gone (deleted in Outlook): the next getFolder finds or creates it anew. */
  forget(id: string): void {
    for (const [k, p] of this.folders)
      p.then(
        (f) => {
          if (f.id === id) this.folders.delete(k);
        },
        () => {},
      );
  }

  private async resolveFolder(
    kind: FolderKind,
    path: string | undefined,
    create: boolean,
  ): Promise<FolderRef> {
    if (kind === 'contacts') return this.contactFolder(create);
    if (kind === 'calendar') {
      const c = await this.http.request<Json>('GET', '/me/calendar?$select=id,name');
      return { id: String(c.id), kind, displayName: String(c.name ?? 'Calendar') };
    }
    if (kind === 'tasks') return this.todoList(create);
    if (kind === 'inbox' || kind === 'sentitems') {
      const f = await this.http.request<Json>('GET', `/me/mailFolders/${kind}?$select=id,displayName`);
      return {
        id: String(f.id),
        kind,
        displayName: String(f.displayName ?? kind),
        path: kind === 'inbox' ? 'Inbox' : 'Sent Items',
      };
    }
    if (!path) throw new SyncError('config', 'a mail folder needs a path, e.g. "Inbox/Customers"');
    const want = path.replace(/^\/+|\/+$/g, '').toLowerCase();
    const all = await this.listMailFolders();
    const f = all.find((x) => (x.path ?? '').toLowerCase() === want);
    if (!f) throw new SyncError('notFound', `mail folder "${path}" does not exist in the mailbox`);
    return f;
  }

  private async contactFolder(create: boolean): Promise<FolderRef> {
    const find = async () => {
      const list = await this.http.getAll<Json>(
        `/me/contactFolders?$filter=${enc(`displayName eq ${odataString(this.folderName)}`)}&$select=id,displayName`,
      );
      return list.find((f) => String(f.displayName).toLowerCase() === this.folderName.toLowerCase());
    };
    let f = await find();
    if (!f && !create)
      throw new SyncError('notFound', `the contact folder "${this.folderName}" does not exist yet`);
    if (!f) {
      try {
        f = await this.http.request<Json>('POST', '/me/contactFolders', {
          body: { displayName: this.folderName },
        });
      } catch (e) {
        // created meanwhile by another client: use that one
        if (!(e instanceof SyncError && e.kind === 'conflict')) throw e;
        f = await find();
        if (!f) throw e;
      }
    }
    return { id: String(f.id), kind: 'contacts', displayName: String(f.displayName) };
  }

  private async todoList(create: boolean): Promise<FolderRef> {
    const lists = await this.http.getAll<Json>('/me/todo/lists');
    if (this.opts.tasksList === 'default') {
      const d = lists.find((l) => l.wellknownListName === 'defaultList');
      if (!d) throw new SyncError('notFound', 'the mailbox has no default To Do list');
      return { id: String(d.id), kind: 'tasks', displayName: String(d.displayName) };
    }
    let l = lists.find((x) => String(x.displayName).toLowerCase() === this.folderName.toLowerCase());
    if (!l && !create)
      throw new SyncError('notFound', `the To Do list "${this.folderName}" does not exist yet`);
    if (!l)
      l = await this.http.request<Json>('POST', '/me/todo/lists', { body: { displayName: this.folderName } });
    return { id: String(l.id), kind: 'tasks', displayName: String(l.displayName) };
  }

  async listMailFolders(): Promise<FolderRef[]> {
    const [inbox, sent] = await Promise.all([this.getFolder('inbox'), this.getFolder('sentitems')]);
    const out: FolderRef[] = [];
    const walk = async (url: string, parentPath: string | null) => {
      const list = await this.http.getAll<Json>(url);
      await Promise.all(
        list.map(async (f) => {
          const id = String(f.id);
          const name =
            parentPath === null && id === inbox.id
              ? 'Inbox'
              : parentPath === null && id === sent.id
                ? 'Sent Items'
                : String(f.displayName);
          const path = parentPath === null ? name : `${parentPath}/${name}`;
          const kind: FolderKind = id === inbox.id ? 'inbox' : id === sent.id ? 'sentitems' : 'mail';
          out.push({ id, kind, displayName: String(f.displayName), path });
          if (Number(f.childFolderCount ?? 0) > 0)
            await walk(
              `/me/mailFolders/${enc(id)}/childFolders?$select=id,displayName,childFolderCount&$top=100`,
              path,
            );
        }),
      );
    };
    await walk('/me/mailFolders?$select=id,displayName,childFolderCount&$top=100', null);
    return out.sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
  }

  clear(): void {
    this.folders.clear();
  }
}
