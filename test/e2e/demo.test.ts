/**
 * The README's first command must work: `npm run demo` (here: the same script in one Node process) syncs every part
 * against the emulators, then a run with nothing changed writes nothing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ews2007SkipReason, hasEws2007Schema, xmllintPath } from '../helpers/env';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run demo', () => {
  it('runs all four parts ok, and its last run writes nothing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/demo.ts')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = r.stdout;
    expect(out).toContain('First sync');
    const last = out.slice(out.lastIndexOf('Once more, nothing changed'));
    const lines = last.split('\n').filter((l) => /^\s+(addressBook|calendar|tasks|mail)\s/.test(l));
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(l).toMatch(/\sok\s/);
      expect(l).toContain('ABRA +0 ~0 -0  Exchange +0 ~0 -0');
    }
    const first = out.slice(out.indexOf('First sync'), out.indexOf('A day later'));
    expect(first).toMatch(/addressBook\s+ok\s+ABRA \+0 ~0 -0\s+Exchange \+[1-9]/);
  }, 300_000);
  // #19: the whole demo against the emulator's Exchange 2007 SP3 profile (the backend detects it); clean only when
  // every part is ok, every request and answer valid in Exchange 2007's schema, and the 2007 mode was kept
  it.skipIf(!hasEws2007Schema || !xmllintPath)(
    `--exchange2007: all four parts ok against Exchange 2007 SP3, the last run writes nothing${hasEws2007Schema ? '' : ` (skipped: ${ews2007SkipReason})`}`,
    () => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'scripts/demo.ts'), '--exchange2007'],
        { cwd: root, encoding: 'utf8', timeout: 240_000 },
      );
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      const out = r.stdout;
      expect(out).toContain("every request validated against Exchange 2007's schema");
      expect(out).toContain('1 version fault(s) answered by re-detection');
      const last = out.slice(out.lastIndexOf('Once more, nothing changed'));
      const lines = last.split('\n').filter((l) => /^\s+(addressBook|calendar|tasks|mail)\s/.test(l));
      expect(lines).toHaveLength(4);
      for (const l of lines) expect(l).toContain('ABRA +0 ~0 -0  Exchange +0 ~0 -0');
    },
    300_000,
  );
});
