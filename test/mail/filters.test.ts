import { describe, expect, it } from 'vitest';
import type { MessageItem } from '../../src-main/exchange/types';
import { mailSchema } from '../../src-main/sync/config';
import { mimeVerdict, privacyVerdict, summaryVerdict } from '../../src-main/sync/parts/mail/filters';
import { parseMime } from '../../src-main/sync/parts/mail/mime';
import { corpus } from './corpus';

const cfg = (over: Record<string, unknown> = {}) => mailSchema.parse({ startDate: '2026-11-01', ...over });
const msg = (over: Partial<MessageItem> = {}): MessageItem => ({
  kind: 'message',
  id: 'M1',
  changeKey: 'c',
  internetMessageId: '<m1@x>',
  itemClass: 'IPM.Note',
  subject: 'S',
  from: { address: 'petr@kovo-brno.cz' },
  to: [{ address: 'jan.novak@firma.cz' }],
  cc: [],
  receivedAt: '2026-11-24T08:00:00.000Z',
  ...over,
});
const START = '2026-11-01T00:00:00.000Z';

describe('privacy and noise filters', () => {
  it('excluded addresses and domains, for any participant', () => {
    const c = cfg({ excludedAddresses: ['Manzelka@Seznam.cz'], excludedDomains: ['banka.cz'] });
    expect(privacyVerdict(msg({ from: { address: 'manzelka@seznam.cz' } }), c)).toEqual({
      archive: false,
      reason: 'excluded address manzelka@seznam.cz',
    });
    expect(privacyVerdict(msg({ cc: [{ address: 'vypis@info.banka.cz' }] }), c).archive).toBe(false);
    expect(privacyVerdict(msg(), c).archive).toBe(true);
  });

  it('Private sensitivity (when configured) and chosen categories', () => {
    expect(privacyVerdict(msg({ sensitivity: 'Private' }), cfg()).archive).toBe(false);
    expect(privacyVerdict(msg({ sensitivity: 'Private' }), cfg({ skipPrivate: false })).archive).toBe(true);
    expect(privacyVerdict(msg({ categories: ['soukromé'] }), cfg())).toEqual({
      archive: false,
      reason: 'category "soukromé"',
    });
    expect(privacyVerdict(msg({ categories: ['Zákazník'] }), cfg()).archive).toBe(true);
  });

  it('drafts, the start date, delivery reports and auto-replies by item class', () => {
    expect(summaryVerdict(msg({ isDraft: true }), cfg(), START).archive).toBe(false);
    expect(summaryVerdict(msg({ receivedAt: '2026-10-31T23:59:59.000Z' }), cfg(), START).archive).toBe(false);
    expect(summaryVerdict(msg({ itemClass: 'REPORT.IPM.Note.NDR' }), cfg(), START).archive).toBe(false);
    expect(
      summaryVerdict(msg({ itemClass: 'REPORT.IPM.Note.NDR' }), cfg({ skipDeliveryReports: false }), START)
        .archive,
    ).toBe(true);
    expect(
      summaryVerdict(msg({ itemClass: 'IPM.Note.Rules.OofTemplate.Microsoft' }), cfg(), START).archive,
    ).toBe(false);
    expect(summaryVerdict(msg({ headers: { 'Auto-Submitted': 'auto-replied' } }), cfg(), START).archive).toBe(
      false,
    );
    expect(summaryVerdict(msg({ headers: { 'Auto-Submitted': 'no' } }), cfg(), START).archive).toBe(true);
    // invitations are archived as mail
    expect(summaryVerdict(msg({ itemClass: 'IPM.Schedule.Meeting.Request' }), cfg(), START).archive).toBe(
      true,
    );
  });

  it('MIME-level signals: multipart/report bounces and Auto-Submitted replies', () => {
    expect(mimeVerdict(parseMime(corpus('bounce-ndr.eml')), cfg())).toEqual({
      archive: false,
      reason: 'delivery report',
    });
    expect(mimeVerdict(parseMime(corpus('auto-reply.eml')), cfg())).toEqual({
      archive: false,
      reason: 'automatic reply',
    });
    expect(mimeVerdict(parseMime(corpus('auto-reply.eml')), cfg({ skipAutoReplies: false })).archive).toBe(
      true,
    );
    expect(mimeVerdict(parseMime(corpus('invitation.eml')), cfg()).archive).toBe(true);
  });
});
