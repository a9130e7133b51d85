import { definedFields } from '@gitseal/manifests';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  ApiextensionsV1Api,
  loadYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';

/** Absolute path of a file in the repo's crds/ folder (this file runs from test/dist/support). */
export function crdPath(fileName: string): string {
  return fileURLToPath(new URL(`../../../crds/${fileName}`, import.meta.url));
}

/** Creates (or replaces) the CRD in `path` and resolves once the API server reports it Established. */
export async function installCrd(
  kc: KubeConfig,
  path: string,
  timeoutMs = 30_000,
): Promise<V1CustomResourceDefinition> {
  // loadYaml maps `x-kubernetes-*` keys to the model's names: a plain YAML object would lose them on the way out.
  const body = loadYaml<V1CustomResourceDefinition>(await readFile(path, 'utf8'));
  const name = body.metadata?.name;
  if (!name) throw new Error(`${path}: CustomResourceDefinition without metadata.name`);
  const api = kc.makeApiClient(ApiextensionsV1Api);
  try {
    await api.createCustomResourceDefinition({ body });
  } catch (error) {
    if (!(error instanceof ApiException) || error.code !== 409) throw error;
    const current = await api.readCustomResourceDefinition({ name });
    body.metadata = { ...body.metadata, ...definedFields({ resourceVersion: current.metadata?.resourceVersion }) };
    await api.replaceCustomResourceDefinition({ name, body });
  }
  return waitEstablished(api, name, timeoutMs);
}

async function waitEstablished(
  api: ApiextensionsV1Api,
  name: string,
  timeoutMs: number,
): Promise<V1CustomResourceDefinition> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await api.readCustomResourceDefinition({ name });
    const conditions = crd.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return crd;
    const rejected = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
    if (rejected) throw new Error(`CRD ${name} names not accepted: ${rejected.message ?? rejected.reason ?? ''}`);
    if (Date.now() > deadline) throw new Error(`CRD ${name} not Established within ${timeoutMs} ms`);
    await sleep(100);
  }
}
