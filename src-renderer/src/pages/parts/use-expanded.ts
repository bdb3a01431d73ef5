import { useEffect, useRef, useState } from 'react';
import type { FieldIssue } from '../../../../src-main/app/ipc-contract';
import { getIn } from '../../lib/paths';
import { SYNC_PARTS } from './PartCard';

/**
 * Which parts show their details: the user opens and closes them; a part the user turns on opens (what to choose
 * next), and so does a part with a save error.
 */
export function useExpandedParts(draft: unknown, issues: readonly FieldIssue[]) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (part: string) =>
    setExpanded((xs) => {
      const next = new Set(xs);
      if (next.has(part)) next.delete(part);
      else next.add(part);
      return next;
    });
  const wasOn = useRef<Record<string, boolean> | null>(null);
  useEffect(() => {
    const on: Record<string, boolean> = {};
    for (const part of SYNC_PARTS) on[part] = getIn(draft, `parts.${part}.enabled`) === true;
    const before = wasOn.current;
    wasOn.current = on;
    if (!before) return;
    const opened = SYNC_PARTS.filter((p) => on[p] && !before[p]);
    if (opened.length) setExpanded((xs) => new Set([...xs, ...opened]));
  }, [draft]);
  useEffect(() => {
    const withIssue = SYNC_PARTS.filter((p) =>
      issues.some((i) => i.path.replace(/^sync\./, '').startsWith(`parts.${p}.`)),
    );
    if (withIssue.length) setExpanded((xs) => new Set([...xs, ...withIssue]));
  }, [issues]);
  return { expanded, toggle };
}
