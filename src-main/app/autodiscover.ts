/**
 * "Autodiscover" button: the EWS backend's POX Autodiscover for an e-mail address, with the user name / domain /
 * auth of the saved Exchange settings and the stored Exchange password (sent only to the https endpoints of the
 * address's own domain and to hosts the user confirmed, `trustedHosts`).
 */
import type { AutodiscoverOptions } from '../exchange/ews/autodiscover';
import { SyncError } from '../shared/errors';
import { type ExchangeConnectionConfig, exchangeConnectionSchema, type SecretSource } from '../sync/config';
import { ewsBackendFor } from '../wiring/exchange';

export async function ewsAutodiscover(
  email: string,
  exchange: ExchangeConnectionConfig | null,
  secrets: SecretSource,
  autodiscover?: AutodiscoverOptions,
  trustedHosts: string[] = [],
): Promise<string> {
  const x = exchangeConnectionSchema.parse({
    ...(exchange ?? {}),
    kind: 'ews',
    email,
    ewsUrl: '',
    // the saved user name belongs to the saved address; for another address, sign in as that address
    user: exchange && exchange.email.toLowerCase() === email.toLowerCase() ? exchange.user : '',
  });
  const password = x.auth === 'oauth' ? null : await secrets.get('exchangePassword');
  // Exchange answers Autodiscover only to a signed-in user.
  if (x.auth !== 'oauth' && !password) throw new SyncError('auth', 'the Exchange password is not stored yet');
  const backend = await ewsBackendFor(
    x,
    { password },
    {
      ews: {
        autodiscover: {
          ...autodiscover,
          trustedHosts: [...(autodiscover?.trustedHosts ?? []), ...trustedHosts],
        },
      },
    },
  );
  try {
    return await backend.ewsUrl();
  } finally {
    await backend.close().catch(() => undefined);
  }
}
