/**
 * ews-javascript-api 0.15.3 imports `isNullOrUndefined` from Node's `util`, which Node removed in v23
 * (DEP0051). Electron ≥ 40 embeds Node 24, so without this every extended-property call fails with
 * "util_1.isNullOrUndefined is not a function" (gautamsi/ews-javascript-api#459, fix PR #460 unmerged).
 *
 * This module must be imported before the library; `./ews-lib.ts` does that and is the only place that loads it.
 */
import util from 'node:util';

type UtilWithLegacy = typeof util & { isNullOrUndefined?: (v: unknown) => v is null | undefined };

const u = util as UtilWithLegacy;
if (typeof u.isNullOrUndefined !== 'function') {
  u.isNullOrUndefined = (v: unknown): v is null | undefined => v === null || v === undefined;
}

export const ewsPolyfillInstalled = true;
