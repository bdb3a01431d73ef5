/** The ABRA client as the engine's AbraPort (the app's own adapter from src-main/wiring.ts), for the mail tests. */
import { AbraClient } from '../../src-main/abra';
import type { AbraPort } from '../../src-main/sync/ports';
import { abraPortOf } from '../../src-main/wiring';

export function abraPort(
  baseUrl: string,
  login: string,
  password: string,
): AbraPort & { client: AbraClient } {
  const client = new AbraClient({ baseUrl, login, password, retryBaseMs: 1 });
  return { client, ...abraPortOf(client) };
}
