import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownCommand } from './unknown-command.js';

test('a subcommand, help, a flag or nothing is fine', () => {
  for (const args of [['seal'], ['sync', 'list'], ['help'], ['--fetch-cert'], ['-o', 'yaml'], []]) {
    assert.equal(unknownCommand(args), undefined, args.join(' '));
  }
});

test('a misspelt subcommand is refused with the nearest one; an unrelated word with the list only', () => {
  assert.equal(
    unknownCommand(['sael']),
    'unknown command "sael" (did you mean "seal"?); commands: seal, unseal, reencrypt, validate, cert, keygen, diff, ui, sync, keys, completion',
  );
  assert.match(unknownCommand(['reencrpyt']) ?? '', /did you mean "reencrypt"/);
  assert.match(unknownCommand(['Sync']) ?? '', /did you mean "sync"/);
  assert.equal(unknownCommand(['completion']), undefined, 'completion is a command now');
  assert.match(unknownCommand(['completoin']) ?? '', /did you mean "completion"/);
  assert.match(unknownCommand(['frobnicate']) ?? '', /^unknown command "frobnicate"; commands: /);
  assert.ok((unknownCommand(['x'.repeat(500)]) ?? '').length < 200, 'a long word is cut');
});
