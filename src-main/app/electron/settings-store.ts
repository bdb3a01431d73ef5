/** The settings' persistence in the app: electron-store (the document, its schema and migrations: ../settings.ts). */
import { migrateSettings, type SettingsStore, toStored } from '../settings';

type Obj = Record<string, unknown>;

/**
 * electron-store in the app (`settings.json` in the user data folder). Our own schema version and migrations run on
 * the whole document, so the store is only the persistence.
 */
export async function createElectronSettingsStore(
  opts: { cwd?: string; name?: string } = {},
): Promise<SettingsStore> {
  const { default: Store } = await import('electron-store');
  const store = new Store<Obj>({
    name: opts.name ?? 'settings',
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    clearInvalidConfig: false,
  });
  return {
    location: store.path,
    load: () => migrateSettings(store.store),
    save: (doc) => {
      store.store = toStored(doc);
    },
  };
}
