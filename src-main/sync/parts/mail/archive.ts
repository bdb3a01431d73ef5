/**
 * Archive one message: read its MIME, look it up company-wide, then either link this user to the record a colleague
 * (or an interrupted run) made, or create the CRM activity, the e-mail record and the relation between them. Crash
 * safety: an intent is recorded before the first create and each created id as soon as it is known; a leftover
 * intent is resumed from those ids, the look-up and the activity's natural key ({@link findOrphanActivity}).
 */

import type { EmailAddress } from '../../../exchange/types';
import type { RunCounts } from '../../api';
import type { RunContext } from '../../ports';
import { abraLiteral, abraTimestamp } from '../../ports';
import type { MailRow } from '../../state/mail-tables';
import { ACTIVITIES, activityAssignmentBody } from '../activities';
import {
  createEmail,
  EMAILS_RECEIVED,
  EMAILS_SENT,
  type FoundEmail,
  findEmail,
  linkActivity,
  linkedActivity,
  type MailSetup,
  type Prefetched,
  type StoredAttachment,
} from './abra';
import { normAddress } from './address';
import type { Assignment } from './assign';
import type { Assigner } from './assign-abra';
import { mimeVerdict } from './filters';
import { describeMessage, fmtAddressPlain } from './format';
import type { MailSettings } from './message';
import { messageDate, type Prepared, retryKey } from './message';
import { type ParsedMail, stripLargeAttachments } from './mime';
import { bodyBytes } from './mime-body';

/** What archiving one message needs of its run (batch.ts `MailRun` has it): the context, the settings, the counts,
 * the interrupted creates, the assigner and the budgeted MIME reader. */
export interface ArchiveRun {
  readonly ctx: RunContext;
  /** When set, archived messages are collected here and committed by the caller ({@link commitArchived}). */
  archived?: ArchivedRecord[] | null;
  readonly cfg: MailSettings;
  readonly counts: RunCounts;
  readonly intents: Map<string, Record<string, unknown>>;
  readonly assigner: Assigner;
  parse(raw: Buffer): ParsedMail;
}

/** File name of the original message stored with every archived e-mail (docs/mail.md "Nothing lost"). */
export const ORIGINAL_EML = 'original.eml';
/** Activity status "completed": an archived message is done communication. */
const STATUS_COMPLETED = 2;

/** What was read of a message before it is created in ABRA. */
export interface Read {
  raw: Buffer | null;
  parsed: ParsedMail | undefined;
  subject: string;
  body: string;
  from: EmailAddress | undefined;
  to: EmailAddress[];
  cc: EmailAddress[];
  date: string;
  /** Its e-mail record, when the look-up found one (a leftover intent: made by the interrupted run). */
  found: FoundEmail | null;
}

/** What to do with one message, decided before anything is written ({@link decide}). */
export type Decision =
  | { kind: 'skip' }
  /** Already in ABRA (a colleague's mailbox): link this user to it. */
  | { kind: 'link'; found: FoundEmail; parsed: ParsedMail | undefined }
  /** Create what is missing (all of it for a new message; for a leftover intent, what was not created yet). */
  | { kind: 'create'; read: Read };

/**
 * Read one message (its MIME, when not read with its chunk: `mime`), filter it again on what only the MIME shows,
 * and look it up company-wide: nothing is written yet.
 */
export async function decide(
  run: ArchiveRun,
  p: Prepared,
  setup: MailSetup,
  pre: Prefetched | null,
  mime?: Buffer,
): Promise<Decision> {
  const m = p.item;
  const cfg = run.cfg;
  let raw: Buffer | null = null;
  let parsed: ParsedMail | undefined;
  if (!cfg.headersOnly) {
    // read with its page's chunk (batch.ts), else on its own
    raw = mime ?? (await run.ctx.exchange.getMime(m.id));
    if (raw.length) {
      parsed = run.parse(raw);
      const v = mimeVerdict(parsed, cfg);
      if (!v.archive) return { kind: 'skip' }; // a delivery report / auto-reply seen only in the MIME
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
  const recovering = run.intents.has(p.key);
  const found = await findEmail(run.ctx, setup, fp, pre);
  if (found && !recovering) return { kind: 'link', found, parsed };
  return { kind: 'create', read: { raw, parsed, subject, body, from, to, cc, date, found } };
}

/**
 * The intent recorded before the first create of a message (crash safety): where it is in the mailbox, its subject
 * and time, and what an interrupted run had created for it already.
 */
export function intentOf(run: ArchiveRun, p: Prepared, subject: string): Record<string, unknown> {
  return {
    folderId: p.folder.ref.id,
    itemId: p.item.id,
    subject,
    at: p.at,
    ...(run.intents.get(p.key) ?? {}),
  };
}

/**
 * Write what was decided. `intentWritten`: the message's intent ({@link intentOf}) is already committed (with its
 * chunk's, in one transaction), else it is recorded here before the first create.
 */
export async function apply(
  run: ArchiveRun,
  p: Prepared,
  setup: MailSetup,
  d: Decision,
  intentWritten = false,
): Promise<void> {
  if (d.kind === 'skip') return;
  if (d.kind === 'link') return linkExisting(run, p, d.found, d.parsed);
  return createRecords(run, p, setup, d.read, intentWritten);
}

/**
 * Archive one message: look it up company-wide, then link to it or create activity, e-mail and relation. `mime`:
 * its MIME when already read with its chunk (else read here, on its own).
 */
export async function archive(
  run: ArchiveRun,
  p: Prepared,
  setup: MailSetup,
  pre: Prefetched | null,
  mime?: Buffer,
): Promise<void> {
  await apply(run, p, setup, await decide(run, p, setup, pre, mime));
}

/** What marks a message archived in the state file: its row, its intent and retry gone. */
export interface ArchivedRecord {
  row: Omit<MailRow, 'id'>;
  key: string;
  retry: string;
}

/** Commit archived messages: their rows in, their intents and retries out — one transaction for all of them. */
export function commitArchived(run: Pick<ArchiveRun, 'ctx'>, done: ArchivedRecord[]): void {
  if (!done.length) return;
  const { state } = run.ctx;
  state.transaction(() => {
    for (const d of done) {
      state.mail.put(d.row);
      state.removeIntent('mail', 'abra', d.key);
      state.clearRetry('mail', 'exchange', d.retry);
    }
  });
}

/**
 * The message is archived: committed now, or — when the run collects them (`run.archived`, a chunk's) — with the rest
 * of its chunk. Until then its intent, holding the ids of what was created, lets a crashed run's successor find
 * them again instead of creating them twice.
 */
function recordArchived(run: ArchiveRun, p: Prepared, row: Omit<MailRow, 'id'>): void {
  const d = { row, key: p.key, retry: retryKey(p.folder.ref, p.item.id) };
  if (run.archived) run.archived.push(d);
  else commitArchived(run, [d]);
}

/**
 * The message is already in ABRA (a colleague's mailbox, or our own run before a crash): link this user to it
 * (participant of the activity) and complete the assignment when the stored one has no firm yet.
 */
async function linkExisting(
  run: ArchiveRun,
  p: Prepared,
  found: FoundEmail,
  parsed?: ParsedMail,
): Promise<void> {
  const { ctx } = run;
  const email = found.row;
  const activityId = await linkedActivity(ctx, found);
  let firmId = email.firm_id ? String(email.firm_id) : null;
  let personId = email.person_id ? String(email.person_id) : null;
  let updated = false;
  const a = await run.assigner.assign(p, parsed);
  if (activityId) {
    const act = await ctx.abra.get(ACTIVITIES, activityId);
    if (act) {
      firmId = act.firm_id ? String(act.firm_id) : firmId;
      personId = act.person_id ? String(act.person_id) : personId;
      const patch: Record<string, unknown> = {};
      const participants = Array.isArray(act.participants)
        ? (act.participants as Record<string, unknown>[])
        : [];
      const solver = String(act.solveruser_id ?? '');
      if (solver !== ctx.me.id && !participants.some((x) => x?.securityuser_id === ctx.me.id)) {
        patch.participants = [...participants, { securityuser_id: ctx.me.id }];
      }
      if (!firmId && !personId && (a.firmId || a.personId)) {
        patch.firm_id = a.firmId;
        patch.person_id = a.personId;
        firmId = a.firmId;
        personId = a.personId;
      }
      if (Object.keys(patch).length) {
        await ctx.abra.update(ACTIVITIES, activityId, patch);
        if ('firm_id' in patch)
          await ctx.abra.update(found.coll, email.id, { firm_id: a.firmId, person_id: a.personId });
        updated = true;
      }
    }
  }
  recordArchived(run, p, {
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
  if (updated) run.counts.abra.updated++;
}

/** An activity created by an interrupted earlier run for this message (same type, series, solver, subject, time). */
async function findOrphanActivity(
  run: ArchiveRun,
  p: Prepared,
  subject: string,
  payload: Record<string, unknown>,
): Promise<string | null> {
  const { ctx, cfg } = run;
  if (typeof payload.activityId === 'string' && payload.activityId) {
    const row = await ctx.abra.get(ACTIVITIES, payload.activityId);
    if (row) return row.id;
  }
  const t = Date.parse(p.at);
  const where = [
    `activitytype_id = ${abraLiteral(cfg.activityTypeId)}`,
    `actqueue_id = ${abraLiteral(cfg.queueId)}`,
    `solveruser_id = ${abraLiteral(ctx.me.id)}`,
    `subject = ${abraLiteral(subject)}`,
    `sheduledstart$date ge ${abraTimestamp(new Date(t).toISOString())}`,
    `sheduledstart$date lt ${abraTimestamp(new Date(t + 1000).toISOString())}`,
  ].join(' and ');
  // the subject travels in the body of a POST query, never in a URL
  const rows = await ctx.abra.query(ACTIVITIES, { where, select: ['id'], take: 10 });
  return rows.map((r) => r.id).sort()[0] ?? null;
}

/** The stored attachments: content for those up to the size limit, then the original message (.eml). */
function storedAttachments(
  max: number,
  raw: Buffer | null,
  parsed: ParsedMail | undefined,
  mime: Buffer | null,
  listed: { name: string; size: number }[],
): StoredAttachment[] {
  const out: StoredAttachment[] = [];
  if (raw && parsed) {
    const src = raw.toString('latin1');
    const leaves = new Map<number, ParsedMail['root']>();
    const walk = (x: ParsedMail['root']) => {
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

/** The archive's CRM activity for the message: completed, at the message's time, assigned as decided. */
async function createActivity(
  run: ArchiveRun,
  p: Prepared,
  subject: string,
  description: string,
  a: Assignment,
): Promise<string> {
  const { ctx, cfg } = run;
  const act = await ctx.abra.create(ACTIVITIES, {
    ...(await activityAssignmentBody(
      ctx,
      {
        typeId: cfg.activityTypeId,
        queueId: cfg.queueId,
        solverRoleId: cfg.solverRoleId,
        divisionId: cfg.divisionId,
      },
      'mail',
    )),
    solveruser_id: ctx.me.id,
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
  return act.id;
}

/**
 * Create what is missing of activity, e-mail record and relation (all of it for a new message; for a leftover
 * intent, what the interrupted run had not created yet), recording each id in the intent as soon as it is known.
 */
async function createRecords(
  run: ArchiveRun,
  p: Prepared,
  setup: MailSetup,
  r: Read,
  intentWritten: boolean,
): Promise<void> {
  const { ctx, cfg } = run;
  const { raw, parsed, subject } = r;
  const a = await run.assigner.assign(p, parsed);
  const attachments = (parsed ? parsed.attachments : (p.item.attachments ?? [])).map((x) => ({
    name: x.name,
    size: x.size,
  }));
  let mime: Buffer | null = null;
  let omitted: { name: string; size: number }[] = [];
  if (raw && parsed) {
    const s = stripLargeAttachments(raw, parsed, cfg.maxAttachmentBytes);
    mime = s.mime;
    omitted = s.removed;
  }
  const description = describeMessage({
    direction: p.direction,
    from: r.from,
    to: r.to,
    cc: r.cc,
    body: r.body,
    parsed: !!parsed,
    limits: parsed?.limits ?? [],
    attachments,
    omitted,
    maxAttachmentBytes: cfg.maxAttachmentBytes,
  });
  const intent = intentOf(run, p, subject);
  if (!intentWritten) ctx.state.addIntent('mail', 'abra', p.key, intent);
  let emailFound: FoundEmail | null = r.found;
  if (!emailFound && typeof intent.emailId === 'string') {
    const coll = p.direction === 'sent' ? EMAILS_SENT : EMAILS_RECEIVED;
    const row = await ctx.abra.get(coll, intent.emailId);
    if (row) emailFound = { coll, direction: p.direction, row };
  }
  const linked = emailFound ? await linkedActivity(ctx, emailFound) : null;
  let activityId =
    linked ?? (run.intents.has(p.key) ? await findOrphanActivity(run, p, subject, intent) : null);
  if (!activityId) {
    activityId = await createActivity(run, p, subject, description, a);
    intent.activityId = activityId;
    ctx.state.addIntent('mail', 'abra', p.key, intent);
  }
  let coll = p.direction === 'sent' ? EMAILS_SENT : EMAILS_RECEIVED;
  let emailId: string;
  if (emailFound) {
    coll = emailFound.coll;
    emailId = emailFound.row.id;
  } else {
    const email = await createEmail(ctx, {
      direction: p.direction,
      setup,
      key: p.key,
      sender: fmtAddressPlain(r.from),
      to: r.to.map((x) => normAddress(x.address)).filter(Boolean),
      cc: r.cc.map((x) => normAddress(x.address)).filter(Boolean),
      subject,
      body: r.body,
      date: r.date,
      firmId: a.firmId,
      personId: a.personId,
      attachments: storedAttachments(cfg.maxAttachmentBytes, raw, parsed, mime, attachments),
    });
    emailId = email.id;
    intent.emailId = emailId;
    ctx.state.addIntent('mail', 'abra', p.key, intent);
  }
  if (!linked) await linkActivity(ctx, p.direction, activityId, emailId);
  recordArchived(run, p, {
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
  run.intents.delete(p.key);
  run.counts.abra.created++;
}
