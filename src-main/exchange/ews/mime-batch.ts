/**
 * The MIME of several messages in one EWS GetItem (ItemShape IdOnly + IncludeMimeContent, one ItemId per message),
 * sent and read without the library's object model (./soap.ts, ./xml-tree.ts): the e-mail archive reads a page's
 * messages in a few requests instead of one per message (issue #17). GetItem answers one response message per
 * ItemId, in the order of the request ("ResponseMessages", EWS reference), so an item's error (ErrorItemNotFound,
 * ErrorAccessDenied, a per-item throttling answer) stays with that message; a fault of the whole request (sign-in,
 * transport, a SOAP fault) rejects.
 */
import { SyncError } from '../../shared/errors';
import { messageError, responseMessages, soapCall } from './soap';
import { xmlAttr } from './xml-text';
import { child, type XmlElement } from './xml-tree';

/** Most ItemIds in one GetItem for MIME (the caller also bounds the bytes: see the mail part's chunks). */
export const MIME_BATCH_MAX = 20;

/** The request: IdOnly plus the MIME (`IncludeMimeContent`, ItemResponseShapeType in types.xsd). */
export function getMimeRequest(ids: string[]): string {
  return (
    '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent>' +
    `</m:ItemShape><m:ItemIds>${ids.map((id) => `<t:ItemId Id="${xmlAttr(id)}"/>`).join('')}</m:ItemIds></m:GetItem>`
  );
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** The bytes of one GetItemResponseMessage's MimeContent (base64, any item type), or the error of that message. */
function mimeOf(msg: XmlElement | undefined): Buffer | SyncError {
  if (!msg) return new SyncError('malformed', 'GetItem (MIME): no answer for this message');
  const err = messageError(msg, 'GetItem (MIME)');
  if (err) return err;
  const item = child(msg, 'Items')?.children[0];
  const mime = child(item, 'MimeContent');
  if (!mime) return new SyncError('malformed', 'the message has no MIME content');
  if (!BASE64.test(mime.text))
    return new SyncError('malformed', 'GetItem (MIME): the MimeContent is not base64');
  return Buffer.from(mime.text, 'base64');
}

/**
 * The MIME of `ids` (at most {@link MIME_BATCH_MAX}) in one GetItem: one entry per id, in order — the bytes or the
 * error of that message alone. When every message was answered "throttled", nothing was read: the session waits
 * the server's back-off and sends the request again.
 */
export async function getMimes(
  session: Parameters<typeof soapCall>[0],
  ids: string[],
): Promise<(Buffer | SyncError)[]> {
  if (!ids.length) return [];
  if (ids.length > MIME_BATCH_MAX)
    throw new SyncError('validation', `getMimes: at most ${MIME_BATCH_MAX} messages per request`);
  return soapCall(session, 'GetItem', getMimeRequest(ids), (response) => {
    const msgs = responseMessages(response);
    if (msgs.length !== ids.length)
      throw new SyncError('malformed', `GetItem (MIME): ${msgs.length} answers for ${ids.length} messages`);
    const out = msgs.map(mimeOf);
    if (out.every((x) => x instanceof SyncError && x.kind === 'throttled')) throw out[0] as SyncError;
    return out;
  });
}
