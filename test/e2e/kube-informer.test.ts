// The informer against the real kube-apiserver + etcd: events, relist after 410 Gone, watchdog, reconnects, stop.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { createInformer, KubeError, KubeErrorCode, Resources, type Informer } from '@gitseal/kube';
import {
  createTestNamespace,
  crdPath,
  installCrd,
  kubeConfigFor,
  sharedControlPlane,
  waitFor,
} from '../support/index.js';

const shared = sharedControlPlane();
const fastBackoff = { baseMs: 50, maxMs: 1000, jitter: 0.5 } as const;

/** Records handler calls as short strings: `add a`, `update a 2` (the value `v`), `delete a`. */
function record<T extends KubernetesObject>(
  informer: Informer<T>,
  value: (object: T) => string = (o) => (o as V1ConfigMap).data?.v ?? '',
): string[] {
  const events: string[] = [];
  informer.onAdd((o) => void events.push(`add ${o.metadata?.name}`));
  informer.onUpdate((_, o) => void events.push(`update ${o.metadata?.name} ${value(o)}`));
  informer.onDelete((o) => void events.push(`delete ${o.metadata?.name}`));
  return events;
}

function configMap(name: string, v: string, labels?: Record<string, string>): V1ConfigMap {
  return { metadata: { name, ...(labels === undefined ? {} : { labels }) }, data: { v } };
}

async function setup(
  t: TestContext,
  prefix: string,
): Promise<{ kc: KubeConfig; namespace: string; core: CoreV1Api } | undefined> {
  const plane = shared.use(t);
  if (plane === undefined) return undefined;
  const kc: KubeConfig = kubeConfigFor(plane.kubeconfigPath);
  const namespace = await createTestNamespace(kc, prefix);
  return { kc, namespace, core: kc.makeApiClient(CoreV1Api) };
}

test('informer: initial list, then add, update and delete events; cache follows', async (t) => {
  const env = await setup(t, 'informer-events');
  if (env === undefined) return;
  const { kc, namespace, core } = env;
  await core.createNamespacedConfigMap({ namespace, body: configMap('before', '1') });
  const informer = createInformer<V1ConfigMap>({
    kubeConfig: kc,
    resource: Resources.ConfigMap,
    namespace,
    backoff: fastBackoff,
  });
  const events = record(informer);
  informer.start();
  t.after(() => informer.stop());
  await informer.waitForSync(15_000);
  assert.equal(informer.hasSynced(), true);
  assert.deepEqual(events, ['add before']);
  assert.equal(informer.get(`${namespace}/before`)?.kind, 'ConfigMap', 'listed items carry their kind');

  await core.createNamespacedConfigMap({ namespace, body: configMap('live', '1') });
  await waitFor('add live', () => events.includes('add live'));
  await core.replaceNamespacedConfigMap({ name: 'live', namespace, body: configMap('live', '2') });
  await waitFor('update live 2', () => events.includes('update live 2'));
  assert.equal(informer.get(`${namespace}/live`)?.data?.v, '2');
  await core.deleteNamespacedConfigMap({ name: 'live', namespace });
  await waitFor('delete live', () => events.includes('delete live'));
  assert.deepEqual(events, ['add before', 'add live', 'update live 2', 'delete live']);
  assert.deepEqual(informer.keys(), [`${namespace}/before`]);
  assert.equal(informer.stats().relistsAfterGone, 0);

  // reshape: the cached object is replaced in place (a leaner form), without an event; a missing key is a no-op.
  informer.reshape(`${namespace}/before`, (cached) => ({ ...cached, data: { v: 'lean' } }));
  informer.reshape(`${namespace}/absent`, () => assert.fail('not called for a key that is not cached'));
  assert.equal(informer.get(`${namespace}/before`)?.data?.v, 'lean');
  assert.equal(informer.get(`${namespace}/absent`), undefined);
  assert.deepEqual(events, ['add before', 'add live', 'update live 2', 'delete live'], 'no event');
  // The next watch event replaces it with the object as served.
  await core.replaceNamespacedConfigMap({ name: 'before', namespace, body: configMap('before', '3') });
  await waitFor('update before 3', () => events.includes('update before 3'));
  assert.equal(informer.get(`${namespace}/before`)?.data?.v, '3');
});

test('informer: a label selector limits the cache and the events', async (t) => {
  const env = await setup(t, 'informer-selector');
  if (env === undefined) return;
  const { kc, namespace, core } = env;
  const informer = createInformer<V1ConfigMap>({
    kubeConfig: kc,
    resource: Resources.ConfigMap,
    namespace,
    labelSelector: 'app=wanted',
    backoff: fastBackoff,
  });
  const events = record(informer);
  informer.start();
  t.after(() => informer.stop());
  await informer.waitForSync(15_000);
  await core.createNamespacedConfigMap({ namespace, body: configMap('other', '1', { app: 'other' }) });
  await core.createNamespacedConfigMap({ namespace, body: configMap('wanted', '1', { app: 'wanted' }) });
  await waitFor('add wanted', () => events.includes('add wanted'));
  assert.deepEqual(events, ['add wanted']);
  assert.deepEqual(informer.keys(), [`${namespace}/wanted`]);
});

interface SealedSecret extends KubernetesObject {
  spec: { encryptedData: Record<string, string> };
}

function sealedSecret(namespace: string, name: string, v: string, resourceVersion?: string): SealedSecret {
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: { encryptedData: { v } },
  };
}

let crd: Promise<unknown> | undefined;

test('informer: a watch from a too-old resourceVersion gets 410, relists and converges', async (t) => {
  const env = await setup(t, 'informer-gone');
  if (env === undefined) return;
  const { kc, namespace } = env;
  // A CRD's watch cache starts when the CRD is established, so resourceVersion 1 is older than its window.
  crd ??= installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await crd;
  const api = kc.makeApiClient(CustomObjectsApi);
  const target = { group: 'gitseal.dev', version: 'v1alpha1', namespace, plural: 'sealedsecrets' };
  const create = async (name: string, v: string): Promise<SealedSecret> =>
    (await api.createNamespacedCustomObject({ ...target, body: sealedSecret(namespace, name, v) })) as SealedSecret;
  const keep = await create('keep', 'AQ==');
  const stale = await create('change', 'AQ==');
  await api.replaceNamespacedCustomObject({
    ...target,
    name: 'change',
    body: { ...stale, spec: { encryptedData: { v: 'Ag==' } } },
  });
  await create('new', 'AQ==');
  // A snapshot from long ago: `keep` is current, `change` is outdated, `ghost` was deleted since and `new` is missing.
  const informer = createInformer<SealedSecret>({
    kubeConfig: kc,
    resource: Resources.SealedSecret,
    namespace,
    backoff: fastBackoff,
    resumeFrom: { resourceVersion: '1', objects: [keep, stale, sealedSecret(namespace, 'ghost', 'AQ==', '2')] },
  });
  const events = record(informer, (o) => o.spec.encryptedData.v ?? '');
  informer.start();
  t.after(() => informer.stop());
  await waitFor('a relist after 410', () => informer.stats().relistsAfterGone >= 1 && informer.stats().lists >= 1);
  await waitFor('relist events', () => events.length >= 3);
  assert.deepEqual([...events].sort(), ['add new', 'delete ghost', 'update change Ag==']);
  assert.deepEqual(informer.keys().sort(), [`${namespace}/change`, `${namespace}/keep`, `${namespace}/new`]);
  assert.equal(informer.get(`${namespace}/change`)?.spec.encryptedData.v, 'Ag==');

  // And the watch that follows the relist works.
  await create('after', 'AQ==');
  await waitFor('add after', () => events.includes('add after'));
  assert.equal(informer.stats().relistsAfterGone, 1);
});

test('informer: the watchdog restarts a quiet watch and events keep flowing', async (t) => {
  const env = await setup(t, 'informer-watchdog');
  if (env === undefined) return;
  const { kc, namespace, core } = env;
  const informer = createInformer<V1ConfigMap>({
    kubeConfig: kc,
    resource: Resources.ConfigMap,
    namespace,
    backoff: fastBackoff,
    watchdogMs: 700,
    watchTimeoutSeconds: 600,
  });
  const events = record(informer);
  informer.start();
  t.after(() => informer.stop());
  await informer.waitForSync(15_000);
  await waitFor('two watchdog restarts', () => informer.stats().watchdogRestarts >= 2);
  const { watches, lists } = informer.stats();
  assert.equal(lists, 1, 'a watchdog restart resumes the watch, it does not relist');
  assert.ok(watches >= 2, `watches ${watches}`);
  await core.createNamespacedConfigMap({ namespace, body: configMap('late', '1') });
  await waitFor('add late', () => events.includes('add late'));
});

test('informer: server-side watch timeouts reconnect with backoff, never in a tight loop', async (t) => {
  const env = await setup(t, 'informer-reconnect');
  if (env === undefined) return;
  const { kc, namespace, core } = env;
  const informer = createInformer<V1ConfigMap>({
    kubeConfig: kc,
    resource: Resources.ConfigMap,
    namespace,
    backoff: { baseMs: 200, maxMs: 400, jitter: 0 },
    watchTimeoutSeconds: 1,
  });
  const events = record(informer);
  informer.start();
  t.after(() => informer.stop());
  await informer.waitForSync(15_000);
  const started = Date.now();
  await sleep(3000);
  const { watches } = informer.stats();
  const elapsed = Date.now() - started;
  // Each watch lasts about 1 s plus at least 200 ms of backoff.
  assert.ok(watches >= 2, `only ${watches} watches in ${elapsed} ms: the informer did not reconnect`);
  assert.ok(watches <= Math.ceil(elapsed / 1000) + 2, `${watches} watches in ${elapsed} ms: too many reconnects`);
  await core.createNamespacedConfigMap({ namespace, body: configMap('still', '1') });
  await waitFor('add still', () => events.includes('add still'));
});

test('informer: stop() ends the watch; no events after, and waitForSync on a stopped informer rejects', async (t) => {
  const env = await setup(t, 'informer-stop');
  if (env === undefined) return;
  const { kc, namespace, core } = env;
  const informer = createInformer<V1ConfigMap>({
    kubeConfig: kc,
    resource: Resources.ConfigMap,
    namespace,
    backoff: fastBackoff,
  });
  const events = record(informer);
  informer.start();
  await informer.waitForSync(15_000);
  await core.createNamespacedConfigMap({ namespace, body: configMap('one', '1') });
  await waitFor('add one', () => events.includes('add one'));
  await informer.stop();
  const watchesAtStop = informer.stats().watches;
  await core.createNamespacedConfigMap({ namespace, body: configMap('two', '1') });
  await sleep(1000);
  assert.deepEqual(events, ['add one']);
  assert.equal(informer.stats().watches, watchesAtStop, 'no reconnect after stop');

  const never = createInformer<V1ConfigMap>({ kubeConfig: kc, resource: Resources.ConfigMap, namespace });
  await never.stop();
  await assert.rejects(
    never.waitForSync(1000),
    (err: unknown) => err instanceof KubeError && err.code === KubeErrorCode.Stopped,
  );
});
