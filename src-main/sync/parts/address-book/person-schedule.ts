/**
 * When the address book compares the linked persons by hash (a server without change stamps on persons, see
 * `changedPersons` in ./reads.ts). That comparison reads every linked person — about one request per 100 — so
 * it runs on the slower schedule of the ABRA deletion scan (`safety.abraDeletionScanMinutes`, default 60) instead of
 * on every run: an idle run then costs ABRA 4 requests, not 4 + linked persons ÷ 100 (bench: 69 → 6). A person's
 * own edit (name, title, job title, e-mail, phones) reaches Outlook within that interval; an edit of the person's
 * firm, or a person added to or removed from a firm, still arrives on the next run (the firm is changed-since).
 */
import type { RunContext } from '../../ports';

/** Is a comparison due, given when the last one ran (null: never, or a cursor from before this schedule)? */
export function personCompareDue(ctx: RunContext, comparedAt: string | null | undefined): boolean {
  if (!comparedAt) return true;
  const last = Date.parse(comparedAt);
  if (Number.isNaN(last)) return true;
  const now = ctx.now().getTime();
  // a clock set back (last in the future) must not hold the comparison off until it catches up
  return now < last || now - last >= ctx.config.safety.abraDeletionScanMinutes * 60_000;
}
