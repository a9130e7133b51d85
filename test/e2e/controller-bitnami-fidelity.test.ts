// Migration fidelity with --bitnami-compat, against the real kube-apiserver + etcd and the controller as a
// process: Sprig templates, Bitnami's Secret annotations, its metric names and Event reasons, a newest-key age
// that moves, a restart that costs no RSA for objects that keep failing, and kubeseal's habits (a verify body
// without a JSON content type, --secret-file, --allow-empty-data, SEALED_SECRETS_* defaults).
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { Envelope, Scope } from '@gitseal/crypto';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { assertNoMarkers, makeTempDir, loadVectorKeys, runCli, type VectorKey } from './cli-harness.js';
import {
  allControllerOutput,
  b64,
  Cluster,
  condition,
  metricSum,
  metricValue,
  scrape,
  sealItems,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
  type SealedSecretObject,
} from './controller-harness.js';

const BITNAMI = 'bitnami.com/v1alpha1';
const SKIP = 'sealedsecrets.bitnami.com/skip-set-owner-references';
const PATCH = 'sealedsecrets.bitnami.com/patch';
const MANAGED = 'sealedsecrets.bitnami.com/managed';
const plane = sharedControlPlane();
const PASSWORD = 'fidelity-Pa55word-7c1e';
const USER = 'fidelity-admin-4d2b';
const markers = [PASSWORD, USER];

let cluster: Cluster;
let kubeconfigPath: string;
let controller: ControllerProcess;
let controllerNs: string;
let ns: string;
let key1: VectorKey;
let setup: Promise<void> | undefined;

function compatArgs(): string[] {
  return ['--namespace', controllerNs, '--bitnami-compat', '--key-size', '2048', '--rsa-workers', '1'];
}

/** One compat controller for the file, holding only Bitnami's key1 (imported from a labelled Secret). */
async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    kubeconfigPath = cp.kubeconfigPath;
    const kc = kubeConfigFor(kubeconfigPath);
    cluster = new Cluster(kc);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    await installCrd(kc, crdPath('compat/sealedsecrets.bitnami.com.yaml'));
    controllerNs = await createTestNamespace(kc, 'fidelity-system');
    ns = await createTestNamespace(kc, 'fidelity');
    const found = (await loadVectorKeys()).find((k) => k.name === 'key1');
    assert.ok(found);
    key1 = found;
    await cluster.core.createNamespacedSecret({
      namespace: controllerNs,
      body: {
        metadata: {
          name: 'sealed-secrets-keyfidel',
          labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' },
        },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(key1.certPem), 'tls.key': b64(key1.keyPem) },
      },
    });
    controller = await startControllerProcess(kubeconfigPath, compatArgs());
  })();
  await setup;
  return true;
}

after(async () => {
  await stopAllControllers();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
});

/** A bitnami.com SealedSecret in `ns`, its items sealed (v1, strict) for `sealedFor` (default: its own name). */
function bitnamiObject(
  name: string,
  items: Record<string, string>,
  template: Record<string, unknown> = {},
  sealedFor = name,
): SealedSecretObject {
  return {
    apiVersion: BITNAMI,
    kind: 'SealedSecret',
    metadata: { name, namespace: ns },
    spec: { encryptedData: sealItems(key1.certPem, Scope.Strict, ns, sealedFor, items, Envelope.V1), template },
  };
}

async function waitSynced(name: string, status: 'True' | 'False'): Promise<SealedSecretObject> {
  return cluster.waitStatus(ns, name, (o) => condition(o, 'Synced')?.status === status, BITNAMI);
}

async function eventReasons(name: string): Promise<string[]> {
  const events = await cluster.core.listNamespacedEvent({
    namespace: ns,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return events.items.map((e) => e.reason ?? '');
}

const text = (value: string | undefined): string => Buffer.from(value ?? '', 'base64').toString('utf8');

test('templates run with Sprig functions as in Bitnami; env is refused by name, without the values', async (t) => {
  if (!(await ready(t))) return;
  const object = bitnamiObject(
    'templated',
    { user: USER, password: PASSWORD },
    {
      type: 'kubernetes.io/basic-auth',
      data: {
        auth: '{{ printf "%s:%s" .user .password | b64enc }}',
        'config.yaml': 'user: {{ .user | upper | quote }}\nhost: {{ .host | default "db.local" }}\n',
        digest: '{{ sha256sum .password | trunc 12 }}',
      },
    },
  );
  await cluster.createSealed(object);
  await waitSynced('templated', 'True');
  const secret = await cluster.readSecret(ns, 'templated');
  assert.equal(text(secret?.data?.auth), b64(`${USER}:${PASSWORD}`));
  assert.equal(text(secret?.data?.['config.yaml']), `user: "${USER.toUpperCase()}"\nhost: db.local\n`);
  assert.match(text(secret?.data?.digest), /^[0-9a-f]{12}$/);
  assert.equal(text(secret?.data?.password), PASSWORD);
  assert.equal(secret?.type, 'kubernetes.io/basic-auth');

  await cluster.createSealed(bitnamiObject('leaky', { password: PASSWORD }, { data: { x: '{{ env "HOME" }}' } }));
  const failed = await waitSynced('leaky', 'False');
  const synced = condition(failed, 'Synced');
  assert.equal(synced?.reason, 'InvalidSealedSecret');
  assert.match(synced?.message ?? '', /spec\.template\.data\.x: column \d+: function "env" is not available/);
  assert.equal(await cluster.readSecret(ns, 'leaky'), undefined);
  assert.deepEqual(
    await waitFor('ErrUnsealFailed event', async () => {
      const reasons = await eventReasons('leaky');
      return reasons.includes('ErrUnsealFailed') ? reasons : undefined;
    }),
    ['ErrUnsealFailed'],
  );
  assert.ok((await eventReasons('templated')).includes('Unsealed'));
});

test('skip-set-owner-references, patch and managed shape the Secret as Bitnami does', async (t) => {
  if (!(await ready(t))) return;
  // skip-set-owner-references: a Secret without ownerReference, still Synced after another reconcile.
  await cluster.createSealed(
    bitnamiObject('independent', { password: PASSWORD }, { metadata: { annotations: { [SKIP]: 'true' } } }),
  );
  await waitSynced('independent', 'True');
  const independent = await cluster.readSecret(ns, 'independent');
  assert.equal(independent?.metadata?.ownerReferences, undefined);
  assert.equal(independent?.metadata?.annotations?.[SKIP], 'true');

  // patch: the existing Secret keeps its own keys, labels and owner; ours are added or replaced.
  await cluster.core.createNamespacedSecret({
    namespace: ns,
    body: {
      metadata: { name: 'patched', annotations: { [PATCH]: 'true' }, labels: { team: 'payments' } },
      data: { keep: b64('kept'), password: b64('old') },
    },
  });
  await cluster.createSealed(
    bitnamiObject('patched', { password: PASSWORD }, { metadata: { labels: { app: 'api' } } }),
  );
  const patched = await cluster.waitSecretData(ns, 'patched', { keep: b64('kept'), password: b64(PASSWORD) });
  assert.equal(patched.metadata?.labels?.team, 'payments');
  assert.equal(patched.metadata?.labels?.app, 'api');
  assert.equal(patched.metadata?.ownerReferences, undefined, 'patch alone does not take ownership');

  // patch + managed: merged, and now owned by the SealedSecret.
  await cluster.core.createNamespacedSecret({
    namespace: ns,
    body: {
      metadata: { name: 'adopted', annotations: { [PATCH]: 'true', [MANAGED]: 'true' } },
      data: { keep: b64('kept') },
    },
  });
  const adoptedObject = await cluster.createSealed(bitnamiObject('adopted', { password: PASSWORD }));
  const adopted = await cluster.waitSecretData(ns, 'adopted', { keep: b64('kept'), password: b64(PASSWORD) });
  assert.equal(adopted.metadata?.ownerReferences?.[0]?.uid, adoptedObject.metadata.uid);
  assert.equal((await waitSynced('patched', 'True')).metadata.name, 'patched');
});

test("Bitnami's metric names are exported in compat mode (and only there)", async (t) => {
  if (!(await ready(t))) return;
  await cluster.createSealed(bitnamiObject('broken', { password: PASSWORD }, {}, 'someone-else'));
  await waitSynced('broken', 'False');
  const body = await waitFor('Bitnami metrics', async () => {
    const metrics = await scrape(controller);
    return metrics.includes(`sealed_secrets_controller_condition_info{namespace="${ns}",name="broken"`)
      ? metrics
      : undefined;
  });
  assert.ok((await metricValue(controller, 'sealed_secrets_controller_unseal_requests_total')) >= 2);
  assert.ok(
    (await metricValue(
      controller,
      'sealed_secrets_controller_unseal_errors_total',
      `{reason="unseal",namespace="${ns}"}`,
    )) >= 1,
  );
  const info = (name: string) => `{namespace="${ns}",name="${name}",condition="Synced"}`;
  assert.equal(await metricValue(controller, 'sealed_secrets_controller_condition_info', info('broken')), -1);
  await waitSynced('templated', 'True');
  assert.equal(await metricValue(controller, 'sealed_secrets_controller_condition_info', info('templated')), 1);
  assert.match(body, /^sealed_secrets_controller_build_info\{revision="[^"]+"\} 1$/m);
  assert.match(body, /^gitseal_unseal_results_total\{/m, 'gitseal_* metrics stay');
  assert.ok((await eventReasons('broken')).includes('ErrUnsealFailed'));

  const plainNs = await createTestNamespace(cluster.kc, 'fidelity-plain');
  const plain = await startControllerProcess(kubeconfigPath, ['--namespace', plainNs, '--key-size', '2048']);
  try {
    assert.doesNotMatch(await scrape(plain), /sealed_secrets_controller_/);
  } finally {
    assert.equal(await plain.stop(), 0);
  }
});

test('gitseal_newest_key_age_seconds moves with the clock', async (t) => {
  if (!(await ready(t))) return;
  const first = await metricValue(controller, 'gitseal_newest_key_age_seconds');
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const second = await metricValue(controller, 'gitseal_newest_key_age_seconds');
  assert.ok(second - first >= 2 && second - first < 10, `${first} → ${second}`);
});

test('/v1/verify answers a kubeseal-style body: YAML or JSON without a JSON content type', async (t) => {
  if (!(await ready(t))) return;
  const object = bitnamiObject('verify-me', { password: PASSWORD });
  const yaml = [
    `apiVersion: ${BITNAMI}`,
    'kind: SealedSecret',
    `metadata: {name: verify-me, namespace: ${ns}}`,
    `spec: {encryptedData: {password: "${object.spec.encryptedData.password}"}}`,
  ].join('\n');
  const post = (body: string) =>
    fetch(`${controller.api}/v1/verify`, { method: 'POST', body: Buffer.from(body) }).then((r) => r.status);
  assert.equal(await post(yaml), 200);
  assert.equal(await post(JSON.stringify(object)), 200);
  assert.equal(await post(yaml.replace('name: verify-me', 'name: moved')), 409);
});

test('kubeseal habits: --secret-file, --allow-empty-data and SEALED_SECRETS_* defaults; --validate', async (t) => {
  if (!(await ready(t))) return;
  const { dir, cleanup } = await makeTempDir();
  try {
    const certPath = join(dir, 'cert.pem');
    await writeFile(certPath, key1.certPem);
    const secretPath = join(dir, 'secret.yaml');
    await writeFile(
      secretPath,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: habits, namespace: ${ns}}\nstringData: {password: ${PASSWORD}}\n`,
    );
    const env = {
      SEALED_SECRETS_CERT: certPath,
      SEALED_SECRETS_FORMAT: 'json',
      SEALED_SECRETS_SCOPE: 'namespace-wide',
    };
    const sealed = await runCli(['--secret-file', secretPath, '--api-version', BITNAMI], { env });
    assert.equal(sealed.code, 0, sealed.stderr);
    const object = JSON.parse(sealed.stdout) as SealedSecretObject;
    assert.equal(object.metadata.annotations?.['sealedsecrets.bitnami.com/namespace-wide'], 'true');
    await cluster.createSealed(object);
    await cluster.waitSecretData(ns, 'habits', { password: b64(PASSWORD) });

    const sealedPath = join(dir, 'sealed.json');
    await writeFile(sealedPath, sealed.stdout);
    const validated = await runCli(['--validate', '--controller-url', controller.api, '--secret-file', sealedPath]);
    assert.equal(validated.code, 0, validated.stderr);

    const emptyPath = join(dir, 'empty.yaml');
    await writeFile(emptyPath, `apiVersion: v1\nkind: Secret\nmetadata: {name: empty, namespace: ${ns}}\n`);
    const refused = await runCli(['--secret-file', emptyPath], { env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /has no data and no stringData \(pass --allow-empty-data/);
    const allowed = await runCli(['--secret-file', emptyPath, '--allow-empty-data', '--api-version', BITNAMI], { env });
    assert.equal(allowed.code, 0, allowed.stderr);
    const empty = JSON.parse(allowed.stdout) as SealedSecretObject;
    assert.deepEqual(empty.spec.encryptedData, {});
    // As with Bitnami, an object with no items makes a Secret of its template's data alone.
    empty.spec.template = { ...empty.spec.template, data: { greeting: 'hello {{ "world" | upper }}' } };
    await cluster.createSealed(empty);
    await cluster.waitSecretData(ns, 'empty', { greeting: b64('hello WORLD') });
    const verified = await fetch(`${controller.api}/v1/verify`, { method: 'POST', body: Buffer.from(allowed.stdout) });
    assert.equal(verified.status, 200);
    const byEnv = await runCli(['--secret-file', emptyPath], {
      env: { ...env, SEALED_SECRETS_ALLOW_EMPTY_DATA: 'true' },
    });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assertNoMarkers(`${validated.stdout}${validated.stderr}${sealed.stderr}`, markers, 'CLI output');
    assert.ok(!(await readFile(sealedPath, 'utf8')).includes(PASSWORD));
  } finally {
    await cleanup();
  }
});

test('a restart costs no RSA work for objects that keep failing (their checksum is in status)', async (t) => {
  if (!(await ready(t))) return;
  const names = Array.from({ length: 7 }, (_, i) => `failing-${i}`);
  for (const name of names) await cluster.createSealed(bitnamiObject(name, { a: PASSWORD, b: USER }, {}, 'elsewhere'));
  for (const name of names) {
    const failed = await cluster.waitStatus(
      ns,
      name,
      (o) =>
        condition(o, 'Synced')?.status === 'False' &&
        typeof (o.status as { failedChecksum?: unknown }).failedChecksum === 'string',
      BITNAMI,
    );
    assert.match((failed.status as { failedChecksum?: string }).failedChecksum ?? '', /^sha256:[0-9a-f]{64}$/);
  }
  assert.equal(await controller.stop(), 0);
  controller = await startControllerProcess(kubeconfigPath, compatArgs());
  // Every object of the file is looked at again: the failing ones, the template that fails, the intact ones.
  await waitFor(
    'the failing objects reconciled again',
    async () =>
      (await metricValue(controller, 'gitseal_unseal_results_total', '{reason="UnsealFailed"}')) >= names.length,
  );
  const listed = (await cluster.custom.listNamespacedCustomObject({
    group: 'bitnami.com',
    version: 'v1alpha1',
    namespace: ns,
    plural: 'sealedsecrets',
  })) as { items: unknown[] };
  await waitFor(
    'every object reconciled',
    async () => (await metricSum(controller, 'gitseal_unseal_results_total')) >= listed.items.length,
  );
  assert.equal(await metricValue(controller, 'gitseal_rsa_private_operations_total'), 0);
  for (const name of names) {
    assert.equal(condition(await cluster.getSealed(ns, name, BITNAMI), 'Synced')?.reason, 'UnsealFailed');
  }
});
