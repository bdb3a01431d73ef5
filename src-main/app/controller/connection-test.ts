/**
 * "Test connection" for each side with the page's unsaved input, and "Check against server" for the saved settings,
 * answered in plain language in the user's language ({@link explainConnectionError}). A test answers within
 * `testTimeoutMs` whatever the server does, and uses only secrets entered for the server it goes to.
 */
import { probeEwsAuth } from '../../exchange/ews/auth-probe';
import { SyncError, toSyncError } from '../../shared/errors';
import {
  failureNote,
  issueText,
  type Locale,
  type MessageKey,
  type MessageParams,
  noteText,
  tr,
} from '../../shared/messages';
import type { SecretName, SyncConfig } from '../../sync/config';
import {
  type CheckResult,
  type PreflightClient,
  preflightExchange,
  preflightText,
  runPreflight,
  withExchange,
} from '../../sync/preflight';
import { bindingHost } from '../bindings';
import type { ConnectionTests, TestEnd } from '../connection-cancel';
import { discoverAndTest } from '../connection-discover';
import type { AppApi, ConnectionSide, ConnectionTestResult } from '../ipc-contract';
import { abraClient, exchangeOnly } from './clients';
import type { Ctx } from './context';
import { secretNeeds } from './secret-bindings';

/** The host one side of a configuration talks to, for the messages ('' when the URL is not usable). */
function hostOf(side: ConnectionSide, cfg: SyncConfig): string {
  try {
    return side === 'abra'
      ? new URL(cfg.abra.serverUrl).host
      : new URL(cfg.exchange.kind === 'graph' ? cfg.exchange.graphUrl : cfg.exchange.ewsUrl || 'https://x')
          .host;
  } catch {
    return '';
  }
}

/** Plain-language explanation of a failed connection test, in the user's language. */
export function explainConnectionError(
  side: ConnectionSide,
  e: unknown,
  cfg: SyncConfig,
  locale: Locale = 'en',
): ConnectionTestResult {
  const err = toSyncError(e);
  const msg = (key: MessageKey, params?: MessageParams): ConnectionTestResult => ({
    ok: false,
    side,
    kind: err.kind,
    message: tr(locale, key, { detail: err.message, ...params }),
  });
  // a configuration error already says what to do, in the user's language when it has a note; the connector's own
  // (English) words only in English, the kind's sentence otherwise
  const ownWords = (): ConnectionTestResult => ({
    ok: false,
    side,
    kind: err.kind,
    message: noteText(locale, err.note ?? (locale === 'en' ? undefined : failureNote(err.kind)), err.message),
  });
  /** The side's "failed: {detail}" in English; in another language the kind's sentence, without English words. */
  const failed = (key: MessageKey): ConnectionTestResult =>
    locale === 'en' || err.note ? (err.note ? ownWords() : msg(key)) : ownWords();
  const host = hostOf(side, cfg);
  if (side === 'abra') {
    const { login, connection } = cfg.abra;
    switch (err.kind) {
      case 'unreachable':
      case 'timeout':
      case 'tls':
      case 'malformed':
        return msg(`abra.${err.kind}`, { host });
      case 'auth':
        return msg(cfg.abra.authMode === 'token' ? 'abra.authToken' : 'abra.authPassword', { login });
      case 'forbidden':
        return msg('abra.forbidden', { login });
      case 'notFound':
        return msg('abra.notFound', { connection });
      case 'config':
        return ownWords();
      default:
        return failed('abra.failed');
    }
  }
  const x = cfg.exchange;
  const graph = x.kind === 'graph';
  const oauth = graph || x.auth === 'oauth';
  const inParens = host && x.ewsUrl ? ` (${host})` : '';
  switch (err.kind) {
    case 'unreachable':
      return msg(graph ? 'graph.unreachable' : 'ews.unreachable', { host: graph ? ` (${host})` : inParens });
    case 'timeout':
      return msg(graph ? 'graph.timeout' : 'ews.timeout');
    case 'tls':
      return err.note ? ownWords() : msg(graph ? 'graph.tls' : 'ews.tls');
    case 'auth':
      return msg(oauth ? 'graph.auth' : 'ews.auth', { user: x.user || x.email });
    case 'forbidden':
      return msg(graph ? 'graph.forbidden' : 'ews.forbidden', { email: x.email });
    case 'notFound':
      return msg(graph ? 'graph.notFound' : inParens ? 'ews.notFoundOn' : 'ews.notFound', {
        email: x.email,
        host,
      });
    case 'malformed':
      return msg(graph ? 'graph.malformed' : 'ews.malformed', { host: host || x.ewsUrl });
    case 'config':
      return ownWords();
    default:
      return failed(graph ? 'graph.failed' : 'ews.failed');
  }
}

/** The ABRA side: the stored secret for this server, then who the server says we are. */
async function testAbra(ctx: Ctx, cfg: SyncConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
  const { deps, settings, bindings } = ctx;
  const need = cfg.abra.authMode === 'token' ? 'abraToken' : 'abraPassword';
  if (!(await deps.secrets.has(need)))
    return { ok: false, side: 'abra', kind: 'auth', message: settings.say(`setup.enter.${need}`) };
  if (!(await bindings.usable(need, cfg))) return notForThisServer(ctx, 'abra', need, cfg);
  const client = await deps.abraClientFor(cfg, bindings.forConfig(cfg), { signal });
  const me = await client.currentUser();
  const who = me.name || me.loginname || me.login || cfg.abra.login;
  ctx.host.retryProblems();
  return { ok: true, side: 'abra', message: settings.say('abra.connected', { who }) };
}

/** The Exchange side: the stored sign-in for this server, then the mailbox and the server's version. */
async function testExchange(ctx: Ctx, cfg: SyncConfig, signal?: AbortSignal): Promise<ConnectionTestResult> {
  const { deps, settings, bindings } = ctx;
  const say = settings.say;
  const need = secretNeeds(cfg)[1]!;
  if (!(await deps.secrets.has(need.name)))
    return { ok: false, side: 'exchange', kind: 'auth', message: say(need.missing) };
  if (!(await bindings.usable(need.name, cfg))) return notForThisServer(ctx, 'exchange', need.name, cfg);
  const exchange = await exchangeOnly(deps, cfg, bindings.forConfig(cfg), signal);
  try {
    const info = await exchange.testConnection();
    const version = info.serverVersion ? ` (${info.serverVersion})` : '';
    // Exchange 2007 (#19): the legacy mode and legacy TLS are said, an unsupported 2007 SP1 is not "ok"
    const legacy =
      (info.legacyMode ? say('ews.legacyMode') : '') +
      (info.legacyTls ? say('ews.legacyTlsInUse', { protocol: info.legacyTls }) : '');
    if (info.unsupported)
      return { ok: false, side: 'exchange', kind: 'config', message: say('ews.exchange2007Sp1') };
    ctx.host.retryProblems();
    return {
      ok: true,
      side: 'exchange',
      message:
        (info.displayName
          ? say('ews.connectedAs', { name: info.displayName, email: info.email, version })
          : say('ews.connected', { email: info.email, version })) + legacy,
    };
  } finally {
    await exchange.close().catch(() => undefined);
  }
}

function notForThisServer(
  ctx: Ctx,
  side: ConnectionSide,
  name: SecretName,
  cfg: SyncConfig,
): ConnectionTestResult {
  return {
    ok: false,
    side,
    kind: 'auth',
    message: ctx.settings.say('secrets.notForThisServer', {
      secret: ctx.bindings.label(name),
      host: bindingHost(name, cfg),
    }),
  };
}

async function testNow(
  ctx: Ctx,
  side: ConnectionSide,
  input: unknown,
  signal?: AbortSignal,
): Promise<ConnectionTestResult> {
  const built = ctx.settings.configForTest(side, input);
  if ('issues' in built)
    return {
      ok: false,
      side,
      kind: 'config',
      message: built.issues.map((i) => issueText(ctx.settings.locale(), i)).join('; '),
    };
  const cfg = built.config;
  try {
    return side === 'abra' ? await testAbra(ctx, cfg, signal) : await testExchange(ctx, cfg, signal);
  } catch (e) {
    const r = explainConnectionError(side, e, cfg, ctx.settings.locale());
    ctx.log.warn(`test connection ${side}: ${toSyncError(e).kind}: ${toSyncError(e).message}`);
    return r;
  }
}

/** What a test that did not finish says: the user cancelled it, or the server did not answer in time. */
function testEnded(
  ctx: Ctx,
  side: ConnectionSide,
  input: unknown,
  why: TestEnd,
  ms: number,
): ConnectionTestResult {
  const { settings } = ctx;
  if (why === 'cancelled') {
    ctx.log.info(`test connection ${side}: cancelled`);
    return { ok: false, side, kind: 'cancelled', message: settings.say('connections.testCancelled') };
  }
  ctx.log.warn(`test connection ${side}: no answer within ${ms} ms`);
  const built = settings.configForTest(side, input);
  return 'issues' in built
    ? {
        ok: false,
        side,
        kind: 'timeout',
        message: settings.say(side === 'abra' ? 'abra.failed' : 'ews.timeout'),
      }
    : explainConnectionError(
        side,
        new SyncError('timeout', `no answer within ${ms} ms`),
        built.config,
        settings.locale(),
      );
}

/** "Check against server": the preflight for the saved settings (fields in ABRA's API description, dry runs). */
async function checkAgainstServer(ctx: Ctx): Promise<CheckResult> {
  const { deps, settings } = ctx;
  const cfg = settings.savedConfigOrThrow();
  const c = (await abraClient(ctx)) as unknown as PreflightClient;
  const abra = await runPreflight(c, cfg, `${cfg.abra.serverUrl.replace(/\/+$/, '')}/${cfg.abra.connection}`);
  // the Exchange side too: its version and the mode spoken to it (#19), in the words of "Test connection"
  const exchange = await preflightExchange(
    () => exchangeOnly(deps, cfg, ctx.bindings.engineSecrets),
    (e) => explainConnectionError('exchange', e, cfg, settings.locale()).message,
  );
  const r = withExchange(abra, exchange);
  return { ...r, lines: preflightText(r, settings.locale()) };
}

/**
 * The connection calls. A test is bounded (testTimeoutMs) and cancellable: the deadline or Cancel aborts its
 * requests (../connection-cancel.ts), so a second test can start at once. `tests` is the controller's one set of
 * running tests (dispose cancels them); `autodiscover` is the sign-in's, used by "Test / find settings".
 */
export function connectionCalls(
  ctx: Ctx,
  tests: ConnectionTests,
  autodiscover: AppApi['autodiscover'],
): Pick<AppApi, 'testConnection' | 'cancelTest' | 'discoverExchange' | 'checkAgainstServer'> {
  const ms = () => ctx.deps.testTimeoutMs ?? 15_000;
  const testConnection: AppApi['testConnection'] = (side, input) =>
    tests.run(
      side,
      ms(),
      (signal) => testNow(ctx, side, input, signal),
      (why) => testEnded(ctx, side, input, why, ms()),
    );
  return {
    testConnection,
    cancelTest: async (side) => tests.cancel(side),
    discoverExchange: (input) =>
      discoverAndTest(input, {
        autodiscover,
        probe: (url, ca) =>
          (ctx.deps.probeEwsAuth ?? probeEwsAuth)(url, { ...(ca ? { caCertificate: ca } : {}) }),
        test: (draft) => testConnection('exchange', draft),
        say: ctx.settings.say,
        locked: (p) => ctx.settings.policy.locked.includes(p),
      }),
    checkAgainstServer: () => checkAgainstServer(ctx),
  };
}
