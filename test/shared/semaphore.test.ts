import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src-main/shared/semaphore';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Semaphore', () => {
  it('a newcomer at the very moment of a release does not slip past the waiter and the cap', async () => {
    const sem = new Semaphore(1);
    const a = await sem.acquire();
    const got: string[] = [];
    const b = sem.acquire().then((release) => {
      got.push('b');
      return release;
    });
    a();
    const c = sem.acquire().then((release) => {
      got.push('c');
      return release;
    });
    await tick();
    expect(got).toEqual(['b']);
    expect(sem.inUse).toBe(1);
    (await b)();
    (await c)();
    expect(got).toEqual(['b', 'c']);
    expect(sem.inUse).toBe(0);
  });

  it('never lets more than max run, even when a newcomer arrives as a slot is released', async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const job = async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    };
    const all: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      all.push(sem.run(job));
      // newcomers keep arriving while earlier jobs finish and hand over their slots
      if (i % 3 === 0) await tick();
    }
    await Promise.all(all);
    expect(peak).toBe(2);
    expect(sem.inUse).toBe(0);
  });

  it('serves waiters first come, first served, and a double release frees one slot only', async () => {
    const sem = new Semaphore(1);
    const order: number[] = [];
    const first = await sem.acquire();
    const waits = [1, 2, 3].map((n) =>
      sem.acquire().then((rel) => {
        order.push(n);
        return rel;
      }),
    );
    first();
    first();
    const r1 = await waits[0]!;
    expect(order).toEqual([1]);
    expect(sem.inUse).toBe(1);
    r1();
    (await waits[1]!)();
    (await waits[2]!)();
    expect(order).toEqual([1, 2, 3]);
    expect(sem.inUse).toBe(0);
  });

  it('refuses a cap below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
