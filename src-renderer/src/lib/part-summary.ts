import type { PartName } from '../../../src-main/app/ipc-contract';

/** The part in one line: on/off, direction, interval, what it covers ("Jen moje firmy, s osobami · 2 typy"). */
export function partSummary(
  part: PartName,
  cfg: Record<string, unknown> | undefined,
  t: (key: string, opts?: Record<string, unknown>) => string,
  names: (ids: string[]) => string[],
): string {
  if (cfg?.enabled !== true) return t('parts.summaryOff');
  const out = [
    t(`direction.${String(cfg.direction ?? (part === 'addressBook' ? 'abraToExchange' : 'both'))}`),
    t('parts.summaryEvery', { count: Number(cfg.intervalMinutes ?? 15) }),
  ];
  if (part === 'addressBook') {
    out.push(t(cfg.onlyMine === true ? 'parts.summaryMyFirms' : 'parts.summaryAllFirms'));
    if (cfg.includePersons !== false) out.push(t('parts.summaryPersons'));
  } else {
    const types = Array.isArray(cfg.activityTypeIds) ? (cfg.activityTypeIds as string[]) : [];
    if (!types.length) out.push(t('parts.summaryNoTypes'));
    else {
      const shown = names(types);
      out.push(shown.length <= 2 ? shown.join(', ') : t('parts.summaryTypes', { count: types.length }));
    }
    if (cfg.onlyMine !== false) out.push(t('parts.summaryMine'));
  }
  if (typeof cfg.where === 'string' && cfg.where.trim()) out.push(t('parts.summaryWhere'));
  return out.join(' · ');
}
