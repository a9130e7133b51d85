// Shared helpers for the controller's process-level tests (test/e2e/controller-*.test.ts): start
// gitseal-controller as a real process on free ports, poll, scrape metrics, seal and apply SealedSecrets.
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { Envelope, parseCertificate, scopeLabel, sealValue, type Scope } from '@gitseal/crypto';
import { type ControllerProcess } from '../support/controller-process.js';
import { waitFor } from '../support/wait-for.js';

// The one controller starter (test/support/controller-process.ts) and poll helper (test/support/wait-for.ts), for
// the tests that import them from here.
export {
  allControllerOutput,
  CONTROLLER_BIN,
  startControllerProcess,
  stopAllControllers,
  waitReady,
  type ControllerProcess,
  type StartOptions,
} from '../support/controller-process.js';
export { waitFor };

/** The Prometheus text of a controller. */
export async function scrape(controller: ControllerProcess): Promise<string> {
  return (await fetch(`${controller.metrics}/metrics`)).text();
}

/** One sample's value (`labels` like `{state="active"}`), 0 when absent. */
export async function metricValue(controller: ControllerProcess, name: string, labels = ''): Promise<number> {
  const line = (await scrape(controller)).split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** The sum of every sample of a metric, across labels. */
export async function metricSum(controller: ControllerProcess, name: string): Promise<number> {
  return (await scrape(controller))
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

export function b64(text: string | Buffer): string {
  return Buffer.from(text).toString('base64');
}

export interface SealedSecretObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec: { encryptedData: Record<string, string>; template?: Record<string, unknown> };
  status?: {
    observedGeneration?: number;
    keyFingerprint?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** Seals each item to the certificate for the given scope. */
export function sealItems(
  certPem: string,
  scope: Scope,
  namespace: string,
  name: string,
  items: Record<string, string | Buffer>,
  envelope: Envelope = Envelope.V2,
): Record<string, string> {
  const { publicKey } = parseCertificate(certPem);
  const label = scopeLabel(scope, namespace, name);
  return Object.fromEntries(
    Object.entries(items).map(([itemKey, value]) => [
      itemKey,
      sealValue({ publicKey, scopeLabel: label, itemKey, plaintext: Buffer.from(value), envelope }),
    ]),
  );
}

/** The API clients and object helpers a controller test needs, over one kubeconfig. */
export class Cluster {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;

  constructor(readonly kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  static sealedSecret(
    namespace: string,
    name: string,
    encryptedData: Record<string, string>,
    apiVersion = 'gitseal.dev/v1alpha1',
  ): SealedSecretObject {
    return { apiVersion, kind: 'SealedSecret', metadata: { name, namespace }, spec: { encryptedData, template: {} } };
  }

  #ref(apiVersion: string) {
    const [group = '', version = ''] = apiVersion.split('/');
    return { group, version, plural: 'sealedsecrets' };
  }

  async createSealed(object: SealedSecretObject): Promise<SealedSecretObject> {
    return (await this.custom.createNamespacedCustomObject({
      ...this.#ref(object.apiVersion),
      namespace: object.metadata.namespace,
      body: object,
    })) as SealedSecretObject;
  }

  async getSealed(namespace: string, name: string, apiVersion = 'gitseal.dev/v1alpha1'): Promise<SealedSecretObject> {
    return (await this.custom.getNamespacedCustomObject({
      ...this.#ref(apiVersion),
      namespace,
      name,
    })) as SealedSecretObject;
  }

  async replaceSealed(object: SealedSecretObject): Promise<SealedSecretObject> {
    return (await this.custom.replaceNamespacedCustomObject({
      ...this.#ref(object.apiVersion),
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      body: object,
    })) as SealedSecretObject;
  }

  async readSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ namespace, name });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  /** Waits until the Secret holds exactly `data` (key → base64). */
  async waitSecretData(
    namespace: string,
    name: string,
    data: Record<string, string>,
    timeoutMs = 30_000,
  ): Promise<V1Secret> {
    const want = JSON.stringify(sortKeys(data));
    return waitFor(
      `Secret ${namespace}/${name} data`,
      async () => {
        const secret = await this.readSecret(namespace, name);
        return secret && JSON.stringify(sortKeys(secret.data ?? {})) === want ? secret : undefined;
      },
      timeoutMs,
    );
  }

  /** Waits until the status was written for the current generation and `accept` likes it; returns the object. */
  async waitStatus(
    namespace: string,
    name: string,
    accept: (object: SealedSecretObject) => boolean,
    apiVersion = 'gitseal.dev/v1alpha1',
    timeoutMs = 30_000,
  ): Promise<SealedSecretObject> {
    return waitFor(
      `status of ${namespace}/${name}`,
      async () => {
        const object = await this.getSealed(namespace, name, apiVersion);
        return object.status?.observedGeneration === object.metadata.generation && accept(object) ? object : undefined;
      },
      timeoutMs,
    );
  }
}

export function condition(object: SealedSecretObject, type: string) {
  return object.status?.conditions?.find((c) => c.type === type);
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
