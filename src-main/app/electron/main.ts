/**
 * Electron main process: single instance, starts hidden in the tray, optional start at login, quits cleanly (the
 * engine finishes its current batch and closes the state store). Everything with logic lives in Electron-free
 * modules (controller, tray-state, notifications, settings, secrets, policy); this file only wires them to Electron.
 *
 * Environment (tests, admins):
 *   ABRA_SYNC_USER_DATA   use this folder for settings, secrets, state and logs (e2e tests)
 *   ABRA_SYNC_SHOW=1      open the window at start (also the `--show` argument)
 *   ABRA_SYNC_SMOKE_TEST=1  quit as soon as the app has started (CI's start of the packaged app, scripts/smoke-packaged.mjs)
 */
// The ews-javascript-api polyfill must run before the library is loaded anywhere in this bundle.
import '../../exchange/ews/polyfill';
import path from 'node:path';
import { app, dialog, ipcMain, Menu, Notification, safeStorage, shell } from 'electron';
import { tuneHeapForEngine } from '../../sync/memory';
import { abraClientFor } from '../../wiring';
import { ewsAutodiscover } from '../autodiscover';
import { setLinuxAutostart } from '../autostart';
import { type Controller, type ControllerDeps, createController } from '../controller';
import { createFileLogger } from '../log';
import { appConnect, appExchangeFor, microsoftSignIn } from '../microsoft';
import { loadPolicy, NO_POLICY, type Policy, policyCandidates } from '../policy';
import { SafeStorageSecretStore, type SecretStore } from '../secrets';
import type { SettingsStore } from '../settings';
import type { TrayAction } from '../tray-state';
import { withUpdate } from '../update-policy';
import { type AutoUpdate, startAutoUpdate } from '../updater';
import { APP_PAGE_URL, isAppSender } from '../window-policy';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { forwardEvents, registerIpc } from './ipc';
import { createElectronSettingsStore } from './settings-store';
import { type AppTray, createAppTray } from './tray';
import { createMainWindow, showWindow } from './window';

// The engine's heap growth for this whole process, set before it grows (the bench's engine host sets the same).
tuneHeapForEngine();

const HIDDEN_ARG = '--hidden';
/** Same as `appId` in electron-builder.yml. */
const APP_ID = 'cz.abragenexchangesync.app';

if (process.env.ABRA_SYNC_USER_DATA) app.setPath('userData', path.resolve(process.env.ABRA_SYNC_USER_DATA));

let controller: Controller | null = null;
let tray: AppTray | null = null;
let win: Electron.BrowserWindow | null = null;
let quitting = false;
let disposed = false;
let updater: AutoUpdate | null = null;
/** The quit in progress is "Restart to update": install once the engine is down. */
let quitForUpdate = false;

const appRoot = app.getAppPath();
const distMain = __dirname; // dist/main inside the app (asar)
const assetsDir = path.join(appRoot, 'assets');

const userData = app.getPath('userData');
const logFile = path.join(userData, 'logs', 'app.log');
/** The stored secret values, scrubbed from every log line exactly (refreshed whenever the state changes). */
let knownSecretValues: string[] = [];
const log = createFileLogger({ file: logFile, echo: !app.isPackaged, knownSecrets: () => knownSecretValues });

/** The built renderer: the only folder the app: scheme serves (dist/renderer). */
const rendererDir = path.join(distMain, '..', 'renderer');

function ensureWindow(): Electron.BrowserWindow {
  if (win && !win.isDestroyed()) return win;
  win = createMainWindow({
    devTools: !app.isPackaged,
    preload: path.join(distMain, 'preload.cjs'),
    icon: path.join(assetsDir, 'icon.png'),
    isQuitting: () => quitting,
  });
  win.once('ready-to-show', () => win?.show());
  return win;
}

function openSettings(): void {
  const w = ensureWindow();
  if (w.webContents.isLoading()) w.once('ready-to-show', () => showWindow(w));
  else showWindow(w);
}

/** Show the window on a page (a clicked notification, the tray's "Open log"). */
function openPage(page: 'overview' | 'connections' | 'parts' | 'mail' | 'unassigned' | 'log'): void {
  const w = ensureWindow();
  const go = () => controller?.navigate(page);
  // a window just made: its page subscribes to events once loaded
  if (w.webContents.isLoading()) w.webContents.once('did-finish-load', () => setTimeout(go, 300));
  else go();
  openSettings();
}

let loginItem: boolean | null = null;
function applyLoginItem(startAtLogin: boolean): void {
  if (loginItem === startAtLogin) return;
  loginItem = startAtLogin;
  try {
    // Electron's login items cover Windows and macOS; Linux desktops read XDG autostart entries.
    if (process.platform === 'linux')
      setLinuxAutostart(
        startAtLogin,
        { execPath: process.execPath, home: app.getPath('home'), env: process.env },
        // unpackaged (`electron .`): the Electron binary needs the app folder
        app.isPackaged ? [HIDDEN_ARG] : [app.getAppPath(), HIDDEN_ARG],
      );
    else app.setLoginItemSettings({ openAtLogin: startAtLogin, args: [HIDDEN_ARG] });
  } catch (e) {
    log.warn(`start at login: ${(e as Error).message}`);
  }
}

async function onTrayAction(a: TrayAction): Promise<void> {
  const c = controller;
  if (!c) return;
  try {
    if (a === 'syncNow') await c.syncNow();
    else if (a === 'pause') await c.pause();
    else if (a === 'resume') await c.resume();
    else if (a === 'openLog') openPage('log');
    else if (a === 'unassigned') openPage('unassigned');
    else if (a === 'quit') app.quit();
    else if (a === 'installUpdate') updater?.restartToUpdate();
    else openSettings(); // settings…, or a part line: the overview shows its details
  } catch (e) {
    log.warn(`tray ${a}: ${(e as Error).message}`);
    if (a === 'syncNow') openSettings();
  }
}

/** Only https URLs (the Microsoft sign-in page) go to the system browser. */
function openBrowser(url: string): Promise<void> {
  if (!/^https:\/\//i.test(url)) return Promise.reject(new Error('refusing to open a non-https URL'));
  return shell.openExternal(url);
}

/** The admin policy (none when there is no file); an unreadable one is said and ignored. */
function readPolicy(): Policy {
  try {
    const policy = loadPolicy(policyCandidates({ exeDir: path.dirname(app.getPath('exe')) }));
    if (policy.source)
      log.info(`admin policy: ${policy.source} (locked: ${policy.locked.join(', ') || 'none'})`);
    return policy;
  } catch (e) {
    log.error((e as Error).message);
    dialog.showErrorBox('ABRA Gen Exchange Sync', `${(e as Error).message}\n\nThe policy is ignored.`);
    return NO_POLICY;
  }
}

/** A yes/no question in main's own message box (over the window when it is open). */
async function confirmDialog({
  message,
  yes,
  no,
}: {
  message: string;
  yes: string;
  no: string;
}): Promise<boolean> {
  const options = {
    type: 'warning' as const,
    message,
    buttons: [no, yes],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const r =
    win && !win.isDestroyed()
      ? await dialog.showMessageBox(win, options)
      : await dialog.showMessageBox(options);
  return r.response === 1;
}

/** The controller over Electron's stores, dialogs, notifications and the app's wiring. */
function controllerDeps(settings: SettingsStore, secrets: SecretStore, policy: Policy): ControllerDeps {
  return {
    settings,
    secrets,
    connect: appConnect(openBrowser),
    abraClientFor,
    exchangeFor: appExchangeFor(openBrowser),
    signInMicrosoft: microsoftSignIn(openBrowser),
    autodiscover: (email, exchange, s, trusted) => ewsAutodiscover(email, exchange, s, undefined, trusted),
    confirm: confirmDialog,
    dataDir: path.join(userData, 'state'),
    logFile,
    diagnosticsDir: app.getPath('downloads'),
    version: app.getVersion(),
    systemLocale: app.getLocale(),
    policy,
    log,
    notify: (title, body, page) => {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title, body, icon: path.join(assetsDir, 'icon.png') });
      // a click opens the page where the problem is dealt with
      n.on('click', () => openPage(page ?? 'overview'));
      n.show();
    },
    openPath: (p) => shell.openPath(p),
  };
}

/** The stored secret values, scrubbed from the log: read now and whenever the state changes. */
async function scrubSecretsFromLog(c: Controller, secrets: SecretStore): Promise<void> {
  const refresh = async () => {
    const values = await Promise.all(
      (['abraPassword', 'abraToken', 'exchangePassword'] as const).map((n) =>
        secrets.get(n).catch(() => null),
      ),
    );
    knownSecretValues = values.filter((v): v is string => !!v);
  };
  await refresh();
  c.onEvent((e) => {
    if (e.type === 'state') void refresh();
  });
}

/** Calls from our own window only (the page app://abra-sync/index.html); events to the window while it is open. */
function wireIpc(c: Controller): void {
  registerIpc(
    ipcMain,
    c,
    (e) =>
      Boolean(
        win &&
          !win.isDestroyed() &&
          e.sender.id === win.webContents.id &&
          isAppSender(e.senderFrame?.url, APP_PAGE_URL),
      ),
    log,
  );
  forwardEvents(c.onEvent, () => (win && !win.isDestroyed() ? win.webContents : null));
}

/** The tray follows the state and the engine's status, in the controller's language; so does start at login. */
async function wireTray(c: Controller): Promise<void> {
  tray = createAppTray({
    assetsDir,
    onAction: (a) => void onTrayAction(a),
    decorate: (m, lang) =>
      updater ? withUpdate(m, updater.phase(), lang, { restartPending: updater.restartPending() }) : m,
  });
  c.onEvent((e) => {
    if (e.type === 'state') {
      tray?.update(e.state.sync ? e.state.status : null, e.state.locale);
      applyLoginItem(e.state.preferences.startAtLogin);
    } else if (e.type === 'service' && e.event.type === 'status') {
      if (!e.event.status.parts.some((p) => p.running)) updater?.syncEnded();
      tray?.update(e.event.status, c.locale());
    }
  });
  const st = await c.getState();
  tray?.update(st.sync ? st.status : null, st.locale);
  applyLoginItem(st.preferences.startAtLogin);
}

/** Automatic updates (off in development, by policy, or without a feed); never blocks the start. */
function startUpdates(c: Controller, policy: Policy): void {
  void startAutoUpdate({
    policy: policy.updates,
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    exePath: app.getPath('exe'),
    userDataDir: userData,
    log,
    syncing: () =>
      Boolean(
        c
          .service()
          ?.status()
          .parts.some((p) => p.running),
      ),
    onChange: () => tray?.refresh(),
    quitForUpdate: () => {
      quitForUpdate = true;
      app.quit();
    },
  })
    .then((u) => {
      updater = u;
      tray?.refresh();
    })
    .catch((e) => log.warn(`automatic updates: ${(e as Error).message}`));
}

async function start(): Promise<void> {
  log.info(`starting ${app.getName()} ${app.getVersion()} (Electron ${process.versions.electron})`);
  // Windows shows notifications only for an app with an AppUserModelID (the installer's shortcut carries the same).
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  // before any window: the page is served from the app: scheme, never file:
  handleAppProtocol(rendererDir, log);
  const policy = readPolicy();
  const settings = await createElectronSettingsStore();
  const secrets = new SafeStorageSecretStore(path.join(userData, 'secrets.json'), safeStorage);
  controller = await createController(controllerDeps(settings, secrets, policy));
  const c = controller;
  await scrubSecretsFromLog(c, secrets);
  (globalThis as Record<string, unknown>).__abraSync = {
    controller: c,
    tray: () => tray,
    window: () => win,
    trayModel: () => tray?.model() ?? null,
    updater: () => updater,
  };
  wireIpc(c);
  await wireTray(c);

  const st = await c.getState();
  const wantShow =
    process.argv.includes('--show') ||
    process.env.ABRA_SYNC_SHOW === '1' ||
    (!st.sync && !process.argv.includes(HIDDEN_ARG));
  if (wantShow) openSettings();
  startUpdates(c, policy);

  if (process.env.ABRA_SYNC_SMOKE_TEST === '1') {
    log.info('smoke test: started');
    app.quit();
  }
}

/** The longest quit waits for the engine to finish its current batch. */
const QUIT_WAIT_MS = 4000;

// The packaged app has no menu (the default one offers DevTools and reload); development keeps it.
if (app.isPackaged) Menu.setApplicationMenu(null);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // privileged schemes can only be registered before the app is ready
  registerAppScheme();
  app.on('second-instance', () => {
    if (app.isReady()) openSettings();
  });
  // A tray app keeps running without windows.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => {
    if (app.isReady()) openSettings();
  });
  app.on('before-quit', (e) => {
    quitting = true;
    if (disposed || !controller) return;
    // Let the engine finish its current batch and close the state store, then quit for real.
    e.preventDefault();
    const c = controller;
    controller = null;
    // never more than a few seconds: a hung request must not keep the app from quitting (the state store is
    // transactional, and its lock dies with the process)
    void Promise.race([
      c.dispose(),
      new Promise<void>((resolve) =>
        setTimeout(() => {
          log.warn(`shutdown: the engine did not stop within ${QUIT_WAIT_MS / 1000} s; quitting anyway`);
          resolve();
        }, QUIT_WAIT_MS).unref(),
      ),
    ])
      .catch((err) => log.error(`shutdown: ${(err as Error).message}`))
      .finally(() => {
        disposed = true;
        tray?.destroy();
        updater?.dispose();
        log.info('stopped');
        // electron-updater installs a ready update on this quit (autoInstallOnAppQuit); "Restart to update" also
        // starts the app again
        if (!(quitForUpdate && updater?.installAndRelaunch())) app.quit();
      });
  });
  app
    .whenReady()
    .then(start)
    .catch((e) => {
      log.error(`start failed: ${(e as Error).stack ?? e}`);
      dialog.showErrorBox('ABRA Gen Exchange Sync', `The app could not start: ${(e as Error).message}`);
      app.exit(1);
    });
}
