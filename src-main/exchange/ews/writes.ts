/**
 * Writing: CreateItem, UpdateItem and DeleteItem in batches, one WriteResult per request in input order. A create
 * whose answer was lost is checked by its AbraId stamp before it is sent again, so no item is made twice.
 * CreateItem is written and read by the lean path (./item-xml.ts, ./soap.ts: no library object per item, issue
 * #17), and so is DeleteItem; UpdateItem still goes through ews-javascript-api (it reads the item and writes what
 * changed through the library's change tracking).
 */
import { SyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import type {
  AppointmentData,
  ContactData,
  CreateRequest,
  DeleteResult,
  ExchangeItem,
  FolderRef,
  ItemData,
  TaskData,
  UpdateRequest,
  WriteResult,
} from '../types';
import type { EwsReader } from './changes';
import { ews, NOT_GIVEN } from './ews-lib';
import {
  type CreateXmlOptions,
  createItemXml,
  createNeedsZoneHeader,
  deleteItemXml,
  newItemXml,
} from './item-xml';
import { zoneXmlOf } from './lean-zone';
import { abraIdDef, extended, get } from './map';
import { applyAppointment, applyTask, setAppointmentZone } from './map-activity';
import { applyContact } from './map-contact';
import { propsFor } from './properties';
import { chunks, isSuccess, responseError } from './responses';
import type { EwsSession } from './session';
import { messageError, responseMessages, soapCall } from './soap';
import { VERSION_FAULTS } from './version';
import { stripXmlForbiddenDeep } from './xml-text';
import { child, type XmlElement } from './xml-tree';

/** The id of a written item as the library reports it. */
type WrittenId = ews.ItemId | undefined;

/**
 * One WriteResult per item of a batch, in input order: `index[k]` is the input position of `items[k]`, whose
 * response is `responses[k]`; `idOf` reads the new id/ChangeKey of a successful one.
 */
function collectWriteResults(
  results: WriteResult[],
  index: number[],
  items: ews.Item[],
  responses: ews.ServiceResponse[],
  op: 'UpdateItem',
  idOf: (response: ews.ServiceResponse, item: ews.Item) => WrittenId,
): void {
  items.forEach((item, k) => {
    const r = responses[k];
    const at = index[k]!;
    if (r && isSuccess(r)) {
      const id = idOf(r, item);
      results[at] = { ok: true, id: String(id?.UniqueId ?? ''), changeKey: String(id?.ChangeKey ?? '') };
    } else {
      results[at] = {
        ok: false,
        error: r ? responseError(r, op) : new SyncError('malformed', `${op}: no answer for item`),
      };
    }
  });
}

/**
 * One WriteResult per created item from the CreateItem answer's response messages (in request order): the new id
 * and ChangeKey of a success, the classified error of a failure (./soap.ts messageError, which mirrors
 * responseError), "no answer" for a message missing from the answer.
 */
function collectCreated(results: WriteResult[], index: number[], messages: XmlElement[]): void {
  index.forEach((at, k) => {
    const msg = messages[k];
    if (!msg) {
      results[at] = { ok: false, error: new SyncError('malformed', 'CreateItem: no answer for item') };
      return;
    }
    const error = messageError(msg, 'CreateItem');
    if (error) {
      results[at] = { ok: false, error };
      return;
    }
    const id = child(child(msg, 'Items')?.children[0], 'ItemId');
    results[at] = { ok: true, id: id?.attrs.Id ?? '', changeKey: id?.attrs.ChangeKey ?? '' };
  });
}

/** True when this write already sets the appointment's zone (the library tracks changed properties). */
function timesSet(item: ews.Item): boolean {
  const bag = get<{ IsPropertyUpdated?(def: ews.PropertyDefinition): boolean }>(item, 'PropertyBag');
  return bag?.IsPropertyUpdated?.(ews.AppointmentSchema.StartTimeZone) === true;
}

/** Answers that mean the item cannot be reached by this id any more: a delete of it has nothing left to do. */
const GONE = new Set(['ErrorItemNotFound', 'ErrorInvalidIdMalformed']);

/** A failed request whose answer was lost: the server may have carried it out. */
function maybeDone(e: SyncError): boolean {
  return e.kind === 'transient' || e.kind === 'timeout';
}

/** Successful writes that lost characters XML cannot carry get a note saying how many. */
function withNotes(results: WriteResult[], removed: Map<number, number>): WriteResult[] {
  for (const [at, count] of removed) {
    const r = results[at];
    if (r?.ok) results[at] = { ...r, note: note('run.xmlCharsRemoved', { count }) };
  }
  return results;
}

export class EwsWriter {
  constructor(
    private readonly session: EwsSession,
    private readonly reader: EwsReader,
    /** Items per CreateItem/UpdateItem/DeleteItem request. */
    readonly writeBatch: number,
  ) {}

  private get service(): ews.ExchangeService {
    return this.session.service;
  }

  private apply(folder: FolderRef, item: ews.Item, data: ItemData, isNew: boolean): void {
    if (folder.kind === 'contacts') applyContact(item, data as ContactData, isNew);
    else if (folder.kind === 'calendar') {
      const d = data as AppointmentData;
      if (!d.start || !Number.isFinite(Date.parse(d.start)))
        throw new SyncError('validation', 'appointment without a valid start');
      if (d.end && Date.parse(d.end) < Date.parse(d.start))
        throw new SyncError('validation', 'appointment ends before it starts');
      applyAppointment(item, d, isNew, this.session.windowsZone, this.session.mode.legacy2007);
      // Exchange 2007: every appointment written carries its MeetingTimeZone, also when only other fields changed
      if (this.session.mode.legacy2007 && !isNew && item.IsDirty && !timesSet(item))
        setAppointmentZone(item, this.session.windowsZone, true);
    } else if (folder.kind === 'tasks') applyTask(item, data as TaskData, isNew);
    else throw new SyncError('validation', `the sync does not write items in ${folder.kind} folders`);
  }

  /**
   * The item's data without the characters XML 1.0 cannot carry (the writer would drop them anyway, see
   * ./xml-text.ts); how many were removed is kept per input position for the item's note.
   */
  private xmlSafe<D>(data: D, at: number, removed: Map<number, number>): D {
    const r = stripXmlForbiddenDeep(data);
    if (r.removed) removed.set(at, r.removed);
    else removed.delete(at);
    return r.value;
  }

  private asValidation(e: unknown): SyncError {
    if (e instanceof SyncError) return e;
    return new SyncError('validation', e instanceof Error ? e.message : String(e));
  }

  /**
   * CreateItem through the lean writer (./item-xml.ts, sent with ./soap.ts): the request text is written directly
   * from the data — the same XML the library wrote (test/exchange/ews/lean-create.test.ts) — and the answer read as
   * a plain tree; no library object per item. Each request goes through the session's call on its own (token
   * renewal, version redetection, throttling), as the library's CreateItems did.
   */
  async createItems<D extends ItemData>(
    folder: FolderRef,
    requests: CreateRequest<D>[],
  ): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(requests.length);
    const removed = new Map<number, number>();
    for (const [bi, batch] of chunks(requests, this.writeBatch).entries()) {
      const base = bi * this.writeBatch;
      const index: number[] = [];
      batch.forEach((r, i) => {
        if (!r.abraId)
          results[base + i] = {
            ok: false,
            error: new SyncError('validation', 'an item created by the sync needs its AbraId'),
          };
        else index.push(base + i);
      });
      await this.createBatch(folder, requests, index, results, removed);
    }
    return withNotes(results, removed);
  }

  /**
   * The XML of the new items at `index` in the given dialect; an item that cannot be written (invalid data, a kind
   * the sync does not create) gets its error result here and is left out.
   */
  private buildItems(
    folder: FolderRef,
    requests: CreateRequest[],
    index: number[],
    results: WriteResult[],
    removed: Map<number, number>,
    o: CreateXmlOptions,
  ): { index: number[]; xml: string[] } {
    const out: { index: number[]; xml: string[] } = { index: [], xml: [] };
    for (const at of index) {
      const r = requests[at]!;
      try {
        out.xml.push(newItemXml(folder.kind, this.xmlSafe(r.data, at, removed), r.abraId, o));
        out.index.push(at);
      } catch (e) {
        results[at] = { ok: false, error: this.asValidation(e) };
      }
    }
    return out;
  }

  /**
   * One CreateItem of the requests at `index`. The answer was lost (a proxy's 502/504, a 5xx page, a dropped
   * connection, no answer in time): Exchange may have created the items all the same, so they are looked for by
   * their AbraId stamp and only those not there are sent again — a lost answer never makes a second item.
   */
  private async createBatch(
    folder: FolderRef,
    requests: CreateRequest[],
    index: number[],
    results: WriteResult[],
    removed: Map<number, number>,
  ): Promise<void> {
    let rebuilt = false;
    for (let attempt = 0; index.length; ) {
      // written anew for every attempt, in the dialect of the moment (a redetection may have changed it)
      const o: CreateXmlOptions = {
        legacy2007: this.session.mode.legacy2007,
        zone: zoneXmlOf(this.session.windowsZone),
      };
      const built = this.buildItems(folder, requests, index, results, removed, o);
      index = built.index;
      if (!index.length) return;
      let messages: XmlElement[];
      try {
        messages = await soapCall(
          this.session,
          'CreateItem',
          createItemXml(folder.kind, folder.id, built.xml),
          responseMessages,
          { withZone: createNeedsZoneHeader(folder.kind, o) },
        );
      } catch (e) {
        // The server turned out to speak the other dialect: the call repeated the request in it, but a calendar's
        // items are written differently there (MeetingTimeZone), so they are written again, once.
        if (
          e instanceof SyncError &&
          !rebuilt &&
          this.session.mode.legacy2007 !== o.legacy2007 &&
          VERSION_FAULTS.has(e.code ?? '')
        ) {
          rebuilt = true;
          continue;
        }
        const lost = e instanceof SyncError && maybeDone(e) ? e : null;
        const wait = lost ? this.session.http.recheckDelay(lost, attempt) : null;
        if (!lost || wait === null) throw e;
        index = await this.alreadyCreated(folder, requests, index, results);
        if (index.length) await this.session.http.pause(wait);
        attempt++;
        continue;
      }
      collectCreated(results, index, messages);
      return;
    }
  }

  /** After a lost answer: the requests found created (by AbraId) get their result; the others are returned. */
  private async alreadyCreated(
    folder: FolderRef,
    requests: CreateRequest[],
    index: number[],
    results: WriteResult[],
  ): Promise<number[]> {
    let existing: ExchangeItem[];
    try {
      existing = await this.reader.findByAbraIds(
        folder,
        index.map((at) => requests[at]!.abraId),
      );
    } catch (err) {
      // earlier batches of this call are already written: the caller learns of this batch's doubt as transient
      const why = err instanceof SyncError ? err.message : String(err);
      throw new SyncError('transient', `a create's answer was lost and the check for it failed: ${why}`, {
        cause: err,
      });
    }
    const found = new Map<string, ExchangeItem>();
    for (const it of existing) if (it.abraId && !found.has(it.abraId)) found.set(it.abraId, it);
    return index.filter((at) => {
      const hit = found.get(requests[at]!.abraId);
      if (!hit) return true;
      results[at] = { ok: true, id: hit.id, changeKey: hit.changeKey };
      return false;
    });
  }

  async updateItems<D extends ItemData>(
    folder: FolderRef,
    requests: UpdateRequest<D>[],
  ): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(requests.length);
    const removed = new Map<number, number>();
    return this.session.call('updateItems', async () => {
      for (const [bi, batch] of chunks(requests, this.writeBatch).entries()) {
        const base = bi * this.writeBatch;
        const ps = propsFor(folder.kind, true);
        const bound = await this.service.BindToItems(
          batch.map((r) => new ews.ItemId(r.id)),
          ps,
        );
        const responses: ews.GetItemResponse[] = bound.Responses ?? [];
        const toSave: ews.Item[] = [];
        const index: number[] = [];
        batch.forEach((r, i) => {
          const at = base + i;
          const prepared = this.prepareUpdate(folder, r, responses[i], at, removed);
          if ('ok' in prepared) results[at] = prepared;
          else {
            toSave.push(prepared);
            index.push(at);
          }
        });
        if (!toSave.length) continue;
        const res = await this.service.UpdateItems(
          toSave,
          NOT_GIVEN,
          ews.ConflictResolutionMode.NeverOverwrite,
          NOT_GIVEN,
          folder.kind === 'calendar' ? ews.SendInvitationsOrCancellationsMode.SendToNone : NOT_GIVEN,
        );
        collectWriteResults(
          results,
          index,
          toSave,
          res.Responses ?? [],
          'UpdateItem',
          (r, item) => get<ews.ItemId>(get(r, 'ReturnedItem'), 'Id') ?? get<ews.ItemId>(item, 'Id'),
        );
      }
      return withNotes(results, removed);
    });
  }

  /**
   * An update of one read item: the item to save, or the request's result when there is nothing to send (not
   * found, a stale ChangeKey, invalid data, nothing changed).
   */
  private prepareUpdate(
    folder: FolderRef,
    r: UpdateRequest,
    resp: ews.GetItemResponse | undefined,
    at: number,
    removed: Map<number, number>,
  ): WriteResult | ews.Item {
    if (!resp || !isSuccess(resp))
      return {
        ok: false,
        error: resp
          ? responseError(resp, 'UpdateItem')
          : new SyncError('notFound', 'UpdateItem: item not found'),
      };
    const item = get<ews.Item>(resp, 'Item');
    if (!item) return { ok: false, error: new SyncError('malformed', 'UpdateItem: the item was not read') };
    const ck = String(get<ews.ItemId>(item, 'Id')?.ChangeKey ?? '');
    if (r.changeKey && ck && ck !== r.changeKey)
      return {
        ok: false,
        error: new SyncError('conflict', 'the item changed in Exchange since it was read (stale ChangeKey)', {
          code: 'ErrorIrresolvableConflict',
        }),
      };
    try {
      if (!r.data && !r.abraId) throw new SyncError('validation', 'an update needs data or an AbraId');
      if (r.data) this.apply(folder, item, this.xmlSafe(r.data, at, removed), false);
      if (r.abraId && extended(item, abraIdDef) !== r.abraId) item.SetExtendedProperty(abraIdDef, r.abraId);
    } catch (e) {
      return { ok: false, error: this.asValidation(e) };
    }
    if (!item.IsDirty) return { ok: true, id: String(item.Id.UniqueId), changeKey: ck };
    return item;
  }

  /**
   * DeleteItem through the lean path (./item-xml.ts deleteItemXml, ./soap.ts), one request per batch, each through
   * the session's call; an item already gone counts as deleted. An empty id is refused before anything is sent
   * (the library wrote an ItemId without its required Id, and the whole batch failed schema validation).
   */
  async deleteItems(folder: FolderRef, ids: string[]): Promise<DeleteResult[]> {
    const results: DeleteResult[] = new Array(ids.length);
    for (const [bi, batch] of chunks(ids, this.writeBatch).entries()) {
      const base = bi * this.writeBatch;
      const index: number[] = [];
      batch.forEach((id, i) => {
        if (id) index.push(base + i);
        else
          results[base + i] = {
            ok: false,
            error: new SyncError('validation', 'DeleteItem: an empty item id'),
          };
      });
      if (!index.length) continue;
      const messages = await soapCall(
        this.session,
        'DeleteItem',
        deleteItemXml(
          folder.kind,
          index.map((at) => ids[at]!),
        ),
        responseMessages,
      );
      index.forEach((at, k) => {
        const msg = messages[k];
        const error = msg
          ? messageError(msg, 'DeleteItem')
          : new SyncError('malformed', 'DeleteItem: no answer for item');
        results[at] = !error || GONE.has(error.code ?? '') ? { ok: true } : { ok: false, error };
      });
    }
    return results;
  }
}
