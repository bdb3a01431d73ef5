/**
 * A part's scope: the settings that decide WHICH records and items belong to it and which way they flow (types,
 * series, `where`, "only mine", hidden firms, persons, folders, start date, direction, the calendar window, ...).
 * Not in it: the interval, the conflict policy, whether the part is on.
 *
 * Its fingerprint is kept in the state twice:
 * - as the cursor `scope` of the part: the scope the part's cursors belong to. A run that finds another scope
 *   reads the part in full again (both sides), so a widened scope brings every record that now belongs and a
 *   narrowed one lets go of every record that no longer does — not only those edited since (run/read.ts, mail.ts);
 * - as the meta value `approvedScope:<part>` (service.ts): the scope the user approved after seeing its preview.
 *   A part whose scope is not approved waits (the scheduler does not run it) when the service asks for approval.
 */
import { createHash } from 'node:crypto';
import type { PartName, SyncConfig } from './config';

/** Keys of a part's configuration that do not change which records belong to it. */
const NOT_SCOPE = new Set(['enabled', 'intervalMinutes', 'conflictPolicy']);

/** The scope settings of a part (plain data, keys sorted). */
export function scopeOf(config: SyncConfig, part: PartName): Record<string, unknown> {
  const cfg = (config.parts as Record<string, Record<string, unknown> | undefined>)[part] ?? {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(cfg).sort()) {
    if (NOT_SCOPE.has(k)) continue;
    const v = cfg[k];
    // lists whose order does not matter compare as sets
    out[k] = Array.isArray(v) ? [...v].map(String).sort() : v;
  }
  // the mailbox the part writes into belongs to its scope too (another mailbox is another set of items)
  out['@mailbox'] = `${config.exchange.kind}:${config.exchange.email.toLowerCase()}`;
  return out;
}

/** Short, stable fingerprint of {@link scopeOf}. */
export function scopeFingerprint(config: SyncConfig, part: PartName): string {
  return createHash('sha256')
    .update(JSON.stringify(scopeOf(config, part)))
    .digest('hex')
    .slice(0, 24);
}

/** State cursor name under which a part keeps the fingerprint of the scope its cursors belong to. */
export const SCOPE_CURSOR = 'scope';
