import { describe, expect, it } from 'vitest';
import { trayIcon, trayModel } from '../../src-main/app/tray-state';
import { part, run, status } from './status-fixtures';

const now = new Date('2026-11-25T12:00:00.000Z');

describe('tray state', () => {
  it('icon: syncing beats error beats paused beats idle; no status = not set up', () => {
    expect(trayIcon(null)).toBe('error');
    expect(trayIcon(status([part('calendar', { lastRun: run('calendar', 'ok') })]))).toBe('idle');
    expect(trayIcon(status([part('calendar')], { paused: true }))).toBe('paused');
    const needs = part('addressBook', {
      lastRun: run('addressBook', 'needsConfirmation'),
      attention: { kind: 'massDelete', message: 'm' },
    });
    expect(trayIcon(status([needs], { paused: true }))).toBe('error');
    expect(trayIcon(status([needs, part('calendar', { running: true })]))).toBe('syncing');
    // one network failure is not an error yet; three in a row are
    const net = (n: number) =>
      part('tasks', { lastRun: run('tasks', 'failed', { errorKind: 'timeout' }), failureStreak: n });
    expect(trayIcon(status([net(1)]))).toBe('idle');
    expect(trayIcon(status([net(3)]))).toBe('error');
    expect(trayIcon(status([part('tasks', { enabled: false, lastRun: run('tasks', 'failed') })]))).toBe(
      'idle',
    );
  });

  it('menu: Sync now, a line per enabled part with its last result, Pause, Settings…, Open log, Quit', () => {
    const m = trayModel(
      status([
        part('addressBook', {
          lastRun: run('addressBook', 'ok', {
            finishedAt: '2026-11-25T11:30:00.000Z',
            counts: {
              abra: { created: 0, updated: 1, deleted: 0 },
              exchange: { created: 2, updated: 0, deleted: 0 },
              unlinked: 0,
              conflicts: 0,
              failed: 0,
              examined: 3,
            },
          }),
          lastSuccessAt: '2026-11-25T11:30:00.000Z',
        }),
        part('calendar', {
          running: true,
          progress: { part: 'calendar', phase: 'writing', done: 3, total: 10 },
        }),
        part('tasks', { enabled: false }),
        part('mail'),
      ]),
      { now, lang: 'en' },
    );
    expect(m.icon).toBe('syncing');
    const labels = m.menu.map((i) => (i.type === 'item' ? `${i.id}|${i.label}|${i.enabled}` : '---'));
    expect(labels[0]).toBe('syncNow|Sync now|false'); // disabled while a part runs
    expect(labels.slice(2, 5).map((l) => l.split('|')[1]?.replace(/\d\d:\d\d/, 'HH:MM'))).toEqual([
      'Address book: OK (3 changes), HH:MM',
      'Calendar: running 3/10',
      'E-mail archive: not run yet',
    ]);
    expect(labels.slice(-5)).toEqual([
      'pause|Pause syncing|true',
      'settings|Settings…|true',
      'openLog|Open log|true',
      '---',
      'quit|Quit|true',
    ]);
    expect(m.tooltip).toMatch(/^ABRA Gen Exchange Sync\nSyncing…\nLast successful sync: \d\d:\d\d$/);
  });

  it('paused shows Resume; Czech labels; not set up points to Settings', () => {
    const m = trayModel(status([part('mail', { lastRun: run('mail', 'partial') })], { paused: true }), {
      now,
      lang: 'cs',
    });
    expect(m.icon).toBe('paused');
    expect(
      m.menu.some((i) => i.type === 'item' && i.id === 'resume' && i.label === 'Obnovit synchronizaci'),
    ).toBe(true);
    expect(
      m.menu.some((i) => i.type === 'item' && i.label.startsWith('Archiv e-mailů: některé položky selhaly')),
    ).toBe(true);
    expect(m.tooltip).toContain('Poslední úspěšná synchronizace: nikdy');
    const none = trayModel(null, { now });
    expect(none.tooltip).toBe('ABRA Gen Exchange Sync\nNot set up yet — open Settings');
    expect(none.menu[0]).toMatchObject({ id: 'syncNow', enabled: false });
    expect(none.menu.some((i) => i.type === 'item' && i.id === 'pause')).toBe(false);
  });
});
