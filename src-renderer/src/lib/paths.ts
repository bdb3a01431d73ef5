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
