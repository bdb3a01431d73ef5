/** Client ↔ emulator over real loopback HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbraClient } from '../../src-main/abra/client';
import { and, contains, eq, exists, inList, isNull, lit, ne } from '../../src-main/shared/abra-where';
import { SyncError } from '../../src-main/shared/errors';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra/index';

let emu: AbraEmulator;
let client: AbraClient;
const mk = (o: Partial<ConstructorParameters<typeof AbraClient>[0]> = {}) =>
  new AbraClient({
    baseUrl: emu.url,
    login: emu.user,
    password: emu.password,
    retryBaseMs: 5,
    pageSize: 7,
    ...o,
  });

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(SyncError);
    return (e as SyncError).kind;
  }
}

beforeAll(async () => {
  // persons with change stamps (assumed, see extra-fields.ts): these client tests use persons as an audited collection
  emu = await startAbraEmulator({ seed: 7, size: 'small', personAuditDates: true });
  client = mk();
});
afterAll(() => emu.stop());
beforeEach(() => emu.faults.clear());

describe('auth and current user', () => {
  it('password and token both log in; currentuser matches', async () => {
    const me = await client.currentUser();
    expect(me.id).toBe(emu.currentUserId);
    expect(me.id).toMatch(/^[0-9A-Z]{10}$/);
    const viaToken = await mk({ password: undefined, token: emu.token }).currentUser();
    expect(viaToken.id).toBe(emu.currentUserId);
  });
  it('wrong password → auth, user without API right → forbidden, wrong connection → notFound', async () => {
    expect(await kindOf(mk({ password: 'nope' }).currentUser())).toBe('auth');
    const noApi = emu.control.users()[3]; // seeded users from index 3 on have no API right
    expect(noApi).toBeDefined();
    if (noApi)
      expect(await kindOf(mk({ login: noApi.login, password: noApi.password }).currentUser())).toBe(
        'forbidden',
      );
    const other = new AbraClient({
      baseUrl: emu.url.replace(/\/demo$/, '/nosuch'),
      login: emu.user,
      password: emu.password,
    });
    expect(await kindOf(other.currentUser())).toBe('notFound');
  });
  it('rejects a URL without connection and logins with a colon', () => {
    expect(() => new AbraClient({ baseUrl: 'http://127.0.0.1:1', login: 'a' })).toThrow(SyncError);
    expect(() => new AbraClient({ baseUrl: emu.url, login: 'a:b' })).toThrow(SyncError);
  });
});

describe('reads', () => {
  it('lists, details, lowercase keys, select echo is normalised, ids are 10 chars', async () => {
    const firms = await client.queryAll('firms', { where: isNull('firm_id') });
    expect(firms.length).toBe(emu.control.list('firms', 'firm_id = null').length);
    for (const f of firms) expect(f.id).toMatch(/^[0-9A-Z]{10}$/);
    const one = await client.get('Firms', firms[0]!.id);
    expect(one?.residenceaddress_id).toMatchObject({ id: expect.any(String) });
    expect(Object.keys(one!).every((k) => k === k.toLowerCase())).toBe(true);
    const sel = await client.list('firms', { select: 'ID,Name,ResidenceAddress_ID.City as City', take: 2 });
    expect(Object.keys(sel[0]!).sort()).toEqual(['city', 'id', 'name']);
    expect(await client.get('firms', 'ZZZZZZZZZZ')).toBeNull();
  });
  it('paging with skip/take reads everything exactly once', async () => {
    const all = await client.queryAll('persons'); // pageSize 7 → several pages
    const ids = all.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(emu.control.list('persons').length);
    expect(emu.log.entries().filter((e) => e.collection === 'persons').length).toBeGreaterThan(1);
  });
  it('orderby asc/desc', async () => {
    const asc = await client.list('firms', { select: ['id', 'name'], orderby: 'name asc', take: 50 });
    const desc = await client.list('firms', { select: ['id', 'name'], orderby: 'name desc', take: 50 });
    const names = asc.map((r) => r.name as string);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(desc.map((r) => r.name)).toEqual([...names].reverse());
  });
  it('where: like, in, exists, dotted paths, = null, not, booleans, numbers, timestamps', async () => {
    const firm = emu.control.list('firms')[0]!;
    const email = (firm.residenceaddress_id as { email: string }).email;
    const byEmail = await client.list('firms', { where: eq('ResidenceAddress_ID.EMail', email) });
    expect(byEmail.map((r) => r.id)).toContain(firm.id);
    const fp = (firm.firmpersons as { person_id: string }[])[0]!;
    const byExists = await client.list('firms', {
      where: exists('FirmPersons', eq('Person_ID', fp.person_id)),
    });
    expect(byExists.map((r) => r.id)).toEqual([firm.id]);
    const two = emu.control
      .list('persons')
      .slice(0, 2)
      .map((p) => p.id as string);
    expect((await client.list('persons', { where: inList('id', two) })).map((r) => r.id).sort()).toEqual(
      [...two].sort(),
    );
    const part = (firm.name as string).slice(1, 5);
    expect((await client.list('firms', { where: contains('name', part) })).map((r) => r.id)).toContain(
      firm.id,
    );
    const open = await client.queryAll('crmactivities', {
      where: 'Status eq 0 or Status eq 1',
      select: 'id,status',
    });
    expect(open.every((a) => a.status === 0 || a.status === 1)).toBe(true);
    expect(open.length).toBe(emu.control.list('crmactivities', 'status in (0, 1)').length);
    const notHidden = await client.queryAll('firms', { where: `not (hidden = true) and hidden='N'` });
    expect(notHidden.length).toBe(emu.control.list('firms', 'hidden eq false').length);
    const t = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const recent = await client.queryAll('crmactivities', { where: `sheduledstart$date ge timestamp'${t}'` });
    expect(recent.every((a) => (a['sheduledstart$date'] as string) >= t)).toBe(true);
    expect(await kindOf(client.list('firms', { where: ne('nosuchfield', 1) }))).toBe('config');
    expect(await kindOf(client.list('firms', { where: "name = 'unterminated" }))).toBe('config');
  });
  it('expand and the JSON query forms', async () => {
    const firm = emu.control.list('firms')[0]!;
    const ex = await client.list('firms', {
      select: 'id',
      where: eq('id', firm.id as string),
      expand: 'firmpersons(person_id,address_id.email)',
    });
    expect(ex[0]!.firmpersons).toEqual(
      (firm.firmpersons as { person_id: string; address_id: { email: string } }[]).map((r) => ({
        person_id: r.person_id,
        'address_id.email': r.address_id.email,
      })),
    );
    const q = await client.queryJson('firms', {
      select: ['ID', 'Name', { name: 'FirmPersons', value: ['Person_ID'] }],
      where: `((Firm_ID = null)) and id = ${lit(firm.id as string)}`,
      orderby: [{ value: 'Name', desc: false }],
    });
    expect(q).toHaveLength(1);
    expect(q[0]!.firmpersons).toHaveLength((firm.firmpersons as unknown[]).length);
    const r2 = await client.request<unknown[]>('POST', '/query', {
      data: { class: 'Firms', select: ['id'], where: `id = ${lit(firm.id as string)}` },
    });
    expect(r2).toEqual([{ id: firm.id }]);
  });
  it('pickers: activity types, queues, users', async () => {
    const types = await client.activityTypes();
    expect(types.map((t) => t.name)).toEqual(
      expect.arrayContaining(['Schůzka', 'Telefonát', 'Úkol', 'E-mail']),
    );
    expect(types.some((t) => t.hidden)).toBe(false);
    expect((await client.activityTypes(true)).length).toBeGreaterThan(types.length);
    expect((await client.activityQueues()).length).toBeGreaterThan(0);
    const users = await client.users();
    expect(users.map((u) => u.id)).toContain(emu.currentUserId);
  });
});

describe('escaping and injection attempts', () => {
  it("O'Neil & syn is found exactly and cannot inject", async () => {
    const name = "O'Neil & syn s.r.o.";
    const hit = await client.list('firms', { where: eq('name', name) });
    expect(hit).toHaveLength(1);
    expect(hit[0]!.name).toBe(name);
    const evil = "x' or name like '*";
    expect(await client.list('firms', { where: eq('name', evil) })).toEqual([]);
    const created = await client.create('firms', { name: evil, code: 'EVIL' });
    const found = await client.list('firms', { where: and(eq('name', evil), isNull('firm_id')) });
    expect(found.map((f) => f.id)).toEqual([created.id]);
    expect(() => eq('name) or (1', 1)).toThrow(SyncError);
    await client.delete('firms', created.id);
  });
});

describe('writes', () => {
  it('create 201 with audit fields, partial update bumps objversion, delete → 404', async () => {
    const p = await client.create('persons', {
      FirstName: 'Žofie',
      LastName: "D'Arc",
      Address_ID: { EMail: 'z@x.cz' },
    });
    expect(p.objversion).toBe(1);
    expect(p['correctedat$date']).toBeNull();
    expect(p.createdby_id).toBe(emu.currentUserId);
    expect(p['createdat$date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const u = await client.update(
      'persons',
      p.id,
      { lastname: 'Dvořáková' },
      { select: ['id', 'lastname', 'objversion'] },
    );
    expect(u).toEqual({ id: p.id, lastname: 'Dvořáková', objversion: 2 });
    const full = (await client.get('persons', p.id))!;
    expect(full.firstname).toBe('Žofie');
    expect(full.correctedby_id).toBe(emu.currentUserId);
    expect((full.address_id as { email: string }).email).toBe('z@x.cz');
    await client.delete('persons', p.id);
    expect(await client.get('persons', p.id)).toBeNull();
    expect(await kindOf(client.delete('persons', p.id))).toBe('notFound');
  });
  it('owned rows via sub-resources save the owner', async () => {
    const firm = await client.create('firms', {
      name: 'Owned test s.r.o.',
      residenceaddress_id: { city: 'Brno' },
    });
    const person = await client.create('persons', { firstname: 'A', lastname: 'B' });
    const row = await client.createOwned('firms', firm.id, 'firmpersons', { person_id: person.id });
    expect(row.person_id).toBe(person.id);
    const rows = await client.listOwned('firms', firm.id, 'FirmPersons');
    expect(rows.map((r) => r.id)).toEqual([row.id]);
    const after = (await client.get('firms', firm.id))!;
    expect(after.objversion).toBe(2);
    expect(await kindOf(client.delete('persons', person.id))).toBe('validation'); // still linked
    await client.updateOwned('firms', firm.id, 'firmpersons', row.id, { note: 'vedoucí' });
    await client.deleteOwned('firms', firm.id, 'firmpersons', row.id);
    expect(await client.listOwned('firms', firm.id, 'firmpersons')).toEqual([]);
    await client.delete('persons', person.id);
    await client.delete('firms', firm.id);
  });
  it('unknown field in a body → validation error with ABRA message', async () => {
    const e = await client.create('firms', { name: 'x', nosuch: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect(e.kind).toBe('validation');
    expect(e.message).toContain('nosuch');
  });
});

describe('activities: business validation', () => {
  it('missing queue/period/role/division → 400 validation with the server text; validate() lists the fields', async () => {
    const e = await client
      .create('crmactivities', { Subject: 'x', ActivityType_ID: (await client.activityTypes())[0]!.id })
      .catch((x) => x);
    expect(e.kind).toBe('validation');
    expect(e.code).toBe('1520');
    expect(e.message).toContain('Rad aktivít');
    const v = await client.validate('crmactivities', { Subject: 'x' });
    expect(v.ok).toBe(false);
    expect(v.errors.map((x) => x.field)).toEqual(
      expect.arrayContaining(['actqueue_id', 'solverrole_id', 'division_id']),
    );
    expect(v.object.displayname).toBe('Bez čísla');
    // real codes (ABRA-MobileCRM sprint-4-3a results): no type → 803 plus 846/849; no queue → 800 and 801 on the period
    const codes = Object.fromEntries(v.errors.map((x) => [x.field, x.code]));
    expect(codes).toMatchObject({
      actqueue_id: 800,
      period_id: 801,
      solverrole_id: 810,
      division_id: 824,
      activitytype_id: 803,
      nextcontact$date: 846,
      tradedate$date: 849,
    });
    expect(v.errors.find((x) => x.field === 'period_id')?.message).toBe(
      'exception when validating: NxError -> Objekt "Rad aktivít" nemá identitu',
    );
  });
  it('a complete activity is numbered in its series; the create answers like a real server (contacts [], minute timestamps, end = start, period and area filled)', async () => {
    const type = (await client.activityTypes())[0]!;
    const queue = (await client.activityQueues())[0]!;
    const role = (await client.list('securityroles'))[0]!;
    const div = (await client.list('divisions'))[0]!;
    const firm = (await client.list('firms', { take: 1 }))[0]!;
    const body = {
      Subject: 'Schůzka',
      ActivityType_ID: type.id,
      ActQueue_ID: queue.id,
      SolverRole_ID: role.id,
      Division_ID: div.id,
      Firm_ID: firm.id,
      SolverUser_ID: emu.currentUserId,
      SheduledStart$DATE: new Date().toISOString(),
    };
    const v = await client.validate('crmactivities', body);
    expect(v.ok).toBe(true);
    expect(await client.get('crmactivities', v.object.id as string)).toBeNull(); // nothing stored
    const a = await client.create('crmactivities', body);
    expect(a.displayname).toMatch(new RegExp(`^${queue.code}-\\d+/\\d{4}$`));
    expect(a.period_id).toBeTruthy();
    // real 201 (ABRA-MobileCRM follow-up-activity-create-results.json): contacts [], createdat/realstart/realend on
    // the full minute, sheduledend = sheduledstart, activityarea_id filled although not sent
    expect(a.contacts).toEqual([]);
    for (const k of ['createdat$date', 'realstart$date', 'realend$date'])
      expect(String(a[k]), k).toMatch(/:00\.000Z$/);
    expect(a['sheduledend$date']).toBe(a['sheduledstart$date']);
    expect(a.activityarea_id).toBeTruthy();
    const upd = await client.validate('crmactivities', { division_id: null }, a.id);
    expect(upd.ok).toBe(false);
    await client.delete('crmactivities', a.id);
  });
});

describe('changed since, deletions, major correction', () => {
  it('finds creates and edits after the mark, dedupes, takes the high-water mark from the data', async () => {
    const first = await client.changedSince('persons', null);
    expect(first.rows.length).toBe(emu.control.list('persons').length);
    const mark = first.highWater!;
    emu.control.clock.advance(60_000);
    const someone = first.rows[0]!;
    emu.control.update('persons', someone.id, { note: 'changed in ABRA' });
    const fresh = emu.control.insert('persons', { firstname: 'Nový', lastname: 'Kontakt' });
    const seen = new Map(first.rows.map((r) => [r.id, r.objversion as number]));
    // the overlap re-reads the row(s) that set the mark; `known` drops them (same id + objversion)
    const raw = await client.changedSince('persons', mark, { overlapMs: 1000 });
    expect(raw.rows.length).toBeGreaterThanOrEqual(2);
    const next = await client.changedSince('persons', mark, { overlapMs: 1000, known: seen });
    expect(next.rows.map((r) => r.id).sort()).toEqual([someone.id, fresh.id].sort());
    expect(next.highWater).toBe(emu.control.get('persons', fresh.id as string)!['createdat$date']);
    // known objversions are dropped, the overlap re-read does not duplicate
    const known = new Map([...seen, ...next.rows.map((r) => [r.id, r.objversion as number] as const)]);
    const again = await client.changedSince('persons', mark, { overlapMs: 1000, known });
    expect(again.rows).toEqual([]);
    expect(again.highWater).toBe(next.highWater);
    const none = await client.changedSince('persons', next.highWater!, { overlapMs: 0 });
    expect(none).toEqual({ rows: [], highWater: null });
    // select is widened with the audit fields
    const sel = await client.changedSince('persons', mark, { overlapMs: 1000, select: ['firstname'] });
    expect(sel.rows[0]).toHaveProperty('objversion');
  });
  it('deletions show up in the id scan', async () => {
    const before = await client.listIds('persons');
    const victim = emu.control.insert('persons', { firstname: 'Smazat', lastname: 'Mě' });
    expect(await client.listIds('persons')).toContain(victim.id);
    emu.control.remove('persons', victim.id as string);
    expect((await client.listIds('persons')).sort()).toEqual([...before].sort());
    expect(emu.log.entries().some((e) => e.query.includes('select=id'))).toBe(true);
  });
  it('major correction: old record points to the new ID; client follows the chain', async () => {
    const firm = emu.control.list('firms', 'firm_id = null and hidden = false')[0]!;
    const v2 = emu.control.majorCorrection(firm.id as string, { name: `${firm.name} (nová)` });
    const v3 = emu.control.majorCorrection(v2.id as string, {});
    expect(v2.id).not.toBe(firm.id);
    expect(emu.control.get('firms', firm.id as string)!.firm_id).toBe(v2.id);
    expect(await client.resolveFirm(firm.id as string)).toBe(v3.id);
    const map = await client.followFirms([firm.id as string, v3.id as string]);
    expect(map.get(firm.id as string)).toBe(v3.id);
    expect(map.has(v3.id as string)).toBe(false);
    const current = await client.listIds('firms', isNull('firm_id'));
    expect(current).toContain(v3.id);
    expect(current).not.toContain(firm.id);
    const ch = await client.changedSince('firms', new Date(Date.now() - 1000).toISOString(), {
      where: isNull('firm_id'),
    });
    expect(ch.rows.map((r) => r.id)).toContain(v3.id);
  });
});
