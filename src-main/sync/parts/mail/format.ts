/**
 * How an archived message reads in ABRA: addresses and sizes in words, and the CRM activity's description (a short
 * header — direction, sender, recipients, what the MIME reader left unread, the attachments and which were over the
 * size limit — then the plain-text body).
 */
import type { EmailAddress } from '../../../exchange/types';
import { normAddress } from './address';
import type { Direction } from './message';

/** Longest plain-text body written to the activity description (characters). [I] ABRA's limit is unknown. */
export const MAX_DESCRIPTION = 100_000;

export function fmtAddress(a: EmailAddress | undefined): string {
  if (!a?.address) return '';
  return a.name && a.name !== a.address ? `${a.name} <${a.address}>` : a.address;
}

/** The bare address (a received record's Sender: rule scripts compare it with a plain address). */
export function fmtAddressPlain(a: EmailAddress | undefined): string {
  return normAddress(a?.address);
}

export function fmtList(list: EmailAddress[] | undefined): string {
  return (list ?? []).map(fmtAddress).filter(Boolean).join('; ');
}

export function fmtSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} kB`;
  return `${n} B`;
}

export interface Described {
  direction: Direction;
  from: EmailAddress | undefined;
  to: EmailAddress[];
  cc: EmailAddress[];
  body: string;
  /** The MIME was read (false: headers only, or no MIME): every listed attachment with a size was not stored. */
  parsed: boolean;
  /** What the MIME reader's caps left unread. */
  limits: string[];
  attachments: { name: string; size: number }[];
  /** Attachments over the size limit, left out of the stored message. */
  omitted: { name: string; size: number }[];
  maxAttachmentBytes: number;
}

/** The activity's description: the header, a blank line and the body, cut at {@link MAX_DESCRIPTION}. */
export function describeMessage(d: Described): string {
  const notStored = (x: { name: string; size: number }) =>
    d.omitted.some((o) => o.name === x.name && o.size === x.size) || (!d.parsed && x.size > 0);
  const header = [
    d.direction === 'sent' ? 'Odeslaný e-mail (sent)' : 'Přijatý e-mail (received)',
    `Od: ${fmtAddress(d.from)}`,
    `Komu: ${fmtList(d.to)}`,
    ...(d.cc.length ? [`Kopie: ${fmtList(d.cc)}`] : []),
    // the MIME reader's caps (nesting, number of parts) left part of a hostile message unread
    ...(d.limits.length ? [`Neúplně přečteno (not fully read): ${d.limits.join('; ')}`] : []),
    ...(d.attachments.length
      ? [
          `Přílohy: ${d.attachments
            .map(
              (x) =>
                `${x.name} (${fmtSize(x.size)}${
                  notStored(x)
                    ? `, nearchivováno — větší než ${fmtSize(d.maxAttachmentBytes)} (not archived: over the limit)`
                    : ''
                })`,
            )
            .join(', ')}`,
        ]
      : []),
  ].join('\n');
  const description = d.body ? `${header}\n\n${d.body}` : header;
  return description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION)}\n[…]` : description;
}
