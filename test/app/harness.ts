/**
 * Controller dependencies for tests and the renderer's test bridge: the REAL engine over the ABRA emulator (real
 * AbraClient over HTTP) and an in-memory mailbox (FakeExchange) standing in for Exchange, file-backed settings and
 * in-memory secrets in a temporary folder.
 *
 *   const h = await startHarness();
 *   const controller = await createController(h.deps);
 *   await controller.saveSync(h.validConfig());
 *   await controller.setSecret('abraPassword', h.abra.password);
 *   await controller.setSecret('exchangePassword', EXCHANGE_PASSWORD);
 *   …
 *   await controller.dispose(); await h.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AbraClient } from '../../src-main/abra';
import type { ControllerDeps } from '../../src-main/app/controller';
import { createFileLogger } from '../../src-main/app/log';
import { MemorySecretStore } from '../../src-main/app/secrets';
import { FileSettingsStore } from '../../src-main/app/settings';
import type { FolderRef, MailboxInfo } from '../../src-main/exchange/types';
import { SyncError } from '../../src-main/shared/errors';
import type { SecretSource, SyncConfig } from '../../src-main/sync/config';
import { abraClientFor, abraPortOf } from '../../src-main/wiring';
import { type AbraEmulator, startAbraEmulator } from '../emulators/abra';
import { FakeExchange } from '../sync/fakes';

/** The password the fake mailbox accepts. */
export const EXCHANGE_PASSWORD = 'mailbox-Secret-42';

/** FakeExchange that checks the password it was built with and knows a few mail folders. */
export class TestMailbox extends FakeExchange {
  constructor(
    readonly email: string,
    private readonly password: string | null,
  ) {
    super();
  }
  override async testConnection(): Promise<MailboxInfo> {
    if (this.password !== EXCHANGE_PASSWORD)
      throw new SyncError('auth', 'the server rejected the credentials (HTTP 401)', { status: 401 });
    return { email: this.email, displayName: 'Jan Novák', serverVersion: 'Exchange2016' };
  }
  override async listMailFolders(): Promise<FolderRef[]> {
    return [
      { id: 'f-inbox', kind: 'inbox', displayName: 'Inbox', path: 'Inbox' },
      { id: 'f-cust', kind: 'mail', displayName: 'Customers', path: 'Inbox/Customers' },
      { id: 'f-sent', kind: 'sentitems', displayName: 'Sent Items', path: 'Sent Items' },
    ];
  }
}

export async function testAbraClientFor(
  config: SyncConfig,
  secrets: SecretSource,
  opts: { signal?: AbortSignal } = {},
): Promise<AbraClient> {
  return abraClientFor(config, secrets, { retryBaseMs: 1, maxRetries: 1, timeoutMs: 5000, ...opts });
}

/**
 * The engine's `connect` over the test ABRA client and the given mailbox factory. The mailbox is asked who it is
 * first: the engine only learns about a wrong password when it talks to the mailbox.
 */
export function testConnect(exchangeFor: ControllerDeps['exchangeFor'] & {}): ControllerDeps['connect'] {
  return async (config, s) => {
    const client = await testAbraClientFor(config, s);
    const exchange = await exchangeFor(config, s);
    await exchange.testConnection();
    return { abra: abraPortOf(client), exchange };
  };
}

export interface Harness {
  abra: AbraEmulator;
  /** The one mailbox every connect returns (its contents survive reconnects, like a real mailbox). */
  mailbox: () => TestMailbox | null;
  dir: string;
  /** Mutated by reset(): pass it, do not copy it, when a test resets. */
  deps: ControllerDeps;
  secrets: MemorySecretStore;
  settings: FileSettingsStore;
  notifications: { title: string; body: string; page?: string }[];
  opened: string[];
  /** Fresh settings, secrets, state folder and mailbox (same emulator). */
  reset(): void;
  /** A configuration the emulator accepts (address book on). */
  validConfig(over?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { seed?: number; dir?: string } = {}): Promise<Harness> {
  const abra = await startAbraEmulator({ seed: opts.seed ?? 3, size: 'small' });
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'abra-sync-app-'));
  const secrets = new MemorySecretStore();
  const settings = new FileSettingsStore(path.join(dir, 'settings.json'));
  const notifications: { title: string; body: string; page?: string }[] = [];
  const opened: string[] = [];
  let mailbox: TestMailbox | null = null;
  const exchangeFor = async (config: SyncConfig, s: SecretSource) => {
    const pw = await s.get('exchangePassword');
    if (mailbox && mailbox.email === config.exchange.email && pw === EXCHANGE_PASSWORD) return mailbox;
    const mb = new TestMailbox(config.exchange.email, pw);
    if (pw === EXCHANGE_PASSWORD) mailbox = mb;
    return mb;
  };
  const deps: ControllerDeps = {
    settings,
    secrets,
    connect: testConnect(exchangeFor),
    abraClientFor: testAbraClientFor,
    exchangeFor,
    dataDir: path.join(dir, 'state'),
    logFile: path.join(dir, 'logs', 'app.log'),
    log: createFileLogger({ file: path.join(dir, 'logs', 'app.log') }),
    diagnosticsDir: path.join(dir, 'diagnostics'),
    version: '0.1.0-test',
    systemLocale: 'en-US',
    notify: (title, body, page) => notifications.push({ title, body, ...(page ? { page } : {}) }),
    openPath: async (p) => {
      opened.push(p);
      return '';
    },
  };
  let round = 0;
  const h: Harness = {
    abra,
    mailbox: () => mailbox,
    dir,
    deps,
    secrets,
    settings,
    reset: () => {
      round++;
      const sub = path.join(dir, `r${round}`);
      h.secrets = new MemorySecretStore();
      h.settings = new FileSettingsStore(path.join(sub, 'settings.json'));
      Object.assign(deps, {
        secrets: h.secrets,
        settings: h.settings,
        dataDir: path.join(sub, 'state'),
        logFile: path.join(sub, 'logs', 'app.log'),
        log: createFileLogger({ file: path.join(sub, 'logs', 'app.log') }),
        diagnosticsDir: path.join(sub, 'diagnostics'),
      });
      mailbox = null;
      notifications.length = 0;
      opened.length = 0;
    },
    notifications,
    opened,
    validConfig: (over = {}) => ({
      abra: { serverUrl: `http://127.0.0.1:${abra.port}`, connection: abra.connection, login: abra.user },
      exchange: {
        kind: 'ews',
        email: 'jan.novak@firma.cz',
        ewsUrl: 'https://mail.firma.cz/EWS/Exchange.asmx',
      },
      parts: { addressBook: { enabled: true } },
      ...over,
    }),
    stop: async () => {
      await abra.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
