/** Graph todoTask ⇄ TaskItem/TaskData (see ./map-common.ts for the conventions). */
import { htmlToText } from '../../shared/html';
import type { TaskData, TaskItem } from '../types';
import {
  ABRA_ID_PROP,
  base,
  cap,
  clean,
  fromDtz,
  IMPORTANCE,
  type Json,
  lowerFirst,
  STATUS,
  s,
  toDtz,
  toLocalMidnight,
} from './map-common';
import { ianaZone, localToUtc, utcToLocal } from './time';

export function taskFromGraph(item: Json, tz: string, folderId?: string): TaskItem {
  const body = item.body as { content?: string; contentType?: string } | undefined;
  let text = body?.content ?? '';
  if (body?.contentType === 'html') text = htmlToText(text);
  const date = (v: unknown) => {
    const u = fromDtz(v);
    // To Do keeps dates: normalise to midnight in the user's zone
    return u
      ? new Date(
          localToUtc(`${utcToLocal(Date.parse(u), ianaZone(tz)).slice(0, 10)}T00:00:00`, ianaZone(tz)),
        ).toISOString()
      : undefined;
  };
  const data: TaskData = clean({
    subject: String(item.title ?? ''),
    status: cap(item.status, STATUS, 'NotStarted')!,
    importance: cap(item.importance, IMPORTANCE),
    start: date(item.startDateTime),
    due: date(item.dueDateTime),
    completedAt: fromDtz(item.completedDateTime),
    body: s(text.replace(/\r\n/g, '\n').trimEnd()),
    categories: Array.isArray(item.categories) ? (item.categories as string[]) : undefined,
  }) as TaskData;
  if (!data.subject) data.subject = '';
  return { kind: 'task', ...base(item), folderId, data };
}

export function taskToGraph(d: TaskData, tz: string, abraId?: string): Json {
  const out: Json = {
    title: d.subject,
    status: lowerFirst(d.status),
    importance: lowerFirst(d.importance ?? 'Normal'),
    body: { contentType: 'text', content: d.body ?? '' },
    dueDateTime: d.due ? toLocalMidnight(d.due, tz) : null,
    startDateTime: d.start ? toLocalMidnight(d.start, tz) : null,
  };
  // undefined = not the caller's to write (the tasks part does not map categories): left as the user set them
  if (d.categories !== undefined) out.categories = d.categories;
  if (d.status === 'Completed' && d.completedAt) out.completedDateTime = toDtz(d.completedAt);
  if (abraId !== undefined) out.singleValueExtendedProperties = [{ id: ABRA_ID_PROP, value: abraId }];
  return out;
}
