/**
 * Tasks: ABRA activities of the types/series chosen for tasks ⇄ Exchange tasks (EWS Tasks folder, Microsoft To Do
 * over Graph): subject, start, due, status (ABRA 0/1/2/3 ↔ NotStarted/InProgress/Completed), priority, body.
 */
import type { ExchangeItem, Importance, TaskData, TaskItem, TaskStatus } from '../../exchange/types';
import type { TasksConfig } from '../config';
import type { AbraItem, ExItem, TwoWayPart } from '../part';
import type { AbraRow, RunContext } from '../ports';
import type { CommonRecord } from '../record';
import {
  ACTIVITIES,
  abraPatch,
  activitiesCreatedSince,
  hasOptInCategory,
  loadActivities,
  modifiedAtOf,
  newActivityBody,
  recordInstant,
  sameInstant,
  sameText,
  str,
  versionOf,
} from './activities';

const cfgOf = (ctx: RunContext): TasksConfig => ctx.config.parts.tasks;

/** ABRA status: 0 not started, 1 in progress, 2 done, 3 handed over (counts as done). */
export function statusFromAbra(v: unknown): 'NotStarted' | 'InProgress' | 'Completed' {
  const n = Number(v);
  if (n === 1) return 'InProgress';
  if (n === 2 || n === 3) return 'Completed';
  return 'NotStarted';
}

export function statusToAbra(s: unknown): number {
  if (s === 'InProgress') return 1;
  if (s === 'Completed') return 2;
  return 0;
}

function statusFromExchange(s: TaskStatus): 'NotStarted' | 'InProgress' | 'Completed' {
  if (s === 'Completed') return 'Completed';
  if (s === 'InProgress' || s === 'WaitingOnOthers') return 'InProgress';
  return 'NotStarted';
}

/** ABRA priority 0–3 ↔ Outlook importance. */
export function importanceFromAbra(v: unknown): Importance {
  const n = Number(v);
  if (n <= 0) return 'Low';
  if (n === 1) return 'Normal';
  return 'High';
}

export function importanceToAbra(v: unknown): number {
  return v === 'Low' ? 0 : v === 'High' ? 2 : 1;
}

export function activityToTask(row: AbraRow): CommonRecord {
  return {
    subject: str(row.subject),
    start: recordInstant(row['sheduledstart$date']),
    due: recordInstant(row['sheduledend$date']),
    status: statusFromAbra(row.status),
    importance: importanceFromAbra(row.priority ?? 1),
    body: str(row.description),
  };
}

const TO_ABRA: Record<string, (v: unknown) => [string, unknown][]> = {
  subject: (v) => [['subject', str(v)]],
  start: (v) => [['sheduledstart$date', str(v) || null]],
  due: (v) => [['sheduledend$date', str(v) || null]],
  status: (v) => [['status', statusToAbra(v)]],
  importance: (v) => [['priority', importanceToAbra(v)]],
  body: (v) => [['description', str(v)]],
};

export const tasksPart: TwoWayPart = {
  name: 'tasks',
  folderKind: 'tasks',
  direction: (ctx) => cfgOf(ctx).direction,

  loadAbra(ctx, cursor, links) {
    return loadActivities(ctx, cursor, links, {
      part: 'tasks',
      cfg: cfgOf(ctx),
      toItem: (row, inScope) => toItem(row, inScope),
    });
  },

  async loadAbraByIds(ctx, ids) {
    const out: AbraItem[] = [];
    for (const id of ids) {
      const row = await ctx.abra.get(ACTIVITIES, id);
      if (row) out.push(toItem(row, true));
    }
    return out;
  },

  fromExchange(ctx, item: ExchangeItem): ExItem | null {
    if (item.kind !== 'task') return null;
    const t = item as TaskItem;
    const d = t.data;
    const record: CommonRecord = {
      subject: d.subject ?? '',
      start: recordInstant(d.start),
      due: recordInstant(d.due),
      status: statusFromExchange(d.status),
      importance: d.importance ?? 'Normal',
      body: (d.body ?? '').trim(),
    };
    const skipPrivate = cfgOf(ctx).privateItems === 'skip' && d.sensitivity === 'Private';
    const newInAbra = hasOptInCategory(cfgOf(ctx).newItemsCategory, d.categories);
    return {
      key: t.id,
      id: t.id,
      changeKey: t.changeKey,
      record,
      inScope: !skipPrivate,
      newInAbra,
      name: d.subject || '(no subject)',
      abraId: t.abraId ?? null,
      modifiedAt: t.lastModified,
    };
  },

  pairKeys: (r) => [`${str(r.subject).trim().toLowerCase()}|${str(r.due)}`],

  toExchange(_ctx, r): TaskData {
    return {
      subject: str(r.subject),
      start: str(r.start) || null,
      due: str(r.due) || null,
      status: (str(r.status) || 'NotStarted') as TaskStatus,
      importance: (str(r.importance) || 'Normal') as Importance,
      body: str(r.body),
    };
  },

  async createAbra(ctx, record) {
    const body = {
      ...(await newActivityBody(ctx, cfgOf(ctx), 'tasks')),
      ...abraPatch(record, null, TO_ABRA),
    };
    // An ABRA activity always has a scheduled start (its period is derived from it); an Outlook task often has
    // none: take its due date, else today.
    if (!body['sheduledstart$date']) body['sheduledstart$date'] = str(record.due) || ctx.now().toISOString();
    const row = await ctx.abra.create(ACTIVITIES, body);
    return { id: row.id, version: versionOf(row), record: activityToTask(row) };
  },

  async updateAbra(ctx, id, record, previous) {
    const row = await ctx.abra.update(ACTIVITIES, id, abraPatch(record, previous, TO_ABRA));
    return { version: versionOf(row) };
  },

  async deleteAbra(ctx, id) {
    await ctx.abra.delete(ACTIVITIES, id);
  },

  createdSince: (ctx, since) => activitiesCreatedSince(ctx, cfgOf(ctx), since, (row) => toItem(row, true)),

  leftoverFits: (sent, found) => sameText(sent.subject, found.subject) || sameInstant(sent.due, found.due),

  nameOf: (r) => str(r.subject),
};

function toItem(row: AbraRow, inScope: boolean): AbraItem {
  return {
    id: row.id,
    version: versionOf(row),
    record: activityToTask(row),
    inScope,
    name: str(row.subject) || row.id,
    modifiedAt: modifiedAtOf(row),
  };
}
