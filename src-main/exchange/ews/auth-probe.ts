/**
 * Which sign-in methods an EWS endpoint offers, read from the `WWW-Authenticate` headers of its 401 answer to a
 * request WITHOUT credentials (nothing secret is sent). IIS in front of Exchange lists every enabled method, e.g.
 * `Negotiate`, `NTLM`, `Basic realm="mail.firma.cz"`, and for modern authentication `Bearer …`
 * (RFC 9110 §11.6.1; MS-NLMP; "Authentication and EWS in Exchange", Microsoft Learn).
 *
 * The choice (see {@link chooseEwsAuth}): NTLM when offered (the password itself never travels), else Basic (over
 * https), else OAuth (Bearer alone: Exchange Online or hybrid modern authentication — sign in with Microsoft).
 */
import http from 'node:http';
import https from 'node:https';
import { trustOptions } from '../../shared/tls-trust';

export type EwsAuth = 'basic' | 'ntlm' | 'oauth';

export interface EwsAuthOffer {
  /** The methods the server named, in our terms (Negotiate counts as NTLM: IIS falls back to it). */
  offered: EwsAuth[];
  /** HTTP status of the probe (401 expected; 200 = the endpoint asked for no sign-in). */
  status: number;
}

/** The schemes of one or more `WWW-Authenticate` header values. */
export function parseAuthSchemes(values: string | string[] | undefined): EwsAuth[] {
  const list = Array.isArray(values) ? values : values ? [values] : [];
  const out = new Set<EwsAuth>();
  for (const v of list)
    for (const part of v.split(/,\s*(?=[A-Za-z][\w-]*(?:\s|$|,))/)) {
      const scheme = part.trim().split(/\s+/)[0]?.toLowerCase();
      if (scheme === 'ntlm' || scheme === 'negotiate') out.add('ntlm');
      else if (scheme === 'basic') out.add('basic');
      else if (scheme === 'bearer') out.add('oauth');
    }
  return [...out];
}

/** NTLM first (no password on the wire), then Basic, then OAuth; null when nothing usable was offered. */
export function chooseEwsAuth(offered: EwsAuth[]): EwsAuth | null {
  for (const a of ['ntlm', 'basic', 'oauth'] as const) if (offered.includes(a)) return a;
  return null;
}

/** POST an empty SOAP request without credentials and read the offered methods. */
export function probeEwsAuth(
  ewsUrl: string,
  opts: { caCertificate?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<EwsAuthOffer> {
  const url = new URL(ewsUrl);
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': '0', connection: 'close' },
        timeout: opts.timeoutMs ?? 10_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(secure
          ? { agent: new https.Agent({ keepAlive: false, ...trustOptions(opts.caCertificate) }) }
          : { agent: false }),
      },
      (res) => {
        res.resume();
        resolve({ offered: parseAuthSchemes(res.headers['www-authenticate']), status: res.statusCode ?? 0 });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}
