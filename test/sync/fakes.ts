/**
 * In-memory stand-ins for ABRA and Exchange used by the engine's unit tests (fast, no HTTP). They keep the
 * semantics the runner relies on: versions move on every save, change feeds are cursor-based, writes return one
 * result per item, and faults can be injected per item. The end-to-end tests use the real emulators instead.
 */
import type {
  AppointmentData,
  CalendarEvent,
  ChangePage,
  ExchangeBackend,
  ExchangeItem,
  FolderKind,
  FolderRef,
  ItemData,
  MailboxInfo,
  UpdateRequest,
  WriteResult,
} from '../../src-main/exchange/types';
import { SyncError } from '../../src-main/shared/errors';
import { parseConfig, type SyncConfig } from '../../src-main/sync/config';
import type { AbraChanged, AbraPort, AbraRow } from '../../src-main/sync/ports';

let clock = Date.parse('2026-11-24T08:00:00.000Z');
export const tick = (): string => {
  clock += 1000;
  return new Date(clock).toISOString();
};

/** A tiny ABRA: rows per collection; `where` understood only as far as the engine's filters need (via a predicate). */
export class FakeAbra implements AbraPort {
  rows = new Map<string, Map<string, AbraRow>>();
  requests = 0;
  failCreates = new Set<string>();
  private seq = 0;

  constructor(public meId = 'USER000001') {}

  coll(name: string): Map<string, AbraRow> {
    let c = this.rows.get(name);
    if (!c) {
      c = new Map();
      this.rows.set(name, c);
    }
    return c;
  }

  /** The user records made by {@link insert} are created as (ABRA's audit field `createdby_id`). */
  actingUserId = 'USERDESK01';

  /** Act as an ABRA user. */
  insert(collection: string, row: Record<string, unknown>, createdBy = this.actingUserId): AbraRow {
    const id = (row.id as string) ?? `ID${String(++this.seq).padStart(8, '0')}`;
    const full: AbraRow = {
      ...row,
      id,
      objversion: 1,
      createdat$date: tick(),
      correctedat$date: null,
      createdby_id: createdBy,
    };
    this.coll(collection).set(id, full);
    return full;
  }

  edit(collection: string, id: string, patch: Record<string, unknown>): AbraRow {
    const cur = this.coll(collection).get(id);
    if (!cur) throw new Error(`no ${collection} ${id}`);
    const next: AbraRow = {
      ...cur,
      ...patch,
      id,
      objversion: Number(cur.objversion) + 1,
      correctedat$date: tick(),
    };
    this.coll(collection).set(id, next);
    return next;
  }

  remove(collection: string, id: string): void {
    this.coll(collection).delete(id);
  }

  /** Filters used by the engine are evaluated by a tiny matcher of `field in (...)`, `field = '...'`, time ranges. */
  private matches(row: AbraRow, where?: string): boolean {
    if (!where) return true;
    for (const clause of where.split(/\s+and\s+/i)) {
      let c = clause.trim();
      while (c.startsWith('(') && c.endsWith(')')) c = c.slice(1, -1).trim();
      let m = /^([\w$.]+) in \((.*)\)$/i.exec(c);
      if (m) {
        const vals = [...(m[2] ?? '').matchAll(/'((?:[^']|'')*)'/g)].map((x) =>
          (x[1] ?? '').replace(/''/g, "'"),
        );
        if (!vals.includes(String(row[m[1]!.toLowerCase()] ?? ''))) return false;
        continue;
      }
      m = /^([\w$.]+) = '((?:[^']|'')*)'$/.exec(c);
      if (m) {
        if (String(row[m[1]!.toLowerCase()] ?? '') !== (m[2] ?? '').replace(/''/g, "'")) return false;
        continue;
      }
      m = /^([\w$.]+) (ge|gt|lt|le) timestamp'(.*)'$/.exec(c);
      if (m) {
        const v = String(row[m[1]!.toLowerCase()] ?? '');
        const ok =
          m[2] === 'ge' ? v >= m[3]! : m[2] === 'gt' ? v > m[3]! : m[2] === 'le' ? v <= m[3]! : v < m[3]!;
        if (!ok) return false;
        continue;
      }
      m = /^([\w$.]+) = null$/.exec(c);
      if (m) {
        if (row[m[1]!.toLowerCase()] != null && row[m[1]!.toLowerCase()] !== '') return false;
        continue;
      }
      m = /^([\w$.]+) = (-?\d+)$/.exec(c);
      if (m) {
        if (Number(row[m[1]!.toLowerCase()]) !== Number(m[2])) return false;
        continue;
      }
      m = /^([\w$.]+) = (true|false)$/.exec(c);
      if (m) {
        if ((row[m[1]!.toLowerCase()] === true) !== (m[2] === 'true')) return false;
        continue;
      }
      throw new SyncError('validation', `fake ABRA does not understand: ${c}`);
    }
    return true;
  }

  async currentUser() {
    this.requests++;
    return { id: this.meId, name: 'Jan Novák' };
  }

  async changedSince(collection: string, since: string | null, where?: string): Promise<AbraChanged> {
    this.requests++;
    const rows = [...this.coll(collection).values()].filter((r) => {
      const t = String(r['correctedat$date'] ?? r['createdat$date']);
      return (since === null || t > since) && this.matches(r, where);
    });
    const all = [...this.coll(collection).values()].map((r) =>
      String(r['correctedat$date'] ?? r['createdat$date']),
    );
    const highWater = rows.length ? all.sort().pop()! : null;
    return { rows: rows.map((r) => ({ ...r })), highWater };
  }

  async queryAll(collection: string, where?: string): Promise<AbraRow[]> {
    this.requests++;
    return [...this.coll(collection).values()].filter((r) => this.matches(r, where)).map((r) => ({ ...r }));
  }

  async get(collection: string, id: string): Promise<AbraRow | null> {
    this.requests++;
    const r = this.coll(collection).get(id);
    return r ? { ...r } : null;
  }

  async listIds(collection: string, where?: string): Promise<string[]> {
    this.requests++;
    return [...this.coll(collection).values()].filter((r) => this.matches(r, where)).map((r) => r.id);
  }

  async create(collection: string, body: Record<string, unknown>): Promise<AbraRow> {
    this.requests++;
    if (this.failCreates.has(String(body.subject))) {
      throw new SyncError('validation', `ABRA refused "${String(body.subject)}": Period is closed`);
    }
    return { ...this.insert(collection, body, this.meId) };
  }

  async update(collection: string, id: string, patch: Record<string, unknown>): Promise<AbraRow> {
    this.requests++;
    if (!this.coll(collection).has(id)) throw new SyncError('notFound', `${collection}/${id} not found`);
    return { ...this.edit(collection, id, patch) };
  }

  async delete(collection: string, id: string): Promise<void> {
    this.requests++;
    this.remove(collection, id);
  }

  async createOwned(collection: string, parentId: string, owned: string, body: Record<string, unknown>) {
    this.requests++;
    const parent = this.coll(collection).get(parentId);
    if (!parent) throw new SyncError('notFound', 'parent missing');
    const row = { id: `OW${String(++this.seq).padStart(8, '0')}`, ...body };
    this.edit(collection, parentId, { [owned]: [...((parent[owned] as unknown[]) ?? []), row] });
    return row as AbraRow;
  }

  requestCount(): number {
    return this.requests;
  }

  async query(collection: string, q: { where?: string; take?: number; skip?: number }): Promise<AbraRow[]> {
    const rows = await this.queryAll(collection, q.where);
    const skip = q.skip ?? 0;
    return rows.slice(skip, skip + (q.take ?? 100));
  }

  /** Accepts every body (a test that wants a refusal overrides it). */
  async validate(_collection: string, body: Record<string, unknown>) {
    this.requests++;
    return { ok: true, errors: [], object: { ...body } };
  }
}

interface Stored {
  item: ExchangeItem;
  folder: string;
  version: number;
}

/** A tiny mailbox with a change log per folder. */
export class FakeExchange implements ExchangeBackend {
  readonly kind = 'ews' as const;
  items = new Map<string, Stored>();
  log: { folder: string; id: string; seq: number; deleted: boolean }[] = [];
  requests = 0;
  failNextWrites = new Set<string>();
  private seq = 0;

  async testConnection(): Promise<MailboxInfo> {
    return { email: 'jan.novak@firma.cz' };
  }

  async getFolder(kind: FolderKind): Promise<FolderRef> {
    this.requests++;
    return { id: `folder-${kind}`, kind, displayName: kind };
  }

  async listMailFolders(): Promise<FolderRef[]> {
    return [];
  }

  private touch(folder: string, id: string, deleted: boolean) {
    this.log.push({ folder, id, seq: ++this.seq, deleted });
  }

  /** Act as the user in Outlook. */
  put(folder: string, item: ExchangeItem): ExchangeItem {
    const prev = this.items.get(item.id);
    const version = (prev?.version ?? 0) + 1;
    const stored = { ...item, changeKey: `CK${item.id}-${version}`, lastModified: tick() } as ExchangeItem;
    this.items.set(item.id, { item: stored, folder, version });
    this.touch(folder, item.id, false);
    return stored;
  }

  drop(id: string): void {
    const s = this.items.get(id);
    if (!s) return;
    this.items.delete(id);
    this.touch(s.folder, id, true);
  }

  inFolder(kind: FolderKind): ExchangeItem[] {
    return [...this.items.values()].filter((s) => s.folder === `folder-${kind}`).map((s) => s.item);
  }

  async getChanges<T extends ExchangeItem>(folder: FolderRef, cursor: string | null): Promise<ChangePage<T>> {
    this.requests++;
    const from = cursor === null ? 0 : Number(cursor);
    if (Number.isNaN(from)) throw new SyncError('cursorInvalid', 'bad sync state');
    const changes: ChangePage<T>['changes'] = [];
    if (cursor === null) {
      for (const s of this.items.values())
        if (s.folder === folder.id) changes.push({ type: 'upsert', item: s.item as T });
    } else {
      const latest = new Map<string, boolean>();
      for (const e of this.log) if (e.folder === folder.id && e.seq > from) latest.set(e.id, e.deleted);
      for (const [id, deleted] of latest) {
        const s = this.items.get(id);
        if (deleted || !s) changes.push({ type: 'delete', id });
        else changes.push({ type: 'upsert', item: s.item as T });
      }
    }
    return { changes, cursor: String(this.seq), more: false };
  }

  async getItems<T extends ExchangeItem>(_f: FolderRef, ids: string[]): Promise<T[]> {
    this.requests++;
    return ids.flatMap((id) => (this.items.has(id) ? [this.items.get(id)!.item as T] : []));
  }

  async findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]> {
    this.requests++;
    return [...this.items.values()]
      .filter((s) => s.folder === folder.id && s.item.abraId && abraIds.includes(s.item.abraId))
      .map((s) => s.item as T);
  }

  private build(folder: FolderRef, id: string, data: ItemData, abraId: string | null): ExchangeItem {
    const base = { id, changeKey: '', abraId };
    if (folder.kind === 'contacts') return { ...base, kind: 'contact', data } as ExchangeItem;
    if (folder.kind === 'tasks') return { ...base, kind: 'task', data } as ExchangeItem;
    return { ...base, kind: 'appointment', key: id, itemType: 'Single', data } as ExchangeItem;
  }

  async createItems(
    folder: FolderRef,
    requests: { abraId: string; data: ItemData }[],
  ): Promise<WriteResult[]> {
    this.requests++;
    return requests.map((r) => {
      const subject = (r.data as { subject?: string }).subject ?? '';
      if (this.failNextWrites.has(subject)) {
        this.failNextWrites.delete(subject);
        return { ok: false, error: new SyncError('validation', 'ErrorInvalidPropertySet') };
      }
      const id = `EX${String(++this.seq).padStart(6, '0')}`;
      const it = this.put(folder.id, this.build(folder, id, r.data, r.abraId));
      return { ok: true, id: it.id, changeKey: it.changeKey };
    });
  }

  /** Update requests received, one entry per item (`data` absent = a stamp-only write). */
  updates: UpdateRequest[] = [];

  async updateItems(folder: FolderRef, requests: UpdateRequest[]): Promise<WriteResult[]> {
    this.requests++;
    return requests.map((r) => {
      this.updates.push(r);
      const s = this.items.get(r.id);
      if (!s) return { ok: false, error: new SyncError('notFound', 'ErrorItemNotFound') };
      if (r.changeKey && s.item.changeKey !== r.changeKey)
        return { ok: false, error: new SyncError('conflict', 'stale change key') };
      if (!r.data && !r.abraId) return { ok: false, error: new SyncError('validation', 'nothing to write') };
      const it = this.put(folder.id, {
        ...s.item,
        ...(r.data ? { data: r.data } : {}),
        ...(r.abraId ? { abraId: r.abraId } : {}),
      } as ExchangeItem);
      return { ok: true, id: it.id, changeKey: it.changeKey };
    });
  }

  async deleteItems(_folder: FolderRef, ids: string[]) {
    this.requests++;
    return ids.map((id) => {
      this.drop(id);
      return { ok: true as const };
    });
  }

  async getMime(): Promise<Buffer> {
    return Buffer.from('');
  }

  async close(): Promise<void> {}

  requestCount(): number {
    return this.requests;
  }
}

export function testConfig(over: Record<string, unknown> = {}): SyncConfig {
  const parts = (over.parts ?? {}) as Record<string, unknown>;
  return parseConfig({
    abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'jan' },
    exchange: { email: 'jan.novak@firma.cz' },
    ...over,
    parts: {
      addressBook: { enabled: true, ...(parts.addressBook as object) },
      calendar: {
        enabled: true,
        activityTypeIds: ['TYPMEET001'],
        newItemTypeId: 'TYPMEET001',
        newItemQueueId: 'QUEUE00001',
        newItemSolverRoleId: 'ROLE000001',
        newItemDivisionId: 'DIVISION01',
        ...(parts.calendar as object),
      },
      tasks: {
        enabled: true,
        activityTypeIds: ['TYPTASK001'],
        newItemTypeId: 'TYPTASK001',
        newItemQueueId: 'QUEUE00001',
        newItemSolverRoleId: 'ROLE000001',
        newItemDivisionId: 'DIVISION01',
        ...(parts.tasks as object),
      },
    },
  });
}

/** A single Outlook appointment of one hour, as the user makes it. */
export function appointment(id: string, subject: string, start: string): ExchangeItem {
  const data: AppointmentData = {
    subject,
    start,
    end: new Date(Date.parse(start) + 3600_000).toISOString(),
    body: '',
    sensitivity: 'Normal',
  };
  return {
    kind: 'appointment',
    id,
    key: id,
    itemType: 'Single',
    changeKey: '',
    data,
  } satisfies CalendarEvent;
}
