/**
 * The MIME of several messages through Graph's JSON batching: `GET /me/messages/{id}/$value` requests, 20 to a
 * `$batch` (https://learn.microsoft.com/graph/json-batching, the limit of 20). Inside a batch answer a body that is
 * not JSON — the message's MIME here — arrives as a base64 string (by design, Microsoft Q&A 1352007: "Using
 * Batching With the Graph API Returns the Body Response As Base64"). Each message keeps its own error (404 of a
 * message deleted meanwhile, a throttled item after the batch's own retries); a failed `$batch` request rejects.
 */
import { SyncError } from '../../shared/errors';
import type { GraphHttp } from './http';
import { enc } from './kinds';

/** The bytes of one answer in a batch, or its error. */
function bytesOf(r: { status: number; body: unknown; error?: SyncError }): Buffer | SyncError {
  if (r.error) return r.error;
  if (typeof r.body !== 'string')
    return new SyncError(
      'malformed',
      `Graph $batch: the MIME of a message is not a base64 string (status ${r.status})`,
    );
  // base64 per RFC 4648; Buffer.from skips characters outside the alphabet, so check before decoding
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(r.body))
    return new SyncError('malformed', 'Graph $batch: the MIME of a message is not valid base64');
  return Buffer.from(r.body, 'base64');
}

/** The MIME of `ids`, one entry per id in order: the bytes or that message's error. */
export async function getMimes(http: GraphHttp, ids: string[]): Promise<(Buffer | SyncError)[]> {
  if (!ids.length) return [];
  const answers = await http.batch(
    ids.map((id) => ({ method: 'GET', url: `/me/messages/${enc(id)}/$value` })),
  );
  return answers.map(bytesOf);
}
