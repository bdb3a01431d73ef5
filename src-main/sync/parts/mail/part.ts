/**
 * The e-mail archive as a part of the engine (Exchange → ABRA only, create-only, never deletes). For every new
 * message in Inbox, Sent Items and the chosen folders: a CRM activity of the configured type and series (firm,
 * person, subject, time, direction, plain-text body) and the message in ABRA's e-mail agenda where ABRA users look
 * for it — received mail in `emailsreceiveds`, sent mail in `emailsents` created as already sent (never sent again
 * by ABRA) — with recipients, attachments (content up to the configured size) and the original message as an `.eml`
 * attachment, linked to the activity by a `relations` row (abra.ts).
 *
 * ABRA has no Message-ID field: one message is one record company-wide by an admin-defined user field when the
 * server has one (X_MessageID), else by sender + subject + date window confirmed by the body's hash. A message moved
 * between tracked folders, or archived by a colleague's profile first, is found and linked, never stored twice.
 * The folder: run.ts (a run), batch.ts (a page), archive.ts (a message), assign-abra.ts + assign.ts (which firm),
 * abra.ts (ABRA's e-mail agendas), filters.ts, mime*.ts, charset.ts, address.ts (pure); its rows are
 * ../../state/mail-tables.ts. See docs/mail.md.
 */
import type { OwnFlowPart } from '../../part';
import type { RunContext } from '../../ports';
import { domainOf } from './address';
import { assignByHand, readArchived } from './assign-abra';
import type { MailPartOptions } from './batch';
import { runMail } from './run';

/** The archive part; `limits` for tests (a fake clock for the per-message read budget). */
export function createMailPart(limits: MailPartOptions = {}): OwnFlowPart {
  return {
    name: 'mail',
    run: (ctx, opts) => runMail(ctx, opts, limits),
    listUnassigned: (ctx) => ctx.state.mail.listUnassigned(),
    countUnassigned: (ctx) => ctx.state.mail.countUnassigned(),
    ignore: (ctx, id) => ctx.state.mail.ignore(id),
    readArchived: (ctx, id) => readArchived(ctx, id),
    assign: (ctx, id, firmId, personId, applyToAddress) =>
      assignByHand(ctx, id, firmId, personId, applyToAddress),
  };
}

export const mailPart: OwnFlowPart = createMailPart();

/** For tests and the docs: the domain the mailbox's own mail is recognised by. */
export const mailboxDomain = (ctx: Pick<RunContext, 'config'>): string => domainOf(ctx.config.exchange.email);
