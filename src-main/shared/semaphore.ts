/**
 * A counting semaphore that caps concurrent requests per server (ABRA, EWS, Graph). A released slot is handed
 * straight to the longest waiter, so a caller arriving at that moment cannot slip past the cap.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`a semaphore needs at least 1 slot, got ${max}`);
  }

  /** Wait for a slot; returns its release function (calling it twice releases once). */
  async acquire(): Promise<() => void> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Slots in use right now. */
  get inUse(): number {
    return this.active;
  }
}
