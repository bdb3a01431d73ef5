/**
 * Records of the ABRA Gen Web API as `AbraClient` returns them.
 *
 * Field names are ABRA's own, exactly as a current server sends a full object (no `select`): **all lowercase**,
 * date/time fields carry the suffix `$date` and are ISO-8601 UTC strings with milliseconds (`2026-06-08T10:00:00.000Z`),
 * references to other records are 10-character ID strings (`[0-9A-Z]{10}`) or `null`, owned single objects (addresses)
 * are embedded objects, owned collections are arrays. The client lower-cases every key it reads, so these names hold
 * even against older servers that answer in PascalCase. Note ABRA's real typo `sheduled…` (not `scheduled`).
 *
 * Sources: ../shared/notes/abra-gen-api.md (§4.2, §7). Fields marked [I] are assumptions listed in docs/abra-api.md.
 * Keep these names stable: the sync engine maps against them.
 */

/** A 10-character ABRA record ID, `[0-9A-Z]{10}`; opaque. Empty reference = `null` (some servers send `"0000000000"`). */
export type AbraId = string;
/** `YYYY-MM-DDTHH:mm:ss.SSSZ` (UTC) — every `…$date` field. */
export type AbraDate = string;

/** Fields every stored business object carries. */
export interface AbraRecordBase {
  /** Record ID, 10 chars `[0-9A-Z]`. */
  id: AbraId;
  /** 26-char packed CLSID of the business-object class (e.g. crmactivity = `AVV1JYV5AVNOZHQCK0D4CJFUCS`). */
  classid?: string;
  /** Human-readable name computed by ABRA (firm name, person full name, activity number `PrHo-1/2026`). Read-only. */
  displayname?: string;
  /** Save counter: +1 on every save, read-only. Changed-since de-duplication uses `id` + `objversion`. */
  objversion: number;
}

/** Audit fields (on firms, persons, activities, e-mails; not on code lists like activity types). */
export interface AbraAudited {
  /** When the record was created (UTC). */
  createdat$date: AbraDate | null;
  /** When the record was last corrected; **null until the first edit** — changed-since must also test createdat$date. */
  correctedat$date: AbraDate | null;
  /** securityusers ID of the creator. */
  createdby_id: AbraId | null;
  /** securityusers ID of the last corrector; null until the first edit. */
  correctedby_id: AbraId | null;
}

/** Address (`addresses`, class "Adresa"). Owned by a firm/person/firmperson/firm office/user; all phone and e-mail data live here. */
export interface AbraAddress {
  /** Address ID (owned object; `"__________"` on a not-yet-saved row). */
  id: AbraId;
  objversion?: number;
  /** Street incl. house number (60). */
  street: string;
  /** City (60). */
  city: string;
  /** Postal code (ZIP) as written, e.g. `397 01` (20). */
  zip: string;
  /** Post office code from the code list (10); often equals zip without spaces. [I] the client prefers `zip`. */
  postcode: string;
  /** Country name (40), e.g. `Česká republika`. */
  country: string;
  /** ISO country code (3), e.g. `CZ`, `SK`. */
  countrycode: string;
  /** Recipient line (30). */
  recipient: string;
  /** Location/part of town. */
  location: string;
  /** E-mail address(es) (320). May hold several separated by `;` or `,` [I]. */
  email: string;
  /** Phone 1 (30) — the main/business phone. */
  phonenumber1: string;
  /** Phone 2 (30) — generic second phone; there is no dedicated mobile field, [I] we treat it as mobile. */
  phonenumber2: string;
  /** Fax (30). */
  faxnumber: string;
  /** Data box ID (Czech ISDS). */
  databox: string;
  /** GPS coordinates as text. */
  gps: string;
}

/** Firm (`firms`, class "Firma", CLSID `4K3EXM5PQBCL35CH000ILPWJF4`). */
export interface AbraFirm extends AbraRecordBase, AbraAudited {
  /** Firm code (20). */
  code: string;
  /** Firm name (220). */
  name: string;
  /** IČO — company registration number. */
  orgidentnumber: string;
  /** DIČ — VAT number. */
  vatidentnumber: string;
  /** Tax identification number (SK IČ DPH etc.). */
  taxidentnumber: string;
  /** VAT payer flag. */
  vatpayor: boolean;
  /** Legal person (true) or natural person entrepreneur (false). */
  legalperson: boolean;
  /** "Skrytý" — hidden (soft-deleted/archived). Hidden firms are normally not synced. */
  hidden: boolean;
  /**
   * Major correction ("zásadní oprava"): on an **old** version this points to the newer firm record (new ID);
   * `null` on the current version. Current firms = `firm_id = null`. Follow the chain to the newest ID.
   */
  firm_id: AbraId | null;
  /** Residence address (sídlo), owned, embedded. */
  residenceaddress_id: AbraAddress | null;
  /** Address used for electronic contact (e-mail, phones), owned, embedded. */
  electronicaddress_id: AbraAddress | null;
  /** Web address (the only web field in ABRA). */
  wwwaddress: string;
  /** Note (free text). */
  note: string;
  /** "Zodpovědná osoba" — ABRA user responsible for the firm (sales rep); used for per-user address-book filters. */
  responsibleuser_id: AbraId | null;
  /** Role responsible for the firm. */
  responsiblerole_id: AbraId | null;
  /** Initial (primary) contact person link (a firmpersons row ID); `"0000000000"`/null when unset. */
  initialfirmperson_id: AbraId | null;
  /** Owned person links (contact persons of the firm). */
  firmpersons: AbraFirmPerson[];
  /** Owned offices (provozovny). */
  firmoffices: AbraFirmOffice[];
}

/** Firm↔person link row (`firms/{id}/firmpersons`, class "firmperson"), owned by the firm. */
export interface AbraFirmPerson {
  /** Row ID. */
  id: AbraId;
  objversion?: number;
  /** The owning firm's ID. */
  parent_id: AbraId;
  /** The person (→ `persons`). */
  person_id: AbraId;
  /** 1-based order within the firm; lowest = primary when `initialfirmperson_id` is unset. */
  posindex: number;
  /** Office the person works at (→ the firm's `firmoffices`), or null. */
  firmoffice_id: AbraId | null;
  /** Job position (→ `commonworkpositions` code list), or null. */
  commonworkposition_id: AbraId | null;
  /** Per-link contact address (work e-mail/phone at this firm), owned, embedded; may be null. */
  address_id: AbraAddress | null;
  /** Note on the link. */
  note: string;
}

/** Firm office (`firms/{id}/firmoffices`, "Provozovna"), owned by the firm. */
export interface AbraFirmOffice {
  id: AbraId;
  objversion?: number;
  parent_id: AbraId;
  name: string;
  /** Office number. */
  officeidentnumber: string;
  hidden: boolean;
  /** Office address, owned, embedded. */
  address_id: AbraAddress | null;
  /** Office electronic address, owned, embedded. */
  electronicaddress_id: AbraAddress | null;
  posindex: number;
}

/** Person (`persons`, "Osoba", CLSID `WEC02QYERNCL35CH000ILPWJF4`). No firm_id: persons link to firms only via firmpersons. */
export interface AbraPerson extends AbraRecordBase, AbraAudited {
  /** First name (20). */
  firstname: string;
  /** Last name. */
  lastname: string;
  /** Title before the name (Ing., Mgr.). */
  title: string;
  /** Title after the name (Ph.D., CSc.). */
  suffix: string;
  /** "Popis pozice" — job description (60); used as job title. */
  grade: string;
  /** Date of birth (local midnight as UTC), or null. */
  dateofbirth$date: AbraDate | null;
  /** The person's private address with e-mail/phones, owned, embedded. */
  address_id: AbraAddress | null;
  /** Hidden flag (soft delete). */
  hidden: boolean;
  /** The person is an employee. */
  isemployee: boolean;
  /** Responsible ABRA user. */
  responsibleuser_id: AbraId | null;
  responsiblerole_id: AbraId | null;
  note: string;
  comment: string;
}

/** ABRA user (`securityusers`, "Uživatel"); `currentuser` returns a subset. */
export interface AbraSecurityUser extends AbraRecordBase {
  /** Login (30). */
  loginname: string;
  /** Name (30). */
  name: string;
  /** Short name / initials. */
  shortname: string;
  /** User's address, owned, embedded; `email` here is the user's e-mail [I] (mailbox matching). */
  address_id: AbraAddress | null;
  /** Linked person (→ persons), or null. */
  person_id: AbraId | null;
  /** Locked user (users have no `hidden`). */
  locked: boolean;
  /** "Přihlášení nevizuálního uživatele API" — may log in to the Web API. */
  webapiaccess: boolean;
  note: string;
}

/** `GET /{conn}/currentuser` — exactly these four keys on the real server. */
export interface AbraCurrentUser {
  /** securityusers ID of the logged-in user. */
  id: AbraId;
  name: string;
  email: string;
  loginname: string;
}

/** Activity status (`status`). */
export const ActivityStatus = {
  /** Neřešené / Neriešené — not started. */
  NotStarted: 0,
  /** V řešení / V procese — in progress. */
  InProgress: 1,
  /** Dokončené — completed. */
  Completed: 2,
  /** Předané / Odovzdané — handed over (completed by passing to a successor; set when a new activity has `source_id`). */
  HandedOver: 3,
} as const;
export type ActivityStatusCode = (typeof ActivityStatus)[keyof typeof ActivityStatus];

/** Contact row of an activity (`contacts[]`, class crmactivitycontact), owned; auto-created from `firm_id`. */
export interface AbraCrmActivityContact {
  id: AbraId;
  parent_id: AbraId;
  firm_id: AbraId | null;
  firmoffice_id: AbraId | null;
  person_id: AbraId | null;
  address_id: AbraId | null;
  personaddress_id: AbraId | null;
  note: string;
  posindex: number;
}

/** CRM activity (`crmactivities`, "Aktivita", CLSID `AVV1JYV5AVNOZHQCK0D4CJFUCS`) — calendar items and tasks. */
export interface AbraCrmActivity extends AbraRecordBase, AbraAudited {
  /** Subject ("Předmět"). */
  subject: string;
  /** Description / notes (plain text). */
  description: string;
  /** Answer ("Odpověď"). */
  answer: string;
  /** Contact note. */
  contactnote: string;
  /** Activity type (→ crmactivitytypes): Schůzka, Telefonát, Úkol, E-mail… — the calendar/tasks filter. */
  activitytype_id: AbraId | null;
  /** **Series** ("Řada aktivit", → crmactivityqueues): numbering queue; required on create. */
  actqueue_id: AbraId | null;
  /** Area (→ crmactivityareas); server fills it from the type. */
  activityarea_id: AbraId | null;
  /** Process (→ crmactivityprocesses). */
  activityprocess_id: AbraId | null;
  /** Status: 0 not started, 1 in progress, 2 completed, 3 handed over. See {@link ActivityStatus}. */
  status: ActivityStatusCode | number;
  /** Process-management state (default `CADEF00000`); change via `pmchangestate`. */
  pmstate_id: AbraId | null;
  /** Priority 0–3 (0 lowest [I]). */
  priority: number;
  /** Planned start (UTC). The calendar item's start. */
  sheduledstart$date: AbraDate | null;
  /** Planned end (UTC). The calendar item's end / the task's due date. */
  sheduledend$date: AbraDate | null;
  /** Planned duration (TDateTime fraction; [I] serialised as a date since 1899-12-30). Not used by the sync. */
  sheduledduration$date: AbraDate | null;
  /** Real start; server defaults to "now" on create. */
  realstart$date: AbraDate | null;
  /** Real end; server defaults to "now" on create. [I] also the completion time of a task. */
  realend$date: AbraDate | null;
  /** Next contact date. */
  nextcontact$date: AbraDate | null;
  /** Trade date. */
  tradedate$date: AbraDate | null;
  /** **Solver** ("Řešitel", → securityusers): whose calendar/task list the activity belongs to. */
  solveruser_id: AbraId | null;
  /** Solver role (→ securityroles); required on create. */
  solverrole_id: AbraId | null;
  /** Responsible user ("Zodpovědná osoba"). */
  responsibleuser_id: AbraId | null;
  responsiblerole_id: AbraId | null;
  /** Who actually resolved it. */
  resolvedby_id: AbraId | null;
  /** Firm (→ firms). */
  firm_id: AbraId | null;
  /** Firm office. */
  firmoffice_id: AbraId | null;
  /** Person (→ persons). */
  person_id: AbraId | null;
  /** Period ("Období", → periods); required; server derives it from sheduledstart$date if omitted. */
  period_id: AbraId | null;
  /** Division ("Středisko", → divisions); required on create. */
  division_id: AbraId | null;
  /** Private flag. */
  isprivate: boolean;
  /** Number within the queue and period (→ displayname `{queue}-{ordnumber}/{period}`). */
  ordnumber: number;
  /** Predecessor activity; setting it on create sets the predecessor's status to 3. */
  source_id: AbraId | null;
  financialvolume: number;
  contacts: AbraCrmActivityContact[];
  participants: unknown[];
  externalids: unknown[];
  pictures: unknown[];
  timerecords: unknown[];
}

/** Activity type (`crmactivitytypes`, code list; no audit fields). */
export interface AbraCrmActivityType extends AbraRecordBase {
  /** Short code, e.g. `SCH`, `TEL`, `UKOL`, `MAIL`. */
  code: string;
  /** Name, e.g. `Schůzka`, `Telefonát`, `Úkol`, `E-mail`. */
  name: string;
  description: string;
  /** Hidden (not offered for new records). */
  hidden: boolean;
  /** "Plánovaná" type; on DEMO such types required nextcontact$date + tradedate$date. [I] emulator does not enforce. */
  issheduled: boolean;
  isprivate: boolean;
  /** Default status for new activities of this type. */
  status: number;
  /** Default subject. */
  subject: string;
  priority: number;
  /** Default duration (TDateTime fraction as date), or null. */
  duration$date: AbraDate | null;
  /** Default solver role/user. */
  solverrole_id: AbraId | null;
  solveruser_id: AbraId | null;
  activityprocess_id: AbraId | null;
  division_id: AbraId | null;
  /** Firm/person required on activities of this type. */
  firmreq: boolean;
  personreq: boolean;
}

/** Last number per period of an activity queue. */
export interface AbraQueueLastNumber {
  id: AbraId;
  docqueue_id: AbraId;
  period_id: AbraId;
  lastnumber: number;
}

/** Activity **series** ("Řada aktivit", `crmactivityqueues`). */
export interface AbraCrmActivityQueue extends AbraRecordBase {
  /** Code, used as prefix of activity numbers, e.g. `PrHo`, `SCH`. */
  code: string;
  name: string;
  note: string;
  hidden: boolean;
  autofillhole: boolean;
  firstopenperiod_id: AbraId | null;
  lastnumbers: AbraQueueLastNumber[];
}

/** Activity area (`crmactivityareas`). */
export interface AbraCrmActivityArea extends AbraRecordBase {
  code: string;
  name: string;
  description: string;
  hidden: boolean;
}

/** Accounting period (`periods`, "Období"). [I] field names (code/name/datefrom$date/dateto$date) not captured. */
export interface AbraPeriod extends AbraRecordBase {
  /** Code, usually the year (`2026`). */
  code: string;
  name: string;
  /** First instant of the period (local midnight as UTC). */
  datefrom$date: AbraDate;
  /** First instant **after** the period (exclusive; ABRA's own example uses `datefrom le X and dateto gt X`). */
  dateto$date: AbraDate;
  hidden: boolean;
}

/** Division ("Středisko", `divisions`). [I] fields. */
export interface AbraDivision extends AbraRecordBase {
  code: string;
  name: string;
  hidden: boolean;
}

/** Security role (`securityroles`). [I] fields. */
export interface AbraSecurityRole extends AbraRecordBase {
  code: string;
  name: string;
  hidden: boolean;
}

/**
 * ABRA's e-mail agendas (issue #14; ../shared/notes/abra-fields-audit.md §(a)–(c), grades in docs/abra-api.md):
 * received (`emailsreceiveds`, "Doručený e-mail") and sent (`emailsents`, "Odeslaný e-mail"). There is no Message-ID,
 * sender-address or raw-message field; the link to a CRM activity is a `relations` row (see {@link AbraRelation}).
 */
export interface AbraEmailBase extends AbraRecordBase {
  /** Own e-mail account (*Vlastní e-mailový účet*, → emailaccounts). [C sent; A received] */
  emailaccount_id: AbraId | null;
  subject: string;
  /** Plain-text (or HTML, see bodysavedas) body. */
  body: string;
  /** How `body` is stored: 0 = plain text, 1 = HTML. */
  bodysavedas: number;
  /** Document date. [C sent; A received] */
  docdate$date: AbraDate | null;
  firm_id: AbraId | null;
  person_id: AbraId | null;
}

/** Received e-mail (`emailsreceiveds`). */
export interface AbraEmailReceived extends AbraEmailBase {
  /** The sender's address as received. */
  sender: string;
  /** Processed by incoming-mail rules. */
  processed: boolean;
  /** Attachment rows with their content inline. [A name] */
  attachments: { id: AbraId; filename: string; filesize?: number; blobdata?: string }[];
}

/** SentState of a sent e-mail: 1 = to send — ABRA's automation server sends it. The archive writes only 2. */
export type AbraSentState = 0 | 1 | 2 | 3;

/** Sent e-mail (`emailsents`). */
export interface AbraEmailSent extends AbraEmailBase {
  sentstate: AbraSentState;
  /** Set by ABRA when it sends; cannot be written. */
  sentdate$date: AbraDate | null;
  /** One row per address: EmailType 0 To, 1 Cc, 2 Bcc. */
  recipients: { id: AbraId; email: string; emailtype: 0 | 1 | 2 }[];
  /** Attachment rows; the content is a separate object (`emailsentattachcontents`, `blobdata`). */
  attachments: { id: AbraId; filename: string; filesize: number; content_id: AbraId | null }[];
}

/** A document relation (`relations`): e-mail ↔ CRM activity = Rel_Def 1271 (received) / 1272 (sent). */
export interface AbraRelation extends AbraRecordBase {
  rel_def: number;
  /** The activity. */
  leftside_id: AbraId;
  /** The e-mail. */
  rightside_id: AbraId;
}

/** Collection names (lowercase; the server matches paths case-insensitively). */
export const AbraCollections = {
  firms: 'firms',
  persons: 'persons',
  addresses: 'addresses',
  securityusers: 'securityusers',
  securityroles: 'securityroles',
  crmactivities: 'crmactivities',
  crmactivitytypes: 'crmactivitytypes',
  crmactivityqueues: 'crmactivityqueues',
  crmactivityareas: 'crmactivityareas',
  periods: 'periods',
  divisions: 'divisions',
  emailsreceiveds: 'emailsreceiveds',
  emailsents: 'emailsents',
  emailsentattachcontents: 'emailsentattachcontents',
  emailaccounts: 'emailaccounts',
  relations: 'relations',
} as const;
export type AbraCollection = (typeof AbraCollections)[keyof typeof AbraCollections];

/** ABRA's error body (400/404). */
export interface AbraErrorBody {
  title: string;
  description: string;
  /** `NxError` (business/validation) or `EWARESTError` (REST layer, e.g. not found). */
  exception_class: string;
  /** 1520 for object validation errors, 0 for not-found. */
  error_code: number;
}
