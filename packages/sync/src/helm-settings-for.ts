import type { ClusterCapabilities } from '@gitseal/kube';
import type { GitSync } from '@gitseal/manifests';
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
  const releaseName = helm.releaseName ?? gitSync.metadata.name;
  if (releaseName.length > MAX_RELEASE_NAME || !RELEASE_NAME.test(releaseName)) {
    throw new SyncError(
      SyncErrorCode.InvalidSpec,
      `spec.helm.releaseName: "${releaseName.slice(0, 60)}" is not a Helm release name (a DNS label of at most ${MAX_RELEASE_NAME} characters); set spec.helm.releaseName`,
    );
  }
  let values: Values | undefined;
  if (helm.valuesFrom && helm.valuesFrom.length > 0) {
    values = await readValuesFrom(helm.valuesFrom, namespace, sources.reader);
  }
  if (helm.values) values = mergeValues(values ?? {}, helm.values);
  const capabilities =
    helm.kubeVersion !== undefined && helm.apiVersions !== undefined ? undefined : await sources.capabilities?.();
  const kubeVersion = helm.kubeVersion ?? capabilities?.kubeVersion;
  return {
    releaseName,
    namespace: helm.namespace ?? gitSync.spec.targetNamespace ?? namespace,
    valuesFiles: helm.valuesFiles ?? [],
    ...(values ? { values } : {}),
    includeCRDs: helm.includeCRDs !== false,
    skipTests: helm.skipTests !== false,
    ...(kubeVersion ? { kubeVersion } : {}),
    apiVersions: helm.apiVersions ?? capabilities?.apiVersions ?? [],
  };
}
