// The layer table of docs/ARCHITECTURE.md, executable: every import of the production code (static, `export … from`,
// dynamic `import()` and `require()`) is read with the TypeScript parser and checked against the rules below. A
// forbidden import fails `npm test`; the table in the doc and `RULES` here say the same thing.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** One import as written in a file. */
interface ImportRef {
  from: string; // importing file, relative to the root, '/'-separated
  spec: string; // the module specifier as written
  target?: string; // for a relative import: the file it names, relative to the root (extension-less)
  typeOnly: boolean;
  line: number;
}

/** Reads every import of one source text. */
function importsOf(file: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ImportRef[] = [];
  const add = (spec: string, typeOnly: boolean, node: ts.Node) => {
    const ref: ImportRef = {
      from: file,
      spec,
      typeOnly,
      line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
    };
    if (spec.startsWith('.')) {
      ref.target = path.posix
        .normalize(path.posix.join(path.posix.dirname(file), spec))
        .replace(/\.(tsx?|mjs|js|json)$/, '');
    }
    out.push(ref);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly, node);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly, node);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0]) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add((node.arguments[0] as ts.StringLiteralLike).text, false, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const lit = node.argument.literal;
      if (ts.isStringLiteral(lit)) add(lit.text, true, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The one import a snippet has. */
function one(refs: ImportRef[]): ImportRef {
  const r = refs[0];
  if (!r) throw new Error('no import read');
  return r;
}

const BUILTIN = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTIN.has(spec.split('/')[0] ?? '');
const packageOf = (spec: string): string =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);

/**
 * One row of the layer table. `files` says which files the row governs (the first matching row wins, so the more
 * specific rows come first). `may` lists the folders/files (root-relative prefixes) a file may import; `mayType`
 * those it may import only for types; `packages` the npm packages it may import (Node built-ins are always
 * allowed unless `noBuiltins`).
 */
interface Rule {
  name: string;
  files: (f: string) => boolean;
  may: string[];
  mayType?: string[];
  packages: string[] | 'any';
  noBuiltins?: boolean;
}

const under =
  (...prefixes: string[]) =>
  (f: string) =>
    prefixes.some((p) => f.startsWith(p));

const RULES: Rule[] = [
  {
    name: 'shared',
    files: under('src-main/shared/'),
    may: ['src-main/shared/'],
    packages: [],
  },
  {
    name: 'abra',
    files: under('src-main/abra/'),
    may: ['src-main/abra/', 'src-main/shared/'],
    packages: ['axios'],
  },
  {
    name: 'exchange/ews (the library only through ews-lib.ts)',
    files: under('src-main/exchange/ews/ews-lib.ts', 'src-main/exchange/ews/polyfill.ts'),
    may: ['src-main/exchange/', 'src-main/shared/'],
    packages: ['ews-javascript-api', '@ewsjs/xhr', '@ewsjs/ntlm-client'],
  },
  {
    name: 'exchange',
    files: under('src-main/exchange/'),
    may: ['src-main/exchange/', 'src-main/shared/'],
    packages: ['axios', '@azure/msal-node', '@ewsjs/xhr', '@ewsjs/ntlm-client', 'js-md4', 'saxes'],
  },
  {
    name: 'sync (the state store may fall back to better-sqlite3 on Node < 22.5)',
    files: under('src-main/sync/state/sqlite.ts'),
    may: ['src-main/sync/', 'src-main/shared/'],
    packages: ['better-sqlite3'],
  },
  {
    name: 'sync',
    files: under('src-main/sync/'),
    may: ['src-main/sync/', 'src-main/shared/'],
    mayType: ['src-main/exchange/types'],
    packages: ['zod'],
  },
  {
    name: 'wiring',
    files: under('src-main/wiring'),
    may: ['src-main/wiring', 'src-main/abra/', 'src-main/exchange/', 'src-main/sync/', 'src-main/shared/'],
    packages: [],
  },
  {
    name: 'cli',
    files: under('src-main/cli.ts'),
    may: ['src-main/sync/', 'src-main/wiring', 'src-main/shared/'],
    packages: [],
  },
  {
    name: 'app/electron (the only files that import Electron)',
    files: under('src-main/app/electron/'),
    may: ['src-main/'],
    packages: ['electron', 'electron-store', 'electron-updater', 'zod'],
  },
  {
    name: 'app/updater.ts (electron-updater, loaded lazily; its tests run it with a stand-in)',
    files: under('src-main/app/updater.ts'),
    may: ['src-main/'],
    packages: ['electron-updater'],
  },
  {
    name: 'app (Electron-free)',
    files: under('src-main/app/'),
    may: ['src-main/'],
    packages: ['zod', '@azure/msal-node', 'axios'],
  },
  {
    name: 'renderer (main only through the IPC contract)',
    files: under('src-renderer/'),
    may: ['src-renderer/', 'src-main/app/ipc-contract'],
    packages: ['react', 'react-dom', 'i18next', 'react-i18next', 'vite', '@vitejs/plugin-react'],
    noBuiltins: false,
  },
];

/** The problems of one import: '' when it keeps the table. */
function check(ref: ImportRef, rules: Rule[] = RULES): string {
  const rule = rules.find((r) => r.files(ref.from));
  if (!rule) return '';
  const where = `${ref.from}:${ref.line} imports '${ref.spec}'`;
  if (ref.target !== undefined) {
    const t = `${ref.target}/`;
    if (rule.may.some((p) => t.startsWith(p))) return '';
    if (ref.typeOnly && rule.mayType?.some((p) => t.startsWith(p))) return '';
    return `${where}: the ${rule.name} row may import ${[...rule.may, ...(rule.mayType ?? []).map((t) => `types of ${t}`)].join(', ')}`;
  }
  if (isBuiltin(ref.spec))
    return rule.noBuiltins ? `${where}: the ${rule.name} row imports no Node built-in` : '';
  if (rule.packages === 'any' || rule.packages.includes(packageOf(ref.spec))) return '';
  return `${where}: the ${rule.name} row may use the packages ${rule.packages.join(', ') || '(none)'}`;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(rel);
      } else if (/\.(tsx?|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(dir);
  return out;
}

describe('the layer table of docs/ARCHITECTURE.md holds', () => {
  it('every import of src-main and src-renderer keeps its row', () => {
    const problems = [...sourceFiles('src-main'), ...sourceFiles('src-renderer')].flatMap((f) =>
      importsOf(f, readFileSync(path.join(ROOT, f), 'utf8'))
        .map((r) => check(r))
        .filter(Boolean),
    );
    expect(problems).toEqual([]);
  });

  it('ews-javascript-api is imported only by exchange/ews/ews-lib.ts (which installs the Node ≥ 23 polyfill first)', () => {
    const users = sourceFiles('src-main').filter((f) =>
      importsOf(f, readFileSync(path.join(ROOT, f), 'utf8')).some((r) => r.spec === 'ews-javascript-api'),
    );
    expect(users).toEqual(['src-main/exchange/ews/ews-lib.ts']);
  });

  it('emulators, scripts and the bench do not import the e2e suite; an emulator does not import the product (its own tests may)', () => {
    const files = [...sourceFiles('test/emulators'), ...sourceFiles('scripts'), ...sourceFiles('test/bench')];
    const problems = files.flatMap((f) =>
      importsOf(f, readFileSync(path.join(ROOT, f), 'utf8'))
        .filter(
          (r) =>
            r.target?.startsWith('test/e2e/') ||
            (f.startsWith('test/emulators/') &&
              !f.endsWith('.test.ts') &&
              r.target?.startsWith('src-main/') &&
              !r.typeOnly),
        )
        .map((r) => `${r.from}:${r.line} imports '${r.spec}'`),
    );
    expect(problems).toEqual([]);
  });

  it('every npm package the code imports is declared in package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const declared = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.devDependencies ?? {}),
    ]);
    const files = [
      ...sourceFiles('src-main'),
      ...sourceFiles('src-renderer'),
      ...sourceFiles('test'),
      ...sourceFiles('scripts'),
    ];
    const missing = new Set<string>();
    for (const f of files) {
      for (const r of importsOf(f, readFileSync(path.join(ROOT, f), 'utf8'))) {
        if (r.target !== undefined || isBuiltin(r.spec) || r.typeOnly) continue;
        const p = packageOf(r.spec);
        if (!declared.has(p) && !p.startsWith('virtual:')) missing.add(`${p} (${f})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

describe('the checker itself (so the test above can fail)', () => {
  it('reads static, re-export, dynamic, require and import-type forms, and knows type-only imports', () => {
    const refs = importsOf(
      'src-main/exchange/x.ts',
      [
        "import type { SyncConfig } from '../sync/config';",
        "import { type A, type B } from '../sync/api';",
        "import { C } from '../sync/runner';",
        "export { D } from '../app/x';",
        "const m = await import('../wiring');",
        "const r = require('electron');",
        "type T = import('../sync/service').T;",
      ].join('\n'),
    );
    expect(refs.map((r) => [r.spec, r.typeOnly, r.target])).toEqual([
      ['../sync/config', true, 'src-main/sync/config'],
      ['../sync/api', true, 'src-main/sync/api'],
      ['../sync/runner', false, 'src-main/sync/runner'],
      ['../app/x', false, 'src-main/app/x'],
      ['../wiring', false, 'src-main/wiring'],
      ['electron', false, undefined],
      ['../sync/service', true, 'src-main/sync/service'],
    ]);
  });

  it('refuses a forbidden import: exchange importing the engine config, sync importing Electron or axios', () => {
    const cfg = one(
      importsOf('src-main/exchange/types.ts', "import type { SyncConfig } from '../sync/config';"),
    );
    expect(check(cfg)).toMatch(/exchange row may import/);
    const el = one(importsOf('src-main/sync/service.ts', "import { app } from 'electron';"));
    expect(check(el)).toMatch(/sync row may use the packages zod/);
    const ax = one(importsOf('src-main/sync/parts/x.ts', "import axios from 'axios';"));
    expect(check(ax)).toMatch(/sync row/);
    const r = one(
      importsOf('src-renderer/src/App.tsx', "import { noteText } from '../../src-main/shared/messages';"),
    );
    expect(check(r)).toMatch(/renderer/);
    const el2 = one(importsOf('src-main/app/controller.ts', "import { app } from 'electron';"));
    expect(check(el2)).toMatch(/Electron-free/);
  });

  it('allows what the table allows', () => {
    const ok = [
      one(
        importsOf('src-main/sync/parts/a.ts', "import type { ExchangeBackend } from '../../exchange/types';"),
      ),
      one(importsOf('src-main/sync/service.ts', "import { z } from 'zod';")),
      one(importsOf('src-main/app/electron/main.ts', "import { app } from 'electron';")),
      one(importsOf('src-main/wiring/index.ts', "import { AbraClient } from '../abra/client';")),
      one(
        importsOf(
          'src-renderer/src/App.tsx',
          "import type { AppApi } from '../../src-main/app/ipc-contract';",
        ),
      ),
    ];
    expect(ok.map((r) => check(r))).toEqual(['', '', '', '', '']);
  });
});
