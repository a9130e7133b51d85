import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { ApplyTier, orderForApply, secretsReferencedBy } from './apply-order.js';
import type { RenderedObject } from './render.js';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, rest: Record<string, unknown> = {}) =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...rest }) as KubeObject;
const r = (object: KubeObject, i: number): RenderedObject => ({ object, source: `f.yaml#${i}` });
const crd = (group: string, kind: string, plural: string) =>
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `${plural}.${group}`, undefined, {
    spec: { group, names: { kind, plural }, scope: 'Namespaced' },
  });
const deployment = (name: string, podSpec: Record<string, unknown>, namespace = 'prod') =>
  obj('apps/v1', 'Deployment', name, namespace, { spec: { template: { spec: podSpec } } });

describe('orderForApply', () => {
  it('puts CRDs, Namespaces, cluster RBAC, config, then the rest; stable within a tier', () => {
    const input = [
      obj('apps/v1', 'Deployment', 'web', 'prod'),
      obj('v1', 'ConfigMap', 'cm', 'prod'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'crb'),
      obj('v1', 'Service', 'svc', 'prod'),
      obj('gitseal.dev/v1alpha1', 'SealedSecret', 'ss', 'prod'),
      obj('v1', 'Namespace', 'prod'),
      crd('example.com', 'Widget', 'widgets'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr'),
      obj('v1', 'ServiceAccount', 'sa', 'prod'),
      obj('rbac.authorization.k8s.io/v1', 'Role', 'role', 'prod'),
      obj('v1', 'Secret', 'plain', 'prod'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', 'prod'),
      obj('bitnami.com/v1alpha1', 'SealedSecret', 'bss', 'prod'),
      obj('v1', 'Namespace', 'second'),
      obj('example.com/v1', 'Role', 'not-rbac', 'prod'),
    ].map(r);
    const planned = orderForApply(input);
    assert.deepEqual(
      planned.map((p) => `${p.tier}:${p.object.kind}/${p.object.metadata?.name}`),
      [
        '0:CustomResourceDefinition/widgets.example.com',
        '1:Namespace/prod',
        '1:Namespace/second',
        '2:ClusterRoleBinding/crb',
        '2:ClusterRole/cr',
        '3:ConfigMap/cm',
        '3:SealedSecret/ss',
        '3:ServiceAccount/sa',
        '3:Role/role',
        '3:Secret/plain',
        '3:RoleBinding/rb',
        '3:SealedSecret/bss',
        '4:Deployment/web',
        '4:Service/svc',
        '4:Role/not-rbac',
      ],
    );
    assert.equal(planned[0]?.tier, ApplyTier.Crds);
    assert.equal(planned[0]?.source, 'f.yaml#6');
  });

  it('marks custom resources whose CRD is in the same revision', () => {
    const planned = orderForApply(
      [
        obj('example.com/v1', 'Widget', 'w', 'prod'),
        obj('example.com/v1', 'Gadget', 'g', 'prod'),
        obj('other.io/v1', 'Widget', 'o', 'prod'),
        obj('apps/v1', 'Deployment', 'd', 'prod'),
        crd('example.com', 'Widget', 'widgets'),
        crd('apps', 'Deployment', 'deployments'),
      ].map(r),
    );
    const waits = Object.fromEntries(planned.map((p) => [p.object.metadata?.name, p.waitsForCrd]));
    assert.equal(waits['w'], 'widgets.example.com');
    assert.equal(waits['g'], undefined);
    assert.equal(waits['o'], undefined);
    assert.equal(waits['d'], undefined, 'built-in groups never wait for a CRD');
  });

  it('marks workloads that use Secrets produced by SealedSecrets of the revision', () => {
    const ss = (name: string, namespace = 'prod') => obj('gitseal.dev/v1alpha1', 'SealedSecret', name, namespace);
    const planned = orderForApply(
      [
        deployment('vol', { volumes: [{ name: 'v', secret: { secretName: 'db' } }] }),
        deployment('env', {
          containers: [{ name: 'c', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'api', key: 'k' } } }] }],
        }),
        deployment('envfrom', { initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'db' } }] }] }),
        deployment('pull', { imagePullSecrets: [{ name: 'regcred' }, { name: 'db' }] }),
        deployment('unsealed', { volumes: [{ name: 'v', secret: { secretName: 'not-sealed' } }] }),
        deployment('other-ns', { volumes: [{ name: 'v', secret: { secretName: 'db' } }] }, 'dev'),
        obj('batch/v1', 'CronJob', 'cron', 'prod', {
          spec: {
            jobTemplate: {
              spec: { template: { spec: { containers: [{ envFrom: [{ secretRef: { name: 'api' } }] }] } } },
            },
          },
        }),
        obj('v1', 'Pod', 'pod', 'prod', {
          spec: { containers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'db' } } }] }] },
        }),
        obj('v1', 'Service', 'svc', 'prod', { spec: { volumes: [{ secret: { secretName: 'db' } }] } }),
        ss('db'),
        ss('api'),
        obj('bitnami.com/v1alpha1', 'SealedSecret', 'regcred', 'prod'),
      ].map(r),
    );
    const waits = Object.fromEntries(planned.map((p) => [p.object.metadata?.name, p.waitsForSecrets]));
    assert.deepEqual(waits['vol'], ['prod/db']);
    assert.deepEqual(waits['env'], ['prod/api']);
    assert.deepEqual(waits['envfrom'], ['prod/db']);
    assert.deepEqual(waits['pull'], ['prod/db', 'prod/regcred']);
    assert.equal(planned.find((p) => p.object.metadata?.name === 'pull')?.waitsForSecret, 'prod/db');
    // The SealedSecrets to open first, gitseal's and Bitnami's, in the order of the Secrets.
    assert.deepEqual(planned.find((p) => p.object.metadata?.name === 'pull')?.waitsForSealedSecrets, [
      { apiVersion: 'gitseal.dev/v1alpha1', namespace: 'prod', name: 'db' },
      { apiVersion: 'bitnami.com/v1alpha1', namespace: 'prod', name: 'regcred' },
    ]);
    assert.equal(planned.find((p) => p.object.metadata?.name === 'unsealed')?.waitsForSealedSecrets, undefined);
    assert.equal(waits['unsealed'], undefined);
    assert.equal(waits['other-ns'], undefined);
    assert.deepEqual(waits['cron'], ['prod/api']);
    assert.deepEqual(waits['pod'], ['prod/db']);
    assert.equal(waits['svc'], undefined);
  });

  it('finds Secret references in projected volumes and every container list', () => {
    const d = deployment('d', {
      volumes: [{ projected: { sources: [{ secret: { name: 'p1' } }, { configMap: { name: 'cm' } }] } }],
      ephemeralContainers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'e1' } } }] }],
      containers: [{ env: [{ value: 'x' }, { valueFrom: { configMapKeyRef: { name: 'cm' } } }] }],
    });
    assert.deepEqual(secretsReferencedBy(d), ['e1', 'p1']);
    assert.deepEqual(secretsReferencedBy(obj('apps/v1', 'Deployment', 'empty', 'prod')), []);
  });
});
