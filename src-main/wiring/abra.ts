/** The ABRA side of the wiring: the Web API client for a configuration, and the engine's port over it. */
import { AbraClient, type AbraClientOptions } from '../abra';
import { SyncError } from '../shared/errors';
import { note, tr } from '../shared/messages';
import type { SecretSource, SyncConfig } from '../sync/config';
import type { AbraPort } from '../sync/ports';

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
