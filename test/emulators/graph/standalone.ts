/** `npm run emulator -- graph --port <n> [--seed <n>] [--size small|demo|large]` (see test/emulators/cli.ts). */
import { startGraphEmulator } from './index';

export async function startStandalone(o: {
  port: number;
  seed: number;
  size: 'small' | 'demo' | 'large';
}): Promise<{ info: Record<string, unknown>; stop(): Promise<void> }> {
  const emu = await startGraphEmulator({ port: o.port, seed: o.seed, size: o.size });
  return {
    info: {
      url: emu.url,
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
