import {
  ABRA_ID_PROPERTY_NAME,
  ABRA_PROPERTY_SET_ID,
  type EmailAddress,
  type Importance,
  type Sensitivity,
  type ShowAs,
  type TaskStatus,
} from '../types';
import { ianaZone, localToUtc, utcToLocal } from './time';

/** `String {guid} Name AbraId` — the same MAPI named property the EWS backend stamps. */
export const ABRA_ID_PROP = `String {${ABRA_PROPERTY_SET_ID}} Name ${ABRA_ID_PROPERTY_NAME}`;
/** PidTagBusinessFaxNumber (Graph v1.0 contact has no fax property). */
export const FAX_PROP = 'String 0x3A24';
/** PidTagMessageClass. */
export const ITEM_CLASS_PROP = 'String 0x001A';
/** PidTagMessageSize. */
export const SIZE_PROP = 'Integer 0x0E08';
/** PidTagSensitivity (0 normal, 1 personal, 2 private, 3 confidential). */
export const SENSITIVITY_PROP = 'Integer 0x0036';

/** An OData string literal: in single quotes, a quote inside doubled (`O'Brien` → `'O''Brien'`). */
export const odataString = (v: string) => `'${v.replace(/'/g, "''")}'`;

export const expandOf = (...ids: string[]) =>
  `singleValueExtendedProperties($filter=${ids.map((i) => `id eq ${odataString(i)}`).join(' or ')})`;

export type Json = Record<string, unknown>;
export interface DTZ {
  dateTime?: string;
  timeZone?: string;
}
export interface GAddr {
  emailAddress?: { name?: string; address?: string };
}

export const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function extValue(item: Json, id: string): string | undefined {
  const props = item.singleValueExtendedProperties as { id?: string; value?: string }[] | undefined;
  const want = id.replace(/\s+/g, ' ').toLowerCase();
  return props?.find((p) => p.id?.replace(/\s+/g, ' ').toLowerCase() === want)?.value;
}

/** UTC ISO with ms from a Graph instant text (`2026-11-24T09:00:00Z`, with or without fraction). */
export function iso(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** dateTimeTimeZone → UTC ISO. */
export function fromDtz(v: unknown): string | undefined {
  const d = v as DTZ | null | undefined;
  if (!d?.dateTime) return undefined;
  const t = localToUtc(d.dateTime, d.timeZone ?? 'UTC');
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function toDtz(isoUtc: string): DTZ {
  return { dateTime: new Date(isoUtc).toISOString().replace('Z', '0000'), timeZone: 'UTC' };
}

/** A UTC instant → the date in the user's zone at midnight, as Graph wants for all-day events and To Do dates. */
export function toLocalMidnight(isoUtc: string, tz: string): DTZ {
  return {
    dateTime: `${utcToLocal(Date.parse(isoUtc), ianaZone(tz)).slice(0, 10)}T00:00:00.0000000`,
    timeZone: tz,
  };
}

/** A floating date of an all-day event (any zone label) → midnight in the user's zone as UTC ISO. */
export function floatingToUtc(v: unknown, tz: string): string | undefined {
  const d = v as DTZ | null | undefined;
  if (!d?.dateTime) return undefined;
  const t = localToUtc(`${d.dateTime.slice(0, 10)}T00:00:00`, ianaZone(tz));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function addr(a: unknown): EmailAddress | undefined {
  const e = (a as GAddr | null | undefined)?.emailAddress;
  if (!e?.address) return undefined;
  return e.name && e.name !== e.address ? { address: e.address, name: e.name } : { address: e.address };
}

export function addrs(v: unknown): EmailAddress[] {
  return Array.isArray(v) ? v.map(addr).filter((x): x is EmailAddress => !!x) : [];
}

export function clean<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  const src = o as Record<string, unknown>;
  // Object.keys, not Object.entries: no [key, value] array per field of every mapped item (issue #17)
  for (const k of Object.keys(src)) {
    const v = src[k];
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
    } else if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out as T;
}

export const cap = <T extends string>(v: unknown, all: readonly T[], dflt?: T): T | undefined => {
  const x = typeof v === 'string' ? all.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  return x ?? dflt;
};
export const lowerFirst = (v: string) => v.charAt(0).toLowerCase() + v.slice(1);

export const SENS: readonly Sensitivity[] = ['Normal', 'Personal', 'Private', 'Confidential'];
export const STATUS: readonly TaskStatus[] = [
  'NotStarted',
  'InProgress',
  'Completed',
  'WaitingOnOthers',
  'Deferred',
];
export const IMPORTANCE: readonly Importance[] = ['Low', 'Normal', 'High'];
export const SHOWAS: Record<string, ShowAs> = {
  free: 'Free',
  tentative: 'Tentative',
  busy: 'Busy',
  oof: 'OOF',
  workingelsewhere: 'WorkingElsewhere',
  unknown: 'NoData',
};

export function etagKey(item: Json): string {
  const ck = s(item.changeKey);
  if (ck) return ck;
  const et = s(item['@odata.etag']);
  return et ? et.replace(/^W\//, '').replace(/^"|"$/g, '') : '';
}

export function base(item: Json) {
  return {
    id: String(item.id),
    changeKey: etagKey(item),
    abraId: extValue(item, ABRA_ID_PROP) ?? null,
    lastModified: iso(item.lastModifiedDateTime),
  };
}
