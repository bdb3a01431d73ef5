/**
 * The ABRA emulator's classes come from ABRA's published metadata (../shared/abra/metadata.json: apisandbox.abra.eu
 * metadata pages, JSON captured from a real ABRA Gen 26 server, partner scripts) plus the one list of extra fields
 * (test/emulators/abra/extra-fields.ts); unknown fields get the real server's error bodies.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRA_FIELDS, GENERIC } from '../emulators/abra/extra-fields';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra/index';
import { type Metadata, normalizeMetadata } from '../emulators/abra/metadata';
import metaJson from '../emulators/abra/metadata.json';
import { buildSchemas, EMULATED } from '../emulators/abra/schema';
import { sharedDir } from '../helpers/env';

const META = metaJson as unknown as Metadata;
const sharedMeta = path.join(sharedDir, 'abra', 'metadata.json');
const hasMeta = existsSync(sharedMeta);

describe('checked-in metadata copy', () => {
  it.skipIf(!hasMeta)(
    `agrees with ../shared/abra/metadata.json (regenerate: npx tsx test/emulators/abra/update-metadata.ts)${hasMeta ? '' : ` — skipped: ${sharedMeta} not found (reference data lives beside the checkout)`}`,
    () => {
      const raw = JSON.parse(readFileSync(sharedMeta, 'utf8'));
      expect(META).toEqual(normalizeMetadata(raw));
    },
  );
});

describe('emulated classes = metadata + the one extra list', () => {
  const schemas = buildSchemas({ personAuditDates: true });
  it('every emulated field is in the metadata, a generic field, or listed in extra-fields.ts', () => {
    for (const [name, s] of Object.entries(schemas)) {
      const bo = EMULATED[name]!.bo;
      const fromMeta = new Set((bo ? META[bo]!.fields : []).map((f) => f.name));
      const extra = new Set(EXTRA_FIELDS.filter((x) => x.schema === name).map((x) => x.field));
      const generic = new Set(GENERIC.map((g) => g.field));
      for (const f of Object.keys(s.fields))
        expect(fromMeta.has(f) || extra.has(f) || generic.has(f), `${name}.${f}`).toBe(true);
    }
  });
  it('every extra field says why; none repeats a metadata field', () => {
    for (const x of EXTRA_FIELDS) {
      expect(x.source.length, `${x.schema}.${x.field}`).toBeGreaterThan(20);
      const bo = EMULATED[x.schema]?.bo;
      expect(EMULATED[x.schema], x.schema).toBeDefined();
      if (bo)
        expect(
          META[bo]!.fields.map((f) => f.name),
          `${x.schema}.${x.field}`,
        ).not.toContain(x.field);
    }
  });
  it('fixes the invented and mistyped fields (../shared/notes/abra-fields-audit.md, emulator vs real)', () => {
    expect(schemas.period!.fields.hidden).toBeUndefined(); // periods have no hidden [L M-PER]
    expect(schemas.securityrole!.fields.code).toBeUndefined(); // roles: shortname, no code [L M-ASG]
    expect(schemas.securityrole!.fields.shortname?.kind).toBe('string');
    expect(schemas.crmactivitytype!.fields.firmreq?.kind).toBe('number'); // integers [L M-CLS]
    expect(schemas.crmactivitytype!.fields.personreq?.kind).toBe('number');
    expect(schemas.crmactivitycontact!.clsid).toBe('F2Z2NJUF5YA4P2WFBPFZLSL1A4');
    expect(schemas.crmactivityarea!.clsid).toBe('N53352D4AKB43AMHHSYG1UKFVW');
    expect(schemas.division!.clsid).toBe('O1X54EUXPZCL35CH000ILPWJF4');
    expect(schemas.securityrole!.clsid).toBe('QRDGQ1DV2CU4D3TOUMORZ0LWIW');
    expect(schemas.queuelastnumber!.clsid).toBe('SIZFKCWHZHK4JHZ5AINQD0SRBO');
    expect(schemas.queuelastnumber!.fields.parent_id).toBeUndefined();
    // persons: changed-since fields only with the option (not proven)
    expect(buildSchemas({}).person!.fields['correctedat$date']).toBeUndefined();
    expect(schemas.person!.fields['correctedat$date']).toBeDefined();
  });
});

describe('unknown fields and paths get the real server error bodies', () => {
  let emu: AbraEmulator;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${emu.url}/${p}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${emu.user}:${emu.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    emu = await startAbraEmulator({ seed: 3 });
  });
  afterAll(() => emu.stop());

  it('select of an unknown field → 400 EWARESTError "Neznáma položka triedy <CLSID>: <field>" (capture: crmactivitytypes?select=…,ActivityArea_ID, ABRA-MobileCRM sprint-4-3b-2a results)', async () => {
    const r = await call('GET', 'crmactivitytypes?select=ID,Code,ActivityArea_ID&take=5');
    expect(r).toEqual({
      status: 400,
      body: {
        title: 'Chyba pri spracovaní api dopytu',
        description: 'Neznáma položka triedy SMOEDRFJASV4P4XCFPYBZ1UYYO: ActivityArea_ID',
        exception_class: 'EWARESTError',
        error_code: 0,
      },
    });
    // the old emulator's invented fields are refused the same way
    expect((await call('GET', 'periods?select=id,hidden')).body.description).toBe(
      'Neznáma položka triedy CAQPAYUOXVCL3ACL03KIU0CLP4: hidden',
    );
    expect((await call('GET', 'securityroles?select=id,code')).status).toBe(400);
  });
  it('where on an unknown column → 400 NxError error_code 15 with the Firebird error (capture: crmactivityqueues?where=ActivityArea_ID eq …)', async () => {
    const r = await call(
      'GET',
      `crmactivityqueues?where=${encodeURIComponent("ActivityArea_ID eq '2000000101'")}`,
    );
    expect(r.status).toBe(400);
    expect(r.body.exception_class).toBe('NxError');
    expect(r.body.error_code).toBe(15);
    expect(r.body.title).toBe('Chyba pri spracovaní api dopytu');
    expect(String(r.body.description)).toMatch(
      /^Nesprávna štruktúra alebo príkaz databázy\r\n"Dynamic SQL Error\r\nSQL error code = -206\r\nColumn unknown\r\nACTIVITYAREA_ID\r\n/,
    );
  });
  it('a body with an unknown field → 400, nothing created (assumed: same body as for select)', async () => {
    const before = emu.control.list('firms').length;
    const r = await call('POST', 'firms', { name: 'X', fromaddress: 'a@b.cz' });
    expect(r.status).toBe(400);
    expect(r.body.description).toBe('Neznáma položka triedy 4K3EXM5PQBCL35CH000ILPWJF4: fromaddress');
    expect(emu.control.list('firms').length).toBe(before);
  });
  it('unknown collection → the API server 404 (capture: GET accountingperiods, sprint-4-2b-2 results)', async () => {
    const r = await call('GET', 'accountingperiods?take=20');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      title: 'Error processing api request',
      description: `The path ${emu.url.replace('127.0.0.1', '127.0.0.1')}/accountingperiods could not be found`,
      error_code: 0,
      exception_class: 'eu.abra.apiserver.api.ApiException$NotFound',
    });
    // a missing record is still ABRA's own 404 body
    const miss = await call('GET', 'firms/ZZZZZZ0101');
    expect(miss.body.exception_class).toBe('EWARESTError');
  });
});
