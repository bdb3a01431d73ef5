/** The clients the controller's calls use: an ABRA client for the saved settings, and an Exchange backend alone. */
import type { ExchangeBackend } from '../../exchange/types';
import type { SecretSource, SyncConfig } from '../../sync/config';
import type { Ctx } from './context';
import type { AbraApiClient, ControllerDeps } from './deps';

/** An ABRA client for the saved settings. */
export const abraClient = async (ctx: Ctx): Promise<AbraApiClient> =>
  ctx.deps.abraClientFor(ctx.settings.savedConfigOrThrow(), ctx.deps.secrets);

/** Only the Exchange backend for a configuration (the whole wiring where the host gives no `exchangeFor`). */
export async function exchangeOnly(
  deps: ControllerDeps,
  cfg: SyncConfig,
  secrets: SecretSource,
  signal?: AbortSignal,
): Promise<ExchangeBackend> {
  return deps.exchangeFor
    ? await deps.exchangeFor(cfg, secrets, { signal })
    : (await deps.connect(cfg, secrets)).exchange;
}
