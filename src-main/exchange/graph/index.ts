/**
 * Microsoft Graph backend (Exchange Online). The factory in ../index.ts imports this module dynamically:
 *
 *   const backend = createGraphBackend(config.exchange, auth, { tasksList: config.parts.tasks.tasksList });
 *
 * `auth` is normally a {@link GraphSignIn} (MSAL public client, ./auth.ts); tests pass a static token.
 */
import type { ExchangeConnectionConfig } from '../../sync/config';
import type { ExchangeBackend } from '../types';
import { GraphBackend, type GraphBackendOptions } from './backend';
import type { GraphAuth } from './http';

export type { GraphBackendOptions } from './backend';
export { GraphBackend } from './backend';
export type { GraphAuth, GraphHttpOptions } from './http';

export type CreateGraphBackendOptions = Partial<GraphBackendOptions>;

export function createGraphBackend(
  config: ExchangeConnectionConfig,
  auth: GraphAuth,
  opts: CreateGraphBackendOptions = {},
): ExchangeBackend {
  return new GraphBackend(config.graphUrl, auth, {
    timeZone: config.timeZone,
    caCertificate: config.caCertificate,
    ...opts,
  });
}
