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
