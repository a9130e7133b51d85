import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConditionStatus,
  findCondition,
  formatKubeTime,
  isConditionTrue,
  MAX_CONDITION_MESSAGE_LENGTH,
  removeCondition,
  setCondition,
  type Condition,
} from './conditions.js';

const t1 = new Date('2025-01-02T03:04:05.678Z');
const t2 = new Date('2025-01-02T04:00:00.000Z');

test('formatKubeTime drops milliseconds', () => {
  assert.equal(formatKubeTime(t1), '2025-01-02T03:04:05Z');
});

test('setCondition adds a new condition with the transition time now', () => {
  const result = setCondition(
    undefined,
    { type: 'Ready', status: ConditionStatus.True, reason: 'Synced', message: 'ok', observedGeneration: 3 },
    t1,
  );
  assert.deepEqual(result, [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Synced',
      message: 'ok',
      observedGeneration: 3,
      lastTransitionTime: '2025-01-02T03:04:05Z',
    },
  ]);
});

test('setCondition keeps lastTransitionTime while the status is unchanged but updates the rest', () => {
  const first = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, t1);
  const second = setCondition(
    first,
    { type: 'Ready', status: 'False', reason: 'B', message: 'b', observedGeneration: 2 },
    t2,
  );
  assert.equal(second.length, 1);
  assert.equal(second[0]?.lastTransitionTime, '2025-01-02T03:04:05Z');
  assert.equal(second[0]?.reason, 'B');
  assert.equal(second[0]?.message, 'b');
  assert.equal(second[0]?.observedGeneration, 2);
});

test('setCondition moves lastTransitionTime when the status changes, in place, without mutating input', () => {
  const start: Condition[] = [
    { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '', lastTransitionTime: 'x' },
    { type: 'Ready', status: 'False', reason: 'A', message: 'a', lastTransitionTime: 'y' },
    { type: 'Stalled', status: 'False', reason: 'None', message: '', lastTransitionTime: 'z' },
  ];
  const snapshot = structuredClone(start);
  const result = setCondition(start, { type: 'Ready', status: 'True', reason: 'Done', message: 'done' }, t2);
  assert.deepEqual(start, snapshot);
  assert.deepEqual(
    result.map((c) => c.type),
    ['Reconciling', 'Ready', 'Stalled'],
  );
  assert.equal(result[1]?.lastTransitionTime, '2025-01-02T04:00:00Z');
  assert.equal(result[0], start[0]);
  assert.equal('observedGeneration' in (result[1] ?? {}), false);
});

test('find, isTrue and remove', () => {
  const list = setCondition([], { type: 'Ready', status: 'True', reason: 'R', message: '' }, t1);
  assert.equal(findCondition(list, 'Ready')?.reason, 'R');
  assert.equal(findCondition(list, 'Stalled'), undefined);
  assert.equal(isConditionTrue(list, 'Ready'), true);
  assert.equal(isConditionTrue(list, 'Stalled'), false);
  assert.deepEqual(removeCondition(list, 'Ready'), []);
  assert.equal(removeCondition(list, 'Other').length, 1);
});

test('setCondition cuts long messages to 1024 characters', () => {
  const input = { type: 'Synced', status: ConditionStatus.False, reason: 'UnsealFailed' } as const;
  const [long] = setCondition([], { ...input, message: 'x'.repeat(100_000) }, t1);
  assert.equal(MAX_CONDITION_MESSAGE_LENGTH, 1024);
  assert.equal([...(long?.message ?? '')].length, 1024);
  assert.ok(long?.message.endsWith('…'));
  const [short] = setCondition([], { ...input, message: 'x'.repeat(1024) }, t1);
  assert.equal(short?.message, 'x'.repeat(1024));
});
