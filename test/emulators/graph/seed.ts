/** Seed data for the Graph emulator: what a salesperson's mailbox looks like before the first sync. */
import type { GraphStore } from './store';
import { graphDateTime } from './tz';

export type SeedSize = 'empty' | 'small' | 'demo' | 'large';

const FIRST = ['Jan', 'Petr', 'Eva', 'Marie', 'Tomáš', 'Lucie', 'Karel', 'Jana', 'Martin', 'Alena'];
const LAST = ['Novák', 'Svoboda', 'Dvořáková', 'Černá', 'Procházka', 'Kučerová', 'Veselý', 'Horáková'];
const FIRMS = ['Alfa Stroj s.r.o.', 'Beta Trade a.s.', 'Gama Servis', 'Delta Plast s.r.o.', 'Epsilon IT'];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function mimeMessage(o: {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  date: Date;
  messageId: string;
  body: string;
  inReplyTo?: string;
}): string {
  const lines = [
    `From: ${o.from}`,
    `To: ${o.to.join(', ')}`,
    ...(o.cc?.length ? [`Cc: ${o.cc.join(', ')}`] : []),
    `Subject: ${o.subject}`,
    `Date: ${o.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${o.messageId}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.body,
    '',
  ];
  return lines.join('\r\n');
}

export interface SeedControl {
  deliver(mime: string | Buffer, folder?: string, at?: Date): { id: string };
}

export function seed(
  store: GraphStore,
  ctl: SeedControl,
  o: { seed: number; size: SeedSize; now: number },
): void {
  if (o.size === 'empty') return;
  const n = { small: 1, demo: 4, large: 60 }[o.size];
  const r = rng(o.seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
  const customers = store.addMailFolder('Customers', store.mailFolder('inbox').id);
  store.addMailFolder('Archive 2025', customers.id);
  // personal contacts in the default Contacts folder (the sync never touches them)
  for (let i = 0; i < 5 * n; i++) {
    const g = pick(FIRST);
    const s = pick(LAST);
    store.create('contact', store.defaultContactsId, {
      displayName: `${g} ${s}`,
      fileAs: `${s}, ${g}`,
      givenName: g,
      surname: s,
      companyName: pick(FIRMS),
      emailAddresses: [
        {
          name: `${g} ${s}`,
          address: `${g}.${s}${i}@example.cz`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, ''),
        },
      ],
      businessPhones: [`+420 6${String(10000000 + Math.floor(r() * 89999999))}`],
    });
  }
  // calendar: singles around now and one weekly series
  const day = 86_400_000;
  const base = Math.floor(o.now / day) * day;
  for (let i = 0; i < 6 * n; i++) {
    const start = base + (Math.floor(r() * 40) - 10) * day + (8 + Math.floor(r() * 8)) * 3600_000;
    store.create('event', 'calendar', {
      subject: `Schůzka ${pick(FIRMS)}`,
      body: { contentType: 'text', content: 'Projednat nabídku.' },
      start: { dateTime: graphDateTime(start), timeZone: 'UTC' },
      end: { dateTime: graphDateTime(start + 3600_000), timeZone: 'UTC' },
      location: { displayName: 'Praha' },
    });
  }
  const weekly = base - 14 * day + 9 * 3600_000;
  store.create('event', 'calendar', {
    subject: 'Porada obchodu',
    start: { dateTime: graphDateTime(weekly, 'Europe/Prague').slice(0, 19), timeZone: 'Europe/Prague' },
    end: {
      dateTime: graphDateTime(weekly + 3600_000, 'Europe/Prague').slice(0, 19),
      timeZone: 'Europe/Prague',
    },
    recurrence: {
      pattern: {
        type: 'weekly',
        interval: 1,
        daysOfWeek: [
          ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][
            new Date(weekly).getUTCDay()
          ]!,
        ],
        firstDayOfWeek: 'monday',
      },
      range: {
        type: 'numbered',
        startDate: new Date(weekly).toISOString().slice(0, 10),
        numberOfOccurrences: 12,
        recurrenceTimeZone: 'Europe/Prague',
      },
    },
  });
  const defaultList = [...store.todoLists.values()].find((l) => l.wellknownListName === 'defaultList')!;
  for (let i = 0; i < 3 * n; i++)
    store.create('task', defaultList.id, {
      title: `Zavolat ${pick(FIRMS)}`,
      status: pick(['notStarted', 'inProgress', 'completed']),
      importance: pick(['low', 'normal', 'high']),
      dueDateTime: { dateTime: graphDateTime(base + Math.floor(r() * 20) * day), timeZone: 'UTC' },
    });
  for (let i = 0; i < 8 * n; i++) {
    const g = pick(FIRST);
    const s = pick(LAST);
    const addr = `${g}.${s}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
    const at = new Date(o.now - Math.floor(r() * 60) * day);
    const inbound = r() < 0.6;
    ctl.deliver(
      mimeMessage({
        from: inbound
          ? `"${g} ${s}" <${addr}@alfastroj.cz>`
          : `"${store.user.displayName}" <${store.user.mail}>`,
        to: inbound ? [store.user.mail] : [`${addr}@alfastroj.cz`],
        subject: inbound ? `Poptávka č. ${1000 + i}` : `Re: Nabídka ${1000 + i}`,
        date: at,
        messageId: `<seed.${o.seed}.${i}@alfastroj.cz>`,
        body: `Dobrý den,\r\nzasílám podklady.\r\n${g} ${s}`,
      }),
      inbound ? (i % 5 === 0 ? customers.id : 'inbox') : 'sentitems',
      at,
    );
  }
}
