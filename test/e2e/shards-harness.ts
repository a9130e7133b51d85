// Several gitseal-controller replicas with --shards auto on the real control plane: each replica under its own
// user (the admin kubeconfig impersonating `gitseal-replica-<n>`, so the API server's audit log names the writer),
// an ownership sampler over every replica's /debug/shards, and the audit-log analysis of who wrote what when.
// Shared by test/e2e/controller-shards.test.ts and test/bench/shards.mjs.
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { startControllerProcess, waitFor, type ControllerProcess } from './controller-harness.js';

/** Metadata-level audit (never a body) of the writes the sharded reconcilers make. */
export const SHARD_AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete]
    resources:
      - group: ''
        resources: [secrets, configmaps]
      - group: gitseal.dev
        resources: [sealedsecrets, sealedsecrets/status, gitsyncs, gitsyncs/status]
  - level: None
`;

export const REPLICA_USER_PREFIX = 'gitseal-replica-';

/** A kubeconfig that is the admin's, impersonating `user` on every request. */
export function impersonatingKubeconfig(adminPath: string, user: string, dir: string): string {
  const kc = new KubeConfig();
  kc.loadFromFile(adminPath);
  const current = kc.getCurrentUser();
  const context = kc.getContextObject(kc.getCurrentContext());
  if (!current || !context) throw new Error('admin kubeconfig has no current user');
  const name = `${current.name}-as-${user}`;
  kc.loadFromOptions({
    clusters: kc.clusters,
    users: [...kc.users, { ...current, name, impersonateUser: user }],
    contexts: [...kc.contexts, { ...context, name, user: name }],
    currentContext: name,
  });
  const path = join(dir, `kubeconfig-${user}`);
  writeFileSync(path, kc.exportConfig(), { mode: 0o600 });
  return path;
}

/** cluster-admin for the replica users (the admin impersonates them; RBAC then sees only them). */
export async function bindReplicaUsers(kc: KubeConfig, users: readonly string[], name: string): Promise<void> {
  await kc.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: users.map((u) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: u })),
    },
  });
}

/** What /debug/shards answers (packages/controller/src/sharding.ts ShardsDebug). */
export interface ShardsDebug {
  readonly identity: string;
  readonly at: number;
  readonly reason: string;
  readonly writing: boolean;
  readonly synced: boolean;
  readonly members: readonly string[];
  readonly owned: Record<string, string[]>;
  readonly pending: Record<string, string[]>;
}

export async function shardsDebug(p: ControllerProcess, timeoutMs = 1_500): Promise<ShardsDebug> {
  const res = await fetch(`${p.metrics}/debug/shards`, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`/debug/shards: ${res.status}`);
  return (await res.json()) as ShardsDebug;
}

export interface Replica {
  readonly user: string;
  readonly process: ControllerProcess;
  killed: boolean;
}

/** The replicas of one test, each its own user. */
export class ShardFleet {
  readonly replicas: Replica[] = [];
  constructor(
    readonly adminKubeconfig: string,
    readonly dir: string,
    readonly args: readonly string[],
  ) {}

  async start(index: number): Promise<Replica> {
    const user = `${REPLICA_USER_PREFIX}${index}`;
    const kubeconfig = impersonatingKubeconfig(this.adminKubeconfig, user, this.dir);
    const process = await startControllerProcess(kubeconfig, this.args, { leaderElect: true, waitReady: false });
    const replica = { user, process, killed: false };
    this.replicas.push(replica);
    return replica;
  }

  live(): Replica[] {
    return this.replicas.filter((r) => !r.killed);
  }

  kill(replica: Replica): void {
    replica.killed = true;
    replica.process.child.kill('SIGKILL');
  }
}

/** One kind's expected keys (`namespace/name`). */
export type Expected = Record<string, readonly string[]>;

export interface PhaseStats {
  samples: number;
  ownedComplete: number;
  assignedComplete: number;
}

/**
 * Samples every live replica's ownership every `intervalMs`, all replicas at once. A sample whose answers were
 * taken more than `maxSkewMs` apart, or that missed a replica, is skipped (counted): a handoff leaves a gap of at
 * least lease − renew deadline, so answers closer than that cannot show a false overlap. A sample in which a
 * replica's caches were still listing is checked for overlaps but not counted for completeness.
 */
export class OwnershipSampler {
  phase = 'start';
  readonly overlaps: string[] = [];
  readonly phases = new Map<string, PhaseStats>();
  skipped = 0;
  /** The latest complete sample: owner user per `Kind/namespace/name`. */
  lastOwners = new Map<string, string>();
  #timer: Promise<void> | undefined;
  #stopped = false;
  readonly #listeners: ((owners: Map<string, string>, ownedComplete: boolean, at: number) => void)[] = [];

  constructor(
    readonly fleet: ShardFleet,
    readonly expected: Expected,
    readonly intervalMs = 250,
    readonly maxSkewMs = 400,
  ) {}

  start(): void {
    this.#timer = (async () => {
      while (!this.#stopped) {
        await this.sample().catch(() => (this.skipped += 1));
        await sleep(this.intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#timer;
  }

  /** Resolves at the first sample (after now) for which `accept` holds. */
  until(accept: (owners: Map<string, string>, ownedComplete: boolean) => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sampler: timed out')), timeoutMs);
      const listener = (owners: Map<string, string>, complete: boolean, at: number): void => {
        if (!accept(owners, complete)) return;
        clearTimeout(timer);
        this.#listeners.splice(this.#listeners.indexOf(listener), 1);
        resolve(at);
      };
      this.#listeners.push(listener);
    });
  }

  async sample(): Promise<void> {
    const live = this.fleet.live();
    const phase = this.phase;
    const answers = await Promise.all(live.map((r) => shardsDebug(r.process).then((d) => ({ r, d }))));
    if (this.fleet.live().length !== live.length) return void (this.skipped += 1);
    const ats = answers.map((a) => a.d.at);
    if (Math.max(...ats) - Math.min(...ats) > this.maxSkewMs) return void (this.skipped += 1);
    // A replica still listing cannot name every object hashed to it yet (its disjointness still counts).
    const listing = answers.some((a) => !a.d.synced);
    const owners = new Map<string, string>();
    const assigned = new Set<string>();
    for (const { r, d } of answers) {
      for (const [kind, keys] of Object.entries(d.owned)) {
        for (const key of keys) {
          const id = `${kind}/${key}`;
          const other = owners.get(id);
          if (other !== undefined) this.overlaps.push(`${phase}: ${id} owned by ${other} and ${r.user}`);
          owners.set(id, r.user);
          assigned.add(id);
        }
      }
      for (const [kind, keys] of Object.entries(d.pending)) for (const key of keys) assigned.add(`${kind}/${key}`);
    }
    const all = Object.entries(this.expected).flatMap(([kind, keys]) => keys.map((k) => `${kind}/${k}`));
    const ownedComplete = all.every((id) => owners.has(id));
    const stats = this.phases.get(phase) ?? { samples: 0, ownedComplete: 0, assignedComplete: 0 };
    if (listing) return void (this.skipped += 1);
    stats.samples += 1;
    if (ownedComplete) stats.ownedComplete += 1;
    if (all.every((id) => assigned.has(id))) stats.assignedComplete += 1;
    this.phases.set(phase, stats);
    if (ownedComplete) this.lastOwners = owners;
    const at = Math.min(...ats);
    for (const listener of [...this.#listeners]) listener(owners, ownedComplete, at);
  }
}

/** One write in the audit log. */
export interface AuditWrite {
  readonly user: string;
  readonly verb: string;
  /** ISO timestamps with microseconds: compared as strings. */
  readonly received: string;
  readonly completed: string;
}

interface AuditEvent {
  stage?: string;
  verb?: string;
  user?: { username?: string };
  impersonatedUser?: { username?: string };
  objectRef?: { apiGroup?: string; resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
}

/** `resource/namespace/name` of a successful replica write to an object the sharded reconcilers own. */
function shardedObjectOf(e: AuditEvent, appsNamespace: string, controllerNamespace: string): string | undefined {
  const user = e.impersonatedUser?.username ?? '';
  const ref = e.objectRef;
  if (e.stage !== 'ResponseComplete' || !user.startsWith(REPLICA_USER_PREFIX) || !ref?.name) return undefined;
  if ((e.responseStatus?.code ?? 500) >= 400) return undefined;
  const what = `${ref.resource ?? ''}${ref.subresource ? `/${ref.subresource}` : ''}`;
  const owned =
    (ref.namespace === appsNamespace && ['secrets', 'configmaps', 'sealedsecrets/status'].includes(what)) ||
    (ref.namespace === controllerNamespace && what === 'gitsyncs/status');
  return owned ? `${ref.resource ?? ''}/${ref.namespace}/${ref.name}` : undefined;
}

/**
 * The successful writes by replica users to the objects the sharded reconcilers own: produced Secrets, applied
 * ConfigMaps and SealedSecret status in `appsNamespace`, GitSync status in `controllerNamespace`. (A GitSync's own
 * object is left out: any replica may set its requested-at annotation to hand a webhook to the owner.)
 */
export function auditWrites(
  logPath: string,
  appsNamespace: string,
  controllerNamespace: string,
): Map<string, AuditWrite[]> {
  const writes = new Map<string, AuditWrite[]>();
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (line === '') continue;
    const e = JSON.parse(line) as AuditEvent;
    const key = shardedObjectOf(e, appsNamespace, controllerNamespace);
    if (key === undefined) continue;
    const user = e.impersonatedUser?.username ?? '';
    const list = writes.get(key) ?? [];
    list.push({
      user,
      verb: e.verb ?? '',
      received: e.requestReceivedTimestamp ?? '',
      completed: e.stageTimestamp ?? '',
    });
    writes.set(key, list);
  }
  return writes;
}

export interface WriterReport {
  readonly objects: number;
  /** Objects written by more than one replica over the run (handoffs). */
  readonly handedOver: number;
  /** Changes of writer, over all objects. */
  readonly switches: number;
  readonly maxSwitches: number;
  /** A write by one replica that started before another replica's write to the same object had finished. */
  readonly overlapping: string[];
  /** Objects a replica wrote again after another replica had written them (ping-pong: two writers). */
  readonly returns: string[];
}

/** Per object: runs of one writer; at each change of writer the old one's last write ended before the new one's began. */
export function writerReport(writes: Map<string, AuditWrite[]>): WriterReport {
  let handedOver = 0;
  let switches = 0;
  let maxSwitches = 0;
  const overlapping: string[] = [];
  const returns: string[] = [];
  for (const [key, list] of writes) {
    const sorted = [...list].sort((a, b) => (a.received < b.received ? -1 : 1));
    const runs = sorted.map((w) => w.user).filter((u, i, all) => i === 0 || all[i - 1] !== u);
    if (new Set(runs).size !== runs.length) returns.push(`${key}: ${runs.join(' → ')}`);
    let count = 0;
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1];
      const current = sorted[i];
      if (!previous || !current || previous.user === current.user) continue;
      count += 1;
      // The writes before the switch, by anyone else, must all have ended before this one started.
      const lastOther = sorted
        .slice(0, i)
        .filter((w) => w.user !== current.user)
        .reduce((max, w) => (w.completed > max ? w.completed : max), '');
      if (lastOther > current.received) overlapping.push(`${key}: ${current.user} at ${current.received}`);
    }
    if (count > 0) handedOver += 1;
    switches += count;
    maxSwitches = Math.max(maxSwitches, count);
  }
  return { objects: writes.size, handedOver, switches, maxSwitches, overlapping, returns };
}

/** A GitHub-style push webhook signed with `token`. */
export async function sendWebhook(p: ControllerProcess, namespace: string, name: string, token: string) {
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  const signature = `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
  return fetch(`${p.api}/hooks/${namespace}/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
    body,
  });
}

/** Waits until every replica has answered /debug/shards (HTTP up) — readiness is not needed for sampling. */
export async function waitDebug(replicas: readonly Replica[]): Promise<void> {
  await Promise.all(
    replicas.map((r) =>
      waitFor(
        `/debug/shards of ${r.user}`,
        async () => (await shardsDebug(r.process).catch(() => undefined)) !== undefined,
        60_000,
      ),
    ),
  );
}
