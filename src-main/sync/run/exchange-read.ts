/** Reading the part's Exchange folder since its cursor, page by page, into mapped items. */
import type { ExchangeItem, FolderRef } from '../../exchange/types';
import { SyncError } from '../../shared/errors';
import type { ExItem, TwoWayPart } from '../part';
import type { RunContext } from '../ports';
import type { Link } from '../state/store';

export interface ExchangeRead {
  items: Map<string, ExItem>;
  deletedIds: Set<string>;
  /** Series whose occurrences were listed completely: key → occurrence keys seen. */
  seriesSeen: Map<string, Set<string>>;
  cursor: string;
  full: boolean;
}

export async function readExchange(
  part: TwoWayPart,
  ctx: RunContext,
  folder: FolderRef,
  cursor: string | null,
  linkByExId: Map<string, Link>,
): Promise<ExchangeRead> {
  const options = { pageSize: 512, ...(part.changeOptions?.(ctx) ?? {}) };
  const attempt = async (start: string | null): Promise<ExchangeRead> => {
    const items = new Map<string, ExItem>();
    const deletedIds = new Set<string>();
    const seriesSeen = new Map<string, Set<string>>();
    let c = start;
    // An incremental read may skip the echo of our own writes (same id and ChangeKey as the link holds); a complete
    // read must see every item, since what it does not see counts as gone.
    const readOptions = {
      ...options,
      isKnown:
        start === null
          ? undefined
          : (id: string, changeKey: string) => linkByExId.get(id)?.exChangeKey === changeKey,
    };
    for (let page = 0; page < 100000; page++) {
      const p = await ctx.exchange.getChanges<ExchangeItem>(folder, c, readOptions);
      for (const ch of p.changes) {
        if (ch.type === 'delete') {
          deletedIds.add(ch.id);
          // a deleted series master: every linked occurrence of it is gone
          const l = linkByExId.get(ch.id);
          if (l?.seriesKey) seriesSeen.set(l.seriesKey, seriesSeen.get(l.seriesKey) ?? new Set());
        } else if (ch.type === 'upsert') {
          const m = part.fromExchange(ctx, ch.item);
          if (m) {
            items.set(m.key, m);
            deletedIds.delete(m.id);
          }
        } else {
          const seen = new Set<string>();
          for (const o of ch.occurrences) {
            const m = part.fromExchange(ctx, o);
            if (m) {
              items.set(m.key, m);
              seen.add(m.key);
            }
          }
          seriesSeen.set(ch.seriesKey, seen);
        }
      }
      c = p.cursor;
      ctx.progress({ phase: 'reading', done: items.size, total: 0 });
      if (!p.more) break;
    }
    return { items, deletedIds, seriesSeen, cursor: c ?? '', full: start === null };
  };
  try {
    return await attempt(cursor);
  } catch (e) {
    if (cursor !== null && e instanceof SyncError && e.kind === 'cursorInvalid') {
      // The server forgot our sync state: read everything again; links and pairing prevent duplicates.
      return attempt(null);
    }
    throw e;
  }
}
