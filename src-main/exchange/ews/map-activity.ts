/** Appointments and tasks: library Appointment/Task ⇄ AppointmentData/TaskData (see ./map.ts). */
import type {
  AppointmentData,
  CalendarEvent,
  CalendarItemType,
  Importance,
  Sensitivity,
  ShowAs,
  TaskData,
  TaskItem,
  TaskStatus,
} from '../types';
import { ews } from './ews-lib';
import {
  address,
  addressList,
  base,
  bodyText,
  categories,
  enumName,
  get,
  prune,
  put,
  putEnum,
  sameInstant,
  setBody,
  setCategories,
  setOrClear,
  str,
  toEwsDate,
  toIso,
} from './map';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are read reflectively
type Any = any;

// ---------- appointments ----------

const SHOW_AS: ShowAs[] = ['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData'];

export function toEvent(item: Any): CalendarEvent {
  const b = base(item);
  const typeName = (enumName(ews.AppointmentType, get(item, 'AppointmentType')) ??
    'Single') as CalendarItemType;
  const itemType: CalendarItemType = ['Single', 'Occurrence', 'Exception', 'RecurringMaster'].includes(
    typeName,
  )
    ? typeName
    : 'Single';
  const start = toIso(get(item, 'Start')) ?? '';
  const uid = str(get(item, 'ICalUid'));
  const organizer = address(get(item, 'Organizer'));
  const attendees = [
    ...addressList(get(item, 'RequiredAttendees')),
    ...addressList(get(item, 'OptionalAttendees')),
  ];
  const showAs = enumName(ews.LegacyFreeBusyStatus, get(item, 'LegacyFreeBusyStatus')) as ShowAs | undefined;
  const reminderSet = get<boolean>(item, 'IsReminderSet');
  const data = prune<AppointmentData>({
    subject: str(get(item, 'Subject')) ?? '',
    start,
    end: toIso(get(item, 'End')) ?? start,
    isAllDay: get<boolean>(item, 'IsAllDayEvent') === true ? true : undefined,
    location: str(get(item, 'Location')),
    body: bodyText(item),
    sensitivity: enumName(ews.Sensitivity, get(item, 'Sensitivity')) as Sensitivity | undefined,
    showAs: showAs && SHOW_AS.includes(showAs) ? showAs : undefined,
    categories: categories(item),
    attendees: attendees.length ? attendees : undefined,
    organizer,
    reminderMinutesBeforeStart:
      reminderSet === false ? null : (get<number>(item, 'ReminderMinutesBeforeStart') ?? undefined),
  });
  const ev: CalendarEvent = { ...b, kind: 'appointment', key: b.id, itemType, data };
  if (itemType === 'Occurrence' || itemType === 'Exception') {
    const original = toIso(get(item, 'OriginalStart')) ?? toIso(get(item, 'ICalRecurrenceId')) ?? start;
    ev.originalStart = original;
    if (uid) {
      ev.seriesKey = uid;
      ev.key = `${uid}|${original}`;
    }
  } else if (itemType === 'RecurringMaster' && uid) {
    ev.seriesKey = uid;
  }
  return ev;
}

/** The library's TimeZoneInfo for a Windows zone id, or null when the library does not know it. */
export function libraryZone(windowsZone: string | null): Any | null {
  if (!windowsZone) return null;
  try {
    return ews.TimeZoneInfo.FindSystemTimeZoneById(windowsZone);
  } catch {
    return null;
  }
}

/**
 * Exchange 2007 (RequestServerVersion Exchange2007_SP1) knows only `MeetingTimeZone`, which the library writes
 * for `StartTimeZone`; `EndTimeZone` does not exist there (the library throws at assignment). An appointment
 * written without it becomes a UTC series on 2007 and moves by an hour at every daylight-saving change, so in
 * that mode a missing zone is an error, never skipped.
 */
export function setAppointmentZone(item: Any, windowsZone: string | null, legacy2007: boolean): void {
  const tz = libraryZone(windowsZone);
  if (legacy2007) {
    if (!tz)
      throw new Error(
        `Exchange 2007 needs the appointment's time zone, and ${windowsZone ?? 'none'} is not one the EWS library knows`,
      );
    item.StartTimeZone = tz;
    return;
  }
  // Exchange 2010+: without a zone the times are still exact UTC instants (only a series' local time needs it)
  if (!tz) return;
  item.StartTimeZone = tz;
  item.EndTimeZone = tz;
}

export function applyAppointment(
  item: Any,
  d: AppointmentData,
  isNew: boolean,
  windowsZone: string | null,
  legacy2007 = false,
): void {
  put(item, 'Subject', d.subject ?? '', isNew, (cur) => (str(cur) ?? '') === (d.subject ?? ''));
  const end = d.end || d.start;
  const timesChanged =
    isNew || !sameInstant(d.start)(get(item, 'Start')) || !sameInstant(end)(get(item, 'End'));
  if (timesChanged) {
    setAppointmentZone(item, windowsZone, legacy2007);
    item.Start = toEwsDate(d.start);
    item.End = toEwsDate(end);
  }
  // Fields the caller leaves undefined are not its to write (ABRA has no location, categories or all-day flag):
  // they stay as the user set them in Outlook. '' / [] clear them.
  if (d.isAllDay !== undefined)
    put(item, 'IsAllDayEvent', d.isAllDay === true, isNew, (cur) => (cur === true) === (d.isAllDay === true));
  if (d.location !== undefined) setOrClear(item, 'Location', d.location, isNew);
  setBody(item, d.body, isNew);
  putEnum(item, 'Sensitivity', ews.Sensitivity, d.sensitivity ?? 'Normal', isNew);
  if (d.showAs) putEnum(item, 'LegacyFreeBusyStatus', ews.LegacyFreeBusyStatus, d.showAs, isNew);
  if (d.categories !== undefined) setCategories(item, d.categories, isNew);
  if (d.reminderMinutesBeforeStart === null) put(item, 'IsReminderSet', false, isNew);
  else if (typeof d.reminderMinutesBeforeStart === 'number') {
    put(item, 'IsReminderSet', true, isNew);
    put(item, 'ReminderMinutesBeforeStart', d.reminderMinutesBeforeStart, isNew);
  }
}

// ---------- tasks ----------

const TASK_STATUS: TaskStatus[] = ['NotStarted', 'InProgress', 'Completed', 'WaitingOnOthers', 'Deferred'];

export function toTask(item: Any): TaskItem {
  const status = enumName(ews.TaskStatus, get(item, 'Status')) as TaskStatus | undefined;
  const data = prune<TaskData>({
    subject: str(get(item, 'Subject')) ?? '',
    start: toIso(get(item, 'StartDate')) ?? null,
    due: toIso(get(item, 'DueDate')) ?? null,
    completedAt: toIso(get(item, 'CompleteDate')) ?? null,
    status: status && TASK_STATUS.includes(status) ? status : 'NotStarted',
    importance: enumName(ews.Importance, get(item, 'Importance')) as Importance | undefined,
    percentComplete: get<number>(item, 'PercentComplete'),
    body: bodyText(item),
    sensitivity: enumName(ews.Sensitivity, get(item, 'Sensitivity')) as Sensitivity | undefined,
    categories: categories(item),
  });
  return { ...base(item), kind: 'task', data };
}

export function applyTask(item: Any, d: TaskData, isNew: boolean): void {
  put(item, 'Subject', d.subject ?? '', isNew, (cur) => (str(cur) ?? '') === (d.subject ?? ''));
  for (const [field, prop] of [
    ['start', 'StartDate'],
    ['due', 'DueDate'],
  ] as const) {
    const v = d[field];
    if (v) put(item, prop, toEwsDate(v), isNew, sameInstant(v));
    else if (!isNew && get(item, prop) !== undefined) item[prop] = null;
  }
  putEnum(item, 'Status', ews.TaskStatus, TASK_STATUS.includes(d.status) ? d.status : 'NotStarted', isNew);
  if (d.status === 'Completed' && d.completedAt)
    put(item, 'CompleteDate', toEwsDate(d.completedAt), isNew, sameInstant(d.completedAt));
  if (typeof d.percentComplete === 'number' && d.status !== 'Completed' && d.status !== 'NotStarted')
    put(item, 'PercentComplete', d.percentComplete, isNew);
  putEnum(item, 'Importance', ews.Importance, d.importance ?? 'Normal', isNew);
  setBody(item, d.body, isNew);
  // undefined = not the caller's to write (the tasks part maps neither): left as the user set it
  if (d.sensitivity !== undefined || isNew)
    putEnum(item, 'Sensitivity', ews.Sensitivity, d.sensitivity ?? 'Normal', isNew);
  if (d.categories !== undefined) setCategories(item, d.categories, isNew);
}
