/** Graph's date-time text over the shared time-zone arithmetic (../../shared/zone-time.ts). */
import { utcToLocal } from '../../shared/zone-time';

export { ianaZone, localToUtc, offsetMs, utcToLocal } from '../../shared/zone-time';

/** Graph's dateTimeTimeZone text: 7 fractional digits, no offset. */
export function graphDateTime(ms: number, tz = 'UTC'): string {
  return `${utcToLocal(ms, tz)}0000`;
}
