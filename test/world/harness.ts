/**
 * The whole product minus the window: the real engine (SyncService), the real wiring (ABRA client, Exchange
 * backend) and both emulators over loopback HTTP. Scenarios act as the user in ABRA (the ABRA emulator's control)
 * and in Outlook (an {@link OutlookActor} over the Exchange emulator's control), then run the parts and look at both
 * sides. Used by the end-to-end suites, the demo and the benchmark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '../../src-main/sync/api';
import { type PartName, parseConfig, type SecretSource, type SyncConfig } from '../../src-main/sync/config';
import { SyncService } from '../../src-main/sync/service';
import { connect } from '../../src-main/wiring';
import { type AbraEmulator, addMailboxAccount, startAbraEmulator } from '../emulators/abra';
import type { SeedSize as AbraSize } from '../emulators/abra/seed';
import { type EwsEmulator, type ItemSnapshot, startEwsEmulator } from '../emulators/ews';
import type { ServerFlavour } from '../emulators/ews/soap';
import { type GraphEmulator, startGraphEmulator } from '../emulators/graph/index';
import { graphActor } from './graph-actor';

/** An item as the user sees it in Outlook. */
export interface OutlookItem {
  id: string;
  subject: string;
  /** Contacts: company name; appointments/tasks: empty. */
  company?: string;
  emails?: string[];
  start?: string;
  end?: string;
  due?: string;
  status?: string;
  abraId?: string;
  /** Appointments: Single / RecurringMaster. */
  kind?: string;
}

/** What a salesperson does in Outlook, independent of the server behind it. */
export interface OutlookActor {
  contacts(): OutlookItem[];
  appointments(): OutlookItem[];
  tasks(): OutlookItem[];
  createAppointment(f: {
    subject: string;
    start: string;
    end: string;
    location?: string;
    weekly?: { count: number; day: string };
  }): string;
  deleteOccurrence(masterId: string, index: number): void;
  createTask(f: { subject: string; due?: string }): string;
  edit(id: string, f: Record<string, unknown>): void;
  remove(id: string): void;
  /** The user deletes the "ABRA Gen" contacts folder for good, with every contact in it. */
  deleteContactFolder(): void;
  deliverMail(mime: string | Buffer): void;
}

export interface World {
  /** Which Exchange backend and emulator this world runs. */
  kind: 'ews' | 'graph';
  abra: AbraEmulator;
  outlook: OutlookActor;
  /** The EWS emulator (kind 'ews'), else null. */
  ews: EwsEmulator | null;
  /** The Graph emulator (kind 'graph'), else null. */
  graph: GraphEmulator | null;
  /** The mailbox address. */
  exchangeEmail: string;
  /** EWS endpoint or Graph base URL. */
  exchangeUrl: string;
  /** HTTP requests the Exchange emulator received since the last reset (a Graph $batch counts once). */
  exchangeRequests(): number;
  /** Write requests (folders and items) the Exchange emulator received since the last reset. */
  exchangeWrites(): number;
  resetExchangeLog(): void;
  /** Make the next `times` Exchange requests answer "server busy, retry later". */
  throttleExchange(times: number): void;
  /** Id of the Inbox message with this Internet Message-ID. */
  findInboxMessage(internetMessageId: string): string | undefined;
  config: SyncConfig;
  secrets: SecretSource;
  /** The secrets as a CLI `--secrets` file holds them. */
  secretValues: Record<string, string>;
  dataDir: string;
  /**
   * A new engine over the same state folder (a restart of the app): the engines before it are stopped first, as
   * their process would be — one engine per state file (the state lock refuses a second one).
   */
  service(overrides?: (c: SyncConfig) => void): Promise<SyncService>;
  run(service: SyncService, part?: PartName): Promise<Record<string, RunSummary>>;
  ids: {
    sch: string;
    ukol: string;
    mail: string;
    qSch: string;
    qUko: string;
    qEml: string;
    role: string;
    division: string;
    me: string;
  };
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** Exchange Server over EWS (default) or Microsoft 365 over Graph. */
  exchange?: 'ews' | 'graph';
  abraSize?: AbraSize;
  exchangeSize?: 'empty' | 'small' | 'demo' | 'large';
  seed?: number;
  dataDir?: string;
  /** Added latency per request on every emulator (benchmarks). */
  latencyMs?: number;
  /** Validate every EWS request against the XSD (default: when the schema is present; off for benchmarks). */
  validateRequests?: boolean;
  /**
   * The EWS emulator's server profile (default Exchange2016). The Exchange 2007 profiles also check every answer
   * against 2007's schema (see `ews.responseViolations()`).
   */
  ewsVersion?: ServerFlavour;
  /** How the ABRA emulator answers list reads (default `ids`, as real captures show). */
  abraListShape?: 'ids' | 'embedded';
  /** Persons with createdat$date/correctedat$date (not proven on a real server; default off). */
  abraPersonAuditDates?: boolean;
}

const CONTACT_SET = 'c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/AbraId';

function snapToItem(s: ItemSnapshot): OutlookItem {
  const f = s.fields;
  return {
    id: s.id,
    subject: f.Subject ?? f.DisplayName ?? f.FileAs ?? '',
    company: f.CompanyName,
    emails: Object.entries(s.entries)
      .filter(([k]) => k.startsWith('EmailAddress'))
      .map(([, v]) => v),
    start: f.Start,
    end: f.End,
    due: f.DueDate,
    status: f.Status,
    abraId: Object.entries(s.extended).find(([k]) => k.toLowerCase() === CONTACT_SET.toLowerCase())?.[1],
    kind: f.CalendarItemType,
  };
}

export function ewsActor(ews: EwsEmulator): OutlookActor {
  const c = ews.control;
  const abraFolder = () => c.folders().find((f) => f.displayName === 'ABRA Gen');
  return {
    contacts: () => {
      const f = abraFolder();
      return f ? c.list(f.id).map(snapToItem) : [];
    },
    deleteContactFolder: () => {
      const f = abraFolder();
      if (f) c.deleteFolder(f.id);
    },
    appointments: () => c.list(c.folderId('calendar')).map(snapToItem),
    tasks: () => c.list(c.folderId('tasks')).map(snapToItem),
    createAppointment: (f) =>
      c.createAppointment({
        subject: f.subject,
        start: f.start,
        end: f.end,
        location: f.location,
        recurrence: f.weekly
          ? { pattern: 'weekly', interval: 1, days: [f.weekly.day], numberOfOccurrences: f.weekly.count }
          : undefined,
      }).id,
    deleteOccurrence: (id, i) => c.deleteOccurrence(id, i),
    createTask: (f) => c.createTask({ subject: f.subject, due: f.due ?? null }).id,
    edit: (id, f) => {
      c.update(id, f);
    },
    remove: (id) => c.remove(id),
    deliverMail: (mime) => {
      c.deliverMail(mime, 'inbox');
    },
  };
}

const EWS_WRITES = ['CreateItem', 'UpdateItem', 'DeleteItem', 'CreateFolder'];

/** Every ABRA field the product named in its requests during this test file (see docs/abra-api.md's field table). */
export const abraFieldUsage = new Set<string>();

export async function startWorld(o: WorldOptions = {}): Promise<World> {
  const kind = o.exchange ?? 'ews';
  const abra = await startAbraEmulator({
    size: o.abraSize ?? 'small',
    seed: o.seed ?? 11,
    latencyMs: o.latencyMs,
    listShape: o.abraListShape,
    personAuditDates: o.abraPersonAuditDates,
  });
  const ews =
    kind === 'ews'
      ? await startEwsEmulator({
          size: o.exchangeSize ?? 'empty',
          seed: o.seed ?? 11,
          validateRequests: o.validateRequests,
          latencyMs: o.latencyMs,
          ...(o.ewsVersion
            ? { version: o.ewsVersion, checkResponses: o.ewsVersion.startsWith('Exchange2007') }
            : {}),
        })
      : null;
  const graph =
    kind === 'graph'
      ? await startGraphEmulator({
          size: o.exchangeSize ?? 'empty',
          seed: o.seed ?? 11,
          latencyMs: o.latencyMs,
        })
      : null;
  const c = abra.control;
  const code = (coll: string, k: string) => String(c.list(coll).find((x) => x.code === k)!.id);
  const ids = {
    sch: code('crmactivitytypes', 'SCH'),
    ukol: code('crmactivitytypes', 'UKOL'),
    mail: code('crmactivitytypes', 'MAIL'),
    qSch: code('crmactivityqueues', 'SCH'),
    qUko: code('crmactivityqueues', 'UKO'),
    qEml: code('crmactivityqueues', 'EML'),
    // solver role and division of new activities: the seeded types have none (as on ABRA's DEMO)
    role: String(c.list('securityroles')[0]!.id),
    division: String(c.list('divisions')[1]!.id),
    me: abra.currentUserId,
  };
  const exchangeConfig = ews
    ? { kind: 'ews', email: ews.email, ewsUrl: ews.url, auth: 'basic', user: ews.user }
    : {
        kind: 'graph',
        email: graph!.email,
        graphUrl: graph!.url,
        authorityUrl: graph!.authorityUrl,
        tenantId: graph!.tenantId,
        clientId: graph!.clientId,
      };
  addMailboxAccount(abra, exchangeConfig.email);
  const config = parseConfig({
    abra: { serverUrl: abra.url.slice(0, abra.url.lastIndexOf('/')), connection: 'demo', login: abra.user },
    exchange: exchangeConfig,
    parts: {
      addressBook: { enabled: true },
      calendar: {
        enabled: true,
        activityTypeIds: [ids.sch],
        newItemTypeId: ids.sch,
        newItemQueueId: ids.qSch,
        newItemSolverRoleId: ids.role,
        newItemDivisionId: ids.division,
      },
      tasks: {
        enabled: true,
        activityTypeIds: [ids.ukol],
        newItemTypeId: ids.ukol,
        newItemQueueId: ids.qUko,
        newItemSolverRoleId: ids.role,
        newItemDivisionId: ids.division,
      },
      mail: {
        enabled: true,
        activityTypeId: ids.mail,
        queueId: ids.qEml,
        solverRoleId: ids.role,
        divisionId: ids.division,
        startDate: new Date(Date.now() - 90 * 86400_000).toISOString().slice(0, 10),
        ownDomains: ['example.cz'],
      },
    },
  });
  // Graph: a bare access token of the emulator stands in for the signed-in MSAL cache.
  const secretValues: Record<string, string> = ews
    ? { abraPassword: abra.password, exchangePassword: ews.password }
    : { abraPassword: abra.password, graphTokenCache: graph!.token };
  const secrets: SecretSource = { get: async (n) => secretValues[n] ?? null };
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'abra-sync-e2e-'));
  const services: SyncService[] = [];
  return {
    kind,
    abra,
    ews,
    graph,
    outlook: ews ? ewsActor(ews) : graphActor(graph!),
    exchangeEmail: ews ? ews.email : graph!.email,
    exchangeUrl: ews ? ews.url : graph!.url,
    exchangeRequests: () => (ews ? ews.log.total() : graph!.log.entries().filter((e) => !e.inBatch).length),
    exchangeWrites: () =>
      ews
        ? EWS_WRITES.reduce((n, op) => n + (ews.log.counts()[op] ?? 0), 0)
        : graph!.log.entries().filter((e) => e.method !== 'GET' && !e.path.startsWith('/$batch')).length,
    resetExchangeLog: () => (ews ? ews.log.reset() : graph!.log.reset()),
    throttleExchange: (times) =>
      ews ? ews.faults.serverBusy(50, times) : graph!.faults.inject({ status: 429, retryAfterSec: 1, times }),
    findInboxMessage: (msgId) =>
      ews
        ? ews.control.list(ews.control.folderId('inbox')).find((i) => i.fields.InternetMessageId === msgId)
            ?.id
        : (graph!.control
            .list('message', graph!.control.mailFolderId('inbox'))
            .find((d) => d.internetMessageId === msgId)?.id as string | undefined),
    config,
    secrets,
    secretValues,
    dataDir,
    ids,
    async service(overrides) {
      for (const old of services.splice(0)) await old.stop().catch(() => undefined);
      const cfg = structuredClone(config);
      overrides?.(cfg);
      const s = new SyncService({ config: cfg, secrets, dataDir, connect });
      services.push(s);
      return s;
    },
    async run(service, part) {
      const out: Record<string, RunSummary> = {};
      for (const s of await service.syncNow(part)) out[s.part] = s;
      return out;
    },
    async stop() {
      for (const s of services) await s.stop().catch(() => undefined);
      await ews?.stop();
      await graph?.stop();
      for (const f of abra.fieldUsage()) abraFieldUsage.add(f);
      await abra.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sum of writes a summary reports on both sides. */
/** The AbraIds the address book should produce: current, visible firms and their visible persons. */
export function expectedContactIds(w: World): string[] {
  const c = w.abra.control;
  const ids: string[] = [];
  for (const f of c.list('firms', 'firm_id = null and hidden = false')) {
    ids.push(String(f.id));
    for (const fp of (f.firmpersons as { person_id: string }[] | undefined) ?? []) {
      const p = c.get('persons', fp.person_id);
      if (p && p.hidden !== true) ids.push(`${f.id}:${p.id}`);
    }
  }
  return ids.sort();
}

export function writes(s: RunSummary | undefined): number {
  if (!s) return -1;
  const { abra, exchange } = s.counts;
  return abra.created + abra.updated + abra.deleted + exchange.created + exchange.updated + exchange.deleted;
}
