/**
 * POX Autodiscover (the Outlook 2006 protocol every Exchange from 2007 to SE and Exchange Online answers): finds
 * the EWS URL from the e-mail address when the admin did not enter one. ews-javascript-api 0.15.3's
 * `ExchangeService.AutodiscoverUrl` is a stub ("Not implemented."), so the backend does it here:
 *
 *  1. POST the request to https://<domain>/autodiscover/autodiscover.xml, then https://autodiscover.<domain>/…;
 *  2. GET http://autodiscover.<domain>/autodiscover/autodiscover.xml WITHOUT credentials (a transport with no auth
 *     provider, so NTLM does not sign it either) and follow one redirect to an https:// URL, POSTing there;
 *  3. DNS SRV `_autodiscover._tcp.<domain>` → https://<target>:<port>/autodiscover/autodiscover.xml.
 *
 * Answers with `<Action>redirectAddr</Action>` restart with the new address, `redirectUrl` POSTs to the new URL
 * (at most 10 hops). The EWS URL of the EXCH protocol (inside the company network) is preferred, then EXPR.
 *
 * Where the credentials go (what Outlook does, "Allow this website to configure … server settings?"): only to the
 * https:// endpoints of step 1 for the user's own domain. Any other host — reached by an HTTP redirect, by the
 * plain-HTTP probe, by an SRV record, by a `redirectUrl` answer, or another domain by `redirectAddr` — gets nothing
 * until the user has confirmed that host: discovery then ends with a `config` error whose `code` is
 * {@link AUTODISCOVER_CONFIRM} and whose `detail` is the host to show; the caller asks, remembers the answer and
 * passes it back in `trustedHosts`. Plain http:// never carries credentials (the `allowHttp` test hook only opens
 * loopback hosts).
 */
import { promises as dns } from 'node:dns';
import { SyncError } from '../../shared/errors';
import { isLoopbackHost } from '../../shared/net';
import { classifyFailure, type XhrLike, type XhrResponseLike } from './transport';

export interface AutodiscoverOptions {
  /** Replace the POST endpoints of step 1 (tests). `{domain}` is replaced by the address's domain. */
  endpoints?: string[];
  /** Replace the redirect probe of step 2 (tests); null = skip. */
  redirectProbe?: string | null;
  /** DNS SRV lookup (step 3), default true. */
  srv?: boolean;
  /** Accept http:// endpoints — only loopback hosts, only for tests. */
  allowHttp?: boolean;
  /** Hosts (or domains, for `redirectAddr`) the user has confirmed for a redirect; they get the credentials. */
  trustedHosts?: string[];
  /** A transport without credentials for the plain-HTTP redirect probe (step 2); without one the probe is skipped. */
  anonymous?: XhrLike;
}

const REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

function requestXml(email: string): string {
  const esc = email.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${REQUEST_NS}"><Request><EMailAddress>${esc}</EMailAddress><AcceptableResponseSchema>${RESPONSE_SCHEMA}</AcceptableResponseSchema></Request></Autodiscover>`;
}

function tag(xml: string, name: string): string | null {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}[^>]*>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return m?.[1]?.trim() || null;
}

export type AutodiscoverAnswer =
  | { kind: 'settings'; ewsUrl: string }
  | { kind: 'redirectAddr'; email: string }
  | { kind: 'redirectUrl'; url: string }
  | { kind: 'error'; message: string }
  | { kind: 'none' };

/** Read a POX Autodiscover response. */
export function parseAutodiscover(xml: string): AutodiscoverAnswer {
  if (!/<(?:[\w-]+:)?Autodiscover[\s>]/.test(xml)) return { kind: 'none' };
  const action = tag(xml, 'Action');
  if (action === 'redirectAddr') {
    const email = tag(xml, 'RedirectAddr');
    if (email) return { kind: 'redirectAddr', email };
  }
  if (action === 'redirectUrl') {
    const url = tag(xml, 'RedirectUrl');
    if (url) return { kind: 'redirectUrl', url };
  }
  const protocols = [...xml.matchAll(/<(?:[\w-]+:)?Protocol>([\s\S]*?)<\/(?:[\w-]+:)?Protocol>/g)].map(
    (m) => m[1] ?? '',
  );
  const byType = (t: string) =>
    protocols
      .filter((p) => tag(p, 'Type') === t)
      .map((p) => tag(p, 'EwsUrl'))
      .find((u): u is string => !!u);
  const ewsUrl = byType('EXCH') ?? byType('EXPR') ?? tag(xml, 'EwsUrl');
  if (ewsUrl) return { kind: 'settings', ewsUrl };
  const err = tag(xml, 'Message');
  if (err) return { kind: 'error', message: err };
  return { kind: 'none' };
}

function location(r: XhrResponseLike): string | null {
  try {
    const v = r.getResponseHeader?.('location');
    return (Array.isArray(v) ? v[0] : v) ?? null;
  } catch {
    return null;
  }
}

/** `SyncError.code` of "this host needs the user's confirmation before it gets the credentials"; `detail` = host. */
export const AUTODISCOVER_CONFIRM = 'AutodiscoverRedirectNeedsConfirmation';

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

const DEFAULT_ENDPOINTS = [
  'https://{domain}/autodiscover/autodiscover.xml',
  'https://autodiscover.{domain}/autodiscover/autodiscover.xml',
];

export async function discoverEwsUrl(
  email: string,
  http: XhrLike,
  authorization: string | null,
  opts: AutodiscoverOptions = {},
): Promise<string> {
  const seen = new Set<string>();
  let lastTls: SyncError | null = null;
  let current = email;
  /** The first host that would have needed the user's confirmation. */
  let pending: string | null = null;
  const templates = opts.endpoints ?? DEFAULT_ENDPOINTS;
  const domainOf = (address: string) => address.split('@')[1]?.trim().toLowerCase() ?? '';
  const originalDomain = domainOf(email);
  const confirmed = (opts.trustedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean);
  const trustedHosts = trustedHostsOf(originalDomain, confirmed, templates);
  const domainTrusted = (d: string) => d === originalDomain || confirmed.includes(d);
  const secure = (u: URL) =>
    u.protocol === 'https:' ||
    (opts.allowHttp === true && u.protocol === 'http:' && isLoopbackHost(u.hostname));

  const post = async (url: string): Promise<AutodiscoverAnswer> => {
    const u = parseUrl(url);
    if (!u || !secure(u) || seen.has(`POST ${url}`)) return { kind: 'none' };
    const host = u.hostname.toLowerCase();
    if (!trustedHosts.has(host)) {
      // never a credential (nor the address) to a host the user has not confirmed
      pending ??= host;
      return { kind: 'none' };
    }
    seen.add(`POST ${url}`);
    const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
    if (authorization) headers.Authorization = authorization;
    try {
      const res = await http.xhr({ type: 'POST', url, data: requestXml(current), headers });
      return parseAutodiscover(String(res.responseText ?? ''));
    } catch (e) {
      const r = (e ?? {}) as XhrResponseLike;
      if (r.status === 301 || r.status === 302 || r.status === 307 || r.status === 308) {
        const to = location(r);
        return to ? { kind: 'redirectUrl', url: new URL(to, url).toString() } : { kind: 'none' };
      }
      const c = classifyFailure(r, 'Autodiscover', 0, { maxBackoffMs: 0, baseDelayMs: 0 });
      if (c.error.kind === 'auth') throw c.error;
      if (c.error.kind === 'tls') lastTls = c.error;
      return { kind: 'none' };
    }
  };

  const resolve = async (answer: AutodiscoverAnswer, hops: number): Promise<string | 'restart' | null> => {
    if (answer.kind === 'settings') return answer.ewsUrl;
    if (answer.kind === 'redirectAddr' && answer.email.toLowerCase() !== current.toLowerCase()) {
      const d = domainOf(answer.email);
      if (!d) return null;
      if (!domainTrusted(d)) {
        pending ??= d;
        return null;
      }
      current = answer.email;
      return 'restart';
    }
    if (answer.kind === 'redirectUrl' && hops < 10) return resolve(await post(answer.url), hops + 1);
    return null;
  };

  for (let restart = 0; restart < 10; restart++) {
    const domain = domainOf(current);
    if (!domain) throw new SyncError('config', `"${current}" is not an e-mail address`);
    const endpoints = templates.map((e) => e.replace('{domain}', domain));
    let outcome: string | 'restart' | null = null;
    for (const ep of endpoints) {
      outcome = await resolve(await post(ep), 0);
      if (outcome) break;
    }
    if (!outcome) {
      const probe =
        opts.redirectProbe === undefined
          ? `http://autodiscover.${domain}/autodiscover/autodiscover.xml`
          : opts.redirectProbe?.replace('{domain}', domain);
      // the probe is plain HTTP: only through a transport that signs nothing (NTLM signs every request)
      const anonymous = opts.anonymous;
      if (probe && anonymous) {
        try {
          await anonymous.xhr({ type: 'GET', url: probe, headers: {} });
        } catch (e) {
          const r = (e ?? {}) as XhrResponseLike;
          const to = (r.status === 301 || r.status === 302 || r.status === 307) && location(r);
          if (to) outcome = await resolve(await post(new URL(to, probe).toString()), 0);
        }
      }
    }
    if (!outcome && opts.srv !== false) {
      try {
        const records = await dns.resolveSrv(`_autodiscover._tcp.${domain}`);
        records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
        for (const r of records) {
          const port = r.port === 443 ? '' : `:${r.port}`;
          outcome = await resolve(await post(`https://${r.name}${port}/autodiscover/autodiscover.xml`), 0);
          if (outcome) break;
        }
      } catch {
        /* no SRV record */
      }
    }
    if (outcome === 'restart') continue;
    if (outcome) return outcome;
    break;
  }
  throw notFound(email, pending, lastTls);
}

/** The hosts credentials may go to: the user's domain and each confirmed name n, with the standard endpoints of n. */
function trustedHostsOf(originalDomain: string, confirmed: string[], templates: string[]): Set<string> {
  const hosts = new Set<string>();
  for (const d of [originalDomain, ...confirmed]) {
    if (!d) continue;
    if (d !== originalDomain) hosts.add(d);
    for (const t of templates) {
      const u = parseUrl(t.replace('{domain}', d));
      if (u) hosts.add(u.hostname.toLowerCase());
    }
  }
  return hosts;
}

/** Why discovery ended without a URL: a host to confirm first, a TLS problem on the way, or nothing found. */
function notFound(email: string, pending: string | null, lastTls: SyncError | null): SyncError {
  if (pending)
    return new SyncError(
      'config',
      `Autodiscover for ${email} was sent on to ${pending}; it gets the credentials only after you confirm that server`,
      { code: AUTODISCOVER_CONFIRM, detail: pending },
    );
  if (lastTls) return lastTls;
  return new SyncError(
    'config',
    `Autodiscover found no EWS URL for ${email}; enter the EWS URL (https://mail.example.com/EWS/Exchange.asmx)`,
  );
}
