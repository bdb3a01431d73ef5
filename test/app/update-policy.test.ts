/**
 * The update decisions (src-main/app/update-policy.ts): on/off and feed from the admin policy, when to check, how
 * electron-updater's events move the update along, install on quit / "Restart to update" never during a sync, and
 * the tray lines. Plus the policy file's `updates` section (policy.ts parseUpdatesPolicy).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, parseUpdatesPolicy } from '../../src-main/app/policy';
import { trayModel } from '../../src-main/app/tray-state';
import {
  FIRST_CHECK_DELAY_MS,
  INITIAL_PHASE,
  installOnQuit,
  isPerMachineInstall,
  nextCheckIn,
  nextPhase,
  RETRY_AFTER_ERROR_MS,
  restartDecision,
  type UpdateAvailability,
  type UpdateEnvironment,
  type UpdatePhase,
  type UpdaterEvent,
  updateAvailability,
  withUpdate,
} from '../../src-main/app/update-policy';
import { repoRoot } from '../helpers/env';

const H = 3_600_000;
const env = (o: Partial<UpdateEnvironment> = {}): UpdateEnvironment => ({
  policy: undefined,
  packaged: true,
  platform: 'win32',
  hasBuiltInFeed: true,
  ...o,
});

describe('updateAvailability', () => {
  it('a packaged Windows/macOS app with its built-in feed checks every 6 hours', () => {
    expect(updateAvailability(env())).toEqual({
      enabled: true,
      feed: { kind: 'builtIn' },
      intervalMs: 6 * H,
    });
    expect(updateAvailability(env({ platform: 'darwin' })).enabled).toBe(true);
  });

  it('the admin switches updates off, or points them at another feed with another interval', () => {
    expect(updateAvailability(env({ policy: { enabled: false, feedUrl: 'https://u.firma.cz/' } }))).toEqual({
      enabled: false,
      reason: 'policy',
    });
    expect(
      updateAvailability(
        env({
          hasBuiltInFeed: false,
          policy: { feedUrl: 'https://u.firma.cz/abra/', checkIntervalHours: 24 },
        }),
      ),
    ).toEqual({
      enabled: true,
      feed: { kind: 'generic', url: 'https://u.firma.cz/abra/' },
      intervalMs: 24 * H,
    });
  });

  it('a per-machine Windows install (Program Files: /allusers, MSI) updates only when the policy enables it', () => {
    expect(updateAvailability(env({ perMachine: true }))).toEqual({ enabled: false, reason: 'perMachine' });
    expect(updateAvailability(env({ perMachine: true, policy: { feedUrl: 'https://u.firma.cz/' } }))).toEqual(
      {
        enabled: false,
        reason: 'perMachine',
      },
    );
    expect(updateAvailability(env({ perMachine: true, policy: { enabled: true } })).enabled).toBe(true);
    const pf = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)' };
    expect(
      isPerMachineInstall('C:\\Program Files\\ABRA Gen Exchange Sync\\ABRA Gen Exchange Sync.exe', pf),
    ).toBe(true);
    expect(isPerMachineInstall('c:/program files (x86)/ABRA Gen Exchange Sync/x.exe', pf)).toBe(true);
    expect(
      isPerMachineInstall('C:\\Users\\jan\\AppData\\Local\\Programs\\ABRA Gen Exchange Sync\\x.exe', pf),
    ).toBe(false);
    expect(isPerMachineInstall('C:\\Program Files Evil\\x.exe', pf)).toBe(false);
    expect(isPerMachineInstall('C:\\Program Files\\x.exe', {})).toBe(false);
  });

  it('never in development, without any feed, or for a Linux deb (the package manager updates it)', () => {
    expect(updateAvailability(env({ packaged: false }))).toEqual({ enabled: false, reason: 'notPackaged' });
    expect(updateAvailability(env({ hasBuiltInFeed: false }))).toEqual({ enabled: false, reason: 'noFeed' });
    expect(updateAvailability(env({ platform: 'linux' }))).toEqual({ enabled: false, reason: 'unsupported' });
    expect(updateAvailability(env({ platform: 'linux', appImage: true })).enabled).toBe(true);
  });
});

describe('nextPhase (electron-updater events)', () => {
  const run = (events: UpdaterEvent[], from: UpdatePhase = INITIAL_PHASE) =>
    events.reduce((p, e, i) => nextPhase(p, e, 1000 + i), from);

  it('check → available → progress → downloaded is ready with that version', () => {
    expect(run([{ type: 'checking-for-update' }])).toEqual({ kind: 'checking' });
    expect(
      run([
        { type: 'checking-for-update' },
        { type: 'update-available', version: '0.2.0' },
        { type: 'download-progress', percent: 41.6 },
      ]),
    ).toEqual({ kind: 'downloading', version: '0.2.0', percent: 42 });
    expect(
      run([
        { type: 'checking-for-update' },
        { type: 'update-available', version: '0.2.0' },
        { type: 'update-downloaded', version: '0.2.0' },
      ]),
    ).toEqual({ kind: 'ready', version: '0.2.0' });
  });

  it('nothing new records when it checked; a failed check or a failed sha512/signature check is an error', () => {
    expect(run([{ type: 'checking-for-update' }, { type: 'update-not-available' }])).toEqual({
      kind: 'idle',
      lastCheck: 1001,
    });
    expect(
      run([
        { type: 'update-available', version: '0.2.0' },
        { type: 'error', message: 'sha512 checksum mismatch' },
      ]),
    ).toEqual({ kind: 'error', message: 'sha512 checksum mismatch', at: 1001 });
  });

  it('a ready update stays ready whatever later checks say; progress outside a download changes nothing', () => {
    const ready: UpdatePhase = { kind: 'ready', version: '0.2.0' };
    for (const e of [
      { type: 'checking-for-update' },
      { type: 'update-not-available' },
      { type: 'error', message: 'offline' },
      { type: 'download-progress', percent: 50 },
    ] as UpdaterEvent[])
      expect(nextPhase(ready, e, 5)).toBe(ready);
    expect(nextPhase(INITIAL_PHASE, { type: 'download-progress', percent: 50 }, 5)).toBe(INITIAL_PHASE);
    expect(nextPhase(ready, { type: 'update-downloaded', version: '0.3.0' }, 5)).toEqual({
      kind: 'ready',
      version: '0.3.0',
    });
  });
});

describe('nextCheckIn', () => {
  const startedAt = 1_000_000;
  const intervalMs = 6 * H;

  it('first check a few minutes after start, then every interval after the last one', () => {
    expect(nextCheckIn(INITIAL_PHASE, { now: startedAt, startedAt, intervalMs })).toBe(FIRST_CHECK_DELAY_MS);
    expect(
      nextCheckIn(INITIAL_PHASE, { now: startedAt + FIRST_CHECK_DELAY_MS + 5, startedAt, intervalMs }),
    ).toBe(0);
    const idle: UpdatePhase = { kind: 'idle', lastCheck: startedAt + 10 * 60_000 };
    expect(nextCheckIn(idle, { now: startedAt + 20 * 60_000, startedAt, intervalMs })).toBe(
      intervalMs - 10 * 60_000,
    );
  });

  it('after an error: again after an hour (or the interval, if shorter)', () => {
    const err: UpdatePhase = { kind: 'error', message: 'offline', at: startedAt };
    expect(nextCheckIn(err, { now: startedAt, startedAt, intervalMs })).toBe(RETRY_AFTER_ERROR_MS);
    expect(nextCheckIn(err, { now: startedAt, startedAt, intervalMs: H / 2 })).toBe(H / 2);
  });

  it('no check while one runs, while downloading, or once an update is ready', () => {
    for (const p of [
      { kind: 'checking' },
      { kind: 'downloading', version: '1.0.0', percent: 3 },
      { kind: 'ready', version: '1.0.0' },
    ] as UpdatePhase[])
      expect(nextCheckIn(p, { now: startedAt * 9, startedAt, intervalMs })).toBeNull();
  });
});

describe('installing', () => {
  const ready: UpdatePhase = { kind: 'ready', version: '0.2.0' };
  const on: UpdateAvailability = { enabled: true, feed: { kind: 'builtIn' }, intervalMs: H };

  it('"Restart to update" installs now only when no sync runs, else waits for its end', () => {
    expect(restartDecision(ready, false)).toBe('installNow');
    expect(restartDecision(ready, true)).toBe('waitForSync');
    expect(restartDecision({ kind: 'downloading', version: '0.2.0', percent: 90 }, false)).toBe('nothing');
    expect(restartDecision(INITIAL_PHASE, false)).toBe('nothing');
  });

  it('on quit: a ready update installs, unless updates are off', () => {
    expect(installOnQuit(ready, on)).toBe(true);
    expect(installOnQuit({ kind: 'downloading', version: '0.2.0', percent: 99 }, on)).toBe(false);
    expect(installOnQuit(ready, { enabled: false, reason: 'policy' })).toBe(false);
  });
});

describe('withUpdate (the tray)', () => {
  const base = trayModel(null, { lang: 'en' });
  const ids = (m: typeof base) => m.menu.map((i) => (i.type === 'item' ? i.id : '-'));

  it('idle, checking and errors leave the tray as it is', () => {
    for (const p of [
      INITIAL_PHASE,
      { kind: 'checking' },
      { kind: 'error', message: 'x', at: 1 },
    ] as UpdatePhase[])
      expect(withUpdate(base, p, 'en')).toBe(base);
  });

  it('a ready update: an enabled "Restart to update" above Quit and a tooltip line', () => {
    const m = withUpdate(base, { kind: 'ready', version: '0.2.0' }, 'en');
    expect(ids(m).slice(-3)).toEqual(['installUpdate', '-', 'quit']);
    expect(m.menu.find((i) => i.type === 'item' && i.id === 'installUpdate')).toEqual({
      type: 'item',
      id: 'installUpdate',
      label: 'Restart to update to 0.2.0',
      enabled: true,
    });
    expect(m.tooltip).toBe(
      `${base.tooltip}\nUpdate 0.2.0 is ready — it installs when the app restarts or quits`,
    );
    expect(base.menu).toHaveLength(trayModel(null, { lang: 'en' }).menu.length); // the input is not changed
  });

  it('while a restart waits for a sync, and while downloading, the line is disabled; Czech', () => {
    const waiting = withUpdate(base, { kind: 'ready', version: '0.2.0' }, 'cs', { restartPending: true });
    const item = waiting.menu.find((i) => i.type === 'item' && i.id === 'installUpdate');
    expect(item).toMatchObject({
      enabled: false,
      label: 'Aktualizace 0.2.0 se nainstaluje po dokončení synchronizace',
    });
    const dl = withUpdate(base, { kind: 'downloading', version: '0.2.0', percent: 42 }, 'en');
    expect(dl.menu.find((i) => i.type === 'item' && i.id === 'installUpdate')).toMatchObject({
      enabled: false,
      label: 'Downloading update 0.2.0… 42 %',
    });
    expect(dl.tooltip).toBe(base.tooltip);
  });
});

describe('policy file: updates', () => {
  it('reads enabled, feedUrl (normalised to a folder URL) and checkIntervalHours', () => {
    expect(
      parsePolicy(
        { updates: { enabled: true, feedUrl: 'https://u.firma.cz/abra', checkIntervalHours: 12 } },
        'p.json',
      ).updates,
    ).toEqual({ enabled: true, feedUrl: 'https://u.firma.cz/abra/', checkIntervalHours: 12 });
    expect(parsePolicy({ updates: { enabled: false } }, 'p.json').updates).toEqual({ enabled: false });
    expect(parsePolicy({ locked: [] }, 'p.json').updates).toBeUndefined();
  });

  it.each([
    [[], /"updates" must be an object/],
    [{ enabled: 'no' }, /enabled must be true or false/],
    [{ feedUrl: 'http://u.firma.cz/' }, /feedUrl: update feed "http:\/\/u.firma.cz\/" must be an https URL/],
    [{ feedUrl: 7 }, /feedUrl must be a string/],
    [{ checkIntervalHours: 0 }, /from 1 to 168/],
    [{ checkIntervalHours: 2.5 }, /from 1 to 168/],
    [{ channel: 'beta' }, /unknown key "channel"/],
  ])('refuses updates %j', (updates, err) => {
    expect(() => parseUpdatesPolicy(updates, 'p.json')).toThrow(err);
    expect(() => parsePolicy({ updates }, 'p.json')).toThrow(/admin policy p.json/);
  });
});

describe('docs/app.md', () => {
  it('the policy for 30 salespeople is a valid policy that switches updates off', () => {
    const md = readFileSync(path.join(repoRoot, 'docs', 'app.md'), 'utf8').replace(/\r\n/g, '\n');
    const block =
      /```json\n(\{\n {2}"\$comment": "ABRA Gen Exchange Sync for the sales team[\s\S]*?)```/.exec(md)?.[1];
    expect(block).toBeTruthy();
    const p = parsePolicy(JSON.parse(block!), 'docs/app.md');
    expect(p.updates).toEqual({ enabled: false });
    expect(p.locked).toContain('sync.abra.serverUrl');
  });
});
