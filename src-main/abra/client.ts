/**
 * ABRA Gen Web API client (axios). See docs/abra-api.md for how it uses the API and what is assumed.
 *
 * - Every response key is lower-cased on read (current servers send lowercase, older ones PascalCase).
 * - Every failure is a `SyncError` (src-main/shared/errors.ts). Transient ones are retried with back-off.
 * - Credentials are only ever put into the Authorization header; they never appear in errors or logs.
 *
 * This class is the facade (as in ../exchange/graph/); the work is done by the rooms beside it:
 * - ./http.ts — the transport: Authorization, https agents, one call with its retries; ./answer.ts maps an answer
 *   to a value or a SyncError; ./tls-pin.ts pins a certificate;
 * - ./reads.ts — one page, paging, JSON queries, the deletion scan, changed-since, firms' major corrections;
 * - ./writes.ts — create, update, delete, owned rows, the dry run;
 * - this file — the settings pickers.
 */
import { SyncError } from '../shared/errors';
import { type AbraClientOptions, AbraHttp } from './http';
import type { AbraCrmActivityQueue, AbraCrmActivityType, AbraCurrentUser, AbraSecurityUser } from './model';
import { AbraReader } from './reads';
import { AbraWriter } from './writes';

export type { AbraRow } from '../shared/abra-where';
export { lowerKeys } from './answer';
export type { AbraClientOptions } from './http';
export {
  CHANGED_SINCE_OVERLAP_MS,
  type ChangedSinceOptions,
  type ChangedSinceResult,
  type ReadQuery,
} from './reads';
export { peerChain, pinnedAgent } from './tls-pin';
export type { ValidationResult } from './writes';

export class AbraClient {
  private readonly http: AbraHttp;
  private readonly reads: AbraReader;
  private readonly writes: AbraWriter;

  constructor(opts: AbraClientOptions) {
    this.http = new AbraHttp(opts);
    this.reads = new AbraReader(this.http);
    this.writes = new AbraWriter(this.http);
  }

  /** Requests, retries and failures so far. */
  get stats(): { requests: number; retries: number; failures: number } {
    return this.http.stats;
  }

  /** Requests sent so far, including retries (for the benchmark). */
  requestCount(): number {
    return this.http.requestCount();
  }

  /** One API call with error mapping and retries (./http.ts). */
  request<T = unknown>(...a: Parameters<AbraHttp['request']>): Promise<T> {
    return this.http.request<T>(...a);
  }

  // ---- reads (./reads.ts) --------------------------------------------------------------------------------------

  list(...a: Parameters<AbraReader['list']>) {
    return this.reads.list(...a);
  }
  queryAll(...a: Parameters<AbraReader['queryAll']>) {
    return this.reads.queryAll(...a);
  }
  queryJson(...a: Parameters<AbraReader['queryJson']>) {
    return this.reads.queryJson(...a);
  }
  get(...a: Parameters<AbraReader['get']>) {
    return this.reads.get(...a);
  }
  listIds(...a: Parameters<AbraReader['listIds']>) {
    return this.reads.listIds(...a);
  }
  changedSince(...a: Parameters<AbraReader['changedSince']>) {
    return this.reads.changedSince(...a);
  }
  resolveFirm(...a: Parameters<AbraReader['resolveFirm']>) {
    return this.reads.resolveFirm(...a);
  }
  followFirms(...a: Parameters<AbraReader['followFirms']>) {
    return this.reads.followFirms(...a);
  }

  // ---- writes (./writes.ts) ------------------------------------------------------------------------------------

  create(...a: Parameters<AbraWriter['create']>) {
    return this.writes.create(...a);
  }
  update(...a: Parameters<AbraWriter['update']>) {
    return this.writes.update(...a);
  }
  delete(...a: Parameters<AbraWriter['delete']>) {
    return this.writes.delete(...a);
  }
  listOwned(...a: Parameters<AbraWriter['listOwned']>) {
    return this.writes.listOwned(...a);
  }
  createOwned(...a: Parameters<AbraWriter['createOwned']>) {
    return this.writes.createOwned(...a);
  }
  updateOwned(...a: Parameters<AbraWriter['updateOwned']>) {
    return this.writes.updateOwned(...a);
  }
  deleteOwned(...a: Parameters<AbraWriter['deleteOwned']>) {
    return this.writes.deleteOwned(...a);
  }
  validate(...a: Parameters<AbraWriter['validate']>) {
    return this.writes.validate(...a);
  }

  // ---- settings pickers ----------------------------------------------------------------------------------------

  async currentUser(): Promise<AbraCurrentUser> {
    return this.request<AbraCurrentUser>('GET', '/currentuser');
  }
  /** Activity types for the pickers (hidden ones excluded unless asked). */
  async activityTypes(includeHidden = false): Promise<AbraCrmActivityType[]> {
    return (await this.queryAll('crmactivitytypes', {
      select: ['id', 'code', 'name', 'hidden', 'objversion'],
      where: includeHidden ? undefined : 'hidden = false',
      orderby: 'code',
    })) as unknown as AbraCrmActivityType[];
  }
  /** Activity series (queues). */
  async activityQueues(includeHidden = false): Promise<AbraCrmActivityQueue[]> {
    return (await this.queryAll('crmactivityqueues', {
      select: ['id', 'code', 'name', 'hidden', 'objversion'],
      where: includeHidden ? undefined : 'hidden = false',
      orderby: 'code',
    })) as unknown as AbraCrmActivityQueue[];
  }
  /**
   * Solver roles for new activities (a real ABRA requires SolverRole_ID, error 810). Roles have `shortname`, not
   * `code` (real securityroles rows, ../shared/notes/abra-fields-audit.md); shown as the code.
   */
  async solverRoles(includeHidden = false): Promise<{ id: string; code: string; name: string }[]> {
    const rows = await this.queryAll('securityroles', {
      select: ['id', 'shortname', 'name', 'hidden'],
      where: includeHidden ? undefined : 'hidden = false',
      orderby: 'name',
    });
    return rows.map((r) => ({ id: r.id, code: String(r.shortname ?? ''), name: String(r.name ?? '') }));
  }
  /** Divisions for new activities (Division_ID is required, error 824). Only id, code, name: no field list is published. */
  async divisions(): Promise<{ id: string; code: string; name: string }[]> {
    const rows = await this.queryAll('divisions', { select: ['id', 'code', 'name'], orderby: 'code' });
    return rows.map((r) => ({ id: r.id, code: String(r.code ?? ''), name: String(r.name ?? '') }));
  }
  /**
   * The own e-mail accounts (`emailaccounts`) for the e-mail archive's picker: id, address as the code, name. The
   * address and name API names are not proven (UI "E-mailová adresa", "Název účtu"); a server that refuses them
   * still gets a list by id and display name.
   */
  async emailAccounts(): Promise<{ id: string; code: string; name: string }[]> {
    try {
      const rows = await this.queryAll('emailaccounts', { select: ['id', 'emailaddress', 'name'] });
      return rows.map((r) => ({ id: r.id, code: String(r.emailaddress ?? ''), name: String(r.name ?? '') }));
    } catch (e) {
      if (!(e instanceof SyncError) || e.kind !== 'config') throw e;
      const rows = await this.queryAll('emailaccounts', { select: ['id', 'displayname'] });
      return rows.map((r) => ({ id: r.id, code: '', name: String(r.displayname ?? '') }));
    }
  }
  /** ABRA users (for solver/responsible pickers); locked users excluded unless asked. */
  async users(includeLocked = false): Promise<AbraSecurityUser[]> {
    return (await this.queryAll('securityusers', {
      select: ['id', 'loginname', 'name', 'shortname', 'locked', 'address_id.email as email', 'objversion'],
      where: includeLocked ? undefined : 'locked = false',
      orderby: 'name',
    })) as unknown as AbraSecurityUser[];
  }
}
