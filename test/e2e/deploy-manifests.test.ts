// deploy/base as `kubectl kustomize` renders it: checked as data, then against the real kube-apiserver (server-side
// dry-run, the controller's RBAC through SubjectAccessReviews) together with the GitSync CRD's schema.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { REPO_ROOT } from './cli-harness.js';
import { test, type TestContext } from 'node:test';
import { ApiException, AuthorizationV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { createProgram, type ControllerOptions } from '@gitseal/controller';
import {
  asKubectlList,
  createTestNamespace,
  crdPath,
  installCrd,
  kubeConfigFor,
  kubectl,
  kubectlOk,
  renderKustomize,
  sharedControlPlane,
  type ControlPlane,
  type KubectlRun,
  type RenderedObject,
} from '../support/index.js';

const shared = sharedControlPlane();
const SYSTEM_NAMESPACE = 'gitseal-system';
const CONTROLLER_SA = `system:serviceaccount:${SYSTEM_NAMESPACE}:gitseal-controller`;

// Plain JSON views of the rendered objects: only the fields the tests read.
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects, read as loose JSON
type Loose = any;

let renderedOnce: Promise<RenderedObject[]> | undefined;
function rendered(): Promise<RenderedObject[]> {
  renderedOnce ??= renderKustomize('deploy/base');
  return renderedOnce;
}

function one(objects: RenderedObject[], kind: string, name: string): Loose {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  assert.equal(found.length, 1, `exactly one ${kind}/${name} in the rendered base`);
  return found[0];
}

test('deploy/base renders exactly the controller objects, namespaced ones in gitseal-system', async () => {
  const objects = await rendered();
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
    'ClusterRole/gitseal-controller',
    'ClusterRole/gitseal-sync',
    'ClusterRoleBinding/gitseal-controller',
    'ClusterRoleBinding/gitseal-sync',
    'CustomResourceDefinition/gitsyncs.gitseal.dev',
    'CustomResourceDefinition/notificationalerts.gitseal.dev',
    'CustomResourceDefinition/notificationproviders.gitseal.dev',
    'CustomResourceDefinition/sealedsecrets.gitseal.dev',
    'Deployment/gitseal-controller',
    'Namespace/gitseal-system',
    'NetworkPolicy/gitseal-controller',
    'Role/gitseal-controller',
    'RoleBinding/gitseal-controller',
    'Service/gitseal-controller',
    'ServiceAccount/gitseal-controller',
  ]);
  const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Namespace']);
  for (const o of objects) {
    const expected = clusterScoped.has(o.kind) ? undefined : SYSTEM_NAMESPACE;
    assert.equal(o.metadata.namespace, expected, `${o.kind}/${o.metadata.name} namespace`);
  }
});

test('the Deployment runs non-root, read-only, without privileges, probed on the http port', async () => {
  const objects = await rendered();
  const pod = one(objects, 'Deployment', 'gitseal-controller').spec.template.spec;
  assert.equal(one(objects, 'ServiceAccount', 'gitseal-controller').automountServiceAccountToken, false);
  assert.equal(pod.serviceAccountName, 'gitseal-controller');
  assert.equal(pod.automountServiceAccountToken, true);
  assert.deepEqual(
    { runAsNonRoot: pod.securityContext.runAsNonRoot, runAsUser: pod.securityContext.runAsUser },
    { runAsNonRoot: true, runAsUser: 65532 },
  );
  assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  assert.equal(pod.containers.length, 1);
  const [container] = pod.containers;
  assert.equal(container.image, 'ghcr.io/gitseal/gitseal-controller:0.1.0');
  assert.deepEqual(container.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 65532,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.deepEqual(container.ports, [
    { name: 'http', containerPort: 8080 },
    { name: 'metrics', containerPort: 8081 },
  ]);
  assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
  assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
  for (const bound of ['requests', 'limits']) {
    assert.ok(container.resources[bound]?.cpu && container.resources[bound]?.memory, `resources.${bound}`);
  }
  const tmpMount = container.volumeMounts.find((m: Loose) => m.mountPath === '/tmp');
  assert.ok(tmpMount, '/tmp is mounted');
  const tmpVolume = pod.volumes.find((v: Loose) => v.name === tmpMount.name);
  assert.ok(tmpVolume?.emptyDir, '/tmp is an emptyDir');
});

test("the Deployment's args are accepted by the controller's own flag parser", async () => {
  const container = one(await rendered(), 'Deployment', 'gitseal-controller').spec.template.spec.containers[0];
  const podNamespace = container.env.find((e: Loose) => e.name === 'POD_NAMESPACE');
  assert.equal(podNamespace?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
  // The kubelet expands $(POD_NAMESPACE) from the env entry above.
  const args = (container.args as string[]).map((a) => a.replace('$(POD_NAMESPACE)', SYSTEM_NAMESPACE));
  let parsed: ControllerOptions | undefined;
  const program = createProgram('0.0.0-test', async (options) => {
    parsed = options;
  }).exitOverride();
  await program.parseAsync(['node', 'gitseal-controller', ...args]);
  assert.ok(parsed, 'the program ran');
  assert.equal(parsed.namespace, SYSTEM_NAMESPACE);
  assert.deepEqual(parsed.namespaces, []);
  assert.deepEqual(parsed.listenAddress, { host: '', port: 8080 });
  assert.deepEqual(parsed.metricsAddress, { host: '', port: 8081 });
  assert.equal(parsed.keyRenewPeriodMs, 720 * 3600_000);
  assert.equal(parsed.keySize, 4096);
  assert.equal(parsed.leaderElect, true);
  assert.equal(parsed.bitnamiCompat, false);
});

test('the Service names its ports http and metrics; the NetworkPolicy opens exactly those', async () => {
  const objects = await rendered();
  const service = one(objects, 'Service', 'gitseal-controller');
  assert.deepEqual(
    service.spec.ports.map((p: Loose) => `${p.name}:${p.port}->${p.targetPort}`),
    ['http:8080->http', 'metrics:8081->metrics'],
  );
  const podLabels = one(objects, 'Deployment', 'gitseal-controller').spec.template.metadata.labels;
  for (const [key, value] of Object.entries(service.spec.selector as Record<string, string>)) {
    assert.equal(podLabels[key], value, `Service selector ${key}`);
  }
  const policy = one(objects, 'NetworkPolicy', 'gitseal-controller').spec;
  assert.deepEqual(
    policy.podSelector.matchLabels,
    one(objects, 'Deployment', 'gitseal-controller').spec.selector.matchLabels,
  );
  assert.deepEqual(policy.policyTypes, ['Ingress', 'Egress']);
  const ports = (rules: Loose[]) => rules.flatMap((r) => r.ports.map((p: Loose) => `${p.protocol}/${p.port}`)).sort();
  assert.deepEqual(ports(policy.ingress), ['TCP/8080', 'TCP/8081']);
  assert.deepEqual(ports(policy.egress), ['TCP/22', 'TCP/443', 'TCP/53', 'TCP/6443', 'UDP/53']);
});

test('RBAC: no wildcards, no escalate/bind, impersonation of ServiceAccounts only, bindings to our own roles', async () => {
  const objects = await rendered();
  const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
  assert.equal(roles.length, 3);
  for (const role of roles) {
    for (const rule of role.rules as Rule[]) {
      const where = `${role.kind}/${role.metadata.name} ${JSON.stringify(rule)}`;
      for (const list of [rule.apiGroups, rule.resources, rule.verbs, rule.resourceNames]) {
        assert.ok(!(list ?? []).some((v) => v.includes('*')), `wildcard in ${where}`);
      }
      assert.equal(rule.nonResourceURLs, undefined, where);
      assert.ok(!rule.verbs.some((v) => ['escalate', 'bind', 'deletecollection'].includes(v)), where);
      if (rule.verbs.includes('impersonate')) assert.deepEqual(rule.resources, ['serviceaccounts'], where);
    }
  }
  const roleNames = new Set(roles.map((r) => `${r.kind}/${r.metadata.name}`));
  for (const binding of objects.filter((o) => o.kind.endsWith('Binding')) as Loose[]) {
    assert.ok(roleNames.has(`${binding.roleRef.kind}/${binding.roleRef.name}`), `${binding.metadata.name} roleRef`);
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: 'gitseal-controller', namespace: SYSTEM_NAMESPACE },
    ]);
  }
});

// --- against the real control plane ---

interface Env {
  plane: ControlPlane;
  kc: KubeConfig;
}

function setup(t: TestContext): Env | undefined {
  const plane = shared.use(t);
  if (plane === undefined) return undefined;
  return { plane, kc: kubeConfigFor(plane.kubeconfigPath) };
}

let crdsOnce: Promise<unknown> | undefined;
function installCrds(kc: KubeConfig): Promise<unknown> {
  crdsOnce ??= Promise.all([
    installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml')),
    installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml')),
  ]);
  return crdsOnce;
}

/**
 * Creates gitseal-system and its ServiceAccount for real: a server-side dry-run in a namespace that does not exist
 * fails, and so does a Pod whose ServiceAccount does not exist.
 */
let systemNamespaceOnce: Promise<string> | undefined;
function ensureSystemNamespace(env: Env, objects: RenderedObject[]): Promise<string> {
  systemNamespaceOnce ??= kubectlOk(
    ['--kubeconfig', env.plane.kubeconfigPath, 'apply', '-f', '-'],
    asKubectlList([one(objects, 'Namespace', SYSTEM_NAMESPACE), one(objects, 'ServiceAccount', 'gitseal-controller')]),
  );
  return systemNamespaceOnce;
}

test('the rendered base passes a server-side dry-run on the real API server', async (t) => {
  const env = setup(t);
  if (env === undefined) return;
  const objects = await rendered();
  await installCrds(env.kc);
  await ensureSystemNamespace(env, objects);
  const out = await kubectlOk(
    ['--kubeconfig', env.plane.kubeconfigPath, 'apply', '--dry-run=server', '-f', '-'],
    asKubectlList(objects),
  );
  const lines = out.trim().split('\n');
  assert.equal(lines.length, objects.length, out);
  for (const line of lines) assert.match(line, /\(server dry run\)$/);

  // Pod Security admission (the namespace enforces `restricted`) judges pods, not Deployments: try the template.
  const template = one(objects, 'Deployment', 'gitseal-controller').spec.template;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, name: 'psa-check', namespace: SYSTEM_NAMESPACE },
    spec: template.spec,
  };
  const checked = await kubectl(
    ['--kubeconfig', env.plane.kubeconfigPath, 'create', '--dry-run=server', '-f', '-'],
    asKubectlList([pod]),
  );
  assert.equal(checked.code, 0, checked.stderr);
  assert.doesNotMatch(checked.stderr, /PodSecurity|would violate/, 'no Pod Security warnings');
});

interface Access {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function describe(a: Access): string {
  const resource = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}`;
  return `${a.verb} ${resource}${a.name ? `/${a.name}` : ''} in ${a.namespace ?? '(cluster)'}`;
}

const APP = 'some-app';
const mayDo: Access[] = [
  ...['get', 'list', 'watch', 'create', 'update', 'delete'].map((verb) => ({
    verb,
    resource: 'secrets',
    namespace: APP,
  })),
  ...['list', 'watch'].flatMap((verb) =>
    ['gitseal.dev', 'bitnami.com'].map((group) => ({ verb, resource: 'sealedsecrets', group, namespace: APP })),
  ),
  { verb: 'patch', resource: 'sealedsecrets', subresource: 'status', group: 'gitseal.dev', namespace: APP },
  { verb: 'update', resource: 'sealedsecrets', subresource: 'status', group: 'bitnami.com', namespace: APP },
  { verb: 'create', resource: 'events', namespace: APP },
  { verb: 'patch', resource: 'events', namespace: APP },
  { verb: 'create', resource: 'secrets', namespace: SYSTEM_NAMESPACE },
  { verb: 'create', resource: 'configmaps', namespace: SYSTEM_NAMESPACE },
  ...['get', 'list', 'watch', 'update', 'delete'].map((verb) => ({
    verb,
    resource: 'configmaps',
    name: 'gitseal-certs',
    namespace: SYSTEM_NAMESPACE,
  })),
  { verb: 'create', resource: 'events', namespace: SYSTEM_NAMESPACE },
  // The leader Lease and, with --shards auto, one member Lease per replica (generated names).
  ...['get', 'list', 'watch', 'create', 'update', 'delete'].map((verb) => ({
    verb,
    resource: 'leases',
    group: 'coordination.k8s.io',
    namespace: SYSTEM_NAMESPACE,
  })),
  { verb: 'watch', resource: 'gitsyncs', group: 'gitseal.dev', namespace: APP },
  // The finalizer gitseal.dev/finalizer.
  { verb: 'patch', resource: 'gitsyncs', group: 'gitseal.dev', namespace: APP },
  { verb: 'patch', resource: 'gitsyncs', subresource: 'status', group: 'gitseal.dev', namespace: APP },
  { verb: 'impersonate', resource: 'serviceaccounts', name: 'deployer', namespace: APP },
  // Read-only on what GitSyncs apply (live state, health, drift).
  { verb: 'list', resource: 'configmaps', namespace: APP },
  { verb: 'watch', resource: 'deployments', group: 'apps', namespace: APP },
  { verb: 'get', resource: 'customresourcedefinitions', group: 'apiextensions.k8s.io' },
  // Health: a not-ready workload's Pods (container states), read only.
  { verb: 'list', resource: 'pods', namespace: APP },
  { verb: 'get', resource: 'pods', namespace: APP },
];
const mayNotDo: Access[] = [
  { verb: 'patch', resource: 'secrets', namespace: APP },
  { verb: 'update', resource: 'sealedsecrets', group: 'gitseal.dev', namespace: APP },
  { verb: 'delete', resource: 'sealedsecrets', group: 'gitseal.dev', namespace: APP },
  { verb: 'create', resource: 'configmaps', namespace: APP },
  { verb: 'update', resource: 'configmaps', name: 'other', namespace: SYSTEM_NAMESPACE },
  { verb: 'delete', resource: 'configmaps', name: 'other', namespace: SYSTEM_NAMESPACE },
  { verb: 'delete', resource: 'configmaps', name: 'other', namespace: APP },
  { verb: 'watch', resource: 'pods', namespace: APP },
  { verb: 'delete', resource: 'pods', namespace: APP },
  { verb: 'get', resource: 'pods', subresource: 'log', namespace: APP },
  { verb: 'create', resource: 'pods', subresource: 'exec', namespace: APP },
  { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: APP },
  { verb: 'delete', resource: 'leases', group: 'coordination.k8s.io', namespace: APP },
  { verb: 'update', resource: 'gitsyncs', group: 'gitseal.dev', namespace: APP },
  { verb: 'delete', resource: 'gitsyncs', group: 'gitseal.dev', namespace: APP },
  { verb: 'create', resource: 'deployments', group: 'apps', namespace: APP },
  { verb: 'create', resource: 'pods', subresource: 'exec', namespace: SYSTEM_NAMESPACE },
  { verb: 'impersonate', resource: 'users' },
  { verb: 'impersonate', resource: 'groups' },
  { verb: 'create', resource: 'clusterroles', group: 'rbac.authorization.k8s.io' },
  { verb: 'escalate', resource: 'clusterroles', group: 'rbac.authorization.k8s.io' },
  { verb: 'list', resource: 'nodes' },
];

test('RBAC on the real API server: the ServiceAccount may do what the controller does and nothing broader', async (t) => {
  const env = setup(t);
  if (env === undefined) return;
  const objects = await rendered();
  await ensureSystemNamespace(env, objects);
  const rbac = objects.filter((o) => /^(ServiceAccount|(Cluster)?Role(Binding)?)$/.test(o.kind));
  await kubectlOk(['--kubeconfig', env.plane.kubeconfigPath, 'apply', '-f', '-'], asKubectlList(rbac));
  const authz = env.kc.makeApiClient(AuthorizationV1Api);
  const allowed = async (a: Access): Promise<boolean> => {
    const review = await authz.createSubjectAccessReview({
      body: {
        spec: {
          user: CONTROLLER_SA,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${SYSTEM_NAMESPACE}`, 'system:authenticated'],
          resourceAttributes: { ...a, group: a.group ?? '' },
        },
      },
    });
    return review.status?.allowed === true;
  };
  const wrong: string[] = [];
  for (const a of mayDo) if (!(await allowed(a))) wrong.push(`denied: ${describe(a)}`);
  for (const a of mayNotDo) if (await allowed(a)) wrong.push(`allowed: ${describe(a)}`);
  assert.deepEqual(wrong, []);

  // The certs ConfigMap is created, then replaced whole, and watched by name; nowhere else.
  const asController = ['--kubeconfig', env.plane.kubeconfigPath, `--as=${CONTROLLER_SA}`];
  const configMap = (namespace: string) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gitseal-certs', namespace }, data: {} });
  const manager = '--field-manager=gitseal-controller';
  await kubectlOk([...asController, 'create', manager, '-f', '-'], configMap(SYSTEM_NAMESPACE));
  await kubectlOk([...asController, 'replace', manager, '-f', '-'], configMap(SYSTEM_NAMESPACE));
  const byName = ['-n', SYSTEM_NAMESPACE, 'get', 'configmaps', '--field-selector=metadata.name=gitseal-certs'];
  await kubectlOk([...asController, ...byName, '-o', 'name']);
  const elsewhere = await createTestNamespace(env.kc, 'rbac-elsewhere');
  const refused = await kubectl([...asController, 'create', manager, '-f', '-'], configMap(elsewhere));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /forbidden/i);
});

// --- the GitSync CRD ---

const group = 'gitseal.dev';
const version = 'v1alpha1';
const plural = 'gitsyncs';

async function gitSyncEnv(
  t: TestContext,
  prefix: string,
): Promise<(Env & { namespace: string; api: CustomObjectsApi }) | undefined> {
  const env = setup(t);
  if (env === undefined) return undefined;
  await installCrds(env.kc);
  const namespace = await createTestNamespace(env.kc, prefix);
  return { ...env, namespace, api: env.kc.makeApiClient(CustomObjectsApi) };
}

function gitSync(name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: `${group}/${version}`, kind: 'GitSync', metadata: { name }, spec, ...extra };
}

test('GitSync: a minimal object is accepted and read back with the documented defaults', async (t) => {
  const env = await gitSyncEnv(t, 'gitsync-defaults');
  if (env === undefined) return;
  const { api, namespace } = env;
  const body = gitSync('minimal', { source: { url: 'https://git.example.com/org/repo.git' } });
  await api.createNamespacedCustomObject({ group, version, namespace, plural, body });
  const read: Loose = await api.getNamespacedCustomObject({ group, version, namespace, plural, name: 'minimal' });
  assert.deepEqual(read.spec, {
    source: { url: 'https://git.example.com/org/repo.git' },
    interval: '5m',
    prune: true,
    selfHeal: true,
    suspend: false,
    wait: false,
    createNamespace: false,
    allowPlainSecrets: false,
    allowEmpty: false,
  });
});

test('GitSync: a spec using every field is accepted as written', async (t) => {
  const env = await gitSyncEnv(t, 'gitsync-full');
  if (env === undefined) return;
  const { api, namespace } = env;
  const spec = {
    source: {
      url: 'git@github.com:org/repo.git',
      ref: { commit: '0123456789abcdef0123456789abcdef01234567' },
      path: 'clusters/prod/v1..v2', // '..' inside a name is not a parent-folder segment
      secretRef: { name: 'git-credentials' },
    },
    interval: '1h30m',
    timeout: '2.5m',
    prune: false,
    selfHeal: false,
    suspend: true,
    wait: true,
    targetNamespace: 'apps',
    createNamespace: true,
    dependsOn: [{ name: 'infra' }, { name: 'crds', namespace: 'platform' }],
    serviceAccountName: 'deployer',
    allowPlainSecrets: true,
    allowEmpty: true,
    webhookSecretRef: { name: 'webhook-hmac' },
  };
  await api.createNamespacedCustomObject({ group, version, namespace, plural, body: gitSync('full', spec) });
  const read: Loose = await api.getNamespacedCustomObject({ group, version, namespace, plural, name: 'full' });
  assert.deepEqual(read.spec, spec);
  for (const url of ['ssh://git@host:2222/repo.git', 'file:///srv/git/repo', 'http://git.local/repo']) {
    const name = `url-${url.split(':')[0]}`;
    await api.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural,
      body: gitSync(name, { source: { url } }),
    });
  }
});

test('GitSync: the API server rejects invalid specs with a message naming the field', async (t) => {
  const env = await gitSyncEnv(t, 'gitsync-invalid');
  if (env === undefined) return;
  const { api, namespace } = env;
  const url = 'https://git.example.com/repo.git';
  const cases: { name: string; spec: Record<string, unknown>; message: RegExp }[] = [
    {
      name: 'two-refs',
      spec: { source: { url, ref: { branch: 'main', tag: 'v1' } } },
      message: /at most one of branch, tag/,
    },
    { name: 'bad-interval', spec: { source: { url }, interval: '5 minutes' }, message: /spec\.interval/ },
    {
      name: 'short-interval',
      spec: { source: { url }, interval: '1ms' },
      message: /spec\.interval: .*must be at least 10s/,
    },
    { name: 'short-interval-s', spec: { source: { url }, interval: '9.5s' }, message: /must be at least 10s/ },
    { name: 'bad-timeout', spec: { source: { url }, timeout: '10' }, message: /spec\.timeout/ },
    { name: 'parent-path', spec: { source: { url, path: 'apps/../../etc' } }, message: /'\.\.' segments/ },
    { name: 'dotdot-path', spec: { source: { url, path: '..' } }, message: /'\.\.' segments/ },
    { name: 'absolute-path', spec: { source: { url, path: '/etc' } }, message: /relative to the repository root/ },
    { name: 'no-url', spec: { source: { path: 'apps' } }, message: /spec\.source\.url: Required/ },
    { name: 'no-source', spec: { interval: '1m' }, message: /spec\.source: Required/ },
    { name: 'ftp-url', spec: { source: { url: 'ftp://host/repo' } }, message: /spec\.source\.url/ },
    { name: 'bad-commit', spec: { source: { url, ref: { commit: 'ABCDEF1' } } }, message: /spec\.source\.ref\.commit/ },
    {
      name: 'bad-target',
      spec: { source: { url }, targetNamespace: 'Not_A_Namespace' },
      message: /spec\.targetNamespace/,
    },
  ];
  const unexpected: string[] = [];
  for (const c of cases) {
    try {
      await api.createNamespacedCustomObject({ group, version, namespace, plural, body: gitSync(c.name, c.spec) });
      unexpected.push(`${c.name}: accepted`);
    } catch (error) {
      if (!(error instanceof ApiException)) throw error;
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      if (error.code !== 422 || !c.message.test(body)) unexpected.push(`${c.name}: ${error.code} ${body}`);
    }
  }
  assert.deepEqual(unexpected, []);
});

test('GitSync: status is a subresource, history is capped at 10, and kubectl prints Ready and Revision', async (t) => {
  const env = await gitSyncEnv(t, 'gitsync-status');
  if (env === undefined) return;
  const { api, namespace, plane } = env;
  const ignoredStatus = { status: { lastAppliedRevision: 'set-on-create' } };
  const body = gitSync('app', { source: { url: 'https://git.example.com/repo.git' } }, ignoredStatus);
  await api.createNamespacedCustomObject({ group, version, namespace, plural, body });
  const created: Loose = await api.getNamespacedCustomObject({ group, version, namespace, plural, name: 'app' });
  assert.equal(created.status, undefined, 'status on create is dropped');

  const entry = {
    revision: 'main@sha1:0123456',
    result: 'Succeeded',
    startedAt: '2026-01-01T00:00:00Z',
    objectsChanged: 3,
  };
  const status = {
    observedGeneration: 1,
    lastAppliedRevision: 'main@sha1:0123456',
    lastAttemptedRevision: 'main@sha1:0123456',
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Applied', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ],
    inventory: { entries: [{ id: `${namespace}_web_apps_Deployment`, v: 'v1' }] },
    history: [entry],
  };
  const patchStatus = (s: unknown): Promise<KubectlRun> =>
    kubectl([
      ...['--kubeconfig', plane.kubeconfigPath, '-n', namespace, 'patch', 'gitsync', 'app', '--subresource=status'],
      ...['--type=merge', '-p', JSON.stringify({ status: s })],
    ]);
  const tooLong = await patchStatus({ history: Array.from({ length: 11 }, () => entry) });
  assert.notEqual(tooLong.code, 0);
  assert.match(tooLong.stderr, /status\.history: Too many: 11: must have at most 10 items/);
  const ok = await patchStatus(status);
  assert.equal(ok.code, 0, ok.stderr);

  const table = await kubectlOk(['--kubeconfig', plane.kubeconfigPath, '-n', namespace, 'get', 'gitsyncs']);
  const [header, row, ...rest] = table
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  assert.deepEqual(header, ['NAME', 'READY', 'REVISION', 'AGE']);
  assert.deepEqual(row?.slice(0, 3), ['app', 'True', 'main@sha1:0123456']);
  assert.deepEqual(rest, []);
});

test('the Helm chart ships exactly the CRDs of crds/', async () => {
  for (const name of [
    'gitsyncs.gitseal.dev.yaml',
    'notificationalerts.gitseal.dev.yaml',
    'notificationproviders.gitseal.dev.yaml',
    'sealedsecrets.gitseal.dev.yaml',
  ]) {
    const source = await readFile(`${REPO_ROOT}/crds/${name}`, 'utf8');
    const chart = await readFile(`${REPO_ROOT}/deploy/helm/gitseal/crds/${name}`, 'utf8');
    assert.equal(chart, source, `deploy/helm/gitseal/crds/${name} differs from crds/${name}: copy it over`);
  }
});

test('kubectl apply -f crds/ installs exactly the CRDs (as users type it), and -k crds/ still works', async (t) => {
  const env = setup(t);
  if (env === undefined) return;
  const kubeconfig = ['--kubeconfig', env.plane.kubeconfigPath];
  const byFiles = await kubectl([
    ...kubeconfig,
    'apply',
    '--server-side',
    '--dry-run=server',
    '-f',
    `${REPO_ROOT}/crds/`,
  ]);
  assert.equal(byFiles.code, 0, byFiles.stderr);
  const names = (out: string) =>
    out
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0])
      .sort();
  const expected = [
    'customresourcedefinition.apiextensions.k8s.io/gitsyncs.gitseal.dev',
    'customresourcedefinition.apiextensions.k8s.io/notificationalerts.gitseal.dev',
    'customresourcedefinition.apiextensions.k8s.io/notificationproviders.gitseal.dev',
    'customresourcedefinition.apiextensions.k8s.io/sealedsecrets.gitseal.dev',
  ];
  assert.deepEqual(names(byFiles.stdout), expected);
  const byKustomize = await kubectlOk([
    ...kubeconfig,
    'apply',
    '--server-side',
    '--dry-run=server',
    '-k',
    `${REPO_ROOT}/crds/`,
  ]);
  assert.deepEqual(names(byKustomize), expected);
});
