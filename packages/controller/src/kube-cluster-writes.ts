import type { KubeConfig } from '@kubernetes/client-node';
import {
  assertOk,
  deleteObject,
  EventRecorder,
  makeCustomObjectsApi,
  makeObjectApi,
  patchStatus,
  requestRaw,
  resourcePath,
  Resources,
} from '@gitseal/kube';
import type { Secret } from '@gitseal/manifests';
import type { Logger } from 'pino';
import type { ClusterWrites } from './cluster-writes.js';

export const FIELD_MANAGER = 'gitseal-controller';

function sendJson(kc: KubeConfig, method: 'POST' | 'PUT', path: string, body: unknown, what: string): Promise<void> {
  return requestRaw(kc, {
    method,
    path,
    query: { fieldManager: FIELD_MANAGER },
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
    what,
  }).then((response) => assertOk(response, what));
}

/**
 * ClusterWrites over @gitseal/kube. Secrets are created and replaced whole (not applied): a Secret restored after
 * an edit must lose keys someone else added, which server-side apply would keep. Errors are safe KubeErrors.
 */
export function createKubeClusterWrites(kc: KubeConfig, logger: Logger): ClusterWrites {
  const objects = makeObjectApi(kc);
  const customObjects = makeCustomObjectsApi(kc);
  const recorder = new EventRecorder({ kubeConfig: kc, component: FIELD_MANAGER, logger });
  return {
    readSecret: async (namespace, name) => {
      // Raw JSON, as the informers hold it (client-node's typed read would turn timestamps into Dates).
      const what = `read Secret ${namespace}/${name}`;
      const response = await requestRaw(kc, { path: resourcePath(Resources.Secret, namespace, name), what });
      if (response.status === 404) return undefined;
      assertOk(response, what);
      return JSON.parse(response.body.toString('utf8')) as Secret;
    },
    createSecret: (secret) => {
      const { namespace = '' } = secret.metadata;
      return sendJson(
        kc,
        'POST',
        resourcePath(Resources.Secret, namespace),
        secret,
        `create Secret ${namespace}/${secret.metadata.name ?? ''}`,
      );
    },
    replaceSecret: (secret, resourceVersion) => {
      const { namespace = '', name = '' } = secret.metadata;
      const body = { ...secret, metadata: { ...secret.metadata, resourceVersion } };
      return sendJson(
        kc,
        'PUT',
        resourcePath(Resources.Secret, namespace, name),
        body,
        `update Secret ${namespace}/${name}`,
      );
    },
    deleteSecret: async (namespace, name) => {
      await deleteObject(objects, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } });
    },
    patchSealedSecretStatus: async (apiVersion, namespace, name, status) => {
      const [group = '', version = ''] = apiVersion.split('/');
      await patchStatus(
        customObjects,
        { group, version, plural: 'sealedsecrets', namespace, name, kind: 'SealedSecret' },
        { ...status },
        { fieldManager: FIELD_MANAGER },
      );
    },
    recordEvent: (subject, type, reason, message) =>
      recorder.record({
        involvedObject: {
          apiVersion: subject.apiVersion,
          kind: subject.kind,
          name: subject.name,
          namespace: subject.namespace,
          uid: subject.uid,
        },
        type,
        reason,
        message,
      }),
  };
}
