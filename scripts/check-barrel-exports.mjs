#!/usr/bin/env node
// Fails on a name that a workspace package's barrel exports and nothing outside that package imports: a barrel
// (packages/*/src/index.ts and every other entry point in a package.json `exports` map) is the package's API, not a
// listing of its files. Users are every source file of the repository outside the package: the other packages,
// the bins, test/ (e2e, support, bench). A package's own files, tests included, import its modules by relative path.
// It reads the sources with the TypeScript compiler's parser (syntax only, no type checking): named imports and
// re-exports, `import type`, `import('@gitseal/x').Name` types, `import * as ns` with `ns.Name` uses, and
// `const { a, b } = await import('@gitseal/x')`. Part of `npm run lint`. `--counts` prints the names per barrel.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage']);

/** The barrels: `@gitseal/x[/sub]` → its source file, from each workspace's package.json `exports`. */
function barrels() {
  const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const found = [];
  for (const workspace of rootPackage.workspaces) {
    const pkg = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const types = typeof target === 'object' ? target.types : undefined;
      if (!types?.endsWith('.d.ts')) continue;
      const file = join(ROOT, workspace, types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
      found.push({ specifier: pkg.name + subpath.slice(1), dir: join(ROOT, workspace), file });
    }
  }
  return found;
}

function parse(file) {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The names a barrel exports, each with its line. */
function exportedNames(file) {
  const names = new Map();
  const source = parse(file);
  const lineOf = (node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
        throw new Error(`${relative(ROOT, file)}:${lineOf(statement)}: a barrel names its exports (no export *)`);
      }
      for (const element of statement.exportClause.elements) names.set(element.name.text, lineOf(element));
    } else if (
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) names.set(d.name.getText(), lineOf(d));
      } else if (statement.name) {
        names.set(statement.name.text, lineOf(statement));
      }
    }
  }
  return names;
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(join(dir, entry.name));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield join(dir, entry.name);
    }
  }
}

const nameOf = (element) => (element.propertyName ?? element.name).getText();

/** Uses in `import … from` and `export … from` of a barrel; namespace imports go to `namespaces`. */
function declarationUses(node, specifier, { record, namespaces, where }) {
  if (ts.isImportDeclaration(node)) {
    const bindings = node.importClause?.namedBindings;
    if (node.importClause?.name) record(specifier, 'default');
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, specifier);
    else for (const element of bindings?.elements ?? []) record(specifier, nameOf(element));
  } else if (node.exportClause && ts.isNamedExports(node.exportClause)) {
    for (const element of node.exportClause.elements) record(specifier, nameOf(element));
  } else {
    throw new Error(`${where(node)}: export * from '${specifier}': name the re-exports`);
  }
}

/** `import('@gitseal/x').Name` in a type. */
function importTypeUse(node, specifier, { record, where }) {
  if (!node.qualifier) throw new Error(`${where(node)}: typeof import('${specifier}'): name the type`);
  record(specifier, ts.isIdentifier(node.qualifier) ? node.qualifier.text : node.qualifier.left.getText());
}

/** `const { a, b } = await import('@gitseal/x')`, the only dynamic import whose names the syntax shows. */
function dynamicImportUses(node, specifier, { record, where }) {
  const declaration = ts.isAwaitExpression(node.parent) ? node.parent.parent : undefined;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isObjectBindingPattern(declaration.name)) {
    throw new Error(`${where(node)}: import('${specifier}'): destructure the names it uses`);
  }
  for (const element of declaration.name.elements) record(specifier, nameOf(element));
}

/** The barrel a node imports from, if it is one of `specifiers`. */
function barrelOf(node, specifiers) {
  let specifier;
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
    specifier = node.moduleSpecifier.text;
  } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
    specifier = node.argument.literal.text;
  } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const [argument] = node.arguments;
    specifier = argument && ts.isStringLiteral(argument) ? argument.text : undefined;
  }
  return specifier !== undefined && specifiers.has(specifier) ? specifier : undefined;
}

/** Every `specifier → name` that `file` uses; throws where a use cannot be read off the syntax. */
function usesIn(file, specifiers, record) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('@gitseal/')) return;
  const source = parse(file);
  const where = (node) => `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const context = { record, where, namespaces: new Map() }; // namespaces: local name → specifier
  const visit = (node) => {
    const specifier = barrelOf(node, specifiers);
    if (specifier === undefined) ts.forEachChild(node, visit);
    else if (ts.isImportTypeNode(node)) importTypeUse(node, specifier, context);
    else if (ts.isCallExpression(node)) dynamicImportUses(node, specifier, context);
    else declarationUses(node, specifier, context);
  };
  visit(source);
  const { namespaces } = context;
  if (namespaces.size === 0) return;
  const visitNamespaceUses = (node) => {
    if (ts.isIdentifier(node) && namespaces.has(node.text) && !ts.isNamespaceImport(node.parent)) {
      const parent = node.parent;
      const specifier = namespaces.get(node.text);
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) record(specifier, parent.name.text);
      else if (ts.isQualifiedName(parent) && parent.left === node) record(specifier, parent.right.text);
      else throw new Error(`${where(node)}: namespace import ${node.text} used as a value: use named imports`);
    }
    ts.forEachChild(node, visitNamespaceUses);
  };
  visitNamespaceUses(source);
}

function main() {
  const all = barrels();
  const specifiers = new Map(all.map((barrel) => [barrel.specifier, barrel]));
  const used = new Map(all.map((barrel) => [barrel.specifier, new Set()]));
  for (const file of sourceFiles(ROOT)) {
    usesIn(file, specifiers, (specifier, name) => {
      if (!file.startsWith(specifiers.get(specifier).dir + sep)) used.get(specifier).add(name);
    });
  }

  let problems = 0;
  for (const barrel of all) {
    const names = exportedNames(barrel.file);
    const uses = used.get(barrel.specifier);
    if (process.argv.includes('--counts')) {
      console.log(
        `${barrel.specifier}: ${names.size} exported, ${[...names.keys()].filter((n) => uses.has(n)).length} used`,
      );
    }
    for (const [name, line] of names) {
      if (uses.has(name)) continue;
      problems++;
      console.error(
        `${relative(ROOT, barrel.file)}:${line}: ${barrel.specifier} exports ${name}, which nothing outside the package imports`,
      );
    }
    for (const name of uses) {
      if (!names.has(name)) {
        problems++;
        console.error(`${barrel.specifier}: imported name ${name} is not exported by ${relative(ROOT, barrel.file)}`);
      }
    }
  }
  if (problems > 0) {
    console.error(
      `check-barrel-exports: ${problems} problem(s); a barrel exports what other packages and tests import`,
    );
    process.exitCode = 1;
  }
}

try {
  main();
} catch (error) {
  console.error(`check-barrel-exports: ${error.message}`);
  process.exitCode = 1;
}
