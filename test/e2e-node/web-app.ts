// The workload of the node tier's GitSync tests and of the node demo: the e2e app (test/image/e2e-app) as plain YAML
// under a kustomize overlay, its password from a SealedSecret as env, its version from a generated ConfigMap. The app
// answers its version and a SHA-256 of its secret (never the secret), read here through the API server's service
// proxy, the way a user reaches a Service from outside the cluster.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { getViaServiceProxy } from '@gitseal/kube';

export interface WebAppOptions {
  /** The overlay folder's name: the GitSync's `spec.source.path` is `overlays/<overlay>`. */
  readonly overlay: string;
  readonly image: string;
  /** APP_VERSION, from a generated ConfigMap: a changed value rolls the Deployment out. */
  readonly version: string;
  /** The SealedSecret `db` (key `password`) as a manifest, e.g. `gitseal seal`'s output. */
  readonly sealedSecret: string;
  /** A pod template annotation to bump with the sealed value, so that the pods restart with the new Secret. */
  readonly secretRev: string;
  /** APP_FAIL=1: the app exits at start (a rollout that never gets ready). */
  readonly fail?: boolean;
}

export const WEB_APP = { deployment: 'web', service: 'web', secret: 'db', label: 'app=web' } as const;

/** The repository's files (path → content). */
export function webAppFiles(o: WebAppOptions): Record<string, string> {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: WEB_APP.deployment },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 20,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'e2e.gitseal.dev/secret-rev': o.secretRev } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'web',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 8080 }],
              env: [
                { name: 'APP_SECRET', valueFrom: { secretKeyRef: { name: WEB_APP.secret, key: 'password' } } },
                ...(o.fail ? [{ name: 'APP_FAIL', value: '1' }] : []),
              ],
              envFrom: [{ configMapRef: { name: 'web-config' } }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: WEB_APP.service },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  };
  const overlay = `overlays/${o.overlay}`;
  return {
    'base/deployment.yaml': JSON.stringify(deployment),
    'base/service.yaml': JSON.stringify(service),
    'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
    [`${overlay}/db.yaml`]: o.sealedSecret,
    // A generated ConfigMap gets a content hash in its name, so a changed value rolls the Deployment out.
    [`${overlay}/kustomization.yaml`]: `resources:\n- ../../base\n- db.yaml\nconfigMapGenerator:\n- name: web-config\n  literals:\n  - APP_VERSION=${o.version}\n`,
  };
}

export interface WebAppAnswer {
  readonly version: string;
  readonly secretSha256: string;
}

/** `GET /` of Service `web` through the API server's service proxy; undefined while nothing answers. */
export async function webAppAnswer(kc: KubeConfig, namespace: string): Promise<WebAppAnswer | undefined> {
  try {
    const body = await getViaServiceProxy(kc, {
      namespace,
      service: WEB_APP.service,
      port: 80,
      path: '/',
      timeoutMs: 2_000,
      maxBytes: 4096,
    });
    const answer = JSON.parse(body.toString('utf8')) as Partial<WebAppAnswer>;
    return typeof answer.version === 'string' && typeof answer.secretSha256 === 'string'
      ? { version: answer.version, secretSha256: answer.secretSha256 }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The app's Pods that run and are not being deleted. */
export async function runningWebPods(kc: KubeConfig, namespace: string): Promise<string[]> {
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: WEB_APP.label });
  return pods.items
    .filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running')
    .map((p) => p.metadata?.name ?? '')
    .sort();
}
