/**
 * The backend contract (./contract.ts) run against every ExchangeBackend the project has: the engine tests' in-memory
 * fake, EWS against the EWS emulator (requests validated against Microsoft's XSD where ../shared and xmllint exist)
 * and Graph against the Graph emulator, all over real HTTP for the two real backends.
 */
import { EwsBackend } from '../../src-main/exchange/ews/backend';
import { GraphBackend } from '../../src-main/exchange/graph';
import { startEwsEmulator } from '../emulators/ews/index';
import { startGraphEmulator } from '../emulators/graph/index';
import { FakeExchange } from '../sync/fakes';
import { defineBackendContract } from './contract';

defineBackendContract('in-memory fake (the engine tests)', async () => {
  const backend = new FakeExchange();
  return { backend, email: (await backend.testConnection()).email, stop: async () => {} };
});

defineBackendContract('EWS + EWS emulator', async () => {
  const emu = await startEwsEmulator({ size: 'empty' });
  const backend = new EwsBackend(
    { email: emu.email, ewsUrl: emu.url, auth: 'basic', user: emu.user, timeZone: 'Europe/Prague' },
    { password: emu.password },
    { transport: { baseDelayMs: 5, maxBackoffMs: 2_000, maxRetries: 2 } },
  );
  return {
    backend,
    email: emu.email,
    stop: async () => {
      await backend.close();
      await emu.stop();
    },
  };
});

defineBackendContract('Graph + Graph emulator', async () => {
  const emu = await startGraphEmulator({ size: 'empty' });
  const backend = new GraphBackend(
    emu.url,
    { getAccessToken: async () => emu.token },
    { timeZone: 'Europe/Prague', retryBaseMs: 20, maxRetryAfterMs: 2000 },
  );
  return {
    backend,
    email: emu.email,
    stop: async () => {
      await backend.close();
      await emu.stop();
    },
  };
});
