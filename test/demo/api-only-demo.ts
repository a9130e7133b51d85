// The demo on the API-only control plane (or, with --use-current-context, on the cluster of $KUBECONFIG): a local
// kube-apiserver + etcd, the controller as a process, a Git repository holding an app with a sealed Secret, a GitSync
// for it; then a secret change through Git and a drift repair. Without a kubelet no Pod runs: it shows objects, not
// a serving app (the real node demo, node-demo.ts, does).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../cluster/index.js';
import { startControllerProcess, waitReady, type ControllerProcess } from '../support/controller-process.js';
import { crdPath, installCrd } from '../support/install-crd.js';
import { kubeConfigFor } from '../support/kube-config-for.js';
import { Cleanups, gitseal, secretYaml, step, waitFor } from './demo-steps.js';

const APP_NS = 'demo';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
  });
}

const APP_MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: ${APP_NS}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: ${APP_NS}
data:
  greeting: hello from git
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: ${APP_NS}
spec:
  replicas: 1
  selector:
    matchLabels: {app: demo}
  template:
    metadata:
      labels: {app: demo}
    spec:
      containers:
        - name: app
          image: registry.example/app:1.0
          envFrom:
            - configMapRef: {name: app-config}
            - secretRef: {name: app-credentials}
`;

/** The controller as the e2e tests start it (test/support), its log written to `logFile` when it stops. */
async function startController(
  kubeconfig: string,
  logFile: string,
  gitCacheDir: string,
  cleanups: Cleanups,
): Promise<ControllerProcess> {
  const args = ['--key-size', '2048', '--git-allow-file', '--git-cache-dir', gitCacheDir];
  const controller = await startControllerProcess(kubeconfig, args, { helm: false, waitReady: false });
  cleanups.add('stop the controller', async () => {
    await controller.stop();
    writeFileSync(logFile, controller.output());
  });
  await waitReady(controller, 60_000).catch(() => {
    throw new Error(`the controller did not get ready (exit code ${controller.child.exitCode}; log: ${logFile})`);
  });
  return controller;
}

interface GitSyncView {
  status?: { lastAppliedRevision?: string; conditions?: Array<{ type: string; status: string; reason?: string }> };
}

async function readGitSync(kc: KubeConfig): Promise<GitSyncView> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    namespace: 'gitseal-system',
    plural: 'gitsyncs',
    name: 'demo-app',
  })) as GitSyncView;
}

async function waitForRevision(kc: KubeConfig, commit: string): Promise<void> {
  await waitFor(`GitSync demo-app Ready at ${commit.slice(0, 7)}`, async () => {
    const view = await readGitSync(kc);
    const ready = view.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'True' && view.status?.lastAppliedRevision?.endsWith(commit) ? true : undefined;
  });
}

/** The demo without a node: the controller runs here as a process; Deployments never get Pods. */
export async function runApiOnlyDemo(useCurrentContext: boolean, cleanups: Cleanups): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'gitseal-demo-'));
  cleanups.add('remove the demo folder', () => rmSync(work, { recursive: true, force: true }));

  let kubeconfig: string;
  if (useCurrentContext) {
    kubeconfig = process.env.KUBECONFIG ?? '';
    if (!kubeconfig) throw new Error('--use-current-context needs KUBECONFIG to name your cluster');
    step(`using your cluster from ${kubeconfig}`);
  } else {
    step('starting a local control plane (kube-apiserver + etcd; the first run builds them with Go)');
    const plane: ControlPlane = await startControlPlane();
    cleanups.add('stop the control plane', () => plane.stop());
    kubeconfig = plane.kubeconfigPath;
    step(`control plane ready at ${plane.server}`);
  }
  const kc = kubeConfigFor(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);

  step('installing the CRDs and the gitseal-system namespace');
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await core.createNamespace({ body: { metadata: { name: 'gitseal-system' } } }).catch(() => undefined);

  step('starting gitseal-controller (it generates its sealing key)');
  await startController(kubeconfig, join(tmpdir(), 'gitseal-demo-controller.log'), join(work, 'git-cache'), cleanups);
  step('controller ready; log in $TMPDIR/gitseal-demo-controller.log');

  step('creating a Git repository with a Deployment, a ConfigMap and a SealedSecret');
  const bare = join(work, 'app.git');
  const clone = join(work, 'app');
  git(work, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(work, 'clone', '--quiet', bare, clone);
  git(clone, 'config', 'user.email', 'demo@gitseal.dev');
  git(clone, 'config', 'user.name', 'gitseal demo');
  mkdirSync(join(clone, 'app'));
  writeFileSync(join(clone, 'app', 'app.yaml'), APP_MANIFESTS);
  // The certificate is fetched from the running controller with the kubeconfig's credentials.
  const sealed = gitseal(kubeconfig, ['seal'], secretYaml('app-credentials', APP_NS, 'first-password'));
  writeFileSync(join(clone, 'app', 'credentials.sealed.yaml'), sealed);
  git(clone, 'add', '.');
  git(clone, 'commit', '--quiet', '-m', 'app with sealed credentials');
  git(clone, 'push', '--quiet', 'origin', 'main');
  const first = git(clone, 'rev-parse', 'HEAD').trim();
  step(`pushed ${first.slice(0, 7)}: app/app.yaml, app/credentials.sealed.yaml (no plaintext in Git)`);

  step('creating GitSync gitseal-system/demo-app');
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    namespace: 'gitseal-system',
    plural: 'gitsyncs',
    body: {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'GitSync',
      metadata: { name: 'demo-app', namespace: 'gitseal-system' },
      spec: {
        source: { url: `file://${bare}`, ref: { branch: 'main' }, path: 'app' },
        interval: '1m',
        prune: true,
        selfHeal: true,
      },
    },
  });
  await waitForRevision(kc, first);
  step('GitSync is Ready');
  console.log(gitseal(kubeconfig, ['sync', 'status', 'demo-app', '-n', 'gitseal-system']).trimEnd());

  const keysOf = async (): Promise<string> => {
    const secret = await core.readNamespacedSecret({ name: 'app-credentials', namespace: APP_NS });
    return Object.keys(secret.data ?? {})
      .sort()
      .join(', ');
  };
  const secret = await waitFor('Secret demo/app-credentials', async () => keysOf());
  step(`Secret ${APP_NS}/app-credentials unsealed in the cluster with keys: ${secret} (values never printed)`);

  step('changing the secret in Git (re-sealed, pushed) and asking for a sync now');
  const before = await core.readNamespacedSecret({ name: 'app-credentials', namespace: APP_NS });
  writeFileSync(
    join(clone, 'app', 'credentials.sealed.yaml'),
    gitseal(kubeconfig, ['seal'], secretYaml('app-credentials', APP_NS, 'second-pw')),
  );
  git(clone, 'commit', '--quiet', '-am', 'rotate the app password');
  git(clone, 'push', '--quiet', 'origin', 'main');
  const second = git(clone, 'rev-parse', 'HEAD').trim();
  gitseal(kubeconfig, ['sync', 'now', 'demo-app', '-n', 'gitseal-system']);
  await waitForRevision(kc, second);
  await waitFor('the Secret to change', async () => {
    const now = await core.readNamespacedSecret({ name: 'app-credentials', namespace: APP_NS });
    return now.data?.password !== before.data?.password ? true : undefined;
  });
  step(`re-synced at ${second.slice(0, 7)}: Secret ${APP_NS}/app-credentials holds the new password`);

  step('deleting Deployment demo/app by hand (drift)');
  const apps = kc.makeApiClient(AppsV1Api);
  const uid = (await apps.readNamespacedDeployment({ name: 'app', namespace: APP_NS })).metadata?.uid;
  await apps.deleteNamespacedDeployment({ name: 'app', namespace: APP_NS });
  await waitFor('the Deployment to come back', async () => {
    const d = await apps.readNamespacedDeployment({ name: 'app', namespace: APP_NS });
    return d.metadata?.uid !== uid ? true : undefined;
  });
  step('Deployment demo/app restored from Git by the sync engine');
}
