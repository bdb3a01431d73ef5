import { defineConfig } from 'vitest/config';

// The tests run in a time zone that is neither UTC nor the users' own (Europe/Prague) unless the caller sets one:
// an instant handled as local time, or a date cut in the wrong zone, then fails here instead of only on a user's PC.
// A default, not an override: `TZ=Europe/Prague npm test` still runs in Prague.
process.env.TZ ??= 'America/Chicago';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores on CI: keep parallelism modest so that emulator-backed tests do not starve each other.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
