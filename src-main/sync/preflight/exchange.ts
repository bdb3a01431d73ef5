/** The preflight's Exchange line: a connection test, and the result with it. */
import type { ExchangeBackend } from '../../exchange/types';
import { type Note, note, noteText } from '../../shared/messages';
import type { PreflightExchange, PreflightResult } from './types';

/**
 * The Exchange side of the check: a connection test (EWS: GetFolder/ResolveNames; Graph: /me) that names the server's
 * version and the mode the app speaks to it; Exchange 2007 before SP2 is not ok. `explain` turns a failure into a
 * sentence (the app's connection-error wording, or the error's own message in the CLI). Nothing is written.
 */
export async function preflightExchange(
  open: () => Promise<ExchangeBackend>,
  explain: (e: unknown) => string,
): Promise<PreflightExchange> {
  const done = (ok: boolean, notes: Note[], extra: Partial<PreflightExchange> = {}): PreflightExchange => ({
    ok,
    ...extra,
    notes,
    message: notes.map((n) => noteText('en', n)).join(''),
  });
  let backend: ExchangeBackend | undefined;
  try {
    backend = await open();
    const info = await backend.testConnection();
    const extra = {
      ...(info.serverVersion ? { serverVersion: info.serverVersion } : {}),
      ...(info.legacyMode ? { legacyMode: info.legacyMode } : {}),
    };
    if (info.unsupported) return done(false, [note('ews.exchange2007Sp1')], extra);
    const notes = [note('preflight.exchange', { version: info.serverVersion ?? '?', email: info.email })];
    if (info.legacyMode) notes.push(note('ews.legacyMode'));
    if (info.legacyTls) notes.push(note('ews.legacyTlsInUse', { protocol: info.legacyTls }));
    return done(true, notes, extra);
  } catch (e) {
    return done(false, [note('preflight.exchangeFailed', { detail: explain(e) })]);
  } finally {
    await backend?.close().catch(() => undefined);
  }
}

/** The preflight with its Exchange side: overall ok only when both are. */
export function withExchange(r: PreflightResult, exchange: PreflightExchange): PreflightResult {
  return { ...r, ok: r.ok && exchange.ok, exchange };
}
