import { describe, expect, it } from 'vitest';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../../src-main/sync/config';
import { webDomain } from '../../src-main/sync/parts/mail/address';
import {
  type AssignInput,
  type AssignOptions,
  assignMessage,
  buildAddressIndex,
  counterparts,
  type ManualRule,
  ownDomainSet,
} from '../../src-main/sync/parts/mail/assign';

const addr = (email: string) => ({ email });
const firms = [
  {
    id: 'FIRM000001',
    name: 'Kovo Brno s.r.o.',
    firm_id: null,
    hidden: false,
    wwwaddress: 'https://www.kovo-brno.cz/kontakt',
    electronicaddress_id: addr('info@kovo-brno.cz'),
    residenceaddress_id: addr(''),
    createdat$date: '2026-01-01T00:00:00.000Z',
    correctedat$date: null,
    firmpersons: [{ id: 'FP1', person_id: 'PERS000001', address_id: addr('petr.stastny@kovo-brno.cz') }],
    firmoffices: [{ id: 'OF1', hidden: false, electronicaddress_id: addr('sklad@kovo-brno.cz') }],
  },
  {
    id: 'FIRM000002',
    name: 'Stavby Olomouc a.s.',
    firm_id: null,
    hidden: false,
    wwwaddress: 'stavby-olomouc.cz',
    electronicaddress_id: addr('obchod@stavby-olomouc.cz; fakturace@stavby-olomouc.cz'),
    createdat$date: '2026-01-01T00:00:00.000Z',
    firmpersons: [{ id: 'FP2', person_id: 'PERS000002', address_id: null }],
  },
  // a holding with two firms on one domain
  {
    id: 'FIRM000004',
    name: 'Holding B',
    firm_id: null,
    wwwaddress: 'http://holding.cz',
    createdat$date: '2026-01-01T00:00:00.000Z',
  },
  {
    id: 'FIRM000003',
    name: 'Holding A',
    firm_id: null,
    wwwaddress: 'www.holding.cz',
    createdat$date: '2026-01-01T00:00:00.000Z',
  },
  // a free-mail customer: their gmail address must not pull every gmail sender
  {
    id: 'FIRM000005',
    name: 'Truhlářství Dvořák',
    firm_id: null,
    electronicaddress_id: addr('truhlar.dvorak@gmail.com'),
    createdat$date: '2026-01-01T00:00:00.000Z',
  },
  // old version of a major-corrected firm and a hidden firm: never candidates
  { id: 'FIRMOLD001', name: 'Old', firm_id: 'FIRM000001', electronicaddress_id: addr('old@kovo-brno.cz') },
  {
    id: 'FIRMHID001',
    name: 'Hidden',
    firm_id: null,
    hidden: true,
    electronicaddress_id: addr('x@hidden.cz'),
  },
  // our own company as a firm
  { id: 'FIRMOWN001', name: 'Naše firma', firm_id: null, wwwaddress: 'firma.cz' },
];
const persons = [
  { id: 'PERS000001', address_id: addr('petr@stastny.cz') },
  // one person working for two firms (private address)
  { id: 'PERS000002', address_id: addr('jana.kralova@seznam.cz') },
  { id: 'PERS000003', address_id: addr('solo@nikde.cz') },
];
// PERS000002 also at FIRM000001
(firms[0]!.firmpersons as unknown[]).push({ id: 'FP3', person_id: 'PERS000002', address_id: null });

const mailbox = 'jan.novak@firma.cz';
const own = ownDomainSet(['firma-group.cz'], mailbox);
const free = new Set(DEFAULT_FREE_MAIL_DOMAINS);
const idx = buildAddressIndex(firms, persons, { freeMailDomains: free, ownDomains: own });

function opts(over: Partial<AssignOptions> = {}): AssignOptions {
  return {
    freeMailDomains: free,
    ownDomains: own,
    ambiguous: 'mostRecent',
    rules: new Map(),
    lastActivity: async () => new Map(),
    ...over,
  };
}
const received = (from: string): AssignInput => ({
  direction: 'received',
  from,
  to: [mailbox],
  cc: [],
  mailbox,
});
const sent = (to: string[], cc: string[] = []): AssignInput => ({
  direction: 'sent',
  from: mailbox,
  to,
  cc,
  mailbox,
});

describe('assignment rules', () => {
  it('counterparts: sender for received; To then Cc for sent, external first, never the mailbox', () => {
    expect(counterparts(received('A@X.cz'), own)).toEqual(['a@x.cz']);
    expect(counterparts(sent(['eva@firma.cz', 'b@y.cz'], ['c@z.cz', mailbox, 'B@y.cz']), own)).toEqual([
      'b@y.cz',
      'c@z.cz',
      'eva@firma.cz',
    ]);
  });

  it('1. a person address: the person and their firm', async () => {
    const r = await assignMessage(received('Petr@Stastny.cz'), idx, opts());
    expect(r).toMatchObject({ rule: 'person', firmId: 'FIRM000001', personId: 'PERS000001' });
  });

  it('2. a firm-person address: that firm and person', async () => {
    const r = await assignMessage(received('petr.stastny@kovo-brno.cz'), idx, opts());
    expect(r).toMatchObject({ rule: 'firmPerson', firmId: 'FIRM000001', personId: 'PERS000001' });
  });

  it('3. a firm address (also one of several in one field, and an office address)', async () => {
    expect(await assignMessage(received('fakturace@stavby-olomouc.cz'), idx, opts())).toMatchObject({
      rule: 'firm',
      firmId: 'FIRM000002',
      personId: null,
    });
    expect(await assignMessage(received('sklad@kovo-brno.cz'), idx, opts())).toMatchObject({
      rule: 'firm',
      firmId: 'FIRM000001',
    });
  });

  it('4. domain of firm addresses and web address, including subdomains', async () => {
    expect(await assignMessage(received('novy.kolega@kovo-brno.cz'), idx, opts())).toMatchObject({
      rule: 'domain',
      firmId: 'FIRM000001',
      personId: null,
    });
    expect(await assignMessage(received('noreply@mail.stavby-olomouc.cz'), idx, opts())).toMatchObject({
      rule: 'domain',
      firmId: 'FIRM000002',
    });
  });

  it('exact matches on any counterpart beat a domain match on an earlier one', async () => {
    const r = await assignMessage(sent(['someone@kovo-brno.cz'], ['obchod@stavby-olomouc.cz']), idx, opts());
    expect(r).toMatchObject({ rule: 'firm', firmId: 'FIRM000002', address: 'obchod@stavby-olomouc.cz' });
  });

  it('never by domain for free-mail providers, but exact free-mail addresses still match', async () => {
    expect(await assignMessage(received('nekdo.jiny@gmail.com'), idx, opts())).toMatchObject({
      rule: 'none',
      firmId: null,
    });
    expect(await assignMessage(received('truhlar.dvorak@gmail.com'), idx, opts())).toMatchObject({
      rule: 'firm',
      firmId: 'FIRM000005',
    });
  });

  it("never by domain for the company's own domains (setting and the mailbox's domain)", async () => {
    expect(await assignMessage(received('eva.mala@firma.cz'), idx, opts())).toMatchObject({ rule: 'none' });
    expect(await assignMessage(received('x@firma-group.cz'), idx, opts())).toMatchObject({ rule: 'none' });
    // internal Cc does not hide the external customer
    const r = await assignMessage(sent(['eva.mala@firma.cz'], ['info@kovo-brno.cz']), idx, opts());
    expect(r.firmId).toBe('FIRM000001');
  });

  it('old versions and hidden firms are never candidates', async () => {
    expect((await assignMessage(received('old@kovo-brno.cz'), idx, opts())).rule).toBe('domain');
    expect((await assignMessage(received('x@hidden.cz'), idx, opts())).firmId).toBeNull();
  });

  it('a person without a firm is assigned to the person only', async () => {
    expect(await assignMessage(received('solo@nikde.cz'), idx, opts())).toMatchObject({
      firmId: null,
      personId: 'PERS000003',
      rule: 'person',
    });
  });

  it('several firms, mostRecent: the firm with the latest activity; a tie → the lowest id', async () => {
    const tie = await assignMessage(received('info@holding.cz'), idx, opts());
    expect(tie).toMatchObject({
      firmId: 'FIRM000003',
      ambiguous: true,
      candidates: ['FIRM000003', 'FIRM000004'],
    });
    const recent = await assignMessage(
      received('info@holding.cz'),
      idx,
      opts({
        lastActivity: async (ids) =>
          new Map(ids.map((id) => [id, id === 'FIRM000004' ? '2026-11-01' : '2026-02-01'])),
      }),
    );
    expect(recent.firmId).toBe('FIRM000004');
    // a person at two firms keeps the person
    const p = await assignMessage(received('jana.kralova@seznam.cz'), idx, opts());
    expect(p).toMatchObject({ firmId: 'FIRM000001', personId: 'PERS000002', ambiguous: true });
  });

  it('several firms, unassigned: nothing assigned (the shared person is kept)', async () => {
    expect(
      await assignMessage(received('info@holding.cz'), idx, opts({ ambiguous: 'unassigned' })),
    ).toMatchObject({
      firmId: null,
      personId: null,
      ambiguous: true,
    });
    expect(
      await assignMessage(received('jana.kralova@seznam.cz'), idx, opts({ ambiguous: 'unassigned' })),
    ).toMatchObject({ firmId: null, personId: 'PERS000002' });
  });

  it('a rule made by hand wins over everything', async () => {
    const rules = new Map<string, ManualRule>([
      ['info@holding.cz', { address: 'info@holding.cz', firmId: 'FIRM000004', personId: null }],
    ]);
    expect(await assignMessage(received('INFO@holding.cz'), idx, opts({ rules }))).toMatchObject({
      rule: 'manual',
      firmId: 'FIRM000004',
    });
  });

  it('web addresses are reduced to their domain', () => {
    expect(webDomain('https://www.Kovo-Brno.cz/kontakt?x=1')).toBe('kovo-brno.cz');
    expect(webDomain('www2.firma.cz:8080')).toBe('firma.cz');
    expect(webDomain('http://user@shop.firma.cz/')).toBe('shop.firma.cz');
    expect(webDomain('není')).toBe('');
    expect(webDomain(null)).toBe('');
  });
});
