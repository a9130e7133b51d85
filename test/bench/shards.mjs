#!/usr/bin/env node
// --shards auto with real replica processes on a real control plane (the e2e scenario of
// test/e2e/shards-scenario.ts at bench sizes): BENCH_SHARDS_REPLICAS (default 3) replicas share
// BENCH_SHARDS_SEALED (default 300) SealedSecrets and BENCH_SHARDS_GITSYNCS (default 30) GitSyncs. Prints work per
// replica, time to rebalance after kill -9 and after a join, objects moved vs the ideal 1/N, and the audit of
// writers (no object written by two replicas at once). On 2 cores throughput cannot scale with replicas: these are
// the figures that can. Then one JSON line for the bench driver.
import { startControlPlane } from '../dist/cluster/index.js';
import { stopAllControllers } from '../dist/e2e/controller-harness.js';
import { SHARD_AUDIT_POLICY } from '../dist/e2e/shards-harness.js';
import { runShardScenario } from '../dist/e2e/shards-scenario.js';

const replicas = Number(process.env.BENCH_SHARDS_REPLICAS ?? 3);
const sealedSecrets = Number(process.env.BENCH_SHARDS_SEALED ?? 300);
const gitSyncs = Number(process.env.BENCH_SHARDS_GITSYNCS ?? 30);
const leaseSeconds = Number(process.env.BENCH_SHARDS_LEASE_SECONDS ?? 3);

const plane = await startControlPlane({ auditPolicy: SHARD_AUDIT_POLICY });
try {
  const f = await runShardScenario(plane, { sealedSecrets, gitSyncs, replicas, leaseSeconds, markers: [] });
  const total = sealedSecrets + gitSyncs;
  console.log(`${replicas} replicas, ${sealedSecrets} SealedSecrets + ${gitSyncs} GitSyncs, lease ${leaseSeconds}s`);
  console.log(`initial reconcile of everything: ${f.initialMs} ms`);
  for (const w of f.work) {
    console.log(
      `  ${w.user}: owns ${w.ownedSealedSecrets} SealedSecrets + ${w.ownedGitSyncs} GitSyncs, ${w.unsealResults} SealedSecret reconciles, ${w.rsaOperations} RSA ops, ${w.syncResults} syncs`,
    );
  }
  console.log(
    `kill -9 ${f.kill.victim} (owned ${f.kill.ownedByVictim}, ideal ${f.kill.ideal.toFixed(1)}): every object owned again after ${f.kill.takeoverMs} ms, its deleted Secrets and new commit reconciled after ${f.kill.reconciledMs} ms`,
  );
  console.log(
    `join ${f.join.joiner}: rebalanced after ${f.join.rebalanceMs} ms (join wait ${leaseSeconds}s included), moved ${f.join.moved} of ${total} = ${((100 * f.join.moved) / total).toFixed(1)}% (ideal ${((100 * f.join.ideal) / total).toFixed(1)}%), elsewhere ${f.join.movedElsewhere}`,
  );
  console.log(
    `webhook to ${f.webhook.sentTo} for a GitSync of ${f.webhook.owner}: synced on the owner in ${f.webhook.ms} ms`,
  );
  console.log(
    `ownership samples: ${Object.values(f.phases).reduce((n, p) => n + p.samples, 0)} (skipped ${f.skippedSamples}), overlaps ${f.overlaps.length}`,
  );
  console.log(
    `audit: ${f.audit.objects} objects, ${f.audit.handedOver} changed writer (${f.audit.switches} switches, max ${f.audit.maxSwitches} per object), overlapping writes ${f.audit.overlapping.length}, back-and-forth ${f.audit.returns.length}`,
  );
  console.log(
    JSON.stringify({
      replicas,
      sealedSecrets,
      gitSyncs,
      leaseSeconds,
      initialMs: f.initialMs,
      work: f.work,
      kill: f.kill,
      join: f.join,
      webhookMs: f.webhook.ms,
      overlaps: f.overlaps.length,
      audit: { ...f.audit, overlapping: f.audit.overlapping.length, returns: f.audit.returns.length },
    }),
  );
  if (f.overlaps.length + f.audit.overlapping.length + f.audit.returns.length > 0) process.exitCode = 1;
} finally {
  await stopAllControllers();
  await plane.stop();
}
