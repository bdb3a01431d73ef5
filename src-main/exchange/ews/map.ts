/**
 * Conversions between ews-javascript-api objects and the backend-neutral item types of `../types.ts`: the shared
 * readers and setters here, one file per kind beside it (./map-contact.ts, ./map-activity.ts, ./map-message.ts);
 * what GetItem asks for is in ./properties.ts and must match.
 * Reads are defensive: a property the server did not return reads as absent (the library throws on unloaded
 * properties). Writes set every mapped field that is present and clear the ones that are absent.
 */

import { htmlToText } from '../../shared/html';
import { ABRA_ID_PROPERTY_NAME, ABRA_PROPERTY_SET_ID, type EmailAddress } from '../types';
import { ews } from './ews-lib';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are read reflectively
type Any = any;

export const abraIdDef = new ews.ExtendedPropertyDefinition(
  new ews.Guid(ABRA_PROPERTY_SET_ID),
  ABRA_ID_PROPERTY_NAME,
  ews.MapiPropertyType.String,
);
/** PidTagDisplayNamePrefix (0x3A45): the contact's title ("Ing.", "Dr."), not exposed by EWS as a field. */
export const titleDef = new ews.ExtendedPropertyDefinition(0x3a45, ews.MapiPropertyType.String);

/** Read a property without the library's "not loaded" exception. */
export function get<T = Any>(obj: Any, name: string): T | undefined {
  try {
    const v = obj?.[name];
    return v === null ? undefined : (v as T);
  } catch {
    return undefined;
  }
}

export function extended(item: Any, def: Any): string | undefined {
  try {
    const out: { outValue: Any } = { outValue: null };
    if (item.ExtendedProperties?.TryGetValue(def, out) && out.outValue != null) return String(out.outValue);
  } catch {
    /* not loaded */
  }
  return undefined;
}

export function toIso(dt: Any): string | undefined {
  if (dt == null) return undefined;
  try {
    const ms =
      typeof dt === 'object' && 'TotalMilliSeconds' in dt ? dt.TotalMilliSeconds : Date.parse(String(dt));
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
    return new Date(ms).toISOString();
  } catch {
    return undefined;
  }
}

export function toEwsDate(iso: string): Any {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`not a valid instant: ${iso}`);
  return new ews.DateTime(ms);
}

export function enumName(enumObj: Any, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  return enumObj[v as number] as string | undefined;
}

export function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

export function bodyText(item: Any): string | undefined {
  const b = get(item, 'Body');
  if (!b) return undefined;
  const text = str(b.Text ?? b.text);
  if (text === undefined) return undefined;
  const type = enumName(ews.BodyType, b.BodyType);
  return type === 'HTML' ? htmlToText(text) : text;
}

export function categories(item: Any): string[] | undefined {
  const c = get(item, 'Categories');
  if (!c) return undefined;
  const items: unknown[] =
    c.items ?? c.Items ?? (typeof c.GetEnumerator === 'function' ? c.GetEnumerator() : []);
  const list = items.map(String).filter(Boolean);
  return list.length ? list : undefined;
}

export function address(a: Any): EmailAddress | undefined {
  if (!a) return undefined;
  const addr = str(a.Address);
  if (!addr) return undefined;
  const name = str(a.Name);
  return name ? { address: addr, name } : { address: addr };
}

export function addressList(c: Any): EmailAddress[] {
  if (!c) return [];
  const items: Any[] = c.items ?? c.Items ?? (typeof c.GetEnumerator === 'function' ? c.GetEnumerator() : []);
  return items.map(address).filter((x): x is EmailAddress => !!x);
}

export function base(item: Any): {
  id: string;
  changeKey: string;
  abraId: string | null;
  lastModified?: string;
  folderId?: string;
} {
  const id = get(item, 'Id');
  const parent = get(item, 'ParentFolderId');
  const out: {
    id: string;
    changeKey: string;
    abraId: string | null;
    lastModified?: string;
    folderId?: string;
  } = {
    id: String(id?.UniqueId ?? ''),
    changeKey: String(id?.ChangeKey ?? ''),
    abraId: extended(item, abraIdDef) ?? null,
  };
  const lm = toIso(get(item, 'LastModifiedTime'));
  if (lm) out.lastModified = lm;
  if (parent?.UniqueId) out.folderId = String(parent.UniqueId);
  return out;
}

export function prune<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function setOrClear(item: Any, name: string, value: unknown, isNew: boolean): void {
  const has = value !== undefined && value !== null && value !== '';
  const cur = isNew ? undefined : get(item, name);
  if (has) {
    if (cur === undefined || String(cur) !== String(value)) item[name] = value;
  } else if (cur !== undefined && cur !== '') item[name] = null;
}

export function setBody(item: Any, text: string | undefined, isNew: boolean): void {
  const cur = isNew ? undefined : bodyText(item);
  if (text) {
    if (cur !== text) item.Body = new ews.MessageBody(ews.BodyType.Text, text);
  } else if (cur) item.Body = new ews.MessageBody(ews.BodyType.Text, '');
}

export function setCategories(item: Any, cats: string[] | undefined, isNew: boolean): void {
  if (!isNew && JSON.stringify(categories(item) ?? []) === JSON.stringify(cats ?? [])) return;
  if (cats?.length) {
    const sl = new ews.StringList();
    for (const c of cats) sl.Add(c);
    item.Categories = sl;
  } else if (!isNew && categories(item)) {
    item.Categories = new ews.StringList();
  }
}

export function setExtended(item: Any, def: Any, value: string | undefined, isNew: boolean): void {
  if (value) {
    if (isNew || extended(item, def) !== value) item.SetExtendedProperty(def, value);
  } else if (!isNew && extended(item, def) !== undefined) item.RemoveExtendedProperty(def);
}

/** Set a property only when it differs from what the item has (an unchanged update sends nothing). */
export function put(
  item: Any,
  name: string,
  value: unknown,
  isNew: boolean,
  same?: (cur: unknown) => boolean,
): void {
  if (!isNew) {
    const cur = get(item, name);
    if (same ? same(cur) : cur !== undefined && cur === value) return;
  }
  item[name] = value;
}

export const sameInstant = (iso: string) => (cur: unknown) =>
  toIso(cur) === new Date(Date.parse(iso)).toISOString();

export function putEnum(item: Any, name: string, enumObj: Any, value: string, isNew: boolean): void {
  put(item, name, enumObj[value], isNew, (cur) => enumName(enumObj, cur) === value);
}
