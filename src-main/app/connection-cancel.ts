/**
 * Connection tests that can be cancelled and have a deadline (Connections page): one test per side at a time, each
 * with an AbortController whose signal goes into the ABRA client, the EWS transport or the Graph transport. Cancel
 * (or the deadline) aborts the requests themselves — the socket is closed at once — so the other side's test, or a
 * new test of the same side, does not wait for a server that never answers.
 */
import type { ConnectionSide, ConnectionTestResult } from './ipc-contract';

export type TestEnd = 'timeout' | 'cancelled';

export class ConnectionTests {
  private readonly running = new Map<ConnectionSide, AbortController>();

  /**
   * Run a test of `side` with a signal; it answers within `ms` whatever the server does. A new test of the same
   * side aborts the one before. `ended` gives the answer for a deadline or a cancel.
   */
  async run(
    side: ConnectionSide,
    ms: number,
    test: (signal: AbortSignal) => Promise<ConnectionTestResult>,
    ended: (why: TestEnd) => ConnectionTestResult,
  ): Promise<ConnectionTestResult> {
    this.running.get(side)?.abort(new CancelledTest('cancelled'));
    const ac = new AbortController();
    this.running.set(side, ac);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = new Promise<ConnectionTestResult>((resolve) => {
      const onAbort = () => {
        const r = ac.signal.reason;
        resolve(ended(r instanceof CancelledTest ? r.why : 'cancelled'));
      };
      if (ac.signal.aborted) onAbort();
      else ac.signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => ac.abort(new CancelledTest('timeout')), ms);
    });
    const work = test(ac.signal);
    work.catch(() => undefined); // an aborted test's own rejection is not an unhandled one
    try {
      return await Promise.race([work, stopped]);
    } finally {
      clearTimeout(timer);
      if (this.running.get(side) === ac) this.running.delete(side);
      // whatever still runs of this test (a retry, a second request) stops now
      if (!ac.signal.aborted) ac.abort(new CancelledTest('cancelled'));
    }
  }

  /** Cancel the running test of `side`; false when none runs. */
  cancel(side: ConnectionSide): boolean {
    const ac = this.running.get(side);
    if (!ac) return false;
    this.running.delete(side);
    ac.abort(new CancelledTest('cancelled'));
    return true;
  }

  /** Abort every running test (the app is closing). */
  cancelAll(): void {
    for (const side of [...this.running.keys()]) this.cancel(side);
  }

  isRunning(side: ConnectionSide): boolean {
    return this.running.has(side);
  }
}

/** The reason of an aborted test's signal. */
export class CancelledTest extends Error {
  constructor(readonly why: TestEnd) {
    super(
      why === 'timeout' ? 'the connection test did not answer in time' : 'the connection test was cancelled',
    );
    this.name = 'CancelledTest';
  }
}
