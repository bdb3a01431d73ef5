/** Commit the cursors: everything read was applied or is queued for retry. */
import { SCOPE_CURSOR } from '../scope';
import type { SidesRead } from './read';
import type { PartRun } from './types';

export function commitCursors(run: PartRun, read: SidesRead, total: number): void {
  const { part, ctx } = run;
  const { state } = ctx;
  const { abraLoad, ex } = read;
  ctx.progress({ phase: 'finishing', done: total, total });
  state.transaction(() => {
    if (abraLoad.cursor !== null) state.setCursor(part.name, 'abra', abraLoad.cursor);
    if (abraLoad.full || read.lastFullAbra === null)
      state.setCursor(part.name, 'abraFullAt', ctx.now().toISOString());
    for (const [k, v] of Object.entries(abraLoad.extraCursors ?? {})) state.setCursor(part.name, k, v);
    state.setCursor(part.name, 'exchange', ex.cursor);
    state.setCursor(part.name, SCOPE_CURSOR, read.scope);
    // Intents of creates that failed outright are dropped above; any left belong to items we linked.
  });
}
