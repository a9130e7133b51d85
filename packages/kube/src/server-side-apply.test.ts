import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareForApply } from './server-side-apply.js';

test('prepareForApply drops server-owned metadata and status without touching the input', () => {
  const input = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'a',
      namespace: 'ns',
      labels: { app: 'x' },
      resourceVersion: '12',
      uid: 'u',
      generation: 3,
      creationTimestamp: new Date(0),
      managedFields: [{ manager: 'kubectl' }],
    },
    data: { k: 'v' },
    status: { phase: 'x' },
  };
  const prepared = prepareForApply(input);
  assert.deepEqual(prepared, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'ns', labels: { app: 'x' } },
    data: { k: 'v' },
  });
  assert.equal(input.metadata.resourceVersion, '12');
  assert.deepEqual(input.status, { phase: 'x' });
});
