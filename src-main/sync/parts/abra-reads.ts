/**
 * What the parts read from ABRA lists, named explicitly. A real ABRA list row carries an owned address only as its id
 * and no owned collection unless asked (docs/abra-api.md "List reads and detail reads"), so every nested value a part
 * needs is a `select` path (`residenceaddress_id.email`) or an `expand` (`firmpersons(person_id,…)`); `nestRow` then
 * folds the dotted keys back into objects. The same reads work against a server that embeds everything.
 */
import type { AbraRead } from '../ports';

const at = (owner: string, fields: readonly string[]) => fields.map((f) => `${owner}.${f}`);

/** Address fields the address book maps (company and person contacts). */
export const ADDRESS_FIELDS = [
  'email',
  'phonenumber1',
  'phonenumber2',
  'faxnumber',
  'street',
  'city',
  'postcode',
  'country',
] as const;

const FIRM_SELECT = [
  'id',
  'objversion',
  'name',
  'wwwaddress',
  'hidden',
  'firm_id',
  'responsibleuser_id',
  'createdat$date',
  'correctedat$date',
  ...at('residenceaddress_id', ADDRESS_FIELDS),
  'electronicaddress_id.email',
];

const FIRM_PERSONS = `firmpersons(id,person_id,${at('address_id', ['email', 'phonenumber1', 'phonenumber2']).join(',')})`;
const FIRM_OFFICES = 'firmoffices(id,hidden,address_id.email,electronicaddress_id.email)';

/** Firms for the address book: contact data and the firm-person links. */
export const FIRM_READ: AbraRead = { select: FIRM_SELECT, expand: FIRM_PERSONS };

/** Firms for e-mail assignment: also the offices' e-mail addresses. */
export const FIRM_MAIL_READ: AbraRead = { select: FIRM_SELECT, expand: `${FIRM_PERSONS},${FIRM_OFFICES}` };

/** Persons: names, job title, hidden and the person's own address. */
export const PERSON_SELECT = [
  'id',
  'objversion',
  'firstname',
  'lastname',
  'title',
  'grade',
  'hidden',
  ...at('address_id', ['email', 'phonenumber1', 'phonenumber2']),
];
