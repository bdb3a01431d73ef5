/** Opening the state file, and recovering from a damaged one. */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { SyncError } from '../../shared/errors';
import { StateLock } from '../state/lock';
import { StateStore } from '../state/store';

const CORRUPT =
  /SQLITE_(CORRUPT|NOTADB)|file is not a database|database disk image is malformed|malformed database/i;

/**
 * Open the state file; a damaged one (SQLite: not a database, malformed image) is kept aside as
 * `<file>.damaged-<time>` with its -wal/-shm, and a new state is started: the next runs rebuild the links by pairing
 * (by the AbraId stamp on the Outlook items), which is duplicate-free by design. Says which file, what happened and
 * where the damaged copy is.
 */
export function openOrRecover(
  file: string,
  warn: (message: string) => void,
  recovered?: (kept: string) => void,
): StateStore {
  try {
    return StateStore.open(file);
  } catch (e) {
    const why = `${(e as { code?: string }).code ?? ''} ${(e as Error).message}`;
    if (!CORRUPT.test(why)) throw e;
    const kept = `${file}.damaged-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(file + suffix)) renameSync(file + suffix, kept + suffix);
    warn(
      `the state file ${file} is damaged (SQLite: ${(e as Error).message}); it was kept as ${kept} and a new state is started — the next runs pair the existing items again by their stamps, without duplicates`,
    );
    recovered?.(kept);
    return StateStore.open(file);
  }
}

/**
 * The profile's state file in `dataDir`, locked (one engine per state file: a second one, the CLI next to the app, is
 * refused, never a second writer) and opened (recovered when damaged: `recovered` says where the copy was kept).
 */
export function openState(
  dataDir: string,
  profile: string,
  warn: (message: string) => void,
): { lock: StateLock; state: StateStore; recovered: { file: string; kept: string } | null } {
  const dir = path.resolve(dataDir);
  const file = path.resolve(dir, `${profile}.sqlite`);
  if (path.dirname(file) !== dir)
    throw new SyncError('config', `the profile name "${profile}" would put the state file outside ${dir}`);
  const lock = StateLock.acquire(file);
  let recovered: { file: string; kept: string } | null = null;
  try {
    const state = openOrRecover(file, warn, (kept) => {
      recovered = { file, kept };
    });
    return { lock, state, recovered };
  } catch (e) {
    lock.release();
    throw e;
  }
}
