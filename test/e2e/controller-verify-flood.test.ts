// POST /v1/verify flooded at its rate limit from several client addresses (plus oversized requests) while new
// SealedSecrets are created: their Secrets must appear within twice the time they take without the flood.
// gitseal-controller runs as a real process against the real kube-apiserver + etcd.
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { assertNoMarkers } from './cli-harness.js';
import {
  allControllerOutput,
  metricValue,
  startControllerProcess,
  stopAllControllers,
  type ControllerProcess,
} from './controller-harness.js';
import { manyItems, median, startFlood, timeToSecret, type FloodCounts } from './verify-flood-harness.js';

const plane = sharedControlPlane();

after(async () => {
  await stopAllControllers();
  // The flood's values are `value-N`: none of them may show up in what the controller printed.
  assertNoMarkers(allControllerOutput(), ['value-17', 'value-42'], 'controller output');
});

/** Times below this count as this much: a Secret normally appears in a few hundred ms, and 2 cores are shared. */
const FLOOR_MS = 300;
const ROUNDS = 3;
/** The defaults of api-limits.ts: one endpoint's global bucket. */
const GLOBAL = { burst: 128, perSecond: 64 };

test('a verify flood at the rate limit does not slow unsealing down by more than 2×, and is answered 429/413', async (t: TestContext) => {
  const cp = plane.use(t);
  if (!cp) return;
  const kc = kubeConfigFor(cp.kubeconfigPath);
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  const controllerNs = await createTestNamespace(kc, 'gitseal-system');
  const ns = await createTestNamespace(kc, 'flood');
  const controller: ControllerProcess = await startControllerProcess(cp.kubeconfigPath, [
    '--namespace',
    controllerNs,
    '--key-size',
    '2048',
    '--no-sync',
    '--log-level',
    'info',
  ]);
  const certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();

  // Three clients at their own limit (64 items, the cap, every 2 s: 32 operations/s each, 96/s together, above
  // the endpoint's 64/s), one more posting the same back to back, and one posting 2,000 items at a time (over
  // the cap, under the 1 MiB body limit).
  const body = (i: number) => Buffer.from(JSON.stringify(manyItems(certPem, ns, `flood-${i}`, 64)));
  const atLimit = ['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((address, i) => ({
    address,
    body: body(i),
    intervalMs: 2_000,
  }));
  const big = Buffer.from(JSON.stringify(manyItems(certPem, ns, 'huge', 2000)));
  assert.ok(big.length < 1024 * 1024, `${big.length} bytes`);
  const clients = [
    ...atLimit,
    { address: '127.0.0.5', body: body(3), concurrency: 2 },
    { address: '127.0.0.6', body: big },
  ];

  const unloaded: number[] = [];
  const loaded: number[] = [];
  const floods: FloodCounts[] = [];
  const rsaBefore = await metricValue(controller, 'gitseal_rsa_private_operations_total');
  // Alternating rounds, so a change in the machine's other load hits both sides alike.
  for (let round = 0; round < ROUNDS; round++) {
    unloaded.push(await timeToSecret(kc, manyItems(certPem, ns, `quiet-${round}`, 3)));
    const flood = startFlood(controller.api, clients);
    await sleep(4_000); // past the bursts: the flood is at its steady rate by now
    loaded.push(await timeToSecret(kc, manyItems(certPem, ns, `busy-${round}`, 3)));
    floods.push(await flood.stop());
    // Let the buckets refill before the next quiet measurement.
    await sleep(2_500);
  }
  const rsaOps = (await metricValue(controller, 'gitseal_rsa_private_operations_total')) - rsaBefore;
  const count = (status: number) => floods.reduce((sum, f) => sum + (f.byStatus[status] ?? 0), 0);
  const seconds = floods.reduce((sum, f) => sum + f.seconds, 0);
  const bound = 2 * Math.max(median(unloaded), FLOOR_MS);
  t.diagnostic(
    `time to Secret: unloaded ${unloaded.map((x) => x.toFixed(0)).join('/')} ms (median ${median(unloaded).toFixed(0)}), ` +
      `under the flood ${loaded.map((x) => x.toFixed(0)).join('/')} ms (median ${median(loaded).toFixed(0)}), bound ${bound.toFixed(0)} ms`,
  );
  t.diagnostic(
    `flood: ${floods.reduce((s, f) => s + f.requests, 0)} requests in ${seconds.toFixed(1)} s: ` +
      `200 ×${count(200)}, 429 ×${count(429)}, 413 ×${count(413)}; RSA operations ${rsaOps}`,
  );
  assert.ok(median(loaded) <= bound, `under the flood ${median(loaded).toFixed(0)} ms > ${bound.toFixed(0)} ms`);
  assert.ok(count(200) > 0, 'some verifies got through');
  assert.ok(count(429) > 0, 'the flood was rate limited');
  const bigRequests = count(413);
  assert.ok(bigRequests > 0, 'oversized requests were refused');
  assert.equal(
    floods.reduce((s, f) => s + f.errors, 0),
    0,
    'no transport errors',
  );
  // The global bucket bounds what the flood got, however many addresses it came from (one burst per round).
  const allowed = ROUNDS * GLOBAL.burst + GLOBAL.perSecond * seconds;
  assert.ok(count(200) * 64 <= allowed, `${count(200) * 64} API operations > ${allowed.toFixed(0)} allowed`);
  // Every RSA operation is either an API item that got a 200 or a quiet/busy SealedSecret's item.
  assert.equal(rsaOps, count(200) * 64 + 2 * ROUNDS * 3);
  const refused = await metricValue(controller, 'gitseal_http_requests_total', '{route="/v1/verify",code="413"}');
  assert.equal(refused, bigRequests);
});
