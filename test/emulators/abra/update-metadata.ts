/**
 * Rewrite the emulator's checked-in copy of ABRA's metadata from `../shared/abra/metadata.json`:
 *   npx tsx test/emulators/abra/update-metadata.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeMetadata } from './metadata';

const here = import.meta.dirname;
const shared = process.env.ABRA_SYNC_SHARED_DIR ?? path.resolve(here, '..', '..', '..', '..', 'shared');
const raw = JSON.parse(readFileSync(path.join(shared, 'abra', 'metadata.json'), 'utf8'));
writeFileSync(path.join(here, 'metadata.json'), `${JSON.stringify(normalizeMetadata(raw), null, 1)}\n`);
