import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { WebhookSecrets } from './webhook-secrets.js';

/** A small world: GitSyncs (key → ref) and Secrets (ns/name → token), with the reads counted. */
function world() {
  const gitSyncs = new Map<string, string | undefined>();
  const secrets = new Map<string, string>();
  const reads: string[] = [];
  let failing = false;
  let now = 0;
  const cache = new WebhookSecrets({
    keys: () => [...gitSyncs.keys()],
    ref: (key) => gitSyncs.get(key),
    read: async (_key, namespace, name) => {
      reads.push(`${namespace}/${name}`);
      if (failing) throw new Error('unavailable');
      const token = secrets.get(`${namespace}/${name}`);
      return token === undefined ? undefined : Buffer.from(token);
    },
    logger: pino({ enabled: false }),
    maxAgeMs: 60_000,
    rereadAfterRefusalMs: 10_000,
    now: () => now,
  });
  return {
    gitSyncs,
    secrets,
    reads,
    cache,
    fail: (on: boolean) => (failing = on),
    advance: (ms: number) => (now += ms),
  };
}

test('answers come from memory; a sweep reads only new, changed or old entries', async () => {
  const w = world();
  w.gitSyncs.set('ns/a', 'hook-a');
  w.gitSyncs.set('ns/b', undefined);
  w.secrets.set('ns/hook-a', 'ta');
  assert.equal(w.cache.get('ns/a'), undefined, 'not read yet');
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a')?.toString(), 'ta');
  assert.equal(w.cache.get('ns/b'), undefined);
  assert.equal(w.cache.get('ns/unknown'), undefined);
  assert.deepEqual(w.reads, ['ns/hook-a']);
  await w.cache.sweep();
  assert.deepEqual(w.reads, ['ns/hook-a'], 'nothing new: no read');
  // A changed ref is not served until read; then the new token is.
  w.gitSyncs.set('ns/a', 'hook-a2');
  w.secrets.set('ns/hook-a2', 'ta2');
  assert.equal(w.cache.get('ns/a'), undefined);
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a')?.toString(), 'ta2');
  // Old entries are read again.
  w.secrets.set('ns/hook-a2', 'rotated');
  w.advance(60_000);
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a')?.toString(), 'rotated');
  // A deleted GitSync is forgotten.
  w.gitSyncs.delete('ns/a');
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a'), undefined);
});

test('a refused delivery re-reads the secret on the next sweep, keeps serving the held one meanwhile, at most every 10 s', async () => {
  const w = world();
  w.gitSyncs.set('ns/a', 'hook');
  w.secrets.set('ns/hook', 'old');
  await w.cache.sweep();
  w.secrets.set('ns/hook', 'new');
  w.cache.refused('ns/a');
  assert.equal(w.cache.get('ns/a')?.toString(), 'old', 'a forged delivery cannot make the genuine ones fail');
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a')?.toString(), 'new');
  const readsBefore = w.reads.length;
  w.cache.refused('ns/a');
  await w.cache.sweep();
  assert.equal(w.reads.length, readsBefore, 'within 10 s of the last: no read');
  w.advance(10_000);
  w.cache.refused('ns/a');
  await w.cache.sweep();
  assert.equal(w.reads.length, readsBefore + 1);
  w.cache.refused('ns/unknown');
  await w.cache.sweep();
  assert.equal(w.reads.length, readsBefore + 1, 'unknown GitSyncs cause no reads');
});

test('a failed read keeps the held secret; a missing Secret or key serves none', async () => {
  const w = world();
  w.gitSyncs.set('ns/a', 'hook');
  w.secrets.set('ns/hook', 'held');
  await w.cache.sweep();
  w.fail(true);
  w.advance(60_000);
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a')?.toString(), 'held');
  w.fail(false);
  w.secrets.delete('ns/hook');
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a'), undefined);
  w.secrets.set('ns/hook', '');
  w.advance(60_000);
  await w.cache.sweep();
  assert.equal(w.cache.get('ns/a'), undefined, 'an empty token is no token');
});

test('sweeps do not overlap, and stop ends them', async () => {
  const w = world();
  for (let i = 0; i < 5; i++) w.gitSyncs.set(`ns/s${i}`, `hook${i}`);
  const [first, second] = [w.cache.sweep(), w.cache.sweep()];
  assert.equal(first, second);
  await first;
  assert.equal(w.reads.length, 5);
  w.cache.start();
  await w.cache.stop();
  w.cache.start();
  w.advance(600_000);
  await w.cache.sweep();
  assert.equal(w.reads.length, 5, 'stopped: no more reads');
});
