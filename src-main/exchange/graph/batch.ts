/**
 * Graph JSON batching (`$batch`): chunks of 20 in one HTTP request each, per-item retries of throttled answers, the
 * results in input order. Runs on ./http.ts's request.
 */
import { SyncError } from '../../shared/errors';
import { graphError } from './errors';

export interface BatchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the base URL, starting with `/` (e.g. `/me/events/{id}`). */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Set when status ≥ 400. */
  error?: SyncError;
}

/** What a batch needs of the transport (./http.ts's GraphHttp). */
export interface BatchHost {
  request<T = unknown>(
    method: 'POST',
    pathOrUrl: string,
    o: { body: unknown; idempotent: boolean },
  ): Promise<T>;
  readonly stats: { retries: number };
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  readonly retryBaseMs: number;
}

/**
 * JSON batching: chunks of 20, each chunk one HTTP request (counted against the concurrency limit); items
 * answered 429/503/504 are sent again after the longest Retry-After (capped) — a POST only after a 429, which
 * Graph answers before running anything; results in input order.
 */
export async function runBatch(
  h: BatchHost,
  requests: BatchRequest[],
  o: {
    prefer?: string[];
    /**
     * A `$batch` request that fails as a whole (HTTP error, dropped connection) fails only its own items, with
     * status 0 and the error, instead of rejecting the call (the other chunks' answers are kept).
     */
    settle?: boolean;
  } = {},
): Promise<BatchResponse[]> {
  const out: BatchResponse[] = new Array(requests.length);
  const chunks: number[][] = [];
  for (let i = 0; i < requests.length; i += 20) chunks.push(requests.slice(i, i + 20).map((_, j) => i + j));
  await Promise.all(
    chunks.map(async (idx) => {
      let pending = idx;
      for (let attempt = 0; pending.length; attempt++) {
        const body = {
          requests: pending.map((i) => {
            const r = requests[i]!;
            const headers: Record<string, string> = {
              Prefer: ['outlook.timezone="UTC"', ...(o.prefer ?? [])].join(', '),
              ...(r.headers ?? {}),
            };
            // Graph refuses the WHOLE batch when an item has a body and no Content-Type (json-batching)
            if (r.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
              headers['Content-Type'] = 'application/json';
            return {
              id: String(i),
              method: r.method,
              url: r.url,
              headers,
              ...(r.body !== undefined ? { body: r.body } : {}),
            };
          }),
        };
        let res: {
          responses?: { id: string; status: number; headers?: Record<string, string>; body?: unknown }[];
        };
        try {
          res = await h.request('POST', '/$batch', {
            body,
            idempotent: pending.every((i) => requests[i]!.method !== 'POST'),
          });
        } catch (e) {
          if (!o.settle || !(e instanceof SyncError)) throw e;
          for (const i of pending) out[i] = { status: 0, headers: {}, body: undefined, error: e };
          return;
        }
        if (!Array.isArray(res?.responses))
          throw new SyncError('malformed', 'Graph $batch answer has no responses array');
        const again: number[] = [];
        let wait = 0;
        // answers by id (the first of a repeated id, as a search in order would find it)
        const byId = new Map<string, (typeof res.responses)[number]>();
        for (const x of res.responses) if (x && !byId.has(x.id)) byId.set(x.id, x);
        for (const i of pending) {
          const r = byId.get(String(i));
          const req = requests[i]!;
          const where = `${req.method} ${req.url.split('?')[0]} (in $batch)`;
          if (!r) {
            out[i] = {
              status: 0,
              headers: {},
              body: undefined,
              error: new SyncError('malformed', `no answer for ${where}`),
            };
            continue;
          }
          const headers = lowerHeaders(r.headers);
          if (r.status >= 400) {
            const error = graphError(r.status, r.body, headers, where);
            if (
              error.kind === 'throttled' &&
              (req.method !== 'POST' || r.status === 429) && // a 503/504 create may have run
              attempt < h.maxRetries &&
              (error.retryAfterMs ?? 0) <= h.maxRetryAfterMs
            ) {
              again.push(i);
              wait = Math.max(wait, error.retryAfterMs ?? h.retryBaseMs * 2 ** attempt);
              continue;
            }
            out[i] = { status: r.status, headers, body: r.body, error };
          } else out[i] = { status: r.status, headers, body: r.body };
        }
        pending = again;
        if (pending.length) {
          h.stats.retries++;
          await sleep(Math.min(wait, h.maxRetryAfterMs));
        }
      }
    }),
  );
  return out;
}

function lowerHeaders(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h) for (const k of Object.keys(h)) out[k.toLowerCase()] = h[k] as string;
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
