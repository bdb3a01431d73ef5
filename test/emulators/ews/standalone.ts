/**
 * `npm run emulator -- ews --port <n> [--seed <n>] [--size small|demo|large] [--version 2007sp3|2007sp1|2010sp2|2016|online]`
 * (see test/emulators/cli.ts).
 */
import { startEwsEmulator } from './index';
import type { ServerFlavour } from './soap';

/** The `--version` names of the server profiles. */
export const PROFILES: Record<string, ServerFlavour> = {
  '2007sp1': 'Exchange2007_SP1',
  '2007sp3': 'Exchange2007_SP3',
  '2010sp2': 'Exchange2010_SP2',
  '2016': 'Exchange2016',
  online: 'ExchangeOnline',
};

export function profileOf(name: string | undefined): ServerFlavour {
  if (name === undefined) return 'Exchange2016';
  const f = PROFILES[name.toLowerCase()];
  if (!f) throw new Error(`--version must be one of ${Object.keys(PROFILES).join(', ')}, got ${name}`);
  return f;
}

export async function startStandalone(o: {
  port: number;
  seed: number;
  size: 'small' | 'demo' | 'large';
  version?: string;
}): Promise<{ info: Record<string, unknown>; stop(): Promise<void> }> {
  const version = profileOf(o.version);
  const emu = await startEwsEmulator({ port: o.port, seed: o.seed, size: o.size, version });
  return {
    info: {
      url: emu.url,
      user: emu.user,
      password: emu.password,
      email: emu.email,
      version,
      validatesRequests: emu.validatesRequests,
    },
    stop: () => emu.stop(),
  };
}
