/**
 * ABRA Gen Web API client (axios). See docs/abra-api.md for how it uses the API and what is assumed.
 *
 * - Every response key is lower-cased on read (current servers send lowercase, older ones PascalCase).
 * - Every failure is a `SyncError` (src-main/shared/errors.ts). Transient ones are retried with back-off.
 * - Credentials are only ever put into the Authorization header; they never appear in errors or logs.
 *
 * The class is built in layers, one file each: ./http.ts (transport, retries; ./answer.ts maps the answers,
 * ./tls-pin.ts pins a certificate) → ./reads.ts (paging, changed-since, deletion scan) → ./writes.ts → this file
 * (the settings pickers).
 */
import { SyncError } from '../shared/errors';
import type { AbraCrmActivityQueue, AbraCrmActivityType, AbraCurrentUser, AbraSecurityUser } from './model';
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

export class AbraClient extends AbraWriter {
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
