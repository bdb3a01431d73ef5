/** Shared setup of the Graph backend tests: an emulator and a backend pointed at it with a static token. */
import { GraphBackend, type GraphBackendOptions } from '../../../src-main/exchange/graph';
import {
  type GraphEmulator,
  type GraphEmulatorOptions,
  startGraphEmulator,
} from '../../emulators/graph/index';

export async function graphPair(
  emuOpts: GraphEmulatorOptions = {},
  backendOpts: Partial<GraphBackendOptions> = {},
): Promise<{ emu: GraphEmulator; backend: GraphBackend; stop(): Promise<void> }> {
  const emu = await startGraphEmulator({ size: 'empty', ...emuOpts });
  const backend = new GraphBackend(
    emu.url,
    { getAccessToken: async () => emu.token },
    { timeZone: 'Europe/Prague', retryBaseMs: 20, maxRetryAfterMs: 5000, ...backendOpts },
  );
  return {
    emu,
    backend,
    stop: async () => {
      await backend.close();
      await emu.stop();
    },
  };
}

/** Read every page of changes from a cursor; returns the changes and the final cursor. */
export async function drain<T>(
  get: (cursor: string | null) => Promise<{ changes: T[]; cursor: string; more: boolean }>,
  cursor: string | null,
): Promise<{ changes: T[]; cursor: string; pages: number }> {
  const all: T[] = [];
  let c = cursor;
  let pages = 0;
  for (;;) {
    const p = await get(c);
    pages++;
    all.push(...p.changes);
    c = p.cursor;
    if (!p.more) return { changes: all, cursor: c, pages };
    if (pages > 10_000) throw new Error('runaway paging');
  }
}
