/** Small immutable helpers for editing nested configuration drafts by dotted path (`parts.calendar.enabled`). */

export function getIn(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function setIn<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return obj;
  const base = (obj !== null && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  const next = rest.length === 0 ? value : setIn(base[head], rest.join('.'), value);
  return { ...base, [head]: next } as T;
}

/** True when `path` or one of its ancestors is in the admin policy's locked list. */
export function lockedBy(locked: readonly string[], path: string): boolean {
  return locked.some((l) => path === l || path.startsWith(`${l}.`));
}

/** Text area with one entry per line (or separated by commas/semicolons) ⇄ list of strings. */
export function linesToList(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function listToLines(list: readonly string[] | undefined): string {
  return (list ?? []).join('\n');
}

/** A copy without the value at `path` (no-op when absent). */
export function deleteIn<T>(obj: T, path: string): T {
  const [head, ...rest] = path.split('.');
  if (head === undefined || obj === null || typeof obj !== 'object') return obj;
  const base = obj as Record<string, unknown>;
  if (!(head in base)) return obj;
  const copy = { ...base };
  if (rest.length === 0) delete copy[head];
  else copy[head] = deleteIn(base[head], rest.join('.'));
  return copy as T;
}

/**
 * The draft without the settings the admin policy locks: main fills those from the policy, and a stale or empty
 * value in the draft would otherwise be refused as an attempt to change a locked setting.
 */
export function withoutLocked<T>(draft: T, locked: readonly string[], prefix: string): T {
  let out = draft;
  for (const l of locked) if (l.startsWith(prefix)) out = deleteIn(out, l.slice(prefix.length));
  return out;
}

/** Fill what `target` lacks (or has empty) from `preset` (admin policy presets shown before the first save). */
export function fillFrom(target: unknown, preset: unknown): unknown {
  if (preset === null || typeof preset !== 'object' || Array.isArray(preset)) {
    return target === undefined || target === '' ? preset : target;
  }
  const t = (target !== null && typeof target === 'object' ? target : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...t };
  for (const [k, v] of Object.entries(preset as Record<string, unknown>)) out[k] = fillFrom(t[k], v);
  return out;
}
