import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, registerIpc } from '../../src-main/app/electron/ipc';
import { APP_METHODS, type AppApi, CALL_CHANNEL } from '../../src-main/app/ipc-contract';

/** An AppApi whose every method records the call. */
function spyApi() {
  const calls: { method: string; args: unknown[] }[] = [];
  const api = Object.fromEntries(
    APP_METHODS.map((m) => [
      m,
      vi.fn(async (...args: unknown[]) => {
        calls.push({ method: m, args });
        if (m === 'syncNow' && args[0] === 'mail') throw new Error('the e-mail archive is not available');
        return { ok: true, method: m };
      }),
    ]),
  ) as unknown as AppApi;
  return { api, calls };
}

describe('ipc dispatcher', () => {
  it('valid calls reach the controller with the parsed arguments', async () => {
    const { api, calls } = spyApi();
    const d = createDispatcher(api);
    await expect(d('syncNow', ['calendar'])).resolves.toEqual({ ok: true, method: 'syncNow' });
    await d('getState', []);
    await d('setSecret', ['abraPassword', 'x']);
    expect(calls).toEqual([
      { method: 'syncNow', args: ['calendar'] },
      { method: 'getState', args: [] },
      { method: 'setSecret', args: ['abraPassword', 'x'] },
    ]);
  });

  it.each([
    ['unknown method', '__proto__', [], /^unknownMethod: /],
    ['unknown method 2', 'constructor', [], /^unknownMethod: /],
    ['not a string', 42, [], /^unknownMethod: /],
    ['bad part', 'syncNow', ['everything'], /^invalidArguments: syncNow: /],
    ['reading a secret', 'setSecret', ['graphTokenCache', 'x'], /^invalidArguments: /],
    ['too many args', 'getState', [1], /^invalidArguments: /],
    ['wrong type', 'flipConflict', ['1'], /^invalidArguments: /],
    ['autodiscover without a text', 'autodiscover', [42], /^invalidArguments: /],
    ['huge where', 'validateWhere', ['firms', 'x'.repeat(5000)], /^invalidArguments: /],
    [
      'bad prefs',
      'savePreferences',
      [{ startAtLogin: 'yes', language: 'cs', notifications: true }],
      /^invalidArguments: /,
    ],
  ])('%s is rejected before any handler runs', async (_n, method, args, re) => {
    const { api, calls } = spyApi();
    await expect(createDispatcher(api)(method, args)).rejects.toThrow(re);
    expect(calls).toEqual([]);
  });

  it('a failing handler rejects with a plain message', async () => {
    const { api } = spyApi();
    await expect(createDispatcher(api)('syncNow', ['mail'])).rejects.toThrow(
      'failed: the e-mail archive is not available',
    );
  });

  it('registerIpc refuses calls from other senders', async () => {
    const { api, calls } = spyApi();
    let handler: ((e: unknown, ...a: unknown[]) => Promise<unknown>) | null = null;
    const ipcMain = {
      handle: (ch: string, fn: typeof handler) => {
        expect(ch).toBe(CALL_CHANNEL);
        handler = fn;
      },
      removeHandler: vi.fn(),
    };
    const off = registerIpc(ipcMain as never, api, (e) => (e as unknown as { ok: boolean }).ok);
    await expect(handler!({ ok: false }, 'getState')).rejects.toThrow(/sender not allowed/);
    expect(calls).toEqual([]);
    await expect(handler!({ ok: true }, 'status')).resolves.toMatchObject({ method: 'status' });
    off();
    expect(ipcMain.removeHandler).toHaveBeenCalledWith(CALL_CHANNEL);
  });
});
