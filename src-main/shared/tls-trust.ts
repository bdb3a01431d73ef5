/**
 * The one place that says which certificate authorities the app's own HTTPS clients trust (ABRA Web API, EWS with
 * its NTLM handshake, Microsoft Graph and its sign-in):
 * - Node's bundled Mozilla roots (what Node trusts by default);
 * - plus the operating system's store when this Node can read it (`tls.getCACertificates('system')`, Node ≥ 22.15 /
 *   23.5; Electron's Node has it). On Windows that is the machine's and the user's certificate store, so a company
 *   CA rolled out by group policy is trusted as Outlook and the browser trust it. On Node 20 the function is absent
 *   and only the bundled roots (plus the configured company CA) are used;
 * - plus the company CA configured for that server (`abra.caCertificate`, `exchange.caCertificate`; PEM).
 *
 * A pinned fingerprint (ABRA `fingerprint256`) does not use this list: it trusts exactly the pinned certificate.
 */
import tls from 'node:tls';

/** `tls.getCACertificates` of Node ≥ 22.15 (its type is not in every @types/node). */
export type CaProvider = (type: 'default' | 'system' | 'bundled' | 'extra') => readonly string[];

/** The running Node's `tls.getCACertificates`, or null when it has none (Node 20). */
export function runtimeCaProvider(): CaProvider | null {
  const f = (tls as unknown as { getCACertificates?: unknown }).getCACertificates;
  return typeof f === 'function' ? (f.bind(tls) as CaProvider) : null;
}

export interface TrustStore {
  /** Bundled roots, then the system's (without duplicates). */
  cas: string[];
  /** Whether the operating system's store was read (false: this Node cannot, or reading it failed). */
  system: boolean;
  /** How many certificates came from the system store beyond the bundled ones. */
  systemAdded: number;
  /** Why the system store is not used, when it is not. */
  reason?: string;
}

const norm = (pem: string) => pem.replace(/\r/g, '').trim();

/** Select the trusted CAs from a provider (injectable for tests); `null` = this Node has no provider. */
export function selectTrust(
  provider: CaProvider | null,
  bundled: readonly string[] = tls.rootCertificates,
): TrustStore {
  const cas: string[] = [];
  const seen = new Set<string>();
  const add = (list: readonly string[]) => {
    let n = 0;
    for (const pem of list) {
      if (typeof pem !== 'string' || !pem.includes('BEGIN CERTIFICATE')) continue;
      const k = norm(pem);
      if (seen.has(k)) continue;
      seen.add(k);
      cas.push(pem);
      n++;
    }
    return n;
  };
  add(bundled);
  if (!provider)
    return { cas, system: false, systemAdded: 0, reason: 'this Node has no tls.getCACertificates' };
  let system: readonly string[];
  try {
    system = provider('system');
  } catch (e) {
    return {
      cas,
      system: false,
      systemAdded: 0,
      reason: `the system certificate store could not be read (${(e as Error)?.message ?? e})`,
    };
  }
  if (!Array.isArray(system))
    return { cas, system: false, systemAdded: 0, reason: 'the system certificate store gave no list' };
  return { cas, system: true, systemAdded: add(system) };
}

let cached: TrustStore | null = null;
/** True once Node's default CA list holds the system's store too (tls.setDefaultCACertificates, Node ≥ 22.19/24.5). */
let defaultHasSystem = false;
const contexts = new Map<string, tls.SecureContext>();
const caOfContext = new WeakMap<tls.SecureContext, string[]>();

/**
 * The trust store of this process (read once). Where Node can, the system's CAs also become Node's default list, so
 * a connection without a company CA uses Node's own cached context (building a context from ~700 certificates
 * costs ~150 ms of CPU, on every connection when passed as `ca`).
 */
export function trustStore(): TrustStore {
  if (cached) return cached;
  cached = selectTrust(runtimeCaProvider());
  const setDefault = (tls as unknown as { setDefaultCACertificates?: (certs: string[]) => void })
    .setDefaultCACertificates;
  if (cached.system && cached.systemAdded > 0 && typeof setDefault === 'function') {
    try {
      setDefault.call(tls, cached.cas);
      defaultHasSystem = true;
    } catch {
      defaultHasSystem = false;
    }
  } else if (!cached.system || cached.systemAdded === 0) defaultHasSystem = true; // nothing to add
  return cached;
}

/** Forget the cached store and contexts (tests). */
export function resetTrustStore(): void {
  cached = null;
  contexts.clear();
}

/**
 * The CA list: the bundled and system roots plus the server's company CA (PEM text, possibly several certificates),
 * when one is configured.
 */
export function trustedCas(extra?: string | null, store: TrustStore = trustStore()): string[] {
  const company = extra?.trim();
  return company ? [...store.cas, company] : [...store.cas];
}

/** TLS options that trust {@link trustedCas}: for an https agent or tls.connect. */
export interface TrustOptions {
  /** Absent: Node's default context already trusts the bundled and the system's roots. */
  secureContext?: tls.SecureContext;
}

/**
 * Options for an https agent (or tls.connect) that trust the bundled roots, the system's store and the company CA:
 * `{}` where Node's default list already holds everything, else one cached SecureContext per company CA (never a
 * `ca` list, which Node would turn into a new context on every connection).
 */
export function trustOptions(extra?: string | null): TrustOptions {
  const store = trustStore();
  const company = extra?.trim() ?? '';
  if (!company && defaultHasSystem) return {};
  let ctx = contexts.get(company);
  if (!ctx) {
    const ca = trustedCas(company, store);
    ctx = tls.createSecureContext({ ca });
    contexts.set(company, ctx);
    caOfContext.set(ctx, ca);
  }
  return { secureContext: ctx };
}

/** The CA list a context of {@link trustOptions} was built from (for a connection that needs its own context). */
export function caListOf(ctx: unknown): string[] | undefined {
  return ctx && typeof ctx === 'object' ? caOfContext.get(ctx as tls.SecureContext) : undefined;
}
