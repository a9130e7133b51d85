// gitseal installed on the node tier's cluster the way the README says: the image built from deploy/Dockerfile,
// imported into the node, and `kubectl apply -k` of an overlay over deploy/base that only swaps the image (and lets
// the sync engine fetch the tests' plain-http Git servers). Every node test file may call it; the first one in a
// tier installs, later ones find it installed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { importImage } from '../cluster/node-images.js';
import { buildImages, imageNames, imageVersions } from '../image/index.js';
import { kubeConfigFor, kubectlOk, type NodeClusterInfo } from '../support/index.js';
import { REPO_ROOT } from '../e2e/cli-harness.js';
import { waitFor } from '../e2e/controller-harness.js';

export const SYSTEM = 'gitseal-system';

export interface Installed {
  readonly kc: KubeConfig;
  readonly controllerImage: string;
  readonly appImage: string;
}

function overlayYaml(base: string, image: string, tag: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ${base}
images:
  - name: ghcr.io/gitseal/gitseal-controller
    newName: ${image}
    newTag: "${tag}"
patches:
  # The tests' Git servers speak plain http on the pod bridge (never for real installs).
  - target: { kind: Deployment, name: gitseal-controller }
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --git-allow-http
`;
}

async function controllerReady(kc: KubeConfig): Promise<boolean> {
  const deployment = await kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ namespace: SYSTEM, name: 'gitseal-controller' })
    .catch(() => undefined);
  return (deployment?.status?.availableReplicas ?? 0) > 0;
}

let once: Promise<Installed> | undefined;

/** Installs gitseal once per tier (idempotent across files) and waits until the controller is available. */
export function installGitseal(node: NodeClusterInfo): Promise<Installed> {
  once ??= (async () => {
    const kc = kubeConfigFor(node.kubeconfigPath);
    const names = imageNames(imageVersions());
    const installed = { kc, controllerImage: names.controller, appImage: names.app };
    if (await controllerReady(kc)) return installed;
    const work = mkdtempSync(join(tmpdir(), 'gitseal-node-install-'));
    const out = join(work, 'controller.tar');
    const appOut = join(work, 'app.tar');
    await buildImages({ out, appOut, progress: (line) => process.stderr.write(`${line}\n`) });
    await importImage(node.ctr, node.containerdSocket, out);
    await importImage(node.ctr, node.containerdSocket, appOut);
    const overlay = join(work, 'overlay');
    mkdirSync(overlay, { recursive: true });
    const [image = '', tag = ''] = names.controller.split(/:(?=[^:]+$)/);
    writeFileSync(
      join(overlay, 'kustomization.yaml'),
      overlayYaml(relative(overlay, join(REPO_ROOT, 'deploy', 'base')), image, tag),
    );
    await kubectlOk(['--kubeconfig', node.kubeconfigPath, 'apply', '--server-side', '-k', overlay]);
    await waitFor(
      'gitseal-controller available',
      async () => ((await controllerReady(kc)) ? true : undefined),
      180_000,
      500,
    );
    return installed;
  })();
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
