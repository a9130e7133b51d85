import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotificationAlert, NotificationAlertSpec } from '@gitseal/manifests';
import { alertProblem, alertsFor, type RoutedEvent } from './notification-routes.js';

const SYSTEM = 'gitseal-system';
const alert = (name: string, namespace: string, spec: Partial<NotificationAlertSpec>): NotificationAlert => ({
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'NotificationAlert',
  metadata: { name, namespace },
  spec: { providerRef: { name: 'p' }, eventSources: [{ kind: 'GitSync' }], ...spec },
});
const event = (over: Partial<RoutedEvent> = {}): RoutedEvent => ({
  kind: 'SyncFailed',
  severity: 'error',
  involved: { kind: 'GitSync', namespace: 'team-a', name: 'shop', labels: { tier: 'web' } },
  ...over,
});
const names = (list: NotificationAlert[]) => list.map((a) => a.metadata.name);

test('an alert hears its own namespace only; a platform alert may name another, a tenant alert may not', () => {
  const alerts = [
    alert('own', 'team-a', {}),
    alert('other-tenant', 'team-b', {}),
    alert('sneaky', 'team-b', { eventSources: [{ kind: 'GitSync', namespace: 'team-a' }] }),
    alert('platform', SYSTEM, { eventSources: [{ kind: 'GitSync', namespace: 'team-a' }] }),
    alert('platform-all', SYSTEM, { eventSources: [{ kind: 'GitSync', namespace: '*' }] }),
  ];
  assert.deepEqual(names(alertsFor(event(), alerts, SYSTEM)), ['own', 'platform', 'platform-all']);
  assert.match(
    alertProblem(alerts[2]!, SYSTEM) ?? '',
    /^spec\.eventSources\[0\]\.namespace: team-a: only alerts in gitseal-system/,
  );
  assert.equal(alertProblem(alerts[3]!, SYSTEM), undefined);
});

test('kind, name, labels, event kinds, severity threshold and suspend all filter', () => {
  const alerts = [
    alert('sealed-only', 'team-a', { eventSources: [{ kind: 'SealedSecret' }] }),
    alert('by-name', 'team-a', { eventSources: [{ kind: 'GitSync', name: 'shop' }] }),
    alert('other-name', 'team-a', { eventSources: [{ kind: 'GitSync', name: 'blog' }] }),
    alert('by-label', 'team-a', { eventSources: [{ kind: 'GitSync', matchLabels: { tier: 'web' } }] }),
    alert('other-label', 'team-a', { eventSources: [{ kind: 'GitSync', matchLabels: { tier: 'db' } }] }),
    alert('drift-only', 'team-a', { events: ['DriftCorrected'] }),
    alert('errors', 'team-a', { severity: 'error' }),
    alert('suspended', 'team-a', { suspend: true }),
  ];
  assert.deepEqual(names(alertsFor(event(), alerts, SYSTEM)), ['by-name', 'by-label', 'errors']);
  assert.deepEqual(names(alertsFor(event({ kind: 'DriftCorrected', severity: 'info' }), alerts, SYSTEM)), [
    'by-name',
    'by-label',
    'drift-only',
  ]);
});

test("only the controller's namespace hears the controller's own events (keys, the published certificate)", () => {
  const alerts = [
    alert('platform-keys', SYSTEM, { eventSources: [{ kind: 'Controller' }] }),
    alert('tenant-keys', 'team-a', { eventSources: [{ kind: 'Controller' }] }),
    alert('tenant-keys-named', 'team-a', { eventSources: [{ kind: 'Controller', namespace: SYSTEM }] }),
  ];
  const rotated = event({
    kind: 'KeyRotated',
    severity: 'info',
    involved: { kind: 'Controller', namespace: SYSTEM, name: 'gitseal-controller' },
  });
  assert.deepEqual(names(alertsFor(rotated, alerts, SYSTEM)), ['platform-keys']);
  assert.match(alertProblem(alerts[1]!, SYSTEM) ?? '', /kind Controller: only alerts in gitseal-system/);
});
