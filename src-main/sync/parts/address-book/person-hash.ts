/** The person hash fallback: what of a person reaches a contact, for servers without change stamps on persons. */
import { createHash } from 'node:crypto';
import { obj, type Row } from './mapping';

/** What of a person reaches a contact: its hash tells a changed person without changed-since fields. */
export function personHash(p: Row): string {
  const a = obj(p.address_id);
  return createHash('sha256')
    .update(
      JSON.stringify([
        p.objversion,
        p.firstname,
        p.lastname,
        p.title,
        p.grade,
        p.hidden,
        a.email,
        a.phonenumber1,
        a.phonenumber2,
      ]),
    )
    .digest('base64url')
    .slice(0, 16);
}
