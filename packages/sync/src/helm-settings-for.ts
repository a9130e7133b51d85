import type { ClusterCapabilities } from '@gitseal/kube';
import type { GitSync, HelmSpec } from '@gitseal/manifests';
import type { HelmRenderSettings } from './helm-settings.js';
import { mergeValues, readValuesFrom, type Values } from './helm-values.js';
import type { ObjectApi } from './live-objects.js';

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
  const capabilities = await capabilitiesFor(gitSync, sources);
  const kubeVersion = helm.kubeVersion ?? capabilities?.kubeVersion;
  return {
    releaseName: helm.releaseName ?? gitSync.metadata.name,
    namespace: helm.namespace ?? gitSync.spec.targetNamespace ?? namespace,
    valuesFiles: helm.valuesFiles ?? [],
    ...(values ? { values } : {}),
    includeCRDs: helm.includeCRDs !== false,
    skipTests: helm.skipTests !== false,
    ...(kubeVersion ? { kubeVersion } : {}),
    apiVersions: helm.apiVersions ?? capabilities?.apiVersions ?? [],
  };
}

/**
 * `.Capabilities` from the cluster, unless the spec sets both. Only a render finds out whether a path holds a chart,
 * so these are worked out for every GitSync; one that does not ask for Helm (no spec.helm, no chart source) is not
 * failed by a discovery error: its chart folder, if it is one, renders with helm's defaults this once.
 */
async function capabilitiesFor(
  gitSync: Pick<GitSync, 'spec'>,
  sources: HelmSettingsSources,
): Promise<ClusterCapabilities | undefined> {
  const helm = gitSync.spec.helm ?? {};
  if (helm.kubeVersion !== undefined && helm.apiVersions !== undefined) return undefined;
  const explicit = gitSync.spec.helm !== undefined || gitSync.spec.source.chart !== undefined;
  try {
    return await sources.capabilities?.();
  } catch (error) {
    if (explicit) throw error;
    return undefined;
  }
}

/** valuesFrom (read as the GitSync's identity) then the inline values; undefined when there are none. */
async function valuesOf(helm: HelmSpec, namespace: string, reader: ObjectApi): Promise<Values | undefined> {
  let values: Values | undefined;
  if (helm.valuesFrom && helm.valuesFrom.length > 0) values = await readValuesFrom(helm.valuesFrom, namespace, reader);
  if (helm.values) values = mergeValues(values ?? {}, helm.values);
  return values;
}
