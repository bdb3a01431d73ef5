/**
 * The test bridge itself (no browser): it serves the renderer with the bridge script injected, refuses paths outside
 * the build, and runs every call through the contract's checkCall before the real controller sees it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../src-main/app/controller';
import type { AppEvent } from '../../src-main/app/ipc-contract';
import { BRIDGE_SCRIPT, type BridgeServer, startBridgeServer } from './bridge-server';
import { startUiBackends, type UiBackends } from './ui-deps';

describe('renderer test bridge', () => {
  let backends: UiBackends;
  let controller: Controller;
  let bridge: BridgeServer;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-bridge-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(
      path.join(root, 'index.html'),
      '<!doctype html><html><head><script type="module" src="./assets/app.js"></script></head><body></body></html>',
    );
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1);');
    backends = await startUiBackends({ exchange: 'memory' });
    controller = await createController(backends.deps());
    bridge = await startBridgeServer({ rootDir: root, controller });
  });

  afterAll(async () => {
    await bridge?.stop();
    await controller?.dispose();
    await backends?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const call = (body: unknown) =>
    fetch(new URL('call', bridge.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('serves the build with the bridge script first in <head>, as a same-origin file', async () => {
    const html = await (await fetch(bridge.url)).text();
    expect(html.indexOf('<script src="/__bridge.js"></script>')).toBeGreaterThan(0);
    expect(html.indexOf('/__bridge.js')).toBeLessThan(html.indexOf('./assets/app.js'));
    const js = await fetch(new URL('__bridge.js', bridge.url));
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toBe(BRIDGE_SCRIPT);
    const asset = await fetch(new URL('assets/app.js', bridge.url));
    expect(asset.status).toBe(200);
  });

  it('refuses paths outside the build folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../x']) {
      const res = await fetch(`${bridge.url.replace(/\/$/, '')}${p}`);
      expect([403, 404]).toContain(res.status);
    }
  });

  it('checks every call against the contract before the controller runs it', async () => {
    const bad = await call({ method: 'setSecret', args: ['abraPassword', 5] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { kind: string } }).error.kind).toBe('invalidArguments');
    expect((await controller.getState()).secrets.abraPassword).toBe(false);

    const unknown = await call({ method: 'constructor', args: [] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { kind: string } }).error.kind).toBe('unknownMethod');

    const notJson = await fetch(new URL('call', bridge.url), { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);

    const ok = await call({ method: 'setSecret', args: ['abraPassword', 'pw'] });
    expect(ok.status).toBe(200);
    const state = ((await ok.json()) as { result: { secrets: { abraPassword: boolean } } }).result;
    expect(state.secrets.abraPassword).toBe(true);
    expect(JSON.stringify(state)).not.toContain('"pw"');
  });

  it('answers a failing call with its message, and streams the controller events', async () => {
    const events: AppEvent[] = [];
    const ac = new AbortController();
    const res = await fetch(new URL('events', bridge.url), { signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const reading = (async () => {
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buf += new TextDecoder().decode(value);
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (chunk.startsWith('data: ')) events.push(JSON.parse(chunk.slice(6)) as AppEvent);
        }
      }
    })();
    // Nothing is configured: the engine cannot sync, and says why.
    const failed = await call({ method: 'syncNow', args: [] });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { message: string } }).error.message).toMatch(/connections/i);

    await call({
      method: 'savePreferences',
      args: [{ startAtLogin: false, language: 'cs', notifications: true }],
    });
    const deadline = Date.now() + 5000;
    while (!events.some((e) => e.type === 'state' && e.state.locale === 'cs') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(events.some((e) => e.type === 'state' && e.state.locale === 'cs')).toBe(true);
    ac.abort();
    await reading;
  });
});
