import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHelmError, scrub, valueStrings } from './helm-error.js';

test('helm’s Error line is kept, with every value string scrubbed out', () => {
  const values = valueStrings({ db: { password: 's3cret-pass' }, replicas: 12345, tags: ['prod-only'] });
  const stderr =
    'walk.go:75: found symbolic link\n' +
    'Error: template: wp/templates/secret.yaml:7:11: executing "wp/templates/secret.yaml" at <fail>: error calling fail: bad password s3cret-pass for prod-only\n';
  const line = describeHelmError(stderr, values);
  assert.match(line, /^template: wp\/templates\/secret\.yaml:7:11: executing/);
  assert.doesNotMatch(line, /s3cret-pass|prod-only/);
  assert.match(line, /bad password \*\*\* for \*\*\*/);
});

test('short values are not scrubbed, longer ones first; no Error line: the last line; control characters go', () => {
  assert.deepEqual([...valueStrings({ a: 'on', b: 'abcd', c: 'abcdef' })], ['abcd', 'abcdef']);
  assert.equal(scrub('x abcdef y', ['abcd', 'abcdef']), 'x *** y');
  assert.equal(describeHelmError('first\nlast line\n', []), 'last line');
  assert.equal(describeHelmError('Error: a\u001bb', []), 'a b');
  assert.equal(describeHelmError('', []), 'failed without a message');
});
