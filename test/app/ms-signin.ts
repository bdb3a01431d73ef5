/**
 * Shared by the Microsoft sign-in tests: the "system browser" (it follows the identity provider's authorize redirect
 * to the app's loopback listener) and a controller wired like the app's (sign-in, refreshing backends).
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { type Controller, createController } from '../../src-main/app/controller';
import { appConnect, appExchangeFor, microsoftSignIn } from '../../src-main/app/microsoft';
import type { MemorySecretStore } from '../../src-main/app/secrets';
import { FileSettingsStore } from '../../src-main/app/settings';
import { abraClientFor } from '../../src-main/wiring';

/** GET the authorize URL (trusting `ca()`), then the loopback redirect it answers with; records every URL opened. */
export function systemBrowser(ca: () => string, opened: string[]) {
  return async (url: string): Promise<void> => {
    opened.push(url);
    const location = await new Promise<string>((resolve, reject) => {
      https
        .get(url, { ca: ca() }, (res) => {
          res.resume();
          if (res.statusCode === 302 && res.headers.location) resolve(res.headers.location);
          else reject(new Error(`authorize answered ${res.statusCode}`));
        })
        .on('error', reject);
    });
    // a browser tries every address of localhost; Node takes the first (maybe ::1), the listener is on 127.0.0.1
    const loopback = new URL(location);
    if (loopback.hostname === 'localhost') loopback.hostname = '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      http.get(loopback, (res) => res.resume().on('end', () => resolve())).on('error', reject);
    });
  };
}

/** A controller as the app builds it, over a temp folder, without timers. */
export function signInController(
  dir: string,
  secrets: MemorySecretStore,
  browser: (url: string) => Promise<void>,
): Promise<Controller> {
  return createController({
    settings: new FileSettingsStore(path.join(dir, 'settings.json')),
    secrets,
    connect: appConnect(browser),
    abraClientFor,
    exchangeFor: appExchangeFor(browser),
    signInMicrosoft: microsoftSignIn(browser),
    dataDir: path.join(dir, 'state'),
    logFile: path.join(dir, 'app.log'),
    version: 't',
    systemLocale: 'en-US',
    notify: () => undefined,
    openPath: async () => undefined,
    autoStart: false,
  });
}
