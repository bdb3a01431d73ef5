/**
 * electron-builder.yml cannot be run here (no Electron binary, no target OS tooling), so it is checked against the
 * JSON schema electron-builder itself validates with (app-builder-lib/scheme.json), and for the promises of the
 * brief: per-user NSIS, dmg, AppImage + deb, icons that exist, output outside dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src-main/app/policy';
import { repoRoot } from '../helpers/env';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(s: string): unknown };
const Ajv = require('ajv') as new (
  o: Record<string, unknown>,
) => {
  compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown[] };
};

// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document, checked by the schema test
type Loose = any;
const cfg = yaml.load(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  Loose
>;

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s own schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(cfg);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  // Security review: asar integrity was off and file: had extra privileges. Electron, "Electron Fuses"
  // (electronjs.org/docs/latest/tutorial/fuses) and the security checklist item "Check which fuses you can change".
  it('fuses: no run-as-node, no NODE_OPTIONS/inspect, asar only and its integrity checked, file: unprivileged', () => {
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('targets and identity', () => {
    expect(cfg.productName).toBe('ABRA Gen Exchange Sync');
    expect(cfg.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)+$/);
    // Windows notifications need the same AppUserModelID in main as in the installer's shortcut
    const main = readFileSync(path.join(repoRoot, 'src-main', 'app', 'electron', 'main.ts'), 'utf8');
    expect(/const APP_ID = '([^']+)'/.exec(main)?.[1]).toBe(cfg.appId);
    expect(cfg.directories.output).toBe('release');
    expect(cfg.win.target[0].target).toBe('nsis');
    expect(cfg.win.target[1]).toEqual({ target: 'msi', arch: ['x64'] });
    expect(cfg.msi).toMatchObject({ perMachine: true, oneClick: true, runAfterFinish: false });
    expect(cfg.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
    });
    expect(cfg.mac.target[0].target).toBe('dmg');
    // Squirrel.Mac updates from the zip; without it electron-updater has nothing to install on macOS
    expect(cfg.mac.target[1]).toEqual({ target: 'zip', arch: ['x64', 'arm64'] });
    expect(cfg.mac.category).toBe('public.app-category.business');
    expect(cfg.linux.target).toEqual(['AppImage', 'deb']);
    expect(cfg.linux.category).toBe('Office');
    expect(cfg.linux.maintainer).toMatch(/<.+@.+>/);
  });

  it('code signing: Authenticode with update verification, Developer ID with hardened runtime and notarization', () => {
    expect(cfg.win.verifyUpdateCodeSignature).toBe(true);
    expect(cfg.win.signtoolOptions.signingHashAlgorithms).toEqual(['sha256']);
    expect(cfg.win.signtoolOptions.rfc3161TimeStampServer).toMatch(/^https?:\/\//);
    // no certificate, password or identity in the file: they come from CI secrets (CSC_LINK, WIN_CSC_LINK, …)
    const text = readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(
      /^\s*(cscLink|cscKeyPassword|certificateFile|certificatePassword|identity)\s*:/m,
    );
    expect(cfg.mac.hardenedRuntime).toBe(true);
    expect(cfg.mac.notarize).toBe(true);
  });

  it('installers and update files carry names without spaces (GitHub renames spaces, the feed would not match)', () => {
    for (const k of ['nsis', 'msi', 'mac', 'dmg', 'appImage', 'deb']) {
      expect(cfg[k].artifactName, k).toMatch(/^\$\{name\}/);
      expect(cfg[k].artifactName, k).not.toMatch(/\s|productName/);
    }
  });

  it('publishes the update feed to a draft GitHub release (a person rolls it out)', () => {
    expect(cfg.publish).toEqual([{ provider: 'github', releaseType: 'draft' }]);
  });

  it('every referenced file exists; the policy example is a valid policy', () => {
    for (const p of [cfg.win.icon, cfg.mac.icon, cfg.linux.icon, cfg.extraResources[0].from])
      expect(existsSync(path.join(repoRoot, p)), p).toBe(true);
    const example = JSON.parse(readFileSync(path.join(repoRoot, 'assets', 'policy.example.json'), 'utf8'));
    const policy = parsePolicy(example, 'policy.example.json');
    expect(policy.locked).toContain('sync.abra.serverUrl');
    expect(policy.updates).toEqual({
      enabled: true,
      feedUrl: 'https://updates.example.cz/abra-gen-exchange-sync/',
      checkIntervalHours: 6,
    });
  });

  it('package.json points Electron at the main bundle and has the scripts', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/main.cjs');
    for (const s of ['build:main', 'start', 'icons', 'dist']) expect(pkg.scripts[s]).toBeTruthy();
  });
});
