/**
 * The app's brain, Electron-free: implements every {@link AppApi} call with real behaviour over injected
 * dependencies (settings store, secret store, the engine's `connect`, the file system). `electron/main.ts` wires it
 * to IPC and the tray; tests and the renderer's test bridge run it under plain Node.
 *
 * One file per job, composed here:
 * - ./settings-state.ts: the settings document, preferences and UI language, the effective configuration, saves;
 * - ./secret-bindings.ts: write-only secrets, each bound to the servers it was entered for;
 * - ./engine-host.ts: the SyncService's lifecycle (`applySettings`), problems, notifications;
 * - ./engine-calls.ts: sync now, preview, approval, pause, the lists;
 * - ./connection-test.ts: "Test connection", "Check against server", the plain-language errors;
 * - ./sign-in.ts: Autodiscover and the Microsoft 365 sign-in;
 * - ./lookups.ts: the pickers, the `where` check, the firm search;
 * - ./diagnostics.ts: the diagnostics zip and the log.
 */
import { ConnectionTests } from '../connection-cancel';
import type { AppState } from '../ipc-contract';
import { nullLogger } from '../log';
import { connectionCalls } from './connection-test';
import type { Ctx } from './context';
import type { Controller, ControllerDeps } from './deps';
import { diagnosticsCalls } from './diagnostics';
import { engineCalls } from './engine-calls';
import { createEngineHost } from './engine-host';
import { createEvents } from './events';
import { lookupCalls } from './lookups';
import { createSecretBindings, secretCalls } from './secret-bindings';
import { createSettingsState, settingsCalls } from './settings-state';
import { signInCalls } from './sign-in';

export { explainConnectionError } from './connection-test';
export type { AbraApiClient, Controller, ControllerDeps } from './deps';
export { secretNeeds } from './secret-bindings';

/** The state the window shows: settings, preferences, which secrets are stored for the saved servers, status. */
async function readState(ctx: Ctx): Promise<AppState> {
  const { deps, settings, bindings, host } = ctx;
  const prefs = settings.preferences();
  const { config } = settings.effective();
  const stored = async (name: Parameters<typeof bindings.usable>[0]) =>
    config ? await bindings.usable(name, config) : await deps.secrets.has(name);
  const policy = settings.policy;
  const service = host.service();
  return {
    version: deps.version,
    locale: settings.locale(),
    sync: config,
    preferences: prefs,
    // "stored" = stored for the saved servers; one entered for another server must be entered again
    secrets: {
      abraPassword: await stored('abraPassword'),
      abraToken: await stored('abraToken'),
      exchangePassword: await stored('exchangePassword'),
      microsoftSignedIn: await stored('graphTokenCache'),
    },
    policy: { source: policy.source, locked: [...policy.locked], values: structuredClone(policy.values) },
    status: service ? service.status() : null,
    problems: await host.problems(),
  };
}

export async function createController(deps: ControllerDeps): Promise<Controller> {
  const log = deps.log ?? nullLogger;
  const settings = await createSettingsState(deps, log);
  const bindings = createSecretBindings(deps, settings, log);
  const events = createEvents(log);
  const host = createEngineHost(deps, log, settings, bindings, events);
  const ctx: Ctx = {
    deps,
    log,
    settings,
    bindings,
    host,
    events,
    getState: () => readState(ctx),
    async emitState() {
      if (events.listening()) events.emit({ type: 'state', state: await readState(ctx) });
    },
    async publishState() {
      const state = await readState(ctx);
      events.emit({ type: 'state', state });
      return state;
    },
  };

  const tests = new ConnectionTests();
  const signIn = signInCalls(ctx);
  const api: Controller = {
    getState: ctx.getState,
    ...settingsCalls(ctx),
    ...secretCalls(ctx),
    ...connectionCalls(ctx, tests, signIn.autodiscover),
    ...signIn,
    ...lookupCalls(ctx),
    ...engineCalls(ctx),
    ...diagnosticsCalls(ctx),
    onEvent: events.onEvent,
    async dispose() {
      tests.cancelAll();
      await host.dispose();
      events.clear();
    },
    service: host.service,
    config: () => settings.effective().config,
    preferences: settings.preferences,
    locale: settings.locale,
    navigate: (page) => events.emit({ type: 'navigate', page }),
  };

  const saved = settings.effective().config;
  if (saved) await bindings.bindUnbound(saved);
  await host.applySettings().catch((e) => log.error(`engine could not start: ${(e as Error).message}`));
  return api;
}
