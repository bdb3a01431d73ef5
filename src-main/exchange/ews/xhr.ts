/** The shapes of @ewsjs/xhr's XhrApi the transport wraps (./transport.ts, ./deadline.ts), and its options. */
import type { SyncError } from '../../shared/errors';

export interface XhrOptionsLike {
  type?: string;
  url: string;
  headers?: Record<string, string>;
  data?: unknown;
  [k: string]: unknown;
}

export interface XhrLike {
  xhr(opts: XhrOptionsLike, progress?: (p: unknown) => void): Promise<XhrResponseLike>;
  xhrStream(opts: XhrOptionsLike, progress: (p: unknown) => void): Promise<unknown>;
  disconnect(): void;
  apiName?: string;
}

export interface XhrResponseLike {
  status?: number;
  responseText?: string;
  code?: string;
  message?: string;
  getResponseHeader?: (name: string) => string | string[] | null;
  [k: string]: unknown;
}

export interface TransportOptions {
  /** Concurrent requests per backend (default 4). */
  maxConcurrent?: number;
  /** Retries of a retryable failure (default 4). */
  maxRetries?: number;
  /** Longest server back-off we wait inside one call; longer ones are thrown as `throttled` (default 30 s). */
  maxBackoffMs?: number;
  /** Base of the exponential wait for failures without a server hint (default 500 ms). */
  baseDelayMs?: number;
  /** Injectable sleep (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Aborts every call (a cancelled connection test): nothing is retried, the call fails as cancelled. */
  signal?: AbortSignal;
  /** Called once per retry (diagnostics; never gets secrets). */
  onRetry?: (info: { operation: string; attempt: number; waitMs: number; error: SyncError }) => void;
}

/** An XhrApi (@ewsjs/xhr): its axios options are read when a call starts. */
export interface XhrWithOptions extends XhrLike {
  requestOptions: Record<string, unknown>;
}
