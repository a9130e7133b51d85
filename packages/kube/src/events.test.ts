import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvent } from './events.js';

test('buildEvent fills a core/v1 Event in the object namespace with a unique name', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  const input = {
    involvedObject: {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      name: 'db',
      namespace: 'prod',
      uid: 'u1',
    },
    type: 'Warning',
    reason: 'SealedSecretUndecryptable',
    message: 'no key',
    component: 'gitseal-controller',
  } as const;
  const event = buildEvent(input, now);
  assert.equal(event.metadata.namespace, 'prod');
  assert.match(event.metadata.name ?? '', /^db\.[0-9a-f]+$/);
  assert.notEqual(event.metadata.name, buildEvent(input, now).metadata.name);
  assert.equal(event.involvedObject.uid, 'u1');
  assert.equal(event.type, 'Warning');
  assert.equal(event.reason, 'SealedSecretUndecryptable');
  assert.equal(event.source?.component, 'gitseal-controller');
  assert.equal(event.count, 1);
  assert.equal(event.firstTimestamp, now);
});

test('buildEvent cuts long messages and defaults the namespace', () => {
  const event = buildEvent({
    involvedObject: { apiVersion: 'v1', kind: 'Namespace', name: 'x' },
    type: 'Normal',
    reason: 'R',
    message: 'm'.repeat(5000),
    component: 'c',
  });
  assert.equal(event.metadata.namespace, 'default');
  assert.equal(event.message?.length, 1024);
});
