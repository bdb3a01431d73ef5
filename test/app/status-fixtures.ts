/** Small builders of engine statuses for the tray and notification tests. */
import type { PartStatus, RunSummary, SchedulerStatus } from '../../src-main/sync/api';
import type { PartName } from '../../src-main/sync/config';

export function run(
  part: PartName,
  result: RunSummary['result'],
  over: Partial<RunSummary> = {},
): RunSummary {
  const z = { created: 0, updated: 0, deleted: 0 };
  return {
    runId: 1,
    part,
    startedAt: '2026-11-25T09:00:00.000Z',
    finishedAt: '2026-11-25T09:00:05.000Z',
    result,
    counts: { abra: { ...z }, exchange: { ...z }, unlinked: 0, conflicts: 0, failed: 0, examined: 0 },
    failures: [],
    dryRun: false,
    ...over,
  };
}

export function part(name: PartName, over: Partial<PartStatus> = {}): PartStatus {
  return {
    part: name,
    enabled: true,
    direction: name === 'mail' ? 'exchangeToAbra' : 'both',
    running: false,
    failureStreak: 0,
    ...over,
  };
}

export function status(parts: PartStatus[], over: Partial<SchedulerStatus> = {}): SchedulerStatus {
  return { paused: false, online: true, parts, ...over };
}
