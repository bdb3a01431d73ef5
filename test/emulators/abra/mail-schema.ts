/**
 * The e-mail agendas of the ABRA emulator (#14): received and sent e-mails, their recipient and attachment rows, the
 * attachment content objects, the own e-mail accounts and the document relations that link an e-mail to a CRM
 * activity — all classes from ABRA's published metadata (metadata.json: emailsent, emailsentrecipient,
 * emailsentattachment, emailsentattachcontent, emailreceived, emailreceivedattachment, emailaccount, relation).
 * What the metadata does not prove is listed here as `assumed`, with the reason (docs/abra-api.md shows the grades).
 */
import type { ExtraField } from './extra-fields';
import type { FieldKind } from './schema';

/** Emulator schema → business object of metadata.json. */
export const MAIL_EMULATED: Record<string, { bo: string; caption: string }> = {
  emailreceived: { bo: 'emailreceived', caption: 'Doručený e-mail' },
  emailsent: { bo: 'emailsent', caption: 'Odeslaný e-mail' },
  emailsentattachment: { bo: 'emailsentattachment', caption: 'Odesílaná příloha' },
  emailsentattachcontent: { bo: 'emailsentattachcontent', caption: 'Obsah odesílané přílohy' },
  emailsentrecipient: { bo: 'emailsentrecipient', caption: 'Adresát e-mailu' },
  emailreceivedattachment: { bo: 'emailreceivedattachment', caption: 'Doručená příloha' },
  emailaccount: { bo: 'emailaccount', caption: 'E-mailový účet' },
  relation: { bo: 'relation', caption: 'Vazba mezi doklady' },
};

/** Metadata relation names that stand for an emulated owned schema (the recipients' BO name was never seen). */
export const MAIL_SCHEMA_OF_BO: Record<string, string> = {
  'email recipient row (BO name not seen)': 'emailsentrecipient',
};

export const MAIL_COLLECTIONS: Record<string, string> = {
  emailsreceiveds: 'emailreceived',
  emailsents: 'emailsent',
  emailsentattachcontents: 'emailsentattachcontent',
  emailaccounts: 'emailaccount',
  relations: 'relation',
};

/** metadata.json gives no CLSID for these owned rows / content objects; the values are invented. */
export const MAIL_CLSIDS: Record<string, string> = {
  emailsentattachment: 'H1ZS0DQKL3J4NAAYZRO5PWHLWK',
  emailsentattachcontent: 'H2ZS0DQKL3J4NAAYZRO5PWHLWK',
  emailsentrecipient: 'H3ZS0DQKL3J4NAAYZRO5PWHLWK',
  emailreceivedattachment: 'H4ZS0DQKL3J4NAAYZRO5PWHLWK',
};

const RECEIVED_BY_ANALOGY =
  'received e-mails: the UI has this field (help.abra.eu dorucene_emaily_ZD/ZS/ZOdeslane), the API name is inferred by analogy with emailsents (metadata.json emailreceived "unconfirmed") — assumed, #14';

function received(field: string, kind: FieldKind, target?: string): ExtraField {
  return {
    schema: 'emailreceived',
    field,
    kind,
    target,
    grade: 'assumed',
    source: RECEIVED_BY_ANALOGY,
    issue: 14,
  };
}

export const MAIL_EXTRA_FIELDS: ExtraField[] = [
  received('emailaccount_id', 'ref', 'emailaccounts'),
  received('firm_id', 'ref', 'firms'),
  received('firmoffice_id', 'ref', 'firmoffices'),
  received('person_id', 'ref', 'persons'),
  received('body', 'string'),
  received('bodysavedas', 'number'),
  received('docdate$date', 'date'),
  received('attachments', 'ownedList', 'emailreceivedattachment'),
  {
    schema: 'emailreceivedattachment',
    field: 'filesize',
    kind: 'number',
    grade: 'assumed',
    issue: 14,
    source:
      'received attachment rows: rule scripts read FileName and BlobData (metadata.json emailreceivedattachment); FileSize by analogy with emailsentattachment — assumed, #14',
  },
  ...(['name', 'emailaddress'] as const).map(
    (field): ExtraField => ({
      schema: 'emailaccount',
      field,
      kind: 'string',
      grade: 'assumed',
      issue: 14,
      source:
        'e-mail accounts: the UI shows "Název účtu" and "E-mailová adresa" (help.abra.eu email_ucty_ZD), the API names are not seen (metadata.json emailaccount "unconfirmed") — assumed; the account picker still works without them (ids only)',
    }),
  ),
  // a customer's own user-defined field (X_…) for the Message-ID: only on an emulator started with mailMessageIdField
  ...(['emailreceived', 'emailsent'] as const).map(
    (schema): ExtraField => ({
      schema,
      field: 'x_messageid',
      kind: 'string',
      grade: 'assumed',
      option: 'mailMessageIdField',
      issue: 14,
      source:
        'not an ABRA field: a user-defined field an admin may add (user fields X_…, ../shared/notes/abra-fields-audit.md §(c) 5); emulated only with the option mailMessageIdField',
    }),
  ),
];

/** Relation types the emulator knows (ABRA's constants, audit "Vazba mezi doklady" [S 57033482411]). */
export const REL_EMAIL_RECEIVED_ACTIVITY = 1271;
export const REL_EMAIL_SENT_ACTIVITY = 1272;
