/**
 * Tasks: ABRA activities of the types/series chosen for tasks ⇄ Exchange tasks (EWS Tasks folder, Microsoft To Do
 * over Graph): subject, start, due, status (ABRA 0/1/2/3 ↔ NotStarted/InProgress/Completed), priority, body.
 */

import type { ExchangeItem, Importance, TaskData, TaskItem, TaskStatus } from '../../exchange/types';
import { ianaZone, localToUtc, utcToLocal } from '../../shared/zone-time';
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

/**
 * The user's zone when the backend keeps a task's dates without a time of day (Microsoft To Do over Graph keeps
 * `dueDateTime`/`startDateTime` as a date: midnight in the task's zone), else null (EWS keeps the full instant of
 * StartDate/DueDate). With a zone, the tasks part compares ABRA's times by their calendar day in that zone.
 */
export function taskDateZone(ctx: Pick<RunContext, 'config' | 'exchange'>): string | null {
  return ctx.exchange?.kind === 'graph' ? ianaZone(ctx.config.exchange.timeZone) : null;
}

/** An instant as midnight of its calendar day in `zone` (UTC ISO, whole seconds); empty stays empty. */
export function dayInZone(v: unknown, zone: string): string {
  const iso = recordInstant(v);
  if (!iso) return '';
  const day = utcToLocal(Date.parse(iso), zone).slice(0, 10);
  return new Date(localToUtc(`${day}T00:00:00`, zone)).toISOString();
}

/**
 * The ABRA value to write for a task date that Outlook changed, where the backend keeps days only: the new day
 * with ABRA's own time of day in the user's zone (a moved task keeps its hour), midnight when ABRA had no time.
 */
export function onDayKeepingTime(newDay: string, abraValue: unknown, zone: string): string {
  const day = utcToLocal(Date.parse(newDay), zone).slice(0, 10);
  const old = recordInstant(abraValue);
  const time = old ? utcToLocal(Date.parse(old), zone).slice(11, 19) : '00:00:00';
  return new Date(localToUtc(`${day}T${time}`, zone)).toISOString();
}

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

/**
 * An ABRA task activity as the common record. `dateZone` (see taskDateZone): the backend keeps days only, so the
 * dates become midnight of their day in that zone — what the Outlook side can hold, so an unchanged task compares
 * equal; the time of day stays in ABRA (updateAbra never writes it away).
 */
export function activityToTask(row: AbraRow, dateZone: string | null = null): CommonRecord {
  const date = (v: unknown) => (dateZone ? dayInZone(v, dateZone) : recordInstant(v));
  return {
    subject: str(row.subject),
    start: date(row['sheduledstart$date']),
    due: date(row['sheduledend$date']),
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
      toItem: (row, inScope) => toItem(row, inScope, taskDateZone(ctx)),
    });
  },

  async loadAbraByIds(ctx, ids) {
    const out: AbraItem[] = [];
    for (const id of ids) {
      const row = await ctx.abra.get(ACTIVITIES, id);
      if (row) out.push(toItem(row, true, taskDateZone(ctx)));
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
    return { id: row.id, version: versionOf(row), record: activityToTask(row, taskDateZone(ctx)) };
  },

  async updateAbra(ctx, id, record, previous) {
    const patch = abraPatch(record, previous, TO_ABRA);
    const zone = taskDateZone(ctx);
    const moved = (['sheduledstart$date', 'sheduledend$date'] as const).filter((k) => patch[k]);
    if (zone && moved.length) {
      // The record holds days only (midnight in the user's zone): Outlook moved the task to another day, ABRA's
      // time of day goes with it instead of being replaced by midnight. Read the row for that time (the record
      // the engine passes as `previous` holds days too).
      const current = await ctx.abra.get(ACTIVITIES, id);
      for (const k of moved) patch[k] = onDayKeepingTime(str(patch[k]), current?.[k], zone);
    }
    const row = await ctx.abra.update(ACTIVITIES, id, patch);
    return { version: versionOf(row) };
  },

  async deleteAbra(ctx, id) {
    await ctx.abra.delete(ACTIVITIES, id);
  },

  createdSince: (ctx, since) =>
    activitiesCreatedSince(ctx, cfgOf(ctx), since, (row) => toItem(row, true, taskDateZone(ctx))),

  leftoverFits: (sent, found) => sameText(sent.subject, found.subject) || sameInstant(sent.due, found.due),

  nameOf: (r) => str(r.subject),
};

function toItem(row: AbraRow, inScope: boolean, dateZone: string | null): AbraItem {
  return {
    id: row.id,
    version: versionOf(row),
    record: activityToTask(row, dateZone),
    inScope,
    name: str(row.subject) || row.id,
    modifiedAt: modifiedAtOf(row),
  };
}
