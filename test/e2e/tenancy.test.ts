// Tenancy lockdown, tried the way an attacker would: the controller runs on a TokenRequest token bound to exactly
// the shipped deploy/base RBAC; the tenant `alice` may only create GitSyncs and ConfigMaps in her namespace and acts
// through impersonation. Every escape attempt must end in a clear condition with nothing written outside her
// namespace (checked by listing) and no plaintext anywhere.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  type RbacV1Subject,
  type V1PolicyRule,
} from '@kubernetes/client-node';
import { createTestNamespace, impersonating, kubectlOk, sharedControlPlane } from '../support/index.js';
import { installBase, removeBase, SYSTEM_NAMESPACE, type BaseInstall } from './base-install.js';
import { assertNoMarkers, marker } from './cli-harness.js';
import {
  allControllerOutput,
  sealItems,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
} from './controller-harness.js';
import {
  configMapJson,
  createGitRepo,
  gitSyncCondition,
  GitSyncs,
  serveOverHttp,
  type GitRepo,
} from './sync-harness.js';

const MANAGER = 'tenancy-e2e';
const TENANT = 'alice';
const markers: string[] = [];
const repos: GitRepo[] = [];
const servers: Server[] = [];
const gitCacheDir = mkdtempSync(join(tmpdir(), 'gitseal-tenancy-git-'));
let base: BaseInstall | undefined;

after(async () => {
  await stopAllControllers();
  const output = allControllerOutput();
  if (process.env.GITSEAL_E2E_LOG_DIR) writeFileSync(join(process.env.GITSEAL_E2E_LOG_DIR, 'tenancy.log'), output);
  for (const repo of repos) repo.remove();
  for (const server of servers) server.close();
  rmSync(gitCacheDir, { recursive: true, force: true });
  if (base) await removeBase(base.plane.kubeconfigPath, base.applied);
  assertNoMarkers(output, markers, 'controller output');
});

const shared = sharedControlPlane();

interface Env {
  readonly base: BaseInstall;
  readonly controller: ControllerProcess;
  readonly certPem: string;
  /** Alice's namespace, and another tenant's. */
  readonly teamA: string;
  readonly teamB: string;
  /** GitSyncs as alice (impersonated) and as the admin. */
  readonly alice: GitSyncs;
  readonly aliceKc: KubeConfig;
  readonly admin: GitSyncs;
}

let envOnce: Promise<Env> | undefined;

async function role(kc: KubeConfig, namespace: string, name: string, rules: V1PolicyRule[], subject: RbacV1Subject) {
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [subject],
    },
  });
}

const ALL = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

async function setUp(t: TestContext): Promise<Env | undefined> {
  const plane = shared.use(t);
  if (!plane) return undefined;
  envOnce ??= (async () => {
    base = await installBase(plane, MANAGER);
    const kc = base.admin.kc;
    const core = base.admin.core;
    const teamA = await createTestNamespace(kc, 'team-a');
    const teamB = await createTestNamespace(kc, 'team-b');
    // Alice: GitSyncs and ConfigMaps in team-a, nothing else (no Secrets, nothing cluster-scoped).
    await role(
      kc,
      teamA,
      'alice',
      [
        { apiGroups: ['gitseal.dev'], resources: ['gitsyncs'], verbs: ALL },
        { apiGroups: [''], resources: ['configmaps'], verbs: ALL },
      ],
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: TENANT },
    );
    // team-a's ServiceAccounts: `deployer` (everything in team-a), `limited` (ConfigMaps only), and `powerful`,
    // which some other installer bound to cluster-admin.
    for (const name of ['deployer', 'limited', 'powerful']) {
      await core.createNamespacedServiceAccount({ namespace: teamA, body: { metadata: { name } } });
    }
    await kc.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: teamA,
      body: {
        metadata: { name: 'deployer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: teamA }],
      },
    });
    await role(kc, teamA, 'limited', [{ apiGroups: [''], resources: ['configmaps'], verbs: ALL }], {
      kind: 'ServiceAccount',
      name: 'limited',
      namespace: teamA,
    });
    await kc.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
      body: {
        metadata: { name: `${teamA}-powerful` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'powerful', namespace: teamA }],
      },
    });
    t.after(() => kc.makeApiClient(RbacAuthorizationV1Api).deleteClusterRoleBinding({ name: `${teamA}-powerful` }));
    const controller = await startControllerProcess(
      base.controllerKubeconfig,
      [
        '--namespace',
        SYSTEM_NAMESPACE,
        '--key-size',
        '2048',
        '--git-allow-file',
        '--git-allow-http',
        '--git-cache-dir',
        gitCacheDir,
        '--resync-period',
        '0',
        '--allowed-service-accounts',
        'deployer,limited',
      ],
      { leaderElect: true },
    );
    const certPem = await waitFor('sealing certificate', async () => {
      const res = await fetch(`${controller.api}/v1/cert.pem`);
      return res.status === 200 ? res.text() : undefined;
    });
    await waitFor('gitseal-certs published', () =>
      core.readNamespacedConfigMap({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-certs' }).catch(() => undefined),
    );
    const aliceKc = impersonating(kc, TENANT);
    return { base, controller, certPem, teamA, teamB, alice: new GitSyncs(aliceKc), aliceKc, admin: new GitSyncs(kc) };
  })();
  return envOnce;
}

interface GitSyncStatusOnly {
  status?: unknown;
}

let counter = 0;

/** Alice commits `files` to a fresh repository and creates a GitSync for it in team-a. */
async function attempt(e: Env, files: Record<string, string>, spec: Record<string, unknown> = {}): Promise<string> {
  const repo = createGitRepo();
  repos.push(repo);
  repo.commit(files);
  const name = `try-${++counter}`;
  await e.alice.create(e.teamA, name, { source: { url: repo.url }, interval: '1h', ...spec });
  return name;
}

/** Waits for Ready=False with `reason` and returns the condition's message. */
async function refusedWith(e: Env, name: string, reason: string, stalled = true): Promise<string> {
  const o = await e.admin.waitFor(e.teamA, name, reason, (g) => gitSyncCondition(g, 'Ready')?.reason === reason);
  const ready = gitSyncCondition(o, 'Ready');
  assert.equal(ready?.status, 'False');
  if (stalled) assert.equal(gitSyncCondition(o, 'Stalled')?.status, 'True', `${reason} stalls`);
  assert.equal(o.status?.lastAppliedRevision, undefined, 'nothing applied');
  assert.ok(!(ready?.message ?? '').includes('\n'), 'one line');
  return ready?.message ?? '';
}

const sealedSecret = (e: Env, namespace: string, name: string, items: Record<string, string>, extra = {}) =>
  JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace },
    spec: { encryptedData: sealItems(e.certPem, 'strict', namespace, name, items), ...extra },
  });

const json = (o: unknown): string => JSON.stringify(o);

// --- identity ---

test('1. a GitSync without serviceAccountName is refused: ServiceAccountRequired, saying how to fix it', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(e, { 'cm.yaml': configMapJson('no-sa', { a: '1' }) });
  const message = await refusedWith(e, name, 'ServiceAccountRequired');
  assert.match(message, /set spec\.serviceAccountName to a ServiceAccount of namespace team-a/);
  await assert.rejects(e.base.admin.core.readNamespacedConfigMap({ namespace: e.teamA, name: 'no-sa' }));
});

test('2. a ServiceAccount outside --allowed-service-accounts (bound to cluster-admin) is refused', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(
    e,
    { 'cm.yaml': configMapJson('powerful', { a: '1' }) },
    { serviceAccountName: 'powerful' },
  );
  assert.match(await refusedWith(e, name, 'ServiceAccountNotAllowed'), /"powerful" is not one of/);
});

test("3. naming the controller's own ServiceAccount is refused", async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(
    e,
    { 'cm.yaml': configMapJson('as-controller', { a: '1' }) },
    {
      serviceAccountName: 'gitseal-controller',
    },
  );
  await refusedWith(e, name, 'ServiceAccountNotAllowed');
});

// --- the controller's namespace and gitseal's own objects ---

const protectedAttempts: [string, Record<string, string>][] = [
  [
    '4. the certificate ConfigMap gitseal-certs',
    { 'certs.yaml': configMapJson('gitseal-certs', { 'cert.pem': 'x' }, SYSTEM_NAMESPACE) },
  ],
  [
    '5. a ConfigMap anywhere in the controller namespace',
    { 'x.yaml': configMapJson('anything', { a: '1' }, SYSTEM_NAMESPACE) },
  ],
  [
    "6. the controller's Lease",
    {
      'lease.yaml': json({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'gitseal-controller', namespace: SYSTEM_NAMESPACE },
        spec: { holderIdentity: 'alice' },
      }),
    },
  ],
  [
    '7. a Secret named like a sealing key in the controller namespace',
    {
      'key.yaml': json({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          name: 'gitseal-key-evil',
          namespace: SYSTEM_NAMESPACE,
          labels: { 'gitseal.dev/sealing-key': 'active' },
        },
      }),
    },
  ],
  [
    "8. the controller's Deployment",
    {
      'deploy.yaml': json({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'gitseal-controller', namespace: SYSTEM_NAMESPACE },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'evil' }] } },
        },
      }),
    },
  ],
  [
    "9. gitseal's GitSync CRD",
    {
      'crd.yaml': json({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gitsyncs.gitseal.dev' },
        spec: {},
      }),
    },
  ],
  [
    "10. gitseal's ClusterRole",
    {
      'role.yaml': json({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'gitseal-sync' },
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      }),
    },
  ],
  [
    "11. the controller's Namespace",
    { 'ns.yaml': json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SYSTEM_NAMESPACE } }) },
  ],
];

for (const [title, files] of protectedAttempts) {
  test(`${title} is refused as ProtectedObject before any write, even with a cluster-admin-like account`, async (t) => {
    const e = await setUp(t);
    if (!e) return;
    const name = await attempt(
      e,
      { ...files, 'ok.yaml': configMapJson(`innocent-${counter + 1}`, { a: '1' }) },
      {
        serviceAccountName: 'deployer',
      },
    );
    const message = await refusedWith(e, name, 'ProtectedObject');
    assert.match(message, /GitSyncs may not write it/);
    await assert.rejects(
      e.base.admin.core.readNamespacedConfigMap({ namespace: e.teamA, name: `innocent-${counter}` }),
      'not even the harmless object of the same revision was written',
    );
  });
}

// --- outside the namespace ---

test('12. a ConfigMap in another tenant’s namespace is refused: ObjectOutsideNamespace', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(
    e,
    { 'x.yaml': configMapJson('planted', { a: '1' }, e.teamB) },
    { serviceAccountName: 'deployer' },
  );
  assert.match(
    await refusedWith(e, name, 'ObjectOutsideNamespace'),
    new RegExp(`ConfigMap ${e.teamB}/planted: is in namespace`),
  );
  await assert.rejects(e.base.admin.core.readNamespacedConfigMap({ namespace: e.teamB, name: 'planted' }));
});

test('13. a ClusterRoleBinding to cluster-admin is refused: ObjectOutsideNamespace', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'alice-admin' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: TENANT }],
  };
  const name = await attempt(e, { 'crb.yaml': json(binding) }, { serviceAccountName: 'deployer' });
  assert.match(
    await refusedWith(e, name, 'ObjectOutsideNamespace'),
    /ClusterRoleBinding alice-admin: is cluster-scoped/,
  );
  await assert.rejects(
    e.base.admin.kc.makeApiClient(RbacAuthorizationV1Api).readClusterRoleBinding({ name: 'alice-admin' }),
  );
});

test('14. a new Namespace is refused: ObjectOutsideNamespace', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(
    e,
    { 'ns.yaml': json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alice-own' } }) },
    {
      serviceAccountName: 'deployer',
    },
  );
  await refusedWith(e, name, 'ObjectOutsideNamespace');
  await assert.rejects(e.base.admin.core.readNamespace({ name: 'alice-own' }));
});

test('15. spec.targetNamespace of another namespace is refused: CrossNamespaceReference', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(
    e,
    { 'cm.yaml': configMapJson('moved', { a: '1' }) },
    {
      serviceAccountName: 'deployer',
      targetNamespace: e.teamB,
    },
  );
  await refusedWith(e, name, 'CrossNamespaceReference');
  await assert.rejects(e.base.admin.core.readNamespacedConfigMap({ namespace: e.teamB, name: 'moved' }));
});

test("16. dependsOn probing another namespace's GitSyncs learns nothing: the same answer whether it exists or not", async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const repo = createGitRepo();
  repos.push(repo);
  repo.commit({ 'cm.yaml': configMapJson('b', { b: '1' }) });
  await e.admin.create(e.teamB, 'real', { source: { url: repo.url }, interval: '1h' });
  const files = { 'cm.yaml': configMapJson('probe', { a: '1' }) };
  const existing = await attempt(e, files, {
    serviceAccountName: 'deployer',
    dependsOn: [{ name: 'real', namespace: e.teamB }],
  });
  const missing = await attempt(e, files, {
    serviceAccountName: 'deployer',
    dependsOn: [{ name: 'nope', namespace: e.teamB }],
  });
  const a = await refusedWith(e, existing, 'CrossNamespaceReference');
  const b = await refusedWith(e, missing, 'CrossNamespaceReference');
  assert.equal(a, b);
  assert.ok(!a.includes('real') && !a.includes(e.teamB), a);
});

// --- credentials ---

test("17. secretRef to a Secret the GitSync's ServiceAccount may not read: refused, nothing sent to the attacker's host", async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const token = marker('other-app-git-token');
  markers.push(token);
  await e.base.admin.core.createNamespacedSecret({
    namespace: e.teamA,
    body: { metadata: { name: 'other-app-git' }, stringData: { username: 'bot', password: token } },
  });
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const name = `try-${++counter}`;
  await e.alice.create(e.teamA, name, {
    source: { url: `http://127.0.0.1:${port}/steal.git`, secretRef: { name: 'other-app-git' } },
    interval: '1h',
    serviceAccountName: 'limited',
  });
  const message = await refusedWith(e, name, 'GitFetchFailed', false);
  assert.match(
    message,
    new RegExp(
      `Secret ${e.teamA}/other-app-git \\(spec.source.secretRef\\): ServiceAccount ${e.teamA}/limited may not read it`,
    ),
  );
  assert.deepEqual(seen, [], 'the attacker host saw no request at all');
});

test('18. a token in the URL (https://TOKEN@host) is refused without echoing it', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const token = marker('url-token');
  markers.push(token);
  const name = `try-${++counter}`;
  await e.alice.create(e.teamA, name, {
    source: { url: `http://${token}@127.0.0.1:9/r.git` },
    interval: '1h',
    serviceAccountName: 'deployer',
  });
  const message = await refusedWith(e, name, 'GitFetchFailed', false);
  assert.match(message, /credentials in the URL are not allowed .*spec\.source\.secretRef/);
  assert.ok(!message.includes(token));
});

test('19. credentials given through secretRef never appear in a process command line during a fetch', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const repo = createGitRepo();
  repos.push(repo);
  repo.commit({ 'cm.yaml': configMapJson('over-http', { a: '1' }) });
  const password = marker('git-password');
  markers.push(password);
  const server = await serveOverHttp(repo.bare, `Basic ${Buffer.from(`git:${password}`).toString('base64')}`);
  t.after(() => server.close());
  await e.base.admin.core.createNamespacedSecret({
    namespace: e.teamA,
    body: { metadata: { name: 'git-creds' }, stringData: { username: 'git', password } },
  });
  const seenOnArgv: string[] = [];
  let scanning = true;
  const scan = (async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    while (scanning) {
      for (const pid of await readdir('/proc').catch(() => [])) {
        if (!/^\d+$/.test(pid)) continue;
        const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (cmdline.includes(password)) seenOnArgv.push(cmdline.replace(/\0/g, ' '));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const name = `try-${++counter}`;
  await e.alice.create(e.teamA, name, {
    source: { url: server.url, secretRef: { name: 'git-creds' } },
    interval: '1h',
    serviceAccountName: 'deployer',
  });
  const o = await e.admin.waitFor(e.teamA, name, 'Ready', (g) => gitSyncCondition(g, 'Ready')?.status === 'True');
  scanning = false;
  await scan;
  assert.deepEqual(seenOnArgv, []);
  assert.ok(server.seenAuthorization.length > 0, 'the credentials were used');
  assert.ok(!JSON.stringify(o).includes(password));
  const events = await e.base.admin.core.listNamespacedEvent({ namespace: e.teamA });
  assert.ok(!JSON.stringify(events.items).includes(password));
});

// --- rendering ---

test('20. spec.source.path climbing out of the checkout is refused', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const repo = createGitRepo();
  repos.push(repo);
  repo.commit({ 'cm.yaml': configMapJson('path', { a: '1' }) });
  const escaping = `try-${++counter}`;
  await e.alice
    .create(e.teamA, escaping, {
      source: { url: repo.url, path: '../../../../etc' },
      interval: '1h',
      serviceAccountName: 'deployer',
    })
    .then(
      async () => assert.match(await refusedWith(e, escaping, 'RenderFailed', false), /path/),
      (error: { code?: number }) => assert.equal(error.code, 422, 'or the CRD refuses it outright'),
    );
});

// --- plaintext and ownership ---

test('21. a plain Secret with data in Git is refused: PlaintextSecretInGit, value never shown', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const value = marker('plain-secret');
  markers.push(value);
  const name = await attempt(
    e,
    {
      's.yaml': json({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'plain' },
        stringData: { password: value },
      }),
    },
    { serviceAccountName: 'deployer' },
  );
  const message = await refusedWith(e, name, 'PlaintextSecretInGit');
  assert.ok(!message.includes(value));
});

test('22. a SealedSecret with a literal spec.template.data value is refused: PlaintextSecretInGit', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const value = marker('template-literal');
  markers.push(value);
  const name = await attempt(
    e,
    {
      'db.yaml': sealedSecret(e, e.teamA, 'db', { user: 'app' }, { template: { data: { token: value } } }),
    },
    { serviceAccountName: 'deployer' },
  );
  const message = await refusedWith(e, name, 'PlaintextSecretInGit');
  assert.match(message, /spec\.template\.data\.token is literal text/);
  assert.ok(!message.includes(value));
});

test("23. replaying another tenant's SealedSecret in my namespace does not open: SealedSecretUndecryptable", async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const value = marker('team-b-secret');
  markers.push(value);
  const stolen = JSON.parse(sealedSecret(e, e.teamB, 'db', { password: value })) as {
    metadata: { namespace?: string };
  };
  delete stolen.metadata.namespace;
  const name = await attempt(e, { 'db.yaml': json(stolen) }, { serviceAccountName: 'deployer' });
  await refusedWith(e, name, 'SealedSecretUndecryptable');
  await assert.rejects(e.base.admin.core.readNamespacedSecret({ namespace: e.teamA, name: 'db' }));
});

test('24. an object another GitSync of my namespace applied is not taken over silently: OwnershipConflict', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const first = await attempt(
    e,
    { 'cm.yaml': configMapJson('shared', { owner: 'first' }) },
    { serviceAccountName: 'deployer' },
  );
  await e.admin.waitFor(e.teamA, first, 'Ready', (g) => gitSyncCondition(g, 'Ready')?.status === 'True');
  const second = await attempt(
    e,
    { 'cm.yaml': configMapJson('shared', { owner: 'second' }) },
    { serviceAccountName: 'deployer' },
  );
  assert.match(
    await refusedWith(e, second, 'OwnershipConflict'),
    new RegExp(`already applied by GitSync ${e.teamA}/${first}`),
  );
  const cm = await e.base.admin.core.readNamespacedConfigMap({ namespace: e.teamA, name: 'shared' });
  assert.equal(cm.data?.['owner'], 'first');
  // The explicit takeover annotation in Git hands it over.
  const takeover = await attempt(
    e,
    {
      'cm.yaml': json({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared', annotations: { 'gitseal.dev/takeover': 'true' } },
        data: { owner: 'third' },
      }),
    },
    { serviceAccountName: 'deployer' },
  );
  await e.admin.waitFor(e.teamA, takeover, 'Ready', (g) => gitSyncCondition(g, 'Ready')?.status === 'True');
  const taken = await e.base.admin.core.readNamespacedConfigMap({ namespace: e.teamA, name: 'shared' });
  assert.equal(taken.data?.['owner'], 'third');
});

test("25. an object a platform GitSync applied: OwnershipConflict that does not name the platform's GitSync", async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const repo = createGitRepo();
  repos.push(repo);
  repo.commit({ 'cm.yaml': configMapJson('platform-owned', { owner: 'platform' }, e.teamA) });
  // The platform team's own account, in the controller's namespace.
  await e.base.admin.core.createNamespacedServiceAccount({
    namespace: SYSTEM_NAMESPACE,
    body: { metadata: { name: 'platform' } },
  });
  const rbac = e.base.admin.kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: 'tenancy-e2e-platform' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'platform', namespace: SYSTEM_NAMESPACE }],
    },
  });
  t.after(() => rbac.deleteClusterRoleBinding({ name: 'tenancy-e2e-platform' }));
  await e.admin.create(SYSTEM_NAMESPACE, 'platform', {
    source: { url: repo.url },
    interval: '1h',
    serviceAccountName: 'platform',
  });
  await e.admin.waitFor(SYSTEM_NAMESPACE, 'platform', 'Ready', (g) => gitSyncCondition(g, 'Ready')?.status === 'True');
  const name = await attempt(
    e,
    { 'cm.yaml': configMapJson('platform-owned', { owner: 'alice' }) },
    { serviceAccountName: 'deployer' },
  );
  const message = await refusedWith(e, name, 'OwnershipConflict');
  assert.match(message, /a GitSync in another namespace/);
  assert.ok(!message.includes(SYSTEM_NAMESPACE) && !message.includes('platform '), message);
});

test("27. webhookSecretRef to a Secret the GitSync's account may not read: the webhook is no oracle for it", async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const token = marker('other-app-webhook-token');
  markers.push(token);
  await e.base.admin.core.createNamespacedSecret({
    namespace: e.teamA,
    body: { metadata: { name: 'other-app-hook' }, stringData: { token } },
  });
  const name = await attempt(
    e,
    { 'cm.yaml': configMapJson('hooked', { a: '1' }) },
    {
      serviceAccountName: 'limited',
      webhookSecretRef: { name: 'other-app-hook' },
    },
  );
  await e.admin.waitFor(e.teamA, name, 'Ready', (g) => gitSyncCondition(g, 'Ready')?.status === 'True');
  const body = JSON.stringify({ ref: 'refs/heads/main' });
  const signature = `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
  // The webhook cache picks up new GitSyncs within 2 s: give it time, then a correctly signed delivery must fail.
  await new Promise((r) => setTimeout(r, 3_000));
  const res = await fetch(`${e.controller.api}/hooks/${e.teamA}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  });
  assert.equal(res.status, 401, 'a signature made with a Secret the account cannot read is not accepted');
});

// --- rendering through kustomize ---

test('28. a kustomization whose base climbs out of the checkout is refused before kustomize runs', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(
    e,
    {
      'kustomization.yaml': 'resources:\n- ../../../../../../../../etc\n- cm.yaml\n',
      'cm.yaml': configMapJson('kz-escape', { a: '1' }),
    },
    { serviceAccountName: 'deployer' },
  );
  assert.match(
    await refusedWith(e, name, 'RenderFailed', false),
    /kustomization\.yaml: resources\[0\].*leaves the checkout/,
  );
  await assert.rejects(e.base.admin.core.readNamespacedConfigMap({ namespace: e.teamA, name: 'kz-escape' }));
});

test('29. a remote kustomize resource on loopback is refused and the server sees no request', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end(configMapJson('remote', { a: '1' }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const name = await attempt(
    e,
    { 'kustomization.yaml': `resources:\n- http://127.0.0.1:${port}/cm.yaml\n` },
    {
      serviceAccountName: 'deployer',
    },
  );
  assert.match(await refusedWith(e, name, 'RenderFailed', false), /remote/);
  assert.equal(requests, 0);
});

test('30. a kustomization asking for Helm charts is refused', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const name = await attempt(
    e,
    {
      'kustomization.yaml': 'helmCharts:\n- name: evil\n  repo: https://charts.invalid\n  version: 1.0.0\n',
    },
    { serviceAccountName: 'deployer' },
  );
  assert.match(await refusedWith(e, name, 'RenderFailed', false), /Helm/i);
});

// --- the certificate and the API ---

test('31. whoever overwrites gitseal-certs, the controller (on the shipped RBAC) restores it within 2 s', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const core = e.base.admin.core;
  const certs = await core.readNamespacedConfigMap({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-certs' });
  const poisoned = { ...certs, data: { ...certs.data, 'cert.pem': 'attacker certificate' } };
  const started = Date.now();
  await core.replaceNamespacedConfigMap({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-certs', body: poisoned });
  await waitFor(
    'gitseal-certs restored',
    async () => {
      const now = await core.readNamespacedConfigMap({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-certs' });
      return now.data?.['cert.pem'] === e.certPem ? true : undefined;
    },
    5_000,
    20,
  );
  assert.ok(Date.now() - started <= 2_000, `restored after ${Date.now() - started} ms`);
});

test('32. a /v1/verify flood is rate-limited and a new SealedSecret still unseals promptly', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const items: Record<string, string> = {};
  for (let i = 0; i < 64; i++) items[`k${i}`] = `v${i}`;
  const body = JSON.stringify(JSON.parse(sealedSecret(e, e.teamA, 'flood', items)));
  const codes: number[] = [];
  const flood = Promise.all(
    Array.from({ length: 60 }, () =>
      fetch(`${e.controller.api}/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }).then(
        (r) => codes.push(r.status),
        () => codes.push(0),
      ),
    ),
  );
  const value = marker('during-flood');
  markers.push(value);
  const cluster = e.base.admin;
  const started = Date.now();
  await cluster.createSealed({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'during-flood', namespace: e.teamA },
    spec: { encryptedData: sealItems(e.certPem, 'strict', e.teamA, 'during-flood', { value }), template: {} },
  });
  await cluster.waitSecretData(e.teamA, 'during-flood', { value: Buffer.from(value).toString('base64') });
  const unsealMs = Date.now() - started;
  await flood;
  assert.ok(codes.includes(429), `the flood was rate-limited: ${[...new Set(codes)].join(',')}`);
  assert.ok(unsealMs < 10_000, `unsealed in ${unsealMs} ms during the flood`);
});

test('33. a cluster-scoped kind render cannot know, with an account that may write it cluster-wide: refused before any write', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const group = 'tenancy.e2e.gitseal.dev';
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `clusterwidgets.${group}` },
    spec: {
      group,
      scope: 'Cluster',
      names: {
        kind: 'ClusterWidget',
        plural: 'clusterwidgets',
        singular: 'clusterwidget',
        listKind: 'ClusterWidgetList',
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
  await kubectlOk(['--kubeconfig', e.base.plane.kubeconfigPath, 'apply', '-f', '-'], JSON.stringify(crd));
  await kubectlOk([
    '--kubeconfig',
    e.base.plane.kubeconfigPath,
    'wait',
    '--for=condition=Established',
    `crd/clusterwidgets.${group}`,
  ]);
  // Another team's installer lets `limited` manage these everywhere.
  const rbac = e.base.admin.kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: 'tenancy-e2e-widgets' },
      rules: [{ apiGroups: [group], resources: ['clusterwidgets'], verbs: ALL }],
    },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: 'tenancy-e2e-widgets' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tenancy-e2e-widgets' },
      subjects: [{ kind: 'ServiceAccount', name: 'limited', namespace: e.teamA }],
    },
  });
  t.after(async () => {
    await rbac.deleteClusterRoleBinding({ name: 'tenancy-e2e-widgets' });
    await rbac.deleteClusterRole({ name: 'tenancy-e2e-widgets' });
  });
  const name = await attempt(
    e,
    { 'w.yaml': json({ apiVersion: `${group}/v1`, kind: 'ClusterWidget', metadata: { name: 'escaped' } }) },
    {
      serviceAccountName: 'limited',
    },
  );
  // Its scope comes from API discovery, not the manifest: refused in preflight (the tenant's applier, which
  // refuses it too, is the last line of defence behind that).
  const message = await refusedWith(e, name, 'ObjectOutsideNamespace');
  assert.match(
    message,
    new RegExp(
      `w\\.yaml#0: ClusterWidget escaped: is cluster-scoped; a GitSync outside the controller's namespace writes only into ${e.teamA}`,
    ),
  );
  const listed = await kubectlOk([
    '--kubeconfig',
    e.base.plane.kubeconfigPath,
    'get',
    `clusterwidgets.${group}`,
    '-o',
    'name',
  ]);
  assert.equal(listed.trim(), '', 'no ClusterWidget was created');
});

// --- direct access ---

test('26. alice herself cannot touch the certificate, keys or Secrets (RBAC), and her GitSyncs cannot either', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const core = e.aliceKc.makeApiClient(CoreV1Api);
  const forbidden = (error: { code?: number }) => error.code === 403;
  await assert.rejects(core.readNamespacedConfigMap({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-certs' }), forbidden);
  await assert.rejects(core.listNamespacedSecret({ namespace: e.teamA }), forbidden);
  await assert.rejects(
    e.aliceKc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectStatus({
      group: 'gitseal.dev',
      version: 'v1alpha1',
      plural: 'gitsyncs',
      namespace: e.teamA,
      name: 'try-1',
      body: [
        {
          op: 'add',
          path: '/status',
          value: { inventory: { entries: [{ id: `${SYSTEM_NAMESPACE}_gitseal-certs__ConfigMap`, v: 'v1' }] } },
        },
      ],
    }),
    forbidden,
    'nor forge the inventory prune reads',
  );
});

// --- after all of it ---

test('nothing was written outside team-a, the published certificate is the controller’s, and no plaintext leaked', async (t) => {
  const e = await setUp(t);
  if (!e) return;
  const core = e.base.admin.core;
  const labelled = await core.listConfigMapForAllNamespaces({ labelSelector: 'gitseal.dev/sync' });
  const outside = labelled.items
    .map((cm) => `${cm.metadata?.namespace}/${cm.metadata?.name}`)
    .filter((id) => !id.startsWith(`${e.teamA}/`));
  assert.deepEqual(outside, [], 'ConfigMaps applied by GitSyncs, outside team-a');
  const bindings = await e.base.admin.kc
    .makeApiClient(RbacAuthorizationV1Api)
    .listClusterRoleBinding({ labelSelector: 'gitseal.dev/sync' });
  assert.deepEqual(
    bindings.items.map((b) => b.metadata?.name),
    [],
  );
  const teamB = await core.listNamespacedConfigMap({ namespace: e.teamB, labelSelector: 'gitseal.dev/sync' });
  assert.deepEqual(teamB.items, []);
  const system = await core.listNamespacedConfigMap({ namespace: SYSTEM_NAMESPACE });
  assert.deepEqual(
    system.items
      .map((c) => c.metadata?.name)
      .filter((n) => n !== 'kube-root-ca.crt')
      .sort(),
    ['gitseal-certs'],
  );
  const certs = system.items.find((c) => c.metadata?.name === 'gitseal-certs');
  assert.equal(certs?.data?.['cert.pem'], e.certPem);
  assert.equal(certs?.metadata?.labels?.['gitseal.dev/sync'], undefined);
  const keys = await core.listNamespacedSecret({ namespace: SYSTEM_NAMESPACE });
  assert.ok(
    keys.items.every((s) => s.metadata?.name?.startsWith('gitseal-key-') && !s.metadata.labels?.['gitseal.dev/sync']),
  );
  const leaseHolder = await e.base.admin.kc
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-controller' });
  assert.notEqual(leaseHolder.spec?.holderIdentity, 'alice');
  const all = await e.base.admin.custom.listNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    plural: 'gitsyncs',
    namespace: e.teamA,
  });
  const events = await core.listNamespacedEvent({ namespace: e.teamA });
  // Specs hold what alice typed (test 18's URL token); statuses and Events are what gitseal wrote.
  const statuses = (all as { items: GitSyncStatusOnly[] }).items.map((g) => g.status);
  assertNoMarkers(JSON.stringify([statuses, events.items]), markers, 'GitSync statuses and Events');
});
