/**
 * Preflight against the customer's ABRA: the server's own OpenAPI documents (GET /{conn}/api-docs/openapis, then
 * /api-docs/openapi/{controller}; help.abra.eu …/Part53_API/OpenAPI.htm) must describe every field the enabled parts
 * use, and one representative record per part and ABRA-bound direction goes to POST …?validation=true (ABRA's dry
 * run, nothing saved; ../shared/notes/abra-gen-api.md §6.4).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbraClient } from '../../src-main/abra/client';
import { noteText } from '../../src-main/shared/messages';
import { parseConfig, type SyncConfig, type SyncConfigInput } from '../../src-main/sync/config';
import { preflightText, runPreflight } from '../../src-main/sync/preflight';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra/index';

let emu: AbraEmulator;
let client: AbraClient;
let ids: Record<string, string>;

beforeEach(async () => {
  emu = await startAbraEmulator({ seed: 5, size: 'small' });
  client = new AbraClient({ baseUrl: emu.url, login: emu.user, password: emu.password, retryBaseMs: 5 });
  const c = emu.control;
  const code = (coll: string, k: string) => String(c.list(coll).find((x) => x.code === k)!.id);
  ids = {
    sch: code('crmactivitytypes', 'SCH'),
    ukol: code('crmactivitytypes', 'UKOL'),
    mail: code('crmactivitytypes', 'MAIL'),
    qSch: code('crmactivityqueues', 'SCH'),
    qUko: code('crmactivityqueues', 'UKO'),
    qEml: code('crmactivityqueues', 'EML'),
    role: String(c.list('securityroles')[0]!.id),
    division: String(c.list('divisions')[0]!.id),
  };
});
afterEach(() => emu.stop());

function config(over: Partial<SyncConfigInput> = {}, withRole = true): SyncConfig {
  const rd = withRole ? { newItemSolverRoleId: ids.role, newItemDivisionId: ids.division } : {};
  return parseConfig({
    abra: { serverUrl: 'http://127.0.0.1:1', connection: 'demo', login: 'API' },
    exchange: { email: 'jan@example.cz' },
    parts: {
      addressBook: { enabled: true, direction: 'both' },
      calendar: {
        enabled: true,
        activityTypeIds: [ids.sch!],
        newItemTypeId: ids.sch,
        newItemQueueId: ids.qSch,
        ...rd,
      },
      tasks: {
        enabled: true,
        activityTypeIds: [ids.ukol!],
        newItemTypeId: ids.ukol,
        newItemQueueId: ids.qUko,
        ...rd,
      },
      mail: {
        enabled: true,
        activityTypeId: ids.mail,
        queueId: ids.qEml,
        ...(withRole ? { solverRoleId: ids.role, divisionId: ids.division } : {}),
        startDate: '2026-01-01',
      },
    },
    ...over,
  });
}

describe('preflight', () => {
  it('the emulator publishes its classes as OpenAPI documents (index entry shape as captured on a 2026 DEMO)', async () => {
    const index = await client.request<Record<string, string>[]>('GET', '/api-docs/openapis');
    expect(index.find((x) => x.name === 'crmactivities')).toEqual({
      name: 'crmactivities',
      description: 'aktivita',
      boclsid: 'AVV1JYV5AVNOZHQCK0D4CJFUCS',
      ref: expect.stringMatching(/\/demo\/api-docs\/openapi\/crmactivities$/),
    });
    const doc = await client.request<{ components: { schemas: Record<string, { properties: object }> } }>(
      'GET',
      '/api-docs/openapi/crmactivities',
    );
    expect(Object.keys(doc.components.schemas.crmactivity!.properties)).toContain('solverrole_id');
  });

  it('a server with everything: every part accepted, nothing saved', async () => {
    const before = emu.control.list('crmactivities').length;
    const firms = emu.control.list('firms').length;
    const r = await runPreflight(client, config(), emu.url);
    expect(r.general).toEqual([]);
    expect(r.parts.map((p) => [p.part, p.ok, p.problems.map((x) => x.message)])).toEqual([
      ['addressBook', true, []],
      ['calendar', true, []],
      ['tasks', true, []],
      ['mail', true, []],
    ]);
    expect(r.parts.find((p) => p.part === 'calendar')!.validated).toEqual(['crmactivities']);
    expect(r.parts.find((p) => p.part === 'addressBook')!.validated).toEqual(['firms', 'persons']);
    expect(r.ok).toBe(true);
    expect(emu.control.list('crmactivities').length).toBe(before);
    expect(emu.control.list('firms').length).toBe(firms);
    expect(preflightText(r, 'cs')[1]).toMatch(/^calendar: přijato/);
  });

  it('a server whose documents lack a field: the part names it (en + cs)', async () => {
    emu.control.hideFromDocs('crmactivity.division_id');
    const r = await runPreflight(client, config(), emu.url);
    const cal = r.parts.find((p) => p.part === 'calendar')!;
    expect(cal.ok).toBe(false);
    expect(cal.problems.map((p) => p.field)).toEqual(['division_id']);
    expect(cal.problems[0]!.message).toBe(
      'this ABRA server has no field division_id in crmactivities (not in its API description)',
    );
    expect(noteText('cs', cal.problems[0]!.note)).toBe(
      'tento server ABRA nemá v crmactivities položku division_id (není v popisu jeho API)',
    );
    expect(r.parts.find((p) => p.part === 'addressBook')!.ok).toBe(true);
    expect(r.ok).toBe(false);
  });

  it('a server that refuses a field: the dry run names it and ABRA’s reason; an admin-mapped X_ field fixes it', async () => {
    // an installation with a mandatory user-defined field on activities (X_Typ_kotla on ABRA's DEMO, audit (d))
    emu.control.addUserField('crmactivity', 'X_Region');
    emu.control.requireField('crmactivity.x_region', {
      code: 1001,
      label: 'Region',
      description: 'Chyba v zadaní položky Region',
    });
    const r = await runPreflight(client, config(), emu.url);
    const cal = r.parts.find((p) => p.part === 'calendar')!;
    expect(cal.ok).toBe(false);
    expect(cal.problems.map((p) => [p.field, p.message])).toEqual([
      ['x_region', 'ABRA refuses x_region in crmactivities: Chyba v zadaní položky Region (1001)'],
    ]);
    expect(noteText('cs', cal.problems[0]!.note)).toContain('ABRA odmítá položku x_region v crmactivities');
    // mapped in the configuration: the preflight checks the field exists and the server accepts the value
    const mapped = config({
      abraExtraFields: [{ collection: 'crmactivities', field: 'X_Region', value: 'Morava' }],
    });
    const ok = await runPreflight(client, mapped, emu.url);
    expect(ok.parts.filter((p) => !p.ok)).toEqual([]);
    // a mapped field the server does not have is named
    const wrong = config({
      abraExtraFields: [{ collection: 'crmactivities', field: 'X_Regoin', value: 'Morava' }],
    });
    const bad = await runPreflight(client, wrong, emu.url);
    expect(bad.parts.find((p) => p.part === 'calendar')!.problems.map((p) => p.field)).toContain('x_regoin');
  });

  it('an extra field must be a user-defined X_ field: anything else is refused by the configuration', () => {
    expect(() =>
      config({ abraExtraFields: [{ collection: 'crmactivities', field: 'division_id', value: 'x' }] }),
    ).toThrow(/abraExtraFields\.0\.field/);
  });

  it('no solver role and division in the settings nor on the type: the dry run shows ABRA’s 810 and 824', async () => {
    const r = await runPreflight(client, config({}, false), emu.url);
    const cal = r.parts.find((p) => p.part === 'calendar')!;
    expect(cal.problems.map((p) => p.field)).toEqual(['solverrole_id', 'division_id']);
    expect(cal.problems[0]!.message).toContain('(810)');
  });
});
