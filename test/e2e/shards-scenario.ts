// The --shards auto scenario on a real control plane (started with SHARD_AUDIT_POLICY): N replicas share
// SealedSecrets and GitSyncs; ownership is sampled throughout; a webhook goes to a non-owner; one replica is
// SIGKILLed and its objects must be taken over; a new replica joins. Returns findings and figures: the e2e test
// asserts on them, test/bench/shards.mjs prints them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import type { ControlPlane } from '../cluster/index.js';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor } from '../support/index.js';
import { Cluster, metricSum, metricValue, sealItems, waitFor } from './controller-harness.js';
import { configMapJson, createGitRepo, readyAt, syncControllerArgs, GitSyncs } from './sync-harness.js';
import {
  auditWrites,
  bindReplicaUsers,
  OwnershipSampler,
  sendWebhook,
  ShardFleet,
  shardsDebug,
  waitDebug,
  writerReport,
  type PhaseStats,
  type Replica,
  type WriterReport,
} from './shards-harness.js';

export interface ShardScenarioOptions {
  readonly sealedSecrets: number;
  readonly gitSyncs: number;
  readonly replicas: number;
  readonly leaseSeconds: number;
  /** Plaintext markers the caller checks the output for. */
  readonly markers: string[];
}

export interface ReplicaWork {
  readonly user: string;
  readonly unsealResults: number;
  readonly syncResults: number;
  readonly rsaOperations: number;
  readonly ownedSealedSecrets: number;
  readonly ownedGitSyncs: number;
}

export interface ShardFindings {
  readonly overlaps: readonly string[];
  readonly phases: Record<string, PhaseStats>;
  readonly skippedSamples: number;
  /** All objects reconciled after the start (create → Secrets written, GitSyncs Ready). */
  readonly initialMs: number;
  readonly work: readonly ReplicaWork[];
  readonly certsAgree: boolean;
  readonly webhook: { readonly owner: string; readonly sentTo: string; readonly status: number; readonly ms: number };
  /** Only the webhook's GitSync moved to the new commit. */
  readonly webhookOnlyTarget: boolean;
  readonly kill: {
    readonly victim: string;
    readonly ownedByVictim: number;
    readonly ideal: number;
    /** SIGKILL → every object owned by a survivor (sampled). */
    readonly takeoverMs: number;
    /** SIGKILL → the victim's deleted Secrets back and its GitSyncs Ready at the new commit. */
    readonly reconciledMs: number;
    /** GitSyncs the survivors owned already did not move to the new commit: only gained objects were enqueued. */
    readonly othersUntouched: boolean;
  };
  readonly join: {
    readonly joiner: string;
    /** Spawn → the new replica owns its share and every object is owned (sampled). */
    readonly rebalanceMs: number;
    readonly moved: number;
    readonly ideal: number;
    /** Objects whose owner changed in the join other than those that went to the joiner. */
    readonly movedElsewhere: number;
  };
  readonly exitCodes: readonly (number | null)[];
  readonly audit: WriterReport;
}

/** The keys `Kind/ns/name` a sample attributes to `user`. */
function ownedBy(owners: Map<string, string>, user: string): string[] {
  return [...owners].filter(([, u]) => u === user).map(([k]) => k);
}

async function work(r: Replica, owners: Map<string, string>): Promise<ReplicaWork> {
  const owned = ownedBy(owners, r.user);
  return {
    user: r.user,
    unsealResults: await metricSum(r.process, 'gitseal_unseal_results_total'),
    syncResults: await metricSum(r.process, 'gitseal_sync_results_total'),
    rsaOperations: await metricValue(r.process, 'gitseal_rsa_private_operations_total'),
    ownedSealedSecrets: owned.filter((k) => k.startsWith('SealedSecret/')).length,
    ownedGitSyncs: owned.filter((k) => k.startsWith('GitSync/')).length,
  };
}

// One scenario, step by step: its length is its story.
export async function runShardScenario(plane: ControlPlane, o: ShardScenarioOptions): Promise<ShardFindings> {
  if (!plane.auditLogPath) throw new Error('start the control plane with SHARD_AUDIT_POLICY');
  const kc = kubeConfigFor(plane.kubeconfigPath);
  const cluster = new Cluster(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const syncs = new GitSyncs(kc);
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  const controllerNs = await createTestNamespace(kc, 'gitseal-system');
  const appsNs = await createTestNamespace(kc, 'apps');
  const users = Array.from({ length: o.replicas + 1 }, (_, i) => `gitseal-replica-${i}`);
  await bindReplicaUsers(kc, users, `${controllerNs}-replicas`);
  const token = `hook-${Math.random().toString(36).slice(2)}`;
  o.markers.push(token);
  await core.createNamespacedSecret({
    namespace: controllerNs,
    body: { metadata: { name: 'hook' }, stringData: { token } },
  });
  const repo = createGitRepo();
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-shards-'));
  const files = (rev: string, only?: (i: number) => boolean) =>
    Object.fromEntries(
      Array.from({ length: o.gitSyncs }, (_, i) => i)
        .filter((i) => only?.(i) ?? true)
        .map((i) => [`app-${i}/cm.yaml`, configMapJson(`cm-${i}`, { rev })]),
    );
  const c0 = repo.commit(files('0'));
  const lease = `${o.leaseSeconds}s`;
  const args = syncControllerArgs(controllerNs, [
    ...['--shards', 'auto', '--no-notifications', '--rsa-workers', '1'],
    ...['--leader-elect-lease-duration', lease, '--leader-elect-renew-deadline', `${o.leaseSeconds - 1}s`],
    ...['--leader-elect-retry-period', '500ms'],
  ]);
  const fleet = new ShardFleet(plane.kubeconfigPath, dir, args);
  try {
    for (let i = 0; i < o.replicas; i++) await fleet.start(i);
    await waitDebug(fleet.replicas);
    const first = fleet.replicas[0]!.process;
    const certPem = await waitFor(
      'sealing certificate',
      async () => {
        const res = await fetch(`${first.api}/v1/cert.pem`);
        return res.status === 200 ? res.text() : undefined;
      },
      60_000,
    );

    const ssNames = Array.from({ length: o.sealedSecrets }, (_, i) => `s-${i}`);
    const gsNames = Array.from({ length: o.gitSyncs }, (_, i) => `app-${i}`);
    const expected = {
      SealedSecret: ssNames.map((n) => `${appsNs}/${n}`),
      GitSync: gsNames.map((n) => `${controllerNs}/${n}`),
    };
    const sampler = new OwnershipSampler(fleet, expected);
    sampler.start();
    const startedAt = Date.now();
    for (const name of ssNames) {
      const value = `plain-${name}-${Math.random().toString(36).slice(2)}`;
      o.markers.push(value);
      await cluster.createSealed(
        Cluster.sealedSecret(appsNs, name, sealItems(certPem, 'strict', appsNs, name, { value })),
      );
    }
    for (const name of gsNames) {
      await syncs.create(controllerNs, name, {
        source: { url: repo.url, ref: { branch: 'main' }, path: name },
        interval: '10m',
        targetNamespace: appsNs,
        webhookSecretRef: { name: 'hook' },
      });
    }
    const allSecrets = async () => {
      const list = await core.listNamespacedSecret({ namespace: appsNs, labelSelector: 'gitseal.dev/sealed-secret' });
      return ssNames.every((n) => list.items.some((s) => s.metadata?.name === n));
    };
    await waitFor('every Secret written', allSecrets, 120_000, 250);
    for (const name of gsNames) await syncs.waitFor(controllerNs, name, 'Ready at c0', readyAt(c0), 120_000);
    const initialMs = Date.now() - startedAt;

    sampler.phase = 'steady';
    await sampler.until((_owners, complete) => complete, 30_000);
    await sleep(1_500);
    const owners = sampler.lastOwners;
    const work0 = await Promise.all(fleet.live().map((r) => work(r, owners)));
    const certs = await Promise.all(
      fleet.live().map(async (r) => (await fetch(`${r.process.api}/v1/cert.pem`)).text()),
    );
    const certsAgree = certs.every((c) => c === certPem);

    // A webhook sent to a replica that does not own the GitSync: the owner syncs it.
    const target = gsNames[0]!;
    const owner = owners.get(`GitSync/${controllerNs}/${target}`) ?? '';
    const sentTo = fleet.live().find((r) => r.user !== owner)!;
    const c1 = repo.commit(files('1'));
    const hookAt = Date.now();
    const hook = await sendWebhook(sentTo.process, controllerNs, target, token);
    await syncs.waitFor(controllerNs, target, 'Ready at c1', readyAt(c1), 30_000);
    const webhookMs = Date.now() - hookAt;
    const others = await Promise.all(gsNames.slice(1).map((n) => syncs.get(controllerNs, n)));
    const webhookOnlyTarget = others.every((g) => g.status?.lastAppliedRevision === `main@sha1:${c0}`);

    // SIGKILL of a replica that is not the leader (the leader's own takeover is controller-ha's test).
    sampler.phase = 'kill';
    const leaders = await Promise.all(fleet.live().map((r) => metricValue(r.process, 'gitseal_leader')));
    const victim = fleet.live().find((_r, i) => leaders[i] !== 1)!;
    const victimKeys = ownedBy(sampler.lastOwners, victim.user);
    const victimSecrets = victimKeys.filter((k) => k.startsWith('SealedSecret/')).map((k) => k.split('/')[2]!);
    const victimSyncs = new Set(victimKeys.filter((k) => k.startsWith('GitSync/')).map((k) => k.split('/')[2]!));
    const c2 = repo.commit(files('2'));
    const killedAt = Date.now();
    fleet.kill(victim);
    await Promise.all(victimSecrets.map((n) => core.deleteNamespacedSecret({ namespace: appsNs, name: n })));
    const takenAt = await sampler.until((_owners, complete) => complete, 60_000);
    await waitFor('the victim’s Secrets are back', allSecrets, 60_000, 100);
    for (const name of victimSyncs) await syncs.waitFor(controllerNs, name, 'Ready at c2', readyAt(c2), 60_000);
    const reconciledMs = Date.now() - killedAt;
    const rest = await Promise.all(gsNames.filter((n) => !victimSyncs.has(n)).map((n) => syncs.get(controllerNs, n)));
    const othersUntouched = rest.every((g) => g.status?.lastAppliedRevision !== `main@sha1:${c2}`);

    // A new replica joins: it takes about 1/N, and nothing else moves.
    sampler.phase = 'steady-2';
    await sleep(1_000);
    const beforeJoin = new Map(sampler.lastOwners);
    sampler.phase = 'join';
    const joinedAt = Date.now();
    const joiner = await fleet.start(o.replicas);
    const rebalancedAt = await sampler.until(
      (owners, complete) => complete && ownedBy(owners, joiner.user).length > 0,
      60_000,
    );
    sampler.phase = 'end';
    await sleep(1_500);
    const after = sampler.lastOwners;
    let moved = 0;
    let movedElsewhere = 0;
    for (const [key, user] of after) {
      if (beforeJoin.get(key) === user) continue;
      if (user === joiner.user) moved += 1;
      else movedElsewhere += 1;
    }
    const total = o.sealedSecrets + o.gitSyncs;
    const workEnd = await Promise.all(fleet.live().map((r) => work(r, after)));
    const joinerDebug = await shardsDebug(joiner.process);
    await sampler.stop();

    const exitCodes = await Promise.all(fleet.live().map((r) => r.process.stop()));
    // The audit log is written as the API server answers: give the last lines a moment.
    await sleep(500);
    return {
      overlaps: sampler.overlaps,
      phases: Object.fromEntries(sampler.phases),
      skippedSamples: sampler.skipped,
      initialMs,
      // The victim's work as of before the kill; everyone else's at the end.
      work: [...work0.filter((w) => w.user === victim.user), ...workEnd],
      certsAgree,
      webhook: { owner, sentTo: sentTo.user, status: hook.status, ms: webhookMs },
      webhookOnlyTarget,
      kill: {
        victim: victim.user,
        ownedByVictim: victimKeys.length,
        ideal: total / o.replicas,
        takeoverMs: takenAt - killedAt,
        reconciledMs,
        othersUntouched,
      },
      join: {
        joiner: joinerDebug.writing ? joiner.user : `${joiner.user} (not writing)`,
        rebalanceMs: rebalancedAt - joinedAt,
        moved,
        ideal: total / o.replicas,
        movedElsewhere,
      },
      exitCodes,
      audit: writerReport(auditWrites(plane.auditLogPath, appsNs, controllerNs)),
    };
  } finally {
    await Promise.all(fleet.replicas.map((r) => r.process.stop()));
    repo.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
