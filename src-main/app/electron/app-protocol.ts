/**
 * The `app:` scheme through Electron: registered as privileged before the app is ready, then handled on the default
 * session (the window's) by `serveAppRequest` (`../app-protocol.ts`, where every decision lives) from the built
 * renderer folder.
 */
import { protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppRequest } from '../app-protocol';
import type { Logger } from '../log';

/** Before `app` is ready (Electron allows it only then): `app:` is standard, secure and may be fetched. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/** After ready, before the window loads: serve `app://abra-sync/…` from `rendererDir` only. */
export function handleAppProtocol(rendererDir: string, log?: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = await serveAppRequest({ url: request.url, method: request.method }, rendererDir);
    if (r.status !== 200) log?.warn(`app protocol: ${r.status} for ${request.url.slice(0, 120)}`);
    return new Response(r.body as BodyInit | null, { status: r.status, headers: r.headers });
  });
}
