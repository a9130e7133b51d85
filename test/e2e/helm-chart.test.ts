// deploy/helm/gitseal: rendered with a real helm (built once with Go, see test/cluster/helm-binary.ts), compared
// with deploy/base as `kubectl kustomize` renders it, then checked against the real kube-apiserver.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test, type TestContext } from 'node:test';
import { createProgram, type ControllerOptions } from '@gitseal/controller';
import { ClusterError, ClusterErrorCode, resolveHelmBinary } from '../cluster/index.js';
import {
  asKubectlList,
  createTestNamespace,
  installCrd,
  isCI,
  kubeConfigFor,
  kubectl,
  kubectlOk,
  parseRendered,
  renderKustomize,
  runCommand,
  runCommandOk,
  sharedControlPlane,
  type RenderedObject,
} from '../support/index.js';

const shared = sharedControlPlane();
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const chartDir = join(repoRoot, 'deploy/helm/gitseal');
const NS = 'gitseal-system';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects, read as loose JSON
type Loose = any;

// Helm keeps its own cache and config here, not in the user's home.
const helmHome = mkdtempSync(join(tmpdir(), 'gitseal-helm-'));
const helmEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_DATA_HOME: join(helmHome, 'data'),
};
after(() => rmSync(helmHome, { recursive: true, force: true }));

let helmBin: string | undefined;
let helmSkip: string | undefined;
before(
  async () => {
    try {
      helmBin = await resolveHelmBinary();
    } catch (error) {
      if (isCI() || !(error instanceof ClusterError) || error.code !== ClusterErrorCode.BinariesUnavailable)
        throw error;
      helmSkip = `helm unavailable, chart tests skipped (they fail under CI=true): ${error.message}`;
    }
  },
  { timeout: 20 * 60_000 },
);

const runHelm = (bin: string, args: string[]) => runCommand(bin, args, { env: helmEnv });
const helmOk = (bin: string, args: string[]) => runCommandOk(bin, args, { env: helmEnv });

/** The helm binary, or undefined after marking the test skipped (outside CI only). */
function helm(t: TestContext): string | undefined {
  if (helmBin) return helmBin;
  if (helmSkip === undefined) throw new Error('helm was not resolved in before()');
  t.skip(helmSkip);
  return undefined;
}

/** `helm template` of the chart into gitseal-system, with `--set` pairs; CRDs included. */
async function render(bin: string, sets: string[] = [], namespace = NS): Promise<RenderedObject[]> {
  const args = ['template', 'gitseal', chartDir, '--namespace', namespace, '--include-crds'];
  return parseRendered(await helmOk(bin, [...args, ...sets.flatMap((s) => ['--set', s])]));
}

const key = (o: RenderedObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function one(objects: RenderedObject[], kind: string, name: string): Loose {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  assert.equal(found.length, 1, `exactly one ${kind}/${name}`);
  return found[0];
}

function containerOf(objects: RenderedObject[]): Loose {
  return one(objects, 'Deployment', 'gitseal-controller').spec.template.spec.containers[0];
}

/** The Deployment's args as the controller's own flag parser reads them. */
async function parsedArgs(objects: RenderedObject[]): Promise<ControllerOptions> {
  const args = (containerOf(objects).args as string[]).map((a) => a.replace('$(POD_NAMESPACE)', NS));
  let parsed: ControllerOptions | undefined;
  const program = createProgram('0.0.0-test', async (options) => {
    parsed = options;
  }).exitOverride();
  await program.parseAsync(['node', 'gitseal-controller', ...args]);
  assert.ok(parsed, 'the program ran');
  return parsed;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const crdFiles = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /^kind: CustomResourceDefinition$/m.test(read(dir, e.name)))
    .map((e) => e.name);

test("the chart's crds/ are byte-identical copies of the repo's CRDs", () => {
  const repoCrds = join(repoRoot, 'crds');
  const chartCrds = join(chartDir, 'crds');
  const names = crdFiles(repoCrds).sort();
  assert.deepEqual(names, [
    'gitsyncs.gitseal.dev.yaml',
    'notificationalerts.gitseal.dev.yaml',
    'notificationproviders.gitseal.dev.yaml',
    'sealedsecrets.gitseal.dev.yaml',
  ]);
  assert.deepEqual(readdirSync(chartCrds).sort(), names, 'chart crds/ holds exactly these files');
  for (const name of names) {
    assert.ok(readFileSync(join(chartCrds, name)).equals(readFileSync(join(repoCrds, name))), `${name} drifted`);
  }
});

test('helm lint --strict passes with the defaults and with every option changed', async (t) => {
  const bin = helm(t);
  if (bin === undefined) return;
  await helmOk(bin, ['lint', '--strict', chartDir]);
  const sets = [
    'bitnamiCompat=true',
    'watchNamespaces={a,b}',
    'syncEngine.enabled=false',
    'networkPolicy.enabled=false',
    'notifications.enabled=false',
    'notifications.link=https://gitseal.example/{name}',
    'notifications.allowHttp=true',
  ];
  await helmOk(bin, ['lint', '--strict', chartDir, ...sets.flatMap((s) => ['--set', s])]);
});

/** An object without what Helm adds on purpose: its two labels and the Deployment's explicit imagePullPolicy. */
function comparable(o: RenderedObject): Loose {
  const copy: Loose = structuredClone(o);
  for (const label of ['app.kubernetes.io/managed-by', 'helm.sh/chart']) delete copy.metadata.labels?.[label];
  if (o.kind === 'Deployment') for (const c of copy.spec.template.spec.containers) delete c.imagePullPolicy;
  return copy;
}

test('with the defaults the chart renders exactly what deploy/base renders', async (t) => {
  const bin = helm(t);
  if (bin === undefined) return;
  const chart = await render(bin);
  const base = await renderKustomize('deploy/base');
  assert.deepEqual(chart.map(key).sort(), base.map(key).sort());
  for (const b of base) {
    // CRDs are compared byte for byte above (kustomize adds its part-of label to them, Helm cannot).
    if (b.kind === 'CustomResourceDefinition') continue;
    const c = chart.find((o) => key(o) === key(b)) as RenderedObject;
    assert.equal(c.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm', `${key(c)} managed-by`);
    assert.equal(c.metadata.labels?.['helm.sh/chart'], 'gitseal-0.1.0', `${key(c)} chart label`);
    assert.deepEqual(comparable(c), b, key(b));
  }
  const container = containerOf(chart);
  assert.equal(container.imagePullPolicy, 'IfNotPresent');
  assert.equal(container.image, 'ghcr.io/gitseal/gitseal-controller:0.1.0');
});

test('values change the Deployment: image, replicas, resources and every controller flag', async (t) => {
  const bin = helm(t);
  if (bin === undefined) return;
  const objects = await render(bin, [
    'image.repository=registry.example.com/gitseal',
    'image.tag=1.2.3',
    'image.pullPolicy=Always',
    'replicaCount=3',
    'resources.limits.cpu=1',
    'keyRenewPeriod=24h',
    'keySize=3072',
    'bitnamiCompat=true',
    'watchNamespaces={team-a,team-b}',
    'logLevel=debug',
    'notifications.link=https://gitseal.example/{kind}/{namespace}/{name}',
    'notifications.allowHttp=true',
  ]);
  const deployment = one(objects, 'Deployment', 'gitseal-controller');
  assert.equal(deployment.spec.replicas, 3);
  const container = containerOf(objects);
  assert.equal(container.image, 'registry.example.com/gitseal:1.2.3');
  assert.equal(container.imagePullPolicy, 'Always');
  assert.deepEqual(container.resources.limits, { cpu: 1, memory: '512Mi' });
  assert.ok(container.args.includes('--bitnami-compat'));
  assert.ok(container.args.includes('--namespaces=team-a,team-b'));
  const parsed = await parsedArgs(objects);
  assert.deepEqual(parsed.namespaces, ['team-a', 'team-b']);
  assert.equal(parsed.bitnamiCompat, true);
  assert.equal(parsed.keyRenewPeriodMs, 24 * 3600_000);
  assert.equal(parsed.keySize, 3072);
  assert.equal(parsed.logLevel, 'debug');
  assert.equal(parsed.leaderElect, true);
  assert.deepEqual(parsed.notifications, {
    enabled: true,
    linkPattern: 'https://gitseal.example/{kind}/{namespace}/{name}',
    allowHttp: true,
  });
  assert.equal((await parsedArgs(await render(bin, ['notifications.enabled=false']))).notifications.enabled, false);

  const defaults = await parsedArgs(await render(bin));
  assert.deepEqual([defaults.bitnamiCompat, defaults.namespaces], [false, []]);
  const single = await parsedArgs(await render(bin, ['leaderElection.enabled=false']));
  assert.equal(single.leaderElect, false);
  assert.equal(defaults.sync, true);
  assert.equal((await parsedArgs(await render(bin, ['syncEngine.enabled=false']))).sync, false, '--no-sync');
});

test('values drop objects: sync RBAC, NetworkPolicy, Namespace; watchNamespaces binds per namespace', async (t) => {
  const bin = helm(t);
  if (bin === undefined) return;
  const all = (await render(bin)).map(key);
  const sets = ['syncEngine.enabled=false', 'networkPolicy.enabled=false', 'namespace.create=false'];
  const fewer = (await render(bin, sets)).map(key);
  const dropped = all.filter((k) => !fewer.includes(k)).sort();
  assert.deepEqual(dropped, [
    'ClusterRole//gitseal-sync',
    'ClusterRoleBinding//gitseal-sync',
    `Namespace//${NS}`,
    `NetworkPolicy/${NS}/gitseal-controller`,
  ]);
  assert.deepEqual(
    fewer.filter((k) => !all.includes(k)),
    [],
  );

  const watching = await render(bin, ['watchNamespaces={team-a,team-b}']);
  assert.equal(
    watching.filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'gitseal-controller').length,
    0,
    'no cluster-wide binding of the controller role',
  );
  for (const namespace of ['team-a', 'team-b']) {
    const binding = watching.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === namespace) as Loose;
    assert.deepEqual(binding?.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'gitseal-controller',
    });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'gitseal-controller', namespace: NS }]);
  }
});

test('the chart refuses unsafe or invalid values', async (t) => {
  const bin = helm(t);
  if (bin === undefined) return;
  const refused = async (sets: string[], message: RegExp) => {
    const args = ['template', 'gitseal', chartDir, '--namespace', NS, ...sets.flatMap((s) => ['--set', s])];
    const result = await runHelm(bin, args);
    assert.notEqual(result.code, 0, sets.join(' '));
    assert.match(result.stderr, message);
  };
  await refused(['replicaCount=2', 'leaderElection.enabled=false'], /replicaCount > 1 needs leaderElection/);
  await refused(['watchNamespaces={Team_A}'], /"Team_A" is not a namespace name/);
});

// --- against the real control plane ---

async function kubectlApply(kubeconfig: string, objects: RenderedObject[], dryRun: boolean): Promise<string[]> {
  const args = ['--kubeconfig', kubeconfig, 'apply', ...(dryRun ? ['--dry-run=server'] : []), '-f', '-'];
  const out = await kubectlOk(args, asKubectlList(objects));
  return out.trim().split('\n');
}

test('the rendered chart passes a server-side dry-run, defaults and overrides', async (t) => {
  const bin = helm(t);
  const plane = shared.use(t);
  if (bin === undefined || plane === undefined) return;
  const kc = kubeConfigFor(plane.kubeconfigPath);
  const objects = await render(bin);
  for (const file of readdirSync(join(chartDir, 'crds'))) await installCrd(kc, join(chartDir, 'crds', file));
  // A dry-run in a namespace that does not exist fails: create the chart's Namespace and ServiceAccount for real.
  const setup = objects.filter((o) => o.kind === 'Namespace' || o.kind === 'ServiceAccount');
  assert.equal(setup.length, 2);
  await kubectlApply(plane.kubeconfigPath, setup, false);
  const lines = await kubectlApply(plane.kubeconfigPath, objects, true);
  assert.equal(lines.length, objects.length, lines.join('\n'));
  for (const line of lines) assert.match(line, /\(server dry run\)$/);

  // The Namespace's Pod Security level (restricted) judges pods: try the Deployment's pod template.
  const template = one(objects, 'Deployment', 'gitseal-controller').spec.template;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name: 'psa', namespace: NS } };
  const createPod = ['--kubeconfig', plane.kubeconfigPath, 'create', '--dry-run=server', '-f', '-'];
  const checked = await kubectl(createPod, JSON.stringify({ ...pod, spec: template.spec }));
  assert.equal(checked.code, 0, checked.stderr);
  assert.doesNotMatch(checked.stderr, /PodSecurity|would violate/);

  const [a, b] = [await createTestNamespace(kc, 'helm-a'), await createTestNamespace(kc, 'helm-b')];
  const sets = [`watchNamespaces={${a},${b}}`, 'bitnamiCompat=true', 'syncEngine.enabled=false', 'replicaCount=2'];
  const overridden = (await render(bin, sets)).filter((o) => o.kind !== 'CustomResourceDefinition');
  const applied = await kubectlApply(plane.kubeconfigPath, overridden, true);
  assert.equal(applied.length, overridden.length, applied.join('\n'));
  assert.ok(applied.some((l) => l.startsWith('rolebinding.rbac.authorization.k8s.io/gitseal-controller-watch')));
});

test('helm install into an existing namespace adopts it (--take-ownership) and prints the NOTES', async (t) => {
  const bin = helm(t);
  const plane = shared.use(t);
  if (bin === undefined || plane === undefined) return;
  const namespace = await createTestNamespace(kubeConfigFor(plane.kubeconfigPath), 'helm-install');
  const kube = ['--kubeconfig', plane.kubeconfigPath];
  const install = ['install', 'gitseal', chartDir, '--namespace', namespace, '--take-ownership'];
  const notes = await helmOk(bin, [...kube, ...install, '--set', 'bitnamiCompat=true']);
  assert.match(notes, new RegExp(`gitseal cert --controller-namespace ${namespace} > cert\\.pem`));
  assert.match(notes, /get secrets -l gitseal\.dev\/sealing-key -o yaml > gitseal-keys\.backup\.yaml/);
  assert.match(notes, /crds\/compat\/sealedsecrets\.bitnami\.com\.yaml/);

  const get = async (...args: string[]): Promise<Loose> =>
    JSON.parse(await kubectlOk([...kube, 'get', ...args, '-o', 'json']));
  const ns = await get('namespace', namespace);
  assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  const deployment = await get('deployment', 'gitseal-controller', '-n', namespace);
  assert.ok(deployment.spec.template.spec.containers[0].args.includes('--bitnami-compat'));
  const binding = await get('clusterrolebinding', 'gitseal-controller');
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'gitseal-controller', namespace }]);
});
