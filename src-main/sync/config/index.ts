/**
 * The one configuration object shared by the CLI and the app. Validated with zod; an invalid configuration is
 * rejected with a message naming the field. Secrets (passwords, tokens) are never part of it: they come from a
 * {@link SecretSource} at run time.
 *
 * The parts' schemas are in `parts.ts`, the connections' and the safety settings' in `connections.ts`.
 */
import { z } from 'zod';
import { isMessageKey, type Locale, type MessageParams, tr } from '../../shared/messages';
import {
  abraConnectionSchema,
  abraExtraFieldSchema,
  exchangeConnectionSchema,
  safetySchema,
} from './connections';
import { addressBookSchema, calendarSchema, mailSchema, tasksSchema } from './parts';

export * from './connections';
export * from './parts';

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
