/**
 * `npm run emulator -- graph --port <n> [--tls-port <n>] [--seed <n>] [--size small|demo|large]` (see
 * test/emulators/cli.ts). Graph answers on `url` (http) and on `httpsUrl` (TLS with the test certificate at
 * `caFile`); faults are armed over `POST <origin>/_control/faults` (docs/graph.md §6).
 */
import path from 'node:path';
import { startGraphEmulator } from './index';

export async function startStandalone(o: {
  port: number;
  tlsPort?: number;
  seed: number;
  size: 'small' | 'demo' | 'large';
}): Promise<{ info: Record<string, unknown>; stop(): Promise<void> }> {
  const emu = await startGraphEmulator({ port: o.port, tlsPort: o.tlsPort, seed: o.seed, size: o.size });
  const origin = new URL(emu.url).origin;
  return {
    info: {
      url: emu.url,
      httpsUrl: emu.httpsUrl,
      caFile: path.join(import.meta.dirname, '..', 'shared', 'tls', 'cert.pem'),
      controlUrl: `${origin}/_control/faults`,
      user: emu.user,
      password: emu.password,
      token: emu.token,
      authorityUrl: emu.authorityUrl,
      tenantId: emu.tenantId,
      clientId: emu.clientId,
    },
    stop: () => emu.stop(),
  };
}
