// vitest.config.ts makes America/Chicago the default zone of every test worker (neither UTC nor the users' Prague),
// so a date handled in local time fails here rather than on a user's PC. This proves the default reaches the workers.
import { expect, it } from 'vitest';

it('the tests run in the zone vitest.config.ts sets (America/Chicago unless TZ was given)', () => {
  expect(process.env.TZ).toBeTruthy();
  expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(process.env.TZ);
  if (process.env.TZ === 'America/Chicago') {
    // 6 December: Central Standard Time, UTC−6
    expect(new Date('2026-12-06T12:00:00.000Z').getTimezoneOffset()).toBe(360);
  }
});
