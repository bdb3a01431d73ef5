/**
 * Admin policy: an optional JSON file that presets settings for every user of the machine and can lock them.
 *
 *   {
 *     "sync":        { "abra": { "serverUrl": "https://abra.firma.cz:8443", "connection": "data" } },
 *     "preferences": { "notifications": true },
 *     "locked":      ["sync.abra.serverUrl", "sync.abra.connection", "sync.parts.mail.enabled"]
 *   }
 *
 * Looked for next to the executable first, then in the machine-wide location:
 *   Windows  %ProgramData%\ABRA Gen Exchange Sync\policy.json
 *   macOS    /Library/Application Support/ABRA Gen Exchange Sync/policy.json
 *   Linux    /etc/abra-gen-exchange-sync/policy.json
 * Presets fill what the user has not set; locked values always win and cannot be changed through the app. Secret-like
 * fields in a policy are ignored (passwords do not belong in a file every user can read).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Locale, tr } from '../shared/messages';
import type { FieldIssue, PolicyInfo } from './ipc-contract';
import { stripSecretFields } from './settings';
import { checkFeedUrl } from './update-feed';
import type { UpdatesPolicy } from './update-policy';

export const POLICY_FILE = 'policy.json';

export interface Policy extends PolicyInfo {
  /** Nested preset values: `{ sync: {...}, preferences: {...} }`. */
  values: { sync?: Record<string, unknown>; preferences?: Record<string, unknown> };
  /** The `updates` section (automatic updates: on/off, feed, interval); see parseUpdatesPolicy. */
  updates?: UpdatesPolicy;
}

export const NO_POLICY: Policy = { source: null, locked: [], values: {} };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sync settings that count only when the admin policy gives them, never from the user's own settings:
 * `exchange.legacyTlsHost` lets TLS 1.0/1.1 through for one Exchange host (Exchange 2007, #19), a security
 * downgrade that is the IT administrator's decision.
 */
export const ADMIN_ONLY = ['exchange.legacyTlsHost'];

/**
 * Candidate paths, in the order they win: the machine-wide place of the OS first (only an administrator can write
 * it), then the folder of the executable (the per-user install folder is writable by the user, so a policy.json
 * there must not override the administrator's).
 */
export function policyCandidates(opts: {
  exeDir: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}): string[] {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const out: string[] = [];
  if (platform === 'win32') {
    const pd = env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData';
    out.push(path.win32.join(pd, 'ABRA Gen Exchange Sync', POLICY_FILE));
  } else if (platform === 'darwin') {
    out.push(path.posix.join('/Library/Application Support/ABRA Gen Exchange Sync', POLICY_FILE));
  } else {
    out.push(path.posix.join('/etc/abra-gen-exchange-sync', POLICY_FILE));
  }
  out.push((platform === 'win32' ? path.win32 : path).join(opts.exeDir, POLICY_FILE));
  return out;
}

/** Parse a policy document; throws with a message naming the file and the problem. */
export function parsePolicy(raw: unknown, source: string): Policy {
  if (!isObj(raw)) throw new Error(`admin policy ${source}: must be a JSON object`);
  const locked = raw.locked ?? [];
  if (
    !Array.isArray(locked) ||
    !locked.every((x) => typeof x === 'string' && /^(sync|preferences)(\.\w+)+$/.test(x))
  )
    throw new Error(
      `admin policy ${source}: "locked" must be a list of dotted setting paths such as "sync.abra.serverUrl"`,
    );
  for (const k of Object.keys(raw))
    if (!['sync', 'preferences', 'locked', 'updates', '$comment', 'comment'].includes(k))
      throw new Error(
        `admin policy ${source}: unknown key "${k}" (allowed: sync, preferences, locked, updates)`,
      );
  if (raw.sync !== undefined && !isObj(raw.sync))
    throw new Error(`admin policy ${source}: "sync" must be an object`);
  if (raw.preferences !== undefined && !isObj(raw.preferences))
    throw new Error(`admin policy ${source}: "preferences" must be an object`);
  const values: Policy['values'] = {};
  if (isObj(raw.sync)) values.sync = stripSecretFields(raw.sync) as Obj;
  if (isObj(raw.preferences)) values.preferences = stripSecretFields(raw.preferences) as Obj;
  const policy: Policy = { source, locked: [...new Set(locked as string[])].sort(), values };
  if (raw.updates !== undefined) policy.updates = parseUpdatesPolicy(raw.updates, source);
  return policy;
}

/** The first policy file that exists; NO_POLICY when none. A broken file throws (the admin must notice). */
export function loadPolicy(candidates: string[]): Policy {
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`admin policy ${file} is not valid JSON: ${(e as Error).message}`);
    }
    return parsePolicy(raw, file);
  }
  return NO_POLICY;
}

export function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const k of dotted.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function setPath(obj: Obj, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k] as Obj;
  }
  cur[keys[keys.length - 1]!] = structuredClone(value);
}

/** `base` with `over` filled in where base has nothing (deep, objects only). */
function fillMissing(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (out[k] === undefined) out[k] = structuredClone(v);
    else if (isObj(out[k]) && isObj(v)) out[k] = fillMissing(out[k] as Obj, v);
  }
  return out;
}

/**
 * Apply the policy to one section (`sync` or `preferences`) of the user's settings: presets fill gaps, locked values
 * replace whatever the user has. `input` null (nothing saved) yields the presets alone, or null without presets.
 */
export function applyPolicy(section: 'sync' | 'preferences', input: Obj | null, policy: Policy): Obj | null {
  const preset = policy.values[section];
  if (!input && !preset) return null;
  const own = input ? structuredClone(input) : {};
  // settings only the admin may give: the user's own value never counts
  if (section === 'sync')
    for (const p of ADMIN_ONLY) {
      const keys = p.split('.');
      const parent = getPath(own, keys.slice(0, -1).join('.'));
      if (isObj(parent)) delete parent[keys[keys.length - 1]!];
    }
  const out = fillMissing(own, preset ?? {});
  for (const p of policy.locked) {
    if (!p.startsWith(`${section}.`)) continue;
    const rel = p.slice(section.length + 1);
    const v = getPath(preset, rel);
    if (v !== undefined) setPath(out, rel, v);
  }
  return out;
}

/**
 * Changes to locked settings: for every locked path under `section` whose value in `candidate` differs from the
 * policy's value (or, when the policy gives none, from `current`), an issue naming the field.
 */
export function lockedViolations(
  section: 'sync' | 'preferences',
  candidate: unknown,
  current: unknown,
  policy: Policy,
  locale: Locale = 'en',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const p of policy.locked) {
    if (!p.startsWith(`${section}.`)) continue;
    const rel = p.slice(section.length + 1);
    const want = getPath(policy.values[section], rel) ?? getPath(current, rel);
    const got = getPath(candidate, rel);
    if (got === undefined || want === undefined) continue;
    if (JSON.stringify(got) !== JSON.stringify(want))
      issues.push({
        path: rel,
        message: tr(locale, 'config.locked', {
          path: rel,
          source: policy.source ? ` (${policy.source})` : '',
        }),
      });
  }
  return issues;
}

/**
 * The policy's `updates` section: `{ "enabled": false }` switches automatic updates off (IT rolls out new versions
 * itself); `"feedUrl": "https://…/abra-sync/"` takes updates from that folder (latest.yml & co., e.g. an internal
 * mirror of the release) instead of the feed built into the app; `"checkIntervalHours"` 1–168 (default 6).
 */
export function parseUpdatesPolicy(raw: unknown, source: string): UpdatesPolicy {
  const where = `admin policy ${source}: "updates"`;
  if (!isObj(raw)) throw new Error(`${where} must be an object`);
  const out: UpdatesPolicy = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'enabled') {
      if (typeof v !== 'boolean') throw new Error(`${where}.enabled must be true or false`);
      out.enabled = v;
    } else if (k === 'feedUrl') {
      if (typeof v !== 'string') throw new Error(`${where}.feedUrl must be a string`);
      try {
        out.feedUrl = checkFeedUrl(v).href;
      } catch (e) {
        throw new Error(`${where}.feedUrl: ${(e as Error).message}`);
      }
    } else if (k === 'checkIntervalHours') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 168)
        throw new Error(`${where}.checkIntervalHours must be a whole number of hours from 1 to 168`);
      out.checkIntervalHours = v;
    } else throw new Error(`${where}: unknown key "${k}" (allowed: enabled, feedUrl, checkIntervalHours)`);
  }
  return out;
}
