// Server-side apply, status writes, events and Lease-based leader election against the real kube-apiserver + etcd.
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  V1MicroTime,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import {
  createRawApplier,
  deleteObject,
  EventRecorder,
  isConflict,
  KubeError,
  KubeErrorCode,
  LeaderElector,
  makeCustomObjectsApi,
  makeObjectApi,
  patchStatus,
  readObject,
  setCondition,
  type Condition,
} from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import {
  createTestNamespace,
  crdPath,
  installCrd,
  kubeConfigFor,
  sharedControlPlane,
  waitFor,
} from '../support/index.js';

const shared = sharedControlPlane();

async function setup(t: TestContext, prefix: string): Promise<{ kc: KubeConfig; namespace: string } | undefined> {
  const plane = shared.use(t);
  if (plane === undefined) return undefined;
  const kc = kubeConfigFor(plane.kubeconfigPath);
  return { kc, namespace: await createTestNamespace(kc, prefix) };
}

/** Server-side apply through @gitseal/kube's one apply stack (the sync engine's), the object as stored. */
async function apply<T extends KubernetesObject>(
  kc: KubeConfig,
  object: T,
  options: { fieldManager?: string; force?: boolean; dryRun?: boolean } = {},
): Promise<T> {
  return (await createRawApplier(kc, options).apply(object as unknown as KubeObject)) as unknown as T;
}

function configMap(namespace: string, data: Record<string, string>): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace }, data };
}

test('server-side apply: create, no-op, update, dry run, read and delete', async (t) => {
  const env = await setup(t, 'ssa');
  if (env === undefined) return;
  const { kc, namespace } = env;
  const client = makeObjectApi(kc);

  const created = await apply(kc, configMap(namespace, { a: '1' }));
  const firstVersion = created.metadata?.resourceVersion;
  assert.ok(firstVersion !== undefined);
  assert.deepEqual(created.data, { a: '1' });
  assert.ok(created.metadata?.managedFields?.some((f) => f.manager === 'gitseal' && f.operation === 'Apply'));

  const again = await apply(kc, configMap(namespace, { a: '1' }));
  assert.equal(again.metadata?.resourceVersion, firstVersion, 'the same apply is a no-op');

  const dry = await apply(kc, configMap(namespace, { a: 'dry' }), { dryRun: true });
  assert.equal(dry.data?.a, 'dry');
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace } };
  const afterDry = await readObject<V1ConfigMap>(client, ref);
  assert.equal(afterDry?.data?.a, '1', 'a dry run persists nothing');

  const updated = await apply(kc, configMap(namespace, { a: '2', b: '3' }));
  assert.notEqual(updated.metadata?.resourceVersion, firstVersion);
  const read = await readObject<V1ConfigMap>(client, ref);
  assert.deepEqual(read?.data, { a: '2', b: '3' });

  // Applying without a field drops it: the manager owns the whole applied set.
  const pruned = await apply(kc, configMap(namespace, { a: '2' }));
  assert.deepEqual(pruned.data, { a: '2' });

  assert.equal(await deleteObject(client, ref), true);
  assert.equal(await readObject(client, ref), undefined);
  assert.equal(await deleteObject(client, ref), false);
});

test('server-side apply: a field owned by another manager conflicts unless forced', async (t) => {
  const env = await setup(t, 'ssa-conflict');
  if (env === undefined) return;
  const { kc, namespace } = env;
  await apply(kc, configMap(namespace, { owner: 'other' }), { fieldManager: 'someone-else' });
  const err = await apply(kc, configMap(namespace, { owner: 'gitseal' }), { force: false }).then(
    () => assert.fail('expected a conflict'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof KubeError);
  assert.equal(err.status, 409);
  assert.equal(isConflict(err), true);
  assert.match(err.message, /^apply ConfigMap [a-z0-9-]+\/settings: conflict \(409\)/);
  const forced = await apply(kc, configMap(namespace, { owner: 'gitseal' }));
  assert.equal(forced.data?.owner, 'gitseal');
});

test('server-side apply of an unknown kind is a clear INVALID_OBJECT error', async (t) => {
  const env = await setup(t, 'ssa-unknown');
  if (env === undefined) return;
  for (const apiVersion of ['example.com/v1', 'v1']) {
    const object = { apiVersion, kind: 'Nope', metadata: { name: 'x', namespace: env.namespace } };
    await assert.rejects(apply(env.kc, object), (err: unknown) => {
      assert.ok(err instanceof KubeError);
      assert.equal(err.code, KubeErrorCode.InvalidObject);
      assert.match(err.message, /^apply Nope [a-z0-9-]+\/x: kind not served by the API server$/);
      return true;
    });
  }
});

test('server-side apply with mayWrite: no write once it says no (dry runs and reads still go)', async (t) => {
  const env = await setup(t, 'ssa-fence');
  if (env === undefined) return;
  const { kc, namespace } = env;
  let leading = true;
  const applier = createRawApplier(kc, { mayWrite: () => leading });
  await applier.apply(configMap(namespace, { a: '1' }) as unknown as KubeObject);
  leading = false;
  const dry = await applier.apply(configMap(namespace, { a: 'dry' }) as unknown as KubeObject, { dryRun: true });
  assert.equal((dry as unknown as V1ConfigMap).data?.a, 'dry');
  await assert.rejects(applier.apply(configMap(namespace, { a: '2' }) as unknown as KubeObject), (error: unknown) => {
    assert.ok(error instanceof KubeError);
    assert.equal(error.code, KubeErrorCode.Stopped);
    assert.equal(
      error.message,
      `apply ConfigMap ${namespace}/settings: not written: this replica is no longer the leader`,
    );
    return true;
  });
  const hook = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'hook-', namespace } };
  await assert.rejects(applier.create?.(hook) ?? Promise.reject(new Error('no create')), /: not written: /);
  const live = (await applier.read(configMap(namespace, {}) as unknown as unknown as KubeObject)) as unknown as
    V1ConfigMap | undefined;
  assert.deepEqual(live?.data, { a: '1' }, 'neither the refused apply nor the dry run changed the object');
  const all = await kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace });
  assert.deepEqual(
    all.items.map((c) => c.metadata?.name).filter((n) => n !== 'kube-root-ca.crt'),
    ['settings'],
    'the refused create made nothing',
  );
});

interface SealedSecret extends KubernetesObject {
  spec: { encryptedData: Record<string, string> };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

test('status: merge-patch conditions on the status subresource of a custom object', async (t) => {
  const env = await setup(t, 'status');
  if (env === undefined) return;
  const { kc, namespace } = env;
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  const applied = await apply<SealedSecret>(kc, {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db', namespace },
    spec: { encryptedData: { password: 'AQ==' } },
  });
  const generation = applied.metadata?.generation ?? 0;
  const target = { group: 'gitseal.dev', version: 'v1alpha1', plural: 'sealedsecrets', namespace, name: 'db' };
  const conditions = setCondition(
    [],
    { type: 'Synced', status: 'False', reason: 'Pending', message: 'waiting', observedGeneration: generation },
    new Date('2025-01-01T00:00:00Z'),
  );
  const api = makeCustomObjectsApi(kc);
  const first = await patchStatus<SealedSecret>(api, target, { observedGeneration: generation, conditions });
  assert.equal(first.status?.conditions?.[0]?.reason, 'Pending');
  assert.equal(first.status?.conditions?.[0]?.lastTransitionTime, '2025-01-01T00:00:00Z');
  assert.deepEqual(first.spec, applied.spec, 'status writes leave spec alone');

  const next = setCondition(first.status?.conditions, {
    type: 'Synced',
    status: 'True',
    reason: 'Unsealed',
    message: '',
  });
  const second = await patchStatus<SealedSecret>(api, target, { conditions: next });
  assert.equal(second.status?.conditions?.length, 1);
  assert.equal(second.status?.conditions?.[0]?.status, 'True');
  assert.equal(second.status?.observedGeneration, generation, 'fields not named in the patch stay');

  const stale = await patchStatus(api, target, { conditions: [] }, { resourceVersion: '1' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(stale instanceof KubeError && isConflict(stale), 'a stale resourceVersion is refused');
});

test('events: a repeated event is aggregated into one Event with a count', async (t) => {
  const env = await setup(t, 'events');
  if (env === undefined) return;
  const { kc, namespace } = env;
  const core = kc.makeApiClient(CoreV1Api);
  const cm = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'subject' } } });
  const recorder = new EventRecorder({ kubeConfig: kc, component: 'gitseal-test' });
  const input = {
    involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'subject', namespace, uid: cm.metadata?.uid },
    type: 'Warning',
    reason: 'SomethingOdd',
    message: 'it happened',
  } as const;
  await recorder.record(input);
  await recorder.record(input);
  await recorder.record({ ...input, reason: 'SomethingElse' });
  const events = (await core.listNamespacedEvent({ namespace })).items;
  const odd = events.filter((e) => e.reason === 'SomethingOdd');
  assert.equal(odd.length, 1);
  assert.equal(odd[0]?.count, 2);
  assert.equal(odd[0]?.involvedObject.uid, cm.metadata?.uid);
  assert.equal(odd[0]?.source?.component, 'gitseal-test');
  assert.equal(events.filter((e) => e.reason === 'SomethingElse').length, 1);
});

function elector(kc: KubeConfig, namespace: string, identity: string, log: string[]): LeaderElector {
  return new LeaderElector({
    kubeConfig: kc,
    namespace,
    name: 'gitseal-leader',
    identity,
    // A long lease: a takeover faster than this proves release() handed the lease back.
    leaseDurationSeconds: 20,
    renewDeadlineMs: 3_000,
    retryPeriodMs: 200,
    onStartedLeading: () => void log.push(`${identity} started`),
    onStoppedLeading: () => void log.push(`${identity} stopped`),
  });
}

test('leader election: two electors, exactly one leader; release hands over at once', async (t) => {
  const env = await setup(t, 'lease');
  if (env === undefined) return;
  const { kc, namespace } = env;
  const log: string[] = [];
  const a = elector(kc, namespace, 'replica-a', log);
  const b = elector(kc, namespace, 'replica-b', log);
  t.after(() => Promise.all([a.release(), b.release()]));
  a.start();
  b.start();
  await waitFor('a leader', () => a.isLeader() || b.isLeader());
  for (let i = 0; i < 10; i += 1) {
    assert.equal(Number(a.isLeader()) + Number(b.isLeader()), 1, 'exactly one leader');
    await sleep(100);
  }
  const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
  assert.equal(follower.observedLeader, leader.identity);
  const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'gitseal-leader', namespace });
  assert.equal(lease.spec?.holderIdentity, leader.identity);
  assert.equal(lease.spec?.leaseDurationSeconds, 20);

  const releasedAt = Date.now();
  await leader.release();
  assert.equal(leader.isLeader(), false);
  assert.ok(log.includes(`${leader.identity} stopped`));
  await waitFor('the follower to take over', () => follower.isLeader(), 5_000);
  const takeoverMs = Date.now() - releasedAt;
  assert.ok(takeoverMs < 5_000, `takeover took ${takeoverMs} ms`);
  const after = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'gitseal-leader', namespace });
  assert.equal(after.spec?.holderIdentity, follower.identity);
  assert.equal(after.spec?.leaseTransitions, 0, 'taking a released (empty) lease is not a transition');
  assert.deepEqual(log, [`${leader.identity} started`, `${leader.identity} stopped`, `${follower.identity} started`]);
});

test('leader election: an expired lease of a dead holder is taken over; a live one is not', async (t) => {
  const env = await setup(t, 'lease-expired');
  if (env === undefined) return;
  const { kc, namespace } = env;
  const leases = kc.makeApiClient(CoordinationV1Api);
  const longAgo = new V1MicroTime(Date.now() - 60_000);
  await leases.createNamespacedLease({
    namespace,
    body: {
      metadata: { name: 'gitseal-leader' },
      spec: { holderIdentity: 'dead', leaseDurationSeconds: 20, renewTime: longAgo, acquireTime: longAgo },
    },
  });
  const log: string[] = [];
  const c = elector(kc, namespace, 'replica-c', log);
  t.after(() => c.release());
  c.start();
  await waitFor('takeover of the expired lease', () => c.isLeader());
  const lease = await leases.readNamespacedLease({ name: 'gitseal-leader', namespace });
  assert.equal(lease.spec?.holderIdentity, 'replica-c');
  assert.equal(lease.spec?.leaseTransitions, 1);

  // A live holder keeps the lease: a second elector stays a follower while c renews.
  const d = elector(kc, namespace, 'replica-d', log);
  t.after(() => d.release());
  d.start();
  await sleep(1500);
  assert.equal(d.isLeader(), false);
  assert.equal(c.isLeader(), true);
  assert.equal(d.observedLeader, 'replica-c');
});

test('leader election: a leader whose lease was taken stops leading at its next renew', async (t) => {
  const env = await setup(t, 'lease-lost');
  if (env === undefined) return;
  const { kc, namespace } = env;
  const log: string[] = [];
  const e = elector(kc, namespace, 'replica-e', log);
  t.after(() => e.release());
  e.start();
  await waitFor('leading', () => e.isLeader());
  // Someone else grabs the lease behind e's back (as after a long pause): e sees it on its next renew.
  const leases = kc.makeApiClient(CoordinationV1Api);
  const lease = await leases.readNamespacedLease({ name: 'gitseal-leader', namespace });
  const now = new V1MicroTime(Date.now());
  lease.spec = { ...lease.spec, holderIdentity: 'intruder', renewTime: now, acquireTime: now };
  await leases.replaceNamespacedLease({ name: 'gitseal-leader', namespace, body: lease });
  const grabbedAt = Date.now();
  await waitFor('e to stop leading', () => !e.isLeader(), 5_000);
  assert.ok(Date.now() - grabbedAt < 3_000, 'within the renew deadline');
  assert.deepEqual(log, ['replica-e started', 'replica-e stopped']);
});

interface CuttableProxy {
  readonly server: string;
  /** Drops every open connection; new ones are accepted and never answered (a black hole). */
  cut(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of the API server, so one client can lose its network while the server stays up. */
async function startCuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let blackHole = false;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (blackHole) return;
    const upstream = connect(Number(port), hostname);
    track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    server: `https://127.0.0.1:${address.port}`,
    cut() {
      blackHole = true;
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

test('leader election: a leader that cannot reach the API server stops leading by the renew deadline', async (t) => {
  const env = await setup(t, 'lease-deadline');
  if (env === undefined) return;
  const { kc, namespace } = env;
  const proxy = await startCuttableProxy(kc.getCurrentCluster()?.server ?? '');
  t.after(() => proxy.close());
  const viaProxy = new KubeConfig();
  viaProxy.loadFromOptions({
    clusters: kc.clusters.map((cluster) => ({ ...cluster, server: proxy.server })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  const log: string[] = [];
  const f = elector(viaProxy, namespace, 'replica-f', log);
  t.after(() => f.release());
  f.start();
  await waitFor('leading', () => f.isLeader());
  await sleep(500); // a few renewals through the proxy
  assert.equal(f.isLeader(), true);
  proxy.cut();
  const cutAt = Date.now();
  await waitFor('f to stop leading', () => !f.isLeader(), 6_000);
  const lostAfterMs = Date.now() - cutAt;
  assert.ok(lostAfterMs <= 3_000 + 500, `stopped leading ${lostAfterMs} ms after the cut (deadline 3000 ms)`);
  await waitFor('onStoppedLeading', () => log.includes('replica-f stopped'), 1_000);
  // The stop was local: the lease still names f until it expires, so nobody else writes meanwhile.
  const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'gitseal-leader', namespace });
  assert.equal(lease.spec?.holderIdentity, 'replica-f');
});
