/**
 * Start at login on Linux, where Electron's `app.setLoginItemSettings` does nothing: an XDG autostart entry
 * (`~/.config/autostart/abra-gen-exchange-sync.desktop`) that starts the app hidden in the tray. For an AppImage the
 * entry points at the AppImage file (`$APPIMAGE`), not at the temporary mount the process runs from.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const AUTOSTART_FILE = 'abra-gen-exchange-sync.desktop';

export interface AutostartEnv {
  /** process.execPath */
  execPath: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

export function autostartDir(e: AutostartEnv): string {
  return path.join(e.env.XDG_CONFIG_HOME || path.join(e.home, '.config'), 'autostart');
}

/** Quote an Exec argument per the Desktop Entry spec. */
function quoteExec(arg: string): string {
  if (!/[\s"'\\`$<>|&;()*?#~]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(e: AutostartEnv, args: string[] = ['--hidden']): string {
  const exe = e.env.APPIMAGE || e.execPath;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=ABRA Gen Exchange Sync',
    'Comment=Keeps ABRA Gen and your Exchange mailbox in sync',
    `Exec=${[exe, ...args].map(quoteExec).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Create, update or remove the entry; returns whether anything changed. */
export function setLinuxAutostart(enabled: boolean, e: AutostartEnv, args: string[] = ['--hidden']): boolean {
  const file = path.join(autostartDir(e), AUTOSTART_FILE);
  if (!enabled) {
    if (!existsSync(file)) return false;
    rmSync(file, { force: true });
    return true;
  }
  const want = autostartEntry(e, args);
  if (existsSync(file) && readFileSync(file, 'utf8') === want) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, want, { mode: 0o644 });
  return true;
}
