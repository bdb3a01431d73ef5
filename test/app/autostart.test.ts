import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTOSTART_FILE, autostartEntry, setLinuxAutostart } from '../../src-main/app/autostart';

const home = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('Linux start at login', () => {
  it('writes, keeps and removes the XDG autostart entry', () => {
    const e = { execPath: '/opt/ABRA Gen Exchange Sync/abra-gen-exchange-sync', home, env: {} };
    const file = path.join(home, '.config', 'autostart', AUTOSTART_FILE);
    expect(setLinuxAutostart(true, e)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\n');
    expect(text).toContain('Exec="/opt/ABRA Gen Exchange Sync/abra-gen-exchange-sync" --hidden\n');
    expect(setLinuxAutostart(true, e)).toBe(false); // unchanged
    expect(setLinuxAutostart(false, e)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(setLinuxAutostart(false, e)).toBe(false);
  });

  it('an AppImage starts from its file; XDG_CONFIG_HOME is honoured', () => {
    const cfg = path.join(home, 'xdg');
    const e = {
      execPath: '/tmp/.mount_abraXYZ/abra-gen-exchange-sync',
      home,
      env: { APPIMAGE: '/home/jan/Apps/abra-gen-exchange-sync-0.1.0-x86_64.AppImage', XDG_CONFIG_HOME: cfg },
    };
    expect(autostartEntry(e)).toContain(
      'Exec=/home/jan/Apps/abra-gen-exchange-sync-0.1.0-x86_64.AppImage --hidden',
    );
    setLinuxAutostart(true, e);
    expect(existsSync(path.join(cfg, 'autostart', AUTOSTART_FILE))).toBe(true);
  });

  it('quotes characters the Exec key treats specially', () => {
    const e = { execPath: '/opt/a"b$c/app', home, env: {} };
    expect(autostartEntry(e)).toContain('Exec="/opt/a\\"b\\$c/app" --hidden');
  });
});
