#!/usr/bin/env node
// Bundles the main process, the preload and the CLI with esbuild (CommonJS for Electron's Node 24):
//   src-main/app/electron/main.ts    → dist/main/main.cjs
//   src-main/app/electron/preload.ts → dist/main/preload.cjs   (sandboxed: may require only 'electron')
//   src-main/cli.ts         → dist/main/cli.cjs
//   src-main/engine-host.ts → dist/main/engine-host.cjs  (the engine as one long-running process, for the bench)
// External: electron, better-sqlite3 (native, optional: node:sqlite is used on Node ≥ 22.5) and Node built-ins.
// The bundles are plain ASCII (see asciiOnly): V8 holds a script's source for as long as the process lives, one byte
// per character for ASCII/Latin-1 text but two for the whole file when a single character is beyond Latin-1.
// An optional module that is not in this build (e.g. the Graph backend, loaded with a guarded dynamic import)
// becomes a stub that throws when imported, so the guard reports it instead of the bundle failing to build.
//
//   node scripts/build-main.mjs [--outdir DIR] [--dev]
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');

/** Native or optional packages that must stay `require`s. */
export const EXTERNAL = [
  'electron',
  'better-sqlite3',
  // optional peers that libraries require only on paths we never take
  'deasync',
  'bufferutil',
  'utf-8-validate',
  'supports-color',
];

const TS_EXT = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json'];

function resolvesLocally(dir, spec) {
  const base = path.resolve(dir, spec);
  const isFile = (p) => existsSync(p) && statSync(p).isFile();
  if (isFile(base)) return true;
  for (const ext of TS_EXT) if (isFile(base + ext) || isFile(path.join(base, `index${ext}`))) return true;
  return false;
}

/**
 * Relative imports inside src-main that do not exist in this checkout. Only dynamic `import()`s may be missing
 * (static ones are real errors and still fail the build): they turn into a module that throws on load.
 */
const optionalMissing = {
  name: 'optional-missing',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\//, namespace: 'file' }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      if (!args.importer.startsWith(path.join(root, 'src-main'))) return undefined;
      if (resolvesLocally(args.resolveDir, args.path)) return undefined;
      return { path: path.resolve(args.resolveDir, args.path), namespace: 'optional-missing' };
    });
    build.onLoad({ filter: /.*/, namespace: 'optional-missing' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`module not included in this build: ${path.relative(root, args.path)}`)});`,
      loader: 'js',
    }));
  },
};

/**
 * The bundle's text with every character beyond ASCII replaced by '?' (one per UTF-16 unit, so the source map's
 * columns stay exact). esbuild already escapes such characters in strings, templates, regular expressions and
 * identifiers (its default `charset: 'ascii'`) but keeps them in the comments it carries over — a few arrows and
 * Czech words in ≈ 25 comments made V8 hold the whole 7 MB bundle as a two-byte string: 14 MB of a resident
 * process for nothing. What is left to replace is therefore comment text only.
 */
export function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, '?');
}

export async function buildMain({ outdir = path.join(root, 'dist', 'main'), dev = false } = {}) {
  mkdirSync(outdir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: dev ? 'inline' : 'linked',
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
    external: EXTERNAL,
    plugins: [optionalMissing],
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    // ESM sources use import.meta.url / import.meta.dirname; give them CJS equivalents.
    banner: {
      js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;",
    },
    metafile: true,
    write: false,
  };
  const importMeta = {
    'import.meta.url': '__import_meta_url',
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  };
  const results = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { main: 'src-main/app/electron/main.ts' },
      outdir,
      outExtension: { '.js': '.cjs' },
      define: { ...common.define, ...importMeta },
    }),
    esbuild.build({
      ...common,
      // The sandboxed preload may require only 'electron': nothing else external, no Node built-ins.
      external: ['electron'],
      plugins: [],
      platform: 'browser',
      entryPoints: { preload: 'src-main/app/electron/preload.ts' },
      outdir,
      outExtension: { '.js': '.cjs' },
      banner: {},
    }),
    esbuild.build({
      ...common,
      entryPoints: { cli: 'src-main/cli.ts' },
      outdir,
      outExtension: { '.js': '.cjs' },
      define: { ...common.define, ...importMeta },
    }),
    esbuild.build({
      ...common,
      entryPoints: { 'engine-host': 'src-main/engine-host.ts' },
      outdir,
      outExtension: { '.js': '.cjs' },
      define: { ...common.define, ...importMeta },
    }),
  ]);
  const written = {};
  for (const r of results)
    for (const f of r.outputFiles) {
      const contents = f.path.endsWith('.cjs') ? Buffer.from(asciiOnly(f.text), 'utf8') : f.contents;
      writeFileSync(f.path, contents);
      written[path.basename(f.path)] = contents.length;
    }
  // What each bundle still requires at run time (checked by test/app/build-main.test.ts).
  const meta = {};
  for (const r of results)
    for (const [file, out] of Object.entries(r.metafile.outputs)) {
      if (!file.endsWith('.cjs')) continue;
      meta[path.basename(file)] = {
        bytes: written[path.basename(file)] ?? out.bytes,
        external: [...new Set(out.imports.filter((i) => i.external).map((i) => i.path))].sort(),
      };
    }
  writeFileSync(path.join(outdir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename;
if (isMain) {
  const { values } = parseArgs({
    options: { outdir: { type: 'string' }, dev: { type: 'boolean', default: false } },
  });
  const t0 = Date.now();
  await buildMain({ outdir: values.outdir ? path.resolve(values.outdir) : undefined, dev: values.dev });
  console.log(`main, preload, cli and engine-host bundled in ${Date.now() - t0} ms`);
}
