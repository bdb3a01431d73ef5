/**
 * XSD validation of EWS XML with xmllint against Microsoft's messages.xsd (../shared/ews/schema). Used by the
 * emulator for incoming requests and by the tests for every response body.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/**
 * Exchange 2007's own schema (../shared/ews/schema-2007-sp2plus for SP2/SP3, schema-2007-sp1 for SP1; see
 * ../shared/ews/README.md): the Exchange2007_SP1 version of messages.xsd/types.xsd.
 */
export function schema2007Dir(variant: 'sp1' | 'sp2plus'): string {
  return path.join(path.dirname(defaultSchemaDir()), `schema-2007-${variant}`);
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

/**
 * libxml2 kept in one Python process (validator.py, ctypes) with the schema compiled once: ~0.05 ms per document
 * instead of ~140 ms per xmllint run. Same library, same verdicts as xmllint (a test checks parity). When python3
 * or libxml2's shared library is missing, or EWS_EMULATOR_VALIDATOR=xmllint, xmllint is used.
 */
class PersistentValidator {
  private child: ChildProcess | null = null;
  private ready: Promise<boolean>;
  private pending: ((r: ValidationResult | null) => void)[] = [];
  private buf = '';
  broken = false;

  constructor(schema: string) {
    this.ready = new Promise((resolve) => {
      let settled = false;
      const done = (ok: boolean) => {
        if (settled) return;
        settled = true;
        if (!ok) this.fail();
        resolve(ok);
      };
      try {
        const c = spawn('python3', [path.join(import.meta.dirname, 'validator.py'), schema], {
          stdio: ['pipe', 'pipe', 'ignore'],
        });
        this.child = c;
        c.on('error', () => done(false));
        c.on('exit', () => {
          done(false);
          this.fail();
        });
        c.stdin?.on('error', () => this.fail());
        c.stdout?.setEncoding('utf8');
        c.stdout?.on('data', (d: string) => {
          this.buf += d;
          for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
            const line = this.buf.slice(0, i);
            this.buf = this.buf.slice(i + 1);
            let msg: {
              ready?: boolean;
              fatal?: string;
              ok?: boolean;
              errors?: { line: number; col: number; message: string }[];
            };
            try {
              msg = JSON.parse(line);
            } catch {
              done(false);
              this.fail();
              return;
            }
            if (msg.ready) done(true);
            else if (msg.fatal) done(false);
            else {
              const r = this.pending.shift();
              const errs = msg.errors ?? [];
              const first = errs[0];
              r?.({
                ok: !!msg.ok,
                errors: errs.map((e) => `-:${e.line}: ${e.message}`),
                ...(first ? { line: first.line, column: first.col } : {}),
              });
              this.idle();
            }
          }
        });
        this.idle();
        setTimeout(() => done(false), 15_000).unref();
      } catch {
        done(false);
      }
    });
  }

  private idle(): void {
    // do not keep the process alive for the validator alone
    const c = this.child;
    if (!c) return;
    const busy = this.pending.length > 0 || this.waiting > 0;
    for (const s of [c.stdin, c.stdout] as ({ ref?: () => void; unref?: () => void } | null)[])
      busy ? s?.ref?.() : s?.unref?.();
    busy ? c.ref() : c.unref();
  }

  private fail(): void {
    this.broken = true;
    // whatever was in flight goes to xmllint instead
    for (const r of this.pending.splice(0)) r(null);
    this.child?.kill();
    this.child = null;
  }

  private waiting = 0;

  async validate(doc: string): Promise<ValidationResult | null> {
    this.waiting++;
    this.idle();
    const ok = await this.ready;
    this.waiting--;
    this.idle();
    if (!ok || this.broken || !this.child?.stdin) return null;
    const body = Buffer.from(doc, 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.idle();
      this.child?.stdin?.write(Buffer.concat([head, body]));
    });
  }
}

const persistent = new Map<string, PersistentValidator>();

/** Which engine validates for this schema folder: the persistent libxml2 process or one xmllint run per document. */
export async function validationEngine(schemaDir = defaultSchemaDir()): Promise<'libxml2' | 'xmllint'> {
  const v = persistentFor(path.join(schemaDir, 'messages.xsd'));
  return v && (await v.validate('<x/>')) ? 'libxml2' : 'xmllint';
}

function persistentFor(schema: string): PersistentValidator | null {
  if (process.env.EWS_EMULATOR_VALIDATOR === 'xmllint') return null;
  let v = persistent.get(schema);
  if (!v) {
    v = new PersistentValidator(schema);
    persistent.set(schema, v);
  }
  return v.broken ? null : v;
}

/** Runs xmllint once for this document (the fallback, and the reference the fast path is checked against). */
export function validateWithXmllint(
  fragment: string,
  schema: string,
  xmllint: string,
): Promise<ValidationResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(xmllint, ['--noout', '--nonet', '--huge', '--schema', schema, '-'], {
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
      resolve(r);
    });
    p.stdin.on('error', () => {});
    p.stdin.end(fragment);
  });
}

/** Validates one XML document (e.g. a soap:Body child) against messages.xsd. */
export async function validateFragment(
  fragment: string,
  schemaDir = defaultSchemaDir(),
  xmllint = findXmllint(),
): Promise<ValidationResult> {
  if (!xmllint) return { ok: false, errors: ['xmllint not installed'] };
  const schema = path.join(schemaDir, 'messages.xsd');
  const key = createHash('sha1').update(schema).update('\0').update(fragment).digest('hex');
  const hit = cache.get(key);
  if (hit) return hit;
  const r =
    (await persistentFor(schema)?.validate(fragment)) ??
    (await validateWithXmllint(fragment, schema, xmllint));
  if (cache.size > 5000) cache.clear();
  cache.set(key, r);
  return r;
}

/**
 * A SOAP 1.1 envelope schema (the parts of http://schemas.xmlsoap.org/soap/envelope/ a request uses) that imports
 * Microsoft's messages.xsd: the Body must hold exactly one EWS operation element, validated strictly. The Header's
 * elements are checked by the server itself (an unknown RequestServerVersion is ErrorInvalidServerVersion on
 * Exchange, not a schema error), so they are skipped here as before. Written next to the other temporary files once per schema folder (it names the folder's absolute
 * path), so the emulator can validate the bytes it received as a whole, not a re-serialised copy of the Body.
 */
export function envelopeSchema(schemaDir = defaultSchemaDir(), strictHeader = false): string {
  const messages = pathToFileURL(path.resolve(schemaDir, 'messages.xsd')).href;
  const types = pathToFileURL(path.resolve(schemaDir, 'types.xsd')).href;
  // strictHeader (the Exchange 2007 profiles): every header element must be one the schema declares, with its
  // declared content: RequestServerVersion is fixed to Exchange2007_SP1 there, and the SP1 schema has no
  // TimeZoneContext at all
  const header = strictHeader
    ? `<xs:any namespace="${NS.t}" processContents="strict" minOccurs="0" maxOccurs="unbounded"/>`
    : '<xs:any namespace="##any" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>';
  const importTypes = strictHeader ? `\n  <xs:import namespace="${NS.t}" schemaLocation="${types}"/>` : '';
  const xsd = `<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:soap="${NS.soap}" targetNamespace="${NS.soap}" elementFormDefault="qualified">
  <xs:import namespace="${NS.m}" schemaLocation="${messages}"/>${importTypes}
  <xs:element name="Envelope">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Header" minOccurs="0">
          <xs:complexType>
            <xs:sequence>${header}</xs:sequence>
            <xs:anyAttribute namespace="##other" processContents="lax"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="Body">
          <xs:complexType>
            <xs:sequence><xs:any namespace="${NS.m}" processContents="strict" minOccurs="1" maxOccurs="1"/></xs:sequence>
            <xs:anyAttribute namespace="##other" processContents="lax"/>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:anyAttribute namespace="##other" processContents="lax"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
`;
  const dir = path.join(os.tmpdir(), 'ews-emulator-schema');
  const file = path.join(dir, `envelope-${createHash('sha1').update(xsd).digest('hex').slice(0, 16)}.xsd`);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* not written yet */
  }
  if (current !== xsd) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, xsd);
    renameSync(tmp, file);
  }
  return file;
}

/** Validates a whole SOAP request envelope, as received, against {@link envelopeSchema}. */
export async function validateEnvelope(
  raw: string,
  schemaDir = defaultSchemaDir(),
  xmllint = findXmllint(),
  strictHeader = false,
): Promise<ValidationResult> {
  if (!xmllint) return { ok: false, errors: ['xmllint not installed'] };
  const schema = envelopeSchema(schemaDir, strictHeader);
  const key = createHash('sha1').update(schema).update('\0').update(raw).digest('hex');
  const hit = cache.get(key);
  if (hit) return hit;
  const r = (await persistentFor(schema)?.validate(raw)) ?? (await validateWithXmllint(raw, schema, xmllint));
  if (cache.size > 5000) cache.clear();
  cache.set(key, r);
  return r;
}
