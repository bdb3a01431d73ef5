/**
 * One writer per state file: an OS-level lock that dies with its process.
 *
 * Node has no flock(), so the lock is SQLite's own file lock on a small companion database `<state>.lock`: it is
 * opened with `locking_mode=EXCLUSIVE` and an EXCLUSIVE transaction is begun and never committed. SQLite takes that
 * lock with fcntl() on Unix and LockFileEx() on Windows; the operating system drops both when the process ends, also
 * on SIGKILL or a crash, so a stale lock never blocks (no pid file to clean up, no guess about liveness). A second
 * engine — the CLI next to the tray app, or another app instance — gets SQLITE_BUSY at once and a clear
 * {@link StateLockedError}, never a silent second writer.
 *
 * Who holds it (pid, start time, command) is written to `<state>.lock.json` for the message only; the lock itself
 * never depends on that file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SyncError } from '../../shared/errors';
import { note } from '../../shared/messages';
import { type Database, openDatabase } from './sqlite';

export interface LockOwner {
  pid: number;
  startedAt: string;
  command: string;
}

export class StateLockedError extends SyncError {
  constructor(
    readonly file: string,
    readonly owner: LockOwner | null,
  ) {
    const pid = owner ? String(owner.pid) : '?';
    super(
      'config',
      `another copy of the sync (the app or the command line) is already working with ${file} (process ${pid}); close it first — two copies on one state would create duplicates`,
      { code: 'StateLocked', note: note('engine.locked', { file, pid }) },
    );
    this.name = 'StateLockedError';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

export class StateLock {
  private constructor(
    private db: Database | null,
    private readonly ownerFile: string,
  ) {}

  /** Take the lock of `stateFile` or throw {@link StateLockedError} at once (no waiting). */
  static acquire(stateFile: string): StateLock {
    const lockFile = `${stateFile}.lock`;
    const ownerFile = `${lockFile}.json`;
    mkdirSync(path.dirname(lockFile), { recursive: true });
    const db = openDatabase(lockFile, { plain: true });
    try {
      db.exec('PRAGMA busy_timeout = 0');
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      // a rollback journal: in WAL mode an EXCLUSIVE transaction would not keep another connection out
      db.exec('PRAGMA journal_mode = DELETE');
      db.exec('BEGIN EXCLUSIVE');
      // a write makes every driver take the file lock now, not lazily
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    } catch (e) {
      try {
        db.close();
      } catch {
        // closing a handle that never locked
      }
      if (/locked|busy/i.test((e as Error).message))
        throw new StateLockedError(path.basename(stateFile), readOwner(ownerFile));
      throw e;
    }
    const owner: LockOwner = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      command: path.basename(process.argv[1] ?? process.argv0),
    };
    try {
      writeFileSync(ownerFile, `${JSON.stringify(owner)}\n`);
    } catch {
      // the note is a courtesy; the lock holds without it
    }
    return new StateLock(db, ownerFile);
  }

  get held(): boolean {
    return this.db !== null;
  }

  release(): void {
    if (!this.db) return;
    try {
      rmSync(this.ownerFile, { force: true });
    } catch {
      // not there
    }
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // nothing to roll back
    }
    this.db.close();
    this.db = null;
  }
}
