/**
 * The settings/status window: sandboxed renderer, no Node, context isolation, a strict CSP without unsafe-eval, no
 * navigation away from the app page, no new windows (https links open in the system browser), no permissions, no
 * remote content. Closing the window hides it; the app lives on in the tray.
 */
import { BrowserWindow, type Session, shell } from 'electron';
import { APP_PAGE_URL, CSP, externalLink, isAllowedNavigation, isAllowedRequest } from '../window-policy';

export { CSP };

let hardened = false;

/** Once per session: CSP on every response, every permission request denied, only local content loaded. */
export function hardenSession(session: Session): void {
  if (hardened) return;
  hardened = true;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CSP],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  // No remote content and no file:: only the app: origin, devtools:, data: and blob: URLs may load.
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url) });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface WindowOptions {
  /** dist/main/preload.cjs */
  preload: string;
  icon?: string;
  /** Keep the window instead of hiding on close (app quitting). */
  isQuitting: () => boolean;
  /** DevTools available (development only; the packaged app has none). */
  devTools?: boolean;
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1000,
    height: 720,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'ABRA Gen Exchange Sync',
    ...(opts.icon ? { icon: opts.icon } : {}),
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      devTools: opts.devTools === true,
    },
  });
  hardenSession(win.webContents.session);
  // the page comes from the app: scheme (main registers it before the first window), never from file:
  const appUrl = APP_PAGE_URL;

  win.webContents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, appUrl)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e) => e.preventDefault());
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    const link = externalLink(url);
    if (link) void shell.openExternal(link);
    return { action: 'deny' };
  });
  win.on('close', (e) => {
    if (!opts.isQuitting()) {
      e.preventDefault();
      win.hide();
    }
  });
  void win.loadURL(appUrl);
  return win;
}

export function showWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
