/**
 * ResolveNames: the mailboxes of this emulator act as the directory (Active Directory), the contacts of the
 * default Contacts folder (or ParentFolderIds) as the contacts; matching is by prefix of the e-mail address,
 * its local part or the display name ("SMTP:" prefix allowed), case-insensitive, like Exchange's ambiguous name
 * resolution. One hit → Success; several → Warning ErrorNameResolutionMultipleResults; none →
 * ErrorNameResolutionNoResults.
 */
import { mailboxNode, writeStoredItem } from '../serialize';
import { errorMessage, responseBody } from '../soap';
import { type Item, StoreError } from '../store';
import { child, children, childText, esc, tag, writeX, type XNode } from '../xml';
import { type OpContext, parseShape, resolveFolder } from './common';

export function resolveNames(ctx: OpContext, req: XNode): string {
  const msg = 'ResolveNamesResponseMessage';
  const raw = (childText(req, 'UnresolvedEntry') ?? '').trim();
  const q = raw.replace(/^smtp:/i, '').toLowerCase();
  const scope = req.attrs.SearchScope ?? 'ActiveDirectoryContacts';
  const full = req.attrs.ReturnFullContactData === 'true';
  const hits: string[] = [];
  const matches = (...vals: (string | undefined)[]) =>
    !!q && vals.some((v) => v?.toLowerCase().startsWith(q));
  try {
    const dir = scope !== 'Contacts';
    const contacts = scope !== 'ActiveDirectory';
    if (dir)
      for (const mb of ctx.store.mailboxes)
        if (matches(mb.email, mb.email.split('@')[0], mb.displayName, ...mb.displayName.split(/\s+/)))
          hits.push(tag('t:Resolution', {}, writeX(mailboxNode(mb.displayName, mb.email))));
    if (contacts) {
      const folders = children(child(req, 'ParentFolderIds')).map((n) => resolveFolder(ctx, n));
      if (!folders.length) folders.push(ctx.store.distinguished(ctx.mailbox, 'contacts'));
      const shape = parseShape(ctx, undefined, false);
      shape.base = (req.attrs.ContactDataShape as typeof shape.base) ?? 'Default';
      for (const f of folders)
        for (const it of ctx.store.folderItems(f)) {
          if (it.element !== 'Contact') continue;
          const emails = (it.props.get('EmailAddresses')?.children ?? []).map((e) => e.text);
          const name = it.props.get('DisplayName')?.text ?? '';
          if (!matches(name, ...name.split(/\s+/), ...emails, ...emails.map((e) => e.split('@')[0])))
            continue;
          hits.push(
            contactResolution(it, name, emails[0], full ? writeStoredItem(ctx.store, it, shape) : ''),
          );
        }
    }
  } catch (e) {
    if (e instanceof StoreError) return responseBody('ResolveNames', [errorMessage(msg, e.code, e.message)]);
    throw e;
  }
  if (!hits.length)
    return responseBody('ResolveNames', [
      errorMessage(msg, 'ErrorNameResolutionNoResults', 'No results were found.'),
    ]);
  const set = tag(
    'm:ResolutionSet',
    { TotalItemsInView: hits.length, IncludesLastItemInRange: true },
    hits.join(''),
  );
  if (hits.length === 1)
    return responseBody('ResolveNames', [
      `<m:${msg} ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${set}</m:${msg}>`,
    ]);
  return responseBody('ResolveNames', [
    `<m:${msg} ResponseClass="Warning"><m:MessageText>${esc('Multiple results were found.')}</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${set}</m:${msg}>`,
  ]);
}

function contactResolution(it: Item, name: string, email: string | undefined, contactXml: string): string {
  const mailbox = tag(
    't:Mailbox',
    {},
    tag('t:Name', {}, esc(name)) +
      (email ? tag('t:EmailAddress', {}, esc(email)) + tag('t:RoutingType', {}, 'SMTP') : '') +
      tag('t:MailboxType', {}, 'Contact') +
      tag('t:ItemId', { Id: it.id, ChangeKey: it.changeKey }),
  );
  return tag('t:Resolution', {}, mailbox + contactXml);
}
