/**
 * One message as a run of the archive sees it: its identity in the archive (the Message-ID or a stand-in), its
 * direction, its time, the folder it was read from and its key in the retry list. Also the settings type every file
 * of the part takes its settings by (the mail section of the run's configuration).
 */
import { createHash } from 'node:crypto';
import type { FolderRef, MessageItem } from '../../../exchange/types';
import type { RunContext } from '../../ports';
import { normAddress } from './address';
import type { ParsedMail } from './mime';

/** The archive's settings: the mail section of the run's configuration. */
export type MailSettings = RunContext['config']['parts']['mail'];

/** Which of ABRA's e-mail agendas a message belongs to: received (`emailsreceiveds`) or sent (`emailsents`). */
export type Direction = 'received' | 'sent';

export interface FolderSpec {
  ref: FolderRef;
  /** Fixed direction for Inbox / Sent Items; other folders decide by the sender. */
  direction?: Direction;
}

export interface Prepared {
  item: MessageItem;
  folder: FolderSpec;
  key: string;
  direction: Direction;
  at: string;
}

/** The archive's identity of a message: its Message-ID, or a stable stand-in when the message has none. */
export function messageKey(m: MessageItem): string {
  const id = (m.internetMessageId ?? '').trim();
  if (id) return id;
  const h = createHash('sha1')
    .update(
      [
        normAddress(m.from?.address),
        m.sentAt ?? m.receivedAt ?? '',
        m.subject,
        ...m.to.map((a) => a.address),
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, 24);
  return `<no-message-id.${h}@abra-sync>`;
}

/** Direction (by the folder, else by the sender), time and identity of a message read from `folder`. */
export function prepareMessage(
  item: MessageItem,
  folder: FolderSpec,
  mailbox: string,
  now: () => Date,
): Prepared {
  let direction = folder.direction;
  if (!direction) direction = normAddress(item.from?.address) === mailbox ? 'sent' : 'received';
  const at =
    (direction === 'sent' ? (item.sentAt ?? item.receivedAt) : (item.receivedAt ?? item.sentAt)) ??
    now().toISOString();
  return { item, folder, key: messageKey(item), direction, at };
}

/** The message's own date (sent time / Date header): the same in the sender's and every recipient's mailbox. */
export function messageDate(p: Prepared, parsed?: ParsedMail): string {
  return new Date(p.item.sentAt ?? parsed?.date ?? p.at).toISOString();
}

/** The message's key in the part's retry list: the folder and the item (an item id is unique in its folder). */
export function retryKey(folder: FolderRef, itemId: string): string {
  return `${folder.id}\n${itemId}`;
}
