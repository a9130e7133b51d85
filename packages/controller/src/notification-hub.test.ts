import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotificationAlert, NotificationProvider } from '@gitseal/manifests';
import type { Notification, Provider } from '@gitseal/notify';
import { NotificationHub } from './notification-hub.js';

const SYSTEM = 'gitseal-system';

/** A provider that keeps what it was sent (the hub's own interface, not a stand-in for a receiver). */
function recording(name: string, sent: Map<string, Notification[]>): Provider {
  return {
    name,
    type: 'webhook',
    send: async (notification) => {
      sent.set(name, [...(sent.get(name) ?? []), notification]);
    },
  };
}

const provider = (namespace: string, name: string, suspend = false): NotificationProvider => ({
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'NotificationProvider',
  metadata: { name, namespace, uid: `${namespace}-${name}`, generation: 1 },
  spec: { type: 'webhook', address: 'https://hooks.example/x', ...(suspend ? { suspend } : {}) },
});
const alert = (namespace: string, name: string, providerName: string): NotificationAlert => ({
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'NotificationAlert',
  metadata: { name, namespace },
  spec: { providerRef: { name: providerName }, eventSources: [{ kind: 'GitSync' }] },
});

async function hubWith(sent: Map<string, Notification[]>) {
  const hub = new NotificationHub({
    controllerNamespace: SYSTEM,
    build: async (resource) => ({
      provider: recording(`${resource.metadata.namespace}/${resource.metadata.name}`, sent),
      fingerprint: 'same',
    }),
    notifier: { dedupWindowMs: 0 },
  });
  await hub.setProviders([provider('team-a', 'hook'), provider('team-b', 'hook'), provider('team-a', 'off', true)]);
  return hub;
}

test('an event reaches the providers of the alerts that hear it, once each, never another namespace’s', async () => {
  const sent = new Map<string, Notification[]>();
  const hub = await hubWith(sent);
  hub.setAlerts([
    alert('team-a', 'one', 'hook'),
    alert('team-a', 'two', 'hook'),
    alert('team-b', 'other', 'hook'),
    alert('team-a', 'suspended-provider', 'off'),
  ]);
  hub.emit(
    { kind: 'SyncFailed', object: { kind: 'GitSync', namespace: 'team-a', name: 'shop' }, reason: 'ApplyFailed' },
    { kind: 'GitSync', namespace: 'team-a', name: 'shop' },
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(sent.get('team-a/hook')?.length, 1, 'two alerts, one provider: one notification');
  assert.equal(sent.get('team-b/hook'), undefined, 'team-b hears nothing of team-a');
  assert.equal(hub.problemOf('team-a/off'), 'suspended');
  hub.close();
});

test('a provider is built again on every refresh, its Notifier kept while nothing changed; gone ones send nothing', async () => {
  const sent = new Map<string, Notification[]>();
  let builds = 0;
  let secretVersion = 'v1';
  const hub = new NotificationHub({
    controllerNamespace: SYSTEM,
    build: async (resource) => {
      builds++;
      const name = `${resource.metadata.namespace}/${resource.metadata.name}`;
      return { provider: recording(name, sent), fingerprint: secretVersion };
    },
    notifier: { dedupWindowMs: 0 },
  });
  hub.setAlerts([alert('team-a', 'one', 'hook')]);
  const failed = () =>
    hub.emit(
      { kind: 'SyncFailed', object: { kind: 'GitSync', namespace: 'team-a', name: 'shop' }, reason: 'ApplyFailed' },
      { kind: 'GitSync', namespace: 'team-a', name: 'shop' },
    );
  await hub.setProviders([provider('team-a', 'hook')]);
  failed();
  await hub.flush(1_000);
  await hub.setProviders([provider('team-a', 'hook')]);
  assert.equal(builds, 2, 'built again on every refresh (its Secret is read again)');
  assert.equal(hub.statsOf('team-a/hook')?.sent, 1, 'unchanged: the same Notifier, its counters kept');
  secretVersion = 'v2';
  await hub.setProviders([provider('team-a', 'hook')]);
  assert.equal(hub.statsOf('team-a/hook')?.sent, 0, 'the Secret changed: a new Notifier');
  failed();
  await hub.flush(1_000);
  await hub.setProviders([
    { ...provider('team-a', 'hook'), metadata: { ...provider('team-a', 'hook').metadata, generation: 2 } },
  ]);
  assert.equal(hub.statsOf('team-a/hook')?.sent, 0, 'the resource changed: a new Notifier');
  await hub.setProviders([]);
  assert.equal(hub.statsOf('team-a/hook'), undefined);
  failed();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(sent.get('team-a/hook')?.length, 2, 'a removed provider sends nothing');
  hub.close();
});

test('commit-status providers hear SyncStarted (pending) and the sync results only; others never hear SyncStarted', async () => {
  const sent = new Map<string, Notification[]>();
  const hub = new NotificationHub({
    controllerNamespace: SYSTEM,
    build: async (resource) => ({
      provider: recording(`${resource.metadata.namespace}/${resource.metadata.name}`, sent),
      fingerprint: 'same',
    }),
    notifier: { dedupWindowMs: 0 },
  });
  const forge: NotificationProvider = {
    ...provider('team-a', 'forge'),
    spec: { type: 'gitea', address: 'https://git.example', repository: 'o/r' },
  };
  await hub.setProviders([provider('team-a', 'hook'), forge]);
  hub.setAlerts([alert('team-a', 'chat', 'hook'), alert('team-a', 'status', 'forge')]);
  const object = { kind: 'GitSync', namespace: 'team-a', name: 'shop' };
  const involved = { kind: 'GitSync', namespace: 'team-a', name: 'shop' } as const;
  const revision = 'main@sha1:1111111111111111111111111111111111111111';
  hub.emit({ kind: 'SyncStarted', object, revision }, involved);
  hub.emit({ kind: 'SyncSucceeded', object, revision, changed: 1, unchanged: 0, pruned: 0 }, involved);
  hub.emit(
    { kind: 'DriftCorrected', object, revision, target: { kind: 'ConfigMap', name: 'x' }, fields: ['data.a'] },
    involved,
  );
  await hub.flush(1_000);
  const kinds = (key: string) => (sent.get(key) ?? []).map((n) => n.event.kind);
  assert.deepEqual(kinds('team-a/forge'), ['SyncStarted', 'SyncSucceeded']);
  assert.deepEqual(kinds('team-a/hook'), ['SyncSucceeded', 'DriftCorrected']);
  hub.close();
});
