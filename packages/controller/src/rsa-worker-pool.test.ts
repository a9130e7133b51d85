import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { createHeldKey, Envelope, Redacted, sealValue } from '@gitseal/crypto';
import { pino } from 'pino';
import { DEFAULT_API_SLICE_OPERATIONS, RsaPriority, RsaWorkerPool } from './rsa-worker-pool.js';
import { loadVectorKeys } from '../../../test/vectors/bitnami-vectors.mjs';

test('generateKey hands the private key to the main thread wrapped in Redacted', async () => {
  const pool = new RsaWorkerPool({ size: 1, logger: pino({ enabled: false }) });
  try {
    const generated = await pool.generateKey(2048);
    assert.ok(generated.keyPem instanceof Redacted);
    assert.match(generated.keyPem.reveal().toString('utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(generated.certPem, /^-----BEGIN CERTIFICATE-----/);
    for (const printed of [JSON.stringify(generated), inspect(generated), `${String(generated.keyPem)}`]) {
      assert.ok(!printed.includes('PRIVATE KEY'), `leaks: ${printed.slice(0, 80)}`);
    }
  } finally {
    await pool.close();
  }
});

const vectorKeys = loadVectorKeys();
const key1 = createHeldKey({ keyPem: vectorKeys[0]!.keyPem, certPem: vectorKeys[0]!.certPem, name: 'key1' });
const LABEL = 'apps/flood';

/** `count` v2 items sealed to key1 (RSA-4096): one RSA private operation each to open. */
function items(count: number, prefix = 'item'): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const itemKey = `${prefix}-${String(i).padStart(3, '0')}`;
      const value = sealValue({
        publicKey: key1.publicKey,
        scopeLabel: LABEL,
        itemKey,
        plaintext: Buffer.from(`v${i}`),
        envelope: Envelope.V2,
      });
      return [itemKey, value];
    }),
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

for (const size of [1, 2]) {
  test(`pool of ${size}: a reconciler task queued behind many API tasks starts within one API slice`, async (t) => {
    const spent = { api: 0, reconciler: 0 };
    const pool = new RsaWorkerPool({
      size,
      logger: pino({ enabled: false }),
      onRsaOperations: (count, priority) => (spent[priority] += count),
    });
    try {
      pool.setKeys([key1]);
      const one = { object: LABEL, scopeLabel: LABEL, encryptedData: items(1, 'own') };
      const slice = { object: LABEL, scopeLabel: LABEL, encryptedData: items(DEFAULT_API_SLICE_OPERATIONS) };
      // Unloaded: one reconciler task, and one API task of exactly one slice.
      const alone: number[] = [];
      const sliceAlone: number[] = [];
      for (let i = 0; i < 5; i++) {
        alone.push((await timed(() => pool.unseal(one))).ms);
        sliceAlone.push((await timed(() => pool.unseal(slice, { priority: RsaPriority.Api, discardData: true }))).ms);
      }
      const flood = { object: LABEL, scopeLabel: LABEL, encryptedData: items(64) };
      let maxBusyApi = 0;
      const sampler = setInterval(() => (maxBusyApi = Math.max(maxBusyApi, pool.stats.busyApi)), 1);
      const started = performance.now();
      const api = Array.from({ length: 12 }, () =>
        timed(() => pool.unseal(flood, { priority: RsaPriority.Api, discardData: true })),
      );
      // Let the flood get going (several slices in), then queue reconciler work behind all of it.
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.ok(pool.stats.queuedApi >= 10, `API tasks queued: ${pool.stats.queuedApi}`);
      const waited: number[] = [];
      for (let i = 0; i < 5; i++) {
        const { value, ms } = await timed(() => pool.unseal(one));
        assert.ok(value.ok);
        waited.push(ms);
      }
      const floodDone = await Promise.all(api);
      clearInterval(sampler);
      const floodMs = performance.now() - started;
      for (const { value } of floodDone) {
        assert.ok(value.ok, value.ok ? '' : value.message);
        assert.equal(Object.keys(value.data).length, 64);
        assert.ok(
          Object.values(value.data).every((v) => v === ''),
          'verify data is discarded',
        );
        assert.equal(value.rsaOperations, 64);
      }
      const report = `alone ${median(alone).toFixed(1)} ms, one API slice alone ${median(sliceAlone).toFixed(1)} ms, behind the flood ${waited.map((w) => w.toFixed(1)).join('/')} ms, flood of 12 × 64 items ${floodMs.toFixed(0)} ms`;
      // Within one API slice (plus its own time), with slack for a shared 2-core machine; FIFO order would
      // have made it wait for the whole flood queued ahead of it.
      const bound = median(alone) + median(sliceAlone) + 40;
      assert.ok(median(waited) <= bound, `${report}; bound ${bound.toFixed(1)} ms`);
      assert.ok(median(waited) < floodMs / 4, report);
      assert.ok(maxBusyApi <= pool.apiWorkers, `API tasks on ${maxBusyApi} workers at once`);
      assert.equal(pool.apiWorkers, Math.max(1, Math.floor(size / 2)));
      assert.equal(spent.api, 12 * 64 + 5 * DEFAULT_API_SLICE_OPERATIONS);
      assert.equal(spent.reconciler, 10);
      t.diagnostic(`pool of ${size}: ${report}`);
    } finally {
      await pool.close();
    }
  });
}

test('API tasks never take more than their share of the workers; reconciler tasks use them all', async () => {
  const pool = new RsaWorkerPool({ size: 4, logger: pino({ enabled: false }) });
  try {
    pool.setKeys([key1]);
    assert.equal(pool.apiWorkers, 2);
    const request = { object: LABEL, scopeLabel: LABEL, encryptedData: items(16) };
    let maxBusyApi = 0;
    let maxBusy = 0;
    const sampler = setInterval(() => {
      maxBusyApi = Math.max(maxBusyApi, pool.stats.busyApi);
      maxBusy = Math.max(maxBusy, pool.stats.busy);
    }, 1);
    await Promise.all(Array.from({ length: 8 }, () => pool.unseal(request, { priority: RsaPriority.Api })));
    assert.equal(maxBusyApi, 2);
    assert.equal(maxBusy, 2);
    maxBusy = 0;
    await Promise.all(Array.from({ length: 8 }, () => pool.unseal(request)));
    clearInterval(sampler);
    assert.equal(maxBusy, 4);
  } finally {
    await pool.close();
  }
});

test('a sliced API reseal and unseal answer exactly as one call would', async () => {
  const pool = new RsaWorkerPool({ size: 1, logger: pino({ enabled: false }), apiSliceOperations: 3 });
  try {
    pool.setKeys([key1]);
    const request = { object: LABEL, scopeLabel: LABEL, encryptedData: items(10) };
    const [sliced, whole] = await Promise.all([
      pool.unseal(request, { priority: RsaPriority.Api }),
      pool.unseal(request),
    ]);
    assert.deepEqual(sliced, whole);
    const resealed = await pool.reseal({ ...request, sealingKeyId: key1.keyId }, { priority: RsaPriority.Api });
    assert.ok(resealed.ok);
    assert.equal(resealed.rsaOperations, 10);
    const reopened = await pool.unseal({ ...request, encryptedData: resealed.encryptedData });
    assert.deepEqual(reopened, whole);
  } finally {
    await pool.close();
  }
});

test('close fails API tasks still waiting for their next slice', async () => {
  const pool = new RsaWorkerPool({ size: 1, logger: pino({ enabled: false }), apiSliceOperations: 1 });
  pool.setKeys([key1]);
  const request = { object: LABEL, scopeLabel: LABEL, encryptedData: items(40) };
  const pending = pool.unseal(request, { priority: RsaPriority.Api });
  await new Promise((resolve) => setTimeout(resolve, 20));
  await pool.close();
  await assert.rejects(pending, /RSA worker pool closed|RSA worker exited/);
});

test('workers start only when a task waits, grow with the work up to size, and stop when idle', async () => {
  const pool = new RsaWorkerPool({ size: 3, idleMs: 300, logger: pino({ enabled: false }) });
  try {
    pool.setKeys([key1]);
    assert.equal(pool.size, 0, 'no worker before any task');
    assert.equal(pool.maxSize, 3);
    const request = { object: LABEL, scopeLabel: LABEL, encryptedData: items(2) };
    const first = await pool.unseal(request);
    assert.ok(first.ok);
    for (let i = 0; i < 3; i++) assert.ok((await pool.unseal(request)).ok);
    assert.equal(pool.workersStarted, 1, 'one task at a time needs one worker');
    assert.equal(pool.size, 1);

    let maxSize = 0;
    const sampler = setInterval(() => (maxSize = Math.max(maxSize, pool.size)), 1);
    const outcomes = await Promise.all(Array.from({ length: 9 }, () => pool.unseal(request)));
    clearInterval(sampler);
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(maxSize, 3, 'grows to size under load, never beyond');
    assert.equal(pool.size, 3);

    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(pool.size, 0, 'idle workers stopped');
    // A worker started after the shrink gets the key ring: the same answer as before.
    assert.deepEqual(await pool.unseal(request), first);
    assert.equal(pool.size, 1);
    assert.equal(pool.workersStarted, 4);
  } finally {
    await pool.close();
  }
});

test('a worker busy with a task is never stopped for idleness', async () => {
  const pool = new RsaWorkerPool({ size: 1, idleMs: 1, logger: pino({ enabled: false }) });
  try {
    pool.setKeys([key1]);
    // ~40 RSA-4096 operations keep the worker busy far longer than idleMs.
    const outcome = await pool.unseal({ object: LABEL, scopeLabel: LABEL, encryptedData: items(40) });
    assert.ok(outcome.ok);
    assert.equal(outcome.rsaOperations, 40);
    assert.equal(pool.workersStarted, 1);
  } finally {
    await pool.close();
  }
});

/** Nice values of this process's threads (Linux: per thread), from /proc; the main thread's under its pid. */
function threadNiceness(): { main: number; all: number[] } {
  const nice = (tid: string): number => {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return Number(fields[16]); // field 19 of stat: nice
  };
  return { main: nice(String(process.pid)), all: readdirSync('/proc/self/task').map(nice) };
}

test('RSA workers run at a lower priority than the main thread (nice 10 by default)', async () => {
  const before = threadNiceness();
  const pool = new RsaWorkerPool({ size: 2, logger: pino({ enabled: false }) });
  try {
    pool.setKeys([key1]);
    const request = { object: LABEL, scopeLabel: LABEL, encryptedData: items(1) };
    await Promise.all([pool.unseal(request), pool.unseal(request)]);
    assert.equal(pool.size, 2);
    const after = threadNiceness();
    const atTen = (n: number[]): number => n.filter((x) => x === 10).length;
    assert.equal(atTen(after.all) - atTen(before.all), 2, 'both worker threads at nice 10');
    assert.equal(after.main, before.main, 'the main thread keeps its priority');
  } finally {
    await pool.close();
  }
});
