/**
 * Address book: each current ABRA firm that passes the filter becomes a company contact, and each person linked to
 * it (a `firmpersons` row) a person contact carrying the firm's name, address and web — all in the "ABRA Gen"
 * contacts folder only. Default direction ABRA → Exchange; bidirectional edits go back to the right ABRA fields
 * (firm name and residence address; person name, title, job title and address). Firms and persons are master data:
 * an Outlook delete never deletes them.
 *
 * Link ids: a company contact is keyed by the firm id, a person contact by `firmId:personId` (a person working for
 * two firms has two contacts, one per firm). A firm's major correction (a new firm record whose old record points to
 * it through `firm_id`) moves the links to the new id, so the contacts stay.
 */
import type { ContactData, ContactItem, ExchangeItem } from '../../../exchange/types';
import { SyncError } from '../../../shared/errors';
import type { AbraLoad, ExItem, TwoWayPart } from '../../part';
import { type AbraRow, abraIn, abraLiteral, nestRow } from '../../ports';
import type { CommonRecord } from '../../record';
import { FIRM_READ } from '../abra-reads';
import { deletionScan, extraFieldsFor, str } from '../activities';
import { addressBody, contactName, emails, firmToRecord, personToRecord, type Row } from './mapping';
import { personHash } from './person-hash';
import {
  cfgOf,
  changedPersons,
  edgeOf,
  expandFirms,
  firmFilter,
  firmMatchesLocally,
  firmsById,
  firmVersion,
  notSeen,
  parseCursor,
} from './reads';

export { firmToRecord, personToRecord } from './mapping';

export const addressBookPart: TwoWayPart = {
  name: 'addressBook',
  folderKind: 'contacts',
  protectAbraFromDeletes: true,
  exchangeIsMirror: true,
  direction: (ctx) => cfgOf(ctx).direction,

  async loadAbra(ctx, cursorText, links): Promise<AbraLoad> {
    const cursor = parseCursor(cursorText);
    const full = cursor === null;
    const rekeys: { from: string; to: string }[] = [];
    let firmRows: { row: AbraRow; inScope: boolean }[];
    let firmsHigh: string | null;
    let personsHigh: string | null = cursor?.persons ?? null;
    const edge: Record<string, string> = {}; // `f:<firm id>` / `p:<person id>` → objversion
    let personsByHash = cursor?.personsByHash ?? false;
    let personsComparedAt = cursor?.personsComparedAt;
    if (full) {
      personsComparedAt = ctx.now().toISOString(); // every person of the firms in scope is read below
      const r = await ctx.abra.changedSince('firms', null, firmFilter(ctx), FIRM_READ);
      r.rows = r.rows.map(nestRow);
      firmRows = r.rows.map((row) => ({ row, inScope: true }));
      firmsHigh = r.highWater;
      edgeOf('f', r.rows, firmsHigh, edge);
      // Persons are read per firm; their own change cursor starts at the firms' high-water mark (over-reading
      // once is harmless: unchanged hashes do nothing), or now when ABRA has no firm yet.
      personsHigh = firmsHigh ?? ctx.now().toISOString();
    } else {
      const r = await ctx.abra.changedSince('firms', cursor.firms, undefined, FIRM_READ);
      r.rows = r.rows.map(nestRow);
      firmsHigh = r.highWater ?? cursor.firms;
      edgeOf('f', r.rows, firmsHigh, edge);
      r.rows = notSeen('f', r.rows, cursor.edge);
      let expertOk: Set<string> | null = null;
      const where = cfgOf(ctx).where.trim();
      const local = r.rows.filter((f) => firmMatchesLocally(ctx, f));
      if (where && local.length) {
        expertOk = new Set();
        for (let i = 0; i < local.length; i += 100) {
          const ids = local.slice(i, i + 100).map((f) => f.id);
          for (const id of await ctx.abra.listIds('firms', `${abraIn('id', ids)} and (${where})`))
            expertOk.add(id);
        }
      }
      firmRows = [];
      for (const row of r.rows) {
        const successor = str(row.firm_id);
        if (successor && links.has(row.id)) rekeys.push({ from: row.id, to: successor });
        const inScope = firmMatchesLocally(ctx, row) && (!expertOk || expertOk.has(row.id));
        if (!inScope && !links.has(row.id)) continue;
        firmRows.push({ row, inScope });
      }
      // Persons changed since: re-derive the contacts of the firms they are linked under.
      const p = await changedPersons(ctx, cursor, links, edge);
      personsHigh = p.high;
      personsByHash = p.byHash;
      personsComparedAt = p.comparedAt;
      if (p.ids.length) {
        const changed = new Set(p.ids);
        const firmIds = [...links.keys()]
          .filter((id) => id.includes(':') && changed.has(id.split(':')[1] ?? ''))
          .map((id) => id.split(':')[0] ?? '');
        const have = new Set(firmRows.map((f) => f.row.id));
        for (const row of await firmsById(
          ctx,
          firmIds.filter((id) => !have.has(id)),
        )) {
          firmRows.push({ row, inScope: firmMatchesLocally(ctx, row) });
        }
      }
    }
    const { items, deleted, persons } = await expandFirms(ctx, firmRows, links);
    const personHashes = { ...(cursor?.personHashes ?? {}) };
    for (const p of persons.values()) personHashes[str(p.id)] = personHash(p);
    // Deletion scan of linked firms: a deleted firm takes its person contacts with it.
    const firmLinks = new Map([...links].filter(([id]) => !id.includes(':')));
    const scan = await deletionScan(ctx, 'addressBook', cursorText, firmLinks, 'firms');
    const goneFirms = new Set(scan.deleted);
    for (const id of links.keys()) {
      const firmId = id.split(':')[0] ?? '';
      if (goneFirms.has(firmId) && !rekeys.some((r) => r.from === firmId)) deleted.push(id);
    }
    return {
      items,
      deleted: [...new Set(deleted)],
      cursor: JSON.stringify({
        firms: firmsHigh,
        persons: personsHigh,
        edge,
        ...(personsByHash ? { personsByHash: true } : {}),
        personHashes,
        ...(personsComparedAt ? { personsComparedAt } : {}),
      }),
      full,
      extraCursors: scan.extraCursors,
      rekeys,
    };
  },

  async loadAbraByIds(ctx, ids) {
    const firmIds = [...new Set(ids.map((id) => id.split(':')[0] ?? ''))];
    const rows = await firmsById(ctx, firmIds);
    const { items } = await expandFirms(
      ctx,
      rows.map((row) => ({ row, inScope: firmMatchesLocally(ctx, row) })),
      new Map(),
    );
    const want = new Set(ids);
    return items.filter((i) => want.has(i.id));
  },

  fromExchange(_ctx, item: ExchangeItem): ExItem | null {
    if (item.kind !== 'contact') return null;
    const c = item as ContactItem;
    const d = c.data;
    const isPerson = c.abraId ? c.abraId.includes(':') : !!(d.givenName || d.surname);
    const a = d.businessAddress ?? {};
    const base = {
      emails: emails(...(d.emails ?? [])),
      businessPhone: d.businessPhone ?? '',
      street: a.street ?? '',
      city: a.city ?? '',
      postalCode: a.postalCode ?? '',
      country: a.country ?? '',
      webPage: d.webPage ?? '',
    };
    const record: CommonRecord = isPerson
      ? {
          kind: 'person',
          givenName: d.givenName ?? '',
          surname: d.surname ?? '',
          title: d.title ?? '',
          companyName: d.companyName ?? '',
          jobTitle: d.jobTitle ?? '',
          mobilePhone: d.mobilePhone ?? '',
          ...base,
        }
      : {
          kind: 'company',
          name: d.companyName || d.displayName || '',
          businessPhone2: d.businessPhone2 ?? '',
          businessFax: d.businessFax ?? '',
          ...base,
        };
    return {
      key: c.id,
      id: c.id,
      changeKey: c.changeKey,
      record,
      inScope: true,
      name: contactName(record),
      abraId: c.abraId ?? null,
      modifiedAt: c.lastModified,
    };
  },

  pairKeys(r) {
    const keys: string[] = [];
    const kind = str(r.kind);
    for (const e of (r.emails as string[] | undefined) ?? []) keys.push(`${kind}|email:${e.toLowerCase()}`);
    if (kind === 'company' && str(r.name)) keys.push(`company|name:${str(r.name).toLowerCase()}`);
    if (kind === 'person' && (str(r.givenName) || str(r.surname))) {
      keys.push(
        `person|name:${str(r.givenName).toLowerCase()} ${str(r.surname).toLowerCase()}|${str(r.companyName).toLowerCase()}`,
      );
    }
    return keys;
  },

  toExchange(_ctx, r): ContactData {
    const address = {
      street: str(r.street),
      city: str(r.city),
      postalCode: str(r.postalCode),
      country: str(r.country),
    };
    const common = {
      emails: (r.emails as string[] | undefined) ?? [],
      businessPhone: str(r.businessPhone),
      businessAddress: address,
      webPage: str(r.webPage),
      categories: ['ABRA Gen'],
    };
    if (r.kind === 'person') {
      return {
        ...common,
        displayName: contactName(r),
        givenName: str(r.givenName),
        surname: str(r.surname),
        title: str(r.title),
        companyName: str(r.companyName),
        jobTitle: str(r.jobTitle),
        mobilePhone: str(r.mobilePhone),
      };
    }
    return {
      ...common,
      displayName: str(r.name),
      companyName: str(r.name),
      businessPhone2: str(r.businessPhone2),
      businessFax: str(r.businessFax),
    };
  },

  async createAbra(ctx, record) {
    if (record.kind === 'company') {
      const row = await ctx.abra.create('firms', {
        name: str(record.name),
        wwwaddress: str(record.webPage),
        residenceaddress_id: addressBody(record, true),
        ...extraFieldsFor(ctx.config, 'firms'),
      });
      return { id: row.id, version: firmVersion(row), record: firmToRecord(row) };
    }
    // A person contact created in Outlook joins the ABRA firm whose name its company field carries.
    const company = str(record.companyName).trim();
    if (!company) {
      throw new SyncError(
        'validation',
        'A new contact needs a company that exists in ABRA (the Company field).',
      );
    }
    const firms = await ctx.abra.queryAll('firms', `firm_id = null and name = ${abraLiteral(company)}`);
    const firm = firms[0];
    if (!firm)
      throw new SyncError('validation', `No ABRA firm is named "${company}"; create the firm first.`);
    const person = await ctx.abra.create('persons', {
      firstname: str(record.givenName),
      lastname: str(record.surname),
      title: str(record.title),
      grade: str(record.jobTitle),
      address_id: {
        email: ((record.emails as string[] | undefined) ?? [])[0] ?? '',
        phonenumber1: str(record.businessPhone),
        phonenumber2: str(record.mobilePhone),
      },
      ...extraFieldsFor(ctx.config, 'persons'),
    });
    await ctx.abra.createOwned('firms', firm.id, 'firmpersons', { person_id: person.id });
    const fresh = (await ctx.abra.get('firms', firm.id)) ?? firm;
    const fp = (Array.isArray(fresh.firmpersons) ? (fresh.firmpersons as Row[]) : []).find(
      (x) => str(x.person_id) === person.id,
    );
    return {
      id: `${firm.id}:${person.id}`,
      version: `${firmVersion(fresh)}.${str(person.objversion)}`,
      record: personToRecord(fresh, person, fp ?? {}),
    };
  },

  async updateAbra(ctx, id, record, previous) {
    const changed = (f: string) =>
      !previous || JSON.stringify(previous[f] ?? null) !== JSON.stringify(record[f] ?? null);
    const [firmId, personId] = id.split(':');
    if (!personId) {
      const patch: Record<string, unknown> = {};
      if (changed('name')) patch.name = str(record.name);
      if (changed('webPage')) patch.wwwaddress = str(record.webPage);
      const addr = addressBody(record, true, previous ? changed : undefined);
      if (Object.keys(addr).length) patch.residenceaddress_id = addr;
      const row = Object.keys(patch).length
        ? await ctx.abra.update('firms', firmId ?? id, patch)
        : await ctx.abra.get('firms', firmId ?? id);
      if (!row) throw new SyncError('notFound', 'The firm no longer exists in ABRA.');
      return { version: firmVersion(row) };
    }
    // Person contact: the person's own fields go back; firm fields (company, address, web) are ABRA's.
    const patch: Record<string, unknown> = {};
    if (changed('givenName')) patch.firstname = str(record.givenName);
    if (changed('surname')) patch.lastname = str(record.surname);
    if (changed('title')) patch.title = str(record.title);
    if (changed('jobTitle')) patch.grade = str(record.jobTitle);
    const addr: Record<string, unknown> = {};
    if (changed('emails')) addr.email = ((record.emails as string[] | undefined) ?? [])[0] ?? '';
    if (changed('businessPhone')) addr.phonenumber1 = str(record.businessPhone);
    if (changed('mobilePhone')) addr.phonenumber2 = str(record.mobilePhone);
    if (Object.keys(addr).length) patch.address_id = addr;
    const person = Object.keys(patch).length
      ? await ctx.abra.update('persons', personId, patch)
      : await ctx.abra.get('persons', personId);
    const firm = await ctx.abra.get('firms', firmId ?? '');
    if (!person || !firm) throw new SyncError('notFound', 'The person or the firm no longer exists in ABRA.');
    // The firm's part of the version is left unknown: the firm may have changed since this run read it (a user in
    // ABRA, or this very run writing the company contact's new name), and the stored record does not carry that
    // change. With the firm's current objversion here, the next run would see an unchanged version and never bring
    // the firm's new name/address to this contact; an unknown part makes it compare the mapped fields instead.
    return { version: `?.${str(person.objversion)}` };
  },

  async deleteAbra() {
    // Never reached: protectAbraFromDeletes keeps the decision table from deleting ABRA master data.
    throw new SyncError('config', 'The address book never deletes ABRA firms or persons.');
  },

  nameOf: (r) => contactName(r),
};
