import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException } from '@kubernetes/client-node';
import { pino } from 'pino';
import { WorkQueue } from './work-queue.js';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(2);
  }
}

test('a key enqueued several times while waiting runs once', async () => {
  const runs: string[] = [];
  const gate = deferred();
  const queue = new WorkQueue({
    concurrency: 1,
    process: async (key) => {
      runs.push(key);
      if (key === 'blocker') await gate.promise;
    },
  });
  queue.enqueue('blocker');
  queue.enqueue('a');
  queue.enqueue('a');
  queue.enqueue('b');
  queue.enqueue('a');
  assert.equal(queue.length, 2);
  assert.equal(queue.inFlight, 1);
  gate.resolve();
  await queue.drain();
  assert.deepEqual(runs, ['blocker', 'a', 'b']);
  assert.equal(queue.length, 0);
});

test('one worker per key: a key enqueued while processing runs again after, never concurrently', async () => {
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const gates = [deferred(), deferred()];
  const queue = new WorkQueue({
    concurrency: 4,
    process: async () => {
      const gate = gates[runs];
      runs += 1;
      active += 1;
      maxActive = Math.max(maxActive, active);
      await gate?.promise;
      active -= 1;
    },
  });
  queue.enqueue('k');
  await until(() => runs === 1);
  queue.enqueue('k');
  queue.enqueue('k');
  assert.equal(queue.length, 1, 'the re-enqueued key waits');
  await sleep(10);
  assert.equal(runs, 1, 'no second worker for the same key');
  gates[0]?.resolve();
  await until(() => runs === 2);
  gates[1]?.resolve();
  await queue.drain();
  assert.equal(runs, 2);
  assert.equal(maxActive, 1);
});

test('total concurrency is bounded', async () => {
  let active = 0;
  let maxActive = 0;
  const done: string[] = [];
  const queue = new WorkQueue({
    concurrency: 2,
    process: async (key) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await sleep(15);
      active -= 1;
      done.push(key);
    },
  });
  for (const key of ['a', 'b', 'c', 'd', 'e']) queue.enqueue(key);
  assert.equal(queue.inFlight, 2);
  assert.equal(queue.length, 3);
  await queue.drain();
  assert.equal(maxActive, 2);
  assert.deepEqual([...done].sort(), ['a', 'b', 'c', 'd', 'e']);
});

test('failures retry with per-key exponential backoff, and success resets the count', async () => {
  const times: number[] = [];
  let failuresLeft = 3;
  const queue = new WorkQueue({
    retry: { baseMs: 20, maxMs: 60 },
    process: () => {
      times.push(Date.now());
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('transient');
      }
    },
  });
  queue.enqueue('k');
  await until(() => times.length === 1);
  assert.equal(queue.failures('k'), 1);
  assert.equal(queue.delayed, 1);
  await until(() => times.length === 4);
  await queue.drain();
  assert.equal(queue.failures('k'), 0);
  assert.equal(queue.delayed, 0);
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
  // 20, 40, then capped at 60 (timers may fire a little late, never early)
  assert.ok((gaps[0] ?? 0) >= 19, `first gap ${gaps[0]}`);
  assert.ok((gaps[1] ?? 0) >= 39, `second gap ${gaps[1]}`);
  assert.ok((gaps[2] ?? 0) >= 59, `third gap ${gaps[2]}`);
  assert.ok((gaps[2] ?? 0) < 200, `third gap ${gaps[2]} not capped`);
});

test('backoff is per key: a failing key does not delay others', async () => {
  const runs: string[] = [];
  const queue = new WorkQueue({
    concurrency: 1,
    retry: { baseMs: 10_000, maxMs: 10_000 },
    process: (key) => {
      runs.push(key);
      if (key === 'bad') throw new Error('always');
    },
  });
  queue.enqueue('bad');
  queue.enqueue('good');
  await queue.drain();
  assert.deepEqual(runs, ['bad', 'good']);
  assert.equal(queue.failures('bad'), 1);
  assert.equal(queue.failures('good'), 0);
  await queue.shutdown();
  assert.equal(queue.delayed, 0, 'shutdown clears the retry timer');
});

test('a key enqueued while its failing run is in flight is re-run at once', async () => {
  let runs = 0;
  const gate = deferred();
  const queue = new WorkQueue({
    retry: { baseMs: 10_000, maxMs: 10_000 },
    process: async () => {
      runs += 1;
      if (runs === 1) {
        await gate.promise;
        throw new Error('first run fails');
      }
    },
  });
  queue.enqueue('k');
  await until(() => runs === 1);
  queue.enqueue('k');
  gate.resolve();
  await until(() => runs === 2, 1000);
  await queue.drain();
  assert.equal(queue.delayed, 0);
  await queue.shutdown();
});

test('delayed enqueue waits, and the earliest of several delays wins', async () => {
  const times: number[] = [];
  const queue = new WorkQueue({ process: () => void times.push(Date.now()) });
  const start = Date.now();
  queue.enqueue('k', 60);
  queue.enqueue('k', 20);
  queue.enqueue('k', 200);
  assert.equal(queue.delayed, 1);
  assert.equal(queue.length, 0);
  await sleep(10);
  assert.equal(times.length, 0);
  await until(() => times.length === 1);
  assert.ok((times[0] ?? 0) - start >= 19);
  await sleep(80);
  assert.equal(times.length, 1, 'the later delays collapsed into the earlier one');
  await queue.shutdown();
});

test('an immediate enqueue supersedes a pending delay', async () => {
  let runs = 0;
  const queue = new WorkQueue({ process: () => void (runs += 1) });
  queue.enqueue('k', 50);
  queue.enqueue('k');
  await queue.drain();
  assert.equal(runs, 1);
  assert.equal(queue.delayed, 0);
  await sleep(70);
  assert.equal(runs, 1);
});

test('a run that resolves with a number is requeued after that delay', async () => {
  const times: number[] = [];
  const queue = new WorkQueue({
    process: () => {
      times.push(Date.now());
      return times.length < 3 ? 25 : undefined;
    },
  });
  queue.enqueue('k');
  await until(() => times.length === 3);
  assert.ok((times[1] ?? 0) - (times[0] ?? 0) >= 24);
  assert.ok((times[2] ?? 0) - (times[1] ?? 0) >= 24);
  await sleep(40);
  assert.equal(times.length, 3);
  assert.equal(queue.delayed, 0);
});

test('shutdown finishes in-flight work, drops the rest and refuses new keys', async () => {
  const started: string[] = [];
  const finished: string[] = [];
  const queue = new WorkQueue({
    concurrency: 1,
    process: async (key) => {
      started.push(key);
      await sleep(20);
      finished.push(key);
    },
  });
  queue.enqueue('a');
  queue.enqueue('b');
  queue.enqueue('c', 5);
  await queue.shutdown();
  assert.deepEqual(started, ['a']);
  assert.deepEqual(finished, ['a']);
  assert.equal(queue.enqueue('d'), false);
  await sleep(20);
  assert.deepEqual(started, ['a']);
  assert.equal(queue.length, 0);
});

test('drain resolves at once when idle and waits for in-flight work otherwise', async () => {
  const queue = new WorkQueue({ process: () => sleep(15).then(() => undefined) });
  await queue.drain();
  queue.enqueue('a');
  let drained = false;
  const draining = queue.drain().then(() => (drained = true));
  await sleep(1);
  assert.equal(drained, false);
  await draining;
  assert.equal(queue.inFlight, 0);
});

test('failures are logged with a safe message, never the API exception body', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const body = JSON.stringify({ kind: 'Status', code: 422, reason: 'Invalid', message: 'data: "hunter2"' });
  const queue = new WorkQueue({
    logger,
    retry: { baseMs: 10_000, maxMs: 10_000 },
    process: () => {
      throw new ApiException(422, 'Unsuccessful HTTP Request', body, {});
    },
  });
  queue.enqueue('ns/name');
  await queue.drain();
  await queue.shutdown();
  const text = lines.join('');
  assert.ok(text.includes('"key":"ns/name"'), text);
  assert.ok(text.includes('invalid (422)'), text);
  assert.ok(!text.includes('hunter2'), text);
});

test('concurrency must be a positive integer', () => {
  assert.throws(() => new WorkQueue({ concurrency: 0, process: () => undefined }), RangeError);
});
