/**
 * The assignment rules (assign.ts) fed with ABRA's data: the address index read once per run from the address book,
 * the firms' latest CRM activity (asked only when several firms match), the user's rules; and the manual assignment
 * from the app's queue of unassigned mail, which updates the activity and the e-mail record in ABRA.
 */
import { SyncError } from '../../../shared/errors';
import { abraIn, nestRow, type RunContext } from '../../ports';
import { FIRM_MAIL_READ, PERSON_SELECT } from '../abra-reads';
import { ACTIVITIES } from '../activities';
import { normAddress } from './address';
import {
  type AddressIndex,
  type Assignment,
  assignMessage,
  buildAddressIndex,
  type ManualRule,
  ownDomainSet,
} from './assign';
import type { MailSettings, Prepared } from './message';
import type { ParsedMail } from './mime';

/** One run's assigner: the address index and the firms' activity are read on first need and kept for the run. */
export class Assigner {
  private index: AddressIndex | null = null;
  private readonly activity = new Map<string, string>();
  private readonly own: Set<string>;
  private readonly free: Set<string>;
  private readonly rules: Map<string, ManualRule>;

  constructor(
    private readonly ctx: RunContext,
    private readonly settings: Pick<MailSettings, 'ownDomains' | 'freeMailDomains' | 'ambiguous'>,
    private readonly mailbox: string,
  ) {
    this.own = ownDomainSet(settings.ownDomains, mailbox);
    this.free = new Set(settings.freeMailDomains.map((d) => d.trim().toLowerCase()));
    this.rules = ctx.state.mail.rules();
  }

  private async addressIndex(): Promise<AddressIndex> {
    if (!this.index) {
      const [firms, persons] = await Promise.all([
        this.ctx.abra.queryAll('firms', 'firm_id = null', FIRM_MAIL_READ.select, FIRM_MAIL_READ.expand),
        this.ctx.abra.queryAll('persons', undefined, PERSON_SELECT),
      ]);
      this.index = buildAddressIndex(firms.map(nestRow), persons.map(nestRow), {
        freeMailDomains: this.free,
        ownDomains: this.own,
      });
    }
    return this.index;
  }

  /** Most recent activity per firm: the latest creation/correction of any of its CRM activities (cached). */
  private async lastActivity(firmIds: string[]): Promise<Map<string, string>> {
    const missing = firmIds.filter((f) => !this.activity.has(f));
    if (missing.length) {
      const rows = await this.ctx.abra.queryAll(ACTIVITIES, abraIn('firm_id', missing), [
        'id',
        'firm_id',
        'createdat$date',
        'correctedat$date',
      ]);
      for (const f of missing) this.activity.set(f, '');
      for (const r of rows) {
        const f = String(r.firm_id ?? '');
        const t = String(r['correctedat$date'] ?? r['createdat$date'] ?? '');
        if (t > (this.activity.get(f) ?? '')) this.activity.set(f, t);
      }
    }
    return new Map(firmIds.map((f) => [f, this.activity.get(f) ?? '']));
  }

  async assign(p: Prepared, parsed?: ParsedMail): Promise<Assignment> {
    const idx = await this.addressIndex();
    const m = p.item;
    return assignMessage(
      {
        direction: p.direction,
        from: m.from?.address ?? parsed?.from?.address,
        to: (m.to.length ? m.to : (parsed?.to ?? [])).map((a) => a.address),
        cc: (m.cc.length ? m.cc : (parsed?.cc ?? [])).map((a) => a.address),
        mailbox: this.mailbox,
      },
      idx,
      {
        freeMailDomains: this.free,
        ownDomains: this.own,
        ambiguous: this.settings.ambiguous,
        rules: this.rules,
        lastActivity: (ids) => this.lastActivity(ids),
      },
    );
  }
}

/**
 * The user assigns archived message `id` to a firm (and person) by hand: the activity and the e-mail record follow;
 * `applyToAddress` remembers the rule for the address and assigns its other unassigned messages too.
 */
export async function assignByHand(
  ctx: RunContext,
  id: number,
  firmId: string,
  personId: string | null,
  applyToAddress: boolean,
): Promise<void> {
  const ms = ctx.state.mail;
  const row = ms.byId(id);
  if (!row) throw new SyncError('notFound', `no archived message with id ${id}`);
  const apply = async (r: typeof row) => {
    if (r.abraActivityId)
      await ctx.abra.update(ACTIVITIES, r.abraActivityId, { firm_id: firmId, person_id: personId });
    await ctx.abra.update(r.collection, r.abraEmailId, { firm_id: firmId, person_id: personId });
    ms.setAssignment(r.id, firmId, personId);
  };
  await apply(row);
  if (applyToAddress && row.address) {
    ms.putRule(normAddress(row.address), firmId, personId);
    for (const r of ms.unassigned(row.address)) await apply(r);
  }
}

/**
 * The archived text of a message waiting for its firm, for the user to read before assigning it (issue #18 item
 * 10): the ABRA activity's description (sender, recipients, attachments, then the body, as archived), else the
 * e-mail record's body. Read from ABRA, so it is what the archive really holds.
 */
export async function readArchived(ctx: RunContext, id: number): Promise<string> {
  const row = ctx.state.mail.byId(id);
  if (!row) throw new SyncError('notFound', `no archived message with id ${id}`);
  if (row.abraActivityId) {
    const a = await ctx.abra.get(ACTIVITIES, row.abraActivityId);
    if (a && typeof a.description === 'string' && a.description) return a.description;
  }
  const e = await ctx.abra.get(row.collection, row.abraEmailId);
  if (!e) throw new SyncError('notFound', `the archived message ${id} is no longer in ABRA`);
  return String(e.body ?? '');
}
