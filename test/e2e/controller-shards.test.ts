// Three gitseal-controller processes with --shards auto on the real kube-apiserver + etcd, the API server writing
// an audit log: 60 SealedSecrets and 15 GitSyncs are shared out and all reconciled; ownership, sampled from every
// replica's /debug/shards every 250 ms, is disjoint at every sample and complete whenever no replica is in
// transit; a webhook sent to a non-owner syncs on the owner; /v1/cert.pem answers on all; a SIGKILLed replica's
// objects are taken over within the lease duration plus a few seconds; a joining replica takes about 1/N; and in
// the audit log no object is written by two replicas at once.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sharedControlPlane } from '../support/index.js';
import { assertNoMarkers } from './cli-harness.js';
import { allControllerOutput, stopAllControllers } from './controller-harness.js';
import { SHARD_AUDIT_POLICY } from './shards-harness.js';
import { runShardScenario } from './shards-scenario.js';

const LEASE_SECONDS = 3;
const plane = sharedControlPlane({ auditPolicy: SHARD_AUDIT_POLICY });
const markers: string[] = [];

after(async () => {
  await stopAllControllers();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
});

test('three replicas share SealedSecrets and GitSyncs: one writer per object, takeover after SIGKILL, join', async (t) => {
  const cp = plane.use(t);
  if (!cp) return;
  const f = await runShardScenario(cp, {
    sealedSecrets: 60,
    gitSyncs: 15,
    replicas: 3,
    leaseSeconds: LEASE_SECONDS,
    markers,
  });
  t.diagnostic(JSON.stringify(f));

  // Ownership: never two owners in any sample; every object owned in every sample of the steady phases.
  assert.deepEqual(f.overlaps, [], 'disjoint at every sample');
  for (const phase of ['steady', 'steady-2', 'end']) {
    const stats = f.phases[phase];
    assert.ok(stats && stats.samples >= 3, `${phase}: sampled (${JSON.stringify(stats)})`);
    assert.equal(stats.ownedComplete, stats.samples, `${phase}: every object owned at every sample`);
  }
  // While a replica joins, an object can be owned by nobody for up to one lease duration: the joiner counts the
  // killed replica's Lease alive for a lease duration from when it first sees it (its own clock, as leader election
  // does), so what hashes to that dead member in its view waits. Bounded below by rebalanceMs; never two owners.
  const join = f.phases['join'];
  assert.ok(join && join.samples > 0 && join.assignedComplete >= 1, `join: ${JSON.stringify(join)}`);
  const total = Object.values(f.phases).reduce((n, p) => n + p.samples, 0);
  assert.ok(f.skippedSamples < total / 4, `skipped ${f.skippedSamples} of ${total + f.skippedSamples} samples`);

  // Every replica did its share of the work.
  assert.equal(f.work.length, 4);
  for (const w of f.work) assert.ok(w.unsealResults > 0, `${w.user} reconciled SealedSecrets: ${JSON.stringify(w)}`);
  const joiner = f.work.find((w) => w.user === f.join.joiner);
  assert.equal(joiner?.rsaOperations, 0, 'the joiner took over intact Secrets without any RSA work');
  assert.equal(f.work.filter((w) => w.rsaOperations > 0).length, 3, 'the first three replicas unsealed');
  assert.ok(f.work.filter((w) => w.syncResults > 0).length >= 3, 'at least three replicas synced GitSyncs');

  assert.ok(f.certsAgree, '/v1/cert.pem answers the same on every replica');
  assert.equal(f.webhook.status, 202);
  assert.notEqual(f.webhook.owner, f.webhook.sentTo);
  assert.ok(f.webhookOnlyTarget, 'only the webhook’s GitSync synced the new commit');

  // SIGKILL: taken over after the lease ran out, reconciled within lease + a few seconds; only gained work enqueued.
  assert.ok(f.kill.ownedByVictim > 0);
  assert.ok(f.kill.takeoverMs >= (LEASE_SECONDS - 1) * 1000, `takeover after ${f.kill.takeoverMs} ms: too early`);
  assert.ok(f.kill.takeoverMs <= LEASE_SECONDS * 1000 + 3_000, `takeover after ${f.kill.takeoverMs} ms`);
  assert.ok(f.kill.reconciledMs <= LEASE_SECONDS * 1000 + 10_000, `reconciled after ${f.kill.reconciledMs} ms`);
  assert.ok(f.kill.othersUntouched, 'GitSyncs that did not move were not synced again');

  // Join: the newcomer owns its ~1/N after its join wait; nothing else moved.
  assert.doesNotMatch(f.join.joiner, /not writing/);
  assert.equal(f.join.movedElsewhere, 0);
  assert.ok(f.join.moved > f.join.ideal / 2 && f.join.moved < f.join.ideal * 1.6, `moved ${f.join.moved}`);
  assert.ok(f.join.rebalanceMs >= LEASE_SECONDS * 1000, 'the joiner waited out its join wait');
  assert.ok(f.join.rebalanceMs <= 2 * LEASE_SECONDS * 1000 + 5_000, `rebalanced after ${f.join.rebalanceMs} ms`);

  assert.deepEqual(f.exitCodes, [0, 0, 0], 'graceful stop');
  // The audit log: objects changed hands only at the two membership changes (kill, join), never back and forth,
  // and never with writes of two replicas overlapping.
  assert.ok(f.audit.objects >= 60 + 15, `audited ${f.audit.objects} objects`);
  assert.deepEqual(f.audit.overlapping, []);
  assert.ok(f.audit.maxSwitches <= 2, `an object changed writer ${f.audit.maxSwitches} times`);
  assert.deepEqual(f.audit.returns, [], 'no writer came back to an object another replica had written since');
  assert.ok(f.audit.handedOver > 0, 'the victim’s objects were written by their new owners');
});
