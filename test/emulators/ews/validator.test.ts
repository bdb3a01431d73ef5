/**
 * The emulator's fast XSD validator (libxml2 in one persistent process) gives the same verdicts as xmllint, the
 * reference, on real Exchange bodies and on broken variants of them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canValidateXsd, xsdSkipReason } from '../../exchange/ews/xsd';
import { ewsRecordingsDir, ewsSchemaDir } from '../../helpers/env';
import { soapBodyChild, validateFragment, validateWithXmllint, validationEngine } from './validate';

function recordedBodies(limit: number): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.json')) files.push(p);
    }
  };
  walk(ewsRecordingsDir);
  const out: string[] = [];
  for (const f of files.sort()) {
    for (const r of JSON.parse(readFileSync(f, 'utf8')) as { body?: string }[]) {
      const frag = r.body ? soapBodyChild(r.body) : null;
      if (frag && !out.some((o) => o.slice(0, 200) === frag.slice(0, 200))) out.push(frag);
    }
  }
  return out.slice(0, limit);
}

describe.skipIf(!canValidateXsd)('EWS emulator XSD validator', () => {
  it('uses the persistent libxml2 validator where python3 + libxml2 exist (else xmllint), with xmllint verdicts', async () => {
    const engine = await validationEngine(ewsSchemaDir);
    expect(['libxml2', 'xmllint']).toContain(engine);
    const xmllint = '/usr/bin/xmllint';
    const schema = path.join(ewsSchemaDir, 'messages.xsd');
    const docs = recordedBodies(12);
    expect(docs.length).toBeGreaterThan(5);
    const variants = docs.flatMap((d) => [
      d,
      d.replace('ResponseClass="Success"', 'ResponseClass="Maybe"'),
      d.replace(/<m:ResponseCode>NoError<\/m:ResponseCode>/, '<m:ResponseCode>NoSuchCode</m:ResponseCode>'),
      d.replace(/<\/m:ResponseMessages>/, '<m:Unexpected/></m:ResponseMessages>'),
    ]);
    variants.push('<m:GetFolder xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">');
    let invalid = 0;
    for (const v of variants) {
      const fast = await validateFragment(v, ewsSchemaDir, xmllint);
      const ref = await validateWithXmllint(v, schema, xmllint);
      expect(fast.ok, v.slice(0, 300)).toBe(ref.ok);
      if (!ref.ok) {
        invalid++;
        expect(fast.errors.length).toBeGreaterThan(0);
      }
    }
    expect(invalid).toBeGreaterThan(docs.length);
  }, 60_000);
});

describe.skipIf(canValidateXsd)(`validator parity skipped: ${xsdSkipReason}`, () => {
  it('needs ../shared and xmllint', () => expect(canValidateXsd).toBe(false));
});
