/**
 * Which EWS dialect a server speaks: the facts read from an answer's ServerVersionInfo, the faults that mean "not
 * this dialect", the library service for a dialect, and the probe that tells an Exchange 2007 before SP2 apart.
 * The decisions (when to switch, what the admin pinned) are the session's (./session.ts).
 */
import { SyncError } from '../../shared/errors';
import { ews } from './ews-lib';
import { get } from './map';
import type { XhrLike } from './transport';

/** The two dialects the sync speaks: Exchange 2007's (legacy mode) and today's (2010 SP2 to SE and Online). */
export type EwsDialect = 'Exchange2007_SP1' | 'Exchange2010_SP2';

/** What the backend knows about the server's EWS version (see {@link EwsBackend.serverMode}). */
export interface EwsServerMode {
  /** The RequestServerVersion in use. */
  requestVersion: EwsDialect | string;
  /** True in the Exchange 2007 legacy mode. */
  legacy2007: boolean;
  /** ServerVersionInfo of the last answer, when one was read (e.g. 8.3.83.6). */
  major?: number;
  minor?: number;
  build?: string;
  /** Where the mode came from. */
  source: 'default' | 'admin' | 'detected' | 'state';
}

/** EWS answers that mean "this server does not speak the RequestServerVersion you sent". */
export const VERSION_FAULTS = new Set([
  'ErrorInvalidServerVersion',
  'ErrorIncorrectSchemaVersion',
  'ErrorSchemaValidation',
]);

/** Exchange 2007 service pack from ServerVersionInfo MinorVersion (8.1 = SP1, 8.2 = SP2, 8.3 = SP3). */
export function exchange2007Label(minor: number | undefined): string {
  if (minor === undefined || minor <= 0) return 'Exchange 2007 RTM';
  return `Exchange 2007 SP${minor}`;
}

/** The library's number for a RequestServerVersion name, or undefined for a name it does not know. */
export function versionNumber(name: string): ews.ExchangeVersion | undefined {
  return (ews.ExchangeVersion as unknown as Record<string, ews.ExchangeVersion | undefined>)[name];
}

/** ServerVersionInfo as read from an answer. */
export interface ServerVersionInfo {
  major: number;
  minor: number;
  /** major.minor.build.revision, as far as given */
  build: string;
  /** The server's version string (Exchange Online: V2018_01_08 …), when given. */
  versionString?: string;
}

/** The ServerVersionInfo of the service's last answer; null when the answer had none. */
export function serverInfoOf(service: ews.ExchangeService): ServerVersionInfo | null {
  const si = get<ews.ExchangeServerInfo>(service, 'ServerInfo');
  const major = Number(si?.MajorVersion);
  if (!si || !Number.isFinite(major) || major <= 0) return null;
  const build = [si.MajorVersion, si.MinorVersion, si.MajorBuildNumber, si.MinorBuildNumber]
    .filter((x: unknown) => x !== undefined && x !== null)
    .join('.');
  return {
    major,
    minor: Number(si.MinorVersion),
    build,
    ...(si.VersionString ? { versionString: String(si.VersionString) } : {}),
  };
}

/**
 * A library service for this RequestServerVersion. In the Exchange 2007 mode it carries the user's time zone:
 * the library names it in the TimeZoneContext header (2007 SP2+ use it for task dates) and writes it as the
 * MeetingTimeZone of appointments; without it the PC's zone would be sent.
 */
export function newLibraryService(
  version: ews.ExchangeVersion,
  windowsZone: string | null,
  zoneName: string | undefined,
): ews.ExchangeService {
  if (version > ews.ExchangeVersion.Exchange2007_SP1) return new ews.ExchangeService(version);
  if (!windowsZone)
    throw new SyncError(
      'config',
      `the time zone ${zoneName} has no Windows equivalent; Exchange 2007 needs one for calendar items`,
    );
  let tz: ews.TimeZoneInfo;
  try {
    tz = ews.TimeZoneInfo.FindSystemTimeZoneById(windowsZone);
  } catch (e) {
    throw new SyncError('config', `the time zone ${windowsZone} is unknown to the EWS library`, {
      cause: e,
    });
  }
  return new ews.ExchangeService(version, tz);
}

/**
 * One GetFolder of the Inbox in the 2007 dialect WITHOUT the TimeZoneContext header the library always sends in
 * that dialect; the ServerVersionInfo of its answer, or null when there is none to go by. Exchange 2007 before
 * SP2 knows no such header, so this is how such a server is told apart (see EwsSession.refuseExchange2007Sp1).
 */
export async function probeWithoutTimeZoneContext(
  http: XhrLike,
  url: string,
  authorization: string | null,
): Promise<Omit<ServerVersionInfo, 'versionString'> | null> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">' +
    '<soap:Header><t:RequestServerVersion Version="Exchange2007_SP1"/></soap:Header><soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>' +
    '<m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>';
  const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
  if (authorization) headers.Authorization = authorization;
  let text = '';
  try {
    text = String((await http.xhr({ type: 'POST', url, data: body, headers })).responseText ?? '');
  } catch {
    return null;
  }
  const m =
    /<(?:\w+:)?ServerVersionInfo\b[^>]*\bMajorVersion="(\d+)"[^>]*\bMinorVersion="(\d+)"(?:[^>]*\bMajorBuildNumber="(\d+)")?(?:[^>]*\bMinorBuildNumber="(\d+)")?/.exec(
      text,
    );
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), build: m.slice(1).filter(Boolean).join('.') };
}
