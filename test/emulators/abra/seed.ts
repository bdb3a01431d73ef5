/**
 * Deterministic seed data: Czech/Slovak firms, persons, addresses, users, roles, divisions, periods,
 * activity types/queues/areas and activities. Same seed + same `now` day → same data. Linear time.
 */
import { blank } from './schema';
import type { UserCred } from './server';
import { type AbraStore, isoDate, type Obj } from './store';

export type SeedSize = 'small' | 'demo' | 'medium' | 'large';

export const SIZES: Record<SeedSize, { firms: number; activitiesPerFirm: number; users: number }> = {
  small: { firms: 20, activitiesPerFirm: 2, users: 4 },
  demo: { firms: 200, activitiesPerFirm: 3, users: 8 },
  // ≈ 3 900 firms + ≈ 6 000 persons ≈ 10 000 contacts (the benchmark's address book)
  medium: { firms: 3_900, activitiesPerFirm: 1, users: 12 },
  // ≈ 20 000 firms + ≈ 30 000 persons + 40 000 activities + code lists ≈ 90 000 top-level records
  large: { firms: 20_000, activitiesPerFirm: 2, users: 20 },
};

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALE = [
  'Jan',
  'Petr',
  'Pavel',
  'Tomáš',
  'Martin',
  'Jiří',
  'Lukáš',
  'Michal',
  'Ondřej',
  'Jakub',
  'Marek',
  'Peter',
  'Juraj',
  'Miroslav',
  'Zdeněk',
  'Radek',
];
const FEMALE = [
  'Jana',
  'Eva',
  'Hana',
  'Lenka',
  'Petra',
  'Kateřina',
  'Lucie',
  'Martina',
  'Zuzana',
  'Veronika',
  'Tereza',
  'Alena',
  'Mária',
  'Ivana',
  'Barbora',
];
const LAST: [string, string][] = [
  ['Novák', 'Nováková'],
  ['Svoboda', 'Svobodová'],
  ['Novotný', 'Novotná'],
  ['Dvořák', 'Dvořáková'],
  ['Černý', 'Černá'],
  ['Procházka', 'Procházková'],
  ['Kučera', 'Kučerová'],
  ['Veselý', 'Veselá'],
  ['Horák', 'Horáková'],
  ['Němec', 'Němcová'],
  ['Pokorný', 'Pokorná'],
  ['Marek', 'Marková'],
  ['Pospíšil', 'Pospíšilová'],
  ['Hájek', 'Hájková'],
  ['Král', 'Králová'],
  ['Jelínek', 'Jelínková'],
  ['Růžička', 'Růžičková'],
  ['Beneš', 'Benešová'],
  ['Fiala', 'Fialová'],
  ['Sedláček', 'Sedláčková'],
  ['Horváth', 'Horváthová'],
  ['Kováč', 'Kováčová'],
  ['Varga', 'Vargová'],
  ['Tóth', 'Tóthová'],
  ['Baláž', 'Balážová'],
];
const FIRM_WORDS = [
  'Stavby',
  'Strojírna',
  'Elektro',
  'Agro',
  'Dřevo',
  'Kovo',
  'Logistika',
  'Software',
  'Servis',
  'Obchod',
  'Tiskárna',
  'Pekárna',
  'Autodoprava',
  'Projekce',
  'Energie',
  'Textil',
  'Sklo',
  'Plast',
  'Med-Tech',
  'Gastro',
];
const FIRM_ADJ = [
  'Moravská',
  'Česká',
  'Jihočeská',
  'Severní',
  'Pražská',
  'Brněnská',
  'Slovenská',
  'Tatranská',
  'Západní',
  'Východočeská',
];
const CZ_CITIES: [string, string, string][] = [
  ['Praha 4', '140 00', 'Budějovická'],
  ['Brno', '602 00', 'Lidická'],
  ['Ostrava', '702 00', 'Nádražní'],
  ['Plzeň', '301 00', 'Klatovská'],
  ['Liberec', '460 01', 'Moskevská'],
  ['Olomouc', '779 00', 'Třída Svobody'],
  ['České Budějovice', '370 01', 'Lannova'],
  ['Hradec Králové', '500 02', 'Gočárova'],
  ['Písek', '397 01', 'Vladislavova'],
  ['Zlín', '760 01', 'Štefánikova'],
];
const SK_CITIES: [string, string, string][] = [
  ['Bratislava', '811 01', 'Obchodná'],
  ['Košice', '040 01', 'Hlavná'],
  ['Žilina', '010 01', 'Národná'],
  ['Nitra', '949 01', 'Štefánikova trieda'],
  ['Banská Bystrica', '974 01', 'Námestie SNP'],
];
const SUBJECTS = [
  'Schůzka ohledně nabídky',
  'Telefonát – reklamace',
  'Předání dokumentace',
  'Kontrola smlouvy',
  'Prezentace novinek',
  'Servisní návštěva',
  'Zaslat ceník',
  'Objednávka materiálu',
  'Otázka na pozáruční servis',
  'Obchodní jednání',
];
const GRADES = [
  'jednatel',
  'obchodní ředitel',
  'nákupčí',
  'účetní',
  'vedoucí výroby',
  'technik',
  'asistentka',
  'ředitel',
];

export function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '')
    .toLowerCase();
}

function ico(r: () => number): string {
  const d = Array.from({ length: 7 }, () => Math.floor(r() * 10));
  const sum = d.reduce((a, x, i) => a + x * (8 - i), 0);
  const c = (11 - (sum % 11)) % 10;
  return d.join('') + String(c);
}

export interface SeedResult {
  apiUser: UserCred;
  users: UserCred[];
}

/** Fill the store. `now` anchors activity dates (the emulator's clock at start). */
export function seed(store: AbraStore, opts: { seed: number; size: SeedSize; now: number }): SeedResult {
  const r = mulberry32(opts.seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const size = SIZES[opts.size];
  const day = 86_400_000;
  const today = Math.floor(opts.now / day) * day;
  const past = (maxDays: number) => today - Math.floor(r() * maxDays * day) - Math.floor(r() * day);

  const mk = (
    schema: string,
    fields: Obj,
    audited?: { created: number; corrected?: number; by: string },
  ): Obj => {
    const s = store.schemaOf(schema);
    const o = blank(s);
    o.id = store.nextId();
    for (const k of Object.keys(fields))
      if (!(k in s.fields))
        throw new Error(`seed: ${schema} has no field ${k} (schema.ts / extra-fields.ts)`);
    Object.assign(o, fields);
    o.objversion = 1;
    if (audited && s.audited) {
      o['createdat$date'] = isoDate(audited.created);
      o.createdby_id = audited.by;
      if (audited.corrected !== undefined) {
        o['correctedat$date'] = isoDate(audited.corrected);
        o.correctedby_id = audited.by;
        o.objversion = 2 + Math.floor(r() * 3);
      }
    }
    if (o.displayname === null || o.displayname === '') o.displayname = (fields.name as string) ?? '';
    return o;
  };
  const addr = (f: Obj) => mk('address', f);

  // roles, divisions, periods
  const roles = [
    mk('securityrole', { shortname: 'OBCH', name: 'Obchodník' }),
    mk('securityrole', { shortname: 'SERV', name: 'Servisní technik' }),
    mk('securityrole', { shortname: 'ADMIN', name: 'Administrátor' }),
  ];
  for (const x of roles) store.seedInsert('securityroles', x);
  const divisions = [
    mk('division', { code: '100', name: 'Hlavní středisko' }),
    mk('division', { code: '200', name: 'Obchod' }),
    mk('division', { code: '300', name: 'Servis' }),
  ];
  for (const x of divisions) store.seedInsert('divisions', x);
  const year = new Date(today).getUTCFullYear();
  const periods: Obj[] = [];
  for (let y = year - 2; y <= year + 1; y++) {
    // local (Europe/Prague) midnight of 1 January = 23:00 UTC of 31 December
    const p = mk('period', {
      code: String(y),
      name: `Rok ${y}`,
      datefrom$date: isoDate(Date.UTC(y - 1, 11, 31, 23)),
      dateto$date: isoDate(Date.UTC(y, 11, 31, 23)),
    });
    periods.push(p);
    store.seedInsert('periods', p);
  }

  // users (first one = the API user the sync signs in as)
  const users: UserCred[] = [];
  const userRecs: Obj[] = [];
  for (let i = 0; i < size.users; i++) {
    const female = r() < 0.4;
    const first = i === 0 ? 'API' : pick(female ? FEMALE : MALE);
    const last = i === 0 ? '' : pick(LAST)[female ? 1 : 0];
    const login =
      i === 0 ? 'API' : `${ascii(first).slice(0, 1)}${ascii(last)}`.toUpperCase().slice(0, 12) + i;
    const email = i === 0 ? 'api@firma.cz' : `${ascii(first)}.${ascii(last)}@firma.cz`;
    const u = mk('securityuser', {
      loginname: login,
      name: i === 0 ? 'API' : `${first} ${last}`,
      shortname: login.slice(0, 3),
      address_id: addr({ email }),
      webapiaccess: i < 3,
    });
    userRecs.push(u);
    store.seedInsert('securityusers', u);
    users.push({
      id: u.id as string,
      login,
      password: `heslo-${opts.seed}-${i}`,
      token: `TOKEN${opts.seed}X${i}`.padEnd(20, 'Q'),
      fastTokenLogin: i === 0,
    });
  }
  const apiUserId = users[0]!.id;
  const salesUsers = userRecs.slice(1).map((u) => u.id as string);
  const created = (days: number) => ({
    created: past(days),
    by: pick([apiUserId, ...salesUsers]),
    ...(r() < 0.4 ? { corrected: past(10) } : {}),
  });
  const fixAudit = (o: Obj) => {
    if (o['correctedat$date'] && (o['correctedat$date'] as string) < (o['createdat$date'] as string))
      o['correctedat$date'] = o['createdat$date'];
  };

  // activity code lists
  const areas = [
    mk('crmactivityarea', { code: 'OBCH', name: 'Obchod' }),
    mk('crmactivityarea', { code: 'SERV', name: 'Servis' }),
  ];
  for (const x of areas) store.seedInsert('crmactivityareas', x);
  // As on ABRA's DEMO data (../shared/notes/abra-fields-audit.md (d)): activity types carry NO solver role and division
  // (null on Tel/Obch), so a client has to bring its own; only TEL has them, as an admin may set them.
  const typeDefaults = { solverrole_id: roles[0]!.id, division_id: divisions[1]!.id };
  const types = [
    mk('crmactivitytype', { code: 'SCH', name: 'Schůzka', subject: 'Schůzka' }),
    mk('crmactivitytype', { code: 'TEL', name: 'Telefonát', subject: 'Telefonát', ...typeDefaults }),
    mk('crmactivitytype', { code: 'UKOL', name: 'Úkol', subject: 'Úkol' }),
    mk('crmactivitytype', { code: 'MAIL', name: 'E-mail', subject: 'E-mail' }),
    mk('crmactivitytype', { code: 'DOP', name: 'Dopis', hidden: true }),
  ];
  for (const x of types) store.seedInsert('crmactivitytypes', x);
  const queues = [
    mk('crmactivityqueue', { code: 'SCH', name: 'Schůzky' }),
    mk('crmactivityqueue', { code: 'TEL', name: 'Telefonáty' }),
    mk('crmactivityqueue', { code: 'UKO', name: 'Úkoly' }),
    mk('crmactivityqueue', { code: 'EML', name: 'E-maily' }),
    mk('crmactivityqueue', { code: 'PrHo', name: 'Přijaté hovory' }),
  ];
  for (const q of queues) store.seedInsert('crmactivityqueues', q);
  const lastNumbers = new Map<string, Obj>();
  const nextNumber = (q: Obj, p: Obj): number => {
    const key = `${q.id}/${p.id}`;
    let ln = lastNumbers.get(key);
    if (!ln) {
      ln = mk('queuelastnumber', { docqueue_id: q.id, period_id: p.id, lastnumber: 0 });
      (q.lastnumbers as Obj[]).push(ln);
      lastNumbers.set(key, ln);
    }
    ln.lastnumber = (ln.lastnumber as number) + 1;
    ln.objversion = (ln.lastnumber as number) + 1;
    return ln.lastnumber as number;
  };
  const periodOf = (t: number) =>
    periods.find(
      (p) => Date.parse(p['datefrom$date'] as string) <= t && t < Date.parse(p['dateto$date'] as string),
    ) ?? periods[periods.length - 1]!;

  // firms with persons and activities
  const usedNames = new Set<string>();
  for (let i = 0; i < size.firms; i++) {
    const sk = r() < 0.25;
    const [city, zip, street] = pick(sk ? SK_CITIES : CZ_CITIES);
    const [lm] = pick(LAST);
    const form = sk
      ? pick(['s.r.o.', 'spol. s r.o.', 'a.s.'])
      : pick(['s.r.o.', 'a.s.', 'spol. s r.o.', 'v.o.s.']);
    let name =
      i === 3
        ? "O'Neil & syn s.r.o."
        : r() < 0.5
          ? `${lm} ${pick(FIRM_WORDS)} ${form}`
          : `${pick(FIRM_ADJ)} ${pick(FIRM_WORDS).toLowerCase()} ${form}`;
    if (usedNames.has(name)) name = `${name.replace(` ${form}`, '')} ${i} ${form}`;
    usedNames.add(name);
    const domain = `${ascii(name.replace(/ (s\.r\.o\.|a\.s\.|spol\. s r\.o\.|v\.o\.s\.)$/, '')).slice(0, 20)}.${sk ? 'sk' : 'cz'}`;
    const phone = () =>
      sk
        ? `+421 9${Math.floor(r() * 10)}${Math.floor(r() * 10)} ${String(Math.floor(r() * 1e3)).padStart(3, '0')} ${String(Math.floor(r() * 1e3)).padStart(3, '0')}`
        : `+420 ${pick(['602', '603', '724', '777', '731', '545', '222'])} ${String(Math.floor(r() * 1e3)).padStart(3, '0')} ${String(Math.floor(r() * 1e3)).padStart(3, '0')}`;
    const audit = created(900);
    const firm = mk(
      'firm',
      {
        code: `F${String(i + 1).padStart(5, '0')}`,
        name,
        orgidentnumber: ico(r),
        vatidentnumber: '',
        vatpayor: r() < 0.8,
        legalperson: true,
        hidden: r() < 0.03,
        wwwaddress: `https://www.${domain}`,
        responsibleuser_id: salesUsers.length ? pick(salesUsers) : null,
        residenceaddress_id: addr({
          street: `${street} ${1 + Math.floor(r() * 300)}`,
          city,
          zip,
          postcode: zip.replace(' ', ''),
          country: sk ? 'Slovenská republika' : 'Česká republika',
          countrycode: sk ? 'SK' : 'CZ',
          email: `info@${domain}`,
          phonenumber1: phone(),
        }),
        electronicaddress_id: addr({ email: `info@${domain}`, phonenumber1: phone() }),
      },
      audit,
    );
    firm.vatidentnumber = firm.vatpayor ? `${sk ? 'SK20' : 'CZ'}${firm.orgidentnumber}` : '';
    fixAudit(firm);
    const nPersons = 1 + Math.floor(r() * 2.2);
    for (let j = 0; j < nPersons; j++) {
      const female = r() < 0.45;
      const first = pick(female ? FEMALE : MALE);
      const last = pick(LAST)[female ? 1 : 0];
      const p = mk(
        'person',
        {
          firstname: first,
          lastname: last,
          title: r() < 0.25 ? pick(['Ing.', 'Mgr.', 'Bc.', 'JUDr.']) : '',
          grade: pick(GRADES),
          address_id: addr({
            email: `${ascii(first)}.${ascii(last)}@${domain}`,
            phonenumber1: phone(),
            phonenumber2: r() < 0.6 ? phone() : '',
            city,
            countrycode: sk ? 'SK' : 'CZ',
          }),
        },
        created(900),
      );
      p.displayname = [p.title, p.firstname, p.lastname].filter(Boolean).join(' ');
      fixAudit(p);
      store.seedInsert('persons', p);
      const fp = mk('firmperson', { parent_id: firm.id, person_id: p.id, posindex: j + 1 });
      fp.address_id = addr({ email: (p.address_id as Obj).email, phonenumber1: phone() });
      (firm.firmpersons as Obj[]).push(fp);
    }
    store.seedInsert('firms', firm);
    for (let k = 0; k < size.activitiesPerFirm; k++) {
      const ti = Math.floor(r() * 4);
      const type = types[ti]!;
      const queue = queues[ti]!;
      const start = today + Math.floor((r() * 60 - 30) * day) + (8 + Math.floor(r() * 9)) * 3_600_000;
      const period = periodOf(start);
      const fps = firm.firmpersons as Obj[];
      const personId = fps.length && r() < 0.6 ? (pick(fps).person_id as string) : null;
      const solver = salesUsers.length && r() < 0.8 ? pick(salesUsers) : apiUserId;
      const status = start < today ? pick([2, 2, 1, 3]) : pick([0, 0, 1]);
      const ord = nextNumber(queue, period);
      const a = mk(
        'crmactivity',
        {
          subject: pick(SUBJECTS),
          description: r() < 0.5 ? `Poznámka k firmě ${name}.` : '',
          activitytype_id: type.id,
          actqueue_id: queue.id,
          activityarea_id: areas[ti === 1 ? 1 : 0]!.id,
          status,
          pmstate_id: 'CADEF00000',
          priority: Math.floor(r() * 3),
          sheduledstart$date: isoDate(start),
          sheduledend$date: isoDate(start + (ti === 0 ? 3_600_000 : 1_800_000)),
          realstart$date: isoDate(start),
          realend$date: status >= 2 ? isoDate(start + 3_600_000) : isoDate(start),
          solveruser_id: solver,
          solverrole_id: roles[0]!.id,
          responsibleuser_id: firm.responsibleuser_id,
          firm_id: firm.id,
          person_id: personId,
          period_id: period.id,
          division_id: pick(divisions).id,
          ordnumber: ord,
          displayname: `${queue.code}-${ord}/${period.code}`,
        },
        created(120),
      );
      fixAudit(a);
      (a.contacts as Obj[]).push(
        mk('crmactivitycontact', { parent_id: a.id, firm_id: firm.id, person_id: personId, posindex: 1 }),
      );
      store.seedInsert('crmactivities', a);
    }
  }
  return { apiUser: users[0]!, users };
}
