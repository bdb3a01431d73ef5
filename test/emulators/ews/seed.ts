/**
 * Deterministic Czech-flavoured seed data: contacts, appointments (incl. a weekly series with one modified and one
 * deleted occurrence), tasks, mails in Inbox and Sent Items (MIME with diacritics, one with an attachment) and the
 * subfolder Inbox/Zákazníci. 'empty' = only the well-known folders.
 */
import type { AnyFields } from './control';
import { applyFields } from './control';
import { attachmentIdFactory, mimeProps } from './ops/items';
import type { EwsStore, Item, ItemElement, Mailbox } from './store';
import { textEl, type XNode } from './xml';

const FIRST = [
  'Jan',
  'Petr',
  'Jana',
  'Marie',
  'Tomáš',
  'Lucie',
  'Jiří',
  'Kateřina',
  'Martin',
  'Zuzana',
  'Pavel',
  'Hana',
];
const LAST_M = [
  'Novák',
  'Svoboda',
  'Dvořák',
  'Černý',
  'Procházka',
  'Kučera',
  'Veselý',
  'Horák',
  'Němec',
  'Marek',
];
const LAST_F = [
  'Nováková',
  'Svobodová',
  'Dvořáková',
  'Černá',
  'Procházková',
  'Kučerová',
  'Veselá',
  'Horáková',
];
const FEMALE = new Set(['Jana', 'Marie', 'Lucie', 'Kateřina', 'Zuzana', 'Hana']);
const FIRMS = [
  'Strojírny Vysočina s.r.o.',
  'Pekárna U Žižků a.s.',
  'Elektro Říčany s.r.o.',
  'Dřevovýroba Šumava',
  'Účetnictví Brno s.r.o.',
];
const CITIES = [
  ['Praha', '110 00'],
  ['Brno', '602 00'],
  ['Ostrava', '702 00'],
  ['Plzeň', '301 00'],
  ['České Budějovice', '370 01'],
] as const;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function b64Header(s: string): string {
  return `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

export function mailMime(o: {
  from: string;
  fromName: string;
  to: string;
  toName: string;
  cc?: string;
  subject: string;
  body: string;
  date: Date;
  messageId: string;
  attachment?: { name: string; content: Buffer; type: string };
}): string {
  const headers = [
    `From: ${b64Header(o.fromName)} <${o.from}>`,
    `To: ${b64Header(o.toName)} <${o.to}>`,
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    `Subject: ${b64Header(o.subject)}`,
    `Date: ${o.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${o.messageId}`,
    'MIME-Version: 1.0',
  ];
  const text = Buffer.from(o.body, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  if (!o.attachment)
    return `${headers.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${text}\r\n`;
  const b = `----=_Part_${o.messageId.replace(/\W/g, '').slice(0, 12)}`;
  return (
    `${headers.join('\r\n')}\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n` +
    `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${text}\r\n` +
    `--${b}\r\nContent-Type: ${o.attachment.type}; name="${b64Header(o.attachment.name)}"\r\nContent-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(o.attachment.name)}\r\nContent-Transfer-Encoding: base64\r\n\r\n${o.attachment.content.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--${b}--\r\n`
  );
}

const COUNTS = {
  empty: { contacts: 0, appts: 0, tasks: 0, mails: 0 },
  small: { contacts: 8, appts: 4, tasks: 3, mails: 10 },
  demo: { contacts: 40, appts: 12, tasks: 8, mails: 30 },
  large: { contacts: 2000, appts: 500, tasks: 300, mails: 1000 },
} as const;

export function seed(store: EwsStore, o: { seed: number; size: keyof typeof COUNTS }): void {
  const n = COUNTS[o.size];
  if (!n.contacts && !n.mails) return;
  for (const mb of store.mailboxes) seedMailbox(store, mb, o.seed + mb.index * 7919, n);
}

function seedMailbox(
  store: EwsStore,
  mb: Mailbox,
  seedValue: number,
  n: { contacts: number; appts: number; tasks: number; mails: number },
): void {
  const r = rng(seedValue);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const now = store.now();
  const day = 86400000;
  const base = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const folder = (k: string) => store.distinguished(mb, k);
  const make = (f: ReturnType<typeof folder>, element: ItemElement, fields: AnyFields): Item => {
    const props = new Map<string, XNode>();
    const ext = applyFields(element, props, fields);
    return store.createItem(f, element, props, ext);
  };
  const people: { name: string; email: string; firm: string }[] = [];
  for (let i = 0; i < n.contacts; i++) {
    const given = pick(FIRST);
    const sur = FEMALE.has(given) ? pick(LAST_F) : pick(LAST_M);
    const firm = pick(FIRMS);
    const [city, psc] = pick(CITIES);
    const email = `${ascii(given)}.${ascii(sur)}${i}@${ascii(firm.split(' ')[0] ?? 'firma')}.cz`;
    people.push({ name: `${given} ${sur}`, email, firm });
    make(folder('contacts'), 'Contact', {
      givenName: given,
      surname: sur,
      companyName: firm,
      jobTitle: pick(['jednatel', 'nákupčí', 'účetní', 'technik', 'obchodní ředitel']),
      emails: [email],
      businessPhone: `+420 ${600 + Math.floor(r() * 99)} ${100 + (i % 900)} ${String(100 + Math.floor(r() * 899))}`,
      ...(r() > 0.5
        ? { mobilePhone: `+420 7${Math.floor(r() * 90 + 10)} ${String(100000 + i).slice(-6)}` }
        : {}),
      businessAddress: {
        street: `Hlavní ${1 + (i % 120)}`,
        city,
        postalCode: psc,
        country: 'Česká republika',
      },
      ...(i % 5 === 0 ? { notes: 'Preferuje kontakt e-mailem. Poznámka s diakritikou: žluťoučký kůň.' } : {}),
    });
  }
  for (let i = 0; i < n.appts; i++) {
    const start = new Date(base + (i - Math.floor(n.appts / 3)) * day + (8 + (i % 8)) * 3600000);
    make(folder('calendar'), 'CalendarItem', {
      subject: `${pick(['Schůzka', 'Prezentace', 'Telefonát', 'Návštěva'])} – ${pick(FIRMS)}`,
      start,
      end: new Date(start.getTime() + (1 + (i % 2)) * 3600000),
      location: pick(CITIES)[0],
      body: 'Připravit nabídku a ceník.',
      timeZone: 'Central Europe Standard Time',
    });
  }
  if (n.appts) {
    // weekly series: Monday 9:00 Prague time, 10 occurrences; #3 moved + renamed, #5 deleted
    const monday = new Date(base - ((new Date(base).getUTCDay() + 6) % 7) * day - 14 * day + 8 * 3600000);
    const master = make(folder('calendar'), 'CalendarItem', {
      subject: 'Porada obchodního týmu',
      start: monday,
      end: new Date(monday.getTime() + 3600000),
      location: 'Zasedačka 2. patro',
      timeZone: 'Central Europe Standard Time',
      recurrence: { pattern: 'weekly', interval: 1, days: ['Monday'], numberOfOccurrences: 10 },
    });
    const o3 = store.occurrenceAt(master, 3);
    store.modifyOccurrence(
      master,
      3,
      new Map([
        ['Subject', textEl('Subject', 'Porada obchodního týmu (přesunuto)')],
        ['Start', textEl('Start', new Date(o3.start.getTime() + 2 * 3600000).toISOString())],
        ['End', textEl('End', new Date(o3.end.getTime() + 2 * 3600000).toISOString())],
      ]),
    );
    store.deleteOccurrence(master, 5);
  }
  for (let i = 0; i < n.tasks; i++)
    make(folder('tasks'), 'Task', {
      subject: `${pick(['Zavolat', 'Poslat nabídku', 'Připomenout fakturu', 'Objednat vzorky'])} – ${pick(FIRMS)}`,
      due: new Date(base + (i + 1) * day),
      status: i % 4 === 3 ? 'Completed' : i % 3 === 1 ? 'InProgress' : 'NotStarted',
      importance: i % 5 === 0 ? 'High' : 'Normal',
      body: 'Úkol z porady.',
    });
  if (!n.mails) return;
  const zakaznici = store.createFolder(mb, folder('inbox').id, 'Zákazníci', 'IPF.Note');
  const newId = attachmentIdFactory(store);
  for (let i = 0; i < n.mails; i++) {
    const p = people[i % Math.max(1, people.length)] ?? {
      name: 'Karel Dvořák',
      email: 'karel@dodavatel.cz',
      firm: 'Dodavatel',
    };
    const incoming = i % 3 !== 2;
    const date = new Date(now.getTime() - (n.mails - i) * 3 * 3600000);
    const mime = mailMime({
      from: incoming ? p.email : mb.email,
      fromName: incoming ? p.name : mb.displayName,
      to: incoming ? mb.email : p.email,
      toName: incoming ? mb.displayName : p.name,
      subject: incoming ? `Poptávka č. ${1000 + i} – ${p.firm}` : `Re: Nabídka č. ${2000 + i} (příloha)`,
      body: `Dobrý den,\r\n\r\nposílám ${incoming ? 'poptávku' : 'nabídku'} č. ${1000 + i}. Děkuji a přeji hezký den.\r\n\r\nS pozdravem\r\n${incoming ? p.name : mb.displayName}\r\n`,
      date,
      messageId: `<seed-${seedValue}-${i}@${incoming ? 'zakaznik.cz' : 'example.cz'}>`,
      ...(i === 1
        ? {
            attachment: {
              name: 'Nabídka – ceník 2026.pdf',
              content: Buffer.from('%PDF-1.4\n% ceník\n'),
              type: 'application/pdf',
            },
          }
        : {}),
    });
    const buf = Buffer.from(mime, 'utf8');
    const props = new Map<string, XNode>();
    const atts: Item['attachments'] = [];
    mimeProps(buf, props, atts, newId);
    props.set('IsRead', textEl('IsRead', String(!incoming || i % 2 === 0)));
    props.set('DateTimeReceived', textEl('DateTimeReceived', `${date.toISOString().slice(0, 19)}Z`));
    const target = incoming ? (i % 7 === 4 ? zakaznici : folder('inbox')) : folder('sentitems');
    store.createItem(target, 'Message', props, [], { mime: buf, attachments: atts, created: date });
  }
}
