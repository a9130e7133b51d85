// The demo on a real node: gitseal installed from its image (the controller runs as a Pod), an app with a sealed
// Secret pushed to a Git repository served over HTTPS, a GitSync with wait: true, then the seeds' four flows with
// the app's HTTP answer (through the API server's service proxy) before and after each: the Deployment deleted,
// scaled by hand, a value changed in Git, the sealed value changed in Git. The node cluster is started here and
// stopped at the end, or (--node-cluster) an existing one is used and everything the demo added is removed.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startNodeCluster } from '../cluster/node-cluster.js';
import { nodeCacheDir } from '../cluster/node-binaries.js';
import { NodeNetwork, nodePaths } from '../cluster/node-config.js';
import { generatePki, issueCertificate } from '../cluster/pki.js';
import { createGitRepo, GitSyncs, readyAt, serveOverHttp } from '../e2e/sync-harness.js';
import { installFromImage } from '../e2e-node/gitseal-install.js';
import { runningWebPods, WEB_APP, webAppAnswer, webAppFiles, type WebAppAnswer } from '../e2e-node/web-app.js';
import { kubectlOk } from '../support/kubectl.js';
import { Cleanups, gitseal, secretYaml, step, waitFor } from './demo-steps.js';

const NS = 'demo';
const SYNC = 'web';
const PASSWORDS = ['node-demo-password-1', 'node-demo-password-2'] as const;

interface NodeTarget {
  readonly kubeconfigPath: string;
  readonly ctr: string;
  readonly containerdSocket: string;
}

/** `--node-cluster PATH`: a `cluster up --node --dir PATH` folder, or the node tier's node-cluster.json. */
export function readNodeTarget(path: string): NodeTarget {
  const target: NodeTarget = statSync(path, { throwIfNoEntry: false })?.isDirectory()
    ? {
        kubeconfigPath: join(path, 'kubeconfig'),
        ctr: join(nodeCacheDir(), 'ctr'),
        containerdSocket: nodePaths(join(path, 'node')).containerdSocket,
      }
    : (JSON.parse(readFileSync(path, 'utf8')) as NodeTarget);
  for (const file of [target.kubeconfigPath, target.ctr, target.containerdSocket]) {
    if (typeof file !== 'string' || !existsSync(file)) {
      throw new Error(`--node-cluster ${path}: no running node cluster there (${String(file)} is missing)`);
    }
  }
  return target;
}

const short = (a: WebAppAnswer) => `version=${a.version} secret-sha256=${a.secretSha256.slice(0, 8)}…`;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

class DemoApp {
  constructor(readonly kc: KubeConfig) {}

  pods(): Promise<string[]> {
    return runningWebPods(this.kc, NS);
  }

  /** All of the app's Pods not being deleted, in any phase (Pending ones too). */
  async podCount(): Promise<number> {
    const pods = await this.kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: NS, labelSelector: WEB_APP.label });
    return pods.items.filter((p) => !p.metadata?.deletionTimestamp).length;
  }

  /** The app's answer once it serves from Pods that `accept` likes (default: any). */
  async answer(what: string, accept: (a: WebAppAnswer, pods: string[]) => boolean = () => true) {
    return waitFor(
      what,
      async () => {
        const a = await webAppAnswer(this.kc, NS);
        const pods = await this.pods();
        return a && accept(a, pods) ? { a, pods } : undefined;
      },
      180_000,
      500,
    );
  }

  async show(label: 'now' | 'before' | 'after', answer: { a: WebAppAnswer; pods: string[] }, note = ''): Promise<void> {
    step(
      `  ${label}: Service ${NS}/${WEB_APP.service} answers ${short(answer.a)} from pods ${answer.pods.join(', ')}${note}`,
    );
  }
}

export async function runNodeDemo(existing: string | undefined, cleanups: Cleanups): Promise<void> {
  let target: NodeTarget;
  if (existing !== undefined) {
    target = readNodeTarget(existing);
    step(`using the node cluster of ${existing} (kubeconfig ${target.kubeconfigPath})`);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'gitseal-demo-node-'));
    cleanups.add('remove the node folder', () => rmSync(dir, { recursive: true, force: true }));
    step('starting a node cluster: etcd, kube-apiserver, containerd, kubelet, controller-manager, scheduler, proxy');
    step('  (the first run builds the node binaries with Go, 15-25 minutes, with progress lines)');
    const cluster = await startNodeCluster({ dir, progress: (line) => step(`  ${line}`) });
    cleanups.add('stop the node cluster', () => cluster.stop());
    target = {
      kubeconfigPath: cluster.kubeconfigPath,
      ctr: cluster.binaries.ctr,
      containerdSocket: cluster.containerdSocket,
    };
    step(`node ${cluster.nodeName} Ready at ${cluster.server}`);
  }
  const kubeconfig = target.kubeconfigPath;

  step('installing gitseal: its image into the node, then kubectl apply -k over deploy/base');
  const installed = await installFromImage({ ...target, allowHttpGit: false, progress: (line) => step(`  ${line}`) });
  if (existing !== undefined) cleanups.add('uninstall gitseal', () => installed.uninstall());
  const kc = installed.kc;
  const core = kc.makeApiClient(CoreV1Api);
  step(`gitseal-controller runs as a Pod (${installed.controllerImage})`);

  const work = mkdtempSync(join(tmpdir(), 'gitseal-demo-repo-'));
  cleanups.add('remove the Git folder', () => rmSync(work, { recursive: true, force: true }));
  step(`serving a Git repository over HTTPS on ${NodeNetwork.gateway} (the pod bridge's host address, a throwaway CA)`);
  await generatePki(join(work, 'pki'));
  const tls = await issueCertificate(join(work, 'pki'), 'git-server', {
    cn: 'gitseal-demo-git',
    sans: [`IP:${NodeNetwork.gateway}`],
  });
  const repo = createGitRepo();
  cleanups.add('remove the Git repository', () => repo.remove());
  const gitPassword = randomBytes(18).toString('base64url');
  const server = await serveOverHttp(
    repo.bare,
    `Basic ${Buffer.from(`git:${gitPassword}`).toString('base64')}`,
    NodeNetwork.gateway,
    { cert: readFileSync(tls.certPath, 'utf8'), key: readFileSync(tls.keyPath, 'utf8') },
  );
  cleanups.add('stop the Git server', () => server.close());

  step(
    `creating namespace ${NS}: ServiceAccount deployer (the GitSync applies as it), Secret git (URL credentials, CA)`,
  );
  const namespaceCreated = await core.createNamespace({ body: { metadata: { name: NS } } }).then(
    () => true,
    (error: unknown) => {
      if ((error as { code?: number }).code === 409) throw new Error(`namespace ${NS} exists already: delete it first`);
      throw error;
    },
  );
  if (namespaceCreated && existing !== undefined) {
    cleanups.add(`delete namespace ${NS}`, async () => {
      await kubectlOk(['--kubeconfig', kubeconfig, 'delete', 'namespace', NS, '--wait=true', '--timeout=180s']);
    });
  }
  await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'deployer' } } });
  await kc.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
    namespace: NS,
    body: {
      metadata: { name: 'deployer' },
      // cluster-admin, bound in this namespace only (the built-in admin role does not cover gitseal.dev objects).
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: NS }],
    },
  });
  await core.createNamespacedSecret({
    namespace: NS,
    body: {
      metadata: { name: 'git' },
      stringData: {
        username: 'git',
        password: gitPassword,
        'ca.crt': readFileSync(join(work, 'pki', 'ca.crt'), 'utf8'),
      },
    },
  });

  step(`sealing Secret ${NS}/${WEB_APP.secret} with gitseal seal (the certificate comes from the running controller)`);
  const seal = (password: string) => gitseal(kubeconfig, ['seal'], secretYaml(WEB_APP.secret, NS, password));
  const files = (version: string, sealedSecret: string, secretRev: string) =>
    webAppFiles({ overlay: 'demo', image: installed.appImage, version, sealedSecret, secretRev });
  let sealed = seal(PASSWORDS[0]);
  const first = repo.commit(files('v1', sealed, '1'));
  step(`pushed ${first.slice(0, 7)}: base/ (Deployment, Service), overlays/demo/ (kustomization, db.yaml: the`);
  step("  SealedSecret, used as the app's APP_SECRET env; no plaintext in Git)");

  step(`creating GitSync ${NS}/${SYNC} (path overlays/demo, prune, wait: true: Ready only once the rollout is)`);
  const syncs = new GitSyncs(kc);
  let since = Date.now();
  await syncs.create(NS, SYNC, {
    source: { url: server.url, ref: { branch: 'main' }, path: 'overlays/demo', secretRef: { name: 'git' } },
    interval: '1m',
    prune: true,
    serviceAccountName: 'deployer',
    wait: true,
    timeout: '3m',
  });
  await syncs.waitFor(NS, SYNC, 'Ready', readyAt(first), 240_000);
  step(`GitSync ${NS}/${SYNC} is Ready at ${first.slice(0, 7)} after ${seconds(since)}`);
  console.log(gitseal(kubeconfig, ['sync', 'status', SYNC, '-n', NS]).trimEnd());
  const secret = await core.readNamespacedSecret({ namespace: NS, name: WEB_APP.secret });
  const keys = Object.keys(secret.data ?? {})
    .sort()
    .join(', ');
  step(`Secret ${NS}/${WEB_APP.secret} unsealed in the cluster with keys: ${keys} (values never printed)`);
  const app = new DemoApp(kc);
  let now = await app.answer('the app to answer');
  await app.show('now', now, ' (first sync)');

  const apps = kc.makeApiClient(AppsV1Api);
  step(`flow 1/4: kubectl delete deployment ${WEB_APP.deployment} (drift: an object of Git's is gone)`);
  await app.show('before', now);
  const uid = (await apps.readNamespacedDeployment({ namespace: NS, name: WEB_APP.deployment })).metadata?.uid;
  since = Date.now();
  await kubectlOk(['--kubeconfig', kubeconfig, '-n', NS, 'delete', 'deployment', WEB_APP.deployment, '--wait=false']);
  await waitFor(
    'the Deployment to come back',
    async () => {
      const d = await apps.readNamespacedDeployment({ namespace: NS, name: WEB_APP.deployment });
      return d.metadata?.uid !== uid ? true : undefined;
    },
    60_000,
  );
  step(`  gitseal re-created Deployment ${NS}/${WEB_APP.deployment} from Git after ${seconds(since)}`);
  const oldPods = new Set(now.pods);
  now = await app.answer(
    'the restored app to serve',
    (_, pods) => pods.length > 0 && !pods.some((p) => oldPods.has(p)),
  );
  await app.show('after', now, ` (new pods, serving after ${seconds(since)})`);

  step(`flow 2/4: kubectl scale deployment/${WEB_APP.deployment} --replicas=4 (drift: Git says 1)`);
  await app.show('before', now);
  since = Date.now();
  await kubectlOk(['--kubeconfig', kubeconfig, '-n', NS, 'scale', `deployment/${WEB_APP.deployment}`, '--replicas=4']);
  let most = 0;
  await waitFor(
    'spec.replicas back to 1',
    async () => {
      most = Math.max(most, await app.podCount());
      const d = await apps.readNamespacedDeployment({ namespace: NS, name: WEB_APP.deployment });
      return d.spec?.replicas === 1 ? true : undefined;
    },
    60_000,
    200,
  );
  step(`  gitseal set spec.replicas back to 1 (Git's value) after ${seconds(since)}`);
  now = await app.answer('one pod left', (_, pods) => pods.length === 1);
  step(`  up to ${most} pod(s) existed meanwhile; the extra ones were deleted, 1 runs after ${seconds(since)}`);
  await app.show('after', now);

  step('flow 3/4: APP_VERSION v1 → v2 in overlays/demo/kustomization.yaml, git push, gitseal sync now');
  await app.show('before', now);
  since = Date.now();
  const v2 = repo.commit(files('v2', sealed, '1'));
  gitseal(kubeconfig, ['sync', 'now', SYNC, '-n', NS]);
  await syncs.waitFor(NS, SYNC, 'Ready at v2', readyAt(v2), 240_000);
  step(`  GitSync Ready at ${v2.slice(0, 7)} after ${seconds(since)} (the rollout done)`);
  now = await app.answer('the app to serve v2', (a, pods) => a.version === 'v2' && pods.length === 1);
  await app.show('after', now);

  step('flow 4/4: a new password sealed with gitseal seal (and the secret-rev annotation bumped), git push, sync now');
  await app.show('before', now);
  const oldHash = now.a.secretSha256;
  since = Date.now();
  sealed = seal(PASSWORDS[1]);
  const rotated = repo.commit(files('v2', sealed, '2'));
  gitseal(kubeconfig, ['sync', 'now', SYNC, '-n', NS]);
  await syncs.waitFor(NS, SYNC, 'Ready with the new secret', readyAt(rotated), 240_000);
  step(`  GitSync Ready at ${rotated.slice(0, 7)} after ${seconds(since)}`);
  now = await app.answer(
    'the app to run with the new secret',
    (a, pods) => a.secretSha256 !== oldHash && pods.length === 1,
  );
  await app.show('after', now, ' (a new hash: the Pods run with the new sealed value)');
}

/** The demo's made-up passwords, for tests that check nothing printed them. */
export const NODE_DEMO_PASSWORDS = PASSWORDS;
