import type { KubeObject } from '@gitseal/manifests';
import { createApiDiscovery, type ApiDiscovery, type ServedResource } from './api-discovery.js';
import { fencedWrite, type MayWrite } from './fenced-write.js';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { assertOk, requestRaw } from './raw-request.js';
import { describeObject, resourcePath } from './resource.js';

/** The KubeConfig @gitseal/kube's raw requests take (client-node's). */
export type KubeConfigLike = Parameters<typeof requestRaw>[0];

/** Server-side apply of one manifest, returning the object as stored. */
export interface Applier {
  /** With `dryRun`, the API server validates and computes the result (admission included) and stores nothing. */
  apply(object: KubeObject, options?: { readonly dryRun?: boolean }): Promise<KubeObject>;
  /** Creates (POST) one object, which may name itself by `metadata.generateName` only (hooks); as stored. */
  create?(object: KubeObject): Promise<KubeObject>;
}

/** An Applier that can also read objects back as plain JSON (no typed models in between). */
export interface RawObjectClient extends Applier {
  /** The live object, or undefined when it does not exist. */
  read(object: KubeObject): Promise<KubeObject | undefined>;
}

export interface RawApplierOptions {
  /** Default `gitseal`. */
  readonly fieldManager?: string;
  /** Take over fields of other managers; default true. */
  readonly force?: boolean;
  /** Server-side dry run: the API server computes the result and stores nothing. */
  readonly dryRun?: boolean;
  /**
   * Refuse any object that is not namespaced (as API discovery, not the manifest, says) or lies outside this
   * namespace: a tenant's last line of defence when a kind's scope was not known at render time.
   */
  readonly onlyNamespace?: string;
  /** API discovery to find plurals and scopes with; default: one of its own. */
  readonly discovery?: ApiDiscovery;
  /**
   * Asked before every apply that is not a dry run, and again right before its request goes out: once false,
   * nothing more is written (leader election's fence).
   */
  readonly mayWrite?: MayWrite;
}

/**
 * Server-side apply that sends the manifest exactly as rendered (JSON, `application/apply-patch+yaml`): client-node's
 * typed models would drop fields they do not know (and rename `x-kubernetes-*` keys of CRD schemas), so the
 * desired state would not be what Git says. Plurals come from API discovery, cached per group version and
 * refreshed when a kind is missing (a CRD of the same revision). Requests carry the KubeConfig's identity, so an
 * impersonating KubeConfig applies with the impersonated account's rights. Errors are safe KubeErrors.
 */
export function createRawApplier(kc: KubeConfigLike, options: RawApplierOptions = {}): RawObjectClient {
  const discovery = options.discovery ?? createApiDiscovery(kc);
  const resolve = async (apiVersion: string, kind: string, what: string): Promise<ServedResource> => {
    let found: ServedResource | undefined;
    try {
      found = await discovery.resource(apiVersion, kind);
    } catch (error) {
      if (!(error instanceof KubeError)) throw error;
      throw new KubeError(error.code, `${what}: ${error.message}`, { status: error.status, reason: error.reason });
    }
    if (!found) throw new KubeError(KubeErrorCode.InvalidObject, `${what}: kind not served by the API server`);
    return found;
  };
  /** The object's path (its collection's with `collection`, for a create), after the namespace checks. */
  const locate = async (object: KubeObject, what: string, collection = false): Promise<string> => {
    const name = object.metadata?.name;
    if (!name && !collection) throw new KubeError(KubeErrorCode.InvalidObject, `${what}: metadata.name is required`);
    const served = await resolve(object.apiVersion, object.kind, what);
    const namespace = served.namespaced ? object.metadata?.namespace : undefined;
    if (served.namespaced && !namespace) {
      throw new KubeError(KubeErrorCode.InvalidObject, `${what}: namespaced kind without metadata.namespace`);
    }
    const only = options.onlyNamespace;
    if (only !== undefined && namespace !== only) {
      const where = served.namespaced ? `is in namespace ${namespace}` : 'is cluster-scoped';
      throw new KubeError(KubeErrorCode.InvalidObject, `${what}: ${where}; this GitSync writes only into ${only}`);
    }
    const type = { apiVersion: object.apiVersion, kind: object.kind, plural: served.plural };
    return resourcePath(type, namespace, collection ? undefined : name);
  };
  /**
   * For a write (not a dry run) with `mayWrite`: checks it now, and returns the check to repeat right before the
   * request goes out (requestRaw's beforeSend).
   */
  const fenceOf = (dryRun: boolean, what: string): (() => void) | undefined => {
    const mayWrite = dryRun ? undefined : options.mayWrite;
    if (!mayWrite) return undefined;
    const fence = (): void => {
      if (!mayWrite()) throw fencedWrite(what);
    };
    fence();
    return fence;
  };
  return {
    async apply(object, applyOptions = {}) {
      const dryRun = applyOptions.dryRun ?? options.dryRun;
      const what = `${dryRun === true ? 'dry-run apply' : 'apply'} ${describeObject(object)}`;
      const fence = fenceOf(dryRun === true, what);
      const response = await requestRaw(kc, {
        method: 'PATCH',
        path: await locate(object, what),
        query: {
          fieldManager: options.fieldManager ?? 'gitseal',
          force: options.force ?? true,
          dryRun: dryRun === true ? 'All' : undefined,
        },
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: JSON.stringify(object),
        what,
        ...(fence ? { beforeSend: fence } : {}),
      });
      assertOk(response, what);
      return JSON.parse(response.body.toString('utf8')) as KubeObject;
    },
    async create(object) {
      const what = `create ${describeObject(object)}${object.metadata?.name ? '' : `${object.metadata?.generateName ?? ''}*`}`;
      const fence = fenceOf(options.dryRun === true, what);
      const response = await requestRaw(kc, {
        method: 'POST',
        path: await locate(object, what, true),
        query: { fieldManager: options.fieldManager ?? 'gitseal', dryRun: options.dryRun === true ? 'All' : undefined },
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(object),
        what,
        ...(fence ? { beforeSend: fence } : {}),
      });
      assertOk(response, what);
      return JSON.parse(response.body.toString('utf8')) as KubeObject;
    },
    async read(object) {
      const what = `read ${describeObject(object)}`;
      const response = await requestRaw(kc, { path: await locate(object, what), what });
      if (response.status === 404) return undefined;
      assertOk(response, what);
      return JSON.parse(response.body.toString('utf8')) as KubeObject;
    },
  };
}
