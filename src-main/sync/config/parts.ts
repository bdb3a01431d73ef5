/** The parts' settings: names, directions, conflict policies and one schema per part. */
import { z } from 'zod';

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
