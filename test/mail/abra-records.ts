/**
 * Reading the e-mail archive back out of the ABRA emulator the way an ABRA user would: the original message is the
 * `.eml` attachment of each e-mail record (sent: through its content object; received: inline BlobData) — ABRA has
 * no Message-ID field (#14, docs/mail.md).
 */
import { ORIGINAL_EML } from '../../src-main/sync/parts/mail/archive';
import type { AbraControl } from '../emulators/abra';

type Row = Record<string, unknown>;

/** The stored original message of an e-mail record, or null. */
export function originalOf(control: Pick<AbraControl, 'get'>, rec: Row): Buffer | null {
  const att = ((rec.attachments as Row[] | undefined) ?? []).find((a) => a.filename === ORIGINAL_EML);
  if (!att) return null;
  if (att.content_id) {
    const c = control.get('emailsentattachcontents', String(att.content_id));
    return c ? Buffer.from(String(c.blobdata), 'base64') : null;
  }
  return att.blobdata ? Buffer.from(String(att.blobdata), 'base64') : null;
}

/** The Message-ID header of the stored original message ('' when none is stored). */
export function messageIdOf(control: Pick<AbraControl, 'get'>, rec: Row): string {
  const eml = originalOf(control, rec);
  if (!eml) return '';
  const head = eml.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  return /^message-id:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '';
}
