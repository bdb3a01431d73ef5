/**
 * Where the engine meets the real clients: the ABRA Gen Web API client wrapped into the engine's AbraPort, and the
 * Exchange backend chosen by the configuration (EWS or Microsoft Graph). The CLI and the Electron shell pass
 * {@link connect} to the SyncService; the engine itself imports no HTTP library.
 */
import { AbraClient, type AbraClientOptions } from './abra';
import { createExchangeBackend } from './exchange';
import type { ExchangeBackend } from './exchange/types';
import { SyncError } from './shared/errors';
import { note, tr } from './shared/messages';
import type { SecretSource, SyncConfig } from './sync/config';
import type { AbraPort } from './sync/ports';
import { runPreflight } from './sync/preflight';
import type { Connections } from './sync/service';

/** The engine's view of an {@link AbraClient}. */
export function abraPortOf(client: AbraClient): AbraPort {
  return {
    currentUser: () => client.currentUser(),
    changedSince: (c, since, where, read) =>
      client.changedSince(c, since, { ...(where ? { where } : {}), ...(read ?? {}) }),
    queryAll: (c, where, select, expand) => client.queryAll(c, { where, select, expand }),
    get: (c, id) => client.get(c, id),
    listIds: (c, where) => client.listIds(c, where),
    create: (c, body) => client.create(c, body),
    update: (c, id, patch) => client.update(c, id, patch),
    delete: (c, id) => client.delete(c, id),
    createOwned: (c, parent, owned, body) => client.createOwned(c, parent, owned, body),
    requestCount: () => client.requestCount(),
    query: (c, q) =>
      client.queryJson(
        c,
        { ...(q.where ? { where: q.where } : {}), ...(q.select ? { select: q.select } : {}) },
        { skip: q.skip ?? 0, take: q.take ?? 100 },
      ),
    validate: (c, body) => client.validate(c, body),
  };
}

/** `https://server:port` + connection name → the client's base URL. */
export function abraBaseUrl(config: Pick<SyncConfig['abra'], 'serverUrl' | 'connection'>): string {
  return `${config.serverUrl.replace(/\/+$/, '')}/${encodeURIComponent(config.connection)}`;
}

/** An ABRA client for the configuration, with the password or token from the secret source. */
export async function abraClientFor(
  config: SyncConfig,
  secrets: SecretSource,
  extra: Partial<AbraClientOptions> = {},
): Promise<AbraClient> {
  const a = config.abra;
  const opts: AbraClientOptions = {
    baseUrl: abraBaseUrl(a),
    login: a.login,
    tls:
      a.caCertificate || a.fingerprint256
        ? { ca: a.caCertificate, fingerprint256: a.fingerprint256 }
        : undefined,
    ...extra,
  };
  if (a.authMode === 'token') {
    const token = await secrets.get('abraToken');
    if (!token) throw new SyncError('config', tr('en', 'run.noAbraToken'), { note: note('run.noAbraToken') });
    opts.token = token;
  } else {
    const password = await secrets.get('abraPassword');
    if (password === null)
      throw new SyncError('config', tr('en', 'run.noAbraPassword'), { note: note('run.noAbraPassword') });
    opts.password = password;
  }
  return new AbraClient(opts);
}

/**
 * The Exchange backend for the configuration: EWS with the stored password, or Microsoft 365 signing in silently
 * from the stored MSAL token cache (refreshed caches are written back to the secret store; an expired grant is an
 * 'auth' error that asks the user to sign in again in the app).
 */
export async function exchangeFor(
  config: SyncConfig,
  secrets: SecretSource,
  opts: { signal?: AbortSignal } = {},
): Promise<ExchangeBackend> {
  const x = config.exchange;
  const signal = opts.signal ? { signal: opts.signal } : {};
  if (x.kind === 'ews' && x.auth !== 'oauth') {
    const password = await secrets.get('exchangePassword');
    if (password === null)
      throw new SyncError('config', tr('en', 'run.noExchangePassword'), {
        note: note('run.noExchangePassword'),
      });
    return createExchangeBackend(x, { password }, { ews: signal });
  }
  const token = await secrets.get('graphTokenCache');
  if (x.kind === 'ews' && token?.trimStart().startsWith('{'))
    // The stored secret is a Microsoft 365 sign-in (MSAL cache with Graph permissions), not an EWS access token.
    throw new SyncError('config', tr('en', 'run.ewsOauthCli'), {
      note: note('run.ewsOauthCli'),
    });
  return createExchangeBackend(
    x,
    { token },
    {
      graph: {
        tasksList: config.parts.tasks.tasksList,
        ...signal,
        saveTokenCache: (serialized: string) => secrets.set?.('graphTokenCache', serialized),
      },
    },
  );
}

/** The `connect` function the SyncService uses. */
export async function connect(config: SyncConfig, secrets: SecretSource): Promise<Connections> {
  const client = await abraClientFor(config, secrets);
  const exchange = await exchangeFor(config, secrets);
  const server = abraBaseUrl(config.abra);
  return {
    abra: abraPortOf(client),
    exchange,
    abraServer: server,
    preflight: () => runPreflight(client, config, server),
  };
}
