import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completionScript } from './completion-script.js';
import { completionTree } from './completion-tree.js';
import { createProgram } from './program.js';

test('the tree has every command of the program, with its flags, value flags and listed values', () => {
  const tree = completionTree(createProgram(() => undefined));
  const paths = tree.map((n) => n.path);
  for (const path of ['', 'seal', 'sync', 'sync list', 'sync now', 'keys backup', 'completion']) {
    assert.ok(paths.includes(path), path);
  }
  const list = tree.find((n) => n.path === 'sync list');
  assert.ok(list);
  assert.ok(list.flags.includes('-A') && list.flags.includes('--output') && list.flags.includes('--help'));
  assert.ok(list.valueFlags.includes('-o') && !list.valueFlags.includes('-A'));
  assert.deepEqual(list.values['-o'], ['text', 'json', 'yaml']);
  const seal = tree.find((n) => n.path === 'seal');
  assert.deepEqual(seal?.values['--scope'], ['strict', 'namespace-wide', 'cluster-wide']);
  assert.deepEqual(tree.find((n) => n.path === 'completion')?.argChoices, ['bash', 'zsh', 'fish']);
  assert.deepEqual(tree.find((n) => n.path === 'sync')?.subcommands, [
    'list',
    'status',
    'now',
    'suspend',
    'resume',
    'events',
    'tree',
    'history',
    'rollback',
  ]);
});

test('every script names each command and flag, quoted, and registers both bins', () => {
  const tree = completionTree(createProgram(() => undefined));
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const script = completionScript(shell, tree);
    for (const node of tree) {
      for (const word of [...node.subcommands, ...node.flags])
        assert.ok(script.includes(`'${word}'`), `${shell}: ${word}`);
    }
    assert.match(script, /kubectl-gitseal/);
  }
});
