import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderCliReference } from './cli-reference.js';
import { createProgram } from './program.js';

const docsPath = new URL('../../../docs/cli.md', import.meta.url);

test('docs/cli.md is what the commander definitions render (run `npm run docs` after changing the CLI)', () => {
  const expected = renderCliReference(createProgram(() => undefined));
  assert.equal(readFileSync(docsPath, 'utf8'), expected);
});

test('the reference covers every command and subcommand', () => {
  const text = renderCliReference(createProgram(() => undefined));
  for (const name of ['seal', 'unseal', 'reencrypt', 'validate', 'cert', 'keygen', 'diff', 'sync list', 'sync now']) {
    assert.match(text, new RegExp(`## \`gitseal ${name}\``));
  }
});
