/**
 * The ABRA client as the engine's AbraPort, for the mail end-to-end tests (the app's own wiring lives elsewhere and
 * may not exist yet; this adapter is deliberately thin).
 */
import { AbraClient } from '../../src-main/abra';
import type { AbraPort } from '../../src-main/sync/ports';

export function abraPort(
  baseUrl: string,
  login: string,
  password: string,
): AbraPort & { client: AbraClient } {
  const client = new AbraClient({ baseUrl, login, password, retryBaseMs: 1 });
  return {
    client,
    currentUser: () => client.currentUser(),
    changedSince: (c, since, where) => client.changedSince(c, since, where ? { where } : {}),
    queryAll: (c, where, select) => client.queryAll(c, { where, select }),
    get: (c, id) => client.get(c, id),
    listIds: (c, where) => client.listIds(c, where),
    create: (c, body) => client.create(c, body),
    update: (c, id, patch) => client.update(c, id, patch),
    delete: (c, id) => client.delete(c, id),
    createOwned: (c, parent, owned, body) => client.createOwned(c, parent, owned, body),
    requestCount: () => client.requestCount(),
  };
}
