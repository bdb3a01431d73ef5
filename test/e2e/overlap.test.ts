/**
 * The ABRA changed-since read overlaps its mark by 15 minutes (ABRA stamps creates on the full minute; late commits, a clock corrected by minutes), so an activity
 * the engine itself created from Outlook moments ago is read again on the next runs. That re-read must count as
 * unchanged: an idle run writes nothing, and deleting the Outlook item right away deletes the activity instead of
 * bringing the appointment back (the risk the security review saw with a wider overlap).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../world/harness';

describe.each(['ews', 'graph'] as const)('changed-since overlap over %s', (kind) => {
  let w: World;
  afterEach(async () => {
    await w?.stop();
  });
  const at = (days: number, hour: number) => {
    const d = new Date();
    d.setUTCDate(d.getUTCDate() + days);
    d.setUTCHours(hour, 0, 0, 0);
    return d.toISOString();
  };
  it('an Outlook appointment copied to ABRA and deleted within the overlap: idle run writes nothing, then the activity goes', async () => {
    w = await startWorld({ exchange: kind });
    const s = await w.service();
    await w.run(s, 'calendar');
    const id = w.outlook.createAppointment({ subject: 'Rychlá schůzka', start: at(3, 9), end: at(3, 10) });
    const r1 = (await w.run(s, 'calendar')).calendar!;
    expect(r1.counts.abra.created).toBe(1);
    const idle = (await w.run(s, 'calendar')).calendar!;
    expect(idle.counts).toMatchObject({
      abra: { created: 0, updated: 0, deleted: 0 },
      exchange: { created: 0, updated: 0, deleted: 0 },
    });
    w.outlook.remove(id);
    const r3 = (await w.run(s, 'calendar')).calendar!;
    expect(r3.counts.abra.deleted).toBe(1);
    expect(r3.counts.exchange.created).toBe(0);
    expect(w.outlook.appointments().filter((a) => a.subject === 'Rychlá schůzka')).toHaveLength(0);
  });
});
