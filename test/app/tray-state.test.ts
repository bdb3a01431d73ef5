import { describe, expect, it } from 'vitest';
import { trayIcon, trayModel } from '../../src-main/app/tray-state';
import { part, run, status } from './status-fixtures';

const now = new Date('2026-11-25T12:00:00.000Z');

describe('tray state', () => {
  it('icon: syncing beats error beats paused beats idle; no status = not set up (neutral)', () => {
    expect(trayIcon(null)).toBe('setup'); // not set up yet: neutral, not red
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
    // one line per part: a failing part is not hidden behind another's success
    expect(m.tooltip.replace(/\d\d:\d\d/g, 'HH:MM')).toBe(
      'ABRA Gen Exchange Sync\nSyncing…\nAddress book: OK HH:MM\nCalendar: running\nE-mail archive: not run yet',
    );
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
    expect(m.tooltip).toContain('Archiv e-mailů: některé položky selhaly');
    const none = trayModel(null, { now });
    expect(none.tooltip).toBe('ABRA Gen Exchange Sync\nNot set up yet — open Settings');
    expect(none.menu[0]).toMatchObject({ id: 'syncNow', enabled: false });
    expect(none.menu.some((i) => i.type === 'item' && i.id === 'pause')).toBe(false);
  });
});

describe('tray: a part that keeps failing is seen (issue #18 item 5)', () => {
  const at = new Date('2026-11-24T12:00:00Z');
  it('amber for items failing in two runs in a row; the tooltip names the failing part and its last success', () => {
    const warn = trayModel(
      status([
        part('addressBook', { lastRun: run('addressBook', 'ok') }),
        part('tasks', { lastRun: run('tasks', 'partial'), partialStreak: 2 }),
      ]),
      { now: at, lang: 'cs' },
    );
    expect(warn.icon).toBe('warning');
    expect(warn.tooltip).toContain('Některé položky se opakovaně nedaří');
    const failing = trayModel(
      status([
        part('addressBook', { lastRun: run('addressBook', 'ok') }),
        part('calendar', {
          lastRun: run('calendar', 'failed', { errorKind: 'auth' }),
          lastSuccessAt: '2026-11-24T09:05:00Z',
          failureStreak: 4,
          attention: { kind: 'auth', message: 'x' },
        }),
      ]),
      { now: at, lang: 'cs' },
    );
    expect(failing.icon).toBe('error');
    expect(failing.tooltip).toMatch(/Kalendář: selhává; naposledy OK \d\d:05/);
    expect(failing.tooltip).toMatch(/Adresář: OK .*\d\d:\d\d/);
  });

  it('Czech plural of the changes in the menu: 1 změna, 3 změny, 7 změn', () => {
    for (const [n, word] of [
      [1, 'změna'],
      [3, 'změny'],
      [7, 'změn'],
    ] as const) {
      const counts = {
        abra: { created: 0, updated: 0, deleted: 0 },
        exchange: { created: n, updated: 0, deleted: 0 },
        unlinked: 0,
        conflicts: 0,
        failed: 0,
        examined: n,
      };
      const m = trayModel(status([part('calendar', { lastRun: run('calendar', 'ok', { counts }) })]), {
        now: at,
        lang: 'cs',
      });
      expect(m.menu.some((i) => i.type === 'item' && i.label.includes(`(${n} ${word})`))).toBe(true);
    }
  });

  it('e-mails waiting for their firm: a tooltip line, a menu line that opens their page, and the badge count (issue #18 item 10)', () => {
    const mail = (n: number, over = {}) =>
      part('mail', { lastRun: run('mail', 'ok'), lastSuccessAt: now.toISOString(), unassigned: n, ...over });
    const book = part('addressBook', { lastRun: run('addressBook', 'ok') });
    for (const [n, text] of [
      [1, '1 e-mail čeká na přiřazení'],
      [3, '3 e-maily čekají na přiřazení'],
      [12, '12 e-mailů čeká na přiřazení'],
    ] as const) {
      const m = trayModel(status([book, mail(n)]), { now, lang: 'cs' });
      expect(m.tooltip.split('\n')).toContain(text);
      expect(m.menu).toContainEqual({ type: 'item', id: 'unassigned', label: text, enabled: true });
      expect(m.badge).toBe(n);
      expect(m.icon).toBe('idle'); // waiting mail is work for the user, not an error
    }
    const en = trayModel(status([mail(2)]), { now, lang: 'en' });
    expect(en.tooltip).toContain('2 e-mails wait for their firm');
    expect(trayModel(status([mail(1)]), { now, lang: 'en' }).tooltip).toContain(
      '1 e-mail waits for its firm',
    );
    // none waiting, or the archive off: no line and no badge
    for (const m of [
      trayModel(status([book, mail(0)]), { now, lang: 'cs' }),
      trayModel(status([book, mail(4, { enabled: false })]), { now, lang: 'cs' }),
    ]) {
      expect(m.tooltip).not.toContain('přiřazení');
      expect(m.menu.some((i) => i.type === 'item' && i.id === 'unassigned')).toBe(false);
      expect(m.badge).toBe(0);
    }
    // the badge counts the parts that need the user too (a decision, a preview)
    const waiting = part('calendar', { awaitingApproval: true });
    const massDelete = part('tasks', {
      lastRun: run('tasks', 'needsConfirmation'),
      attention: { kind: 'massDelete', message: 'm' },
    });
    expect(trayModel(status([waiting, massDelete, mail(2)]), { now, lang: 'cs' }).badge).toBe(4);
    expect(trayModel(null, { lang: 'cs' }).badge).toBe(0);
  });
});
