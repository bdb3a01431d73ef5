/** The address book's mapping: ABRA firm and person rows → contact records, records → ABRA address bodies. */
import type { CommonRecord } from '../../record';
import { str } from '../activities';

export type Row = Record<string, unknown>;

export function obj(v: unknown): Row {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Row) : {};
}

export function emails(...xs: unknown[]): string[] {
  const out: string[] = [];
  for (const x of xs) {
    for (const e of str(x).split(/[;,\s]+/)) {
      const t = e.trim();
      if (t.includes('@') && !out.some((o) => o.toLowerCase() === t.toLowerCase())) out.push(t);
    }
  }
  return out.slice(0, 3);
}

function firmAddress(firm: Row): Row {
  return obj(firm.residenceaddress_id);
}

export function firmToRecord(firm: Row): CommonRecord {
  const a = firmAddress(firm);
  const e = obj(firm.electronicaddress_id);
  return {
    kind: 'company',
    name: str(firm.name),
    emails: emails(a.email, e.email),
    businessPhone: str(a.phonenumber1),
    businessPhone2: str(a.phonenumber2),
    businessFax: str(a.faxnumber),
    street: str(a.street),
    city: str(a.city),
    postalCode: str(a.postcode),
    country: str(a.country),
    webPage: str(firm.wwwaddress),
  };
}

export function personToRecord(firm: Row, person: Row, firmPerson: Row): CommonRecord {
  const pa = obj(person.address_id);
  const fpa = obj(firmPerson.address_id);
  const a = firmAddress(firm);
  return {
    kind: 'person',
    givenName: str(person.firstname),
    surname: str(person.lastname),
    title: str(person.title),
    companyName: str(firm.name),
    jobTitle: str(person.grade),
    emails: emails(fpa.email, pa.email),
    businessPhone: str(fpa.phonenumber1) || str(pa.phonenumber1),
    mobilePhone: str(pa.phonenumber2) || str(fpa.phonenumber2),
    street: str(a.street),
    city: str(a.city),
    postalCode: str(a.postcode),
    country: str(a.country),
    webPage: str(firm.wwwaddress),
  };
}

export function addressBody(
  r: CommonRecord,
  withPhones: boolean,
  changed?: (f: string) => boolean,
): Record<string, unknown> {
  const m: [string, string, unknown][] = [
    ['street', 'street', str(r.street)],
    ['city', 'city', str(r.city)],
    ['postalCode', 'postcode', str(r.postalCode)],
    ['country', 'country', str(r.country)],
    ['emails', 'email', ((r.emails as string[] | undefined) ?? [])[0] ?? ''],
  ];
  if (withPhones) {
    m.push(['businessPhone', 'phonenumber1', str(r.businessPhone)]);
    m.push(['businessPhone2', 'phonenumber2', str(r.businessPhone2)]);
    m.push(['businessFax', 'faxnumber', str(r.businessFax)]);
  }
  const out: Record<string, unknown> = {};
  for (const [field, abraField, v] of m) if (!changed || changed(field)) out[abraField] = v;
  return out;
}

export function contactName(r: CommonRecord): string {
  if (r.kind === 'company') return str(r.name);
  return [str(r.title), str(r.givenName), str(r.surname)].filter(Boolean).join(' ');
}
