import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedQueue } from './bounded-queue.js';

test('a full queue drops its oldest item and returns it', () => {
  const queue = new BoundedQueue<number>(3);
  assert.deepEqual(
    [1, 2, 3].map((n) => queue.push(n)),
    [undefined, undefined, undefined],
  );
  assert.equal(queue.push(4), 1);
  assert.equal(queue.push(5), 2);
  assert.equal(queue.length, 3);
  assert.deepEqual([queue.shift(), queue.shift(), queue.shift(), queue.shift()], [3, 4, 5, undefined]);
});

test('capacity must be a positive integer', () => {
  assert.throws(() => new BoundedQueue(0), /capacity/);
});
