/**
 * The MIME of several messages in one EWS GetItem (ItemShape IdOnly + MimeContent, one ItemId per message): the
 * e-mail archive reads a page's messages in a few requests instead of one per message (issue #17). GetItem answers
 * one response message per ItemId, in the order of the request (MS-OXWSCORE GetItem; "ResponseMessages … in the
 * same order as the ItemIds"), so an item's error (ErrorItemNotFound, ErrorAccessDenied, per-item throttling)
 * stays with that message; a fault of the whole request (sign-in, transport, a SOAP fault) rejects.
 */
import { SyncError } from '../../shared/errors';
import { ews } from './ews-lib';
import { get } from './map';
import { isSuccess, responseError } from './responses';
import type { EwsSession } from './session';

/** Most ItemIds in one GetItem for MIME (the caller also bounds the bytes: see the mail part's chunks). */
export const MIME_BATCH_MAX = 20;

/** The bytes of one GetItem response message's MimeContent, or the error of that message. */
function mimeOf(r: ews.ServiceResponse | undefined): Buffer | SyncError {
  if (!r) return new SyncError('malformed', 'GetItem (MIME): no answer for this message');
  if (!isSuccess(r)) return responseError(r, 'GetItem (MIME)');
  const mime = get<ews.MimeContent>(get(r, 'Item'), 'MimeContent');
  const content = mime ? get<string | Uint8Array>(mime, 'Content') : undefined;
  if (content === undefined || content === null)
    return new SyncError('malformed', 'the message has no MIME content');
  return typeof content === 'string' ? Buffer.from(content, 'base64') : Buffer.from(content);
}

/**
 * The MIME of `ids` (at most {@link MIME_BATCH_MAX}) in one GetItem: one entry per id, in order — the bytes or the
 * error of that message alone. A per-item throttling answer is repeated by the session only when every message of
 * the request was throttled (then nothing was read); otherwise it is that message's error.
 */
export async function getMimes(session: EwsSession, ids: string[]): Promise<(Buffer | SyncError)[]> {
  if (!ids.length) return [];
  if (ids.length > MIME_BATCH_MAX)
    throw new SyncError('validation', `getMimes: at most ${MIME_BATCH_MAX} messages per request`);
  return session.call('getMimes', async () => {
    const ps = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.MimeContent]);
    const res = await session.service.BindToItems(
      ids.map((id) => new ews.ItemId(id)),
      ps,
    );
    const responses = res.Responses ?? [];
    if (responses.length !== ids.length)
      throw new SyncError(
        'malformed',
        `GetItem (MIME): ${responses.length} answers for ${ids.length} messages`,
      );
    const out = responses.map(mimeOf);
    // all throttled: nothing was read — let the session wait and repeat the whole request
    const first = out[0];
    if (
      first instanceof SyncError &&
      first.kind === 'throttled' &&
      out.every((x) => x instanceof SyncError && x.kind === 'throttled')
    )
      throw first;
    return out;
  });
}
