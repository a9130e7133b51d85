import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CryptoError, CryptoErrorCode } from '@gitseal/crypto';
import { ManifestError, ManifestErrorCode } from '@gitseal/manifests';
import { SyncError, SyncErrorCode } from '@gitseal/sync';
import { CliError, describeError, ExitCode, wrapError } from './cli-error.js';

const SECRET = 'hunter2-plaintext';

test('describeError passes on the messages of coded errors only', () => {
  assert.deepEqual(describeError(new CliError('f.yaml: bad', ExitCode.Remote, ['one'])), {
    message: 'f.yaml: bad',
    exitCode: ExitCode.Remote,
    details: ['one'],
  });
  assert.equal(
    describeError(new CryptoError(CryptoErrorCode.DecryptFailed, 'x: does not open')).message,
    'x: does not open',
  );
  assert.equal(
    describeError(new ManifestError(ManifestErrorCode.InvalidYaml, 'f: invalid YAML')).message,
    'f: invalid YAML',
  );
  const sync = new SyncError(SyncErrorCode.GitFailed, 'repo: fetch failed');
  assert.equal(describeError(sync).message, 'repo: fetch failed');
  assert.equal(describeError(new TypeError(`cannot read ${SECRET}`)).message, 'unexpected TypeError');
  assert.equal(describeError(new SyntaxError(`Unexpected token ${SECRET}`)).message, 'unexpected SyntaxError');
  assert.equal(describeError(SECRET).message, 'unknown error');
});

test('wrapError keeps coded messages and hides foreign ones', () => {
  assert.equal(wrapError('f', new ManifestError(ManifestErrorCode.InvalidYaml, 'bad')).message, 'f: bad');
  assert.equal(wrapError('f', new RangeError(SECRET)).message, 'f: unexpected RangeError');
});
