/** The e-mail archive's queue of messages waiting for assignment, as the service offers it to the app and the CLI. */
import { SyncError } from '../../shared/errors';
import { type AnyPart, isOwnFlowPart } from '../part';
import type { RunContext } from '../ports';
import type { StateStore } from '../state/store';

type MailPart = AnyPart | undefined;

export function listUnassignedMail(mail: MailPart, state: StateStore) {
  return mail && isOwnFlowPart(mail) && mail.listUnassigned ? mail.listUnassigned({ state }) : [];
}

/** How many messages wait for their firm (0 without the archive). */
export function countUnassignedMail(mail: MailPart, state: StateStore): number {
  return mail && isOwnFlowPart(mail) && mail.countUnassigned ? mail.countUnassigned({ state }) : 0;
}

export function ignoreMail(mail: MailPart, state: StateStore, id: number): void {
  if (!mail || !isOwnFlowPart(mail) || !mail.ignore)
    throw new SyncError('config', 'the e-mail archive is not available in this version');
  if (!mail.ignore({ state }, id))
    throw new SyncError('notFound', `message ${id} is not waiting for assignment`);
}

export async function readUnassignedMail(
  mail: MailPart,
  context: () => Promise<RunContext>,
  id: number,
): Promise<string> {
  if (!mail || !isOwnFlowPart(mail) || !mail.readArchived)
    throw new SyncError('config', 'the e-mail archive is not available in this version');
  return mail.readArchived(await context(), id);
}

export async function assignMail(
  mail: MailPart,
  context: () => Promise<RunContext>,
  id: number,
  firmId: string,
  personId: string | null,
  applyToAddress: boolean,
): Promise<void> {
  if (!mail || !isOwnFlowPart(mail) || !mail.assign) {
    throw new SyncError('config', 'the e-mail archive is not available in this version');
  }
  await mail.assign(await context(), id, firmId, personId, applyToAddress);
}
