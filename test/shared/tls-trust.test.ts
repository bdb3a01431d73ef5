/**
 * Which CAs the app's HTTPS clients trust (src-main/shared/tls-trust.ts): the bundled roots, plus the operating
 * system's store where this Node can read it (`tls.getCACertificates('system')`, Node ≥ 22.15 — Electron's Node has
 * it; https://nodejs.org/api/tls.html#tlsgetcacertificatestype), plus the server's company CA.
 */
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  type CaProvider,
  caListOf,
  runtimeCaProvider,
  selectTrust,
  trustedCas,
  trustOptions,
  trustStore,
} from '../../src-main/shared/tls-trust';

const pem = (n: string) => `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`;

describe('trust store selection', () => {
  it('without tls.getCACertificates (Node 20): the bundled roots only, and says why', () => {
    const s = selectTrust(null, [pem('A'), pem('B')]);
    expect(s).toMatchObject({ system: false, systemAdded: 0 });
    expect(s.cas).toEqual([pem('A'), pem('B')]);
    expect(s.reason).toMatch(/getCACertificates/);
  });

  it("with a provider: the system's store is added after the bundled roots, without duplicates", () => {
    const asked: string[] = [];
    const provider: CaProvider = (type) => {
      asked.push(type);
      return type === 'system' ? [pem('B'), `${pem('C')}`.replace(/\n/g, '\r\n'), pem('D')] : [];
    };
    const s = selectTrust(provider, [pem('A'), pem('B'), pem('C')]);
    expect(asked).toEqual(['system']);
    expect(s).toMatchObject({ system: true, systemAdded: 1 });
    expect(s.cas).toEqual([pem('A'), pem('B'), pem('C'), pem('D')]);
  });

  it('a store that cannot be read falls back to the bundled roots', () => {
    const s = selectTrust(() => {
      throw new Error('access denied');
    }, [pem('A')]);
    expect(s).toMatchObject({ system: false, cas: [pem('A')] });
    expect(s.reason).toContain('access denied');
  });

  it('anything that is not a certificate is left out', () => {
    const s = selectTrust(() => ['', 'garbage', pem('Z')] as string[], [pem('A')]);
    expect(s.cas).toEqual([pem('A'), pem('Z')]);
  });

  it("the company CA comes last; the store's list is not changed by it", () => {
    const store = selectTrust(null, [pem('A')]);
    expect(trustedCas(`  ${pem('CO')}  `, store)).toEqual([pem('A'), pem('CO').trim()]);
    expect(trustedCas('', store)).toEqual([pem('A')]);
    expect(trustedCas(undefined, store)).toEqual([pem('A')]);
    expect(store.cas).toEqual([pem('A')]);
  });

  it('this Node: the provider exists exactly when tls.getCACertificates does, and the store holds the bundled roots', () => {
    const has = typeof (tls as unknown as { getCACertificates?: unknown }).getCACertificates === 'function';
    expect(runtimeCaProvider() !== null).toBe(has);
    const s = selectTrust(runtimeCaProvider());
    expect(s.system).toBe(has);
    for (const root of tls.rootCertificates.slice(0, 5)) expect(s.cas).toContain(root);
  });

  it('agents get one cached context per company CA (never a CA list rebuilt on every connection)', () => {
    const company = `${pem('CO')}`;
    const a = trustOptions(company);
    const b = trustOptions(`  ${company}\n`);
    expect(a.secureContext).toBeDefined();
    expect(b.secureContext).toBe(a.secureContext);
    const list = caListOf(a.secureContext)!;
    expect(list.at(-1)).toBe(company.trim());
    expect(list.length).toBe(trustStore().cas.length + 1);
    // without a company CA: Node's default context where it already holds the system's store, else one shared one
    const plain = trustOptions();
    if (plain.secureContext) expect(caListOf(plain.secureContext)).toEqual(trustStore().cas);
    expect(caListOf({})).toBeUndefined();
  });
});
