import { KubeError, type ApiDiscovery, describeObject } from '@gitseal/kube';
import { isPlainObject, type KubeObject } from '@gitseal/manifests';
import { throwIfFailures } from './object-failures.js';
import { groupOf } from './object-ref.js';
import type { RenderedObject } from './render.js';

export type ObjectScope = 'Namespaced' | 'Cluster';

/** The scope of a kind; undefined when neither the API server nor the revision serves it. */
export type ScopeOf = (apiVersion: string, kind: string) => Promise<ObjectScope | undefined>;

const CRD_GROUP = 'apiextensions.k8s.io';

/** `group/version/Kind` → scope, for every served version of the CRDs in a revision. */
export function scopesFromCrds(objects: readonly KubeObject[]): Map<string, ObjectScope> {
  const out = new Map<string, ObjectScope>();
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition' || groupOf(object.apiVersion) !== CRD_GROUP) continue;
    const spec = isPlainObject(object['spec']) ? object['spec'] : {};
    const names = isPlainObject(spec['names']) ? spec['names'] : {};
    const group = spec['group'];
    const kind = names['kind'];
    if (typeof group !== 'string' || typeof kind !== 'string') continue;
    const scope: ObjectScope = spec['scope'] === 'Cluster' ? 'Cluster' : 'Namespaced';
    const versions = Array.isArray(spec['versions']) ? spec['versions'] : [];
    for (const version of versions) {
      if (!isPlainObject(version) || typeof version['name'] !== 'string' || version['served'] === false) continue;
      out.set(`${group}/${version['name']}/${kind}`, scope);
    }
  }
  return out;
}

/** Scopes from API discovery, then from the revision's own CRDs (not applied yet). */
export function scopeResolver(discovery: ApiDiscovery, objects: readonly KubeObject[]): ScopeOf {
  const fromCrds = scopesFromCrds(objects);
  return async (apiVersion, kind) => {
    const served = await discovery.resource(apiVersion, kind);
    if (served) return served.namespaced ? 'Namespaced' : 'Cluster';
    return fromCrds.get(`${apiVersion}/${kind}`);
  };
}

function notServed(object: KubeObject): string {
  const group = groupOf(object.apiVersion);
  if (group === '' || !group.includes('.')) {
    return `the API server does not serve kind ${object.kind} in ${object.apiVersion}`;
  }
  return `no CRD for kind ${object.kind} in group ${group} (${object.apiVersion}) is installed, and this revision does not define one`;
}

export interface ResolveScopesInput {
  readonly scopeOf: ScopeOf;
  /** Namespace for namespaced objects that set none. */
  readonly targetNamespace: string;
}

/**
 * Gives every object of a revision the namespace the API server will store it under, by the scope of its kind as
 * API discovery (or a CRD of the same revision) says, never by the manifest or the GitSync's namespace:
 * namespaced objects without one get `targetNamespace`; a cluster-scoped object naming a namespace in a file is an
 * error (kustomize sets its `namespace:` on kinds it does not know, so there it is dropped); an object of a kind
 * nobody serves is an error. Every problem is reported at once (SyncError ValidationFailed), before any write.
 */
export async function resolveObjectScopes(
  objects: readonly RenderedObject[],
  input: ResolveScopesInput,
): Promise<RenderedObject[]> {
  const failures: string[] = [];
  const out: RenderedObject[] = [];
  for (const item of objects) {
    const { object } = item;
    let scope: ObjectScope | undefined;
    try {
      scope = await input.scopeOf(object.apiVersion, object.kind);
    } catch (error) {
      if (!(error instanceof KubeError)) throw error;
      const message = `${item.source}: ${describeObject(object)}: ${error.message}`;
      throw new KubeError(error.code, message, { status: error.status, reason: error.reason });
    }
    const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
    if (scope === undefined) {
      failures.push(`${item.source}: ${describeObject(object)}: ${notServed(object)}`);
    } else if (scope === 'Cluster' && namespace !== '') {
      if (item.kustomized) {
        const { namespace: _dropped, ...metadata } = object.metadata ?? {};
        out.push({ ...item, object: { ...object, metadata } });
      } else {
        failures.push(
          `${item.source}: ${object.kind} ${object.metadata?.name ?? ''}: is cluster-scoped but sets metadata.namespace (remove it)`,
        );
      }
    } else if (scope === 'Namespaced' && namespace === '') {
      out.push({ ...item, object: { ...object, metadata: { ...object.metadata, namespace: input.targetNamespace } } });
    } else {
      out.push(item);
    }
  }
  throwIfFailures('cannot be applied', failures);
  return out;
}
