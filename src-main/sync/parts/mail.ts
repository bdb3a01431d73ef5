/**
 * The e-mail archive (Exchange → ABRA only, create-only, never deletes). For every new message in Inbox, Sent
 * Items and the chosen folders: a CRM activity of the configured type and series (firm, person, subject, time,
 * direction, plain-text body) and the message in ABRA's e-mail agenda where ABRA users look for it — received mail
 * in `emailsreceiveds`, sent mail in `emailsents` created as already sent (never sent again by ABRA) — with
 * recipients, attachments (content up to the configured size) and the original message as an `.eml` attachment,
 * linked to the activity by a `relations` row (mail-abra.ts).
 *
 * ABRA has no Message-ID field: one message is one record company-wide by an admin-defined user field when the
 * server has one (X_MessageID), else by sender + subject + date window confirmed by the body's hash. A message moved
 * between tracked folders, or archived by a colleague's profile first, is found and linked, never stored twice.
 * Crash safety: an intent is recorded before the first create, each created id as soon as it is known, and on the
 * next run a leftover intent is resolved by the look-up and the activity's natural key. See docs/mail.md.
 */
import { createHash } from 'node:crypto';
import type { EmailAddress, FolderRef, MessageItem } from '../../exchange/types';
import { domainOf, normAddress } from '../../mail/address';
import {
  type AddressIndex,
  type Assignment,
  assignMessage,
  buildAddressIndex,
  ownDomainSet,
} from '../../mail/assign';
import { mimeVerdict, summaryVerdict } from '../../mail/filters';
import {
  bodyBytes,
  MimeBudgetError,
  type MimePart,
  type ParsedMail,
  parseMime,
  stripLargeAttachments,
} from '../../mail/mime';
import { SyncError, toSyncError } from '../../shared/errors';
import { failureNote, type Note, note, tr, wordsOf } from '../../shared/messages';
import type { ItemFailure, PlanEntry, RunCounts, RunSummary } from '../api';
import type { MailConfig } from '../config';
import type { CustomPart } from '../part';
import { abraIn, abraLiteral, abraTimestamp, nestRow, type RunContext } from '../ports';
import { SCOPE_CURSOR, scopeFingerprint } from '../scope';
import { FIRM_MAIL_READ, PERSON_SELECT } from './abra-reads';
import { ACTIVITIES, activityAssignmentBody } from './activities';
import {
  createEmail,
  type Direction,
  EMAILS_RECEIVED,
  EMAILS_SENT,
  type FoundEmail,
  findEmail,
  linkActivity,
  linkedActivity,
  type MailSetup,
  mailSetup,
  type Prefetched,
  prefetchEmails,
  type StoredAttachment,
} from './mail-abra';
import { MailState } from './mail-state';

export { EMAILS_RECEIVED, EMAILS_SENT };
/** File name of the original message stored with every archived e-mail (docs/mail.md "Nothing lost"). */
export const ORIGINAL_EML = 'original.eml';

/** Activity status "completed": an archived message is done communication. */
const STATUS_COMPLETED = 2;
/** Longest plain-text body written to the activity description (characters). [I] ABRA's limit is unknown. */
export const MAX_DESCRIPTION = 100_000;
/**
 * Longest the MIME of one message may take to read (ms). Reading runs on the app's main process; a message that
 * takes longer fails alone, for good (see {@link UNREADABLE}). Ordinary mail takes a few ms, 10 MB about 0.2 s.
 */
export const PARSE_BUDGET_MS = 5000;
/** `SyncError.code` of a message that can never be read within the limits: recorded once, never retried. */
export const UNREADABLE = 'mailUnreadable';
const PAGE_SIZE = 100;

/** What a test may replace: the clock that measures how long a message takes to read, and the budget. */
export interface MailPartOptions {
  /** Milliseconds, monotonic (default `performance.now`). */
  clock?: () => number;
  parseBudgetMs?: number;
}

const emptyCounts = (): RunCounts => ({
  abra: { created: 0, updated: 0, deleted: 0 },
  exchange: { created: 0, updated: 0, deleted: 0 },
  unlinked: 0,
  conflicts: 0,
  failed: 0,
  examined: 0,
});

function isFatal(e: unknown): boolean {
  return e instanceof SyncError && ['auth', 'forbidden', 'tls', 'unreachable', 'config'].includes(e.kind);
}

/** The archive's identity of a message: its Message-ID, or a stable stand-in when the message has none. */
export function messageKey(m: MessageItem): string {
  const id = (m.internetMessageId ?? '').trim();
  if (id) return id;
  const h = createHash('sha1')
    .update(
      [
        normAddress(m.from?.address),
        m.sentAt ?? m.receivedAt ?? '',
        m.subject,
        ...m.to.map((a) => a.address),
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, 24);
  return `<no-message-id.${h}@abra-sync>`;
}

function fmtAddress(a: EmailAddress | undefined): string {
  if (!a?.address) return '';
  return a.name && a.name !== a.address ? `${a.name} <${a.address}>` : a.address;
}

/** The bare address (a received record's Sender: rule scripts compare it with a plain address). */
function fmtAddressPlain(a: EmailAddress | undefined): string {
  return normAddress(a?.address);
}

function fmtList(list: EmailAddress[] | undefined): string {
  return (list ?? []).map(fmtAddress).filter(Boolean).join('; ');
}

function fmtSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} kB`;
  return `${n} B`;
}

interface FolderSpec {
  ref: FolderRef;
  /** Fixed direction for Inbox / Sent Items; other folders decide by the sender. */
  direction?: Direction;
}

function folderMatches(pattern: string, path: string): boolean {
  const norm = (s: string) =>
    s
      .split('/')
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean)
      .join('/');
  const p = norm(pattern);
  const f = norm(path);
  if (p.endsWith('/*')) {
    const base = p.slice(0, -2);
    return f === base || f.startsWith(`${base}/`);
  }
  if (p === '*') return true;
  return p === f;
}

export async function resolveFolders(ctx: RunContext, cfg: MailConfig): Promise<FolderSpec[]> {
  const out: FolderSpec[] = [];
  if (cfg.includeInbox) out.push({ ref: await ctx.exchange.getFolder('inbox'), direction: 'received' });
  if (cfg.includeSent) out.push({ ref: await ctx.exchange.getFolder('sentitems'), direction: 'sent' });
  if (cfg.folders.length) {
    const all = await ctx.exchange.listMailFolders();
    for (const f of all) {
      const path = f.path ?? f.displayName;
      if (!cfg.folders.some((p) => folderMatches(p, path))) continue;
      if (out.some((o) => o.ref.id === f.id)) continue;
      out.push({ ref: f });
    }
  }
  return out;
}

interface Prepared {
  item: MessageItem;
  folder: FolderSpec;
  key: string;
  direction: Direction;
  at: string;
}

/** One run of the archive (state for the run: caches of the ABRA address book and firm activity). */
class MailRun {
  readonly cfg: MailConfig;
  readonly ms: MailState;
  readonly counts = emptyCounts();
  readonly failures: ItemFailure[] = [];
  readonly plan: PlanEntry[] = [];
  private index: AddressIndex | null = null;
  private readonly activity = new Map<string, string>();
  private readonly mailbox: string;
  private readonly own: Set<string>;
  private readonly free: Set<string>;
  private readonly rules;
  private readonly intents: Map<string, Record<string, unknown>>;
  readonly startIso: string;
  private done = 0;

  constructor(
    readonly ctx: RunContext,
    readonly dryRun: boolean,
    private readonly limits: MailPartOptions = {},
  ) {
    this.cfg = ctx.config.parts.mail;
    this.ms = new MailState(ctx.state);
    this.mailbox = normAddress(ctx.config.exchange.email);
    this.own = ownDomainSet(this.cfg, this.mailbox);
    this.free = new Set(this.cfg.freeMailDomains.map((d) => d.trim().toLowerCase()));
    this.rules = this.ms.rules();
    this.intents = new Map(ctx.state.listIntents('mail', 'abra').map((i) => [i.sourceKey, i.payload]));
    this.startIso = new Date(`${this.cfg.startDate}T00:00:00.000Z`).toISOString();
  }

  private async addressIndex(): Promise<AddressIndex> {
    if (!this.index) {
      const [firms, persons] = await Promise.all([
        this.ctx.abra.queryAll('firms', 'firm_id = null', FIRM_MAIL_READ.select, FIRM_MAIL_READ.expand),
        this.ctx.abra.queryAll('persons', undefined, PERSON_SELECT),
      ]);
      this.index = buildAddressIndex(firms.map(nestRow), persons.map(nestRow), {
        freeMailDomains: this.free,
        ownDomains: this.own,
      });
    }
    return this.index;
  }

  /** Most recent activity per firm: the latest creation/correction of any of its CRM activities (cached). */
  private async lastActivity(firmIds: string[]): Promise<Map<string, string>> {
    const missing = firmIds.filter((f) => !this.activity.has(f));
    if (missing.length) {
      const rows = await this.ctx.abra.queryAll(ACTIVITIES, abraIn('firm_id', missing), [
        'id',
        'firm_id',
        'createdat$date',
        'correctedat$date',
      ]);
      for (const f of missing) this.activity.set(f, '');
      for (const r of rows) {
        const f = String(r.firm_id ?? '');
        const t = String(r['correctedat$date'] ?? r['createdat$date'] ?? '');
        if (t > (this.activity.get(f) ?? '')) this.activity.set(f, t);
      }
    }
    return new Map(firmIds.map((f) => [f, this.activity.get(f) ?? '']));
  }

  async assign(p: Prepared, parsed?: ParsedMail): Promise<Assignment> {
    const idx = await this.addressIndex();
    const m = p.item;
    return assignMessage(
      {
        direction: p.direction,
        from: m.from?.address ?? parsed?.from?.address,
        to: (m.to.length ? m.to : (parsed?.to ?? [])).map((a) => a.address),
        cc: (m.cc.length ? m.cc : (parsed?.cc ?? [])).map((a) => a.address),
        mailbox: this.mailbox,
      },
      idx,
      {
        freeMailDomains: this.free,
        ownDomains: this.own,
        ambiguous: this.cfg.ambiguous,
        rules: this.rules,
        lastActivity: (ids) => this.lastActivity(ids),
      },
    );
  }

  fail(p: Pick<Prepared, 'item' | 'folder' | 'key'>, e: unknown): void {
    const err = toSyncError(e);
    this.counts.failed++;
    const name = p.item.subject || '(no subject)';
    const at = this.ctx.now().toISOString();
    this.failures.push({
      part: 'mail',
      side: 'abra',
      name,
      reason: err.message,
      kind: err.kind,
      exchangeId: p.item.id,
      at,
    });
    if (this.dryRun) return;
    const key = retryKey(p.folder.ref, p.item.id);
    if (err.code === UNREADABLE)
      // reading it again would take as long again, on every run: given up for good (the mailbox keeps it)
      this.ctx.state.transaction(() => {
        this.ms.putUnreadable(p.key, name, err.message, at);
        this.ctx.state.clearRetry('mail', 'exchange', key);
      });
    else this.ctx.state.addRetry('mail', 'exchange', key, name, err.message);
  }

  /** The message's MIME read within {@link PARSE_BUDGET_MS}; over it: a permanent {@link UNREADABLE} failure. */
  private parse(raw: Buffer): ParsedMail {
    const budgetMs = this.limits.parseBudgetMs ?? PARSE_BUDGET_MS;
    try {
      return parseMime(raw, { budgetMs, clock: this.limits.clock });
    } catch (e) {
      if (!(e instanceof MimeBudgetError)) throw e;
      throw new SyncError(
        'malformed',
        `Not archived: reading this message (${fmtSize(raw.length)}) took longer than ${budgetMs / 1000} s, the limit ` +
          'for one message. It stays in the mailbox and is not tried again.',
        { code: UNREADABLE, cause: e },
      );
    }
  }

  tick(total: number): void {
    this.ctx.progress({ phase: 'writing', done: ++this.done, total });
  }

  prepare(item: MessageItem, folder: FolderSpec): Prepared {
    let direction = folder.direction;
    if (!direction) direction = normAddress(item.from?.address) === this.mailbox ? 'sent' : 'received';
    const at =
      (direction === 'sent' ? (item.sentAt ?? item.receivedAt) : (item.receivedAt ?? item.sentAt)) ??
      this.ctx.now().toISOString();
    return { item, folder, key: messageKey(item), direction, at };
  }

  /**
   * The message is already in ABRA (a colleague's mailbox, or our own run before a crash): link this user to it
   * (participant of the activity) and complete the assignment when the stored one has no firm yet.
   */
  async linkExisting(p: Prepared, found: FoundEmail, parsed?: ParsedMail): Promise<void> {
    const email = found.row;
    const activityId = await linkedActivity(this.ctx, found);
    let firmId = email.firm_id ? String(email.firm_id) : null;
    let personId = email.person_id ? String(email.person_id) : null;
    let updated = false;
    const a = await this.assign(p, parsed);
    if (activityId) {
      const act = await this.ctx.abra.get(ACTIVITIES, activityId);
      if (act) {
        firmId = act.firm_id ? String(act.firm_id) : firmId;
        personId = act.person_id ? String(act.person_id) : personId;
        const patch: Record<string, unknown> = {};
        const participants = Array.isArray(act.participants)
          ? (act.participants as Record<string, unknown>[])
          : [];
        const solver = String(act.solveruser_id ?? '');
        if (solver !== this.ctx.me.id && !participants.some((x) => x?.securityuser_id === this.ctx.me.id)) {
          patch.participants = [...participants, { securityuser_id: this.ctx.me.id }];
        }
        if (!firmId && !personId && (a.firmId || a.personId)) {
          patch.firm_id = a.firmId;
          patch.person_id = a.personId;
          firmId = a.firmId;
          personId = a.personId;
        }
        if (Object.keys(patch).length) {
          await this.ctx.abra.update(ACTIVITIES, activityId, patch);
          if ('firm_id' in patch)
            await this.ctx.abra.update(found.coll, email.id, { firm_id: a.firmId, person_id: a.personId });
          updated = true;
        }
      }
    }
    this.ctx.state.transaction(() => {
      this.ms.put({
        messageId: p.key,
        collection: found.coll,
        abraEmailId: email.id,
        abraActivityId: activityId,
        direction: p.direction,
        subject: p.item.subject ?? '',
        address: a.address,
        date: p.at,
        firmId,
        personId,
        status: firmId || personId ? 'assigned' : 'unassigned',
      });
      this.ctx.state.removeIntent('mail', 'abra', p.key);
      this.ctx.state.clearRetry('mail', 'exchange', retryKey(p.folder.ref, p.item.id));
    });
    if (updated) this.counts.abra.updated++;
  }

  /** An activity created by an interrupted earlier run for this message (same type, series, solver, subject, time). */
  private async findOrphanActivity(
    p: Prepared,
    subject: string,
    payload: Record<string, unknown>,
  ): Promise<string | null> {
    if (typeof payload.activityId === 'string' && payload.activityId) {
      const row = await this.ctx.abra.get(ACTIVITIES, payload.activityId);
      if (row) return row.id;
    }
    const t = Date.parse(p.at);
    const where = [
      `activitytype_id = ${abraLiteral(this.cfg.activityTypeId)}`,
      `actqueue_id = ${abraLiteral(this.cfg.queueId)}`,
      `solveruser_id = ${abraLiteral(this.ctx.me.id)}`,
      `subject = ${abraLiteral(subject)}`,
      `sheduledstart$date ge ${abraTimestamp(new Date(t).toISOString())}`,
      `sheduledstart$date lt ${abraTimestamp(new Date(t + 1000).toISOString())}`,
    ].join(' and ');
    // the subject travels in the body of a POST query, never in a URL
    const rows = await this.ctx.abra.query(ACTIVITIES, { where, select: ['id'], take: 10 });
    return rows.map((r) => r.id).sort()[0] ?? null;
  }

  /** The stored attachments: content for those up to the size limit, then the original message (.eml). */
  private storedAttachments(
    raw: Buffer | null,
    parsed: ParsedMail | undefined,
    mime: Buffer | null,
    listed: { name: string; size: number }[],
  ): StoredAttachment[] {
    const max = this.cfg.maxAttachmentBytes;
    const out: StoredAttachment[] = [];
    if (raw && parsed) {
      const src = raw.toString('latin1');
      const leaves = new Map<number, MimePart>();
      const walk = (x: MimePart) => {
        if (x.children.length) for (const c of x.children) walk(c);
        else leaves.set(x.start, x);
      };
      walk(parsed.root);
      for (const a of parsed.attachments) {
        const part = a.size <= max ? leaves.get(a.start) : undefined;
        out.push({ name: a.name, size: a.size, content: part ? bodyBytes(src, part) : null });
      }
    } else for (const a of listed) out.push({ name: a.name, size: a.size, content: null });
    if (mime) out.push({ name: ORIGINAL_EML, size: mime.length, content: mime });
    return out;
  }

  /** Archive one message: look it up company-wide, then link to it or create activity, e-mail and relation. */
  async archive(p: Prepared, setup: MailSetup, pre: Prefetched | null): Promise<void> {
    const m = p.item;
    const cfg = this.cfg;
    let raw: Buffer | null = null;
    let parsed: ParsedMail | undefined;
    if (!cfg.headersOnly) {
      raw = await this.ctx.exchange.getMime(m.id);
      if (raw.length) {
        parsed = this.parse(raw);
        const v = mimeVerdict(parsed, cfg);
        if (!v.archive) return; // skipped (delivery report / auto-reply seen only in the MIME)
      }
    }
    const subject = (m.subject || parsed?.subject || '').slice(0, 255);
    const body = cfg.headersOnly ? '' : (parsed?.text || m.bodyText || '').trim();
    const from = m.from ?? parsed?.from;
    const to = m.to.length ? m.to : (parsed?.to ?? []);
    const cc = m.cc.length ? m.cc : (parsed?.cc ?? []);
    // the message's own date: the same in the sender's and every recipient's mailbox
    const date = messageDate(p, parsed);
    const fp = {
      key: p.key,
      direction: p.direction,
      sender: normAddress(from?.address),
      subject,
      date,
      body,
    };
    const recovering = this.intents.has(p.key);
    const found = await findEmail(this.ctx, setup, fp, pre);
    if (found && !recovering) return this.linkExisting(p, found, parsed);

    const a = await this.assign(p, parsed);
    const attachments = parsed
      ? parsed.attachments.map((x) => ({ name: x.name, size: x.size }))
      : (m.attachments ?? []).map((x) => ({ name: x.name, size: x.size }));
    let mime: Buffer | null = null;
    let omitted: { name: string; size: number }[] = [];
    if (raw && parsed) {
      const s = stripLargeAttachments(raw, parsed, cfg.maxAttachmentBytes);
      mime = s.mime;
      omitted = s.removed;
    }
    const header = [
      p.direction === 'sent' ? 'Odeslaný e-mail (sent)' : 'Přijatý e-mail (received)',
      `Od: ${fmtAddress(from)}`,
      `Komu: ${fmtList(to)}`,
      ...(cc.length ? [`Kopie: ${fmtList(cc)}`] : []),
      // the MIME reader's caps (nesting, number of parts) left part of a hostile message unread
      ...(parsed?.limits.length ? [`Neúplně přečteno (not fully read): ${parsed.limits.join('; ')}`] : []),
      ...(attachments.length
        ? [
            `Přílohy: ${attachments
              .map(
                (x) =>
                  `${x.name} (${fmtSize(x.size)}${
                    omitted.some((o) => o.name === x.name && o.size === x.size) || (!parsed && x.size > 0)
                      ? `, nearchivováno — větší než ${fmtSize(cfg.maxAttachmentBytes)} (not archived: over the limit)`
                      : ''
                  })`,
              )
              .join(', ')}`,
          ]
        : []),
    ].join('\n');
    let description = body ? `${header}\n\n${body}` : header;
    if (description.length > MAX_DESCRIPTION) description = `${description.slice(0, MAX_DESCRIPTION)}\n[…]`;

    const intentPayload: Record<string, unknown> = {
      folderId: p.folder.ref.id,
      itemId: m.id,
      subject,
      at: p.at,
      ...(this.intents.get(p.key) ?? {}),
    };
    this.ctx.state.addIntent('mail', 'abra', p.key, intentPayload);
    let emailFound: FoundEmail | null = found;
    if (!emailFound && typeof intentPayload.emailId === 'string') {
      const coll = p.direction === 'sent' ? EMAILS_SENT : EMAILS_RECEIVED;
      const row = await this.ctx.abra.get(coll, intentPayload.emailId);
      if (row) emailFound = { coll, direction: p.direction, row };
    }
    const linked = emailFound ? await linkedActivity(this.ctx, emailFound) : null;
    let activityId = linked ?? (recovering ? await this.findOrphanActivity(p, subject, intentPayload) : null);
    if (!activityId) {
      const act = await this.ctx.abra.create(ACTIVITIES, {
        ...(await activityAssignmentBody(
          this.ctx,
          {
            typeId: cfg.activityTypeId,
            queueId: cfg.queueId,
            solverRoleId: cfg.solverRoleId,
            divisionId: cfg.divisionId,
          },
          'mail',
        )),
        solveruser_id: this.ctx.me.id,
        subject,
        description,
        sheduledstart$date: p.at,
        sheduledend$date: p.at,
        realstart$date: p.at,
        realend$date: p.at,
        status: STATUS_COMPLETED,
        firm_id: a.firmId,
        person_id: a.personId,
        isprivate: false,
      });
      activityId = act.id;
      intentPayload.activityId = activityId;
      this.ctx.state.addIntent('mail', 'abra', p.key, intentPayload);
    }
    let coll = p.direction === 'sent' ? EMAILS_SENT : EMAILS_RECEIVED;
    let emailId: string;
    if (emailFound) {
      coll = emailFound.coll;
      emailId = emailFound.row.id;
    } else {
      const email = await createEmail(this.ctx, {
        direction: p.direction,
        setup,
        key: p.key,
        sender: fmtAddressPlain(from),
        to: to.map((x) => normAddress(x.address)).filter(Boolean),
        cc: cc.map((x) => normAddress(x.address)).filter(Boolean),
        subject,
        body,
        date,
        firmId: a.firmId,
        personId: a.personId,
        attachments: this.storedAttachments(raw, parsed, mime, attachments),
      });
      emailId = email.id;
      intentPayload.emailId = emailId;
      this.ctx.state.addIntent('mail', 'abra', p.key, intentPayload);
    }
    if (!linked) await linkActivity(this.ctx, p.direction, activityId, emailId);
    this.ctx.state.transaction(() => {
      this.ms.put({
        messageId: p.key,
        collection: coll,
        abraEmailId: emailId,
        abraActivityId: activityId,
        direction: p.direction,
        subject,
        address: a.address,
        date: p.at,
        firmId: a.firmId,
        personId: a.personId,
        status: a.firmId || a.personId ? 'assigned' : 'unassigned',
      });
      this.ctx.state.removeIntent('mail', 'abra', p.key);
      this.ctx.state.clearRetry('mail', 'exchange', retryKey(p.folder.ref, m.id));
    });
    this.intents.delete(p.key);
    this.counts.abra.created++;
  }

  /** One page of messages of one folder: filter, then archive each (isolated: one failure fails one message). */
  async processBatch(
    items: MessageItem[],
    folder: FolderSpec,
    seen: Set<string>,
    setup: MailSetup,
  ): Promise<void> {
    const todo: Prepared[] = [];
    for (const item of items) {
      if (item.kind !== 'message') continue;
      this.counts.examined++;
      const p = this.prepare(item, folder);
      const v = summaryVerdict(item, this.cfg, this.startIso);
      if (!v.archive) {
        if (!this.dryRun) this.ctx.state.clearRetry('mail', 'exchange', retryKey(folder.ref, item.id));
        continue;
      }
      if (seen.has(p.key) || this.ms.get(p.key) || this.ms.unreadable(p.key)) {
        // moved between tracked folders, already archived, or given up for good: never twice
        if (!this.dryRun) this.ctx.state.clearRetry('mail', 'exchange', retryKey(folder.ref, item.id));
        continue;
      }
      seen.add(p.key);
      todo.push(p);
    }
    // the page's candidates in two POST queries (falls back to one look-up per message when refused)
    let pre: Prefetched | null = null;
    if (!this.dryRun && todo.length)
      try {
        pre = await prefetchEmails(
          this.ctx,
          setup,
          todo.map((p) => ({
            key: p.key,
            subject: (p.item.subject ?? '').slice(0, 255),
            date: messageDate(p),
          })),
        );
      } catch (e) {
        if (isFatal(e)) throw e;
        pre = null;
      }
    for (const p of todo) {
      if (this.ctx.signal?.aborted) return;
      if (this.dryRun) {
        // a dry run reads no message source: the look-up by body is left to the real run
        this.plan.push({
          part: 'mail',
          side: 'abra',
          action: 'create',
          name: p.item.subject || '(no subject)',
          exchangeId: p.item.id,
        });
        continue;
      }
      try {
        await this.archive(p, setup, pre);
      } catch (e) {
        this.fail(p, e);
        if (isFatal(e)) throw e;
      }
      this.tick(todo.length);
    }
  }
}

/** The message's own date (sent time / Date header): the same in the sender's and every recipient's mailbox. */
function messageDate(p: Prepared, parsed?: ParsedMail): string {
  return new Date(p.item.sentAt ?? parsed?.date ?? p.at).toISOString();
}

function retryKey(folder: FolderRef, itemId: string): string {
  return `${folder.id}\n${itemId}`;
}

async function runMail(
  ctx: RunContext,
  opts: { dryRun?: boolean },
  limits: MailPartOptions = {},
): Promise<{ summary: RunSummary; plan: PlanEntry[] }> {
  const dryRun = opts.dryRun ?? false;
  const { state } = ctx;
  const startedAt = ctx.now().toISOString();
  const runId = dryRun ? 0 : state.startRun('mail', false);
  const run = new MailRun(ctx, dryRun, limits);
  const finish = (result: RunSummary['result'], said?: string | Note, errorKind?: string, why?: Note) => {
    const summary: RunSummary = {
      runId,
      part: 'mail',
      startedAt,
      finishedAt: ctx.now().toISOString(),
      result,
      counts: run.counts,
      failures: run.failures,
      ...wordsOf(said, why),
      errorKind,
      dryRun,
    };
    if (!dryRun) state.finishRun(summary);
    return { summary, plan: run.plan };
  };
  try {
    const cfg = run.cfg;
    if (!cfg.activityTypeId || !cfg.queueId) {
      throw new SyncError('config', tr('en', 'config.mailType'), { note: note('config.mailType') });
    }
    ctx.progress({ phase: 'connecting', done: 0, total: 0 });
    // before any write: the own e-mail account, proof that sent mail is stored as already sent, the Message-ID field
    const setup = await mailSetup(ctx, cfg);
    const folders = await resolveFolders(ctx, cfg);
    const seen = new Set<string>();

    // Creates a crash interrupted: read their messages again (the Message-ID lookup makes this idempotent).
    if (!dryRun) {
      for (const i of state.listIntents('mail', 'abra')) {
        const { folderId, itemId, subject } = i.payload as {
          folderId?: string;
          itemId?: string;
          subject?: string;
        };
        if (folderId && itemId)
          state.addRetry('mail', 'exchange', `${folderId}\n${itemId}`, String(subject ?? ''), 'interrupted');
      }
    }
    const retries = state.listRetries('mail', 'exchange');
    // Another scope than the folders' cursors were read with (folders, start date, filters, ...): every folder is
    // read again from the start date; the Message-ID index keeps what is archived from being archived twice.
    const scope = scopeFingerprint(ctx.config, 'mail');
    const storedScope = state.getCursor('mail', SCOPE_CURSOR);
    const rescope = storedScope !== null && storedScope !== scope;

    for (const folder of folders) {
      if (ctx.signal?.aborted) break;
      // 1. retries of this folder (items that failed or were interrupted before)
      const mine = retries.filter((r) => r.id.startsWith(`${folder.ref.id}\n`));
      if (mine.length) {
        const ids = mine.map((r) => r.id.slice(folder.ref.id.length + 1));
        const items = await ctx.exchange.getItems<MessageItem>(folder.ref, ids);
        const got = new Set(items.map((i) => i.id));
        // deleted from the mailbox meanwhile: nothing to archive (and ABRA is never touched by a mailbox delete)
        if (!dryRun)
          for (const id of ids)
            if (!got.has(id)) state.clearRetry('mail', 'exchange', `${folder.ref.id}\n${id}`);
        await run.processBatch(items, folder, seen, setup);
      }
      // 2. changes since the folder's cursor; the cursor moves after each page is applied (or queued for retry)
      const cursorName = `folder:${folder.ref.id}`;
      let cursor = rescope ? null : state.getCursor('mail', cursorName);
      const read = async (start: string | null) => {
        let c = start;
        for (let page = 0; page < 1_000_000; page++) {
          if (ctx.signal?.aborted) return;
          ctx.progress({ phase: 'reading', done: run.counts.examined, total: 0 });
          const pg = await ctx.exchange.getChanges<MessageItem>(folder.ref, c, {
            pageSize: PAGE_SIZE,
            since: run.startIso,
            withBody: !cfg.headersOnly,
          });
          const items = pg.changes.flatMap((ch) => (ch.type === 'upsert' ? [ch.item] : []));
          // deletes are ignored: removing a message from the mailbox never touches ABRA
          await run.processBatch(items, folder, seen, setup);
          if (ctx.signal?.aborted) return;
          c = pg.cursor;
          if (!dryRun) state.setCursor('mail', cursorName, c);
          if (!pg.more) return;
        }
      };
      try {
        await read(cursor);
      } catch (e) {
        if (cursor !== null && e instanceof SyncError && e.kind === 'cursorInvalid') {
          cursor = null;
          await read(null); // from scratch: the Message-ID index prevents duplicates
        } else throw e;
      }
    }
    if (ctx.signal?.aborted) return finish(run.failures.length ? 'partial' : 'failed', note('run.stopped'));
    ctx.progress({ phase: 'finishing', done: run.counts.examined, total: run.counts.examined });
    if (dryRun) return finish('dryRun');
    state.setCursor('mail', SCOPE_CURSOR, scope);
    return finish(run.failures.length ? 'partial' : 'ok');
  } catch (e) {
    const err = toSyncError(e);
    return finish('failed', err.message, err.kind, err.note ?? failureNote(err.kind));
  }
}

async function assignMail(
  ctx: RunContext,
  id: number,
  firmId: string,
  personId: string | null,
  applyToAddress: boolean,
): Promise<void> {
  const ms = new MailState(ctx.state);
  const row = ms.byId(id);
  if (!row) throw new SyncError('notFound', `no archived message with id ${id}`);
  const apply = async (r: typeof row) => {
    if (r.abraActivityId)
      await ctx.abra.update(ACTIVITIES, r.abraActivityId, { firm_id: firmId, person_id: personId });
    await ctx.abra.update(r.collection, r.abraEmailId, { firm_id: firmId, person_id: personId });
    ms.setAssignment(r.id, firmId, personId);
  };
  await apply(row);
  if (applyToAddress && row.address) {
    ms.putRule(normAddress(row.address), firmId, personId);
    for (const r of ms.unassigned(row.address)) await apply(r);
  }
}

/**
 * The archived text of a message waiting for its firm, for the user to read before assigning it (issue #18 item
 * 10): the ABRA activity's description (sender, recipients, attachments, then the body, as archived), else the
 * e-mail record's body. Read from ABRA, so it is what the archive really holds.
 */
async function readArchived(ctx: RunContext, id: number): Promise<string> {
  const row = new MailState(ctx.state).byId(id);
  if (!row) throw new SyncError('notFound', `no archived message with id ${id}`);
  if (row.abraActivityId) {
    const a = await ctx.abra.get(ACTIVITIES, row.abraActivityId);
    if (a && typeof a.description === 'string' && a.description) return a.description;
  }
  const e = await ctx.abra.get(row.collection, row.abraEmailId);
  if (!e) throw new SyncError('notFound', `the archived message ${id} is no longer in ABRA`);
  return String(e.body ?? '');
}

/** The archive part; `limits` for tests (a fake clock for the per-message read budget). */
export function createMailPart(limits: MailPartOptions = {}): CustomPart {
  return {
    name: 'mail',
    run: (ctx, opts) => runMail(ctx, opts, limits),
    listUnassigned: (ctx) => new MailState(ctx.state).listUnassigned(),
    ignore: (ctx, id) => new MailState(ctx.state).ignore(id),
    readArchived: (ctx, id) => readArchived(ctx, id),
    assign: (ctx, id, firmId, personId, applyToAddress) =>
      assignMail(ctx, id, firmId, personId, applyToAddress),
  };
}

export const mailPart: CustomPart = createMailPart();

/** For tests and the docs: the domain the mailbox's own mail is recognised by. */
export const mailboxDomain = (ctx: Pick<RunContext, 'config'>): string => domainOf(ctx.config.exchange.email);
