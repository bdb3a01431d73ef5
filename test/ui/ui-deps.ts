/**
 * What the UI tests run the real controller over: the ABRA Gen emulator (real AbraClient over HTTP), the real engine
 * with its SQLite state, file-backed settings and in-memory secrets in a temp folder, and on the Exchange side
 * either
 *  - `ews` (default): the EWS emulator through the real EWS backend (ews-javascript-api over HTTP), or
 *  - `memory`: the engine tests' in-memory Exchange (contacts, calendar, tasks) joined with the e-mail archive tests'
 *    mail folders — no HTTP, for quick local runs.
 * Autodiscover is a test double that knows the one mailbox (neither emulator serves Autodiscover).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ControllerDeps } from '../../src-main/app/controller';
import { createFileLogger } from '../../src-main/app/log';
import type { Policy } from '../../src-main/app/policy';
import { MemorySecretStore } from '../../src-main/app/secrets';
import { FileSettingsStore } from '../../src-main/app/settings';
import type {
  ChangeOptions,
  ChangePage,
  ExchangeItem,
  FolderKind,
  FolderRef,
} from '../../src-main/exchange/types';
import { SyncError } from '../../src-main/shared/errors';
import type { SecretSource, SyncConfig } from '../../src-main/sync/config';
import { EXCHANGE_PASSWORD, TestMailbox, testAbraClientFor, testConnect } from '../app/harness';
import { type AbraEmulator, addMailboxAccount, startAbraEmulator } from '../emulators/abra';
import { type EwsEmulator, startEwsEmulator } from '../emulators/ews';
import type { ServerFlavour } from '../emulators/ews/soap';
import { FakeMailbox } from '../mail/fakes';

export { EXCHANGE_PASSWORD };

const MAIL_KINDS: FolderKind[] = ['inbox', 'sentitems', 'mail'];

/** Contacts, calendar and tasks from FakeExchange; mail folders and messages from FakeMailbox. */
export class UiMailbox extends TestMailbox {
  readonly mail: FakeMailbox;
  constructor(email: string, password: string | null) {
    super(email, password);
    this.mail = new FakeMailbox(email, ['Inbox/Customers']);
  }
  private isMail(f: FolderRef): boolean {
    return MAIL_KINDS.includes(f.kind);
  }
  override async getFolder(kind: FolderKind, p?: string): Promise<FolderRef> {
    return MAIL_KINDS.includes(kind) ? this.mail.getFolder(kind, p) : super.getFolder(kind);
  }
  override async listMailFolders(): Promise<FolderRef[]> {
    return this.mail.listMailFolders();
  }
  override async getChanges<T extends ExchangeItem>(
    folder: FolderRef,
    cursor: string | null,
    options?: ChangeOptions,
  ): Promise<ChangePage<T>> {
    return this.isMail(folder)
      ? this.mail.getChanges<T>(folder, cursor, options)
      : super.getChanges<T>(folder, cursor);
  }
  override async getItems<T extends ExchangeItem>(folder: FolderRef, ids: string[]): Promise<T[]> {
    return this.isMail(folder) ? this.mail.getItems<T>(folder, ids) : super.getItems<T>(folder, ids);
  }
  override async getMime(id?: string): Promise<Buffer> {
    return this.mail.getMime(id ?? '');
  }
}

export const MAILBOX = { email: 'jan.novak@firma.cz', displayName: 'Jan Novák' };

export interface UiBackends {
  kind: 'ews' | 'memory';
  abra: AbraEmulator;
  /** The EWS emulator (kind `ews`). */
  ews: EwsEmulator | null;
  /** The in-memory mailbox the right password opens (kind `memory`; it survives reconnects, like a real one). */
  mailbox(): UiMailbox | null;
  /** The EWS URL Autodiscover answers for the mailbox. */
  ewsUrl: string;
  /** Controller dependencies over a fresh settings/state folder; `policy` = an admin policy in force. */
  deps(opts?: { policy?: Policy; name?: string; systemLocale?: string }): ControllerDeps;
  dir: string;
  stop(): Promise<void>;
}

export async function startUiBackends(
  opts: { exchange?: 'ews' | 'memory'; ewsVersion?: ServerFlavour } = {},
): Promise<UiBackends> {
  const kind = opts.exchange ?? 'ews';
  const abra = await startAbraEmulator({ seed: 7, size: 'small' });
  addMailboxAccount(abra, MAILBOX.email);
  const ews =
    kind === 'ews'
      ? await startEwsEmulator({
          size: 'empty',
          mailboxes: [{ ...MAILBOX, password: EXCHANGE_PASSWORD }],
          ...(opts.ewsVersion
            ? { version: opts.ewsVersion, checkResponses: opts.ewsVersion.startsWith('Exchange2007') }
            : {}),
        })
      : null;
  const ewsUrl = ews ? ews.url : `https://mail.firma.cz/EWS/Exchange.asmx`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-ui-'));
  let mailbox: UiMailbox | null = null;
  const exchangeFor = async (config: SyncConfig, s: SecretSource) => {
    const pw = await s.get('exchangePassword');
    if (ews) {
      // Loaded only here so that the in-memory variant runs without the EWS library.
      const { createExchangeBackend } = await import('../../src-main/wiring/exchange');
      return createExchangeBackend(
        config.exchange,
        { password: pw },
        { ews: { timeoutMs: 10_000, transport: { maxRetries: 1, baseDelayMs: 10 } } },
      );
    }
    if (mailbox && mailbox.email === config.exchange.email && pw === EXCHANGE_PASSWORD) return mailbox;
    const mb = new UiMailbox(config.exchange.email, pw);
    if (pw === EXCHANGE_PASSWORD) mailbox = mb;
    return mb;
  };
  let round = 0;
  return {
    kind,
    abra,
    ews,
    ewsUrl,
    dir,
    mailbox: () => mailbox,
    deps(opts = {}) {
      const sub = path.join(dir, opts.name ?? `app${++round}`);
      const logFile = path.join(sub, 'logs', 'app.log');
      return {
        settings: new FileSettingsStore(path.join(sub, 'settings.json')),
        secrets: new MemorySecretStore(),
        connect: testConnect(exchangeFor),
        abraClientFor: testAbraClientFor,
        exchangeFor,
        autodiscover: async (email) => {
          if (email.toLowerCase() !== MAILBOX.email) throw new SyncError('notFound', `no mailbox ${email}`);
          return ewsUrl;
        },
        dataDir: path.join(sub, 'state'),
        logFile,
        log: createFileLogger({ file: logFile }),
        diagnosticsDir: path.join(sub, 'diagnostics'),
        version: '0.1.0',
        systemLocale: opts.systemLocale ?? 'en-US',
        notify: () => undefined,
        openPath: async () => '',
        // The test drives every run itself: no timers racing the clicks.
        autoStart: false,
        ...(opts.policy ? { policy: opts.policy } : {}),
      };
    },
    async stop() {
      await abra.stop();
      await ews?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
