/**
 * Reading items over Graph: by id (batched) and by their AbraId stamp (a filter on the extended property, or a scan
 * where the resource does not filter on it). Calendar occurrences get their master's iCalUId as the series key.
 */
import type { ExchangeItem, FolderRef } from '../types';
import type { BatchRequest, BatchResponse, GraphHttp } from './http';
import { areaOf, collectionPath, enc, gone, itemPath, mapItem, readQuery } from './kinds';
import { ABRA_ID_PROP, eventFromGraph, type Json, odataString } from './map';

export class GraphReads {
  constructor(
    private readonly http: GraphHttp,
    private readonly tz: string,
  ) {}

  async getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]> {
    if (!ids.length) return [];
    const q = `?${readQuery(folder)}`;
    const res = await this.http.batch(
      ids.map((id) => ({ method: 'GET', url: `${itemPath(folder, id)}${q}` })),
    );
    const found: Json[] = [];
    for (const r of res) {
      if (gone(r)) continue;
      if (r.error) throw r.error;
      found.push(r.body as Json);
    }
    return (await this.mapWithSeries(folder, found)) as T[];
  }

  /** Map items; calendar occurrences/exceptions get the master's iCalUId as their series key. */
  private async mapWithSeries(folder: FolderRef, items: Json[]): Promise<ExchangeItem[]> {
    if (areaOf(folder.kind) !== 'calendar') return items.map((x) => mapItem(folder, this.tz, x));
    const masters = [
      ...new Set(
        items
          .filter((x) => x.type === 'occurrence' || x.type === 'exception')
          .map((x) => String(x.seriesMasterId)),
      ),
    ];
    const keys = new Map<string, string>();
    const res = await this.http.batch(
      masters.map((m) => ({ method: 'GET', url: `/me/events/${enc(m)}?$select=id,iCalUId` })),
    );
    res.forEach((r, i) => {
      if (!r.error) keys.set(masters[i]!, String((r.body as Json).iCalUId));
    });
    return items.map((x) => eventFromGraph(x, this.tz, keys.get(String(x.seriesMasterId))));
  }

  async findByAbraIds<T extends ExchangeItem>(folder: FolderRef, abraIds: string[]): Promise<T[]> {
    const wanted = [...new Set(abraIds.filter(Boolean))];
    if (!wanted.length) return [];
    const base =
      areaOf(folder.kind) === 'mail' ? `/me/mailFolders/${enc(folder.id)}/messages` : collectionPath(folder);
    const q = readQuery(folder);
    const reqs: BatchRequest[] = wanted.map((a) => ({
      method: 'GET',
      url: `${base}?$filter=${enc(`singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(ABRA_ID_PROP)} and ep/value eq ${odataString(a)})`)}&${q}`,
    }));
    const res: BatchResponse[] = await this.http.batch(reqs);
    const items: Json[] = [];
    let unsupported = false;
    for (const r of res) {
      if (r.error) {
        if (r.error.kind === 'config' || r.error.kind === 'validation') {
          unsupported = true; // the resource does not filter on extended properties: scan instead
          break;
        }
        throw r.error;
      }
      const b = r.body as { value?: Json[]; '@odata.nextLink'?: string };
      items.push(...(b.value ?? []));
      if (b['@odata.nextLink']) items.push(...(await this.http.getAll<Json>(b['@odata.nextLink'])));
    }
    if (unsupported) {
      const all = await this.http.getAll<Json>(`${base}?${q}&$top=100`);
      const set = new Set(wanted);
      const hits = all.filter((x) => {
        const v = mapItem(folder, this.tz, x).abraId;
        return v && set.has(v);
      });
      return (await this.mapWithSeries(folder, hits)) as T[];
    }
    const byId = new Map(items.map((x) => [String(x.id), x]));
    return (await this.mapWithSeries(folder, [...byId.values()])) as T[];
  }
}
