import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertsConfigMap } from './certs-config-map.js';
import { certsConfigMapDrift, restoredCertsConfigMap, type LiveConfigMap } from './certs-config-map-drift.js';

const desired: CertsConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'gitseal-certs',
    namespace: 'gitseal-system',
    labels: { 'app.kubernetes.io/managed-by': 'gitseal-controller' },
  },
  data: { 'cert.pem': 'SEALING', 'k1.pem': 'SEALING', 'certs.json': '[]\n' },
};

function live(overrides: Partial<LiveConfigMap> = {}): LiveConfigMap {
  return {
    metadata: { name: 'gitseal-certs', namespace: 'gitseal-system', resourceVersion: '42', uid: 'u1' },
    data: { ...desired.data },
    ...overrides,
  };
}

test('certsConfigMapDrift: no drift when the data are the same, whatever labels, annotations or fields say', () => {
  const same = live({
    metadata: {
      labels: { team: 'x' },
      annotations: { note: 'y' },
      managedFields: [{ manager: 'kubectl-label', time: '2026-12-01T10:00:00Z' }],
    },
  });
  assert.deepEqual(certsConfigMapDrift(same, desired), []);
});

test('certsConfigMapDrift names changed, added and removed data keys (never values), binaryData and immutable', () => {
  const poisoned = live({
    data: { 'cert.pem': 'ATTACKER', 'k1.pem': 'SEALING', 'zz.pem': 'ATTACKER' },
    binaryData: { 'cert.der': 'AAAA' },
    immutable: true,
  });
  const drift = certsConfigMapDrift(poisoned, desired);
  assert.deepEqual(drift, [
    'data "cert.pem" changed',
    'data "certs.json" removed',
    'data "zz.pem" added',
    'binaryData set',
    'immutable',
  ]);
  assert.ok(!drift.join(' ').includes('ATTACKER'));
  assert.deepEqual(certsConfigMapDrift(live({ data: undefined }), desired).length, 3);
  assert.deepEqual(certsConfigMapDrift(live({ immutable: false, binaryData: {} }), desired), []);
});

test('certsConfigMapDrift counts the data keys past the fifth instead of naming them', () => {
  const extra = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x${i}.pem`, 'A']));
  const drift = certsConfigMapDrift(live({ data: { ...desired.data, ...extra } }), desired);
  assert.equal(drift.length, 6);
  assert.equal(drift[5], '3 more data keys');
});

test('restoredCertsConfigMap: exactly the desired data, our label over theirs, their annotations, the live version', () => {
  const poisoned = live({
    metadata: {
      name: 'gitseal-certs',
      namespace: 'gitseal-system',
      resourceVersion: '42',
      labels: { team: 'x', 'app.kubernetes.io/managed-by': 'someone' },
      annotations: { note: 'y' },
      managedFields: [{ manager: 'kubectl-edit' }],
    },
    data: { 'cert.pem': 'ATTACKER', 'zz.pem': 'ATTACKER' },
    binaryData: { 'cert.der': 'AAAA' },
  });
  const body = restoredCertsConfigMap(poisoned, desired);
  assert.deepEqual(body, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'gitseal-certs',
      namespace: 'gitseal-system',
      labels: { team: 'x', 'app.kubernetes.io/managed-by': 'gitseal-controller' },
      annotations: { note: 'y' },
      resourceVersion: '42',
    },
    data: desired.data,
  });
  assert.deepEqual(certsConfigMapDrift(body, desired), []);
  assert.equal(restoredCertsConfigMap(live({ metadata: {} }), desired).metadata.resourceVersion, undefined);
});
