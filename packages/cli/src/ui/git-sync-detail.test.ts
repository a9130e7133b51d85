import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GitSyncObject } from '../git-sync-api.js';
import { viewGitSync } from '../git-sync-view.js';
import { historyOf } from './git-sync-detail.js';

const rev = (n: number) => `main@sha1:${String(n).repeat(40)}`;

test('historyOf: changed, unchanged and pruned come from the entries themselves (no Events parsed)', () => {
  const object = {
    metadata: { namespace: 'a', name: 'b' },
    status: {
      history: [
        { revision: rev(3), result: 'Succeeded', objectsChanged: 2, applied: 1, unchanged: 7, pruned: 1 },
        { revision: rev(2), result: 'Succeeded', objectsChanged: 5 },
        { result: 'Failed' },
        { revision: rev(1), result: 'Failed', objectsChanged: 0, applied: 0, unchanged: 0, pruned: 0 },
      ],
    },
  } as unknown as GitSyncObject;
  assert.deepEqual(historyOf(viewGitSync(object)), [
    { revision: rev(3), shortRevision: '3333333', result: 'Succeeded', changed: 2, unchanged: 7, pruned: 1 },
    { revision: rev(2), shortRevision: '2222222', result: 'Succeeded', changed: 5 },
    { revision: rev(1), shortRevision: '1111111', result: 'Failed', changed: 0, unchanged: 0, pruned: 0 },
  ]);
});
