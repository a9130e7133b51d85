import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_THROTTLE_RETRIES, retryThrottled, throttleWaitMs } from './throttle-retry.js';

describe('throttleWaitMs', () => {
  it('retries a 429 after Retry-After seconds (1 s without, at most 10 s)', () => {
    assert.equal(throttleWaitMs(429, '2'), 2_000);
    assert.equal(throttleWaitMs(429, undefined), 1_000);
    assert.equal(throttleWaitMs(429, 'soon'), 1_000);
    assert.equal(throttleWaitMs(429, '3600'), 10_000);
  });

  it('retries a 5xx only when the server asked to, and nothing else', () => {
    assert.equal(throttleWaitMs(503, '1'), 1_000);
    assert.equal(throttleWaitMs(503, undefined), undefined);
    assert.equal(throttleWaitMs(500, undefined), undefined);
    assert.equal(throttleWaitMs(409, '1'), undefined);
    assert.equal(throttleWaitMs(undefined, '1'), undefined);
  });
});

describe('retryThrottled', () => {
  const throttled = () => Object.assign(new Error('HTTP-Code: 429'), { code: 429, headers: { 'retry-after': '0' } });

  it('repeats a throttled call until it succeeds', async () => {
    let calls = 0;
    const result = await retryThrottled(async () => {
      calls++;
      if (calls < 3) throw throttled();
      return 'done';
    });
    assert.deepEqual({ result, calls }, { result: 'done', calls: 3 });
  });

  it('gives up after the retry budget, and never repeats other errors', async () => {
    let calls = 0;
    await assert.rejects(
      retryThrottled(async () => {
        calls++;
        throw throttled();
      }),
      /429/,
    );
    assert.equal(calls, MAX_THROTTLE_RETRIES + 1);
    calls = 0;
    await assert.rejects(
      retryThrottled(async () => {
        calls++;
        throw Object.assign(new Error('conflict'), { code: 409 });
      }),
      /conflict/,
    );
    assert.equal(calls, 1);
  });
});
