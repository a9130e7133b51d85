import type { CertsConfigMap } from './certs-config-map.js';
import type { ManagedFieldsEntry } from './managed-fields-writers.js';

/** The live `gitseal-certs` ConfigMap as the API server returns it (raw JSON), as far as its guard reads it. */
export interface LiveConfigMap {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly managedFields?: readonly ManagedFieldsEntry[];
  };
  readonly data?: Readonly<Record<string, string>> | undefined;
  readonly binaryData?: Readonly<Record<string, string>> | undefined;
  readonly immutable?: boolean | undefined;
}

/** Data keys named in a drift list before the rest are only counted. */
const MAX_KEYS_NAMED = 5;

/**
 * What a client could read differently from the live ConfigMap than from the one the key set gives: data keys
 * changed, added or removed, any binaryData, and `immutable` (which would refuse the restore). Short phrases that
 * name data keys only (never values); empty when the two agree. Labels and annotations are not compared.
 */
export function certsConfigMapDrift(live: LiveConfigMap, desired: CertsConfigMap): string[] {
  const liveData = live.data ?? {};
  const keys = [...new Set([...Object.keys(liveData), ...Object.keys(desired.data)])].sort();
  const dataDrift = keys.flatMap((key) => {
    const [have, want] = [liveData[key], desired.data[key]];
    if (have === want) return [];
    if (want === undefined) return [`data "${key}" added`];
    return [have === undefined ? `data "${key}" removed` : `data "${key}" changed`];
  });
  const drift =
    dataDrift.length > MAX_KEYS_NAMED
      ? [...dataDrift.slice(0, MAX_KEYS_NAMED), `${dataDrift.length - MAX_KEYS_NAMED} more data keys`]
      : dataDrift;
  if (Object.keys(live.binaryData ?? {}).length > 0) drift.push('binaryData set');
  if (live.immutable === true) drift.push('immutable');
  return drift;
}

/**
 * The whole object to PUT over a live ConfigMap that drifted: exactly the desired data, no binaryData, not
 * immutable, our label. Labels and annotations others added stay; owner references and finalizers are dropped
 * (nobody may tie this object's life to another). The resourceVersion makes the write optimistic.
 */
export function restoredCertsConfigMap(live: LiveConfigMap, desired: CertsConfigMap): CertsConfigMap {
  const annotations = live.metadata?.annotations;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...desired.metadata,
      labels: { ...live.metadata?.labels, ...desired.metadata.labels },
      ...(annotations === undefined ? {} : { annotations: { ...annotations } }),
      ...(live.metadata?.resourceVersion === undefined ? {} : { resourceVersion: live.metadata.resourceVersion }),
    },
    data: { ...desired.data },
  };
}
