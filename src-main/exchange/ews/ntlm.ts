/**
 * NTLM for on-premises Exchange, as an auth provider of @ewsjs/xhr's XhrApi. @ewsjs/xhr has its own NtlmProvider,
 * but it replaces the https agent with one that ignores the custom CA (`exchange.caCertificate`), which is exactly
 * the on-premises case (internal CA + Windows sign-in). This one:
 * - runs the handshake (Type 1 → 401 + Type 2 challenge → Type 3 with the request) on one dedicated keep-alive
 *   socket per request (NTLM authenticates the connection, not the request), with the configured CA;
 * - never sends the password (only the NTLMv2 response) and removes any Basic header the library prepared;
 * - closes that socket after the request (`Connection: close`).
 */
import http from 'node:http';
import https from 'node:https';
import ntlmClient from '@ewsjs/ntlm-client';
import axios from 'axios';

// A CommonJS package whose named exports Node's ESM loader cannot detect: take them from the default export.
const { createType1Message, createType3Message, decodeType2Message } = ntlmClient;

type Options = Record<string, unknown> & { url: string; headers?: Record<string, string>; timeout?: number };

function withoutAuth(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const lk = k.toLowerCase();
    if (lk === 'authorization' || lk === 'connection') continue;
    out[k] = v;
  }
  return out;
}

export class NtlmAuthProvider {
  readonly providerName = 'ntlm';
  readonly client = null;
  private readonly user: string;
  private readonly domain: string;

  constructor(
    username: string,
    private readonly password: string,
    private readonly ca?: string,
    private readonly workstation = '.',
  ) {
    const slash = username.indexOf('\\');
    if (slash > 0) {
      this.domain = username.slice(0, slash).toUpperCase();
      this.user = username.slice(slash + 1);
    } else {
      this.domain = '';
      this.user = username;
    }
  }

  async preCall(options: Options): Promise<Options> {
    const secure = options.url.startsWith('https:');
    const agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 1, ...(this.ca ? { ca: this.ca } : {}) })
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
    const base = withoutAuth(options.headers);
    const negotiate = await axios({
      url: options.url,
      method: 'POST',
      data: '',
      headers: {
        ...base,
        Authorization: createType1Message(this.workstation, this.domain),
        Connection: 'keep-alive',
      },
      httpAgent: agent,
      httpsAgent: agent,
      validateStatus: () => true,
      maxRedirects: 0,
      timeout: options.timeout,
      responseType: 'text',
    });
    const raw = negotiate.headers['www-authenticate'] as string | string[] | undefined;
    const challenge = (Array.isArray(raw) ? raw : raw ? raw.split(/,\s*(?=NTLM|Negotiate|Basic)/) : []).find(
      (h) => /^NTLM \S+/.test(h),
    );
    if (!challenge) {
      agent.destroy();
      if (negotiate.status === 200) return { ...options, headers: base }; // the server did not ask for sign-in
      // Let the transport classify it (401 → auth, 403 → forbidden, ...).
      throw Object.assign(new Error(`NTLM handshake refused (HTTP ${negotiate.status})`), {
        status: negotiate.status,
        responseText: typeof negotiate.data === 'string' ? negotiate.data : '',
        getResponseHeader: (n: string) => (negotiate.headers[n.toLowerCase()] as string | undefined) ?? null,
      });
    }
    const type3 = createType3Message(
      decodeType2Message(challenge),
      this.user,
      this.password,
      this.workstation,
      this.domain,
    );
    return {
      ...options,
      headers: { ...base, Authorization: type3, Connection: 'close' },
      httpAgent: agent,
      httpsAgent: agent,
    };
  }
}
