import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiVersionsOf } from './cluster-capabilities.js';

test('aggregated discovery gives group versions and their kinds (subresources left out); plain lists only versions', () => {
  const aggregated = apiVersionsOf({
    kind: 'APIGroupDiscoveryList',
    items: [
      {
        metadata: { name: '' },
        versions: [{ version: 'v1', resources: [{ resource: 'pods', responseKind: { kind: 'Pod' } }] }],
      },
      {
        metadata: { name: 'apps' },
        versions: [
          {
            version: 'v1',
            resources: [
              { resource: 'deployments', responseKind: { kind: 'Deployment' } },
              { resource: 'deployments/scale', responseKind: { kind: 'Scale' } },
            ],
          },
        ],
      },
    ],
  });
  assert.deepEqual(aggregated, ['v1', 'v1/Pod', 'apps/v1', 'apps/v1/Deployment']);
  assert.deepEqual(apiVersionsOf({ versions: ['v1'] }), ['v1']);
  assert.deepEqual(apiVersionsOf({ groups: [{ versions: [{ groupVersion: 'batch/v1' }] }] }), ['batch/v1']);
});
