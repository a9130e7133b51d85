#!/usr/bin/env node
// Runs the compiled tests with Node's test runner. Node 20 does not expand globs, so the file list is built here.
//   --unit  only packages/*/dist/**/*.test.js and the harness's own test/dist/cluster/*.test.js
//   --e2e   only test/dist/e2e/**/*.test.js
//   other arguments are substrings that select files
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const e2eOnly = args.includes('--e2e');
const filters = args.filter((a) => !a.startsWith('--'));

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const unit = e2eOnly
  ? []
  : [
      ...readdirSync(join(root, 'packages')).flatMap((p) => testFiles(join(root, 'packages', p, 'dist'))),
      ...testFiles(join(root, 'test', 'dist', 'cluster')),
    ];
const e2e = unitOnly ? [] : testFiles(join(root, 'test', 'dist', 'e2e'));
const files = [...unit, ...e2e].filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));

if (files.length === 0) {
  console.error('run-tests: no compiled test files found; run `npm run build` first');
  process.exit(1);
}
console.error(`run-tests: ${unit.length} unit and ${e2e.length} e2e files; running ${files.length}`);
const concurrency = process.env.GITSEAL_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
