/** SOAP 1.1 envelopes, EWS response messages and SOAP faults, as Exchange writes them. */
import { esc, NS } from './xml';

export type ServerFlavour =
  | 'Exchange2007_SP1'
  | 'Exchange2007_SP3'
  | 'Exchange2010_SP2'
  | 'Exchange2016'
  | 'ExchangeOnline';

/** The Exchange 2007 profiles: their own schema, RequestServerVersion Exchange2007/Exchange2007_SP1 only. */
export function is2007(f: ServerFlavour): f is 'Exchange2007_SP1' | 'Exchange2007_SP3' {
  return f === 'Exchange2007_SP1' || f === 'Exchange2007_SP3';
}

export const SERVER_INFO: Record<
  ServerFlavour,
  { major: number; minor: number; build: number; rev: number; version: string; max: string }
> = {
  // Exchange 2007 SP1 (8.1.240.6) and SP3 (8.3.83.6): their schema's one version is Exchange2007_SP1; a 2007
  // server writes no Version attribute in ServerVersionInfo (the attribute is optional in its types.xsd)
  Exchange2007_SP1: { major: 8, minor: 1, build: 240, rev: 6, version: '', max: 'Exchange2007_SP1' },
  Exchange2007_SP3: { major: 8, minor: 3, build: 83, rev: 6, version: '', max: 'Exchange2007_SP1' },
  Exchange2010_SP2: {
    major: 14,
    minor: 2,
    build: 247,
    rev: 5,
    version: 'Exchange2010_SP2',
    max: 'Exchange2010_SP2',
  },
  Exchange2016: { major: 15, minor: 2, build: 1544, rev: 4, version: 'V2017_07_11', max: 'Exchange2016' },
  ExchangeOnline: { major: 15, minor: 20, build: 3370, rev: 16, version: 'V2018_01_08', max: 'Exchange2016' },
};

/** ExchangeVersionType values in order (messages/types.xsd). */
export const VERSIONS = [
  'Exchange2007',
  'Exchange2007_SP1',
  'Exchange2009',
  'Exchange2010',
  'Exchange2010_SP1',
  'Exchange2010_SP2',
  'Exchange2013',
  'Exchange2013_SP1',
  'Exchange2015',
  'Exchange2016',
  'V2015_10_05',
  'V2016_01_06',
  'V2016_04_13',
  'V2016_07_13',
  'V2016_10_10',
  'V2017_01_07',
  'V2017_04_14',
  'V2017_07_11',
];

export function serverVersionHeader(f: ServerFlavour): string {
  const s = SERVER_INFO[f];
  const v = s.version ? ` Version="${s.version}"` : '';
  return `<h:ServerVersionInfo MajorVersion="${s.major}" MinorVersion="${s.minor}" MajorBuildNumber="${s.build}" MinorBuildNumber="${s.rev}"${v} xmlns:h="${NS.t}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>`;
}

export function envelope(flavour: ServerFlavour | null, body: string): string {
  const header = flavour ? `<s:Header>${serverVersionHeader(flavour)}</s:Header>` : '';
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}">${header}<s:Body>${body}</s:Body></s:Envelope>`;
}

/** `<m:FooResponse xmlns:m xmlns:t><m:ResponseMessages>…</m:ResponseMessages></m:FooResponse>` */
export function responseBody(operation: string, messages: string[]): string {
  return `<m:${operation}Response xmlns:m="${NS.m}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:t="${NS.t}"><m:ResponseMessages>${messages.join('')}</m:ResponseMessages></m:${operation}Response>`;
}

export function success(messageName: string, inner = ''): string {
  return `<m:${messageName} ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${messageName}>`;
}

/** A per-item error (HTTP 200). `after` is the (empty) payload elements the type requires, e.g. `<m:Items/>`. */
export function errorMessage(
  messageName: string,
  code: string,
  text: string,
  after = '',
  messageXml = '',
): string {
  const mx = messageXml ? `<m:MessageXml>${messageXml}</m:MessageXml>` : '';
  return `<m:${messageName} ResponseClass="Error"><m:MessageText>${esc(text)}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${mx}${after}</m:${messageName}>`;
}

/** SOAP fault (HTTP 500) with the EWS detail: ResponseCode, Message, optional MessageXml values. */
export function fault(
  code: string,
  text: string,
  values: Record<string, string> = {},
  extraXml = '',
  faultcode = `a:${code}`,
): string {
  const mx =
    Object.keys(values).length || extraXml
      ? `<t:MessageXml xmlns:t="${NS.t}">${Object.entries(values)
          .map(([k, v]) => `<t:Value Name="${esc(k)}">${esc(v)}</t:Value>`)
          .join('')}${extraXml}</t:MessageXml>`
      : '';
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Body><s:Fault>` +
    `<faultcode xmlns:a="${NS.t}">${esc(faultcode)}</faultcode><faultstring xml:lang="en-US">${esc(text)}</faultstring>` +
    `<detail><e:ResponseCode xmlns:e="${NS.e}">${esc(code)}</e:ResponseCode><e:Message xmlns:e="${NS.e}">${esc(text)}</e:Message>${mx}</detail>` +
    '</s:Fault></s:Body></s:Envelope>'
  );
}

export function schemaFault(violation: string, line = 0, col = 0): string {
  return fault(
    'ErrorSchemaValidation',
    'The request failed schema validation.',
    {},
    `<t:LineNumber>${line}</t:LineNumber><t:LinePosition>${col}</t:LinePosition><t:Violation>${esc(violation)}</t:Violation>`,
  );
}
