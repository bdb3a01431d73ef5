/** Contacts: library Contact ⇄ ContactData (see ./map.ts). */
import type { ContactData, ContactItem, PostalAddress } from '../types';
import { ews } from './ews-lib';
import {
  base,
  bodyText,
  categories,
  extended,
  get,
  prune,
  setBody,
  setCategories,
  setExtended,
  setOrClear,
  str,
  titleDef,
} from './map';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are read reflectively
type Any = any;

// ---------- contacts ----------

const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;
const PHONE_FIELDS: [keyof ContactData, string][] = [
  ['businessPhone', 'BusinessPhone'],
  ['businessPhone2', 'BusinessPhone2'],
  ['mobilePhone', 'MobilePhone'],
  ['homePhone', 'HomePhone'],
  ['businessFax', 'BusinessFax'],
];

function dictGet(dict: Any, key: number): Any {
  if (!dict) return undefined;
  try {
    const out: { outValue: Any } = { outValue: null };
    return dict.TryGetValue(key, out) ? out.outValue : undefined;
  } catch {
    return undefined;
  }
}

function postal(entry: Any): PostalAddress | undefined {
  if (!entry) return undefined;
  const p = prune<PostalAddress>({
    street: str(get(entry, 'Street')),
    city: str(get(entry, 'City')),
    postalCode: str(get(entry, 'PostalCode')),
    state: str(get(entry, 'State')),
    country: str(get(entry, 'CountryOrRegion')),
  });
  return Object.keys(p).length ? p : undefined;
}

export function toContact(item: Any): ContactItem {
  const emails: string[] = [];
  const ed = get(item, 'EmailAddresses');
  for (const k of EMAIL_KEYS) {
    const e = dictGet(ed, ews.EmailAddressKey[k]);
    const a = str(e?.Address);
    if (a) emails.push(a);
  }
  const phones = get(item, 'PhoneNumbers');
  const addrs = get(item, 'PhysicalAddresses');
  const data = prune<ContactData>({
    displayName: str(get(item, 'DisplayName')) ?? str(get(item, 'FileAs')),
    givenName: str(get(item, 'GivenName')),
    middleName: str(get(item, 'MiddleName')),
    surname: str(get(item, 'Surname')),
    title: extended(item, titleDef),
    companyName: str(get(item, 'CompanyName')),
    department: str(get(item, 'Department')),
    jobTitle: str(get(item, 'JobTitle')),
    emails: emails.length ? emails : undefined,
    businessAddress: postal(dictGet(addrs, ews.PhysicalAddressKey.Business)),
    homeAddress: postal(dictGet(addrs, ews.PhysicalAddressKey.Home)),
    webPage: str(get(item, 'BusinessHomePage')),
    notes: bodyText(item),
    categories: categories(item),
  });
  for (const [field, key] of PHONE_FIELDS) {
    const v = str(dictGet(phones, (ews.PhoneNumberKey as Any)[key]));
    if (v) (data as Record<string, unknown>)[field] = v;
  }
  return { ...base(item), kind: 'contact', data };
}

export function applyContact(item: Any, d: ContactData, isNew: boolean): void {
  setOrClear(item, 'DisplayName', d.displayName, isNew);
  setOrClear(item, 'FileAs', d.displayName, isNew);
  setOrClear(item, 'GivenName', d.givenName, isNew);
  setOrClear(item, 'MiddleName', d.middleName, isNew);
  setOrClear(item, 'Surname', d.surname, isNew);
  setOrClear(item, 'CompanyName', d.companyName, isNew);
  setOrClear(item, 'Department', d.department, isNew);
  setOrClear(item, 'JobTitle', d.jobTitle, isNew);
  setOrClear(item, 'BusinessHomePage', d.webPage, isNew);
  setExtended(item, titleDef, d.title, isNew);
  setBody(item, d.notes, isNew);
  setCategories(item, d.categories, isNew);

  const ed = item.EmailAddresses;
  EMAIL_KEYS.forEach((k, i) => {
    const key = ews.EmailAddressKey[k];
    const v = d.emails?.[i];
    const cur = dictGet(ed, key);
    if (v) {
      if (str(cur?.Address) !== v) ed._setItem(key, new ews.EmailAddress(v));
    } else if (cur) ed._setItem(key, null);
  });
  const phones = item.PhoneNumbers;
  for (const [field, key] of PHONE_FIELDS) {
    const k = (ews.PhoneNumberKey as Any)[key];
    const v = d[field] as string | undefined;
    const cur = str(dictGet(phones, k));
    if (v) {
      if (cur !== v) phones._setItem(k, v);
    } else if (cur !== undefined) phones._setItem(k, null);
  }
  const addrs = item.PhysicalAddresses;
  for (const [field, key] of [
    ['businessAddress', ews.PhysicalAddressKey.Business],
    ['homeAddress', ews.PhysicalAddressKey.Home],
  ] as const) {
    const v = d[field];
    const cur = dictGet(addrs, key);
    const has = v && Object.values(v).some((x) => x);
    if (has) {
      const entry = cur ?? new ews.PhysicalAddressEntry();
      const want: [string, string | undefined][] = [
        ['Street', v.street],
        ['City', v.city],
        ['PostalCode', v.postalCode],
        ['State', v.state],
        ['CountryOrRegion', v.country],
      ];
      let changed = false;
      for (const [p, val] of want) {
        if ((str(get(entry, p)) ?? undefined) === (val || undefined)) continue;
        entry[p] = val || null;
        changed = true;
      }
      if (!cur) addrs._setItem(key, entry);
      else if (changed) {
        // The library does not propagate a change inside an entry it loaded: mark the entry and the dictionary.
        addrs.EntryChanged?.(cur);
        addrs.Changed();
      }
    } else if (cur) addrs._setItem(key, null);
  }
}
