import type { ContactData, ContactItem, PostalAddress } from '../types';
import { ABRA_ID_PROP, base, clean, extValue, FAX_PROP, type Json, s } from './map-common';

function postal(a: unknown): PostalAddress | undefined {
  const p = a as Json | null | undefined;
  if (!p) return undefined;
  const out = clean({
    street: s(p.street),
    city: s(p.city),
    postalCode: s(p.postalCode),
    state: s(p.state),
    country: s(p.countryOrRegion),
  });
  return Object.keys(out).length ? out : undefined;
}

function toPostal(a: PostalAddress | undefined): Json {
  return {
    street: a?.street ?? null,
    city: a?.city ?? null,
    postalCode: a?.postalCode ?? null,
    state: a?.state ?? null,
    countryOrRegion: a?.country ?? null,
  };
}

export function contactFromGraph(item: Json, folderId?: string): ContactItem {
  const phones = Array.isArray(item.businessPhones) ? (item.businessPhones as string[]) : [];
  const home = Array.isArray(item.homePhones) ? (item.homePhones as string[]) : [];
  const data: ContactData = clean({
    displayName: s(item.displayName),
    givenName: s(item.givenName),
    middleName: s(item.middleName),
    surname: s(item.surname),
    title: s(item.title),
    companyName: s(item.companyName),
    department: s(item.department),
    jobTitle: s(item.jobTitle),
    emails: (Array.isArray(item.emailAddresses) ? (item.emailAddresses as { address?: string }[]) : [])
      .map((e) => e?.address)
      .filter((a): a is string => !!a)
      .slice(0, 3),
    businessPhone: s(phones[0]),
    businessPhone2: s(phones[1]),
    mobilePhone: s(item.mobilePhone),
    homePhone: s(home[0]),
    businessFax: s(extValue(item, FAX_PROP)),
    businessAddress: postal(item.businessAddress),
    homeAddress: postal(item.homeAddress),
    webPage: s(item.businessHomePage),
    notes: s(item.personalNotes),
    categories: Array.isArray(item.categories) ? (item.categories as string[]) : undefined,
  });
  return { kind: 'contact', ...base(item), folderId: s(item.parentFolderId) ?? folderId, data };
}

/** Full replacement of every mapped field (absent → cleared). */
export function contactToGraph(d: ContactData, abraId?: string): Json {
  const ext = [{ id: FAX_PROP, value: d.businessFax ?? '' }];
  if (abraId !== undefined) ext.push({ id: ABRA_ID_PROP, value: abraId });
  return {
    displayName: d.displayName ?? null,
    fileAs: d.displayName ?? null,
    givenName: d.givenName ?? null,
    middleName: d.middleName ?? null,
    surname: d.surname ?? null,
    title: d.title ?? null,
    companyName: d.companyName ?? null,
    department: d.department ?? null,
    jobTitle: d.jobTitle ?? null,
    emailAddresses: (d.emails ?? []).slice(0, 3).map((a) => ({ address: a, name: a })),
    businessPhones: [d.businessPhone, d.businessPhone2].filter((x): x is string => !!x),
    mobilePhone: d.mobilePhone ?? null,
    homePhones: d.homePhone ? [d.homePhone] : [],
    businessAddress: toPostal(d.businessAddress),
    homeAddress: toPostal(d.homeAddress),
    businessHomePage: d.webPage ?? null,
    personalNotes: d.notes ?? '',
    categories: d.categories ?? [],
    singleValueExtendedProperties: ext,
  };
}
