/**
 * The one configuration object shared by the CLI and the app. Validated with zod; an invalid configuration is
 * rejected with a message naming the field. Secrets (passwords, tokens) are never part of it: they come from a
 * {@link SecretSource} at run time.
 */
import { z } from 'zod';
import { isMessageKey, type Locale, type MessageParams, tr } from '../shared/messages';
import { isLoopbackHost } from '../shared/net';

export const PART_NAMES = ['addressBook', 'calendar', 'tasks', 'mail'] as const;
export type PartName = (typeof PART_NAMES)[number];

export const DIRECTIONS = ['abraToExchange', 'exchangeToAbra', 'both'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const CONFLICT_POLICIES = ['merge', 'abraWins', 'exchangeWins', 'newestWins'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

const interval = z
  .number()
  .int()
  .min(1)
  .max(24 * 60);
const idList = z.array(z.string().min(1)).default([]);

const partBase = {
  enabled: z.boolean().default(false),
  intervalMinutes: interval.default(15),
  conflictPolicy: z.enum(CONFLICT_POLICIES).default('merge'),
};

export const addressBookSchema = z.object({
  ...partBase,
  direction: z.enum(DIRECTIONS).default('abraToExchange'),
  /** ABRA `where` expression on firms, e.g. `Hidden = false and not (X_Supplier = true)`. */
  where: z.string().default(''),
  /** Only firms whose responsible user is the ABRA user the app signs in as. */
  onlyMine: z.boolean().default(false),
  /** Leave out firms marked hidden in ABRA. */
  hideHidden: z.boolean().default(true),
  /** A contact for each person of a synced firm (besides the company contact). */
  includePersons: z.boolean().default(true),
});

const activityFilter = {
  /** ABRA activity type ids (crmactivitytypes) that belong to this part. */
  activityTypeIds: idList,
  /** ABRA activity series (crmactivityqueues) ids; empty = any series of the chosen types. */
  queueIds: idList,
  /** Only activities whose solver is the signed-in ABRA user. */
  onlyMine: z.boolean().default(true),
  /** Extra ABRA `where` expression on crmactivities. */
  where: z.string().default(''),
  /** Type and series used for items created in Outlook that become new ABRA activities. */
  newItemTypeId: z.string().default(''),
  newItemQueueId: z.string().default(''),
  /**
   * Solver role (securityroles) and division (divisions) of new activities: a real ABRA refuses an activity without
   * them (errors 810, 824). Empty = the activity type's own values; an admin can set them in the policy file.
   */
  newItemSolverRoleId: z.string().default(''),
  newItemDivisionId: z.string().default(''),
  /**
   * Opt-in for new Outlook items: only an item carrying this Outlook category becomes a new ABRA activity (empty =
   * every new item in the part's scope). Items already synced keep syncing whatever their categories.
   */
  newItemsCategory: z.string().trim().default(''),
  /** Private Outlook items: synced and kept private in ABRA, or skipped. */
  privateItems: z.enum(['keepPrivate', 'skip']).default('keepPrivate'),
};

export const calendarSchema = z.object({
  ...partBase,
  direction: z.enum(DIRECTIONS).default('both'),
  ...activityFilter,
  windowPastDays: z.number().int().min(0).max(3650).default(30),
  windowFutureDays: z.number().int().min(1).max(3650).default(365),
});

export const tasksSchema = z.object({
  ...partBase,
  direction: z.enum(DIRECTIONS).default('both'),
  ...activityFilter,
  /** Graph only: the To Do list to use. */
  tasksList: z.enum(['abra', 'default']).default('abra'),
});

export const DEFAULT_FREE_MAIL_DOMAINS = [
  'gmail.com',
  'googlemail.com',
  'seznam.cz',
  'email.cz',
  'post.cz',
  'centrum.cz',
  'atlas.cz',
  'volny.cz',
  'tiscali.cz',
  'quick.cz',
  'azet.sk',
  'centrum.sk',
  'zoznam.sk',
  'pobox.sk',
  'post.sk',
  'outlook.com',
  'outlook.cz',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'ymail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'proton.me',
  'protonmail.com',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'zoho.com',
];

export const mailSchema = z.object({
  enabled: z.boolean().default(false),
  intervalMinutes: interval.default(10),
  /** Fixed for e-mail: the mailbox is archived into ABRA, never the other way. */
  direction: z.literal('exchangeToAbra').default('exchangeToAbra'),
  includeInbox: z.boolean().default(true),
  includeSent: z.boolean().default(true),
  /** Further folders by path; `*` at the end includes subfolders, e.g. `Inbox/Customers/*`. */
  folders: z.array(z.string().min(1)).default([]),
  /** Messages older than this (YYYY-MM-DD) are never archived. */
  startDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default(() => new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10)),
  activityTypeId: z.string().default(''),
  queueId: z.string().default(''),
  /** Solver role and division of the archive activities (empty = the activity type's values); see activityFilter. */
  solverRoleId: z.string().default(''),
  divisionId: z.string().default(''),
  /** The own ABRA e-mail account (emailaccounts) the archive files mail under; empty = the one matching the mailbox. */
  emailAccountId: z.string().default(''),
  /**
   * A user-defined field an ABRA admin added to both e-mail agendas for the Message-ID (e.g. `X_MessageID`); empty =
   * `X_MessageID` when the server has it, else the deterministic look-up (docs/mail.md "One message, one record").
   */
  messageIdField: z
    .string()
    .regex(/^([Xx]_[A-Za-z0-9_]{1,60})?$/)
    .default(''),
  excludedAddresses: z.array(z.string()).default([]),
  excludedDomains: z.array(z.string()).default([]),
  freeMailDomains: z.array(z.string()).default(DEFAULT_FREE_MAIL_DOMAINS),
  /** The company's own domains (internal mail is not assigned by domain); the mailbox's domain is added. */
  ownDomains: z.array(z.string()).default([]),
  /** Several firms match: the most recently active one, or leave unassigned. */
  ambiguous: z.enum(['mostRecent', 'unassigned']).default('mostRecent'),
  skipPrivate: z.boolean().default(true),
  skipCategories: z.array(z.string()).default(['Soukromé', 'Private']),
  headersOnly: z.boolean().default(false),
  maxAttachmentBytes: z
    .number()
    .int()
    .min(0)
    .default(10 * 1024 * 1024),
  skipAutoReplies: z.boolean().default(true),
  skipDeliveryReports: z.boolean().default(true),
});

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
export type AbraExtraField = z.infer<typeof abraExtraFieldSchema>;

export const syncConfigSchema = z
  .object({
    /** Names the state file `<dataDir>/<profile>.sqlite`: no path separators, no `..`. */
    profile: z
      .string()
      .min(1)
      .max(64)
      .refine((v) => /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(v) && !v.includes('..'), {
        params: { key: 'config.profileName' },
      })
      .default('default'),
    abra: abraConnectionSchema,
    exchange: exchangeConnectionSchema,
    parts: z
      .object({
        addressBook: addressBookSchema.default(() => addressBookSchema.parse({})),
        calendar: calendarSchema.default(() => calendarSchema.parse({})),
        tasks: tasksSchema.default(() => tasksSchema.parse({})),
        mail: mailSchema.default(() => mailSchema.parse({})),
      })
      .default(() => ({
        addressBook: addressBookSchema.parse({}),
        calendar: calendarSchema.parse({}),
        tasks: tasksSchema.parse({}),
        mail: mailSchema.parse({}),
      })),
    safety: safetySchema.default(() => safetySchema.parse({})),
    /** Admin-mapped user-defined fields written on new records (see abraExtraFieldSchema). */
    abraExtraFields: z.array(abraExtraFieldSchema).max(50).default([]),
  })
  .superRefine((cfg, ctx) => {
    const cal = cfg.parts.calendar;
    const tasks = cfg.parts.tasks;
    if (cal.enabled && tasks.enabled) {
      // A type/series pair may belong to one part only, or an activity would become both an appointment and a task.
      const calQueues = cal.queueIds.length ? cal.queueIds : ['*'];
      const taskQueues = tasks.queueIds.length ? tasks.queueIds : ['*'];
      for (const t of cal.activityTypeIds) {
        if (!tasks.activityTypeIds.includes(t)) continue;
        const overlap = calQueues.some(
          (q) => q === '*' || taskQueues.includes('*') || taskQueues.includes(q),
        );
        if (overlap) {
          ctx.addIssue({
            code: 'custom',
            path: ['parts', 'tasks', 'activityTypeIds'],
            params: { key: 'config.typeInBothParts', type: t },
          });
        }
      }
    }
    for (const name of ['calendar', 'tasks'] as const) {
      const p = cfg.parts[name];
      if (p.enabled && p.direction !== 'abraToExchange' && (!p.newItemTypeId || !p.newItemQueueId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['parts', name, 'newItemTypeId'],
          params: { key: 'config.newItemType' },
        });
      }
      if (p.enabled && p.activityTypeIds.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['parts', name, 'activityTypeIds'],
          params: { key: 'config.chooseType' },
        });
      }
    }
    const mail = cfg.parts.mail;
    if (mail.enabled && (!mail.activityTypeId || !mail.queueId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['parts', 'mail', 'activityTypeId'],
        params: { key: 'config.mailType' },
      });
    }
  });

export type SyncConfig = z.infer<typeof syncConfigSchema>;
export type SyncConfigInput = z.input<typeof syncConfigSchema>;
export type AddressBookConfig = z.infer<typeof addressBookSchema>;
export type CalendarConfig = z.infer<typeof calendarSchema>;
export type TasksConfig = z.infer<typeof tasksSchema>;
export type MailConfig = z.infer<typeof mailSchema>;
export type AbraConnectionConfig = z.infer<typeof abraConnectionSchema>;
export type ExchangeConnectionConfig = z.infer<typeof exchangeConnectionSchema>;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * zod's error map for the configuration in the user's language: our own sentences for the issues we phrase
 * ourselves (custom checks carry `params.key`, a message key), zod's Czech locale for the rest.
 */
export function configErrorMap(locale: Locale): (issue: z.core.$ZodRawIssue) => string | undefined {
  const czech = locale === 'cs' ? z.locales.cs().localeError : undefined;
  return (issue) => {
    const params = (issue as { params?: Record<string, unknown> }).params;
    if (issue.code === 'custom' && isMessageKey(params?.key)) {
      const { key, ...rest } = params;
      return tr(locale, key, rest as MessageParams);
    }
    if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1)
      return tr(locale, 'config.required');
    if (issue.code === 'invalid_format') {
      if (issue.format === 'url') return tr(locale, 'config.url');
      if (issue.format === 'email') return tr(locale, 'config.email');
      if (issue.format === 'regex' && String(issue.pattern).includes('\\d{4}-'))
        return tr(locale, 'config.date');
    }
    if (!czech) return undefined;
    const m = czech(issue as Parameters<typeof czech>[0]);
    return typeof m === 'string' ? m : m?.message;
  };
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Validate with any of the configuration's schemas; issues in the user's language with dotted paths. */
export function validateWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  locale: Locale = 'en',
  prefix = '',
): { ok: true; data: z.infer<S> } | { ok: false; issues: ConfigIssue[] } {
  const r = schema.safeParse(input, { error: configErrorMap(locale) });
  if (r.success) return { ok: true, data: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({
      path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
      message: i.message,
    })),
  };
}

/** Parse and validate; throws ConfigError whose message names every wrong field (`parts.calendar.windowPastDays: …`). */
export function parseConfig(input: unknown, locale: Locale = 'en'): SyncConfig {
  const r = validateWith(syncConfigSchema, input, locale);
  if (r.ok) return r.data;
  const issues = r.issues;
  throw new ConfigError(
    `invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
    issues,
  );
}

/** Names of the secrets the engine asks for at run time. */
export type SecretName = 'abraPassword' | 'abraToken' | 'exchangePassword' | 'graphTokenCache';

export interface SecretSource {
  get(name: SecretName): Promise<string | null>;
  /** Graph token cache only: MSAL writes back refreshed tokens. */
  set?(name: SecretName, value: string): Promise<void>;
}
