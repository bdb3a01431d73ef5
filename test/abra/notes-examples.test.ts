/** The emulator answers the request/response examples of ../shared/notes/abra-gen-api.md the way the captures show. */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra/index';
import { abraNotesPath, hasShared, sharedSkipReason } from '../helpers/env';

const haveNotes = hasShared && existsSync(abraNotesPath);
const notes = haveNotes ? readFileSync(abraNotesPath, 'utf8') : '';
/** The first ```json block in the notes that contains `marker`, parsed. */
function jsonBlock(marker: string): Record<string, unknown> {
  const blocks = [...notes.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const b = blocks.find((x) => x.includes(marker));
  if (!b) throw new Error(`no json block with ${marker} in the notes`);
  return JSON.parse(b) as Record<string, unknown>;
}

describe.skipIf(!haveNotes)(`ABRA notes examples (${haveNotes ? abraNotesPath : sharedSkipReason})`, () => {
  let emu: AbraEmulator;
  let auth = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const refs = () => ({
    type: emu.control.list('crmactivitytypes')[0]!.id,
    queue: emu.control.list('crmactivityqueues')[0]!.id,
    role: emu.control.list('securityroles')[0]!.id,
    div: emu.control.list('divisions')[0]!.id,
    firm: emu.control.list('firms', 'firm_id = null')[0]!.id,
    area: emu.control.list('crmactivityareas')[0]!.id,
  });
  beforeAll(async () => {
    emu = await startAbraEmulator({ seed: 11, size: 'small' });
    auth = `Basic ${Buffer.from(`${emu.user}:${emu.password}`).toString('base64')}`;
  });
  afterAll(() => emu.stop());

  it('§2.3 GET currentuser → exactly id, name, email, loginname', async () => {
    expect(notes).toContain('{"id": "2610000101", "name": "API", "email": "", "loginname": "API"}');
    const r = await call('GET', '/currentuser');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['email', 'id', 'loginname', 'name']);
    expect(r.body.id).toBe(emu.currentUserId);
  });

  it('§4.1 list with select echoes the select spelling, bare array, take honoured', async () => {
    const m = /GET \/demo\/(crmactivities\?select=[^\s]+)/.exec(notes)!;
    const path = `/${m[1]!.replace(/%20/g, ' ')}`;
    const url = new URL(`http://x${path}`);
    const r = await call('GET', `/crmactivities?${url.searchParams.toString()}`);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body.length).toBeGreaterThan(0);
    expect(r.body.length).toBeLessThanOrEqual(5);
    const want = url.searchParams.get('select')!.split(',');
    for (const row of r.body) {
      expect(Object.keys(row)).toEqual(want);
      expect([2, 3]).toContain(row.Status);
      expect(row['SheduledStart$DATE']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('§4.2 full GET of an activity has every key of the capture, lowercase, owned arrays, ID strings', async () => {
    const capture = jsonBlock('"activityarea_id"');
    const id = emu.control.list('crmactivities')[0]!.id as string;
    const r = await call('GET', `/crmactivities/${id}`);
    expect(r.status).toBe(200);
    for (const k of Object.keys(capture)) expect(r.body).toHaveProperty([k]);
    for (const [k, v] of Object.entries(capture)) {
      if (Array.isArray(v)) expect(Array.isArray(r.body[k])).toBe(true);
      if (typeof v === 'number') expect(typeof r.body[k]).toBe('number');
      if (typeof v === 'boolean') expect(typeof r.body[k]).toBe('boolean');
    }
    expect(r.body.classid).toBe(capture.classid);
  });

  it('§5.2 JSON query with class, nested select and exists', async () => {
    const q = jsonBlock('"class": "Firms"');
    const firm = emu.control.list('firms', 'firm_id = null')[0]!;
    const email = (firm.residenceaddress_id as { email: string }).email;
    emu.control.insertOwned('firms', firm.id as string, 'firmoffices', {
      name: 'Pobočka',
      address_id: { email: 'x@y.cz' },
    });
    delete q.groupby;
    const r = await call('POST', '/query', q);
    expect(r.status).toBe(200);
    expect(r.body.map((x: { ID: string }) => x.ID)).toContain(firm.id);
    const row = r.body.find((x: { ID: string }) => x.ID === firm.id);
    expect(row.FirmOffices).toEqual([expect.objectContaining({ 'Address_ID.EMail': 'x@y.cz' })]);
    expect(email).toBeTruthy();
    const viaColl = await call('POST', '/firms/query', { ...q, class: undefined });
    expect(viaColl.body).toEqual(r.body);
  });

  it('§5.3 every where example of the notes that applies to emulated classes parses and runs', async () => {
    const firm = emu.control.list('firms', 'firm_id = null')[0]!;
    const email = (firm.residenceaddress_id as { email: string }).email;
    const cases: [string, string][] = [
      ['crmactivities', 'Status eq 2 or Status eq 3'],
      [
        'crmactivities',
        `(ResponsibleUser_ID eq '${emu.currentUserId}' or SolverUser_ID eq '${emu.currentUserId}' or CreatedBy_ID eq '${emu.currentUserId}')`,
      ],
      ['crmactivities', `Firm_ID eq '${firm.id}'`],
      ['firms', `((firm_id = null)) and hidden='N' and ResidenceAddress_ID.email = '${email}'`],
      ['firms', 'hidden eq false'],
      ['firms', `OrgIdentNumber = '${firm.orgidentnumber}'`],
      ['persons', "Address_id.email eq 'x@y.cz'"],
      ['firms', "(Name like '*a*' or Code like '*a*' or OrgIdentNumber like '*1*')"],
      ['firms', `id in ('${firm.id}','1200000101')`],
      ['firms', `exists(FirmPersons WHERE Person_ID.Address_ID.EMail ne null)`],
      [
        'periods',
        "datefrom$date le timestamp'2026-12-31T23:49:00' and dateto$date gt timestamp'2026-12-31T23:49:00'",
      ],
      ['firms', "correctedat$date gt timestamp'2020-04-09T12:11:23.835Z'"],
      ['crmactivities', 'source_id ne null'],
      ['firms', "hidden='N' and correctedat$date gt timestamp'2020-04-09T12:11:23.835Z'"],
    ];
    for (const [coll, where] of cases) {
      const r = await call('GET', `/${coll}?where=${encodeURIComponent(where)}`);
      expect(r.status, where).toBe(200);
      expect(r.body.length, where).toBe(emu.control.list(coll, where).length);
    }
    const hit = await call(
      'GET',
      `/firms?where=${encodeURIComponent(`ResidenceAddress_ID.email = '${email}'`)}`,
    );
    expect(hit.body.map((x: { id: string }) => x.id)).toContain(firm.id);
  });

  it('§6.1 POST crmactivities like the capture → 201, lowercase full object, server defaults', async () => {
    const x = refs();
    const r = await call('POST', '/crmactivities', {
      Subject: 'Follow-up',
      Firm_ID: x.firm,
      ActivityType_ID: x.type,
      SheduledStart$DATE: '2026-06-08T10:00:00.000Z',
      Description: '…',
      ActQueue_ID: x.queue,
      Division_ID: x.div,
      SolverRole_ID: x.role,
      ActivityArea_ID: x.area,
    });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^[0-9A-Z]{10}$/);
    expect(r.body.period_id).toBeTruthy(); // derived from SheduledStart$DATE
    expect(r.body.createdby_id).toBe(emu.currentUserId);
    expect(r.body['correctedat$date']).toBeNull();
    expect(r.body['realstart$date']).toMatch(/Z$/);
    expect(Object.keys(r.body).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('§6.1 POST firms with inline owned addresses and ?select=id; firmpersons sub-resource', async () => {
    const body = jsonBlock('"Test firma"');
    const r = await call('POST', '/firms?select=id', body);
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['id']);
    const full = await call('GET', `/firms/${r.body.id}`);
    expect(full.body.residenceaddress_id).toMatchObject({ city: 'Písek', zip: '397 01', email: 'a@b.cz' });
    expect(full.body.electronicaddress_id).toMatchObject({ email: 'a@b.cz' });
    const person = emu.control.insert('persons', { firstname: 'P', lastname: 'Q' });
    const fp = await call('POST', `/firms/${r.body.id}/firmpersons?select=id,person_id`, {
      person_id: person.id,
    });
    expect(fp.status).toBe(201);
    expect(fp.body).toEqual({ id: expect.any(String), person_id: person.id });
  });

  it('§6.4 ?validation=true → 200 with @meta.validation, nothing stored', async () => {
    const r = await call('POST', '/crmactivities?validation=true', {
      Subject: 'x',
      ActivityType_ID: refs().type,
    });
    expect(r.status).toBe(200);
    expect(r.body.objversion).toBe(0);
    expect(r.body.displayname).toBe('Bez čísla');
    expect(r.body['@meta'].version).toBe(1);
    const errs = r.body['@meta'].validation.errors;
    expect(errs.count).toBe(errs.values.length);
    const fields = errs.values.map((v: object) => Object.keys(v)[0]);
    expect(fields).toEqual(expect.arrayContaining(['actqueue_id', 'solverrole_id', 'division_id']));
    expect(errs.values[0].actqueue_id).toMatchObject({ '@code': 800, '@displaylabel': 'Rad aktivít' });
    expect(r.body['@meta'].validation.warnings).toEqual({ count: 0, values: [] });
    expect((await call('GET', `/crmactivities/${r.body.id}`)).status).toBe(404);
  });

  it('§6.5 error bodies: 400 validation (NxError 1520) and 404 (EWARESTError 0)', async () => {
    const bad = await call('POST', '/crmactivities', { Subject: 'x', ActivityType_ID: refs().type });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      title: 'Chyba pri spracovaní api dopytu',
      exception_class: 'NxError',
      error_code: 1520,
    });
    expect(bad.body.description).toContain(
      'Chyba pri validácii objektu "Aktivita: Bez čísla":\r\nChyba v zadaní položky Rad aktivít',
    );
    const nf = await call('GET', '/crmactivities/L100000101');
    expect(nf).toEqual({
      status: 404,
      body: {
        title: 'Chyba pri spracovaní api dopytu',
        description: 'Neboli nájdené žiadne záznamy zodpovedajúce zadaným kritériám',
        exception_class: 'EWARESTError',
        error_code: 0,
      },
    });
    expect((await call('GET', '/accountingperiods')).status).toBe(404);
    expect((await call('GET', '/crmactivities?select=ResponsibleCustomerPerson_ID')).status).toBe(400);
    expect((await call('GET', '/securityusers?select=Hidden')).status).toBe(400);
    expect((await call('GET', '/persons?select=ElectronicAddress_ID')).status).toBe(400);
    expect(
      (await call('GET', `/persons?where=${encodeURIComponent("Firm_ID eq '3000000101'")}`)).status,
    ).toBe(400);
    const agg = await call('GET', '/firms?select=FirmPersons(id)');
    expect(agg.status).toBe(400);
    expect(agg.body.description).toContain('Neznáma agregačná funkcia');
  });

  it('§0.14 firm major correction: old Firm_ID → new, current firms have Firm_ID = null', async () => {
    const old = emu.control.list('firms', 'firm_id = null')[1]!;
    const neu = emu.control.majorCorrection(old.id as string, {});
    const r = await call('GET', `/firms/${old.id}?select=ID,Firm_ID`);
    expect(r.body).toEqual({ ID: old.id, Firm_ID: neu.id });
    const cur = await call('GET', `/firms?select=id&where=${encodeURIComponent('((firm_id = null))')}`);
    const ids = cur.body.map((x: { id: string }) => x.id);
    expect(ids).toContain(neu.id);
    expect(ids).not.toContain(old.id);
  });

  it('§2.2 Basic auth: none → 401, login:token works, ;lock_connection accepted, ?auth= accepted', async () => {
    expect((await fetch(`${emu.url}/currentuser`)).status).toBe(401);
    const tok = await fetch(`${emu.url}/currentuser`, {
      headers: { authorization: `Basic ${Buffer.from(`${emu.user}:${emu.token}`).toString('base64')}` },
    });
    expect(tok.status).toBe(200);
    const fast = await fetch(`${emu.url}/currentuser`, {
      headers: { authorization: `Basic ${Buffer.from(`:${emu.token}`).toString('base64')}` },
    });
    expect(fast.status).toBe(200);
    const lock = await fetch(`${emu.url}/currentuser`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${emu.user}:${emu.password};lock_connection`).toString('base64')}`,
      },
    });
    expect(lock.status).toBe(200);
    const q = await fetch(
      `${emu.url}/currentuser?auth=${encodeURIComponent(Buffer.from(`${emu.user}:${emu.password}`).toString('base64'))}`,
    );
    expect(q.status).toBe(200);
  });
});
