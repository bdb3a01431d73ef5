/**
 * A tiny loopback EWS stub for the backend tests: answers each POST with the next queued response (a recorded
 * Exchange response or a hand-made fault) and captures every request (headers + body) so that tests can assert
 * on it and validate it against the schema.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import {
  EwsBackend,
  type EwsBackendOptions,
  type EwsConnection,
} from '../../../src-main/exchange/ews/backend';

export interface StubResponse {
  status?: number;
  body: string;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering (simulates a dropped connection). */
  drop?: boolean;
  /** Wait before answering. */
  delayMs?: number;
}

export interface CapturedRequest {
  operation: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface EwsStub {
  url: string;
  requests: CapturedRequest[];
  push(...r: StubResponse[]): void;
  pending(): number;
  /** Highest number of requests in flight at once. */
  maxInFlight(): number;
  stop(): Promise<void>;
}

export function operationOf(body: string): string {
  return /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body)?.[1] ?? '?';
}

export async function startStub(): Promise<EwsStub> {
  const queue: StubResponse[] = [];
  const requests: CapturedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ operation: operationOf(body), body, headers: req.headers });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const next = queue.shift();
      const answer = () => {
        inFlight--;
        if (!next) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`stub: no response queued for ${operationOf(body)}`);
          return;
        }
        if (next.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(next.status ?? 200, {
          'content-type': 'text/xml; charset=utf-8',
          ...(next.headers ?? {}),
        });
        res.end(next.body);
      };
      if (next?.delayMs) setTimeout(answer, next.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/EWS/Exchange.asmx`,
    requests,
    push: (...r) => queue.push(...r),
    pending: () => queue.length,
    maxInFlight: () => maxInFlight,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function stubBackend(
  stub: EwsStub,
  conn: Partial<EwsConnection> = {},
  opts: EwsBackendOptions = {},
  password = 'S3cret-Pa55',
): EwsBackend {
  return new EwsBackend(
    { email: 'test.user@example.com', ewsUrl: stub.url, auth: 'basic', timeZone: 'Europe/Prague', ...conn },
    { password },
    { transport: { baseDelayMs: 1, maxBackoffMs: 2000 }, ...opts },
  );
}

const ENVELOPE_HEAD =
  '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1544" MinorBuildNumber="4" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body>';

/** A SOAP 500 fault as Exchange sends it (e.g. ErrorServerBusy with BackOffMilliseconds). */
export function soapFault(code: string, message: string, backOffMs?: number): StubResponse {
  const xml = backOffMs
    ? `<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:Value Name="BackOffMilliseconds">${backOffMs}</t:Value></t:MessageXml>`
    : '';
  return {
    status: 500,
    body: `${ENVELOPE_HEAD}<s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:${code}</faultcode><faultstring xml:lang="en-US">${message}</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${message}</e:Message>${xml}</detail></s:Fault></s:Body></s:Envelope>`,
  };
}

/** A 200 response whose body is `inner` (the element of soap:Body with its own namespace declarations). */
export function soapOk(inner: string): StubResponse {
  return { status: 200, body: `${ENVELOPE_HEAD}${inner}</s:Body></s:Envelope>` };
}

/**
 * Validate the element inside soap:Body of a request against messages.xsd with xmllint. Returns the xmllint
 * errors (empty = valid).
 */
export function schemaErrors(envelope: string, schemaDir: string, xmllint: string): string[] {
  const doc = new DOMParser({
    errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} },
  }).parseFromString(envelope, 'text/xml');
  const body = doc?.getElementsByTagNameNS('http://schemas.xmlsoap.org/soap/envelope/', 'Body')[0];
  let c = body?.firstChild ?? null;
  while (c && c.nodeType !== 1) c = c.nextSibling;
  if (!c) return ['no element inside soap:Body'];
  const fragment = new XMLSerializer().serializeToString(c);
  const r = spawnSync(
    xmllint,
    ['--noout', '--nonet', '--schema', path.join(schemaDir, 'messages.xsd'), '-'],
    {
      input: fragment,
      encoding: 'utf8',
    },
  );
  if (r.status === 0) return [];
  return (r.stderr || 'xmllint failed')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/fails to validate$/.test(l));
}
