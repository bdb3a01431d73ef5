/**
 * The time zones the lean writer names (./item-xml.ts), taken once per zone from ews-javascript-api's own table so
 * that the lean request says exactly what the library's did: the Windows id and the display name it writes as the
 * StartTimeZone/EndTimeZone `Name` and the TimeZoneContext's TimeZoneDefinition.
 */
import type { ews } from './ews-lib';
import type { ZoneXml } from './item-xml';
import { libraryZone } from './map-activity';

const cache = new Map<string, ZoneXml | null>();

/** The library's zone for a Windows zone id as the lean writer writes it; null when the library does not know it. */
export function zoneXmlOf(windowsZone: string | null): ZoneXml | null {
  if (!windowsZone) return null;
  let z = cache.get(windowsZone);
  if (z === undefined) {
    const tz = libraryZone(windowsZone) as ews.TimeZoneInfo | null;
    z = tz ? { id: String(tz.Id), name: String(tz.DisplayName) } : null;
    cache.set(windowsZone, z);
  }
  return z;
}
