import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiRateLimiter } from './api-rate-limiter.js';

function limiter(now: () => number, maxClients = 100) {
  return new ApiRateLimiter({
    perClient: { burst: 64, perSecond: 32 },
    global: { burst: 128, perSecond: 64 },
    maxClients,
    now,
  });
}

test('each client has its own bucket, charged per operation; Retry-After comes from the deficit', () => {
  let now = 0;
  const l = limiter(() => now);
  assert.deepEqual(l.take('a', 64), { ok: true });
  assert.deepEqual(l.take('a', 1), { ok: false, by: 'client', retryAfterSeconds: 1 });
  assert.deepEqual(l.take('b', 64), { ok: true }, 'another client is not held back by a');
  now += 1000;
  assert.deepEqual(l.take('a', 32), { ok: true });
  // 64 missing at 32/s: 2 s; at the global 64/s only 1 s — the client's deficit wins.
  assert.deepEqual(l.check('a', 64), { ok: false, by: 'client', retryAfterSeconds: 2 });
});

test('the global bucket bounds what many clients together get', () => {
  let now = 0;
  const l = limiter(() => now);
  assert.equal(l.take('a', 64).ok, true);
  assert.equal(l.take('b', 64).ok, true);
  const third = l.take('c', 64);
  assert.deepEqual(third, { ok: false, by: 'global', retryAfterSeconds: 1 });
  // A refusal takes from neither bucket: c still has its whole burst once the global one refills.
  now += 1000;
  assert.equal(l.take('c', 64).ok, true);
});

test('debt charged after the work is paid back before the client is served again', () => {
  let now = 0;
  const l = limiter(() => now);
  assert.equal(l.take('a', 10).ok, true);
  l.charge('a', 100); // v1 items tried against many keys
  // 54 - 100 = -46; back to 1 token takes 47/32 s.
  assert.deepEqual(l.check('a', 1), { ok: false, by: 'client', retryAfterSeconds: 2 });
  l.charge('a', 0);
  l.charge('a', -5);
  now += 1460;
  assert.equal(l.take('a', 1).ok, false);
  now += 9;
  assert.equal(l.take('a', 1).ok, true);
});

test('buckets stay bounded: clients cycling addresses evict the oldest, and full buckets are forgotten', () => {
  let now = 0;
  const l = limiter(() => now, 50);
  for (let i = 0; i < 10_000; i++) l.take(`10.0.${i >> 8}.${i & 255}`, 1);
  assert.ok(l.clients <= 50, `${l.clients} buckets`);
  // Once idle long enough to refill, a bucket equals a new one and goes.
  now += 60_000;
  l.take('fresh', 1);
  assert.equal(l.clients, 1);
});

test('an evicted client gets a fresh burst, but never more than the global bucket allows', () => {
  let now = 0;
  const l = limiter(() => now, 2);
  let granted = 0;
  for (let i = 0; i < 1000; i++) if (l.take(`client-${i}`, 64).ok) granted += 64;
  assert.equal(granted, 128);
  now += 10_000;
  granted = 0;
  for (let i = 0; i < 1000; i++) if (l.take(`client-${i}`, 64).ok) granted += 64;
  assert.equal(granted, 128, 'the global burst, however many addresses');
});

test('what a request pays before it is read comes from its own bucket only: nibbling leaves the global one alone', () => {
  let now = 0;
  const l = limiter(() => now);
  // A client that keeps sending requests it cannot afford, paying one token each for being read.
  for (let ms = 0; ms < 2_000; ms += 10) {
    now = ms;
    l.take('nibbler', 1, 0);
  }
  // The global bucket is still full for everybody else.
  assert.equal(l.take('a', 64).ok, true);
  assert.equal(l.take('b', 64).ok, true);
});
