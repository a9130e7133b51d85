// Helm chart folders in Git as GitSync sources (issue 14): gitseal-controller as a process against the real
// kube-apiserver renders them with the real helm binary (v4) in its render child. Values files, inline values and
// valuesFrom (read as the GitSync's ServiceAccount), .Capabilities from the cluster's discovery, Helm hooks as sync
// phases, the plaintext rule, render failures without values, rollback by git revert, and abuse.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { marker } from './cli-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  failedWith,
  gitSyncCondition,
  type GitSyncs,
  orAbsent,
  readyAt,
  syncSuite,
} from './sync-harness.js';

const suite = syncSuite('sync-helm.log');
let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;
let controllerNs = '';

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs, namespace: controllerNs } = sync);
  return true;
}

const readConfigMap = (namespace: string, name: string) => orAbsent(core.readNamespacedConfigMap({ namespace, name }));

/** A small chart: a ConfigMap from values, helpers, a kubeVersion constraint, and whatever `extra` templates add. */
function chartFiles(dir: string, extra: Record<string, string> = {}, chartYaml = ''): Record<string, string> {
  return {
    [`${dir}/Chart.yaml`]: `apiVersion: v2\nname: webapp\nversion: 1.4.2\nkubeVersion: ">=1.30.0-0"\n${chartYaml}`,
    [`${dir}/values.yaml`]: 'greeting: hello\ncolor: blue\nreplicas: 1\n',
    [`${dir}/templates/_helpers.tpl`]: '{{- define "webapp.name" -}}{{ .Release.Name }}-web{{- end -}}\n',
    [`${dir}/templates/settings.yaml`]: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ include "webapp.name" . }}',
      '  labels: { release: {{ .Release.Name | quote }} }',
      'data:',
      '  greeting: {{ .Values.greeting | quote }}',
      '  color: {{ .Values.color | quote }}',
      '  namespace: {{ .Release.Namespace | quote }}',
      '  kube: {{ .Capabilities.KubeVersion.Version | quote }}',
      '  hasGitSync: {{ .Capabilities.APIVersions.Has "gitseal.dev/v1alpha1/GitSync" | quote }}',
      '  lookup: {{ lookup "v1" "Namespace" "" "kube-system" | len | quote }}',
      '',
    ].join('\n'),
    ...Object.fromEntries(Object.entries(extra).map(([path, text]) => [`${dir}/${path}`, text])),
  };
}

test('a chart folder in Git: rendered with values files and inline values, .Capabilities from the cluster, chart in status', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'helm-basic');
  const repo = suite.newRepo();
  const commit = repo.commit({
    ...chartFiles('charts/webapp'),
    'env/prod.yaml': 'color: green\n',
  });
  await syncs.create(ns, 'shop', {
    source: { url: repo.url, path: 'charts/webapp' },
    interval: '1h',
    helm: { valuesFiles: ['env/prod.yaml'], values: { greeting: 'hi from spec' } },
  });
  const synced = await syncs.waitFor(ns, 'shop', 'Ready', readyAt(commit));
  const cm = await readConfigMap(ns, 'shop-web');
  assert.ok(cm, 'the release is named after the GitSync');
  assert.equal(cm.data?.['greeting'], 'hi from spec', 'inline values last');
  assert.equal(cm.data?.['color'], 'green', 'the values file over the chart defaults');
  assert.equal(cm.data?.['namespace'], ns, 'the release namespace defaults to the GitSync’s');
  assert.match(cm.data?.['kube'] ?? '', /^v1\.35\./, 'the API server’s version, not helm’s built-in one');
  assert.equal(cm.data?.['hasGitSync'], 'true', 'a CRD the cluster serves is in .Capabilities.APIVersions');
  assert.equal(cm.data?.['lookup'], '0', 'lookup sees no cluster from the render child');
  const status = synced.status as { chart?: { name: string; version: string }; history?: { chart?: string }[] };
  assert.deepEqual(status.chart, { name: 'webapp', version: '1.4.2' });
  assert.equal(status.history?.[0]?.chart, 'webapp 1.4.2');

  // A GitSync name that is no Helm release name (it has a dot): fine for plain manifests, a clear line for a chart.
  const plainRepo = suite.newRepo();
  const plain = plainRepo.commit({ 'app/cm.json': configMapJson('dotted', { a: 'b' }) });
  await syncs.create(ns, 'shop.v2', { source: { url: plainRepo.url, path: 'app' }, interval: '1h' });
  await syncs.waitFor(ns, 'shop.v2', 'Ready', readyAt(plain));
  await syncs.create(ns, 'chart.v2', { source: { url: repo.url, path: 'charts/webapp' }, interval: '1h' });
  const dotted = await syncs.waitFor(ns, 'chart.v2', 'refused', failedWith('InvalidSpec', commit));
  assert.match(
    gitSyncCondition(dotted, 'Ready')?.message ?? '',
    /^spec\.helm\.releaseName: "chart\.v2" is not a Helm release name/,
  );

  // Rollback by git revert of a values change.
  const changed = repo.commit({ 'env/prod.yaml': 'color: red\n' });
  await syncs.trigger(ns, 'shop');
  await syncs.waitFor(ns, 'shop', 'Ready at the change', readyAt(changed));
  assert.equal((await readConfigMap(ns, 'shop-web'))?.data?.['color'], 'red');
  const reverted = repo.revert(changed);
  await syncs.trigger(ns, 'shop');
  await syncs.waitFor(ns, 'shop', 'Ready at the revert', readyAt(reverted));
  assert.equal((await readConfigMap(ns, 'shop-web'))?.data?.['color'], 'green');
});

test('valuesFrom is read as the GitSync’s ServiceAccount: forbidden without the right, applied in order with it', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'helm-values-from');
  const secretValue = marker('helm-values-from');
  suite.markers.push(secretValue);
  await core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name: 'shop-values' }, data: { 'values.yaml': 'color: from-configmap\ngreeting: cm\n' } },
  });
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'shop-secret-values' }, stringData: { 'custom.yaml': `greeting: ${secretValue}\n` } },
  });
  // An account that may manage ConfigMaps but not read Secrets.
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'limited' } } });
  await rbac.createNamespacedRole({
    namespace: ns,
    body: {
      metadata: { name: 'configmaps-only' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: ns,
    body: {
      metadata: { name: 'limited' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps-only' },
      subjects: [{ kind: 'ServiceAccount', name: 'limited', namespace: ns }],
    },
  });
  const repo = suite.newRepo();
  const commit = repo.commit(chartFiles('chart'));
  const valuesFrom = [
    { kind: 'ConfigMap', name: 'shop-values' },
    { kind: 'Secret', name: 'shop-secret-values', valuesKey: 'custom.yaml' },
    { kind: 'ConfigMap', name: 'not-there', optional: true },
  ];
  await syncs.create(ns, 'limited', {
    source: { url: repo.url, path: 'chart' },
    interval: '1h',
    serviceAccountName: 'limited',
    helm: { releaseName: 'lim', valuesFrom },
  });
  const refused = await syncs.waitFor(ns, 'limited', 'refused', failedWith('RenderFailed', commit));
  assert.equal(
    gitSyncCondition(refused, 'Ready')?.message,
    `spec.helm.valuesFrom[1]: Secret ${ns}/shop-secret-values key custom.yaml: forbidden for the GitSync’s identity`,
  );
  assert.equal(await readConfigMap(ns, 'lim-web'), undefined, 'nothing applied');

  await syncs.create(ns, 'full', { source: { url: repo.url, path: 'chart' }, interval: '1h', helm: { valuesFrom } });
  await syncs.waitFor(ns, 'full', 'Ready', readyAt(commit));
  const cm = await readConfigMap(ns, 'full-web');
  assert.equal(cm?.data?.['color'], 'from-configmap');
  assert.equal(cm?.data?.['greeting'], secretValue, 'the Secret’s values after the ConfigMap’s');

  // A missing, not optional, valuesFrom object: one line naming it.
  await syncs.create(ns, 'missing', {
    source: { url: repo.url, path: 'chart' },
    interval: '1h',
    helm: { valuesFrom: [{ kind: 'Secret', name: 'nope' }] },
  });
  const missing = await syncs.waitFor(ns, 'missing', 'refused', failedWith('RenderFailed'));
  assert.equal(
    gitSyncCondition(missing, 'Ready')?.message,
    `spec.helm.valuesFrom[0]: Secret ${ns}/nope key values.yaml: not found`,
  );
});

test('Helm hooks run as sync phases; delete hooks and test hooks are left out; CRDs from crds/ are applied', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'helm-hooks');
  const hook = (name: string, events: string, weight = '0') =>
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${name}`,
      '  annotations:',
      `    helm.sh/hook: ${events}`,
      `    helm.sh/hook-weight: "${weight}"`,
      '    helm.sh/hook-delete-policy: before-hook-creation',
      'data:',
      '  at: {{ now | unixEpoch | quote }}',
      '',
    ].join('\n');
  const repo = suite.newRepo();
  const group = `helm-${ns}.example.com`.replace(/[^a-z0-9.-]/g, '');
  const commit = repo.commit({
    ...chartFiles('chart', {
      'templates/pre.yaml': hook('pre-upgrade-hook', 'pre-install,pre-upgrade'),
      'templates/post.yaml': hook('post-hook', 'post-install,post-upgrade'),
      'templates/delete.yaml': hook('delete-hook', 'pre-delete'),
      'templates/tests/check.yaml': hook('test-hook', 'test'),
      'crds/gadgets.yaml': JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `gadgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      }),
      'templates/gadget.yaml': `apiVersion: ${group}/v1\nkind: Gadget\nmetadata:\n  name: one\nspec: { size: 3 }\n`,
    }),
  });
  // A platform GitSync (the controller's namespace): a tenant may not write CRDs.
  await syncs.create(controllerNs, `hooked-${ns}`, {
    source: { url: repo.url, path: 'chart' },
    interval: '1h',
    targetNamespace: ns,
    helm: { releaseName: 'hooked' },
  });
  const synced = await syncs.waitFor(controllerNs, `hooked-${ns}`, 'Ready', readyAt(commit));
  const pre = await readConfigMap(ns, 'pre-upgrade-hook');
  const post = await readConfigMap(ns, 'post-hook');
  assert.ok(pre && post, 'pre- and post-install hooks ran');
  assert.equal(pre.metadata?.labels?.['gitseal.dev/hook-of'] !== undefined, true, 'created as a hook');
  assert.equal(await readConfigMap(ns, 'delete-hook'), undefined, 'a pre-delete hook is never run by a sync');
  assert.equal(await readConfigMap(ns, 'test-hook'), undefined, 'test hooks are skipped by default');
  const ids = synced.status?.inventory?.entries.map((e) => e.id) ?? [];
  assert.ok(ids.includes(`_gadgets.${group}_apiextensions.k8s.io_CustomResourceDefinition`), 'the CRD from crds/');
  assert.ok(ids.includes(`${ns}_one_${group}_Gadget`), 'and its object, applied after it');
  assert.ok(!ids.some((id) => /_(pre-upgrade-hook|post-hook)_/.test(id)), 'hooks are not in the inventory');
});

test('a chart that fails to render: one line with the template file and helm’s reason, never a value', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'helm-fail');
  const secretValue = marker('helm-fail-value');
  suite.markers.push(secretValue);
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'vals' }, stringData: { 'values.yaml': `token: ${secretValue}\n` } },
  });
  const repo = suite.newRepo();
  const commit = repo.commit(
    chartFiles('chart', {
      'templates/check.yaml':
        '{{- if .Values.token }}{{ fail (printf "token %s is not allowed" .Values.token) }}{{ end }}\n',
    }),
  );
  await syncs.create(ns, 'broken', {
    source: { url: repo.url, path: 'chart' },
    interval: '1h',
    helm: { valuesFrom: [{ kind: 'Secret', name: 'vals' }] },
  });
  const failed = await syncs.waitFor(ns, 'broken', 'RenderFailed', failedWith('RenderFailed', commit));
  const message = gitSyncCondition(failed, 'Ready')?.message ?? '';
  assert.match(
    message,
    /^chart: helm template failed: execution error at \(webapp\/templates\/check\.yaml:1:\d+\): token \*\*\* is not allowed$/,
  );
  assert.ok(!message.includes(secretValue));
  assert.ok(!message.includes('\n'), 'one line');

  // kubeVersion the cluster does not meet: said plainly.
  const tooNew = repo.commit({
    'chart/Chart.yaml': 'apiVersion: v2\nname: webapp\nversion: 1.4.3\nkubeVersion: ">=9.0.0"\n',
  });
  await syncs.update(ns, 'broken', (o) => {
    o.spec['helm'] = {};
  });
  const refused = await syncs.waitFor(ns, 'broken', 'kubeVersion refused', failedWith('RenderFailed', tooNew));
  assert.match(gitSyncCondition(refused, 'Ready')?.message ?? '', /kubeVersion.*>=9\.0\.0.*v1\.35/);
});

test('the plaintext rule holds for charts; a tenant chart cannot leave its namespace or the checkout', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'helm-abuse');
  const other = await createSyncNamespace(kc, 'helm-abuse-other');
  const repo = suite.newRepo();
  const plain = marker('helm-plain');
  suite.markers.push(plain);
  const commit = repo.commit({
    ...chartFiles('secret-chart', {
      'templates/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData: { password: ${plain} }\n`,
    }),
    ...chartFiles('escape-chart', {
      'templates/other.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: ${other} }\n`,
    }),
    ...chartFiles('cluster-chart', {
      'templates/role.yaml':
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: helm-abuse }\n',
    }),
    ...chartFiles('link-chart'),
  });
  const spec = (path: string, helm: Record<string, unknown> = {}) => ({
    source: { url: repo.url, path },
    interval: '1h',
    helm,
  });
  await syncs.create(ns, 'plain', spec('secret-chart'));
  const plainFailed = await syncs.waitFor(ns, 'plain', 'refused', failedWith('PlaintextSecretInGit', commit));
  assert.match(gitSyncCondition(plainFailed, 'Ready')?.message ?? '', /webapp\/templates\/secret\.yaml#0/);

  await syncs.create(ns, 'escape', spec('escape-chart'));
  await syncs.waitFor(ns, 'escape', 'refused', failedWith('ObjectOutsideNamespace', commit));
  await syncs.create(ns, 'cluster', spec('cluster-chart'));
  await syncs.waitFor(ns, 'cluster', 'refused', failedWith('ObjectOutsideNamespace', commit));
  // The release namespace pointed at another tenant: objects without a namespace land there, and are refused.
  await syncs.create(ns, 'other-ns', spec('link-chart', { namespace: other }));
  await syncs.waitFor(ns, 'other-ns', 'refused', failedWith('ObjectOutsideNamespace', commit));
  assert.equal(await readConfigMap(other, 'other-ns-web'), undefined);

  // Links out of the checkout: a template linked to /etc/passwd; in another repository a values file linked out.
  const linked = repo.commitLinks({ 'link-chart/templates/passwd.yaml': '/etc/passwd' });
  await syncs.create(ns, 'link', spec('link-chart'));
  const link = await syncs.waitFor(ns, 'link', 'refused', failedWith('RenderFailed', linked));
  assert.equal(
    gitSyncCondition(link, 'Ready')?.message,
    'link-chart/templates/passwd.yaml: symlink points outside the repository',
  );
  const valuesRepo = suite.newRepo();
  valuesRepo.commit(chartFiles('chart'));
  const valuesLinked = valuesRepo.commitLinks({ 'outside.yaml': '/etc/hostname' });
  await syncs.create(ns, 'values-link', {
    source: { url: valuesRepo.url, path: 'chart' },
    interval: '1h',
    helm: { valuesFiles: ['outside.yaml'] },
  });
  const valuesLink = await syncs.waitFor(ns, 'values-link', 'refused', failedWith('RenderFailed', valuesLinked));
  assert.equal(gitSyncCondition(valuesLink, 'Ready')?.message, 'outside.yaml: symlink points outside the repository');

  // The CRD refuses values files with '..' before anything runs.
  await assert.rejects(
    syncs.create(ns, 'dotdot', spec('link-chart', { valuesFiles: ['../../etc/passwd'] })),
    /relative to the repository root/,
  );
});

test('a chart that renders without end dies within its memory limit: one line, the controller unharmed', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'helm-bomb');
  const repo = suite.newRepo();
  const commit = repo.commit({
    'bomb/Chart.yaml': 'apiVersion: v2\nname: bomb\nversion: 0.1.0\n',
    'bomb/templates/many.yaml':
      '{{- range $i := until 20000000 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm-{{ $i }} }\n{{- end }}\n',
  });
  const started = Date.now();
  await syncs.create(ns, 'bomb', { source: { url: repo.url, path: 'bomb' }, interval: '1h' });
  const failed = await syncs.waitFor(ns, 'bomb', 'RenderFailed', failedWith('RenderFailed', commit));
  assert.equal(
    gitSyncCondition(failed, 'Ready')?.message,
    'bomb: helm template failed: ran out of memory (more than 1024 MiB of address space)',
  );
  assert.ok(Date.now() - started < 30_000, 'well before the render timeout');
  // The controller still syncs others.
  const other = suite.newRepo();
  const fine = other.commit(chartFiles('chart'));
  await syncs.create(ns, 'fine', { source: { url: other.url, path: 'chart' }, interval: '1h' });
  await syncs.waitFor(ns, 'fine', 'Ready', readyAt(fine));
});
