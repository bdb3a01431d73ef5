/**
 * docs/abra-api.md "Fields the product uses": one row per `schema.field` with its grade (confirmed / assumed) and
 * source. The e2e suites collect every field the product names against the ABRA emulator and fail on one the table
 * does not list.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/env';

export function documentedAbraFields(): Set<string> {
  const text = readFileSync(path.join(repoRoot, 'docs', 'abra-api.md'), 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/^\| `([a-z]+)\.([a-z0-9_$]+)` \| (confirmed|assumed)/gm))
    out.add(`${m[1]}.${m[2]}`);
  return out;
}

export function undocumentedAbraFields(used: Iterable<string>): string[] {
  if (process.env.ABRA_FIELD_USAGE_DUMP) console.log(`ABRA-FIELDS ${JSON.stringify([...used].sort())}`);
  const doc = documentedAbraFields();
  return [...used].filter((f) => !doc.has(f)).sort();
}
