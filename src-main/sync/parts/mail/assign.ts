/**
 * Which ABRA firm and person a message belongs to. Pure: it works on an index built from ABRA rows (firms with their
 * firm persons and offices, persons) and the user's remembered rules; the only outside question — how recently a
 * firm was active — is asked through an injected function.
 *
 * Order (the first rule that yields a candidate decides; see docs/mail.md):
 *   0. a rule the user made by assigning an address by hand ("apply to all mail from this address");
 *   1. exact address of a person (the person's own address) → the person and the firm(s) the person belongs to;
 *   2. exact address of a firm person (the person's address at that firm) → that firm and person;
 *   3. exact address of a firm (residence/electronic address, offices) → that firm;
 *   4. domain: the counterpart's domain (or a parent domain) equals the domain of one of a firm's e-mail addresses or
 *      its web address — never for free-mail domains and never for the company's own domains.
 * Rules 0–3 are tried for every counterpart address (in order) before rule 4 is tried for any.
 * Several firms at the deciding rule: `mostRecent` picks the firm with the latest activity (ties → lowest id),
 * `unassigned` leaves the message unassigned (the person is kept when every candidate shares it).
 */
import { domainAndParents, domainOf, normAddress, splitAddresses, webDomain } from './address';

/** Several firms match at the deciding rule: the most recently active one, or leave the message unassigned. */
export type AmbiguousChoice = 'mostRecent' | 'unassigned';

export type AssignRule = 'manual' | 'person' | 'firmPerson' | 'firm' | 'domain' | 'none';

export interface Candidate {
  firmId: string | null;
  personId: string | null;
}

export interface Assignment {
  firmId: string | null;
  personId: string | null;
  rule: AssignRule;
  /** The counterpart address the decision was made with (the first counterpart when nothing matched). */
  address: string;
  /** Candidate firm ids at the deciding rule (sorted). */
  candidates: string[];
  ambiguous: boolean;
  /** Plain words for logs and the UI. */
  reason: string;
}

export interface ManualRule {
  address: string;
  firmId: string;
  personId: string | null;
}

type Row = Record<string, unknown>;

const LEVELS = ['person', 'firmPerson', 'firm'] as const;

export interface AddressIndex {
  exact: Record<(typeof LEVELS)[number], Map<string, Candidate[]>>;
  /** domain → firm ids. */
  domains: Map<string, Set<string>>;
  /** firm id → its last correction/creation time (part of "most recently active"). */
  firmTouched: Map<string, string>;
  firmNames: Map<string, string>;
}

function emailOf(address: unknown): string[] {
  if (!address || typeof address !== 'object') return [];
  return splitAddresses((address as Row).email);
}

function add(map: Map<string, Candidate[]>, key: string, c: Candidate): void {
  const list = map.get(key);
  if (!list) map.set(key, [c]);
  else if (!list.some((x) => x.firmId === c.firmId && x.personId === c.personId)) list.push(c);
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * Build the index from ABRA rows: `firms` (current versions, with `firmpersons`, `firmoffices`, addresses embedded)
 * and `persons` (with `address_id` embedded). Hidden firms and persons never receive mail. Domains of free-mail
 * providers and of the company itself are not indexed.
 */
export function buildAddressIndex(
  firms: Row[],
  persons: Row[],
  opts: { freeMailDomains: Iterable<string>; ownDomains: Iterable<string> },
): AddressIndex {
  const blocked = new Set([...opts.freeMailDomains, ...opts.ownDomains].map((d) => d.trim().toLowerCase()));
  const isBlocked = (d: string) => domainAndParents(d).some((x) => blocked.has(x));
  const idx: AddressIndex = {
    exact: { person: new Map(), firmPerson: new Map(), firm: new Map() },
    domains: new Map(),
    firmTouched: new Map(),
    firmNames: new Map(),
  };
  const firmsOfPerson = new Map<string, string[]>();
  const addDomain = (d: string, firmId: string) => {
    if (!d || isBlocked(d)) return;
    let s = idx.domains.get(d);
    if (!s) {
      s = new Set();
      idx.domains.set(d, s);
    }
    s.add(firmId);
  };
  for (const f of firms) {
    if (f.hidden === true || (f.firm_id !== null && f.firm_id !== undefined && f.firm_id !== '')) continue;
    const firmId = f.id as string;
    idx.firmNames.set(firmId, str(f.name));
    idx.firmTouched.set(firmId, str(f['correctedat$date'] ?? f['createdat$date']));
    const firmAddrs = [
      ...emailOf(f.electronicaddress_id),
      ...emailOf(f.residenceaddress_id),
      ...((f.firmoffices as Row[] | undefined) ?? [])
        .filter((o) => o.hidden !== true)
        .flatMap((o) => [...emailOf(o.electronicaddress_id), ...emailOf(o.address_id)]),
    ];
    for (const a of firmAddrs) {
      add(idx.exact.firm, a, { firmId, personId: null });
      addDomain(domainOf(a), firmId);
    }
    addDomain(webDomain(f.wwwaddress), firmId);
    for (const fp of (f.firmpersons as Row[] | undefined) ?? []) {
      const personId = str(fp.person_id) || null;
      if (personId) firmsOfPerson.set(personId, [...(firmsOfPerson.get(personId) ?? []), firmId]);
      for (const a of emailOf(fp.address_id)) {
        add(idx.exact.firmPerson, a, { firmId, personId });
        addDomain(domainOf(a), firmId);
      }
    }
  }
  for (const p of persons) {
    if (p.hidden === true) continue;
    const personId = p.id as string;
    const personFirms = firmsOfPerson.get(personId) ?? [];
    for (const a of emailOf(p.address_id)) {
      if (!personFirms.length) add(idx.exact.person, a, { firmId: null, personId });
      for (const firmId of personFirms) add(idx.exact.person, a, { firmId, personId });
    }
  }
  return idx;
}

export interface AssignInput {
  direction: 'received' | 'sent';
  from?: string;
  to: string[];
  cc: string[];
  /** The mailbox's own address (never a counterpart). */
  mailbox: string;
}

/** Counterparts in the order they are tried: sender for received mail; To, then Cc for sent mail (external first). */
export function counterparts(input: AssignInput, ownDomains: Set<string>): string[] {
  const me = normAddress(input.mailbox);
  const raw = input.direction === 'received' ? [input.from ?? ''] : [...input.to, ...input.cc];
  const seen = new Set<string>();
  const list: string[] = [];
  for (const a of raw.map(normAddress)) {
    if (!a.includes('@') || a === me || seen.has(a)) continue;
    seen.add(a);
    list.push(a);
  }
  const own = (a: string) => domainAndParents(domainOf(a)).some((d) => ownDomains.has(d));
  return [...list.filter((a) => !own(a)), ...list.filter(own)];
}

export interface AssignOptions {
  freeMailDomains: Set<string>;
  ownDomains: Set<string>;
  ambiguous: AmbiguousChoice;
  rules: Map<string, ManualRule>;
  /** Last activity instant (ISO) per firm id; missing = never. */
  lastActivity: (firmIds: string[]) => Promise<Map<string, string>>;
}

/** The rule-set domains for an assignment: configured own domains plus the mailbox's domain. */
export function ownDomainSet(ownDomains: readonly string[], mailbox: string): Set<string> {
  const s = new Set(ownDomains.map((d) => d.trim().toLowerCase()).filter(Boolean));
  const d = domainOf(mailbox);
  if (d) s.add(d);
  return s;
}

async function decide(
  rule: AssignRule,
  address: string,
  cands: Candidate[],
  idx: AddressIndex,
  opts: AssignOptions,
): Promise<Assignment> {
  const firmIds = [...new Set(cands.map((c) => c.firmId).filter((f): f is string => !!f))].sort();
  const persons = [...new Set(cands.map((c) => c.personId))];
  const sharedPerson = persons.length === 1 ? (persons[0] ?? null) : null;
  if (firmIds.length <= 1) {
    const firmId = firmIds[0] ?? null;
    const personId = cands.find((c) => c.firmId === firmId && c.personId)?.personId ?? sharedPerson;
    return {
      firmId,
      personId,
      rule,
      address,
      candidates: firmIds,
      ambiguous: false,
      reason: `${rule} match on ${address}`,
    };
  }
  if (opts.ambiguous === 'unassigned') {
    return {
      firmId: null,
      personId: sharedPerson,
      rule: 'none',
      address,
      candidates: firmIds,
      ambiguous: true,
      reason: `${address} matches ${firmIds.length} firms (${firmIds.join(', ')}); left unassigned`,
    };
  }
  const act = await opts.lastActivity(firmIds);
  const score = (f: string) => {
    const a = act.get(f) ?? '';
    const t = idx.firmTouched.get(f) ?? '';
    return [a, t].sort().pop() as string; // ISO instants compare as strings
  };
  // latest first; equal → lowest id (firmIds is sorted, and sort is stable)
  const best = [...firmIds].sort((x, y) =>
    score(x) < score(y) ? 1 : score(x) > score(y) ? -1 : 0,
  )[0] as string;
  const personId = cands.find((c) => c.firmId === best && c.personId)?.personId ?? null;
  return {
    firmId: best,
    personId,
    rule,
    address,
    candidates: firmIds,
    ambiguous: true,
    reason: `${address} matches ${firmIds.length} firms; chose the most recently active (${best})`,
  };
}

export async function assignMessage(
  input: AssignInput,
  idx: AddressIndex,
  opts: AssignOptions,
): Promise<Assignment> {
  const list = counterparts(input, opts.ownDomains);
  for (const a of list) {
    const r = opts.rules.get(a);
    if (r) {
      return {
        firmId: r.firmId,
        personId: r.personId,
        rule: 'manual',
        address: a,
        candidates: [r.firmId],
        ambiguous: false,
        reason: `assigned by hand for ${a}`,
      };
    }
  }
  for (const a of list) {
    for (const level of LEVELS) {
      const c = idx.exact[level].get(a);
      if (c?.length) return decide(level, a, c, idx, opts);
    }
  }
  for (const a of list) {
    const d = domainOf(a);
    const chain = domainAndParents(d);
    if (chain.some((x) => opts.freeMailDomains.has(x) || opts.ownDomains.has(x))) continue;
    for (const dom of chain) {
      const firms = idx.domains.get(dom);
      if (firms?.size)
        return decide(
          'domain',
          a,
          [...firms].map((firmId) => ({ firmId, personId: null })),
          idx,
          opts,
        );
    }
  }
  return {
    firmId: null,
    personId: null,
    rule: 'none',
    address: list[0] ?? normAddress(input.direction === 'received' ? input.from : input.to[0]),
    candidates: [],
    ambiguous: false,
    reason: list.length ? 'no firm or person has this address or domain' : 'no external counterpart',
  };
}
