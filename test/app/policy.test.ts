import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../src-main/app/controller';
import {
  applyPolicy,
  loadPolicy,
  lockedViolations,
  NO_POLICY,
  parsePolicy,
  policyCandidates,
} from '../../src-main/app/policy';
import { type Harness, startHarness } from './harness';

const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('policy file', () => {
  // security review: the per-user install folder is writable by the user, so the machine-wide file must win
  it('looks in the machine-wide place of each OS first, then next to the executable', () => {
    expect(policyCandidates({ exeDir: '/opt/app', platform: 'linux', env: {} })).toEqual([
      '/etc/abra-gen-exchange-sync/policy.json',
      '/opt/app/policy.json',
    ]);
    expect(
      policyCandidates({ exeDir: '/Applications/X.app/Contents/MacOS', platform: 'darwin', env: {} })[0],
    ).toBe('/Library/Application Support/ABRA Gen Exchange Sync/policy.json');
    expect(
      policyCandidates({ exeDir: 'C:\\Apps', platform: 'win32', env: { ProgramData: 'D:\\PD' } }),
    ).toEqual(['D:\\PD\\ABRA Gen Exchange Sync\\policy.json', 'C:\\Apps\\policy.json']);
  });

  it('loads the first file that exists, drops secrets, and names the problem of a broken one', () => {
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    writeFileSync(
      b,
      JSON.stringify({
        sync: { abra: { serverUrl: 'https://abra.firma.cz', password: 'leak' } },
        locked: ['sync.abra.serverUrl'],
      }),
    );
    const p = loadPolicy([a, b]);
    expect(p.source).toBe(b);
    expect(p.locked).toEqual(['sync.abra.serverUrl']);
    expect(JSON.stringify(p.values)).not.toContain('leak');
    expect(loadPolicy([a])).toEqual(NO_POLICY);
    writeFileSync(a, '{ nope');
    expect(() => loadPolicy([a, b])).toThrow(/admin policy .*a\.json is not valid JSON/);
    expect(() => parsePolicy({ locked: ['abra'] }, 'x')).toThrow(/dotted setting paths/);
    expect(() => parsePolicy({ lokced: [] }, 'x')).toThrow(/unknown key "lokced"/);
  });

  it('presets fill gaps, locked values always win', () => {
    const p = parsePolicy(
      {
        sync: {
          abra: { serverUrl: 'https://abra.firma.cz', connection: 'data' },
          parts: { mail: { enabled: false } },
        },
        locked: ['sync.abra.serverUrl', 'sync.parts.mail.enabled'],
      },
      'policy.json',
    );
    expect(applyPolicy('sync', null, p)).toEqual({
      abra: { serverUrl: 'https://abra.firma.cz', connection: 'data' },
      parts: { mail: { enabled: false } },
    });
    expect(
      applyPolicy(
        'sync',
        { abra: { serverUrl: 'https://evil', connection: 'mine' }, parts: { mail: { enabled: true } } },
        p,
      ),
    ).toEqual({
      abra: { serverUrl: 'https://abra.firma.cz', connection: 'mine' },
      parts: { mail: { enabled: false } },
    });
    expect(applyPolicy('sync', null, NO_POLICY)).toBeNull();
    expect(lockedViolations('sync', { abra: { serverUrl: 'https://evil' } }, null, p)).toEqual([
      {
        path: 'abra.serverUrl',
        message:
          "abra.serverUrl is locked by your administrator's policy (policy.json) and cannot be changed",
      },
    ]);
    expect(lockedViolations('sync', { abra: { serverUrl: 'https://abra.firma.cz' } }, null, p)).toEqual([]);
  });
});

describe('policy through the controller', () => {
  let h: Harness;
  let c: Controller | null = null;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await c?.dispose();
    c = null;
  });
  afterAll(async () => h?.stop());

  it('a locked field cannot be changed through saveSync; the state names the policy', async () => {
    h.reset();
    const server = `http://127.0.0.1:${h.abra.port}`;
    const file = path.join(dir, 'ctl', 'policy.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        sync: {
          abra: { serverUrl: server, connection: h.abra.connection },
          parts: { mail: { enabled: false } },
        },
        preferences: { notifications: true },
        locked: ['sync.abra.serverUrl', 'sync.parts.mail.enabled', 'preferences.notifications'],
      }),
    );
    c = await createController({ ...h.deps, policy: loadPolicy([file]) });
    const st = await c.getState();
    expect(st.policy).toEqual({
      source: file,
      locked: ['preferences.notifications', 'sync.abra.serverUrl', 'sync.parts.mail.enabled'],
      values: {
        sync: {
          abra: { serverUrl: server, connection: h.abra.connection },
          parts: { mail: { enabled: false } },
        },
        preferences: { notifications: true },
      },
    });

    const r = await c.saveSync(
      h.validConfig({ abra: { serverUrl: 'https://other:1', connection: 'demo', login: 'x' } }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toMatchObject({
        path: 'abra.serverUrl',
        message: expect.stringContaining('locked'),
      });
    expect((await c.getState()).sync).toBeNull();

    // without the locked fields the presets complete the configuration
    const cfg = h.validConfig();
    const { serverUrl: _drop, ...abraRest } = cfg.abra as Record<string, unknown>;
    const ok = await c.saveSync({ ...cfg, abra: abraRest });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.state.sync?.abra.serverUrl).toBe(server);

    const p = await c.savePreferences({ startAtLogin: false, language: 'auto', notifications: false });
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.issues[0]?.path).toBe('notifications');
  });
});
