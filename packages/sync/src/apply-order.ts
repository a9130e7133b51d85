import { BITNAMI_GROUP, GITSEAL_GROUP, isPlainObject, type KubeObject } from '@gitseal/manifests';
import { groupOf } from './object-ref.js';
import type { RenderedObject } from './render.js';

/** Apply tiers, lowest first. */
export const ApplyTier = {
  Crds: 0,
  Namespaces: 1,
  ClusterRbac: 2,
  /** SealedSecrets, Secrets, ConfigMaps, ServiceAccounts, Roles, RoleBindings. */
  Config: 3,
  Rest: 4,
} as const;
export type ApplyTier = (typeof ApplyTier)[keyof typeof ApplyTier];

export interface PlannedObject extends RenderedObject {
  readonly tier: ApplyTier;
  /** A custom resource whose CRD (by name, `plural.group`) is in the same revision: wait until it is Established. */
  readonly waitsForCrd?: string;
  /** A workload using a Secret a SealedSecret of the revision produces: the first (sorted) `ns/name`... */
  readonly waitsForSecret?: string;
  /** ...and all of them. */
  readonly waitsForSecrets?: readonly string[];
  /** The SealedSecrets producing them, in the same order: each must be opened (Synced) at its current generation. */
  readonly waitsForSealedSecrets?: readonly SealedSecretRef[];
}

/** A SealedSecret of the revision (gitseal's or Bitnami's), by apiVersion, namespace and name. */
export interface SealedSecretRef {
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
}

const RBAC = 'rbac.authorization.k8s.io';

const TIER_OF: Record<string, ApplyTier> = {
  'apiextensions.k8s.io/CustomResourceDefinition': ApplyTier.Crds,
  '/Namespace': ApplyTier.Namespaces,
  [`${RBAC}/ClusterRole`]: ApplyTier.ClusterRbac,
  [`${RBAC}/ClusterRoleBinding`]: ApplyTier.ClusterRbac,
  [`${GITSEAL_GROUP}/SealedSecret`]: ApplyTier.Config,
  [`${BITNAMI_GROUP}/SealedSecret`]: ApplyTier.Config,
  '/Secret': ApplyTier.Config,
  '/ConfigMap': ApplyTier.Config,
  '/ServiceAccount': ApplyTier.Config,
  [`${RBAC}/Role`]: ApplyTier.Config,
  [`${RBAC}/RoleBinding`]: ApplyTier.Config,
};

export function applyTierOf(object: KubeObject): ApplyTier {
  return TIER_OF[`${groupOf(object.apiVersion)}/${object.kind}`] ?? ApplyTier.Rest;
}

/** API groups served by Kubernetes itself (custom resources live elsewhere). */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
  'networking.k8s.io',
  RBAC,
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'apiregistration.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'certificates.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
  'internal.apiserver.k8s.io',
]);

/** `Kind.group` → CRD name, for the CRDs in a revision. */
function crdsByKind(objects: readonly RenderedObject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { object } of objects) {
    if (object.kind !== 'CustomResourceDefinition' || groupOf(object.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = isPlainObject(object['spec']) ? object['spec'] : {};
    const names = isPlainObject(spec['names']) ? spec['names'] : {};
    const name = object.metadata?.name;
    if (typeof spec['group'] === 'string' && typeof names['kind'] === 'string' && name) {
      out.set(`${names['kind']}.${spec['group']}`, name);
    }
  }
  return out;
}

const WORKLOADS: Record<string, (object: KubeObject) => unknown> = {
  '/Pod': (o) => o['spec'],
  'apps/Deployment': (o) => podTemplateSpec(o['spec']),
  'apps/StatefulSet': (o) => podTemplateSpec(o['spec']),
  'apps/DaemonSet': (o) => podTemplateSpec(o['spec']),
  'apps/ReplicaSet': (o) => podTemplateSpec(o['spec']),
  'batch/Job': (o) => podTemplateSpec(o['spec']),
  'batch/CronJob': (o) => {
    const spec = isPlainObject(o['spec']) ? o['spec'] : {};
    const jobTemplate = isPlainObject(spec['jobTemplate']) ? spec['jobTemplate'] : {};
    return podTemplateSpec(jobTemplate['spec']);
  },
};

function podTemplateSpec(spec: unknown): unknown {
  if (!isPlainObject(spec)) return undefined;
  const template = spec['template'];
  return isPlainObject(template) ? template['spec'] : undefined;
}

const list = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => isPlainObject(v)) : [];
const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((at, key) => (isPlainObject(at) ? at[key] : undefined), value);

function containerSecrets(container: Record<string, unknown>, out: Set<string>): void {
  for (const env of list(container['env'])) {
    const name = field(env, 'valueFrom', 'secretKeyRef', 'name');
    if (typeof name === 'string') out.add(name);
  }
  for (const from of list(container['envFrom'])) {
    const name = field(from, 'secretRef', 'name');
    if (typeof name === 'string') out.add(name);
  }
}

/** Names of the Secrets a workload's pod spec uses: volumes (incl. projected), env, envFrom, imagePullSecrets. */
export function secretsReferencedBy(object: KubeObject): string[] {
  const podSpecOf = WORKLOADS[`${groupOf(object.apiVersion)}/${object.kind}`];
  const podSpec = podSpecOf?.(object);
  if (!isPlainObject(podSpec)) return [];
  const out = new Set<string>();
  for (const volume of list(podSpec['volumes'])) {
    const name = field(volume, 'secret', 'secretName');
    if (typeof name === 'string') out.add(name);
    for (const source of list(field(volume, 'projected', 'sources'))) {
      const projected = field(source, 'secret', 'name');
      if (typeof projected === 'string') out.add(projected);
    }
  }
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const container of list(podSpec[key])) containerSecrets(container, out);
  }
  for (const ref of list(podSpec['imagePullSecrets'])) {
    if (typeof ref['name'] === 'string') out.add(ref['name']);
  }
  return [...out].sort();
}

/** The revision's SealedSecrets by the `namespace/name` of the Secret each produces. */
function producedSecrets(objects: readonly RenderedObject[]): Map<string, SealedSecretRef> {
  const out = new Map<string, SealedSecretRef>();
  for (const { object } of objects) {
    const group = groupOf(object.apiVersion);
    if (object.kind !== 'SealedSecret' || (group !== GITSEAL_GROUP && group !== BITNAMI_GROUP)) continue;
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    out.set(`${namespace}/${name}`, { apiVersion: object.apiVersion, namespace, name });
  }
  return out;
}

/**
 * Orders a revision for apply: CRDs, Namespaces, cluster RBAC, then SealedSecrets/Secrets/ConfigMaps/
 * ServiceAccounts/Roles/RoleBindings, then the rest; stable within a tier. Marks custom resources whose CRD is
 * in the revision (`waitsForCrd`) and workloads using Secrets that SealedSecrets of the revision produce
 * (`waitsForSecret(s)`, `waitsForSealedSecrets`): apply opens those SealedSecrets before it writes the workload.
 */
export function orderForApply(objects: readonly RenderedObject[]): PlannedObject[] {
  const crds = crdsByKind(objects);
  const produced = producedSecrets(objects);
  const planned = objects.map((item, position): PlannedObject & { position: number } => {
    const { object } = item;
    const group = groupOf(object.apiVersion);
    const crd = BUILT_IN_GROUPS.has(group) ? undefined : crds.get(`${object.kind}.${group}`);
    const namespace = object.metadata?.namespace ?? '';
    const secrets = secretsReferencedBy(object)
      .map((name) => `${namespace}/${name}`)
      .filter((ref) => produced.has(ref));
    return {
      ...item,
      tier: applyTierOf(object),
      position,
      ...(crd ? { waitsForCrd: crd } : {}),
      ...(secrets[0]
        ? {
            waitsForSecret: secrets[0],
            waitsForSecrets: secrets,
            waitsForSealedSecrets: secrets.flatMap((ref) => produced.get(ref) ?? []),
          }
        : {}),
    };
  });
  planned.sort((a, b) => a.tier - b.tier || a.position - b.position);
  return planned.map(({ position: _position, ...rest }) => rest);
}
