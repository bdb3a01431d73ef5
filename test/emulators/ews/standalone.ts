/** `npm run emulator -- ews --port <n> [--seed <n>] [--size small|demo|large]` (see test/emulators/cli.ts). */
import { startEwsEmulator } from './index';

export async function startStandalone(o: {
  port: number;
  seed: number;
  size: 'small' | 'demo' | 'large';
}): Promise<{ info: Record<string, unknown>; stop(): Promise<void> }> {
  const emu = await startEwsEmulator({ port: o.port, seed: o.seed, size: o.size });
  return {
    info: { url: emu.url, user: emu.user, password: emu.password, email: emu.email },
    stop: () => emu.stop(),
  };
}
