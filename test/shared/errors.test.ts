import { describe, expect, it } from 'vitest';
import { isTransient, SyncError, toSyncError } from '../../src-main/shared/errors';

describe('SyncError', () => {
  it('classifies transient kinds so the scheduler retries only those', () => {
    expect(new SyncError('throttled', 'busy', { retryAfterMs: 500 }).transient).toBe(true);
    expect(new SyncError('unreachable', 'down').transient).toBe(true);
    expect(new SyncError('auth', 'wrong password').transient).toBe(false);
    expect(new SyncError('tls', 'untrusted').transient).toBe(false);
    expect(isTransient(new Error('x'))).toBe(false);
  });

  it('wraps foreign errors without losing the message', () => {
    const e = toSyncError(new Error('socket hang up'));
    expect(e).toBeInstanceOf(SyncError);
    expect(e.kind).toBe('transient');
    expect(e.message).toBe('socket hang up');
    expect(toSyncError(e, 'auth')).toBe(e);
  });

  it('serialises to JSON with kind and server code', () => {
    const json = new SyncError('validation', 'Period missing', { code: 'E1', status: 400 }).toJSON();
    expect(json).toMatchObject({ kind: 'validation', message: 'Period missing', code: 'E1', status: 400 });
  });
});
