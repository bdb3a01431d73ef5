/**
 * IANA → Windows time zone ids. Exchange (EWS `StartTimeZone`/`EndTimeZone`, Graph `originalStartTimeZone`) names
 * zones by their Windows id; the app's configuration uses IANA names (`Europe/Prague`). Source: the CLDR
 * windowsZones.xml mapping (territory "001" defaults plus every European zone).
 */
const IANA_TO_WINDOWS: Readonly<Record<string, string>> = {
  // Central Europe (CZ, SK, HU, SI, RS, ME, AL)
  'Europe/Prague': 'Central Europe Standard Time',
  'Europe/Bratislava': 'Central Europe Standard Time',
  'Europe/Budapest': 'Central Europe Standard Time',
  'Europe/Ljubljana': 'Central Europe Standard Time',
  'Europe/Belgrade': 'Central Europe Standard Time',
  'Europe/Podgorica': 'Central Europe Standard Time',
  'Europe/Tirane': 'Central Europe Standard Time',
  // Central European (PL, HR, BA, MK)
  'Europe/Warsaw': 'Central European Standard Time',
  'Europe/Zagreb': 'Central European Standard Time',
  'Europe/Sarajevo': 'Central European Standard Time',
  'Europe/Skopje': 'Central European Standard Time',
  // W. Europe
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Vienna': 'W. Europe Standard Time',
  'Europe/Zurich': 'W. Europe Standard Time',
  'Europe/Rome': 'W. Europe Standard Time',
  'Europe/Amsterdam': 'W. Europe Standard Time',
  'Europe/Stockholm': 'W. Europe Standard Time',
  'Europe/Oslo': 'W. Europe Standard Time',
  'Europe/Luxembourg': 'W. Europe Standard Time',
  'Europe/Monaco': 'W. Europe Standard Time',
  'Europe/Malta': 'W. Europe Standard Time',
  'Europe/Vaduz': 'W. Europe Standard Time',
  'Europe/San_Marino': 'W. Europe Standard Time',
  'Europe/Vatican': 'W. Europe Standard Time',
  'Europe/Andorra': 'W. Europe Standard Time',
  'Europe/Gibraltar': 'W. Europe Standard Time',
  'Europe/Busingen': 'W. Europe Standard Time',
  'Arctic/Longyearbyen': 'W. Europe Standard Time',
  // Romance
  'Europe/Paris': 'Romance Standard Time',
  'Europe/Brussels': 'Romance Standard Time',
  'Europe/Copenhagen': 'Romance Standard Time',
  'Europe/Madrid': 'Romance Standard Time',
  'Africa/Ceuta': 'Romance Standard Time',
  // GMT / UK / IE / PT
  'Europe/London': 'GMT Standard Time',
  'Europe/Dublin': 'GMT Standard Time',
  'Europe/Lisbon': 'GMT Standard Time',
  'Europe/Guernsey': 'GMT Standard Time',
  'Europe/Isle_of_Man': 'GMT Standard Time',
  'Europe/Jersey': 'GMT Standard Time',
  'Atlantic/Canary': 'GMT Standard Time',
  'Atlantic/Faroe': 'GMT Standard Time',
  'Atlantic/Madeira': 'GMT Standard Time',
  'Atlantic/Reykjavik': 'Greenwich Standard Time',
  'Atlantic/Azores': 'Azores Standard Time',
  // FLE / GTB / E. Europe
  'Europe/Helsinki': 'FLE Standard Time',
  'Europe/Kiev': 'FLE Standard Time',
  'Europe/Kyiv': 'FLE Standard Time',
  'Europe/Riga': 'FLE Standard Time',
  'Europe/Sofia': 'FLE Standard Time',
  'Europe/Tallinn': 'FLE Standard Time',
  'Europe/Vilnius': 'FLE Standard Time',
  'Europe/Mariehamn': 'FLE Standard Time',
  'Europe/Uzhgorod': 'FLE Standard Time',
  'Europe/Zaporozhye': 'FLE Standard Time',
  'Europe/Athens': 'GTB Standard Time',
  'Europe/Bucharest': 'GTB Standard Time',
  'Asia/Nicosia': 'GTB Standard Time',
  'Europe/Chisinau': 'E. Europe Standard Time',
  'Europe/Kaliningrad': 'Kaliningrad Standard Time',
  'Europe/Istanbul': 'Turkey Standard Time',
  'Europe/Minsk': 'Belarus Standard Time',
  'Europe/Moscow': 'Russian Standard Time',
  'Europe/Simferopol': 'Russian Standard Time',
  'Europe/Kirov': 'Russian Standard Time',
  // newer Windows ids (Volgograd, Saratov Standard Time) are unknown to older servers: same offsets
  'Europe/Volgograd': 'Russian Standard Time',
  'Europe/Samara': 'Russia Time Zone 3',
  'Europe/Astrakhan': 'Astrakhan Standard Time',
  'Europe/Saratov': 'Astrakhan Standard Time',
  'Europe/Ulyanovsk': 'Astrakhan Standard Time',
  // UTC
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
  'Etc/GMT': 'UTC',
  GMT: 'UTC',
  // Americas
  'America/New_York': 'Eastern Standard Time',
  'America/Chicago': 'Central Standard Time',
  'America/Denver': 'Mountain Standard Time',
  'America/Phoenix': 'US Mountain Standard Time',
  'America/Los_Angeles': 'Pacific Standard Time',
  'America/Anchorage': 'Alaskan Standard Time',
  'Pacific/Honolulu': 'Hawaiian Standard Time',
  'America/Toronto': 'Eastern Standard Time',
  'America/Vancouver': 'Pacific Standard Time',
  'America/Halifax': 'Atlantic Standard Time',
  'America/Mexico_City': 'Central Standard Time (Mexico)',
  'America/Bogota': 'SA Pacific Standard Time',
  'America/Lima': 'SA Pacific Standard Time',
  'America/Sao_Paulo': 'E. South America Standard Time',
  'America/Argentina/Buenos_Aires': 'Argentina Standard Time',
  'America/Buenos_Aires': 'Argentina Standard Time',
  'America/Santiago': 'Pacific SA Standard Time',
  // Africa / Middle East
  'Africa/Cairo': 'Egypt Standard Time',
  'Africa/Johannesburg': 'South Africa Standard Time',
  'Africa/Lagos': 'W. Central Africa Standard Time',
  'Africa/Nairobi': 'E. Africa Standard Time',
  'Africa/Casablanca': 'Morocco Standard Time',
  'Asia/Jerusalem': 'Israel Standard Time',
  'Asia/Dubai': 'Arabian Standard Time',
  'Asia/Riyadh': 'Arab Standard Time',
  'Asia/Tehran': 'Iran Standard Time',
  // Asia / Pacific
  'Asia/Kolkata': 'India Standard Time',
  'Asia/Calcutta': 'India Standard Time',
  'Asia/Karachi': 'Pakistan Standard Time',
  'Asia/Bangkok': 'SE Asia Standard Time',
  'Asia/Ho_Chi_Minh': 'SE Asia Standard Time',
  'Asia/Jakarta': 'SE Asia Standard Time',
  'Asia/Singapore': 'Singapore Standard Time',
  'Asia/Kuala_Lumpur': 'Singapore Standard Time',
  'Asia/Shanghai': 'China Standard Time',
  'Asia/Hong_Kong': 'China Standard Time',
  'Asia/Taipei': 'Taipei Standard Time',
  'Asia/Tokyo': 'Tokyo Standard Time',
  'Asia/Seoul': 'Korea Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard Time',
  'Australia/Melbourne': 'AUS Eastern Standard Time',
  'Australia/Brisbane': 'E. Australia Standard Time',
  'Australia/Perth': 'W. Australia Standard Time',
  'Australia/Adelaide': 'Cen. Australia Standard Time',
  'Pacific/Auckland': 'New Zealand Standard Time',
};

/** The Windows zone id for an IANA zone name, or null when unknown. */
export function ianaToWindows(iana: string): string | null {
  return IANA_TO_WINDOWS[iana] ?? null;
}

/** Every IANA name the map knows (tests, settings picker). */
export function knownIanaZones(): string[] {
  return Object.keys(IANA_TO_WINDOWS);
}

/** An IANA zone for a Windows id (first match), e.g. for a mailbox's reported zone. */
export function windowsToIana(windowsId: string): string | null {
  for (const [iana, win] of Object.entries(IANA_TO_WINDOWS)) if (win === windowsId) return iana;
  return null;
}
