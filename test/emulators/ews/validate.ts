/**
 * XSD validation of EWS XML with xmllint against Microsoft's messages.xsd (../shared/ews/schema). Used by the
 * emulator for incoming requests and by the tests for every response body.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { NS } from './xml';

export interface ValidationResult {
  ok: boolean;
  errors: string[];
  /** Line/column of the first error when xmllint gave one. */
  line?: number;
  column?: number;
}

export function defaultSchemaDir(): string {
  const shared =
    process.env.ABRA_SYNC_SHARED_DIR ?? path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared');
  return path.join(shared, 'ews', 'schema');
}

export function findXmllint(): string | null {
  for (const p of ['/usr/bin/xmllint', '/usr/local/bin/xmllint', '/opt/homebrew/bin/xmllint'])
    if (existsSync(p)) return p;
  return null;
}

/** The first element inside soap:Body, serialized with the namespace declarations it needs. */
export function soapBodyChild(xml: string): string | null {
  const doc = new DOMParser({
    errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} },
  }).parseFromString(xml, 'text/xml');
  const body = doc?.getElementsByTagNameNS(NS.soap, 'Body')[0];
  let c = body?.firstChild ?? null;
  while (c && c.nodeType !== 1) c = c.nextSibling;
  return c ? new XMLSerializer().serializeToString(c) : null;
}

const cache = new Map<string, ValidationResult>();

/** Validates one XML document (e.g. a soap:Body child) against messages.xsd. */
export function validateFragment(
  fragment: string,
  schemaDir = defaultSchemaDir(),
  xmllint = findXmllint(),
): Promise<ValidationResult> {
  if (!xmllint) return Promise.resolve({ ok: false, errors: ['xmllint not installed'] });
  const schema = path.join(schemaDir, 'messages.xsd');
  const key = createHash('sha1').update(schema).update('\0').update(fragment).digest('hex');
  const hit = cache.get(key);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const p = spawn(xmllint, ['--noout', '--nonet', '--schema', schema, '-'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d: string) => {
      err += d;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const errors = err
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/ validates$/.test(l) && !/fails to validate$/.test(l));
      const m = /^-:(\d+):(?:(\d+):)?/.exec(errors[0] ?? '');
      const r: ValidationResult = { ok: code === 0, errors };
      if (m) {
        r.line = Number(m[1]);
        if (m[2]) r.column = Number(m[2]);
      }
      if (cache.size > 5000) cache.clear();
      cache.set(key, r);
      resolve(r);
    });
    p.stdin.on('error', () => {});
    p.stdin.end(fragment);
  });
}
