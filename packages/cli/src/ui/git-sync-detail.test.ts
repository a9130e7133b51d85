import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEventCounts } from './git-sync-detail.js';

const rev = (n: number) => `main@sha1:${String(n).repeat(40)}`;

test('withEventCounts: unchanged and pruned from the newest matching Event, only when the counts agree', () => {
  const history = [
    { revision: rev(3), result: 'Succeeded', changed: 2 },
    { revision: rev(2), result: 'Succeeded', changed: 5 },
    { revision: rev(1), result: 'Failed', changed: 0 },
    { revision: rev(4), result: 'Succeeded', changed: 1 },
  ];
  const events = [
    { type: 'Normal', count: 1, message: `Applied revision ${rev(3)}: 1 changed, 7 unchanged, 1 pruned` },
    { type: 'Normal', count: 1, message: `Applied revision ${rev(3)}: 9 changed, 0 unchanged, 0 pruned` },
    { type: 'Normal', count: 1, message: `Applied revision ${rev(2)}: 1 changed, 1 unchanged, 1 pruned` },
    { type: 'Warning', count: 1, message: `Applied revision ${rev(1)}: 0 changed, 0 unchanged, 0 pruned` },
  ];
  assert.deepEqual(withEventCounts(history, events), [
    { revision: rev(3), result: 'Succeeded', changed: 1, unchanged: 7, pruned: 1 },
    { revision: rev(2), result: 'Succeeded', changed: 5 },
    { revision: rev(1), result: 'Failed', changed: 0 },
    { revision: rev(4), result: 'Succeeded', changed: 1 },
  ]);
});
