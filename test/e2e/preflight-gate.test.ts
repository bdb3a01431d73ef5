/**
 * A part's first run that writes to ABRA waits until the preflight passed for it on that server (issue #13): a server
 * whose API description lacks a field the calendar writes stops the calendar before anything is written, names the
 * field in English and Czech, and leaves a read-only part alone; an admin can switch the gate off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { noteText } from '../../src-main/shared/messages';
import { startWorld, type World } from '../world/harness';

describe('preflight gate', () => {
  let w: World;
  afterEach(async () => {
    await w?.stop();
  });

  it('blocks the first writing run of a part the server cannot take; passes are remembered per server', async () => {
    w = await startWorld();
    w.abra.control.hideFromDocs('crmactivity.division_id');
    const activitiesBefore = w.abra.control.list('crmactivities').length;
    w.outlook.createAppointment({
      subject: 'Schůzka z Outlooku',
      start: new Date(Date.now() + 86400_000).toISOString(),
      end: new Date(Date.now() + 90000_000).toISOString(),
    });
    const s = await w.service((c) => {
      c.parts.tasks.enabled = false;
      c.parts.mail.enabled = false;
    });
    const r = await w.run(s);
    expect(r.addressBook?.result).toBe('ok'); // ABRA → Exchange only: no gate
    expect(r.calendar?.result).toBe('failed');
    expect(r.calendar?.note?.key).toBe('preflight.blocked');
    expect(r.calendar?.message).toContain('division_id');
    expect(noteText('cs', r.calendar?.note)).toContain('zatím do ABRA nezapisuje');
    expect(w.abra.control.list('crmactivities').length).toBe(activitiesBefore);
    expect(w.outlook.appointments().filter((a) => a.abraId).length).toBe(0);

    // the admin's override (policy file: safety.requirePreflight = false)
    const over = await w.service((c) => {
      c.parts.tasks.enabled = false;
      c.parts.mail.enabled = false;
      c.safety.requirePreflight = false;
    });
    const r2 = await w.run(over, 'calendar');
    expect(r2.calendar?.result).toBe('ok');
    expect(w.abra.control.list('crmactivities').length).toBe(activitiesBefore + 1);
  });
});
