/**
 * Where the engine meets the real clients: the ABRA Gen Web API client wrapped into the engine's AbraPort
 * (./abra.ts), and the Exchange backend chosen by the configuration, EWS or Microsoft Graph (./exchange.ts, the one
 * place that decides how to connect). The CLI and the Electron shell pass {@link connect} to the SyncService; the
 * engine itself imports no HTTP library.
 */
import type { SecretSource, SyncConfig } from '../sync/config';
import { runPreflight } from '../sync/preflight';
import type { Connections } from '../sync/service';
import { abraBaseUrl, abraClientFor, abraPortOf } from './abra';
import { exchangeFor, type MicrosoftSignIn } from './exchange';

export { abraBaseUrl, abraClientFor, abraPortOf } from './abra';
export {
  type CreateBackendOptions,
  createExchangeBackend,
  type ExchangeForOptions,
  type ExchangeSecrets,
  ewsBackendFor,
  ewsConnectionOf,
  exchangeFor,
  type MicrosoftSignIn,
} from './exchange';

/**
 * The `connect` function the SyncService uses. The app passes its Microsoft sign-in (see ./exchange.ts); the CLI
 * has none.
 */
export async function connect(
  config: SyncConfig,
  secrets: SecretSource,
  microsoftSignIn?: MicrosoftSignIn,
): Promise<Connections> {
  const client = await abraClientFor(config, secrets);
  const exchange = await exchangeFor(config, secrets, { microsoftSignIn });
  const server = abraBaseUrl(config.abra);
  return {
    abra: abraPortOf(client),
    exchange,
    abraServer: server,
    preflight: () => runPreflight(client, config, server),
  };
}
