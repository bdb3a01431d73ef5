/**
 * The plain message of a failed call. Electron wraps what main throws as
 * `Error invoking remote method 'abra-sync:call': Error: failed: <message>` (main's dispatcher prefixes the kind);
 * the user sees only `<message>`.
 */
export function errorMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return raw
    .replace(/^Error invoking remote method '[^']*': /, '')
    .replace(/^(Error|SyncError|TypeError): /, '')
    .replace(/^(failed|invalidArguments|unknownMethod): /, '');
}
