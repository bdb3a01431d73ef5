/** E-mail messages: library EmailMessage → MessageItem (see ./map.ts). */
import type { MessageAttachmentInfo, MessageItem, Sensitivity } from '../types';
import { ews } from './ews-lib';
import { address, addressList, base, bodyText, categories, enumName, get, prune, str, toIso } from './map';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are read reflectively
type Any = any;

// ---------- messages ----------

function attachmentInfos(item: Any): MessageAttachmentInfo[] | undefined {
  const atts = get(item, 'Attachments');
  if (!atts) return undefined;
  const list: Any[] =
    atts.Items ?? atts.items ?? (typeof atts.GetEnumerator === 'function' ? atts.GetEnumerator() : []);
  const out = list.map((a) =>
    prune<MessageAttachmentInfo>({
      name: str(get(a, 'Name')) ?? '',
      size: Number(get(a, 'Size') ?? 0),
      contentType: str(get(a, 'ContentType')),
      isInline: get<boolean>(a, 'IsInline') === true ? true : undefined,
    }),
  );
  return out.length ? out : undefined;
}

export function toMessage(item: Any, withBody: boolean): MessageItem {
  const headers: Record<string, string> = {};
  const inReplyTo = str(get(item, 'InReplyTo'));
  if (inReplyTo) headers['In-Reply-To'] = inReplyTo;
  const refs = str(get(item, 'References'));
  if (refs) headers.References = refs;
  const bcc = addressList(get(item, 'BccRecipients'));
  const msg = prune<MessageItem>({
    ...base(item),
    kind: 'message',
    internetMessageId: str(get(item, 'InternetMessageId')) ?? '',
    itemClass: str(get(item, 'ItemClass')) ?? 'IPM.Note',
    subject: str(get(item, 'Subject')) ?? '',
    from: address(get(item, 'From')),
    sender: address(get(item, 'Sender')),
    to: addressList(get(item, 'ToRecipients')),
    cc: addressList(get(item, 'CcRecipients')),
    bcc: bcc.length ? bcc : undefined,
    sentAt: toIso(get(item, 'DateTimeSent')),
    receivedAt: toIso(get(item, 'DateTimeReceived')),
    isDraft: get<boolean>(item, 'IsDraft'),
    sensitivity: enumName(ews.Sensitivity, get(item, 'Sensitivity')) as Sensitivity | undefined,
    categories: categories(item),
    hasAttachments: get<boolean>(item, 'HasAttachments'),
    attachments: attachmentInfos(item),
    size: get<number>(item, 'Size'),
    bodyText: withBody ? bodyText(item) : undefined,
    headers: Object.keys(headers).length ? headers : undefined,
  });
  return msg;
}
