import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameOnly } from './git-sync-presence.js';

test('the presence cache keeps a GitSync’s name, namespace, uid and resourceVersion, nothing of its spec or status', () => {
  const kept = nameOnly({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'GitSync',
    metadata: {
      name: 'app',
      namespace: 'team-a',
      uid: 'u1',
      resourceVersion: '42',
      annotations: { big: 'x'.repeat(1000) },
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: { source: { url: 'https://example.invalid/repo.git' } },
    status: { inventory: ['a', 'b'] },
  } as never);
  assert.deepEqual(kept, {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'GitSync',
    metadata: { name: 'app', namespace: 'team-a', uid: 'u1', resourceVersion: '42' },
  });
});
