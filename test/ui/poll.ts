/**
 * Waiting assertions for Playwright locators under Vitest (the `playwright` package has no `expect`; the
 * @playwright/test runner is not used here). Each polls until the condition holds or fails with what it last saw.
 */
import type { Locator } from 'playwright';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function poll<T>(
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeout = 20_000,
): Promise<T> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    try {
      last = await get();
      error = undefined;
      if (ok(last)) return last;
    } catch (e) {
      error = e;
    }
    if (Date.now() > end) {
      const seen = error
        ? `error: ${(error as Error).message.split('\n')[0]}`
        : `saw ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; ${seen}`);
    }
    await sleep(100);
  }
}

const matches = (text: string, want: string | RegExp) =>
  typeof want === 'string' ? text.includes(want) : want.test(text);

export function containsText(loc: Locator, want: string | RegExp, timeout?: number) {
  return poll(
    async () => (await loc.textContent({ timeout: 1000 })) ?? '',
    (t) => matches(t.replace(/\s+/g, ' '), want),
    `${loc} to contain ${String(want)}`,
    timeout,
  );
}

export function hasText(loc: Locator, want: string, timeout?: number) {
  return poll(
    async () => ((await loc.textContent({ timeout: 1000 })) ?? '').trim(),
    (t) => t === want,
    `${loc} to have text ${want}`,
    timeout,
  );
}

export function hasValue(loc: Locator, want: string, timeout?: number) {
  return poll(
    () => loc.inputValue({ timeout: 1000 }),
    (v) => v === want,
    `${loc} to have value ${want}`,
    timeout,
  );
}

export function isDisabled(loc: Locator, want = true, timeout?: number) {
  return poll(
    () => loc.isDisabled({ timeout: 1000 }),
    (v) => v === want,
    `${loc} to be ${want ? 'disabled' : 'enabled'}`,
    timeout,
  );
}

export function countIsNot(loc: Locator, n: number, timeout?: number) {
  return poll(
    () => loc.count(),
    (c) => c !== n,
    `${loc} to have a count other than ${n}`,
    timeout,
  );
}

export function visible(loc: Locator, timeout?: number) {
  return loc.waitFor({ state: 'visible', ...(timeout ? { timeout } : {}) });
}
