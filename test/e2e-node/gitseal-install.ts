// gitseal installed on a node cluster the way the README says: the image built from deploy/Dockerfile, imported
// into the node, and `kubectl apply -k` of an overlay over deploy/base that only swaps the image (for the node
// tier's plain-http Git servers it also lets the sync engine fetch http://). Every node test file may call
// installGitseal; the first one in a tier installs, later ones find it installed. The node demo calls
// installFromImage and uninstalls what it installed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { importImage } from '../cluster/node-images.js';
import { buildImages, imageNames, imageVersions } from '../image/index.js';
import { kubeConfigFor, kubectlOk, runCommand, type NodeClusterInfo } from '../support/index.js';
import { REPO_ROOT } from '../e2e/cli-harness.js';
import { waitFor } from '../e2e/controller-harness.js';

export const SYSTEM = 'gitseal-system';

export interface Installed {
  readonly kc: KubeConfig;
  readonly controllerImage: string;
  readonly appImage: string;
}

export interface InstallOptions {
  readonly kubeconfigPath: string;
  /** The node's `ctr` and containerd socket, for the image imports. */
  readonly ctr: string;
  readonly containerdSocket: string;
  /** Let the sync engine fetch plain http:// Git (the node tier's Git servers; never for real installs). */
  readonly allowHttpGit: boolean;
  /** One line per step (the image build's own lines too); default stderr. */
  readonly progress?: (line: string) => void;
}

export interface GitsealInstall extends Installed {
  /** False when a gitseal controller was already available: then {@link uninstall} leaves it alone. */
  readonly installedHere: boolean;
  /** `kubectl delete -k` of what this install applied (waits until it is gone), when it installed it. */
  uninstall(): Promise<void>;
}

function overlayYaml(base: string, image: string, tag: string, allowHttpGit: boolean): string {
  const httpPatch = `patches:
  # The tests' Git servers speak plain http on the pod bridge (never for real installs).
  - target: { kind: Deployment, name: gitseal-controller }
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --git-allow-http
`;
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ${base}
images:
  - name: ghcr.io/gitseal/gitseal-controller
    newName: ${image}
    newTag: "${tag}"
${allowHttpGit ? httpPatch : ''}`;
}

async function controllerReady(kc: KubeConfig): Promise<boolean> {
  const deployment = await kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ namespace: SYSTEM, name: 'gitseal-controller' })
    .catch(() => undefined);
  return (deployment?.status?.availableReplicas ?? 0) > 0;
}

async function hasImage(o: InstallOptions, name: string): Promise<boolean> {
  const run = await runCommand(o.ctr, ['--address', o.containerdSocket, '-n', 'k8s.io', 'images', 'ls', '-q']);
  return run.code === 0 && run.stdout.split('\n').includes(name);
}

/**
 * Makes sure the controller and e2e app images are in the node (built with buildah and imported unless both are
 * there), then installs gitseal from deploy/base unless a controller is already available, and waits for it.
 */
/** Writes the overlay into a new temporary folder, runs `use` on it, and removes the folder. */
async function withOverlay<T>(o: InstallOptions, image: string, use: (overlay: string) => Promise<T>): Promise<T> {
  const overlay = mkdtempSync(join(tmpdir(), 'gitseal-node-overlay-'));
  try {
    const [name = '', tag = ''] = image.split(/:(?=[^:]+$)/);
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      overlayYaml(relative(overlay, join(REPO_ROOT, 'deploy', 'base')), name, tag, o.allowHttpGit),
    );
    return await use(overlay);
  } finally {
    rmSync(overlay, { recursive: true, force: true });
  }
}

async function importImages(o: InstallOptions, say: (line: string) => void): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'gitseal-node-images-'));
  try {
    const out = join(work, 'controller.tar');
    const appOut = join(work, 'app.tar');
    await buildImages({ out, appOut, progress: say });
    say('importing the images into the node (ctr -n k8s.io images import)');
    await importImage(o.ctr, o.containerdSocket, out);
    await importImage(o.ctr, o.containerdSocket, appOut);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Makes sure the controller and e2e app images are in the node (built with buildah and imported unless both are
 * there), then installs gitseal from deploy/base unless a controller is already available, and waits for it.
 * Leaves no files behind (the image archives and the overlay live in temporary folders).
 */
export async function installFromImage(o: InstallOptions): Promise<GitsealInstall> {
  const say = o.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const kc = kubeConfigFor(o.kubeconfigPath);
  const names = imageNames(imageVersions());
  const images = { kc, controllerImage: names.controller, appImage: names.app };
  if ((await hasImage(o, names.controller)) && (await hasImage(o, names.app))) {
    say(`images ${names.controller} and ${names.app} are already in the node`);
  } else {
    say(`building ${names.controller} and ${names.app} with buildah (cold: minutes; warm: the layer cache)`);
    await importImages(o, say);
  }
  if (await controllerReady(kc)) {
    say(`gitseal is already installed in ${SYSTEM}: using it`);
    return { ...images, installedHere: false, uninstall: async () => undefined };
  }
  say(`kubectl apply --server-side -k <overlay of deploy/base with image ${names.controller}>`);
  await withOverlay(o, names.controller, (overlay) =>
    kubectlOk(['--kubeconfig', o.kubeconfigPath, 'apply', '--server-side', '-k', overlay]),
  );
  say('waiting for the gitseal-controller Deployment to be available (it generates its sealing key)');
  await waitFor(
    'gitseal-controller available',
    async () => ((await controllerReady(kc)) ? true : undefined),
    180_000,
    500,
  );
  let uninstalled: Promise<unknown> | undefined;
  const uninstall = () =>
    withOverlay(o, names.controller, (overlay) =>
      kubectlOk([
        ...['--kubeconfig', o.kubeconfigPath, 'delete', '-k', overlay],
        ...['--ignore-not-found', '--wait=true', '--timeout=180s'],
      ]),
    );
  return { ...images, installedHere: true, uninstall: async () => void (await (uninstalled ??= uninstall())) };
}

let once: Promise<Installed> | undefined;

/** Installs gitseal once per tier (idempotent across files) and waits until the controller is available. */
export function installGitseal(node: NodeClusterInfo): Promise<Installed> {
  once ??= installFromImage({
    kubeconfigPath: node.kubeconfigPath,
    ctr: node.ctr,
    containerdSocket: node.containerdSocket,
    allowHttpGit: true,
  });
  return once;
}

/** The controller's Pods, not being deleted. */
export async function controllerPods(kc: KubeConfig) {
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({
    namespace: SYSTEM,
    labelSelector: 'app.kubernetes.io/name=gitseal-controller',
  });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp);
}

export const podReady = (p: { status?: { conditions?: { type: string; status: string }[] } }): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
