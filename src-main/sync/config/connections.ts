/** The connection settings (ABRA, Exchange), the safety settings and the user-defined ABRA fields. */
import { z } from 'zod';
import { isLoopbackHost } from '../../shared/net';

/**
 * A credential-carrying URL must be https://, except for this computer (tests, the demo): over http:// a password or
 * token would travel readable by anyone on the network. Empty and unparseable values are left to the other checks.
 */
export function isClearTextUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
}

const secureUrl = (key: 'config.cleartextAbra' | 'config.cleartextGraph' | 'config.cleartextEws') =>
  z.string().refine((v) => !isClearTextUrl(v), { params: { key } });

/** A path after the server address (usually the connection name pasted with it): the client would refuse it. */
function urlPath(v: string): string {
  try {
    return new URL(v).pathname.replace(/^\/+|\/+$/g, '');
  } catch {
    return '';
  }
}

/**
 * A company CA (PEM: one or more certificates, as a Windows .cer/.crt saved as Base-64). Only the form is checked
 * here (the renderer shares this module); the TLS layer parses it when it connects.
 */
const caPem = z
  .string()
  .optional()
  .superRefine((v, ctx) => {
    if (!v?.trim()) return;
    const blocks = v.match(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g) ?? [];
    const outside = v.replace(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g, '').trim();
    const bodyOk = (b: string) => {
      const body = b.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
      return body.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(body);
    };
    if (!blocks.length || !blocks.every(bodyOk) || /-----BEGIN /.test(outside))
      ctx.addIssue({ code: 'custom', params: { key: 'config.caPem' } });
  });

export const abraConnectionSchema = z.object({
  /** e.g. `https://abra.example.cz:8443` (no path: the connection name has its own field); http:// only on loopback (Basic credentials travel with every call). */
  serverUrl: z
    .string()
    .url()
    .superRefine((v, ctx) => {
      const p = urlPath(v);
      if (p) ctx.addIssue({ code: 'custom', params: { key: 'config.abraUrlPath', path: p } });
    })
    .pipe(secureUrl('config.cleartextAbra')),
  /** The ABRA Gen Web API connection name (the first path segment). */
  connection: z.string().min(1),
  login: z.string().min(1),
  authMode: z.enum(['password', 'token']).default('password'),
  /** PEM of a custom CA for a self-signed on-prem server. */
  caCertificate: caPem,
  /**
   * SHA-256 fingerprint of a pinned certificate: the server's own or an issuing CA it presents (hex, colons
   * allowed; 64 hex digits).
   */
  fingerprint256: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const hex = (v ?? '').replace(/[^0-9a-f]/gi, '');
      if (v?.trim() && (hex.length !== 64 || /[^0-9a-f:\s]/i.test(v)))
        ctx.addIssue({ code: 'custom', params: { key: 'config.fingerprint' } });
    }),
});

export const exchangeConnectionSchema = z.object({
  kind: z.enum(['ews', 'graph']).default('ews'),
  email: z.string().email(),
  /** EWS only; empty = Autodiscover from the e-mail address. */
  ewsUrl: secureUrl('config.cleartextEws').default(''),
  auth: z.enum(['basic', 'ntlm', 'oauth']).default('basic'),
  /** EWS Basic/NTLM user name (often DOMAIN\\user or the UPN); defaults to the e-mail. */
  user: z.string().default(''),
  domain: z.string().default(''),
  /** Graph / EWS OAuth. */
  tenantId: z.string().default('organizations'),
  clientId: z.string().default(''),
  /** Graph base URL (tests point it at the emulator). */
  graphUrl: secureUrl('config.cleartextGraph').default('https://graph.microsoft.com/v1.0'),
  authorityUrl: secureUrl('config.cleartextGraph').default('https://login.microsoftonline.com'),
  /** PEM of the company CA (on-prem Exchange with an internal CA, a TLS-inspecting proxy); added to the trusted CAs. */
  caCertificate: caPem,
  /** The user's time zone (IANA). */
  timeZone: z.string().default('Europe/Prague'),
  /**
   * EWS dialect: 'auto' detects it from the server (Exchange 2007 → legacy mode); an admin may pin it when the
   * detection cannot work (e.g. a proxy that hides the server's ServerVersionInfo).
   */
  serverVersion: z.enum(['auto', 'Exchange2007_SP1', 'Exchange2010_SP2']).default('auto'),
  /**
   * EWS: the one host (e.g. mail.firma.cz) this app may reach with TLS 1.0/1.1 (a stock Exchange 2007 offers
   * nothing newer). In the app only the admin policy file can set it (src-main/app/policy.ts).
   */
  legacyTlsHost: z.string().default(''),
});

export const safetySchema = z.object({
  /** A run that would delete more than this share of a part's linked items stops and asks. */
  massDeleteRatio: z.number().min(0).max(1).default(0.2),
  /** ... but only when it is at least this many items. */
  massDeleteMin: z.number().int().min(1).default(10),
  /** How often (minutes) the ABRA deletion scan runs at most. */
  abraDeletionScanMinutes: z.number().int().min(1).default(60),
  /**
   * How often (hours) a part reads its whole ABRA scope instead of the changes since the cursor, comparing by hash:
   * the backstop for changes stamped before the cursor (the ABRA server's clock stepped back further than the
   * overlap, a transaction committed late).
   */
  abraFullCompareHours: z.number().int().min(1).default(24),
  /**
   * A part's first run that writes to ABRA waits until the preflight (fields in the server's API description, dry-run
   * writes) passed for it on that server. An admin may switch it off in the policy file.
   */
  requirePreflight: z.boolean().default(true),
});

/**
 * A user-defined ABRA field (`X_…`) an admin maps for this installation: ABRA customers add such fields and may make
 * them mandatory (e.g. `X_Region` on every new activity). The value is written on every record the app creates in
 * that collection; the preflight checks the field exists and the server accepts the value.
 */
export const abraExtraFieldSchema = z.object({
  collection: z.enum(['crmactivities', 'firms', 'persons']),
  field: z.string().regex(/^X_[A-Za-z0-9_]{1,60}$/, 'a user-defined ABRA field: X_ and letters, digits, _'),
  value: z.union([z.string().max(1000), z.number(), z.boolean()]),
});
