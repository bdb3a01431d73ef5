/**
 * What the settings pages pick from: ABRA's activity types, queues, solver roles, divisions and e-mail accounts,
 * the mailbox's folders, a `where` filter checked on the server, and the firm search for assigning an e-mail. All
 * for the saved settings.
 */
import { contains, or } from '../../shared/abra-where';
import { toSyncError } from '../../shared/errors';
import type { AppApi, FirmHit, MailFolderItem, PickerItem, WhereCheck } from '../ipc-contract';
import { abraClient, exchangeOnly } from './clients';
import { explainConnectionError } from './connection-test';
import type { Ctx } from './context';

type LookupCalls = Pick<
  AppApi,
  | 'activityTypes'
  | 'activityQueues'
  | 'solverRoles'
  | 'divisions'
  | 'emailAccounts'
  | 'mailFolders'
  | 'validateWhere'
  | 'searchFirms'
>;

const picker = (rows: { id: string; code?: string; name?: string }[]): PickerItem[] =>
  rows.map((r) => ({
    id: r.id,
    ...(r.code ? { code: String(r.code) } : {}),
    name: String(r.name ?? r.code ?? r.id),
  }));

async function validateWhere(
  ctx: Ctx,
  collection: Parameters<AppApi['validateWhere']>[0],
  where: string,
): Promise<WhereCheck> {
  const { settings } = ctx;
  const client = await abraClient(ctx);
  try {
    const rows = await client.queryAll(collection, { select: ['id'], where: where.trim() || undefined });
    return {
      ok: true,
      count: rows.length,
      message: settings.say(collection === 'firms' ? 'where.validFirms' : 'where.validActivities', {
        count: rows.length,
      }),
    };
  } catch (e) {
    const err = toSyncError(e);
    if (err.kind === 'config' || err.kind === 'validation')
      return { ok: false, message: settings.say('where.rejected', { detail: err.message }) };
    throw new Error(
      explainConnectionError('abra', err, settings.savedConfigOrThrow(), settings.locale()).message,
    );
  }
}

/** Firms whose name or code contains the text (at most 20), each with its persons. */
async function searchFirms(ctx: Ctx, text: string): Promise<FirmHit[]> {
  const q = text.replace(/[*'"]/g, '').trim();
  if (q.length < 2) return [];
  const client = await abraClient(ctx);
  const where = or(contains('name', q), contains('code', q));
  const firms = await client.list('firms', {
    select: ['id', 'code', 'name'],
    where,
    orderby: 'name',
    take: 20,
  });
  const out: FirmHit[] = [];
  for (const f of firms) {
    let persons: PickerItem[] = [];
    try {
      const rows = await client.listOwned('firms', f.id, 'firmpersons', {
        select: ['id', 'person_id', 'person_id.firstname as firstname', 'person_id.lastname as lastname'],
      });
      persons = rows
        .filter((r) => typeof r.person_id === 'string' && r.person_id)
        .map((r) => ({
          id: String(r.person_id),
          name: [r.firstname, r.lastname].filter(Boolean).join(' ') || String(r.person_id),
        }));
    } catch (e) {
      ctx.log.warn(`searchFirms: persons of ${f.id}: ${toSyncError(e).message}`);
    }
    out.push({
      id: f.id,
      name: String(f.name ?? f.code ?? f.id),
      ...(f.code ? { code: String(f.code) } : {}),
      persons,
    });
  }
  return out;
}

export function lookupCalls(ctx: Ctx): LookupCalls {
  return {
    activityTypes: async () => picker(await (await abraClient(ctx)).activityTypes()),
    activityQueues: async () => picker(await (await abraClient(ctx)).activityQueues()),
    async solverRoles() {
      const c = await abraClient(ctx);
      return picker(c.solverRoles ? await c.solverRoles() : []);
    },
    async divisions() {
      const c = await abraClient(ctx);
      return picker(c.divisions ? await c.divisions() : []);
    },
    async emailAccounts() {
      const c = await abraClient(ctx);
      return picker(c.emailAccounts ? await c.emailAccounts() : []);
    },

    async mailFolders(): Promise<MailFolderItem[]> {
      const cfg = ctx.settings.savedConfigOrThrow();
      const exchange = await exchangeOnly(ctx.deps, cfg, ctx.deps.secrets);
      try {
        const folders = await exchange.listMailFolders();
        return folders.map((f) => ({ path: f.path ?? f.displayName, displayName: f.displayName }));
      } finally {
        await exchange.close().catch(() => undefined);
      }
    },

    validateWhere: (collection, where) => validateWhere(ctx, collection, where),
    searchFirms: (text) => searchFirms(ctx, text),
  };
}
