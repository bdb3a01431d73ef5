/** E-mail address and domain helpers shared by the assignment rules and the privacy filters. */

export function normAddress(a: string | null | undefined): string {
  return (a ?? '')
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<|>$/g, '')
    .toLowerCase();
}

export function domainOf(address: string): string {
  const a = normAddress(address);
  const i = a.lastIndexOf('@');
  return i < 0 ? '' : a.slice(i + 1).replace(/\.$/, '');
}

/** An ABRA e-mail field may hold several addresses separated by `;`, `,` or spaces. */
export function splitAddresses(field: unknown): string[] {
  if (typeof field !== 'string' || !field) return [];
  return field
    .split(/[;,\s]+/)
    .map(normAddress)
    .filter((a) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a));
}

/** `https://www.Kovo-Brno.cz/kontakt` → `kovo-brno.cz`; '' when it is not a web address. */
export function webDomain(www: unknown): string {
  if (typeof www !== 'string') return '';
  let s = www.trim().toLowerCase();
  if (!s) return '';
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.replace(/^[^@/]*@/, ''); // user:pass@
  s = s.split(/[/?#\s;,]/)[0] ?? '';
  s = s.replace(/:\d+$/, '').replace(/\.$/, '');
  s = s.replace(/^www\d*\./, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s) ? s : '';
}

/** `mail.sub.kovo.cz` → [`mail.sub.kovo.cz`, `sub.kovo.cz`, `kovo.cz`] (never a bare TLD). */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i + 2 <= labels.length; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** Is `domain` one of `list` (or a subdomain of one)? */
export function inDomainList(domain: string, list: Iterable<string>): boolean {
  const set =
    list instanceof Set ? (list as Set<string>) : new Set([...list].map((d) => d.trim().toLowerCase()));
  return domainAndParents(domain).some((d) => set.has(d));
}
