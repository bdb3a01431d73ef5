/** The tray icon and its menu, rendered from the pure model in ./tray-state.ts. */
import path from 'node:path';
import { Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { SchedulerStatus } from '../sync/api';
import { type TrayAction, type TrayIcon, trayModel } from './tray-state';

export interface AppTray {
  update(status: SchedulerStatus | null, lang: 'cs' | 'en'): void;
  readonly tray: Tray;
  readonly icon: () => TrayIcon;
  destroy(): void;
}

export function createAppTray(opts: { assetsDir: string; onAction: (a: TrayAction) => void }): AppTray {
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

  const update = (status: SchedulerStatus | null, lang: 'cs' | 'en') => {
    const m = trayModel(status, { lang });
    if (m.icon !== current) {
      current = m.icon;
      tray.setImage(image(current));
    }
    tray.setToolTip(m.tooltip);
    const items: MenuItemConstructorOptions[] = m.menu.map((i) =>
      i.type === 'separator'
        ? { type: 'separator' }
        : { label: i.label, enabled: i.enabled, click: () => opts.onAction(i.id) },
    );
    tray.setContextMenu(Menu.buildFromTemplate(items));
  };
  update(null, 'en');
  return { update, tray, icon: () => current, destroy: () => tray.destroy() };
}
