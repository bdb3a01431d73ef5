/** FindItem: IndexedPageItemView paging, Restriction, SortOrder, and CalendarView expanding recurring series. */
import type { Occurrence } from '../recurrence';
import { NON_SUMMARY, occurrenceProperties, properties, writeItem } from '../serialize';
import { errorMessage, responseBody, success } from '../soap';
import { type ExtProp, type Item, parseDate, StoreError } from '../store';
import type { XNode } from '../xml';
import { child, children, tag } from '../xml';
import { checkSummary, fieldValue, type OpContext, parseShape, resolveFolder } from './common';
import { paginate } from './folders';
import { evaluate } from './restriction';

interface Row {
  element: string;
  props: Map<string, XNode>;
  ext: ExtProp[];
  start?: number;
  item: Item;
  occ?: Occurrence;
}

export function findItem(ctx: OpContext, req: XNode): string {
  const msg = 'FindItemResponseMessage';
  const parents = children(child(req, 'ParentFolderIds'));
  return responseBody(
    'FindItem',
    parents.map((pid) => {
      try {
        for (const n of [
          'QueryString',
          'GroupBy',
          'DistinguishedGroupBy',
          'ContactsView',
          'FractionalPageItemView',
          'SeekToConditionPageItemView',
        ])
          if (child(req, n))
            throw new StoreError(
              'ErrorInvalidRequest',
              `FindItem with ${n} is not supported by the EWS emulator.`,
            );
        const shape = parseShape(ctx, child(req, 'ItemShape'), true);
        checkSummary(shape, NON_SUMMARY);
        const folder = resolveFolder(ctx, pid);
        const cal = child(req, 'CalendarView');
        const rows: Row[] = [];
        const items = ctx.store.folderItems(folder);
        if (cal) {
          const from = parseDate(cal.attrs.StartDate);
          const to = parseDate(cal.attrs.EndDate);
          if (!from || !to || to.getTime() < from.getTime())
            throw new StoreError('ErrorInvalidRequest', 'CalendarView StartDate must be before EndDate.');
          if (to.getTime() - from.getTime() > 2 * 366 * 86400000)
            throw new StoreError(
              'ErrorCalendarViewRangeTooBig',
              'The CalendarView range is too big (more than two years).',
            );
          for (const it of items) {
            if (it.element !== 'CalendarItem') continue;
            if (it.props.has('Recurrence')) {
              for (const o of ctx.store.occurrences(it, to)) {
                const props = occurrenceProperties(ctx.store, it, o, shape);
                const s = parseDate(props.get('Start')?.text)?.getTime() ?? 0;
                const e = parseDate(props.get('End')?.text)?.getTime() ?? s;
                if (s < to.getTime() && e > from.getTime())
                  rows.push({ element: 'CalendarItem', props, ext: it.ext, start: s, item: it, occ: o });
              }
            } else {
              const props = properties(ctx.store, it, shape);
              const s = parseDate(props.get('Start')?.text)?.getTime() ?? 0;
              const e = parseDate(props.get('End')?.text)?.getTime() ?? s;
              if (s < to.getTime() && (e > from.getTime() || (e === s && s >= from.getTime())))
                rows.push({ element: it.element, props, ext: it.ext, start: s, item: it });
            }
          }
          rows.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
        } else {
          for (const it of items)
            rows.push({
              element: it.element,
              props: properties(ctx.store, it, shape),
              ext: it.ext,
              item: it,
            });
          const msgs = rows.length && rows.every((r) => r.element === 'Message');
          if (msgs) rows.reverse();
        }
        const restriction = child(req, 'Restriction')?.children[0];
        let matching = restriction
          ? rows.filter((r) => evaluate(restriction, (p) => fieldValue(r.props, r.ext, p, r.element)))
          : rows;
        const orders = children(child(req, 'SortOrder'), 'FieldOrder');
        if (orders.length) {
          matching = [...matching].sort((a, b) => {
            for (const o of orders) {
              const p = o.children[0];
              if (!p) continue;
              const va = fieldValue(a.props, a.ext, p, a.element) ?? '';
              const vb = fieldValue(b.props, b.ext, p, b.element) ?? '';
              const c = va.localeCompare(vb, 'en', { numeric: true, sensitivity: 'base' });
              if (c) return o.attrs.Order === 'Descending' ? -c : c;
            }
            return 0;
          });
        }
        let page: Row[];
        let attrs: Record<string, string | number | boolean | undefined>;
        if (cal) {
          const max = cal.attrs.MaxEntriesReturned ? Number(cal.attrs.MaxEntriesReturned) : matching.length;
          page = matching.slice(0, max);
          attrs = {
            TotalItemsInView: matching.length,
            IncludesLastItemInRange: page.length === matching.length,
          };
        } else {
          const view = child(req, 'IndexedPageItemView');
          const r = paginate(matching, view);
          page = r.page;
          attrs = {
            IndexedPagingOffset: view ? r.offset : undefined,
            TotalItemsInView: matching.length,
            IncludesLastItemInRange: r.last,
          };
        }
        const xml = page.map((r) => writeItem(r.element, r.props, r.ext, shape, r.item.mime)).join('');
        return success(msg, tag('m:RootFolder', attrs, tag('t:Items', {}, xml)));
      } catch (e) {
        if (e instanceof StoreError) return errorMessage(msg, e.code, e.message);
        throw e;
      }
    }),
  );
}
