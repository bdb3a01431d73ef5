/**
 * The controller with the real engine over the ABRA emulator and an in-memory mailbox: settings validation, secrets
 * that never come back, the engine's lifecycle, connection tests with precise messages, pickers, sync, diagnostics.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Controller, type ControllerDeps, createController } from '../../src-main/app/controller';
import type { AppEvent } from '../../src-main/app/ipc-contract';
import { EXCHANGE_PASSWORD, type Harness, startHarness } from './harness';

let h: Harness;
const controllers: Controller[] = [];

async function make(over: Partial<ControllerDeps> = {}): Promise<Controller> {
  const c = await createController({ ...h.deps, ...over });
  controllers.push(c);
  return c;
}

beforeAll(async () => {
  h = await startHarness();
});
beforeEach(() => {
  h.reset();
});
afterEach(async () => {
  for (const c of controllers.splice(0)) await c.dispose();
});
afterAll(async () => {
  await h?.stop();
});

/** Read every entry of a zip (central directory → local headers → inflate). */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28);
    const elen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const off = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const lnlen = buf.readUInt16LE(off + 26);
    const lelen = buf.readUInt16LE(off + 28);
    const data = buf.subarray(off + 30 + lnlen + lelen, off + 30 + lnlen + lelen + csize);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + nlen + elen + clen;
  }
  return out;
}

describe('controller', () => {
  it('starts empty: no configuration, a plain problem, no engine', async () => {
    const c = await make();
    const s = await c.getState();
    expect(s.sync).toBeNull();
    expect(s.status).toBeNull();
    expect(s.locale).toBe('en');
    expect(s.secrets).toEqual({
      abraPassword: false,
      abraToken: false,
      exchangePassword: false,
      microsoftSignedIn: false,
    });
    expect(s.problems[0]).toMatch(/not set up yet/);
    await expect(c.syncNow()).rejects.toThrow(/not set up yet/);
    expect(await c.listRuns()).toEqual([]);
  });

  it('rejects an invalid configuration with field issues and stores nothing', async () => {
    const c = await make();
    const bad = h.validConfig({ abra: { serverUrl: 'not a url', connection: '', login: 'x' } });
    const r = await c.saveSync(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual(['abra.connection', 'abra.serverUrl']);
    expect(existsSync(h.settings.location)).toBe(false);
    expect((await c.getState()).sync).toBeNull();
    const r2 = await c.saveSync(
      h.validConfig({ parts: { calendar: { enabled: true, direction: 'both', activityTypeIds: [] } } }),
    );
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.issues.map((i) => i.path)).toContain('parts.calendar.activityTypeIds');
    expect(existsSync(h.settings.location)).toBe(false);
  });

  it('saves a valid configuration; the engine waits for the secrets, which never come back', async () => {
    const c = await make();
    const events: AppEvent[] = [];
    c.onEvent((e) => events.push(e));
    const r = await c.saveSync({
      ...h.validConfig(),
      abra: { ...(h.validConfig().abra as object), password: 'x1' },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.state.sync?.abra.login).toBe(h.abra.user);
    expect(JSON.stringify(r.state.sync)).not.toContain('x1'); // a password field in the input is dropped
    expect(r.state.problems).toEqual([
      'The ABRA password is not stored yet (Connections → ABRA).',
      'The Exchange password is not stored yet (Connections → Exchange).',
    ]);
    expect(r.state.status?.parts.find((p) => p.part === 'addressBook')).toMatchObject({
      enabled: true,
      nextRunAt: undefined, // created, not started
    });
    await expect(c.syncNow()).rejects.toThrow(/Cannot sync yet: The ABRA password/);
    expect(events.some((e) => e.type === 'state')).toBe(true);

    const s1 = await c.setSecret('abraPassword', h.abra.password);
    const s2 = await c.setSecret('exchangePassword', EXCHANGE_PASSWORD);
    expect(s1.secrets.abraPassword).toBe(true);
    expect(s2.secrets.exchangePassword).toBe(true);
    expect(s2.problems).toEqual([]);
    const everything = JSON.stringify([s2, events, readFileSync(h.settings.location, 'utf8')]);
    expect(everything).not.toContain(h.abra.password);
    expect(everything).not.toContain(EXCHANGE_PASSWORD);
    // now started, but a new part waits until the user saw its preview and approved the first run
    const book = (st: typeof s2.status) => st?.parts.find((p) => p.part === 'addressBook');
    expect(book(s2.status)).toMatchObject({ awaitingApproval: true, nextRunAt: undefined });
    expect(await c.syncNow('addressBook')).toEqual([]);
    const [first] = await c.approve('addressBook');
    expect(first?.result).toBe('ok');
    // approved: the address book has its next run scheduled
    expect(book(await c.status())).toMatchObject({ awaitingApproval: false, nextRunAt: expect.any(String) });
  });

  it('tests connections and says precisely what is wrong', async () => {
    const c = await make();
    const cfg = h.validConfig();
    await h.secrets.set('abraPassword', h.abra.password);
    await h.secrets.set('exchangePassword', EXCHANGE_PASSWORD);
    const ok = await c.testConnection('abra', cfg);
    expect(ok).toMatchObject({ ok: true, side: 'abra' });
    expect(ok.message).toMatch(/^Connected to ABRA Gen as /);

    const abra = cfg.abra as Record<string, unknown>;
    const wrongConn = await c.testConnection('abra', { ...cfg, abra: { ...abra, connection: 'nope' } });
    expect(wrongConn).toMatchObject({ ok: false, kind: 'notFound' });
    expect(wrongConn.message).toContain('no Web API connection named "nope"');

    // the stored password was entered for the harness's server: another URL does not get it (security review)
    const elsewhere = { ...cfg, abra: { ...abra, serverUrl: 'http://127.0.0.1:1' } };
    const refused = await c.testConnection('abra', elsewhere);
    expect(refused).toMatchObject({ ok: false, kind: 'auth' });
    expect(refused.message).toBe(
      'The saved ABRA password was entered for another server; it is not sent to 127.0.0.1:1. Enter it again for this server.',
    );
    // entered again in the form for that server: now it is tried there
    await c.setSecret('abraPassword', h.abra.password, elsewhere);
    const unreachable = await c.testConnection('abra', elsewhere);
    expect(unreachable).toMatchObject({ ok: false, kind: 'unreachable' });
    expect(unreachable.message).toMatch(/Cannot reach the ABRA server 127\.0\.0\.1:1/);
    // a secret entered again belongs to the server it was entered for: the first one no longer gets it
    expect((await c.testConnection('abra', cfg)).message).toMatch(/entered for another server/);
    await c.setSecret('abraPassword', h.abra.password, cfg);

    const noRights = h.abra.control.users().find((_u, i) => i >= 3)!;
    await h.secrets.set('abraPassword', noRights.password);
    const forbidden = await c.testConnection('abra', { ...cfg, abra: { ...abra, login: noRights.login } });
    expect(forbidden).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(forbidden.message).toContain('has no right to use the ABRA Gen Web API');

    await h.secrets.set('abraPassword', 'wrong-password');
    const auth = await c.testConnection('abra', cfg);
    expect(auth).toMatchObject({ ok: false, kind: 'auth' });
    expect(auth.message).toContain(`rejected the login "${h.abra.user}" or the password`);

    const invalid = await c.testConnection('abra', { abra: { serverUrl: 'x' } });
    expect(invalid).toMatchObject({ ok: false, kind: 'config' });
    expect(invalid.message).toContain('Web API server URL: must be a URL');

    const mb = await c.testConnection('exchange', cfg);
    expect(mb).toMatchObject({ ok: true, side: 'exchange' });
    expect(mb.message).toContain('<jan.novak@firma.cz> (Exchange2016)');
    await h.secrets.set('exchangePassword', 'nope');
    const mbAuth = await c.testConnection('exchange', cfg);
    expect(mbAuth).toMatchObject({ ok: false, kind: 'auth' });
    expect(mbAuth.message).toContain('rejected the user name or password for jan.novak@firma.cz');
    await h.secrets.set('exchangePassword', null);
    const mbMissing = await c.testConnection('exchange', cfg);
    expect(mbMissing.message).toBe('The Exchange password is not stored yet (Connections → Exchange).');
    // nothing was saved by testing
    expect((await c.getState()).sync).toBeNull();
  });

  it('answers in Czech when the system is Czech, and in the language the user chose over it', async () => {
    const c = await make({ systemLocale: 'cs-CZ' });
    expect((await c.getState()).locale).toBe('cs');
    expect((await c.getState()).problems).toEqual([
      'Připojení zatím nejsou nastavena: zadejte svůj server ABRA Gen a poštovní schránku (Připojení).',
    ]);
    const bad = await c.saveSync(
      h.validConfig({
        abra: { serverUrl: 'not a url', connection: '', login: 'x' },
        parts: { calendar: { enabled: true, direction: 'both', activityTypeIds: [], intervalMinutes: 0 } },
      }),
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const said = Object.fromEntries(bad.issues.map((i) => [i.path, i.message]));
    expect(said['abra.connection']).toBe('je povinné');
    expect(said['abra.serverUrl']).toBe('musí být adresa, např. https://server:port');
    expect(said['parts.calendar.intervalMinutes']).toMatch(/^Hodnota je příliš malá/); // zod's Czech
    expect(said['parts.calendar.activityTypeIds']).toBe(
      'vyberte pro tuto část alespoň jeden typ aktivity ABRA',
    );

    const cfg = h.validConfig();
    const missing = await c.testConnection('exchange', cfg);
    expect(missing.message).toBe('Heslo k Exchange zatím není uloženo (Připojení → Exchange).');
    await h.secrets.set('abraPassword', 'wrong-password');
    const auth = await c.testConnection('abra', cfg);
    expect(auth).toMatchObject({ ok: false, kind: 'auth' });
    expect(auth.message).toBe(
      `ABRA odmítla přihlašovací jméno „${h.abra.user}“ nebo heslo. Zkontrolujte obojí a zadejte heslo znovu.`,
    );
    await h.secrets.set('abraPassword', h.abra.password);
    expect((await c.testConnection('abra', cfg)).message).toMatch(/^Připojeno k ABRA Gen jako /);

    await c.savePreferences({ startAtLogin: false, language: 'en', notifications: true });
    expect((await c.getState()).locale).toBe('en');
    expect((await c.testConnection('exchange', cfg)).message).toBe(
      'The Exchange password is not stored yet (Connections → Exchange).',
    );
  });

  it('syncs with the real engine, fills pickers, validates where, searches firms, exports diagnostics', async () => {
    // no timers: the first scheduled run would otherwise start at once and race the preview
    const c = await make({ autoStart: false });
    expect((await c.saveSync(h.validConfig())).ok).toBe(true);
    await c.setSecret('abraPassword', h.abra.password);
    await c.setSecret('exchangePassword', EXCHANGE_PASSWORD);

    const types = await c.activityTypes();
    expect(types.length).toBeGreaterThan(0);
    expect(types[0]).toMatchObject({ id: expect.any(String), name: expect.any(String) });
    expect((await c.activityQueues()).length).toBeGreaterThan(0);
    // roles show their shortname as the code (real securityroles have no code); divisions id, code, name
    const roles = await c.solverRoles();
    expect(roles.length).toBeGreaterThan(0);
    expect(roles[0]).toMatchObject({
      id: expect.any(String),
      code: expect.any(String),
      name: expect.any(String),
    });
    expect((await c.divisions()).length).toBeGreaterThan(0);
    // the e-mail archive's own account picker: ABRA's e-mail accounts (one per seeded user with an address)
    const accounts = await c.emailAccounts();
    expect(accounts.length).toBeGreaterThan(0);
    expect(accounts[0]).toMatchObject({ id: expect.any(String), code: expect.stringContaining('@') });
    // "Check against server": the preflight of the saved settings passes on the emulator, per part
    const pf = await c.checkAgainstServer();
    expect(pf.general).toEqual([]);
    expect(pf.parts.length).toBeGreaterThan(0);
    expect(pf.parts.filter((p) => !p.ok).map((p) => p.problems.map((x) => x.message))).toEqual([]);
    expect((await c.mailFolders()).map((f) => f.path)).toContain('Inbox/Customers');

    const firms = h.abra.control.list('firms', 'hidden = false');
    const good = await c.validateWhere('firms', 'hidden = false');
    expect(good).toMatchObject({ ok: true, count: firms.length });
    const bad = await c.validateWhere('firms', 'nosuchfield === 3');
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/^ABRA does not accept the expression: /);

    const withPerson = firms.find((f) => Array.isArray(f.firmpersons) && f.firmpersons.length > 0)!;
    const hits = await c.searchFirms(String(withPerson.name).slice(0, 6));
    const hit = hits.find((x) => x.id === withPerson.id)!;
    expect(hit).toBeDefined();
    expect(hit.persons.length).toBeGreaterThan(0);
    expect(await c.searchFirms('x')).toEqual([]);

    const plan = await c.preview('addressBook');
    expect(plan.summaries[0]?.result).toBe('dryRun');
    expect(plan.plan.some((p) => p.action === 'create' && p.side === 'exchange')).toBe(true);
    expect(h.mailbox()?.items.size ?? 0).toBe(0);

    const [run] = await c.approve('addressBook');
    expect(run?.result).toBe('ok');
    expect(run?.counts.exchange.created).toBeGreaterThan(0);
    expect(h.mailbox()!.items.size).toBe(run!.counts.exchange.created);
    const runs = await c.listRuns(10);
    expect(runs[0]?.runId).toBe(run?.runId);
    const status = await c.status();
    expect(status?.parts.find((p) => p.part === 'addressBook')?.lastRun?.result).toBe('ok');

    const d = await c.exportDiagnostics();
    expect(d.ok).toBe(true);
    const zip = readFileSync(d.path!);
    const entries = unzip(zip);
    expect([...entries.keys()].sort()).toEqual([
      'about.json',
      'conflicts.json',
      'failures.json',
      'logs/app.log',
      'runs.json',
      'settings.json',
      'status.json',
    ]);
    expect(entries.get('logs/app.log')!.toString()).toContain('addressBook: ok');
    const runsJson = JSON.parse(entries.get('runs.json')!.toString('utf8'));
    expect(runsJson[0].runId).toBe(run?.runId);
    const all = Buffer.concat([...entries.values()]).toString('utf8');
    expect(all).not.toContain(h.abra.password);
    expect(all).not.toContain(EXCHANGE_PASSWORD);
    const settingsJson = JSON.parse(entries.get('settings.json')!.toString());
    expect(settingsJson.sync.abra.login).toBe(h.abra.user);
    expect(settingsJson.stored).toEqual(['abraPassword', 'exchangePassword']);
    try {
      const listing = execFileSync('unzip', ['-l', d.path!], { encoding: 'utf8' });
      expect(listing).toContain('runs.json');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }

    await c.openLog();
    expect(h.opened).toEqual([h.deps.logFile]);
  });

  it('notifies once per problem and persists pause across restarts', async () => {
    const c = await make();
    expect((await c.saveSync(h.validConfig())).ok).toBe(true);
    await c.setSecret('abraPassword', 'definitely-wrong');
    await c.setSecret('exchangePassword', EXCHANGE_PASSWORD);
    h.notifications.length = 0;
    const [r1] = await c.approve('addressBook');
    expect(r1).toMatchObject({ result: 'failed', errorKind: 'auth' });
    await c.syncNow('addressBook');
    expect(h.notifications).toHaveLength(1);
    expect(h.notifications[0]?.title).toBe('Address book: sign in again');
    const st = await c.getState();
    expect(st.status?.parts.find((p) => p.part === 'addressBook')?.attention?.kind).toBe('auth');

    await c.pause();
    expect((await c.status())?.paused).toBe(true);
    await c.dispose();
    const c2 = await make();
    expect((await c2.status())?.paused).toBe(true);
    await c2.resume();
    expect((await c2.status())?.paused).toBe(false);
    expect(JSON.parse(readFileSync(h.settings.location, 'utf8')).paused).toBe(false);
  });

  it('one toast per problem, none after the fix; storing the right password retries at once and clears the red state', async () => {
    const c = await make();
    expect((await c.saveSync(h.validConfig())).ok).toBe(true);
    await c.setSecret('abraPassword', 'definitely-wrong');
    await c.setSecret('exchangePassword', EXCHANGE_PASSWORD);
    h.notifications.length = 0;
    const [r1] = await c.approve('addressBook');
    expect(r1).toMatchObject({ result: 'failed', errorKind: 'auth' });
    expect(h.notifications).toHaveLength(1);
    // a click on it opens Connections, where the password is entered
    expect(h.notifications[0]?.page).toBe('connections');
    // an unrelated save does not repeat it
    expect((await c.saveSync(h.validConfig())).ok).toBe(true);
    expect(h.notifications).toHaveLength(1);
    // the fix: the failing part runs again at once, not at its next interval
    await c.setSecret('abraPassword', h.abra.password);
    const book = async () => (await c.status())?.parts.find((p) => p.part === 'addressBook');
    for (let i = 0; i < 200 && (await book())?.lastRun?.result !== 'ok'; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect((await book())?.lastRun?.result).toBe('ok');
    expect((await book())?.attention).toBeUndefined();
    expect(h.notifications).toHaveLength(1);
  });

  it('a connection test against a server that never answers gives up in time with a plain answer', async () => {
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = net.createServer((sock) => sockets.push(sock)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const c = await make({ testTimeoutMs: 400, systemLocale: 'cs-CZ' });
      await c.setSecret('abraPassword', 'x');
      const started = Date.now();
      const r = await c.testConnection('abra', {
        abra: { serverUrl: `http://127.0.0.1:${port}`, connection: 'data', login: 'jan' },
      });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(r).toMatchObject({ ok: false, side: 'abra', kind: 'timeout' });
      expect(r.message).toContain('neodpověděl včas');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('forgetting a secret stops the timers again', async () => {
    const c = await make();
    expect((await c.saveSync(h.validConfig())).ok).toBe(true);
    await c.setSecret('abraPassword', h.abra.password);
    await c.setSecret('exchangePassword', EXCHANGE_PASSWORD);
    await c.approve();
    expect((await c.status())?.parts[0]?.nextRunAt).toBeTruthy();
    const s = await c.setSecret('exchangePassword', null);
    expect(s.secrets.exchangePassword).toBe(false);
    expect(s.problems).toEqual(['The Exchange password is not stored yet (Connections → Exchange).']);
    expect(s.status?.parts[0]?.nextRunAt).toBeUndefined();
  });

  it('uses Czech for a Czech or Slovak system and the chosen language otherwise', async () => {
    const c = await createController({ ...h.deps, systemLocale: 'sk-SK' });
    controllers.push(c);
    expect((await c.getState()).locale).toBe('cs');
    const r = await c.savePreferences({ startAtLogin: true, language: 'en', notifications: false });
    expect(r.ok && r.state.locale).toBe('en');
    expect(r.ok && r.state.preferences.startAtLogin).toBe(true);
  });
});
