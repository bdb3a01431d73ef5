/** A raw SOAP client for tests of the emulator: builds envelopes like ews-javascript-api (soap:/m:/t:) and posts. */
import { NS } from './xml';

export interface RawResponse {
  status: number;
  body: string;
  headers: Headers;
}

export function soapEnvelope(body: string, version = 'Exchange2013_SP1', extraHeader = ''): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS.soap}" xmlns:m="${NS.m}" xmlns:t="${NS.t}">` +
    `<soap:Header><t:RequestServerVersion Version="${version}"/>${extraHeader}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

export class RawEws {
  constructor(
    readonly url: string,
    public authorization: string,
    public version = 'Exchange2013_SP1',
  ) {}

  static basic(url: string, user: string, password: string): RawEws {
    return new RawEws(url, `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
  }

  async post(
    body: string,
    opts: { envelope?: boolean; version?: string; header?: string } = {},
  ): Promise<RawResponse> {
    const xml =
      opts.envelope === false ? body : soapEnvelope(body, opts.version ?? this.version, opts.header ?? '');
    const r = await fetch(this.url, {
      method: 'POST',
      headers: {
        authorization: this.authorization,
        'content-type': 'text/xml; charset=utf-8',
        accept: 'text/xml',
      },
      body: xml,
    });
    return { status: r.status, body: await r.text(), headers: r.headers };
  }
}

/** All values of an attribute on elements with this local name. */
export function attrs(xml: string, element: string, attr: string): string[] {
  const re = new RegExp(`<(?:\\w+:)?${element}\\b[^>]*?\\s${attr}="([^"]*)"`, 'g');
  return [...xml.matchAll(re)].map((m) => m[1] ?? '');
}
/** Text of every element with this local name. */
export function texts(xml: string, element: string): string[] {
  const re = new RegExp(`<(?:\\w+:)?${element}\\b[^>]*>([^<]*)</(?:\\w+:)?${element}>`, 'g');
  return [...xml.matchAll(re)].map((m) => decode(m[1] ?? ''));
}
export function text(xml: string, element: string): string | undefined {
  return texts(xml, element)[0];
}
function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
/** Element local names in document order (for structural comparison). */
export function elementNames(xml: string): string[] {
  return [...xml.matchAll(/<(?:(\w+):)?(\w+)[\s/>]/g)]
    .filter((m) => !xml.startsWith('?', m.index + 1))
    .map((m) => m[2] ?? '');
}
