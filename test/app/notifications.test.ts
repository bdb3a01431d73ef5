import { describe, expect, it } from 'vitest';
import { NotificationTracker } from '../../src-main/app/notifications';
import { part, run, status } from './status-fixtures';

describe('notifications once per problem', () => {
  it('a part that starts failing notifies once; recovery re-arms it', () => {
    const t = new NotificationTracker('en');
    const failing = part('calendar', {
      lastRun: run('calendar', 'failed', { errorKind: 'validation', message: 'ABRA refused the activity' }),
      failureStreak: 1,
      attention: { kind: 'error', message: 'ABRA refused the activity' },
    });
    expect(t.update(status([failing]))).toEqual([
      {
        key: 'calendar:error',
        part: 'calendar',
        kind: 'error',
        title: 'Calendar: sync is failing',
        body: 'ABRA refused the activity',
        page: 'overview',
      },
    ]);
    expect(t.update(status([{ ...failing, failureStreak: 2 }]))).toEqual([]);
    expect(t.update(status([{ ...failing, failureStreak: 3 }]))).toEqual([]);
    expect(t.update(status([part('calendar', { lastRun: run('calendar', 'ok') })]))).toEqual([]);
    expect(t.update(status([failing]))).toHaveLength(1);
  });

  it('a different problem of the same part notifies again; mass delete and expired password are their own', () => {
    const t = new NotificationTracker('cs');
    const md = part('addressBook', {
      attention: { kind: 'massDelete', message: 'This run would delete 40 of 100 synced items in Exchange.' },
    });
    const auth = part('mail', { attention: { kind: 'auth', message: 'ABRA rejected the login' } });
    const out = t.update(status([md, auth]));
    expect(out.map((n) => n.title)).toEqual([
      'Adresář: potvrďte mazání',
      'Archiv e-mailů: přihlaste se znovu',
    ]);
    expect(t.update(status([md, auth]))).toEqual([]);
    const nowError = {
      ...md,
      attention: { kind: 'error' as const, message: 'x' },
      lastRun: run('addressBook', 'aborted'),
    };
    expect(t.update(status([nowError, auth])).map((n) => n.key)).toEqual(['addressBook:error']);
  });

  it("says the engine's recorded sentence in the notification's language, the English words otherwise", () => {
    const md = part('calendar', {
      attention: {
        kind: 'massDelete',
        message:
          'This run would delete 12 of 40 synced items in ABRA. Nothing was changed; confirm to continue.',
        note: { key: 'run.massDelete', params: { count: 12, total: 40, side: 'ABRA' } },
      },
    });
    const [cs] = new NotificationTracker('cs').update(status([md]));
    expect(cs?.body).toBe(
      'Tento běh by smazal 12 z 40 synchronizovaných položek v ABRA. Nic se nezměnilo; pro pokračování smazání potvrďte.',
    );
    const [en] = new NotificationTracker('en').update(status([md]));
    expect(en?.body).toBe(md.attention?.message);
  });

  it('one network hiccup is not worth a notification, a repeated one is; disabled parts are quiet', () => {
    const t = new NotificationTracker();
    const net = (streak: number) =>
      part('tasks', {
        lastRun: run('tasks', 'failed', { errorKind: 'unreachable' }),
        failureStreak: streak,
        attention: { kind: 'error', message: 'ABRA server abra:443 is unreachable' },
      });
    expect(t.update(status([net(1)]))).toEqual([]);
    expect(t.update(status([net(2)]))).toHaveLength(1);
    const t2 = new NotificationTracker();
    expect(t2.update(status([{ ...net(5), enabled: false }]))).toEqual([]);
  });
});

describe('notifications that help (issue #18 item 5)', () => {
  it('a click opens the page where the problem is dealt with', () => {
    const t = new NotificationTracker('cs');
    const notices = t.update(
      status([
        part('calendar', { attention: { kind: 'auth', message: 'x', note: { key: 'run.exchangeAuth' } } }),
        part('mail', { attention: { kind: 'config', message: 'x' } }),
        part('addressBook', { attention: { kind: 'massDelete', message: 'x' } }),
      ]),
    );
    expect(notices.map((n) => `${n.part}:${n.page}`)).toEqual([
      'calendar:connections',
      'mail:mail',
      'addressBook:overview',
    ]);
    expect(notices[0]?.body).toContain('Zadejte ho znovu');
  });

  it('items that keep failing: one warning after the second run in a row, none while they succeed again', () => {
    const t = new NotificationTracker('cs');
    const partial = (streak: number) =>
      part('tasks', {
        lastRun: run('tasks', 'partial', {
          failures: [{ part: 'tasks', side: 'abra', name: 'Úkol', reason: 'x', at: '2026-11-24T08:00:00Z' }],
        }),
        partialStreak: streak,
      });
    expect(t.update(status([partial(1)]))).toEqual([]);
    const [n] = t.update(status([partial(2)]));
    expect(n).toMatchObject({
      kind: 'warning',
      page: 'overview',
      title: 'Úkoly: některé položky se opakovaně nedaří',
    });
    expect(n?.body).toContain('1 položka se opakovaně nepodařilo');
    expect(t.update(status([partial(3)]))).toEqual([]);
    expect(t.update(status([part('tasks', { lastRun: run('tasks', 'ok'), partialStreak: 0 })]))).toEqual([]);
    expect(t.update(status([partial(2)]))).toHaveLength(1);
  });
});
