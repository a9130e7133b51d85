import assert from 'node:assert/strict';
import test from 'node:test';
import { checkObjectNames } from './object-names.js';
import { SyncError } from './sync-error.js';

const cm = (name: string, source = 'a.yaml#0') => ({
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' } },
  source,
});

test('checkObjectNames lists every name no API server stores, shortened, and passes good names', () => {
  checkObjectNames([cm('web'), cm('a.b-c'), cm('x'.repeat(253))]);
  const long = 'n'.repeat(100_000);
  assert.throws(
    () => checkObjectNames([cm(long, 'big.yaml#0'), cm('..', 'dots.yaml#0'), cm('a/b', 'slash.yaml#0'), cm('ok')]),
    (error: unknown) => {
      assert.ok(error instanceof SyncError);
      assert.equal(error.reason, 'ValidationFailed');
      assert.match(
        error.message,
        /^3 objects have names the API server cannot store: big\.yaml#0: ConfigMap app\/n{63}…\(100000 characters\): metadata\.name is 100000 characters long \(at most 253\); dots\.yaml#0: .*may not be "\.\."; slash\.yaml#0: .*may not contain "\/" or "%"$/,
      );
      assert.ok(error.message.length < 600);
      return true;
    },
  );
});
