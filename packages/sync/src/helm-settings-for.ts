import type { ClusterCapabilities } from '@gitseal/kube';
import type { GitSync, HelmSpec } from '@gitseal/manifests';
import type { HelmRenderSettings } from './helm-settings.js';
import { mergeValues, readValuesFrom, type Values } from './helm-values.js';
import type { ObjectApi } from './live-objects.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** Helm's rule for release names: a DNS label of at most 53 characters. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_RELEASE_NAME = 53;

export interface HelmSettingsSources {
  /** Reads valuesFrom: the GitSync's own identity. */
  readonly reader: ObjectApi;
  /** What the API server serves; absent: helm's defaults. */
  readonly capabilities?: () => Promise<ClusterCapabilities>;
}

/**
 * spec.helm worked out for one render: the release name and namespace, valuesFrom read (as the GitSync's identity)
 * and merged with the inline values, and `.Capabilities` from the cluster's discovery unless the spec sets them.
 */
export async function helmSettingsFor(
  gitSync: Pick<GitSync, 'metadata' | 'spec'>,
  sources: HelmSettingsSources,
): Promise<HelmRenderSettings> {
  const helm = gitSync.spec.helm ?? {};
  const namespace = gitSync.metadata.namespace ?? 'default';
  const values = await valuesOf(helm, namespace, sources.reader);
  const capabilities =
    helm.kubeVersion !== undefined && helm.apiVersions !== undefined ? undefined : await sources.capabilities?.();
  const kubeVersion = helm.kubeVersion ?? capabilities?.kubeVersion;
  return {
    releaseName: releaseNameOf(helm.releaseName ?? gitSync.metadata.name),
    namespace: helm.namespace ?? gitSync.spec.targetNamespace ?? namespace,
    valuesFiles: helm.valuesFiles ?? [],
    ...(values ? { values } : {}),
    includeCRDs: helm.includeCRDs !== false,
    skipTests: helm.skipTests !== false,
    ...(kubeVersion ? { kubeVersion } : {}),
    apiVersions: helm.apiVersions ?? capabilities?.apiVersions ?? [],
  };
}

function releaseNameOf(name: string): string {
  if (name.length > MAX_RELEASE_NAME || !RELEASE_NAME.test(name)) {
    throw new SyncError(
      SyncErrorCode.InvalidSpec,
      `spec.helm.releaseName: "${name.slice(0, 60)}" is not a Helm release name (a DNS label of at most ${MAX_RELEASE_NAME} characters); set spec.helm.releaseName`,
    );
  }
  return name;
}

/** valuesFrom (read as the GitSync's identity) then the inline values; undefined when there are none. */
async function valuesOf(helm: HelmSpec, namespace: string, reader: ObjectApi): Promise<Values | undefined> {
  let values: Values | undefined;
  if (helm.valuesFrom && helm.valuesFrom.length > 0) values = await readValuesFrom(helm.valuesFrom, namespace, reader);
  if (helm.values) values = mergeValues(values ?? {}, helm.values);
  return values;
}
