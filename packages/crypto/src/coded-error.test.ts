import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodedError, isCodedError, safeMessage, unexpectedError } from './coded-error.js';
import { CryptoError, CryptoErrorCode } from './errors.js';

class StepError extends CodedError<'STEP'> {
  override readonly name = 'StepError';
}

const SECRET = 'hunter2-plaintext';

test('a coded error carries its code, a one-line message and only a coded cause', () => {
  const inner = new CryptoError(CryptoErrorCode.DecryptFailed, 'item "a": does not open');
  const outer = new StepError('STEP', 'ns/app: unseal failed', { cause: inner });
  assert.equal(outer.code, 'STEP');
  assert.equal(outer.cause, inner);
  assert.ok(outer instanceof Error);
  assert.equal(new StepError('STEP', 'x').cause, undefined);
  assert.equal(Object.hasOwn(new StepError('STEP', 'x'), 'cause'), false);
});

test('isCodedError trusts the brand, not a name and a code anyone can set', () => {
  assert.equal(isCodedError(new CryptoError(CryptoErrorCode.InvalidKey, 'k')), true);
  const impostor = Object.assign(new Error(`fetch ${SECRET}`), { name: 'SyncError', code: 'GIT_FAILED' });
  assert.equal(isCodedError(impostor), false);
  assert.equal(safeMessage(impostor, 'fetch failed'), 'fetch failed');
  assert.equal(isCodedError({ message: 'x', code: 'X' }), false);
  assert.equal(isCodedError(undefined), false);
});

test('an error of a second copy of this module is recognised (a bundle beside the package)', async () => {
  const copy = (await import(`./coded-error.js?copy=${Date.now()}`)) as typeof import('./coded-error.js');
  assert.notEqual(copy.CodedError, CodedError);
  class OtherCopyError extends copy.CodedError<'X'> {
    override readonly name = 'OtherCopyError';
  }
  const error = new OtherCopyError('X', 'safe line');
  assert.equal(error instanceof CodedError, false);
  assert.equal(isCodedError(error), true);
  assert.equal(safeMessage(error, 'fallback'), 'safe line');
});

test('foreign errors show their class name only', () => {
  assert.equal(unexpectedError(new TypeError(SECRET)), 'unexpected TypeError');
  assert.equal(unexpectedError(Object.assign(new Error('x'), { name: `<${SECRET}>` })), 'unexpected Error');
  assert.equal(unexpectedError(SECRET), 'unknown error');
});
