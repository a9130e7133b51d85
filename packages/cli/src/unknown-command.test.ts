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
    'unknown command "sael" (did you mean "seal"?); commands: seal, unseal, reencrypt, validate, cert, keygen, diff, ui, sync, keys',
  );
  assert.match(unknownCommand(['reencrpyt']) ?? '', /did you mean "reencrypt"/);
  assert.match(unknownCommand(['Sync']) ?? '', /did you mean "sync"/);
  assert.match(unknownCommand(['completion']) ?? '', /^unknown command "completion"; commands: /);
  assert.ok((unknownCommand(['x'.repeat(500)]) ?? '').length < 200, 'a long word is cut');
});
