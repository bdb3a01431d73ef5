/**
 * TLS 1.0/1.1 for one Exchange host, only when the admin allows it (policy `sync.exchange.legacyTlsHost`).
 *
 * A stock Exchange 2007 (Windows Server 2003/2008) offers only TLS 1.0; Node and Electron refuse anything below
 * TLS 1.2 by default. The allowance is per host: every other host this app talks to (Autodiscover, a redirect)
 * keeps the defaults. OpenSSL 3 also needs security level 0 for TLS 1.0's SHA-1 signatures.
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { caListOf } from '../../shared/tls-trust';

/** What a TLS socket to the legacy host is opened with. */
export const LEGACY_TLS_OPTIONS = { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

/** The host part an admin gives (a bare name, or a URL out of habit), lower case; '' for none. */
export function legacyTlsHostOf(value: string | undefined): string {
  const v = (value ?? '').trim().toLowerCase();
  if (!v) return '';
  try {
    return new URL(v.includes('://') ? v : `https://${v}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return v;
  }
}

/**
 * A legacy connection needs its own context (a shared SecureContext would override the protocol and ciphers): the
 * trusted CA list goes in as `ca` instead (shared/tls-trust.ts).
 */
function legacyOptions(options: Record<string, unknown>): Record<string, unknown> {
  const { secureContext, ...rest } = options;
  const ca = caListOf(secureContext);
  return { ...rest, ...(ca ? { ca } : {}), ...LEGACY_TLS_OPTIONS };
}

/** An https agent that opens legacy TLS to `host` alone; `onLegacy` hears the protocol each such socket got. */
export class LegacyTlsAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly host: string,
    private readonly onLegacy?: (protocol: string) => void,
  ) {
    super(options);
  }

  override createConnection(
    options: Record<string, unknown>,
    callback?: (err: Error | null, socket: Duplex) => void,
  ): Duplex {
    const target = String(options.host ?? options.hostname ?? '')
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    const legacy = !!this.host && target === this.host;
    const socket = (
      https.Agent.prototype as unknown as {
        createConnection: (o: Record<string, unknown>, cb?: unknown) => Duplex;
      }
    ).createConnection.call(this, legacy ? legacyOptions(options) : options, callback);
    if (legacy && this.onLegacy) {
      const tls = socket as Duplex & { getProtocol?: () => string | null; once: Duplex['once'] };
      tls.once('secureConnect', () => {
        const p = tls.getProtocol?.();
        if (p) this.onLegacy?.(p);
      });
    }
    return socket;
  }

  /** Connections to the legacy host must not share a pool entry with default ones (agent key includes options). */
  override getName(options?: https.RequestOptions): string {
    const name = super.getName(options);
    const target = String(options?.host ?? options?.hostname ?? '').toLowerCase();
    return this.host && target === this.host ? `${name}:legacy-tls` : name;
  }
}

/** True for a handshake refused because the server offers only a TLS version below what we accept. */
export function isOldTlsRefusal(code: string | undefined, message: string): boolean {
  return (
    code === 'ERR_SSL_UNSUPPORTED_PROTOCOL' ||
    code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' ||
    /unsupported protocol|protocol version|wrong version number|no protocols available|TLSV1_ALERT_PROTOCOL_VERSION/i.test(
      message,
    )
  );
}
