/**
 * Behaviour of the emulated e-mail agendas (#14): ABRA's automation server sending a sent-mail record that reaches
 * SentState 1, and the checks on e-mails and document relations. Called from store.ts.
 */
import { REL_EMAIL_RECEIVED_ACTIVITY, REL_EMAIL_SENT_ACTIVITY } from './mail-schema';
import type { AbraStore, Obj, ValidationIssue } from './store';

/** A message the emulated automation server "sent" (a real ABRA would have e-mailed it to its recipients). */
export interface SentMail {
  id: string;
  subject: string;
  recipients: string[];
  at: string;
}

/**
 * SentState of emailsents: 0 new/editable, 1 to send — ABRA's automation server sends it —, 2 sent, 3 error
 * (../shared/notes/abra-fields-audit.md "Odeslaný e-mail", partner scripts 57021285051, 56910000666, 57107768110).
 * SentDate$DATE is filled when ABRA sends and cannot be entered (help.abra.eu odeslane_emaily_ZS).
 */
export const SENT_STATE = { new: 0, toSend: 1, sent: 2, error: 3 } as const;

export function mailAfterSave(store: AbraStore, coll: string, o: Obj, ts: string): void {
  if (coll !== 'emailsents' && coll !== 'emailsreceiveds') return;
  o.displayname = o.subject;
  if (coll === 'emailsents' && o.sentstate === SENT_STATE.toSend) {
    // the automation server picks the record up and sends it: the one thing the archive must never cause
    store.sentLog.push({
      id: String(o.id),
      subject: String(o.subject ?? ''),
      recipients: ((o.recipients as Obj[]) ?? []).map((r) => String(r.email ?? '')),
      at: ts,
    });
    o.sentstate = SENT_STATE.sent;
    o['sentdate$date'] = ts;
  }
}

/** Business checks of e-mails and relations (texts in the style of ABRA's validation; codes invented: 0). */
export function mailRules(store: AbraStore, coll: string, o: Obj, isNew: boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const issue = (field: string, label: string, description: string) =>
    issues.push({ field, code: 0, label, description });
  if (coll === 'emailsents') {
    // [A] every creating partner script sets EmailAccount_ID (the account defines the sender): required here
    if (!o.emailaccount_id)
      issue('emailaccount_id', 'Vlastní e-mailový účet', 'Chyba v zadaní položky Vlastní e-mailový účet');
    const st = o.sentstate as number;
    if (!Object.values(SENT_STATE).includes(st as 0)) issue('sentstate', 'Stav', `Neplatný stav ${st}`);
    else if (isNew && !store.sentStatesOnCreate.includes(st))
      issue('sentstate', 'Stav', `Nový e-mail nelze uložit ve stavu ${st}`);
  }
  if (coll === 'relations') {
    const def = o.rel_def as number;
    const emails =
      def === REL_EMAIL_RECEIVED_ACTIVITY
        ? 'emailsreceiveds'
        : def === REL_EMAIL_SENT_ACTIVITY
          ? 'emailsents'
          : null;
    if (!emails) issue('rel_def', 'Definice vazby', `Neznámá definice vazby ${def}`);
    else {
      if (!store.getRaw('crmactivities', String(o.leftside_id ?? '')))
        issue('leftside_id', 'Levá strana', 'Levá strana vazby musí být aktivita');
      if (!store.getRaw(emails, String(o.rightside_id ?? '')))
        issue('rightside_id', 'Pravá strana', 'Pravá strana vazby musí být e-mail');
    }
  }
  return issues;
}

/** One own e-mail account per seeded user that has an e-mail address (as an ABRA admin sets them up). */
export function seedMailAccounts(store: AbraStore): void {
  for (const u of store.map('securityusers').values()) {
    const email = String((u.address_id as Obj | null)?.email ?? '');
    if (!email) continue;
    store.create('emailaccounts', {
      name: `${u.name} (${email})`,
      emailaddress: email,
      owner_id: u.id,
      accounttype: 0,
    });
  }
}
