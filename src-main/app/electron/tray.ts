/** The tray icon and its menu, rendered from the pure model in ./tray-state.ts. */
import path from 'node:path';
import { app, Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { SchedulerStatus } from '../../sync/api';
import { type TrayAction, type TrayIcon, type TrayModel, trayModel } from '../tray-state';

export interface AppTray {
  update(status: SchedulerStatus | null, lang: 'cs' | 'en'): void;
  /** Render again with the last status (e.g. the update line changed). */
  refresh(): void;
  /** The model the menu was last built from (e2e tests read it through the main process). */
  model(): TrayModel;
  readonly tray: Tray;
  readonly icon: () => TrayIcon;
  destroy(): void;
}

export function createAppTray(opts: {
  assetsDir: string;
  onAction: (a: TrayAction) => void;
  /** Adds to the model before it is rendered (the update line, update-policy.ts `withUpdate`). */
  decorate?: (m: TrayModel, lang: 'cs' | 'en') => TrayModel;
}): AppTray {
  const images = new Map<TrayIcon, Electron.NativeImage>();
  const image = (icon: TrayIcon) => {
    let img = images.get(icon);
    if (!img) {
      // `<state>.png` + `<state>@2x.png`: Electron picks the right one for the screen's scale factor.
      img = nativeImage.createFromPath(path.join(opts.assetsDir, 'tray', `${icon}.png`));
      images.set(icon, img);
    }
    return img;
  };
  let current: TrayIcon = 'idle';
  const tray = new Tray(image(current));
  tray.on('click', () => opts.onAction('settings'));

  let last: { status: SchedulerStatus | null; lang: 'cs' | 'en' } = { status: null, lang: 'en' };
  let rendered: TrayModel;
  const update = (status: SchedulerStatus | null, lang: 'cs' | 'en') => {
    last = { status, lang };
    const base = trayModel(status, { lang });
    const m = opts.decorate ? opts.decorate(base, lang) : base;
    rendered = m;
    if (m.icon !== current) {
      current = m.icon;
      tray.setImage(image(current));
    }
    tray.setToolTip(m.tooltip);
    // the count of what waits for the user where the platform shows one: beside the macOS menu-bar icon, the dock
    // or launcher badge (macOS, Unity); Windows has the tooltip and the menu line
    try {
      if (process.platform === 'darwin') tray.setTitle(m.badge ? String(m.badge) : '');
      app.setBadgeCount(m.badge);
    } catch {
      // not supported here
    }
    const items: MenuItemConstructorOptions[] = m.menu.map((i) =>
      i.type === 'separator'
        ? { type: 'separator' }
        : { label: i.label, enabled: i.enabled, click: () => opts.onAction(i.id) },
    );
    tray.setContextMenu(Menu.buildFromTemplate(items));
  };
  update(null, 'en');
  return {
    update,
    refresh: () => update(last.status, last.lang),
    model: () => rendered,
    tray,
    icon: () => current,
    destroy: () => tray.destroy(),
  };
}
