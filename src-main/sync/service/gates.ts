/** Before a run: the preflight gate for parts that write to ABRA, and who the ABRA login is. */
import { SyncError } from '../../shared/errors';
import { note, noteText } from '../../shared/messages';
import type { PartName, SyncConfig } from '../config';
import { scopeFingerprint } from '../scope';
import type { StateStore } from '../state/store';
import { approvedKey, type Connections } from './options';

/** Does this part write to ABRA with the current settings? */
function writesToAbra(config: SyncConfig, part: PartName): boolean {
  if (part === 'mail') return true;
  return config.parts[part].direction !== 'abraToExchange';
}

/**
 * A part that writes to ABRA runs only once a preflight passed for it on this server (recorded in the state file).
 * The preflight runs here when none is recorded; a refusal stops the part with the problems named.
 */
export async function preflightGate(
  config: SyncConfig,
  conn: Connections | null,
  state: StateStore,
  part: PartName,
): Promise<void> {
  if (!config.safety.requirePreflight || !conn?.preflight || !writesToAbra(config, part)) return;
  const key = `preflight:${conn.abraServer ?? ''}`;
  if (state.getCursor(part, key)) return;
  const r = await conn.preflight();
  for (const p of r.parts) if (p.ok && r.general.length === 0) state.setCursor(p.part, key, r.at);
  const mine = r.parts.find((p) => p.part === part);
  if (mine?.ok && r.general.length === 0) return;
  const problems = [...r.general, ...(mine?.problems ?? [])].map((x) => x.message).join('; ');
  const n = note('preflight.blocked', { part, problems });
  throw new SyncError('config', noteText('en', n), { note: n });
}

/**
 * Who the ABRA login is (filters say "mine" by this id): asked once and kept in the state, so a new process does
 * not ask again for a day; another server, connection or login asks anew.
 */
export async function abraUser(
  config: SyncConfig,
  state: StateStore,
  now: () => Date,
  abra: Connections['abra'],
): Promise<{ id: string; name?: string }> {
  const a = config.abra;
  const who = `${a.serverUrl}|${a.connection}|${a.login}`.toLowerCase();
  try {
    const kept = JSON.parse(state.getMeta('abraUser') ?? 'null') as {
      who?: string;
      at?: number;
      me?: { id?: unknown; name?: unknown };
    } | null;
    const age = now().getTime() - Number(kept?.at);
    if (kept?.who === who && typeof kept.me?.id === 'string' && kept.me.id && age >= 0 && age < 86_400_000)
      return { id: kept.me.id, ...(typeof kept.me.name === 'string' ? { name: kept.me.name } : {}) };
  } catch {
    // not kept yet, or unreadable: ask
  }
  const me = await abra.currentUser();
  const kept = { who, at: now().getTime(), me: { id: me.id, ...(me.name ? { name: me.name } : {}) } };
  state.setMeta('abraUser', JSON.stringify(kept));
  return me;
}

/**
 * Does the part's scope differ from the one the user approved (newly enabled, or changed since)? A part that synced
 * before approvals were recorded counts as approved for the scope it has now (recorded here).
 */
export function scopeChangedSinceApproval(config: SyncConfig, state: StateStore, part: PartName): boolean {
  const scope = scopeFingerprint(config, part);
  const approved = state.getMeta(approvedKey(part));
  if (approved === null && state.lastSuccess(part)) {
    state.setMeta(approvedKey(part), scope);
    return false;
  }
  return approved !== scope;
}
