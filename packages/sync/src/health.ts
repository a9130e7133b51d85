import type { KubeObject } from '@gitseal/manifests';
import {
  alwaysReady,
  crdHealth,
  jobHealth,
  podHealth,
  pvcHealth,
  sealedSecretHealth,
  serviceHealth,
} from './health-core-kinds.js';
import { evaluateHealthCheck, healthCheckKey, type EvaluationBudget, type HealthChecks } from './health-checks.js';
import { rec, type Fields, type Health } from './health-fields.js';
import { genericProperties, readyCondition } from './health-generic.js';
import { daemonSetHealth, deploymentHealth, replicaSetHealth, statefulSetHealth } from './health-workloads.js';
import { groupOf } from './object-ref.js';

export { HealthStatus, type Health } from './health-fields.js';

export interface HealthOptions {
  /** Compiled spec.healthChecks: an entry for the object's kind replaces the built-in rules. */
  readonly checks?: HealthChecks;
  /** What the checks may still spend this poll (shared by every object of one health wait's poll). */
  readonly budget?: EvaluationBudget;
  /** Epoch ms (Pod scheduling grace); default now. */
  readonly now?: number;
}

type Rule = (object: KubeObject, status: Fields, now: number) => Health;

/** kstatus's per-kind rules (its "legacy types"), by `group/Kind`, plus gitseal's and Bitnami's SealedSecret. */
const RULES: Record<string, Rule> = {
  '/Pod': podHealth,
  '/PersistentVolumeClaim': pvcHealth,
  '/Service': serviceHealth,
  '/Secret': alwaysReady,
  '/ConfigMap': alwaysReady,
  'apps/Deployment': deploymentHealth,
  'extensions/Deployment': deploymentHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  'extensions/DaemonSet': daemonSetHealth,
  'apps/ReplicaSet': replicaSetHealth,
  'extensions/ReplicaSet': replicaSetHealth,
  'policy/PodDisruptionBudget': alwaysReady,
  'batch/Job': jobHealth,
  'batch/CronJob': alwaysReady,
  'apiextensions.k8s.io/CustomResourceDefinition': crdHealth,
  'gitseal.dev/SealedSecret': sealedSecretHealth,
  'bitnami.com/SealedSecret': sealedSecretHealth,
};

/**
 * The health of one live object, as kstatus computes it: a spec.healthChecks entry for its kind decides alone
 * (Flux's CEL reader); otherwise the generic properties (deletion, observedGeneration behind generation,
 * `Reconciling=True`, `Stalled=True`), then the kind's own rules (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * Pod, PVC, Service, Job, CRD, PDB, SealedSecret), and for any other kind its `Ready` condition if it has one.
 */
export function objectHealth(object: KubeObject, options: HealthOptions = {}): Health {
  const check = options.checks?.get(healthCheckKey(object.apiVersion, object.kind));
  if (check) return evaluateHealthCheck(check, object, options.budget);
  const generic = genericProperties(object);
  if (generic) return generic;
  const rule = RULES[`${groupOf(object.apiVersion)}/${object.kind}`];
  if (!rule) return readyCondition(object);
  return rule(object, rec(object['status']), options.now ?? Date.now());
}
