import type { KubeConfig } from '@kubernetes/client-node';
import {
  createObject,
  deleteObject,
  EventRecorder,
  findJson,
  makeCustomObjectsApi,
  makeObjectApi,
  patchStatus,
  replaceObject,
  resourcePath,
  Resources,
} from '@gitseal/kube';
import type { Secret } from '@gitseal/manifests';
import type { Logger } from 'pino';
import type { ClusterWrites } from './cluster-writes.js';
import type { ControllerMetrics } from './metrics.js';

export const FIELD_MANAGER = 'gitseal-controller';

/**
 * ClusterWrites over @gitseal/kube. Secrets are created and replaced whole (not applied): a Secret restored after
 * an edit must lose keys someone else added, which server-side apply would keep. Errors are safe KubeErrors.
 */
export function createKubeClusterWrites(
  kc: KubeConfig,
  logger: Logger,
  metrics: Pick<ControllerMetrics, 'apiWrites'>,
): ClusterWrites {
  const objects = makeObjectApi(kc);
  const customObjects = makeCustomObjectsApi(kc);
  const recorder = new EventRecorder({ kubeConfig: kc, component: FIELD_MANAGER, logger });
  const counted = <T>(resource: string, write: Promise<T>): Promise<T> =>
    write.then((result) => {
      metrics.apiWrites.inc({ resource });
      return result;
    });
  return {
    // Raw JSON, as the informers hold it (client-node's typed read would turn timestamps into Dates). A body that
    // is not JSON is a safe KubeError (JSON.parse's message quotes the body); 404 is undefined.
    readSecret: (namespace, name) =>
      findJson<Secret>(kc, {
        path: resourcePath(Resources.Secret, namespace, name),
        what: `read Secret ${namespace}/${name}`,
      }),
    readSealedSecret: (apiVersion, namespace, name) =>
      findJson<unknown>(kc, {
        path: resourcePath({ apiVersion, kind: 'SealedSecret', plural: 'sealedsecrets' }, namespace, name),
        what: `read SealedSecret ${namespace}/${name}`,
      }),
    createSecret: async (secret) => {
      await counted('Secret', createObject(kc, Resources.Secret, secret, { fieldManager: FIELD_MANAGER }));
    },
    replaceSecret: async (secret, resourceVersion) => {
      await counted(
        'Secret',
        replaceObject(kc, Resources.Secret, secret, { fieldManager: FIELD_MANAGER, resourceVersion }),
      );
    },
    deleteSecret: async (namespace, name) => {
      await counted(
        'Secret',
        deleteObject(objects, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } }),
      );
    },
    patchSealedSecretStatus: async (apiVersion, namespace, name, status) => {
      const [group = '', version = ''] = apiVersion.split('/');
      await counted(
        'SealedSecretStatus',
        patchStatus(
          customObjects,
          { group, version, plural: 'sealedsecrets', namespace, name, kind: 'SealedSecret' },
          { ...status },
          { fieldManager: FIELD_MANAGER },
        ),
      );
    },
    recordEvent: (subject, type, reason, message) =>
      counted(
        'Event',
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
      ),
  };
}
