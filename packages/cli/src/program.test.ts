import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { invokedCommand } from './main.js';
import { COMMAND_NAMES, createProgram } from './program.js';

/** Everything a command shows: its help, and its subcommands' help, depth first. */
function helpTexts(command: Command): string[] {
  return [command.helpInformation(), ...command.commands.flatMap(helpTexts)];
}

test('COMMAND_NAMES are the full program’s subcommands, in order', () => {
  assert.deepEqual(
    createProgram(() => undefined).commands.map((command) => command.name()),
    [...COMMAND_NAMES],
  );
});

test('a program made for one subcommand defines exactly it, with the same options and help', () => {
  const full = createProgram(() => undefined);
  for (const name of COMMAND_NAMES) {
    const single = createProgram(() => undefined, undefined, undefined, name);
    assert.deepEqual(
      single.commands.map((command) => command.name()),
      [name],
    );
    const expected = full.commands.find((command) => command.name() === name);
    assert.ok(expected);
    assert.deepEqual(helpTexts(single.commands[0] as Command), helpTexts(expected), name);
  }
});

test('invokedCommand: the first argument when it names a subcommand, else none (the full program)', () => {
  assert.equal(invokedCommand(['node', 'gitseal', 'seal', '--cert', 'c.pem']), 'seal');
  assert.equal(invokedCommand(['node', 'gitseal', 'sync', 'list']), 'sync');
  assert.equal(invokedCommand(['node', 'gitseal', '--help']), undefined);
  assert.equal(invokedCommand(['node', 'gitseal', 'help', 'seal']), undefined);
  assert.equal(invokedCommand(['node', 'gitseal', 'sael']), undefined);
  assert.equal(invokedCommand(['node', 'gitseal']), undefined);
});
