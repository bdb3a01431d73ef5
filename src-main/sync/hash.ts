import { createHash } from 'node:crypto';
import { canonical } from './reconcile';
import type { CommonRecord } from './state/store';

/** Hash of the mapped fields only (canonical JSON: sorted keys, empty values dropped). */
export function recordHash(record: CommonRecord): string {
  return createHash('sha256').update(canonical(record)).digest('hex').slice(0, 32);
}
