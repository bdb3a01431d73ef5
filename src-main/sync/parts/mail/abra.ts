/**
 * The e-mail archive's side of ABRA's real e-mail agendas (#14; ../shared/notes/abra-fields-audit.md §(a)–(c)):
 * received mail in `emailsreceiveds`, sent mail in `emailsents` (created as already sent — SentState 2 — so ABRA's
 * automation server never sends it again), recipients and attachments as owned rows, attachment content in content
 * objects, the CRM activity linked through a `relations` row (1271 received / 1272 sent; left = activity,
 * right = e-mail). Before the first write a run proves, with `?validation=true`, that the server accepts SentState 2.
 * See docs/mail.md.
 */
import { createHash } from 'node:crypto';
import { SyncError } from '../../../shared/errors';
import { note, tr } from '../../../shared/messages';
import { type AbraRow, abraLiteral, abraTimestamp, type RunContext } from '../../ports';
import { normAddress } from './address';
import type { Direction, MailSettings } from './message';

export const EMAILS_RECEIVED = 'emailsreceiveds';
export const EMAILS_SENT = 'emailsents';
export const EMAIL_ACCOUNTS = 'emailaccounts';
export const SENT_ATTACH_CONTENTS = 'emailsentattachcontents';
export const RELATIONS = 'relations';

/** ABRA's relation types "e-mail ↔ CRM activity document" (rtEmailsReceived_CRMActivityDoc / rtEmailsSent_…). */
export const REL_RECEIVED = 1271;
export const REL_SENT = 1272;
/** SentState: 0 new, 1 to send (ABRA's automation sends it), 2 sent, 3 error. The archive writes only 2. */
export const SENT_STATE_SENT = 2;
/** BodySavedAs 0 = plain text. */
const BODY_PLAIN = 0;
/** EmailType of a recipient row. */
export const RECIPIENT_TYPE = { to: 0, cc: 1, bcc: 2 } as const;
/** The user field tried when none is configured (an admin-defined `X_…` field, see docs/mail.md). */
export const DEFAULT_ID_FIELD = 'X_MessageID';
/**
 * The deterministic look-up's date window around the message's own date (Date header). DocDate$DATE may be kept
 * to the day only (unknown), so the window spans the neighbouring days; the body hash decides.
 */
const WINDOW_MS = 36 * 3600_000;
/** Most candidates one look-up reads (same sender, subject and date window). */
const CANDIDATES = 20;

export type { Direction } from './message';

/** The settings the checks before the first write take (the mail part passes its own). */
type SetupSettings = Pick<MailSettings, 'emailAccountId' | 'messageIdField'>;

/** What a run learned about the server before writing. */
export interface MailSetup {
  accountId: string;
  /** The user field holding the Message-ID on both agendas, or null: deterministic look-up. */
  idField: string | null;
}

function collOf(d: Direction): string {
  return d === 'sent' ? EMAILS_SENT : EMAILS_RECEIVED;
}
export function relDefOf(d: Direction): number {
  return d === 'sent' ? REL_SENT : REL_RECEIVED;
}

/** The own e-mail account: configured, else the one whose address is the mailbox's. */
async function resolveAccount(ctx: RunContext, cfg: SetupSettings): Promise<string> {
  if (cfg.emailAccountId) return cfg.emailAccountId;
  const mailbox = normAddress(ctx.config.exchange.email);
  let rows: AbraRow[] = [];
  try {
    rows = await ctx.abra.query(EMAIL_ACCOUNTS, { select: ['id', 'emailaddress'], take: 1000 });
  } catch (e) {
    // a server whose accounts have no readable address: the account must be chosen in the settings
    if (!(e instanceof SyncError) || !['config', 'validation'].includes(e.kind)) throw e;
  }
  const hit = rows.find((r) => normAddress(String(r.emailaddress ?? '')) === mailbox);
  if (hit) return hit.id;
  throw new SyncError('config', tr('en', 'mail.noAccount', { email: mailbox }), {
    note: note('mail.noAccount', { email: mailbox }),
  });
}

/**
 * Proof that this server accepts a sent e-mail created as "already sent": a dry run (`?validation=true`) of the
 * create the archive will make. A refusal, or a server that would store another state, stops the part before any
 * write — a record in state 1 would be SENT to the recipients by ABRA's automation server.
 */
async function proveSentState(ctx: RunContext, accountId: string): Promise<void> {
  const mailbox = normAddress(ctx.config.exchange.email);
  let reason = '';
  try {
    const v = await ctx.abra.validate(EMAILS_SENT, {
      emailaccount_id: accountId,
      subject: 'ABRA Exchange Sync: check before archiving',
      body: '',
      bodysavedas: BODY_PLAIN,
      sentstate: SENT_STATE_SENT,
      recipients: [{ email: mailbox, emailtype: RECIPIENT_TYPE.to }],
    });
    const state = Number(v.object.sentstate ?? v.object.SentState);
    if (!v.ok) reason = v.errors.map((x) => `${x.field}: ${x.message}`).join('; ');
    else if (state !== SENT_STATE_SENT) reason = `the server would store SentState ${state}`;
  } catch (e) {
    if (!(e instanceof SyncError) || !['validation', 'config'].includes(e.kind)) throw e;
    reason = e.message;
  }
  if (reason)
    throw new SyncError('config', tr('en', 'mail.sentStateRefused', { reason }), {
      note: note('mail.sentStateRefused', { reason }),
    });
}

/** The Message-ID user field: configured, else `X_MessageID` when both agendas have it, else none. */
async function detectIdField(ctx: RunContext, cfg: SetupSettings): Promise<string | null> {
  const name = cfg.messageIdField || DEFAULT_ID_FIELD;
  try {
    for (const coll of [EMAILS_RECEIVED, EMAILS_SENT])
      await ctx.abra.query(coll, { select: ['id', name], take: 1 });
    return name;
  } catch (e) {
    if (!(e instanceof SyncError) || !['config', 'validation'].includes(e.kind)) throw e;
    if (cfg.messageIdField)
      throw new SyncError(
        'config',
        `the e-mail agendas have no field ${cfg.messageIdField} (messageIdField): ${e.message}`,
      );
    return null;
  }
}

/** Everything the archive must know before its first write (one run: 2–4 requests). */
export async function mailSetup(ctx: RunContext, cfg: SetupSettings): Promise<MailSetup> {
  const accountId = await resolveAccount(ctx, cfg);
  await proveSentState(ctx, accountId);
  return { accountId, idField: await detectIdField(ctx, cfg) };
}

/** The body as stored, hashed: what confirms a deterministic match (line ends and outer blanks do not count). */
export function bodyHash(body: string): string {
  return createHash('sha256').update(body.replace(/\r\n?/g, '\n').trim()).digest('hex');
}

/** What identifies a message in ABRA without a Message-ID field. */
export interface Fingerprint {
  key: string;
  direction: Direction;
  sender: string;
  subject: string;
  /** The message's own date (Date header; the same in every mailbox). */
  date: string;
  body: string;
}

export interface FoundEmail {
  coll: string;
  direction: Direction;
  row: AbraRow;
}

/** Candidates read for a whole page of messages at once (two POST queries instead of two per message). */
export interface Prefetched {
  /** idField: by Message-ID; else by subject. */
  by: Map<string, FoundEmail[]>;
  /** The Message-IDs (idField) or subjects the read covered. */
  covered: Set<string>;
  /** The message dates (ms) the read covered, window included at both ends. */
  range: [number, number];
}

/** Rows of a POST query, page by page (a page size the server may cap). */
async function queryPaged(
  ctx: RunContext,
  coll: string,
  where: string,
  select: string[],
): Promise<AbraRow[]> {
  const out: AbraRow[] = [];
  const take = 500;
  for (let skip = 0; skip < 1_000_000; skip += take) {
    const rows = await ctx.abra.query(coll, { where, select, take, skip });
    out.push(...rows);
    if (rows.length < take) break;
  }
  return out;
}

/**
 * The candidates for a page of messages: by the user field (`in` list of Message-IDs) or by subject and the page's
 * date range. The values travel in POST bodies. null when the server refuses the combined read: then each message
 * is looked up on its own (and one bad value fails only its message).
 */
export async function prefetchEmails(
  ctx: RunContext,
  setup: MailSetup,
  fps: Pick<Fingerprint, 'key' | 'subject' | 'date'>[],
): Promise<Prefetched | null> {
  if (!fps.length) return null;
  const by = new Map<string, FoundEmail[]>();
  const values = [...new Set(fps.map((f) => (setup.idField ? f.key : f.subject)))];
  const inList = values.map(abraLiteral).join(', ');
  const times = fps.map((f) => Date.parse(f.date)).filter((t) => !Number.isNaN(t));
  if (!times.length) return null;
  const from = new Date(Math.min(...times) - WINDOW_MS).toISOString();
  const to = new Date(Math.max(...times) + WINDOW_MS).toISOString();
  try {
    for (const d of ['received', 'sent'] as Direction[]) {
      const coll = collOf(d);
      const rows = setup.idField
        ? await queryPaged(ctx, coll, `${setup.idField} in (${inList})`, [
            'id',
            'firm_id',
            'person_id',
            setup.idField,
          ])
        : await queryPaged(
            ctx,
            coll,
            `subject in (${inList}) and docdate$date ge ${abraTimestamp(from)} and docdate$date le ${abraTimestamp(to)}`,
            [
              'id',
              'firm_id',
              'person_id',
              'subject',
              'body',
              'docdate$date',
              ...(d === 'received' ? ['sender'] : []),
            ],
          );
      for (const r of rows) {
        const k = setup.idField
          ? String(r[setup.idField.toLowerCase()] ?? r[setup.idField] ?? '')
          : String(r.subject ?? '');
        const list = by.get(k) ?? [];
        list.push({ coll, direction: d, row: r });
        by.set(k, list);
      }
    }
  } catch (e) {
    if (e instanceof SyncError && ['config', 'validation'].includes(e.kind)) return null;
    throw e;
  }
  return { by, covered: new Set(values), range: [Math.min(...times), Math.max(...times)] };
}

function pick(found: FoundEmail[], fp: Fingerprint, setup: MailSetup): FoundEmail | null {
  const order = (f: FoundEmail) => (f.direction === fp.direction ? 0 : 1);
  const sorted = [...found].sort((a, b) => order(a) - order(b));
  if (setup.idField) return sorted[0] ?? null;
  const want = bodyHash(fp.body);
  const t = Date.parse(fp.date);
  return (
    sorted.find(
      (f) =>
        (f.direction === 'sent' || !fp.sender || normAddress(String(f.row.sender ?? '')) === fp.sender) &&
        Math.abs(Date.parse(String(f.row['docdate$date'] ?? '')) - t) <= WINDOW_MS &&
        bodyHash(String(f.row.body ?? '')) === want,
    ) ?? null
  );
}

/**
 * The ABRA e-mail record of this message, wherever a colleague or an earlier run stored it (either agenda: one
 * user's sent mail is another's received mail). Every look-up is a POST query: no value ever travels in a URL.
 * `pre`: the page's candidates read at once; a message they do not cover is looked up on its own.
 */
export async function findEmail(
  ctx: RunContext,
  setup: MailSetup,
  fp: Fingerprint,
  pre?: Prefetched | null,
): Promise<FoundEmail | null> {
  const k = setup.idField ? fp.key : fp.subject;
  const t = Date.parse(fp.date);
  if (pre?.covered.has(k) && t >= pre.range[0] && t <= pre.range[1])
    return pick(pre.by.get(k) ?? [], fp, setup);
  const dirs: Direction[] = fp.direction === 'sent' ? ['sent', 'received'] : ['received', 'sent'];
  const select = ['id', 'firm_id', 'person_id'];
  try {
    for (const d of dirs) {
      const coll = collOf(d);
      if (setup.idField) {
        const rows = await ctx.abra.query(coll, {
          where: `${setup.idField} = ${abraLiteral(fp.key)}`,
          select,
          take: 2,
        });
        if (rows[0]) return { coll, direction: d, row: rows[0] };
        continue;
      }
      const t = Date.parse(fp.date);
      const cond = [
        `subject = ${abraLiteral(fp.subject)}`,
        // a received record keeps the sender; a sent one has none (its account is the sender)
        ...(d === 'received' && fp.sender ? [`sender = ${abraLiteral(fp.sender)}`] : []),
        `docdate$date ge ${abraTimestamp(new Date(t - WINDOW_MS).toISOString())}`,
        `docdate$date le ${abraTimestamp(new Date(t + WINDOW_MS).toISOString())}`,
      ].join(' and ');
      const rows = await ctx.abra.query(coll, { where: cond, select: [...select, 'body'], take: CANDIDATES });
      const want = bodyHash(fp.body);
      const hit = rows.find((r) => bodyHash(String(r.body ?? '')) === want);
      if (hit) return { coll, direction: d, row: hit };
    }
  } catch (e) {
    // a value this server cannot take in a condition fails this message alone, not the run
    if (e instanceof SyncError && e.kind === 'config')
      throw new SyncError('validation', `ABRA refused the look-up of this message: ${e.message}`, {
        cause: e,
      });
    throw e;
  }
  return null;
}

/** The CRM activity a relation links to this e-mail (left side), or null. */
export async function linkedActivity(ctx: RunContext, found: FoundEmail): Promise<string | null> {
  const rows = await ctx.abra.query(RELATIONS, {
    where: `rel_def = ${relDefOf(found.direction)} and rightside_id = ${abraLiteral(found.row.id)}`,
    select: ['id', 'leftside_id'],
    take: 1,
  });
  return rows[0]?.leftside_id ? String(rows[0].leftside_id) : null;
}

/** Link the activity to the e-mail (shown on the activity's "Připojené doklady" tab). */
export async function linkActivity(
  ctx: RunContext,
  direction: Direction,
  activityId: string,
  emailId: string,
): Promise<void> {
  await ctx.abra.create(RELATIONS, {
    rel_def: relDefOf(direction),
    leftside_id: activityId,
    rightside_id: emailId,
  });
}

export interface StoredAttachment {
  name: string;
  size: number;
  /** null: over the configured size, stored as a row with name and size only. */
  content: Buffer | null;
}

export interface EmailRecord {
  direction: Direction;
  setup: MailSetup;
  key: string;
  sender: string;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  date: string;
  firmId: string | null;
  personId: string | null;
  attachments: StoredAttachment[];
}

/**
 * Create the e-mail record. Sent mail: content objects first (a sent attachment row points to its content), then
 * the record in state 2. Received mail: attachment rows with their content inline.
 */
export async function createEmail(ctx: RunContext, r: EmailRecord): Promise<AbraRow> {
  const common: Record<string, unknown> = {
    emailaccount_id: r.setup.accountId,
    subject: r.subject,
    body: r.body,
    bodysavedas: BODY_PLAIN,
    docdate$date: r.date,
    firm_id: r.firmId,
    person_id: r.personId,
    ...(r.setup.idField ? { [r.setup.idField.toLowerCase()]: r.key } : {}),
  };
  if (r.direction === 'received') {
    return ctx.abra.create(EMAILS_RECEIVED, {
      ...common,
      sender: r.sender,
      attachments: r.attachments.map((a) => ({
        filename: a.name,
        filesize: a.size,
        ...(a.content ? { blobdata: a.content.toString('base64') } : {}),
      })),
    });
  }
  const rows: Record<string, unknown>[] = [];
  for (const a of r.attachments) {
    const row: Record<string, unknown> = { filename: a.name, filesize: a.size };
    if (a.content) {
      const c = await ctx.abra.create(SENT_ATTACH_CONTENTS, { blobdata: a.content.toString('base64') });
      row.content_id = c.id;
    }
    rows.push(row);
  }
  return ctx.abra.create(EMAILS_SENT, {
    ...common,
    // created as already sent: ABRA's automation server sends only records in state 1
    sentstate: SENT_STATE_SENT,
    recipients: [
      ...r.to.map((email) => ({ email, emailtype: RECIPIENT_TYPE.to })),
      ...r.cc.map((email) => ({ email, emailtype: RECIPIENT_TYPE.cc })),
    ],
    attachments: rows,
  });
}
