/**
 * The emulated business-object classes: fields (lowercase, ABRA spelling), kinds, references and owned parts.
 * Sources: ../shared/notes/abra-gen-api.md §4.2, §7. Fields marked [I] in src-main/abra/model.ts are assumptions.
 */

export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'ref' | 'owned' | 'ownedList' | 'json';

export interface FieldDef {
  kind: FieldKind;
  /** ref: target collection; owned/ownedList: schema name of the owned part. */
  target?: string;
  readonly?: boolean;
}

export interface Schema {
  name: string;
  clsid: string;
  /** Czech caption used in validation messages. */
  caption: string;
  audited: boolean;
  fields: Record<string, FieldDef>;
}

const S = (): FieldDef => ({ kind: 'string' });
const N = (): FieldDef => ({ kind: 'number' });
const B = (): FieldDef => ({ kind: 'boolean' });
const D = (): FieldDef => ({ kind: 'date' });
const R = (target: string): FieldDef => ({ kind: 'ref', target });
const O = (target: string): FieldDef => ({ kind: 'owned', target });
const L = (target: string): FieldDef => ({ kind: 'ownedList', target });
const J = (): FieldDef => ({ kind: 'json' });

const base: Record<string, FieldDef> = {
  id: { kind: 'string', readonly: true },
  classid: { kind: 'string', readonly: true },
  displayname: { kind: 'string', readonly: true },
  objversion: { kind: 'number', readonly: true },
};
const audit: Record<string, FieldDef> = {
  createdat$date: { kind: 'date', readonly: true },
  correctedat$date: { kind: 'date', readonly: true },
  createdby_id: { kind: 'ref', target: 'securityusers', readonly: true },
  correctedby_id: { kind: 'ref', target: 'securityusers', readonly: true },
};
const row = (target: string): Record<string, FieldDef> => ({
  parent_id: { kind: 'ref', target, readonly: true },
});

function schema(
  name: string,
  clsid: string,
  caption: string,
  audited: boolean,
  fields: Record<string, FieldDef>,
): Schema {
  return { name, clsid, caption, audited, fields: { ...base, ...(audited ? audit : {}), ...fields } };
}

export const SCHEMAS: Record<string, Schema> = {};
for (const s of [
  schema('address', 'NAK0JOCMHVDL3DRDM5AKZFQOQU', 'Adresa', false, {
    street: S(),
    city: S(),
    zip: S(),
    postcode: S(),
    country: S(),
    countrycode: S(),
    recipient: S(),
    location: S(),
    email: S(),
    phonenumber1: S(),
    phonenumber2: S(),
    faxnumber: S(),
    databox: S(),
    gps: S(),
  }),
  schema('firm', '4K3EXM5PQBCL35CH000ILPWJF4', 'Firma', true, {
    code: S(),
    name: S(),
    orgidentnumber: S(),
    vatidentnumber: S(),
    taxidentnumber: S(),
    vatpayor: B(),
    legalperson: B(),
    hidden: B(),
    firm_id: R('firms'),
    residenceaddress_id: O('address'),
    electronicaddress_id: O('address'),
    wwwaddress: S(),
    note: S(),
    responsibleuser_id: R('securityusers'),
    responsiblerole_id: R('securityroles'),
    initialfirmperson_id: R('firmpersons'),
    firmpersons: L('firmperson'),
    firmoffices: L('firmoffice'),
  }),
  schema('firmperson', 'A3XJKP0ZYVDL3CL4000ILPWJF4', 'Osoba firmy', false, {
    ...row('firms'),
    person_id: R('persons'),
    posindex: N(),
    firmoffice_id: R('firmoffices'),
    commonworkposition_id: R('commonworkpositions'),
    address_id: O('address'),
    note: S(),
  }),
  schema('firmoffice', 'AT011EZZ5DFO115YJ1HCZJDXJ4', 'Provozovna', false, {
    ...row('firms'),
    name: S(),
    officeidentnumber: S(),
    hidden: B(),
    address_id: O('address'),
    electronicaddress_id: O('address'),
    posindex: N(),
  }),
  schema('person', 'WEC02QYERNCL35CH000ILPWJF4', 'Osoba', true, {
    firstname: S(),
    lastname: S(),
    title: S(),
    suffix: S(),
    grade: S(),
    dateofbirth$date: D(),
    address_id: O('address'),
    hidden: B(),
    isemployee: B(),
    responsibleuser_id: R('securityusers'),
    responsiblerole_id: R('securityroles'),
    note: S(),
    comment: S(),
  }),
  schema('securityuser', '22AHIVDVAVE13C5S00CA141B44', 'Uživatel', false, {
    loginname: S(),
    name: S(),
    shortname: S(),
    address_id: O('address'),
    person_id: R('persons'),
    locked: B(),
    webapiaccess: B(),
    note: S(),
  }),
  schema('crmactivity', 'AVV1JYV5AVNOZHQCK0D4CJFUCS', 'Aktivita', true, {
    subject: S(),
    description: S(),
    answer: S(),
    contactnote: S(),
    activitytype_id: R('crmactivitytypes'),
    actqueue_id: R('crmactivityqueues'),
    activityarea_id: R('crmactivityareas'),
    activityprocess_id: R('crmactivityprocesses'),
    status: N(),
    pmstate_id: R('pmstates'),
    priority: N(),
    sheduledstart$date: D(),
    sheduledend$date: D(),
    sheduledduration$date: D(),
    realstart$date: D(),
    realend$date: D(),
    nextcontact$date: D(),
    tradedate$date: D(),
    solveruser_id: R('securityusers'),
    solverrole_id: R('securityroles'),
    responsibleuser_id: R('securityusers'),
    responsiblerole_id: R('securityroles'),
    resolvedby_id: R('securityusers'),
    firm_id: R('firms'),
    firmoffice_id: R('firmoffices'),
    person_id: R('persons'),
    period_id: R('periods'),
    division_id: R('divisions'),
    isprivate: B(),
    ordnumber: { kind: 'number', readonly: true },
    source_id: R('crmactivities'),
    financialvolume: N(),
    contacts: L('crmactivitycontact'),
    participants: J(),
    externalids: J(),
    pictures: J(),
    timerecords: J(),
  }),
  schema('crmactivitycontact', 'NVF0ZEMBYJF4FEEZN0KXLCVS1G', 'Kontakt aktivity', false, {
    ...row('crmactivities'),
    firm_id: R('firms'),
    firmoffice_id: R('firmoffices'),
    person_id: R('persons'),
    address_id: R('addresses'),
    personaddress_id: R('addresses'),
    note: S(),
    posindex: N(),
  }),
  schema('crmactivitytype', 'SMOEDRFJASV4P4XCFPYBZ1UYYO', 'Typ aktivity', false, {
    code: S(),
    name: S(),
    description: S(),
    hidden: B(),
    issheduled: B(),
    isprivate: B(),
    status: N(),
    subject: S(),
    priority: N(),
    duration$date: D(),
    solverrole_id: R('securityroles'),
    solveruser_id: R('securityusers'),
    activityprocess_id: R('crmactivityprocesses'),
    division_id: R('divisions'),
    firmreq: B(),
    personreq: B(),
  }),
  schema('crmactivityqueue', 'V4ZWII12WD3O3IRJZW04M00DMK', 'Řada aktivit', false, {
    code: S(),
    name: S(),
    note: S(),
    hidden: B(),
    autofillhole: B(),
    firstopenperiod_id: R('periods'),
    lastnumbers: L('queuelastnumber'),
  }),
  schema('queuelastnumber', 'V4ZWII12WD3O3IRJZW04M00DML', 'Poslední číslo', false, {
    ...row('crmactivityqueues'),
    docqueue_id: R('crmactivityqueues'),
    period_id: R('periods'),
    lastnumber: N(),
  }),
  schema('crmactivityarea', 'EMB3OZBHVFD13ACM03KIU0CLP4', 'Oblast aktivit', false, {
    code: S(),
    name: S(),
    description: S(),
    hidden: B(),
  }),
  schema('period', 'CAQPAYUOXVCL3ACL03KIU0CLP4', 'Období', false, {
    code: S(),
    name: S(),
    datefrom$date: D(),
    dateto$date: D(),
    hidden: B(),
  }),
  schema('division', 'O1NOVU3WXVD13ACL03KIU0CLP4', 'Středisko', false, { code: S(), name: S(), hidden: B() }),
  schema('securityrole', 'WQMMKLBPNVE13C5S00CA141B44', 'Role', false, { code: S(), name: S(), hidden: B() }),
  ...(['emailreceived', 'emailsent'] as const).map((n) =>
    schema(
      n,
      n === 'emailreceived' ? 'B2CGMDYWJKJ4JGEYWBGONOS4H0' : '5C1HWDQDR3J4NAAYZRO5PWHLWK',
      n === 'emailreceived' ? 'Doručený e-mail' : 'Odeslaný e-mail',
      true,
      {
        subject: S(),
        fromaddress: S(),
        toaddresses: S(),
        ccaddresses: S(),
        messageid: S(),
        body: S(),
        bodysavedas: N(),
        rawmessage: S(),
        messagesize: N(),
        crmactivity_id: R('crmactivities'),
        firm_id: R('firms'),
        person_id: R('persons'),
        attachments: L('emailattachment'),
        ...(n === 'emailreceived' ? { receivedat$date: D(), isread: B() } : { sentat$date: D() }),
      },
    ),
  ),
  schema('emailattachment', 'H1ZS0DQKL3J4NAAYZRO5PWHLWK', 'Příloha e-mailu', false, {
    ...row('emails'),
    filename: S(),
    contenttype: S(),
    size: N(),
  }),
]) {
  SCHEMAS[s.name] = s;
}

/** Top-level collections → schema. `addresses` is special: an index over every owned address. */
export const COLLECTIONS: Record<string, string> = {
  firms: 'firm',
  persons: 'person',
  addresses: 'address',
  securityusers: 'securityuser',
  securityroles: 'securityrole',
  crmactivities: 'crmactivity',
  crmactivitytypes: 'crmactivitytype',
  crmactivityqueues: 'crmactivityqueue',
  crmactivityareas: 'crmactivityarea',
  periods: 'period',
  divisions: 'division',
  emailsreceiveds: 'emailreceived',
  emailsents: 'emailsent',
};

export function schemaOf(name: string): Schema {
  const s = SCHEMAS[name];
  if (!s) throw new Error(`no schema ${name}`);
  return s;
}

/** A blank object of a schema: every field present with its empty value (as a full GET shows it). */
export function blank(s: Schema): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(s.fields)) {
    switch (f.kind) {
      case 'string':
        o[k] = '';
        break;
      case 'number':
        o[k] = 0;
        break;
      case 'boolean':
        o[k] = false;
        break;
      case 'ownedList':
      case 'json':
        o[k] = [];
        break;
      default:
        o[k] = null;
    }
  }
  o.classid = s.clsid;
  o.objversion = 0;
  return o;
}
