import { expect } from 'vitest';
import { SyncError } from '../../src-main/shared/errors';

/** The SyncError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function caught(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SyncError);
    return e as SyncError;
  }
  throw new Error('expected a SyncError');
}
