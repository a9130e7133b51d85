import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Envelope, sealValue, type HeldKey } from '@gitseal/crypto';
import { pino } from 'pino';
import { DEFAULT_API_LIMITS, type ApiLimits } from './api-limits.js';
import { createApiApp } from './http-api.js';
import { buildKeySet, KeySource, readKeySecret, type KeySet } from './key-set.js';
import { createMetrics } from './metrics.js';
import { RsaWorkerPool, type RsaPriority } from './rsa-worker-pool.js';
import { rotateSealedSecret, verifySealedSecret } from './sealed-secret-api.js';
import { loadVectorKeys } from '../../../test/vectors/bitnami-vectors.mjs';

const logger = pino({ enabled: false });
const b64 = (text: string): string => Buffer.from(text).toString('base64');

function keySet(names: readonly string[]): KeySet {
  const vectors = loadVectorKeys().filter((k) => names.includes(k.name));
  return buildKeySet(
    vectors.map((k, i) =>
      readKeySecret(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: k.name,
            namespace: 'gitseal-system',
            labels: { 'gitseal.dev/sealing-key': 'active' },
            creationTimestamp: new Date(2020 + i, 0).toISOString(),
          },
          data: { 'tls.crt': b64(k.certPem), 'tls.key': b64(k.keyPem) },
        } as Parameters<typeof readKeySecret>[0],
        KeySource.Gitseal,
      ),
    ),
  );
}

// The 2048-bit vector key: quick RSA, so these tests are about the HTTP layer's arithmetic.
const keys = keySet(['foreign']);
const held = keys.keys[0]!.held;
const rsa = { api: 0, reconciler: 0 };
const pool = new RsaWorkerPool({
  size: 2,
  logger,
  onRsaOperations: (count: number, priority: RsaPriority) => (rsa[priority] += count),
});
pool.setKeys(keys.ring.keys);
after(() => pool.close());

function sealedSecret(
  namespace: string,
  name: string,
  count: number,
  key: HeldKey = held,
  envelope: Envelope = Envelope.V2,
) {
  const label = `${namespace}/${name}`;
  const encryptedData = Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const itemKey = `k${i}`;
      const plaintext = Buffer.from(`v${i}`);
      return [itemKey, sealValue({ publicKey: key.publicKey, scopeLabel: label, itemKey, plaintext, envelope })];
    }),
  );
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { namespace, name },
    spec: { encryptedData },
  };
}

interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: { error?: string; message?: string; decryptable?: boolean };
}

/** POSTs JSON from a chosen loopback source address (Linux routes all of 127/8 to lo). */
function post(url: string, body: unknown, from = '127.0.0.1', headers: Record<string, string> = {}): Promise<Answer> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Answer['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

let clock = 0;
let base = '';
let closeServer: () => Promise<void> = async () => undefined;

async function serve(limits: ApiLimits = DEFAULT_API_LIMITS): Promise<{ url: string; close: () => Promise<void> }> {
  const options = { pool, keys: () => keys, logger };
  const app = createApiApp({
    backend: {
      sealingCertPem: () => undefined,
      readiness: () => ({ ready: true, waitingFor: [] }),
      verify: (body) => verifySealedSecret(options, body),
      rotate: (body) => rotateSealedSecret(options, body),
    },
    logger,
    metrics: createMetrics(),
    limits,
    now: () => clock,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((done) => server.close(() => done())) };
}

before(async () => {
  const s = await serve();
  base = s.url;
  closeServer = s.close;
});
after(() => closeServer());

test('a request over the item cap is answered 413 TooManyItems, naming the object, before any RSA work', async () => {
  clock += 3_600_000; // fresh buckets
  const before = rsa.api + rsa.reconciler;
  const big = {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { namespace: 'apps', name: 'big' },
    spec: { encryptedData: Object.fromEntries(Array.from({ length: 2300 }, (_, i) => [`k${i}`, 'AAAA'])) },
  };
  for (const path of ['/v1/verify', '/v1/rotate']) {
    const answer = await post(`${base}${path}`, big);
    assert.equal(answer.status, 413);
    assert.deepEqual(answer.body, {
      error: 'TooManyItems',
      message: 'SealedSecret apps/big: 2300 items, at most 64 per request',
    });
  }
  const justOver = sealedSecret('apps', 'just-over', 65);
  assert.equal((await post(`${base}/v1/verify`, justOver)).status, 413);
  // A name that is no object name is not echoed.
  const odd = { ...big, metadata: { namespace: 'apps', name: 'x'.repeat(300) } };
  assert.equal((await post(`${base}/v1/verify`, odd)).body.message, 'SealedSecret: 2300 items, at most 64 per request');
  // The handlers refuse it too, whoever calls them.
  const direct = await verifySealedSecret({ pool, keys: () => keys, logger }, big);
  assert.equal(direct.status, 413);
  assert.equal(rsa.api + rsa.reconciler, before, 'no RSA operation');
  // Each refused request paid one token for being read; 64 items from a fresh address are allowed and cost 64
  // operations, at API priority.
  const atCap = await post(`${base}/v1/verify`, sealedSecret('apps', 'at-cap', 64), '127.0.0.9');
  assert.equal(atCap.status, 200);
  assert.equal(rsa.api - before, 64);
});

test('the limit is charged per RSA operation, per client address, and Retry-After comes from the deficit', async () => {
  clock += 3_600_000;
  const forty = sealedSecret('apps', 'forty', 40);
  const a1 = await post(`${base}/v1/verify`, forty, '127.0.0.1');
  assert.equal(a1.status, 200);
  assert.equal(a1.body.decryptable, true);
  // 24 tokens left: 40 more do not fit; 16 more are missing at 32/s (the whole request again: 40 - 24).
  const a2 = await post(`${base}/v1/verify`, forty, '127.0.0.1');
  assert.equal(a2.status, 429);
  assert.equal(a2.body.error, 'RateLimited');
  assert.equal(a2.retryAfter, '1');
  // X-Forwarded-For is not a client: the peer address is.
  const spoofed = await post(`${base}/v1/verify`, forty, '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' });
  assert.equal(spoofed.status, 429);
  // Another address has its own bucket.
  const b = await post(`${base}/v1/verify`, forty, '127.0.0.2');
  assert.equal(b.status, 200);
  // The other endpoint has its own buckets.
  const one = sealedSecret('apps', 'one', 1);
  assert.equal((await post(`${base}/v1/rotate`, one, '127.0.0.1')).status, 200);
  // 128 - 40 - 1 - 1 - 40 = 46 left globally: a third client's 64 wait for the global bucket.
  const c = await post(`${base}/v1/verify`, sealedSecret('apps', 'sixty-four', 64), '127.0.0.3');
  assert.equal(c.status, 429);
  assert.match(c.body.message ?? '', /all clients/);
  assert.equal(c.retryAfter, '1');
  clock += 2_000;
  assert.equal((await post(`${base}/v1/verify`, forty, '127.0.0.1')).status, 200);
});

test('a client in debt or over its burst is refused before its body is even read', async () => {
  clock += 3_600_000;
  const sixtyFour = sealedSecret('apps', 'sixty-four', 64);
  assert.equal((await post(`${base}/v1/verify`, sixtyFour, '127.0.0.4')).status, 200);
  const before = rsa.api;
  // Not JSON at all: the empty bucket answers first (a 400 would mean the body was parsed).
  const refused = await post(`${base}/v1/verify`, 'not a SealedSecret', '127.0.0.4');
  assert.equal(refused.status, 429);
  assert.equal(refused.retryAfter, '1');
  assert.equal(rsa.api, before);
});

test('a large body pays for its bytes (a token per 64 KiB) before it is read', async () => {
  clock += 3_600_000;
  const from = '127.0.0.7';
  const padded = await post(`${base}/v1/verify`, { pad: 'x'.repeat(900 * 1024) }, from);
  assert.equal(padded.status, 400, 'no SealedSecret, but read: 15 tokens paid');
  // 49 left: 50 items are refused (paying 1 for their small body), 48 then fit.
  assert.equal((await post(`${base}/v1/verify`, sealedSecret('apps', 'fifty', 50), from)).status, 429);
  assert.equal((await post(`${base}/v1/verify`, sealedSecret('apps', 'forty-eight', 48), from)).status, 200);
});

test('v1 items that cost more than one operation each are charged afterwards', async () => {
  const twoKeys = keySet(['key1', 'key2']);
  const [newer, older] = [twoKeys.keys[0]!.held, twoKeys.keys[1]!.held];
  const p = new RsaWorkerPool({ size: 1, logger });
  p.setKeys(twoKeys.ring.keys);
  const options = { pool: p, keys: () => twoKeys, logger };
  const app = createApiApp({
    backend: {
      sealingCertPem: () => undefined,
      readiness: () => ({ ready: true, waitingFor: [] }),
      verify: (body) => verifySealedSecret(options, body),
      rotate: (body) => rotateSealedSecret(options, body),
    },
    logger,
    metrics: createMetrics(),
    now: () => clock,
  });
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Items alternate between the two keys: each v1 item tries the other key first, two operations.
    const odd = sealedSecret('apps', 'mixed', 20, older, Envelope.V1);
    const even = sealedSecret('apps', 'mixed', 20, newer, Envelope.V1);
    for (let i = 0; i < 20; i += 2) odd.spec.encryptedData[`k${i}`] = even.spec.encryptedData[`k${i}`]!;
    assert.equal((await post(`${url}/v1/verify`, odd)).status, 200);
    // 20 paid up front, 39 spent: 64 - 39 = 25 left, so 26 items are refused (without the charge, 44 were left);
    // the refused request still paid its one token for being read, so 24 items fit then.
    const next = await post(`${url}/v1/verify`, sealedSecret('apps', 'next', 26, newer));
    assert.equal(next.status, 429);
    assert.equal((await post(`${url}/v1/verify`, sealedSecret('apps', 'next', 24, newer))).status, 200);
  } finally {
    await new Promise((done) => server.close(() => done(undefined)));
    await p.close();
  }
});

test('a client may have only a few requests in flight', async () => {
  clock += 3_600_000;
  const { url, close } = await serve({ ...DEFAULT_API_LIMITS, maxInFlightPerClient: 2 });
  const held: ReturnType<typeof request>[] = [];
  try {
    // Two requests whose bodies never finish arriving.
    for (let i = 0; i < 2; i++) {
      const req = request(`${url}/v1/verify`, {
        method: 'POST',
        localAddress: '127.0.0.5',
        headers: { 'content-type': 'application/json', 'content-length': '1000' },
        agent: false,
      });
      req.on('error', () => undefined);
      req.write('{');
      held.push(req);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await post(`${url}/v1/verify`, sealedSecret('apps', 'one', 1), '127.0.0.5');
    assert.equal(third.status, 429);
    assert.match(third.body.message ?? '', /in flight/);
    assert.equal((await post(`${url}/v1/verify`, sealedSecret('apps', 'one', 1), '127.0.0.6')).status, 200);
    for (const req of held) req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await post(`${url}/v1/verify`, sealedSecret('apps', 'one', 1), '127.0.0.5')).status, 200);
  } finally {
    for (const req of held) req.destroy();
    await close();
  }
});

test('limits whose bursts are below the item cap are refused at start', () => {
  assert.throws(
    () =>
      createApiApp({
        backend: {
          sealingCertPem: () => undefined,
          readiness: () => ({ ready: true, waitingFor: [] }),
          verify: () => Promise.reject(new Error('unused')),
          rotate: () => Promise.reject(new Error('unused')),
        },
        logger,
        metrics: createMetrics(),
        limits: { ...DEFAULT_API_LIMITS, perClient: { burst: 10, perSecond: 10 } },
      }),
    /API limits: each rate-limit burst must be at least the 64 items per request/,
  );
});

test('kubeseal --validate: a body without a JSON content type, JSON or YAML, is verified like a JSON one', async () => {
  clock += 3_600_000; // fresh buckets
  const object = sealedSecret('apps', 'plain', 1);
  const raw = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/verify`, { method: 'POST', body: Buffer.from(body), headers });
  const yaml = [
    'apiVersion: gitseal.dev/v1alpha1',
    'kind: SealedSecret',
    'metadata: {namespace: apps, name: plain}',
    `spec: {encryptedData: {k0: "${object.spec.encryptedData.k0}"}}`,
  ].join('\n');
  for (const [body, headers] of [
    [yaml, {}],
    [JSON.stringify(object), {}],
    [yaml, { 'content-type': 'application/yaml' }],
    [JSON.stringify(object), { 'content-type': 'text/plain' }],
  ] as const) {
    const answer = await raw(body, headers);
    assert.equal(answer.status, 200, JSON.stringify(headers));
    assert.equal(((await answer.json()) as { decryptable?: boolean }).decryptable, true);
  }
  const moved = yaml.replace('name: plain', 'name: other');
  assert.equal((await raw(moved)).status, 409);
  const broken = await raw('kind: [SealedSecret, PLAINTEXT');
  assert.equal(broken.status, 400);
  assert.ok(!(await broken.text()).includes('PLAINTEXT'), 'parse errors do not echo the body');
  assert.equal((await raw(`${yaml}\n---\n${yaml}`)).status, 400, 'one object per request');
});

test('a SealedSecret with no items (kubeseal --allow-empty-data): verify says yes, rotate returns it, no RSA', async () => {
  clock += 3_600_000; // fresh buckets
  const before = rsa.api + rsa.reconciler;
  const empty = { ...sealedSecret('apps', 'empty', 0), spec: { encryptedData: {} } };
  const verified = await post(`${base}/v1/verify`, empty);
  assert.equal(verified.status, 200);
  assert.equal(verified.body.decryptable, true);
  const rotated = await post(`${base}/v1/rotate`, { ...empty, status: { observedGeneration: 1 } });
  assert.equal(rotated.status, 200);
  assert.deepEqual(rotated.body, empty);
  assert.equal(rsa.api + rsa.reconciler, before);
});

test('a JSON body with a key given twice is refused (400), not read as its last value', async () => {
  const body =
    '{"apiVersion":"gitseal.dev/v1alpha1","kind":"SealedSecret","metadata":{"namespace":"a","name":"x","namespace":"kube-system"},"spec":{"encryptedData":{}}}';
  const answer = await new Promise<Answer>((resolve, reject) => {
    const req = request(
      `${base}/v1/verify`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: undefined,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Answer['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error, 'InvalidJson');
  assert.match(answer.body.message ?? '', /duplicate key at line 1, column \d+/);
});
