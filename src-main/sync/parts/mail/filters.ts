/**
 * Which messages the archive leaves out, and why (privacy and noise). Pure; the reasons are plain words shown in
 * the run log. Checked twice: on the mailbox summary (cheap, before the MIME is fetched) and again on the parsed
 * MIME headers (auto-reply and delivery-report signals that only the headers carry).
 */
import type { MessageItem } from '../../../exchange/types';
import { domainOf, inDomainList, normAddress } from './address';
import type { ParsedMail } from './mime';

export type Verdict = { archive: true } | { archive: false; reason: string };

/** What the filters are told (the mail part passes its settings, which carry these fields under these names). */
export interface FilterSettings {
  excludedAddresses: string[];
  excludedDomains: string[];
  skipPrivate: boolean;
  skipCategories: string[];
  skipDeliveryReports: boolean;
  skipAutoReplies: boolean;
}

const KEEP: Verdict = { archive: true };

export function isMeetingClass(itemClass: string): boolean {
  return /^ipm\.schedule\.meeting\./i.test(itemClass);
}

export function isReportClass(itemClass: string): boolean {
  return /^report\./i.test(itemClass);
}

export function isAutoReplyClass(itemClass: string): boolean {
  return /^ipm\.note\.rules\.(oof|reply)template/i.test(itemClass);
}

/** Header-level auto-reply signals (RFC 3834 Auto-Submitted, Microsoft's and others' markers). */
export function autoReplyHeaders(h: Record<string, string> | undefined): boolean {
  if (!h) return false;
  const get = (n: string) => {
    for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === n) return v.trim().toLowerCase();
    return undefined;
  };
  const as = get('auto-submitted');
  if (as && as !== 'no') return true;
  const prec = get('precedence');
  if (prec === 'auto_reply') return true;
  return (
    get('x-autoreply') !== undefined ||
    get('x-autorespond') !== undefined ||
    get('x-auto-response-suppress') !== undefined
  );
}

export function participants(m: Pick<MessageItem, 'from' | 'sender' | 'to' | 'cc' | 'bcc'>): string[] {
  return [m.from, m.sender, ...(m.to ?? []), ...(m.cc ?? []), ...(m.bcc ?? [])]
    .map((a) => normAddress(a?.address))
    .filter((a) => a.includes('@'));
}

/** Privacy: excluded addresses/domains (any participant), Private sensitivity, chosen categories. */
export function privacyVerdict(
  m: Pick<MessageItem, 'from' | 'sender' | 'to' | 'cc' | 'bcc' | 'sensitivity' | 'categories'>,
  cfg: Pick<FilterSettings, 'excludedAddresses' | 'excludedDomains' | 'skipPrivate' | 'skipCategories'>,
): Verdict {
  const excludedAddr = new Set(cfg.excludedAddresses.map(normAddress));
  const excludedDom = new Set(cfg.excludedDomains.map((d) => d.trim().toLowerCase().replace(/^@/, '')));
  for (const a of participants(m)) {
    if (excludedAddr.has(a)) return { archive: false, reason: `excluded address ${a}` };
    if (excludedDom.size && inDomainList(domainOf(a), excludedDom))
      return { archive: false, reason: `excluded domain ${domainOf(a)}` };
  }
  if (cfg.skipPrivate && m.sensitivity === 'Private') return { archive: false, reason: 'marked Private' };
  const skipCats = new Set(cfg.skipCategories.map((c) => c.trim().toLowerCase()));
  const cat = (m.categories ?? []).find((c) => skipCats.has(c.trim().toLowerCase()));
  if (cat) return { archive: false, reason: `category "${cat}"` };
  return KEEP;
}

/** Everything decidable from the mailbox summary. */
export function summaryVerdict(m: MessageItem, cfg: FilterSettings, startIso: string): Verdict {
  if (m.isDraft) return { archive: false, reason: 'draft' };
  const when = m.receivedAt ?? m.sentAt;
  if (when && when < startIso) return { archive: false, reason: 'older than the start date' };
  const p = privacyVerdict(m, cfg);
  if (!p.archive) return p;
  if (cfg.skipDeliveryReports && isReportClass(m.itemClass))
    return { archive: false, reason: 'delivery report' };
  if (cfg.skipAutoReplies && (isAutoReplyClass(m.itemClass) || autoReplyHeaders(m.headers)))
    return { archive: false, reason: 'automatic reply' };
  return KEEP;
}

/** Signals only the MIME carries (a server that reports bounces as IPM.Note, Auto-Submitted headers). */
export function mimeVerdict(
  p: ParsedMail,
  cfg: Pick<FilterSettings, 'skipDeliveryReports' | 'skipAutoReplies'>,
): Verdict {
  if (cfg.skipDeliveryReports && p.isDeliveryReport) return { archive: false, reason: 'delivery report' };
  if (cfg.skipAutoReplies && p.isAutoReply) return { archive: false, reason: 'automatic reply' };
  return KEEP;
}
