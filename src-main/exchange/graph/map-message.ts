/** Graph message → MessageItem (see ./map-common.ts for the conventions). */
import { htmlToText } from '../../shared/html';
import type { MessageItem } from '../types';
import {
  addr,
  addrs,
  base,
  clean,
  extValue,
  ITEM_CLASS_PROP,
  iso,
  type Json,
  SENS,
  SENSITIVITY_PROP,
  SIZE_PROP,
  s,
} from './map-common';

export const MESSAGE_SELECT = [
  'id',
  'changeKey',
  'internetMessageId',
  'subject',
  'from',
  'sender',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'sentDateTime',
  'receivedDateTime',
  'isDraft',
  'hasAttachments',
  'categories',
  'lastModifiedDateTime',
  'parentFolderId',
  'internetMessageHeaders',
];

export function messageFromGraph(item: Json, withBody: boolean, folderId?: string): MessageItem {
  const headers: Record<string, string> = {};
  for (const h of (item.internetMessageHeaders as { name?: string; value?: string }[] | undefined) ?? [])
    if (
      h.name &&
      h.value !== undefined &&
      /^(in-reply-to|references|auto-submitted|x-auto-response-suppress|precedence)$/i.test(h.name)
    )
      headers[h.name] = h.value;
  const sens = Number(extValue(item, SENSITIVITY_PROP) ?? 0);
  const size = extValue(item, SIZE_PROP);
  const body = item.body as { content?: string; contentType?: string } | undefined;
  const m: MessageItem = {
    kind: 'message',
    ...base(item),
    folderId: s(item.parentFolderId) ?? folderId,
    internetMessageId: String(item.internetMessageId ?? ''),
    itemClass: extValue(item, ITEM_CLASS_PROP) ?? 'IPM.Note',
    subject: String(item.subject ?? ''),
    from: addr(item.from),
    sender: addr(item.sender),
    to: addrs(item.toRecipients),
    cc: addrs(item.ccRecipients),
    bcc: addrs(item.bccRecipients),
    sentAt: iso(item.sentDateTime),
    receivedAt: iso(item.receivedDateTime),
    isDraft: item.isDraft === true,
    sensitivity: SENS[sens] ?? 'Normal',
    categories: Array.isArray(item.categories) ? (item.categories as string[]) : [],
    hasAttachments: item.hasAttachments === true,
    size: size !== undefined ? Number(size) : undefined,
    headers: Object.keys(headers).length ? headers : undefined,
  };
  if (withBody && body?.content !== undefined)
    m.bodyText = body.contentType === 'html' ? htmlToText(body.content) : body.content;
  const c = clean(m) as MessageItem;
  c.to = m.to;
  c.cc = m.cc;
  c.subject = m.subject;
  c.internetMessageId = m.internetMessageId;
  return c;
}
